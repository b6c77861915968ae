"""One person's workspace as the app sees it: conversation, profile, brag doc and plan, kept in the user store.

The Streamlit view calls these functions and renders what they return; it holds no logic of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coach.answers import FOLLOW_UP_BOTH
from coach.brag import BragEntry, render_markdown
from coach.conversation import Coach, Reply, Turn
from coach.corpus import CorpusError, parse_document
from coach.errors import CoachError
from coach.ladder import Ladder
from coach.plans import build_plan
from coach.profile import Profile
from coach.store import StoredEntry, StoredMessage, UserStore

WELCOME = (
    "Hi, I'm your career coach. I can answer questions from our career guides (with sources), compare roles, "
    "build a plan toward your next level, and turn your accomplishments into brag-doc bullets.\n\n" + FOLLOW_UP_BOTH
)
QUICK_LEVELS = ("Junior", "Mid", "Senior", "Lead", "Staff", "Engineering Manager")
QUICK_FOCUS = ("coding", "leading", "both")
MAX_UPLOAD_BYTES = 1_000_000
WORKSPACE_ID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


def reply_payload(reply: Reply) -> dict[str, Any]:
    """What the view needs to render a stored reply again: sources, follow-up, notice, brag entries."""
    return {
        "intent": reply.intent,
        "sources": [source.as_dict() for source in reply.sources],
        "follow_up": reply.follow_up,
        "notice": reply.notice,
        "entries": [entry.as_dict() for entry in reply.entries],
        "added": False,
    }


def entry_from_dict(data: dict[str, Any]) -> BragEntry:
    return BragEntry(
        original=data["original"],
        bullet=data["bullet"],
        competencies=tuple(data["competencies"]),
        questions=tuple(data["questions"]),
        scope=data.get("scope"),
        level=data.get("level"),
    )


def choose_workspace(requested: str | None, store: UserStore) -> str:
    """The workspace named in the URL, else the one used last, else a new one."""
    from coach.store import new_workspace_id

    if requested and WORKSPACE_ID.match(requested):
        return requested
    return store.latest_workspace() or new_workspace_id()


@dataclass
class Workspace:
    store: UserStore
    id: str

    # -- profile and conversation ----------------------------------------------------------------------------

    def profile(self) -> Profile:
        return self.store.load_profile(self.id)

    def save_profile(self, profile: Profile, ladder: Ladder) -> None:
        level = ladder.find(profile.level)
        track = level.track if level else profile.track
        self.store.save_profile(self.id, Profile(profile.level, profile.focus, track, profile.target, profile.years))

    def history(self) -> list[StoredMessage]:
        return self.store.messages(self.id)

    def turns(self) -> list[Turn]:
        return [Turn(message.role, message.content) for message in self.history()]

    def new_conversation(self) -> None:
        self.store.new_conversation(self.id)

    def ask(self, coach: Coach, text: str):
        """Record the user's message first (so it is never lost), then start the reply stream."""
        history = self.turns()
        self.store.add_message(self.id, "user", text)
        return coach.respond(text, self.profile(), history)

    def record_reply(self, reply: Reply) -> int:
        if reply.profile != self.profile():
            self.store.save_profile(self.id, reply.profile)
        if reply.plan is not None:
            self.store.save_plan(self.id, reply.plan.as_dict())
        return self.store.add_message(self.id, "assistant", reply.answer, reply_payload(reply))

    def record_problem(self, error: CoachError) -> None:
        self.store.add_message(self.id, "assistant", f"I couldn't handle that message: {error}", {"error": True})

    def add_reply_entries(self, message: StoredMessage) -> int:
        """The 'add to brag doc' button: store the message's entries once."""
        if message.payload.get("added"):
            return 0
        entries = [entry_from_dict(data) for data in message.payload.get("entries", [])]
        self.store.add_entries(self.id, entries)
        self.store.update_payload(self.id, message.id, {**message.payload, "added": True})
        return len(entries)

    # -- brag doc -----------------------------------------------------------------------------------------------

    def entries(self) -> list[StoredEntry]:
        return self.store.entries(self.id)

    def entries_by_competency(self) -> dict[str, list[StoredEntry]]:
        groups: dict[str, list[StoredEntry]] = {}
        for stored in self.entries():
            groups.setdefault(stored.entry.competencies[0], []).append(stored)
        return groups

    def add_entries(self, entries: list[BragEntry]) -> None:
        self.store.add_entries(self.id, entries)

    def update_entry(self, entry_id: int, bullet: str) -> None:
        bullet = " ".join(bullet.split())
        if not bullet:
            raise CoachError("A bullet cannot be empty; remove the entry instead.")
        self.store.update_entry(self.id, entry_id, bullet)

    def remove_entry(self, entry_id: int) -> None:
        self.store.remove_entry(self.id, entry_id)

    def brag_markdown(self) -> str:
        return render_markdown([stored.entry for stored in self.entries()])

    # -- plan -------------------------------------------------------------------------------------------------

    def generate_plan(self, coach: Coach) -> tuple[dict[str, Any], str | None]:
        profile = self.profile()
        if profile.level is None or profile.focus is None:
            raise CoachError("Set your level and focus first (in the sidebar, or tell me in the chat).")
        plan = build_plan(coach.ladder, coach.retriever, profile.level, profile.focus, profile.target)
        notice = None
        if coach.writer is not None:
            plan, notice = coach.writer.write_plan(plan, profile)
        data = plan.as_dict()
        self.store.save_plan(self.id, data)
        return data, notice

    def latest_plan(self) -> dict[str, Any] | None:
        return self.store.latest_plan(self.id)

    # -- data -------------------------------------------------------------------------------------------------

    def export(self) -> dict[str, Any]:
        return self.store.export_workspace(self.id)

    def import_data(self, data: dict[str, Any]) -> None:
        self.store.import_workspace(self.id, data)

    def delete(self) -> None:
        self.store.delete_workspace(self.id)


