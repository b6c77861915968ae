"""The conversation: one user message in, one reply out, routed by intent and grounded in the corpus and ladder."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from coach.answers import Source, compose_answer, follow_up_for
from coach.brag import BragEntry, draft_entries, render_markdown
from coach.compare import KEY_DIFFERENCES, Comparison, compare_roles
from coach.errors import CoachError
from coach.intents import Intent, route
from coach.ladder import Ladder
from coach.plans import Plan, build_plan
from coach.profile import Profile, read_profile
from coach.retrieval import HybridRetriever

if TYPE_CHECKING:
    from coach.generation import LlmWriter

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


class ReplyStream:
    """Text chunks as they are written (iterate it), then the final `reply` once iteration has finished."""

    def __init__(self, produce: Callable[[], Iterator[str | Reply]]) -> None:
        self._produce = produce
        self.reply: Reply | None = None

    @classmethod
    def of(cls, reply: Reply) -> ReplyStream:
        def produce() -> Iterator[str | Reply]:
            yield reply.answer
            yield reply

        return cls(produce)

    def __iter__(self) -> Iterator[str]:
        for item in self._produce():
            if isinstance(item, Reply):
                self.reply = item
            else:
                yield item

    def result(self) -> Reply:
        """Run the stream to the end (if nobody iterated it) and return the final reply."""
        if self.reply is None:
            for _ in self:
                pass
        assert self.reply is not None
        return self.reply


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

    def __init__(self, ladder: Ladder, retriever: HybridRetriever, writer: LlmWriter | None = None) -> None:
        self.ladder = ladder
        self.retriever = retriever
        self.writer = writer

    def reply(self, message: str, profile: Profile, history: Sequence[Turn] = ()) -> Reply:
        return self.respond(message, profile, history).result()

    def respond(self, message: str, profile: Profile, history: Sequence[Turn] = ()) -> ReplyStream:
        """The reply as a stream: the model's words as they come when one is configured, else the offline reply.

        Bad input raises InputError here, before anything streams, so the caller can keep the user's text."""
        text = clean_message(message)
        offline = self.offline_reply(text, profile)
        writer = self.writer
        if writer is None:
            return ReplyStream.of(offline)
        turns = [(turn.role, turn.content) for turn in history]
        comparison = offline.comparison
        if (offline.intent == "question" and offline.sources) or (comparison is not None and comparison.sources):
            # A comparison keeps the ladder's table; the model writes the differences from the same sources.
            lead = f"{comparison.table}\n\n{KEY_DIFFERENCES}\n" if comparison is not None else ""
            fallback = comparison.summary if comparison is not None else offline.answer

            def produce_answer() -> Iterator[str | Reply]:
                if lead:
                    yield lead
                context = {"sources": offline.sources, "profile": offline.profile}
                for item in writer.stream_answer(text, fallback, context, turns):
                    if isinstance(item, tuple):
                        answer, notice = item
                        yield replace(offline, answer=lead + answer, notice=notice)
                    else:
                        yield item

            return ReplyStream(produce_answer)
        if offline.intent == "brag" and offline.entries:
            entries, notice = writer.write_brag(offline.entries, profile)
            return ReplyStream.of(replace(offline, entries=entries, answer=brag_answer(entries), notice=notice))
        if offline.intent == "plan" and offline.plan is not None:
            plan, notice = writer.write_plan(offline.plan, offline.profile)
            return ReplyStream.of(replace(offline, plan=plan, answer=plan.markdown, notice=notice))
        return ReplyStream.of(offline)

    def offline_reply(self, text: str, profile: Profile) -> Reply:
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
        entries = tuple(draft_entries(paste, self.ladder))
        return Reply(brag_answer(entries), "brag", profile, entries=entries)


def brag_answer(entries: Sequence[BragEntry]) -> str:
    markdown = render_markdown(list(entries), title="Brag-doc bullets")
    open_questions = sum(1 for entry in entries if entry.questions)
    if open_questions:
        markdown += (
            f"\n\n{open_questions} of {len(entries)} entries have no number yet; answer the questions under them "
            "and add the numbers. I never add a number you did not give."
        )
    return markdown
