"""One person's workspace: their profile, conversation, brag doc and plans, kept in the user store and worked on
through the engine. The app and `coach chat` hold a workspace; nothing here is shared between workspaces."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from coach.engine import Coach, ReplyStream, Turn
from coach.errors import CoachError
from coach.records import BragEntry, MessagePayload, Plan, Profile, Reply, StoredEntry, StoredMessage
from coach.skills.brag import render_markdown
from coach.storage.store import UserStore, new_workspace_id

WORKSPACE_ID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


def workspace_of(issuer: str, subject: str) -> str:
    """A logged-in person's workspace id: their identity (the provider and its subject for them), hashed. It is
    derived from the signed login only, so no URL or form value can name it."""
    return "u" + hashlib.sha256(f"{issuer}\n{subject}".encode()).hexdigest()[:32]


def choose_workspace(requested: str | None, store: UserStore, identity: tuple[str, str] | None = None) -> str:
    """With a login, the person's own workspace, whatever the URL says. Without one (the local single-user app): the
    workspace named in the URL, else the one used last, else a new one."""
    if identity is not None:
        return workspace_of(*identity)
    if requested and WORKSPACE_ID.match(requested):
        return requested
    return store.latest_workspace() or new_workspace_id()


@dataclass
class Workspace:
    coach: Coach
    id: str

    @property
    def store(self) -> UserStore:
        if self.coach.store is None:
            raise CoachError("This coach keeps no user data; open it with a store.")
        return self.coach.store

    # -- profile and conversation ----------------------------------------------------------------------------

    def profile(self) -> Profile:
        return self.store.load_profile(self.id)

    def save_profile(self, profile: Profile) -> None:
        level = self.coach.ladder.find(profile.level)
        self.store.save_profile(self.id, profile.model_copy(update={"track": level.track if level else profile.track}))

    def history(self) -> list[StoredMessage]:
        return self.store.messages(self.id)

    def new_conversation(self) -> None:
        self.store.new_conversation(self.id)

    def ask(self, text: str, again: bool = False) -> ReplyStream:
        """Record the user's message first (so it is never lost), then start the reply stream. The conversation's
        state is read once here and saved once, with the reply, by `record_reply`. `again`: a retry after a server
        was unreachable, whose message may already be recorded as the last one; it is then not recorded twice."""
        state = self.store.load_conversation(self.id)
        history = [Turn(message.role, message.content) for message in self.history()]
        if again and history and history[-1] == Turn("user", text):
            history = history[:-1]
        else:
            self.store.add_message(self.id, "user", text)
        return self.coach.respond(text, state, history)

    def record_reply(self, reply: Reply) -> int:
        return self.store.save_turn(self.id, reply)

    def record_problem(self, error: CoachError) -> None:
        self.store.add_message(
            self.id, "assistant", f"I couldn't handle that message: {error}", MessagePayload(error=True)
        )

    def add_reply_entries(self, message: StoredMessage) -> int:
        """The 'add to brag doc' button: store the message's entries once."""
        if message.payload.added:
            return 0
        self.store.add_entries(self.id, message.payload.entries)
        self.store.update_payload(self.id, message.id, message.payload.model_copy(update={"added": True}))
        return len(message.payload.entries)

    # -- brag doc -----------------------------------------------------------------------------------------------

    def entries(self) -> list[StoredEntry]:
        return self.store.entries(self.id)

    def entries_by_competency(self) -> dict[str, list[StoredEntry]]:
        groups: dict[str, list[StoredEntry]] = {}
        for stored in self.entries():
            groups.setdefault(stored.entry.competencies[0], []).append(stored)
        return groups

    def draft(self, paste: str) -> tuple[tuple[BragEntry, ...], str | None]:
        """Bullets for a paste, the same as the chat makes (the model's wording when one is configured)."""
        return self.coach.brag(paste, self.profile())

    def add_entries(self, entries: list[BragEntry] | tuple[BragEntry, ...]) -> None:
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

    def generate_plan(self) -> tuple[Plan, str | None]:
        profile = self.profile()
        if profile.level is None or profile.focus is None:
            raise CoachError("Set your level and focus first (in the sidebar, or tell me in the chat).")
        plan, notice = self.coach.plan(profile)
        self.store.save_plan(self.id, plan)
        return plan, notice

    def latest_plan(self) -> Plan | None:
        return self.store.latest_plan(self.id)

    # -- data -------------------------------------------------------------------------------------------------

    def export(self) -> dict[str, Any]:
        return self.store.export_workspace(self.id)

    def import_data(self, data: dict[str, Any]) -> None:
        self.store.import_workspace(self.id, data)

    def delete(self) -> None:
        self.store.delete_workspace(self.id)