def gap_chart_rows(plan: dict[str, Any]) -> list[dict[str, Any]]:
    """Long-form rows (competency, level, bar) for a grouped bar chart of current vs target."""
    rows = []
    for gap in plan["gaps"]:
        rows.append({"competency": gap["competency"], "level": plan["level"], "bar": gap["current"]})
        rows.append({"competency": gap["competency"], "level": plan["target"], "bar": gap["target"]})
    return rows


def ladder_rows(ladder: Ladder, level_name: str) -> list[dict[str, str]]:
    level = ladder.level(level_name)
    return [
        {
            "Competency": name,
            "Expectation": cell.expectation,
            "Signals": "; ".join(cell.signals),
            "Example evidence": "; ".join(cell.evidence),
        }
        for name, cell in level.competencies.items()
    ]


def save_upload(uploads_dir: Path, name: str, data: bytes) -> Path:
    """Validate and keep an uploaded company ladder (markdown) beside the corpus; raises CoachError with the fix."""
    safe_name = re.sub(r"[^A-Za-z0-9_.-]", "-", Path(name).name).strip(".-") or "ladder.md"
    if not safe_name.lower().endswith(".md"):
        raise CoachError(f"{name}: upload markdown files (.md).")
    if len(data) > MAX_UPLOAD_BYTES:
        raise CoachError(f"{name}: larger than 1 MB; split it into smaller markdown files.")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise CoachError(f"{name}: not UTF-8 text; save it as UTF-8 markdown and upload it again.") from None
    try:
        parse_document(text, f"uploads/{safe_name}")
    except CorpusError as error:
        raise CoachError(str(error)) from None
    uploads_dir.mkdir(parents=True, exist_ok=True)
    target = uploads_dir / safe_name
    target.write_text(text, encoding="utf-8")
    return target
