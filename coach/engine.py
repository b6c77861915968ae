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
from coach.knowledge.ladder import Ladder, Level, load_ladder
from coach.knowledge.screening import InstructionDetector, screen
from coach.records import BragEntry, Comparison, Conversation, Focus, Plan, Profile, Reply, Topic
from coach.retrieval.index import KnowledgeIndex, Progress, open_index
from coach.retrieval.search import (
    FOLLOW_UP_SIMILARITY,
    MIN_SIMILARITY,
    HybridRetriever,
    Mode,
    RetrievalConfig,
    fuse,
    is_supported,
    to_source,
    within_budget,
)
from coach.settings import Settings
from coach.skills.answers import answering_order, compose_answer, follow_up_for
from coach.skills.brag import brag_answer, draft_entries, rework
from coach.skills.compare import KEY_DIFFERENCES, compare_roles, comparison_opening
from coach.skills.plans import PlanError, build_plan, plan_in_chat
from coach.storage.store import UserStore
from coach.text import sentences, terms
from coach.understanding.followups import (
    brag_action,
    context_weights,
    on_topic,
    own_terms,
    pointed_entries,
    with_topic,
)
from coach.understanding.intents import (
    BULLETS_WANTED,
    IntentClassifier,
    Label,
    asks,
    is_pasted_list,
    requests_advice,
    strip_instruction,
    struggles,
    wants_bullets_of_nothing,
)
from coach.understanding.profile import (
    QUESTION_WORD,
    ProfileReader,
    expand_query,
    level_mentions,
    read_preference,
    without_self_description,
)

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

    from coach.generation.writer import LlmWriter

MAX_MESSAGE_CHARS = 20_000
# What a configured model reads for a question: the best of these sections within its writer's budget of characters
# (`Settings.llm_context_chars`, at least five sections). `coach bench` measures the must-have facts each budget holds.
MODEL_SECTIONS = 10
# A message declined as off-topic is answered instead when a guide section is this close to it in meaning: measured
# on the intent sets and training examples, declined messages (off-topic, abuse, prompt requests) reach at most 0.45.
ANSWERABLE_SIMILARITY = 0.5
COMPARING = re.compile(r"\b(?:vs\.?|versus|differ\w*|compar\w*|better|similar|same as|like being)\b")
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
        parts.append(f"with about {profile.years:g} year{'' if profile.years == 1 else 's'} of experience")
    return ", ".join(parts)


# The first words of a message that lean on the turn before it.
LEANS_ON = re.compile(r"^\W*(?:and|but|so|or|wait|then|also|what about|how about|(?:ok|okay)\W+and)\b")
# Words that point at what was just said ("is that true at startups too?", "what would step 2 look like", "which
# fits me better?").
POINTS_BACK = re.compile(
    r"\b(?:that|it|this|these|those|them|instead|too|as well|more detail|step \d|the (?:first|second|last)|which|"
    r"better|fits?|differ\w*|diff|versus|vs)\b"
)


FOCUS_WORDS = {"coding": "mostly coding", "leading": "mostly leading", "both": "a mix of coding and leading"}
NEARER = {"coding": "keeps more of the week on coding", "leading": "puts more of the week into leading",
          "both": "is nearer an even split of coding and leading"}  # fmt: skip


def _nearer_role(first: Level, second: Level, focus: str) -> Level | None:
    """The role whose week is nearer the focus, by the ladder's share of hands-on time; None when it gives none."""
    if first.hands_on is None or second.hands_on is None or first.hands_on == second.hands_on:
        return None
    goal = {"coding": 100, "leading": 0, "both": 50}[focus]
    return min((first, second), key=lambda level: abs((level.hands_on or 0) - goal))


