"""The conversation: one user message in, one reply out, routed by intent and grounded in the corpus and ladder."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from coach.answers import Source, compose_answer, follow_up_for
from coach.brag import BragEntry, draft_entries, render_markdown
from coach.compare import Comparison, compare_roles
from coach.errors import CoachError
from coach.intents import Intent, route
from coach.ladder import Ladder
from coach.plans import Plan, build_plan
from coach.profile import Profile, read_profile
from coach.retrieval import HybridRetriever

MAX_MESSAGE_CHARS = 20_000


class InputError(CoachError):
    """The message cannot be handled as typed (empty, too long); the message says what to send instead."""


@dataclass(frozen=True)
class Turn:
    role: str  # "user" or "assistant"
    content: str


@dataclass(frozen=True)
class Reply:
    answer: str
    intent: Intent
    profile: Profile
    sources: tuple[Source, ...] = ()
    follow_up: str | None = None
    notice: str | None = None
    comparison: Comparison | None = None
    plan: Plan | None = None
    entries: tuple[BragEntry, ...] = field(default=())

    def as_dict(self) -> dict[str, object]:
        """The `coach ask --json` contract."""
        profile = self.profile
        return {
            "answer": self.answer,
            "intent": self.intent,
            "sources": [source.as_dict() for source in self.sources],
            "profile": {"level": profile.level, "focus": profile.focus, "target": profile.target},
            "follow_up": self.follow_up,
            "notice": self.notice,
        }


def clean_message(message: str) -> str:
    """Strip control characters (keeping newlines and tabs) and reject what cannot be answered."""
    cleaned = "".join(ch for ch in message if ch in "\n\t" or (ord(ch) >= 32 and ord(ch) != 127)).strip()
    if not cleaned:
        raise InputError("The message is empty: type a question, paste accomplishments, or tell me your level.")
    if len(cleaned) > MAX_MESSAGE_CHARS:
        raise InputError(
            f"The message is {len(cleaned):,} characters long; the limit is {MAX_MESSAGE_CHARS:,}. "
            "Send a shorter question, or paste accomplishments in smaller batches."
        )
    return cleaned


def describe_profile(profile: Profile, ladder: Ladder) -> str:
    parts = []
    if profile.level:
        level = ladder.level(profile.level)
        parts.append(f"you're at **{level.name}** ({'manager' if level.track == 'manager' else 'IC'} track)")
    if profile.focus:
        parts.append(f"your focus is **{profile.focus}**")
    if profile.target:
        parts.append(f"you're aiming for **{profile.target}**")
    if profile.years is not None:
        parts.append(f"with about {profile.years:g} years of experience")
    return ", ".join(parts)


class Coach:
    """The grounded engine. It holds only read-only resources, so one instance serves every session."""

    def __init__(self, ladder: Ladder, retriever: HybridRetriever) -> None:
        self.ladder = ladder
        self.retriever = retriever

    def reply(self, message: str, profile: Profile, history: Sequence[Turn] = ()) -> Reply:
        text = clean_message(message)
        chosen = route(text, self.ladder)
        if chosen.intent == "brag":
            return self.brag(chosen.body or text, profile)
        if chosen.intent == "compare":
            comparison = compare_roles(self.ladder, self.retriever, *chosen.roles)
            return Reply(comparison.markdown, "compare", profile, comparison.sources, comparison=comparison)
        profile = profile.merged(read_profile(text, self.ladder))
        if chosen.intent == "plan":
            return self.plan(profile)
        if chosen.intent == "profile":
            return self.acknowledge(profile)
        return self.answer(text, profile)

    def answer(self, question: str, profile: Profile) -> Reply:
        retrieved = self.retriever.retrieve(question, k=5, levels=(profile.level or "", profile.target or ""))
        composed = compose_answer(question, profile, retrieved, self.ladder)
        return Reply(composed.markdown, "question", profile, composed.sources, follow_up=follow_up_for(profile))

    def plan(self, profile: Profile) -> Reply:
        if profile.level is None or profile.focus is None:
            return Reply(
                "I'll build a plan toward your next level as soon as I know where you are now and how you spend "
                "your time.",
                "plan",
                profile,
                follow_up=follow_up_for(profile),
            )
        plan = build_plan(self.ladder, self.retriever, profile.level, profile.focus, profile.target)
        return Reply(plan.markdown, "plan", profile, plan.sources, plan=plan)

    def acknowledge(self, profile: Profile) -> Reply:
        described = describe_profile(profile, self.ladder)
        lines = [f"Thanks, noted: {described}." if described else "Thanks."]
        current = self.ladder.find(profile.level)
        if current is not None:
            goal = self.ladder.find(profile.target) or self.ladder.next_level(current.name)
            lines.append(f"\n**{current.name}** on the ladder: {current.summary}")
            if goal is not None:
                lines.append(f"\n**Next: {goal.name}.** {goal.summary} Typical experience: {goal.typical_years} years.")
            lines.append(
                '\nYou can ask me how to get there, ask for a plan ("make me a plan"), compare two roles '
                '("how does Lead differ from Staff?"), or paste accomplishments to turn into brag-doc bullets.'
            )
        return Reply("\n".join(lines), "profile", profile, follow_up=follow_up_for(profile))

    def brag(self, paste: str, profile: Profile) -> Reply:
        entries = draft_entries(paste, self.ladder)
        markdown = render_markdown(entries, title="Brag-doc bullets")
        open_questions = sum(1 for entry in entries if entry.questions)
        if open_questions:
            markdown += (
                f"\n\n{open_questions} of {len(entries)} entries have no number yet; answer the questions under them "
                "and I'll fold the numbers in. I never add a number you did not give."
            )
        return Reply(markdown, "brag", profile, entries=tuple(entries))
