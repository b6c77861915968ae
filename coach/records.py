"""The coach's records, declared once: validated, immutable, and JSON in both directions (the CLI's `--json`, the
user store and the exports all use these shapes)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, field_validator

Intent = Literal["question", "compare", "plan", "brag", "profile", "other"]  # "other": a message the coach declines
INTENTS: tuple[Intent, ...] = ("question", "compare", "plan", "brag", "profile", "other")
Focus = Literal["coding", "leading", "both"]
FOCUS_VALUES: tuple[Focus, ...] = ("coding", "leading", "both")


class Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class Profile(Record):
    """What the coach knows of the person; unknown stays None."""

    level: str | None = None
    focus: Focus | None = None
    track: str | None = None
    target: str | None = None
    years: float | None = None
    company: str | None = None  # where they work, when they said ("sde2 at amazon"): its codes mean its levels

    def merged(self, newer: Profile) -> Profile:
        """This profile updated with every field the newer reading found."""
        return self.model_copy(update=newer.model_dump(exclude_none=True))

    @property
    def complete(self) -> bool:
        return self.level is not None and self.focus is not None


class Source(Record):
    """A corpus section an answer used, as cited to the person."""

    path: str
    title: str
    section: str
    snippet: str
    score: float


class BragEntry(Record):
    """One accomplishment as pasted, and the brag-doc bullet made of it."""

    original: str
    bullet: str
    competencies: tuple[str, ...]
    questions: tuple[str, ...] = ()
    scope: str | None = None
    level: str | None = None

    @field_validator("competencies")
    @classmethod
    def _at_least_one(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value:
            raise ValueError("an entry belongs to at least one competency")
        return value


class Gap(Record):
    competency: str
    current: int
    target: int

    @property
    def size(self) -> int:
        return self.target - self.current


class Horizon(Record):
    name: str
    actions: tuple[str, ...]


class Plan(Record):
    level: str
    focus: Focus
    target: str
    summary: str
    gaps: tuple[Gap, ...]
    horizons: tuple[Horizon, ...]
    evidence: tuple[str, ...]
    sources: tuple[Source, ...]
    markdown: str


class Comparison(Record):
    roles: tuple[str, str]
    rows: tuple[dict[str, str], ...]
    summary: str
    sources: tuple[Source, ...]
    table: str  # the ladder's side-by-side table, with its title
    markdown: str


class Topic(Record):
    """What the conversation is about: the last question answered (standalone) and the section that answered it."""

    question: str
    path: str | None = None
    section: str | None = None


class Conversation(Record):
    """A conversation's state, read once per turn and saved once per turn with the reply."""

    profile: Profile = Profile()
    last: Intent | None = None  # what the last turn was, for a follow-up to lean on
    topic: Topic | None = None
    compared: tuple[str, str] | None = None  # the roles last compared
    entries: tuple[BragEntry, ...] = ()  # the brag entries last drafted
    asked_profile: bool = False  # the coach has asked for the level and focus once already


class Reply(Record):
    """One answer of the coach, with everything a view needs to render it again later."""

    answer: str
    intent: Intent
    profile: Profile
    state: Conversation = Conversation()  # the conversation after this turn
    sources: tuple[Source, ...] = ()
    follow_up: str | None = None
    notice: str | None = None
    comparison: Comparison | None = None
    plan: Plan | None = None
    entries: tuple[BragEntry, ...] = ()
    save_entries: bool = False  # the person asked to add the entries to their brag doc

    def contract(self) -> dict[str, object]:
        """The `coach ask --json` shape (see the CLI contract)."""
        return {
            **self.model_dump(mode="json", include={"answer", "intent", "sources", "follow_up", "notice"}),
            "profile": self.profile.model_dump(include={"level", "focus", "target"}),
        }


class MessagePayload(Record):
    """What a stored chat message carries besides its text, so the view can render it again later."""

    intent: str | None = None
    sources: tuple[Source, ...] = ()
    follow_up: str | None = None
    notice: str | None = None
    entries: tuple[BragEntry, ...] = ()
    added: bool = False  # the entries were added to the brag doc
    error: bool = False  # the message was not handled; its text says why

    @classmethod
    def of(cls, reply: Reply) -> MessagePayload:
        return cls(
            intent=reply.intent,
            sources=reply.sources,
            follow_up=reply.follow_up,
            notice=reply.notice,
            entries=reply.entries,
            added=reply.save_entries,
        )


class StoredMessage(Record):
    id: int
    role: Literal["user", "assistant"]
    content: str
    payload: MessagePayload = MessagePayload()


class StoredEntry(Record):
    id: int
    entry: BragEntry