# A request to write something up for a review ("help me write my self review", "write up my half").
WRITE_UP = re.compile(
    r"\b(?:help me|can you|could you|can u|pls|please)\b.*\b(?:write|draft|word|turn)\b|\bwrite\s+up\b"
)
BRAG_GUIDES = "knowledge/brag/"
PASTE_OFFER = (
    "Paste what you did this period (a list, notes or a Slack thread) and I'll turn it into review-ready bullets."
)
# A word that stands for what the last answer was about ("does that help for promo?", "review it").
REFERS_BACK = re.compile(r"\b(?:that|it|this|those|them|instead)\b")


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
        profile_reader: ProfileReader | None = None,
    ) -> None:
        self.ladder = ladder
        self._profile_reader = profile_reader
        self._retriever = retriever
        self._classifier = classifier
        self.writer = writer
        self.store = store
        self.setup_problem = setup_problem  # why the configured model is not used, when it could not be set up
        self._detector: InstructionDetector | None = None  # made on the first upload: it embeds its prototypes

    def using(self, writer: LlmWriter | None = None, store: UserStore | None = None) -> Coach:
        """The same engine (ladder, index, classifier) with another model writer or user store."""
        return Coach(self.ladder, self._retriever, writer, store, self.setup_problem, self._classifier,
                     self._profile_reader)  # fmt: skip

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
        label = self.understand(text, state)
        if label not in ("compare", "plan", "profile") and wants_bullets_of_nothing(text):
            # "ok here's my jira export, can you turn it into bullets" with no export in it yet: ask for it
            return ReplyStream.of(Reply(answer=PASTE_OFFER, intent="brag", profile=state.profile,
                                        state=state.model_copy(update={"last": "brag"})))  # fmt: skip
        if label == "brag":
            return ReplyStream.of(self._brag_reply(strip_instruction(text), state))
        if label == "other":
            return ReplyStream.of(self._decline(state))
        if label == "brag_followup" or (label == "followup" and state.last == "brag" and state.entries):
            if state.entries:
                return ReplyStream.of(self._brag_followup(text, state))
            label = "question"
        # "what would it take to get to L6?" from someone who said they are at Amazon asks about Amazon's L6
        # (Senior), not Google's; a paste above keeps the person's own words.
        text = self.ladder.with_company_codes(text, state.profile.company)
        roles = tuple(dict.fromkeys(level_mentions(self.ladder, text)))
        swaps_role = state.last == "compare" and len(text.split()) <= 4  # "and principal?" after a comparison
        if label == "compare" and len(roles) < 2 and not swaps_role and not COMPARING.search(text.lower()):
            label = "question"  # one role and no comparison asked for ("what would my evidence for L7 look like?")
        read = self.read_profile(text, state.profile.level)
        if label == "compare" and len(roles) > 2 and read.level in roles:
            roles = tuple(role for role in roles if role != read.level)  # "E5 here. staff vs lead?": E5 is them
        elif label == "compare":  # the roles compared are not the person's level or target
            read = read.model_copy(update={field: None for field in ("level", "target", "track")
                                           if getattr(read, field) in roles})  # fmt: skip
        if label == "plan" and read.target is None and state.profile.level is not None:
            # "ok lets go with staff. plan pls": the level a plan request names, beside a level already known, is
            # where the plan should go.
            goal = next((role for role in reversed(roles) if role != state.profile.level), None)
            read = read.model_copy(update={"target": goal, "level": None if read.level == goal else read.level})
        before = state.profile
        state = state.model_copy(update={"profile": before.merged(read)})
        if label == "followup" and state.last == "plan" and state.profile != before:
            label = "plan"  # "ok and if i'm mostly coding?": the plan again, for the profile as it is now
        # After a comparison, a follow-up about the person ("which fits me better?") asks which role fits them.
        about_me = (label == "followup" and state.last == "compare" and not roles
                    and re.search(r"\b(?:me|my|i|i'?m)\b", text.lower()))  # fmt: skip
        if label == "compare" or about_me or (label == "followup" and swaps_role and roles):
            if not roles and state.compared is not None:
                return ReplyStream.of(self._fit_reply(text, state))
            pair = self._roles_to_compare(roles, state)
            if pair is not None:
                return self._compare_reply(text, self.compare(*pair), state, history)
            label = "question"
        if label == "plan" and state.profile.level is None and self._answerable(text):
            label = "question"  # no level to plan from, and the guides answer it: answer first, ask after
        if label == "plan":
            return ReplyStream.of(self._plan_reply(state))
        if label == "profile":
            return ReplyStream.of(self._acknowledge(text, state))
        if label == "followup" and state.topic is not None:
            return self._answer(text, state, history, follow_up_of=state.topic)
        return self._answer(text, state, history)

    def understand(self, text: str, state: Conversation | None) -> Label:
        """What a message is, given the conversation so far (a follow-up needs something to follow); without one,
        by the message alone."""
        label = self.classifier.classify(text, context_weights(state) if state is not None else None)
        # "can you turn this into bullets: shipped the importer ...": the request's words are no question about it
        pasted = strip_instruction(text) if BULLETS_WANTED.search(text.partition(":")[0]) else text
        if label == "brag" and not is_pasted_list(text) and QUESTION_WORD.match(sentences(pasted)[-1].lower()):
            return "question"  # work described, then a question about it ("... how should I quantify that?")
        if label == "brag" and requests_advice(text):
            return "question"  # "give me some better verbs than 'worked on'": advice asked for, nothing pasted
        if label == "profile" and (asks(text) or struggles(text)):
            # a self-description that also asks something, or tells of a difficulty ("... and im drowning"): answer
            # it (the profile is read too)
            return "question"
        if label == "other" and self._answerable(text):
            return "question"  # a question the guides answer closely ("what are dora metrics?") is not declined
        if (
            label in ("followup", "compare")
            and state is not None
            and state.topic is not None
            and not level_mentions(self.ladder, text)
            and self._new_subject(text, state.topic)
        ):
            return "question"  # "ok what should my brag doc look like?" after Mid vs Senior asks afresh
        if label == "followup" and state is not None and state.last == "profile" and level_mentions(self.ladder, text):
            # "what would it take to get to L6?" after "sde2 at amazon, 5 yoe": a question of its own, which the
            # profile it follows only tailors; it does not re-ask the self-description with another level
            return "question"
        if (
            label == "question"
            and state is not None
            and state.topic is not None
            and state.last == "question"
            and not level_mentions(self.ladder, text)
            and (LEANS_ON.match(text.lower()) or REFERS_BACK.search(text.lower()))
            and not self._answerable(text)
        ):
            # "and if i do, how do i get ppl to actually review it?", "does that help for promo at all?": a question
            # that leans on the last answer and that the guides do not answer by itself follows up on it
            return "followup"
        return label

    def _new_subject(self, text: str, topic: Topic) -> bool:
        """Whether a message that reads like a follow-up brings a subject of its own, which the topic does not share
        and the guides answer by itself; one that leans on the last turn by its first word ("and the common traps?",
        "wait, what do you mean by scope") or points back at it ("is that true at startups too?") follows up."""
        if LEANS_ON.match(text.lower()) or POINTS_BACK.search(text.lower()):
            return False
        own = own_terms(text)
        return (
            len(own) >= 3
            and not own & terms(topic.question)
            and is_supported(self.retriever.retrieve(text, k=3), MIN_SIMILARITY)
        )

    def _answerable(self, text: str) -> bool:
        """Whether a guide section is close in meaning to the message itself."""
        return is_supported(self.retriever.retrieve(text, k=3), ANSWERABLE_SIMILARITY)

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

    def _fit_reply(self, text: str, state: Conversation) -> Reply:
        """ "Which fits me better?" after a comparison: the ladder's Focus row for both roles, beside the person's
        focus or what they say they like doing ("i like coding way more than meetings"), and the role nearer to it."""
        assert state.compared is not None
        first, second = (self.ladder.level(role) for role in state.compared)
        rows = f"- **{first.name}**: {first.dimensions['focus']}\n- **{second.name}**: {second.dimensions['focus']}"
        profile = state.profile
        liked = read_preference(text)
        focus = liked or profile.focus
        if focus is None:
            answer = (f"Which fits you depends mostly on how you like to spend your time. From the career ladder:\n\n"
                      f"{rows}\n\nWhat's your current focus: coding, leading, or both?")  # fmt: skip
        else:
            said = f"You said you like {focus}" if liked else f"You said your focus is {FOCUS_WORDS[focus]}"
            answer = f"{said}. Set that beside how each role spends its time, from the career ladder:\n\n{rows}"
            nearer = _nearer_role(first, second, focus)
            if nearer is not None:
                answer += f"\n\nOf the two, **{nearer.name}** {NEARER[focus]}."
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
        asked = without_self_description(text, profile, self.ladder)
        if asked != text and (len(terms(asked)) < 3 or not is_supported(self.retriever.retrieve(asked, k=1))):
            # "my self-review as a junior is a list of tickets. what should it look like?" and "... bad idea?" lean
            # on what the person said about themselves: the question is all of it
            asked = text
        condensed = self._condensed(asked, history) if follow_up_of is not None else None
        question = asked if follow_up_of is None else condensed or with_topic(asked, follow_up_of, self.ladder)
        appended = follow_up_of is not None and question == on_topic(asked, follow_up_of)
        levels = (profile.level or "", profile.target or "")
        # A follow-up with no subject of its own is about what the last answer said: the heading of the section it
        # came from names that ("when should i start writing it?" after "Writing a promotion packet").
        own_subject = follow_up_of is not None and condensed is None and len(own_terms(asked)) >= 2
        leans = follow_up_of is not None and follow_up_of.section and condensed is None and not own_subject
        searched = f"{question} ({follow_up_of.section})" if leans and follow_up_of else question
        whole = retrieved = self.retriever.retrieve(searched, k=MODEL_SECTIONS, levels=levels)
        if own_subject:
            # A follow-up with a subject of its own ("what goes in the packet?"), made standalone by the topic alone,
            # is searched for by its own words too, so the topic gives context without taking over.
            retrieved = fuse([whole, self.retriever.retrieve(asked, k=MODEL_SECTIONS, levels=levels)], k=MODEL_SECTIONS)
        if follow_up_of is not None and follow_up_of.section is not None:
            # A follow-up asks for something the last answer did not give: the section that gave it leads no more
            # ("and what would I need to show?" after the years from Senior to Staff).
            said = (follow_up_of.path, follow_up_of.section)
            fresh = [item for item in retrieved if (item.chunk.path, item.chunk.section) != said]
            if is_supported(fresh, FOLLOW_UP_SIMILARITY):  # else the same section is still the best there is
                retrieved = fresh + [item for item in retrieved if (item.chunk.path, item.chunk.section) == said]
        # Answer first, ask after: the level and focus are asked for once, at the end of an answer.
        follow_up = None if state.asked_profile else follow_up_for(profile)
        answered_before = follow_up_of is not None and follow_up_of.section is not None
        supported = is_supported(retrieved, FOLLOW_UP_SIMILARITY if answered_before else MIN_SIMILARITY)
        # the section the answer leads with
        best = answering_order(asked, retrieved, profile.level)[0].chunk if supported else None
        if best is not None and best.path.startswith(BRAG_GUIDES) and WRITE_UP.search(text.lower()):
            # "help me write my self review": how, then the offer to do it with their own notes, in place of the
            # profile question, which waits for a later answer
            follow_up = PASTE_OFFER
        after = state.model_copy(update={
            "last": "question",
            # A follow-up told on the topic ("<its subject>: how long does that take?") leaves the topic as it was,
            # so the next one does not lean on both; one that changed its level ("and Principal?") is the new topic.
            # One with a subject of its own ("what goes in the packet?") carries it on: "when should i start writing
            # it?" is about the packet.
            "topic": Topic(question=follow_up_of.question if appended and follow_up_of and not own_subject else question,
                           path=best.path if best else None,
                           section=best.section if best else None),
            "asked_profile": state.asked_profile or follow_up not in (None, PASTE_OFFER),
        })  # fmt: skip

        def offline() -> Reply:
            composed = compose_answer(question, profile, retrieved, self.ladder, tailor=follow_up_of is None,
                                      related_from=whole, supported=supported, asked=asked)  # fmt: skip
            return Reply(answer=composed.markdown, intent="question", profile=profile, sources=composed.sources,
                         follow_up=follow_up, state=after)  # fmt: skip

        writer = self.writer
        if writer is None or not supported:
            return ReplyStream.of(offline())
        # The model reads the best sections up to its budget, whatever an offline answer would show; the person is
        # shown the ones its answer cites (`cited_only`).
        sources = tuple(to_source(item) for item in within_budget(retrieved, writer.context_chars))
        model_reply = Reply(answer="", intent="question", profile=profile, sources=sources, follow_up=follow_up,
                            state=after)  # fmt: skip
        return self._written(text, model_reply, offline, history)

    def _condensed(self, text: str, history: Sequence[Turn]) -> str | None:
        """A follow-up made a question of its own by the configured model (the history-aware retriever pattern);
        None offline or when the model cannot, and then the conversation's topic does it (`with_topic`: "and
        Principal?" after "how do I get to Staff?")."""
        if self.writer is None:
            return None
        return self.writer.condense(text, [(turn.role, turn.content) for turn in history]) or None

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
        from coach.generation.writer import cited_only

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
                    if fallback:
                        yield fallback[0].model_copy(update={"answer": lead + answer, "notice": notice})
                    else:
                        answer, sources = cited_only(answer, reply.sources)
                        yield reply.model_copy(update={"answer": lead + answer, "sources": sources, "notice": notice})
                else:
                    yield item

        return ReplyStream(produce)

    def _plan_reply(self, state: Conversation) -> Reply:
        profile = state.profile
        after = state.model_copy(update={"last": "plan"})
        # "my promo to senior got rejected ... give me a plan": with only the goal known, plan from the level below it
        # and say so (answer first, ask after).
        below = self.ladder.previous_level(profile.target) if profile.level is None and profile.target else None
        if profile.level is None and below is None:
            return Reply(answer=PLAN_NEEDS_LEVEL, intent="plan", profile=profile, follow_up=follow_up_for(profile),
                         state=after.model_copy(update={"asked_profile": True}))  # fmt: skip
        try:
            plan, notice = self.plan(profile.model_copy(update={"level": below.name}) if below else profile)
        except PlanError as error:
            return Reply(answer=str(error), intent="plan", profile=profile, state=after)
        opening = f"Here is a plan from {plan.level} to {plan.target}, for a focus on {plan.focus}."
        if below is not None:
            opening += f" I assumed you are at {below.name} now, the level below {plan.target}; tell me if not."
        if profile.focus is None:
            opening += ' I assumed a mix of coding and leading; say "mostly coding" or "mostly leading" to change it.'
        topic = Topic(question=f"How do I get from {plan.level} to {plan.target}?")
        profile = profile.model_copy(update={"target": plan.target})  # the plan's target is theirs now
        return Reply(answer=f"{opening}\n\n{plan_in_chat(plan.markdown)}", intent="plan", profile=profile, sources=plan.sources,
                     plan=plan, notice=notice, state=after.model_copy(update={"topic": topic, "profile": profile}))  # fmt: skip

    def _acknowledge(self, text: str, state: Conversation) -> Reply:
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
        follow_up = None if state.asked_profile else follow_up_for(profile)
        # What they said about themselves is the topic a follow-up leans on ("i still review every PR myself" then
        # "is that a problem?").
        after = state.model_copy(update={"last": "profile", "topic": Topic(question=text),
                                         "asked_profile": state.asked_profile or follow_up is not None})  # fmt: skip
        return Reply(answer="\n".join(lines), intent="profile", profile=profile, follow_up=follow_up, state=after)

    def _brag_reply(self, paste: str, state: Conversation) -> Reply:
        entries, notice = self.brag(paste, state.profile)
        after = state.model_copy(update={"last": "brag", "entries": entries})
        return Reply(answer=brag_answer(entries), intent="brag", profile=state.profile, entries=entries,
                     notice=notice, state=after)  # fmt: skip

    def _brag_followup(self, text: str, state: Conversation) -> Reply:
        """Work on the entries just drafted: add them to the brag doc, say what competency one shows, or make one
        stronger (ask for its missing result and reach, or offer the result first from the person's own words)."""
        answer, chosen, save = rework(brag_action(text), pointed_entries(text, len(state.entries)), state.entries,
                                      self.ladder)  # fmt: skip
        return Reply(answer=answer, intent="brag", profile=state.profile, entries=chosen, save_entries=save,
                     state=state.model_copy(update={"last": "brag"}))  # fmt: skip

    # -- the skills, each with the model applied once -------------------------------------------------------------

    def add_upload(self, uploads_dir: Path, name: str, data: bytes) -> list[str]:
        """Keep an uploaded company ladder beside the corpus (indexed whole at the next refresh) and say which of its
        lines address an AI rather than a reader. Raises CorpusError with the fix when the file cannot be used."""
        saved = save_upload(uploads_dir, name, data)
        text = saved.read_text(encoding="utf-8")
        if self._detector is None:
            self._detector = InstructionDetector(self.index.embeddings)
        return [finding.describe(saved.name) for finding in screen(text, self._detector)]

    def read_profile(self, text: str, known: str | None = None) -> Profile:
        """What a message says about the speaker; `known` is the level earlier turns gave."""
        if self._profile_reader is None:  # trained (and kept beside the index) only when first needed without one
            self._profile_reader = ProfileReader(self.ladder)
        return self._profile_reader.read(text, known)

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
    return HybridRetriever(index, mode=mode, config=config, expand=lambda query: expand_query(query, ladder),
                           levels_named=lambda query: level_mentions(ladder, query))  # fmt: skip


