"""The engine: one `Coach` that the app, the `coach` command and the tests all call, for a chat turn, a question, a
comparison, a plan or brag wording. The configured model's writer is applied here and only here, so every surface
gets the same result for the same input."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, cast

from coach.errors import CoachError
from coach.knowledge.corpus import save_upload
from coach.knowledge.ladder import Ladder, load_ladder
from coach.knowledge.screening import InstructionDetector, screen
from coach.records import BragEntry, Comparison, Conversation, Focus, Plan, Profile, Reply, Topic
from coach.retrieval.index import KnowledgeIndex, Progress, open_index
from coach.retrieval.search import HybridRetriever, Mode, RetrievalConfig, is_supported, relevant, to_source
from coach.settings import Settings
from coach.skills.answers import compose_answer, follow_up_for
from coach.skills.brag import brag_answer, draft_entries
from coach.skills.compare import KEY_DIFFERENCES, compare_roles, comparison_opening
from coach.skills.plans import PlanError, build_plan
from coach.storage.store import UserStore
from coach.text import sentences
from coach.understanding.followups import brag_action, context_weights, pointed_entries, with_topic
from coach.understanding.intents import IntentClassifier, asks, is_pasted_list, strip_instruction
from coach.understanding.profile import QUESTION_WORD, expand_query, level_mentions, read_profile

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

    from coach.generation.writer import LlmWriter

MAX_MESSAGE_CHARS = 20_000
DECLINE = (
    "That's outside what I can help with. I'm a career coach for software engineers: ask me how to reach your next "
    "level, compare two roles, ask for a plan, or paste accomplishments to turn into brag-doc bullets."
)
PLAN_NEEDS_LEVEL = "I'll build a plan toward your next level as soon as I know where you are now."


class InputError(CoachError):
    """The message cannot be handled as typed (empty, too long); the message says what to send instead."""


@dataclass(frozen=True)
class Turn:
    role: str  # "user" or "assistant"
    content: str


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
    """The grounded engine. It holds only read-only resources and the store (which keys everything by workspace),
    so one instance serves every session."""

    def __init__(
        self,
        ladder: Ladder,
        retriever: HybridRetriever | None,
        writer: LlmWriter | None = None,
        store: UserStore | None = None,
        setup_problem: str | None = None,
        classifier: IntentClassifier | None = None,
    ) -> None:
        self.ladder = ladder
        self._retriever = retriever
        self._classifier = classifier
        self.writer = writer
        self.store = store
        self.setup_problem = setup_problem  # why the configured model is not used, when it could not be set up
        self._detector: InstructionDetector | None = None  # made on the first upload: it embeds its prototypes

    def using(self, writer: LlmWriter | None = None, store: UserStore | None = None) -> Coach:
        """The same engine (ladder, index, classifier) with another model writer or user store."""
        return Coach(self.ladder, self._retriever, writer, store, self.setup_problem, self._classifier)

    @property
    def retriever(self) -> HybridRetriever:
        if self._retriever is None:
            raise CoachError("This coach was opened without the knowledge index; run `coach index` and try again.")
        return self._retriever

    @property
    def index(self) -> KnowledgeIndex:
        return self.retriever.index

    @property
    def classifier(self) -> IntentClassifier:
        if self._classifier is None:
            raise CoachError("This coach was opened without the knowledge index; run `coach index` and try again.")
        return self._classifier

    # -- one message ------------------------------------------------------------------------------------------

    def reply(self, message: str, context: Profile | Conversation, history: Sequence[Turn] = ()) -> Reply:
        return self.respond(message, context, history).result()

    def respond(self, message: str, context: Profile | Conversation, history: Sequence[Turn] = ()) -> ReplyStream:
        """One turn: the reply as a stream (the model's words as they come when one is configured), ending in the
        Reply that carries the conversation's new state. A Profile alone is the first turn of a conversation.

        Bad input raises InputError here, before anything streams, so the caller can keep the user's text."""
        text = clean_message(message)
        state = context if isinstance(context, Conversation) else Conversation(profile=context)
        label = self.classifier.classify(text, context_weights(state))
        if label == "brag" and not is_pasted_list(text) and QUESTION_WORD.match(sentences(text)[-1].lower()):
            label = "question"  # work described, then a question about it ("... how should I quantify that?")
        if label == "profile" and asks(text):
            label = "question"  # a self-description that also asks something: answer it (the profile is read too)
        if label == "brag":
            return ReplyStream.of(self._brag_reply(strip_instruction(text), state))
        if label == "other":
            return ReplyStream.of(self._decline(state))
        if label == "brag_followup" or (label == "followup" and state.last == "brag" and state.entries):
            if state.entries:
                return ReplyStream.of(self._brag_followup(text, state))
            label = "question"
        roles = tuple(dict.fromkeys(level_mentions(self.ladder, text)))
        read = read_profile(text, self.ladder)
        if label == "compare" and len(roles) > 2 and read.level in roles:
            roles = tuple(role for role in roles if role != read.level)  # "E5 here. staff vs lead?": E5 is them
        elif label == "compare":  # the roles compared are not the person's level or target
            read = read.model_copy(update={field: None for field in ("level", "target", "track")
                                           if getattr(read, field) in roles})  # fmt: skip
        before = state.profile
        state = state.model_copy(update={"profile": before.merged(read)})
        if label == "followup" and state.last == "plan" and state.profile != before:
            label = "plan"  # "ok and if i'm mostly coding?": the plan again, for the profile as it is now
        # After a comparison, a follow-up about the person ("which fits me better?") asks which role fits them.
        about_me = label == "followup" and state.last == "compare" and re.search(r"\b(?:me|my|i|i'?m)\b", text.lower())
        if label == "compare" or about_me or (label == "followup" and state.last == "compare" and roles):
            if not roles and state.compared is not None:
                return ReplyStream.of(self._fit_reply(state))
            pair = self._roles_to_compare(roles, state)
            if pair is not None:
                return self._compare_reply(text, self.compare(*pair), state, history)
            label = "question"
        if label == "plan":
            return ReplyStream.of(self._plan_reply(state))
        if label == "profile":
            return ReplyStream.of(self._acknowledge(state))
        if label == "followup" and state.topic is not None:
            return self._answer(text, state, history, follow_up_of=state.topic)
        return self._answer(text, state, history)

    def _roles_to_compare(self, roles: tuple[str, ...], state: Conversation) -> tuple[str, str] | None:
        """Two roles named; one role beside the last comparison ("and Principal?") or beside the person's level;
        none, with a comparison to go back to ("which fits me better?")."""
        if len(roles) >= 2:
            return roles[0], roles[1]
        if len(roles) == 1 and state.compared is not None and roles[0] not in state.compared:
            return state.compared[1], roles[0]
        if len(roles) == 1 and state.profile.level not in (None, roles[0]):
            return cast(str, state.profile.level), roles[0]
        if not roles and state.compared is not None:
            return state.compared
        return None

    def _fit_reply(self, state: Conversation) -> Reply:
        """ "Which fits me better?" after a comparison: the ladder's Focus row for both roles, beside the person's."""
        assert state.compared is not None
        first, second = (self.ladder.level(role) for role in state.compared)
        rows = f"- **{first.name}**: {first.dimensions['focus']}\n- **{second.name}**: {second.dimensions['focus']}"
        profile = state.profile
        if profile.focus is None:
            answer = (f"Which fits you depends mostly on how you like to spend your time. From the career ladder:\n\n"
                      f"{rows}\n\nWhat's your current focus: coding, leading, or both?")  # fmt: skip
        else:
            answer = (f"You said your focus is {profile.focus}. Set that beside how each role spends its time, from "
                      f"the career ladder:\n\n{rows}")  # fmt: skip
        return Reply(
            answer=answer, intent="compare", profile=profile, state=state.model_copy(update={"last": "compare"})
        )

    def _decline(self, state: Conversation) -> Reply:
        return Reply(
            answer=DECLINE, intent="other", profile=state.profile, state=state.model_copy(update={"last": "other"})
        )

    def _answer(
        self, text: str, state: Conversation, history: Sequence[Turn], follow_up_of: Topic | None = None
    ) -> ReplyStream:
        profile = state.profile
        question = text if follow_up_of is None else self._standalone(text, follow_up_of, history)
        retrieved = self.retriever.retrieve(question, k=5, levels=(profile.level or "", profile.target or ""))
        # Answer first, ask after: the level and focus are asked for once, at the end of an answer.
        follow_up = None if state.asked_profile else follow_up_for(profile)
        best = retrieved[0].chunk if retrieved and is_supported(retrieved) else None
        after = state.model_copy(update={
            "last": "question",
            "topic": Topic(question=question, path=best.path if best else None, section=best.section if best else None),
            "asked_profile": state.asked_profile or follow_up is not None,
        })  # fmt: skip

        def offline() -> Reply:
            composed = compose_answer(question, profile, retrieved, self.ladder)
            return Reply(answer=composed.markdown, intent="question", profile=profile, sources=composed.sources,
                         follow_up=follow_up, state=after)  # fmt: skip

        writer = self.writer
        used = relevant(retrieved)
        if writer is None or not used or not is_supported(retrieved):
            return ReplyStream.of(offline())
        sources = tuple(to_source(item) for item in used)
        model_reply = Reply(answer="", intent="question", profile=profile, sources=sources, follow_up=follow_up,
                            state=after)  # fmt: skip
        return self._written(text, model_reply, offline, history)

    def _standalone(self, text: str, topic: Topic, history: Sequence[Turn]) -> str:
        """A follow-up made a question of its own: by the model when one is configured (the history-aware retriever
        pattern), else by the conversation's topic ("and Principal?" after "how do I get to Staff?")."""
        if self.writer is not None:
            condensed = self.writer.condense(text, [(turn.role, turn.content) for turn in history])
            if condensed:
                return condensed
        return with_topic(text, topic, self.ladder)

    def _compare_reply(
        self, question: str, comparison: Comparison, state: Conversation, history: Sequence[Turn]
    ) -> ReplyStream:
        profile = state.profile
        topic = Topic(question=f"{comparison.roles[0]} vs {comparison.roles[1]}")
        after = state.model_copy(update={"last": "compare", "compared": comparison.roles, "topic": topic})
        opening = comparison_opening(comparison, profile, self.ladder)
        offline = Reply(answer=f"{opening}\n\n{comparison.markdown}", intent="compare", profile=profile,
                        sources=comparison.sources, comparison=comparison, state=after)  # fmt: skip
        if self.writer is None or not comparison.sources:
            return ReplyStream.of(offline)
        # The ladder's table stays; the model writes the differences from the same sources.
        lead = f"{opening}\n\n{comparison.table}\n\n{KEY_DIFFERENCES}\n"

        def fallback() -> Reply:
            return offline.model_copy(update={"answer": lead + comparison.summary})

        return self._written(question, offline, fallback, history, lead)

    def _written(
        self, question: str, reply: Reply, offline: Callable[[], Reply], history: Sequence[Turn], lead: str = ""
    ) -> ReplyStream:
        """The model's answer streamed after `lead`; on any failure the offline reply, composed only then."""
        writer = self.writer
        assert writer is not None
        turns = [(turn.role, turn.content) for turn in history]

        def produce() -> Iterator[str | Reply]:
            if lead:
                yield lead
            fallback: list[Reply] = []

            def offline_text() -> str:
                fallback.append(offline())
                return fallback[0].answer.removeprefix(lead)

            for item in writer.stream_answer(question, offline_text, reply.sources, reply.profile, turns):
                if isinstance(item, tuple):
                    answer, notice = item
                    final = fallback[0] if fallback else reply
                    yield final.model_copy(update={"answer": lead + answer, "notice": notice})
                else:
                    yield item

        return ReplyStream(produce)

    def _plan_reply(self, state: Conversation) -> Reply:
        profile = state.profile
        after = state.model_copy(update={"last": "plan"})
        if profile.level is None:
            return Reply(answer=PLAN_NEEDS_LEVEL, intent="plan", profile=profile, follow_up=follow_up_for(profile),
                         state=after.model_copy(update={"asked_profile": True}))  # fmt: skip
        try:
            plan, notice = self.plan(profile)
        except PlanError as error:
            return Reply(answer=str(error), intent="plan", profile=profile, state=after)
        opening = f"Here is a plan from {plan.level} to {plan.target}, for a focus on {plan.focus}."
        if profile.focus is None:
            opening += ' I assumed a mix of coding and leading; say "mostly coding" or "mostly leading" to change it.'
        topic = Topic(question=f"How do I get from {plan.level} to {plan.target}?")
        profile = profile.model_copy(update={"target": plan.target})  # the plan's target is theirs now
        return Reply(answer=f"{opening}\n\n{plan.markdown}", intent="plan", profile=profile, sources=plan.sources,
                     plan=plan, notice=notice, state=after.model_copy(update={"topic": topic, "profile": profile}))  # fmt: skip

    def _acknowledge(self, state: Conversation) -> Reply:
        profile = state.profile
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
        return Reply(answer="\n".join(lines), intent="profile", profile=profile, follow_up=follow_up_for(profile),
                     state=state.model_copy(update={"last": "profile"}))  # fmt: skip

    def _brag_reply(self, paste: str, state: Conversation) -> Reply:
        entries, notice = self.brag(paste, state.profile)
        after = state.model_copy(update={"last": "brag", "entries": entries})
        return Reply(answer=brag_answer(entries), intent="brag", profile=state.profile, entries=entries,
                     notice=notice, state=after)  # fmt: skip

    def _brag_followup(self, text: str, state: Conversation) -> Reply:
        """Work on the entries just drafted: add them to the brag doc, say what competency one shows, or make one
        stronger (ask for its missing result, or show it again with its metric question)."""
        entries = state.entries
        chosen = pointed_entries(text, len(entries))
        after = state.model_copy(update={"last": "brag"})
        kind = brag_action(text)
        if kind == "save":
            return Reply(answer=f"Added {len(entries)} bullet(s) to your brag doc.", intent="brag",
                         profile=state.profile, entries=entries, save_entries=True, state=after)  # fmt: skip
        lines = []
        for index in chosen:
            entry = entries[index]
            if kind == "competency":
                described = "; ".join(
                    f"**{name}**: {self.ladder.competency(name).description}" for name in entry.competencies
                )
                lines.append(f"{index + 1}. {entry.bullet}\n   It shows {described}")
            elif entry.questions:
                lines.append(
                    f"{index + 1}. {entry.bullet}\n   To make it stronger, add the result: {entry.questions[0]}"
                )
            else:
                lines.append(f"{index + 1}. {entry.bullet}\n   It has your numbers. To make it stronger, put the result "
                             "first and say who benefited (users, teams, on-call), in your own words.")  # fmt: skip
        opening = "Here is what the ladder says about" if kind == "competency" else "Here is how to strengthen"
        which = "this bullet" if len(chosen) == 1 else "these bullets"
        return Reply(answer=f"{opening} {which}:\n\n" + "\n".join(lines), intent="brag", profile=state.profile,
                     entries=tuple(entries[index] for index in chosen), state=after)  # fmt: skip

    # -- the skills, each with the model applied once -------------------------------------------------------------

    def add_upload(self, uploads_dir: Path, name: str, data: bytes) -> list[str]:
        """Keep an uploaded company ladder beside the corpus (indexed whole at the next refresh) and say which of its
        lines address an AI rather than a reader. Raises CorpusError with the fix when the file cannot be used."""
        saved = save_upload(uploads_dir, name, data)
        text = saved.read_text(encoding="utf-8")
        if self._detector is None:
            self._detector = InstructionDetector(self.index.embeddings)
        return [finding.describe(saved.name) for finding in screen(text, self._detector)]

    def read_profile(self, text: str) -> Profile:
        return read_profile(text, self.ladder)

    def compare(self, role_a: str, role_b: str) -> Comparison:
        return compare_roles(self.ladder, self.retriever, role_a, role_b)

    def plan(self, profile: Profile) -> tuple[Plan, str | None]:
        """The plan from the profile's level toward its target (or the next level), for its focus (default both);
        personalised by the model when one is configured. Raises PlanError with what to choose instead."""
        if profile.level is None:
            raise CoachError("Set your level first (in the sidebar, or tell me in the chat).")
        focus: Focus = profile.focus or "both"
        plan = build_plan(self.ladder, self.retriever, profile.level, focus, profile.target)
        if self.writer is None:
            return plan, None
        return self.writer.write_plan(plan, profile.model_copy(update={"target": plan.target}))

    def brag(self, paste: str, profile: Profile) -> tuple[tuple[BragEntry, ...], str | None]:
        """Brag-doc entries for a paste, worded by the model when one is configured (numbers checked in code)."""
        entries = tuple(draft_entries(paste, self.ladder))
        if self.writer is None:
            return entries, None
        return self.writer.write_brag(entries, profile)


# -- factories: the heavy, read-only resources (the app caches what they return) --------------------------------------


def build_retriever(
    index: KnowledgeIndex, mode: Mode = "hybrid", config: RetrievalConfig | None = None
) -> HybridRetriever:
    """The project's retriever: queries expanded with canonical level names and the corpus's own words."""
    ladder = load_ladder()
    return HybridRetriever(index, mode=mode, config=config, expand=lambda query: expand_query(query, ladder))


def build_writer(settings: Settings) -> LlmWriter | None:
    """The LLM writer for the configured model, or None offline; raises ModelSetupError with the fix."""
    from coach.generation.models import load_chat_model
    from coach.generation.writer import LlmWriter

    model = load_chat_model(settings)
    return None if model is None else LlmWriter(model, settings.llm, settings.llm_timeout)


def build_coach(
    index: KnowledgeIndex | None,
    writer: LlmWriter | None = None,
    store: UserStore | None = None,
    setup_problem: str | None = None,
) -> Coach:
    """An engine from its parts; without an index it can still word brag bullets (which need no search). The intent
    classifier is kept beside the index (a cache, like it)."""
    if index is None:
        return Coach(load_ladder(), None, writer, store, setup_problem)
    classifier = IntentClassifier(index.embeddings, cache_dir=index.index_dir)
    return Coach(load_ladder(), build_retriever(index), writer, store, setup_problem, classifier)


def open_index_for(
    settings: Settings, embeddings: Embeddings | None = None, progress: Progress | None = None
) -> KnowledgeIndex:
    """The index under the data directory, built or refreshed from the knowledge folders first."""
    if embeddings is None:
        from coach.retrieval.embeddings import load_embeddings

        embeddings = load_embeddings(settings.model_dir)
    if progress is None:
        return open_index(settings.index_dir, settings.all_knowledge_dirs(), embeddings)[0]
    return open_index(settings.index_dir, settings.all_knowledge_dirs(), embeddings, progress)[0]


def open_coach(settings: Settings, progress: Progress | None = None, tolerate_model_problem: bool = False) -> Coach:
    """The whole engine from settings. The model is set up first, so a broken provider setting fails before the
    index loads; with `tolerate_model_problem` (the app) the offline engine answers and says why instead."""
    problem = None
    try:
        writer = build_writer(settings)
    except CoachError as error:
        if not tolerate_model_problem:
            raise
        writer, problem = None, str(error)
    index = open_index_for(settings, progress=progress)
    return build_coach(index, writer, UserStore(settings.user_db_path), problem)