def build_writer(settings: Settings) -> LlmWriter | None:
    """The LLM writer for the configured model, or None offline; raises ModelSetupError with the fix."""
    from coach.generation.models import load_chat_model
    from coach.generation.writer import LlmWriter

    model = load_chat_model(settings)
    return None if model is None else LlmWriter(model, settings.llm, settings.llm_timeout, settings.llm_context_chars)


def build_coach(
    index: KnowledgeIndex | None,
    writer: LlmWriter | None = None,
    store: UserStore | None = None,
    setup_problem: str | None = None,
) -> Coach:
    """An engine from its parts; without an index it can still word brag bullets (which need no search). The intent
    classifier is kept beside the index (a cache, like it)."""
    ladder = load_ladder()
    if index is None:
        return Coach(ladder, None, writer, store, setup_problem)
    classifier = IntentClassifier(index.embeddings, cache_dir=index.index_dir)
    reader = ProfileReader(ladder, cache_dir=index.index_dir)
    return Coach(ladder, build_retriever(index), writer, store, setup_problem, classifier, reader)


def open_index_for(
    settings: Settings, embeddings: Embeddings | None = None, progress: Progress | None = None
) -> KnowledgeIndex:
    """The index under the data directory, built or refreshed from the knowledge folders first; on a Chroma server
    (`COACH_CHROMA_URL`) only read, as `coach index` built it there."""
    if embeddings is None:
        from coach.retrieval.embeddings import load_embeddings

        embeddings = load_embeddings(settings.model_dir)
    folders = settings.all_knowledge_dirs()
    if progress is None:
        return open_index(settings.index_dir, folders, embeddings, server_url=settings.chroma_url)[0]
    return open_index(settings.index_dir, folders, embeddings, progress, server_url=settings.chroma_url)[0]


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
    store = UserStore(settings.database_url or settings.user_db_path)  # PostgreSQL when configured, else SQLite
    return build_coach(index, writer, store, problem)
