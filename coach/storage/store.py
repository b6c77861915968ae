"""The user's own data: profile, conversations, brag entries and plans, one interface over two engines: a local
SQLite file (the default) or PostgreSQL (`COACH_DATABASE_URL`, a team deployment), with one migration history.

Each workspace (one person's data) is separate; nothing here is shared between workspaces, logged, or sent anywhere.
One store object serves every Streamlit session and thread.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Protocol

from coach.errors import ServiceUnavailable
from coach.records import BragEntry, Conversation, MessagePayload, Plan, Profile, Reply, StoredEntry, StoredMessage
from coach.storage.schema import (
    MIGRATIONS,
    SCHEMA_VERSION,
    Migrations,
    StoreError,
    StoreUnavailable,
    to_postgresql,
)

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "StoreError", "StoreUnavailable", "UserStore", "new_workspace_id"]
EXPORT_FORMAT = "career-coach-export"


class Connection(Protocol):
    def execute(self, sql: str, parameters: Sequence[Any] = ..., /) -> Any: ...


class Backend(Protocol):
    """What an engine provides: connections (a read, or one transaction), its own schema bookkeeping, and the
    clean-up after a deletion. The SQL itself is shared and written with `?` placeholders."""

    name: str

    def read(self) -> AbstractContextManager[Connection]: ...
    def write(self) -> AbstractContextManager[Connection]: ...
    def exists(self) -> bool: ...
    def scrub(self, remaining: int) -> None: ...
    def close(self) -> None: ...


def is_database_url(location: object) -> bool:
    return isinstance(location, str) and location.startswith(("postgresql://", "postgres://"))


def new_workspace_id() -> str:
    return uuid.uuid4().hex[:12]


def _entry_from_row(row: Mapping[str, Any]) -> StoredEntry:
    return StoredEntry(
        id=row["id"],
        entry=BragEntry(
            original=row["original"],
            bullet=row["bullet"],
            competencies=tuple(json.loads(row["competencies"])),
            questions=tuple(json.loads(row["questions"])),
            scope=row["scope"],
            level=row["level"],
        ),
    )


class UserStore:
    """A SQLite file (`UserStore(path)`) or a PostgreSQL database (`UserStore("postgresql://...")`)."""

    def __init__(self, location: Path | str) -> None:
        self.backend: Backend
        self.path: Path | None = None
        if is_database_url(location):
            from coach.storage.postgres import PostgresBackend

            self.backend = PostgresBackend(str(location), Migrations(to_postgresql))
        else:
            from coach.storage.sqlite import SqliteBackend

            self.path = Path(location)
            self.backend = SqliteBackend(self.path, Migrations())

    def _connect(self) -> AbstractContextManager[Connection]:
        return self.backend.read()

    def _transaction(self) -> AbstractContextManager[Connection]:
        return self.backend.write()

    def close(self) -> None:
        """Release the engine's connections (PostgreSQL's pool); the store opens them again when used."""
        self.backend.close()

    # -- workspaces and profile ------------------------------------------------------------------------------------

    def ensure_workspace(self, workspace: str) -> None:
        now = time.time()
        with self._transaction() as db:
            db.execute(
                "INSERT INTO workspaces (id, created_at, updated_at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING",
                (workspace, now, now),
            )

    def latest_workspace(self) -> str | None:
        """The workspace used most recently, so reopening the app continues where the person left off."""
        if not self.backend.exists():
            return None
        with self._connect() as db:
            row = db.execute("SELECT id FROM workspaces ORDER BY updated_at DESC LIMIT 1").fetchone()
        return row["id"] if row else None

    def load_profile(self, workspace: str) -> Profile:
        with self._connect() as db:
            row = db.execute("SELECT profile FROM workspaces WHERE id = ?", (workspace,)).fetchone()
        return Profile.model_validate_json(row["profile"]) if row else Profile()

    def load_conversation(self, workspace: str) -> Conversation:
        """The profile and the current conversation's state, in one read."""
        with self._connect() as db:
            row = db.execute("SELECT profile, state FROM workspaces WHERE id = ?", (workspace,)).fetchone()
        if row is None:
            return Conversation()
        state = Conversation.model_validate_json(row["state"])
        return state.model_copy(update={"profile": Profile.model_validate_json(row["profile"])})

    def save_turn(self, workspace: str, reply: Reply) -> int:
        """The coach's reply with everything it changed, in one transaction: the message, the profile, the
        conversation's state, a plan it made, and entries the person asked to keep."""
        self.ensure_workspace(workspace)
        now = time.time()
        state = reply.state.model_copy(update={"profile": Profile()}).model_dump_json()
        with self._transaction() as db:
            conversation = self._conversation_number(db, workspace)
            cursor = db.execute(
                "INSERT INTO messages (workspace, conversation, role, content, payload, created_at) VALUES (?, ?, ?, ?, ?, ?) "
                "RETURNING id",
                (workspace, conversation, "assistant", reply.answer,
                 MessagePayload.of(reply).model_dump_json(), now),
            )  # fmt: skip
            message_id = int(cursor.fetchone()["id"])
            db.execute(
                "UPDATE workspaces SET profile = ?, state = ?, updated_at = ? WHERE id = ?",
                (reply.profile.model_dump_json(), state, now, workspace),
            )
            if reply.plan is not None:
                db.execute(
                    "INSERT INTO plans (workspace, plan, created_at) VALUES (?, ?, ?)",
                    (workspace, reply.plan.model_dump_json(), now),
                )
            for entry in reply.entries if reply.save_entries else ():
                self._insert_entry(db, workspace, entry, now)
            return message_id

    def save_profile(self, workspace: str, profile: Profile) -> None:
        self.ensure_workspace(workspace)
        with self._transaction() as db:
            db.execute(
                "UPDATE workspaces SET profile = ?, updated_at = ? WHERE id = ?",
                (profile.model_dump_json(), time.time(), workspace),
            )

    # -- conversation ------------------------------------------------------------------------------------------

    def new_conversation(self, workspace: str) -> int:
        self.ensure_workspace(workspace)
        with self._transaction() as db:
            row = db.execute(
                "UPDATE workspaces SET conversation = conversation + 1, state = '{}', updated_at = ? WHERE id = ? "
                "RETURNING conversation",
                (time.time(), workspace),
            ).fetchone()
            return int(row["conversation"])

    def add_message(self, workspace: str, role: str, content: str, payload: MessagePayload | None = None) -> int:
        self.ensure_workspace(workspace)
        now = time.time()
        with self._transaction() as db:
            conversation = self._conversation_number(db, workspace)
            cursor = db.execute(
                "INSERT INTO messages (workspace, conversation, role, content, payload, created_at) VALUES (?, ?, ?, ?, ?, ?) "
                "RETURNING id",
                (workspace, conversation, role, content, (payload or MessagePayload()).model_dump_json(), now),
            )
            message_id = int(cursor.fetchone()["id"])
            db.execute("UPDATE workspaces SET updated_at = ? WHERE id = ?", (now, workspace))
            return message_id

    def update_payload(self, workspace: str, message_id: int, payload: MessagePayload) -> None:
        with self._transaction() as db:
            db.execute(
                "UPDATE messages SET payload = ? WHERE id = ? AND workspace = ?",
                (payload.model_dump_json(), message_id, workspace),
            )

    def messages(self, workspace: str) -> list[StoredMessage]:
        """The current conversation, oldest first."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT m.id, m.role, m.content, m.payload FROM messages m JOIN workspaces w ON w.id = m.workspace "
                "WHERE m.workspace = ? AND m.conversation = w.conversation ORDER BY m.id",
                (workspace,),
            ).fetchall()
        return [
            StoredMessage(
                id=row["id"],
                role=row["role"],
                content=row["content"],
                payload=MessagePayload.model_validate_json(row["payload"]),
            )
            for row in rows
        ]

    # -- brag document --------------------------------------------------------------------------------------------

    def add_entries(self, workspace: str, entries: Sequence[BragEntry]) -> list[int]:
        """Each entry in its own transaction: a crash loses at most the entry being written."""
        self.ensure_workspace(workspace)
        ids = []
        for entry in entries:
            with self._transaction() as db:
                ids.append(self._insert_entry(db, workspace, entry, time.time()))
        return ids

    @staticmethod
    def _conversation_number(db: Connection, workspace: str) -> int:
        return int(
            db.execute("SELECT conversation FROM workspaces WHERE id = ?", (workspace,)).fetchone()["conversation"]
        )

    @staticmethod
    def _insert_entry(db: Connection, workspace: str, entry: BragEntry, now: float) -> int:
        cursor = db.execute(
            "INSERT INTO brag_entries (workspace, original, bullet, competencies, questions, scope, level, "
            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (workspace, entry.original, entry.bullet, json.dumps(list(entry.competencies)),
             json.dumps(list(entry.questions)), entry.scope, entry.level, now, now),
        )  # fmt: skip
        return int(cursor.fetchone()["id"])

    def entries(self, workspace: str) -> list[StoredEntry]:
        with self._connect() as db:
            rows = db.execute("SELECT * FROM brag_entries WHERE workspace = ? ORDER BY id", (workspace,)).fetchall()
        return [_entry_from_row(row) for row in rows]

    def update_entry(self, workspace: str, entry_id: int, bullet: str) -> None:
        with self._transaction() as db:
            db.execute(
                "UPDATE brag_entries SET bullet = ?, updated_at = ? WHERE id = ? AND workspace = ?",
                (bullet, time.time(), entry_id, workspace),
            )

    def remove_entry(self, workspace: str, entry_id: int) -> None:
        with self._transaction() as db:
            db.execute("DELETE FROM brag_entries WHERE id = ? AND workspace = ?", (entry_id, workspace))

    # -- plans ----------------------------------------------------------------------------------------------------

    def save_plan(self, workspace: str, plan: Plan) -> None:
        self.ensure_workspace(workspace)
        with self._transaction() as db:
            db.execute(
                "INSERT INTO plans (workspace, plan, created_at) VALUES (?, ?, ?)",
                (workspace, plan.model_dump_json(), time.time()),
            )

    def latest_plan(self, workspace: str) -> Plan | None:
        with self._connect() as db:
            row = db.execute(
                "SELECT plan FROM plans WHERE workspace = ? ORDER BY id DESC LIMIT 1", (workspace,)
            ).fetchone()
        return Plan.model_validate_json(row["plan"]) if row else None

    # -- export, import, delete -------------------------------------------------------------------------------------

    def export_workspace(self, workspace: str) -> dict[str, Any]:
        """Everything stored for one workspace, as plain JSON-ready data."""
        with self._connect() as db:
            head = db.execute("SELECT * FROM workspaces WHERE id = ?", (workspace,)).fetchone()
            messages = db.execute(
                "SELECT conversation, role, content, payload, created_at FROM messages WHERE workspace = ? ORDER BY id",
                (workspace,),
            ).fetchall()
            entries = db.execute("SELECT * FROM brag_entries WHERE workspace = ? ORDER BY id", (workspace,)).fetchall()
            plans = db.execute(
                "SELECT plan, created_at FROM plans WHERE workspace = ? ORDER BY id", (workspace,)
            ).fetchall()
        return {
            "format": EXPORT_FORMAT,
            "schema": SCHEMA_VERSION,
            "workspace": {
                "profile": json.loads(head["profile"]) if head else {},
                "state": json.loads(head["state"]) if head else {},
                "conversation": head["conversation"] if head else 1,
                "created_at": head["created_at"] if head else None,
            },
            "messages": [{**dict(row), "payload": json.loads(row["payload"])} for row in messages],
            "brag_entries": [
                {
                    **_entry_from_row(row).entry.model_dump(mode="json"),
                    "created_at": row["created_at"],
                    "updated_at": row["updated_at"],
                }
                for row in entries
            ],
            "plans": [{"plan": json.loads(row["plan"]), "created_at": row["created_at"]} for row in plans],
        }

    def import_workspace(self, workspace: str, data: dict[str, Any]) -> None:
        """Replace a workspace's data with an export; all or nothing."""
        if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT:
            raise StoreError("That file is not a Career Coach export; choose a file made by 'Export my data'.")
        if int(data.get("schema", 0)) > SCHEMA_VERSION:
            raise StoreError("That export comes from a newer Career Coach; upgrade the app to import it.")
        try:
            head = data["workspace"]
            with self._transaction() as db:
                db.execute("DELETE FROM workspaces WHERE id = ?", (workspace,))
                now = time.time()
                db.execute(
                    "INSERT INTO workspaces (id, profile, state, conversation, created_at, updated_at) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        workspace,
                        json.dumps(head["profile"]),
                        json.dumps(head.get("state") or {}),
                        int(head["conversation"]),
                        head["created_at"] or now,
                        now,
                    ),
                )
                for message in data["messages"]:
                    db.execute(
                        "INSERT INTO messages (workspace, conversation, role, content, payload, created_at) "
                        "VALUES (?, ?, ?, ?, ?, ?)",
                        (workspace, int(message["conversation"]), message["role"], message["content"],
                         json.dumps(message["payload"]), message["created_at"]),
                    )  # fmt: skip
                for entry in data["brag_entries"]:
                    db.execute(
                        "INSERT INTO brag_entries (workspace, original, bullet, competencies, questions, scope, level, "
                        "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (workspace, entry["original"], entry["bullet"], json.dumps(entry["competencies"]),
                         json.dumps(entry["questions"]), entry["scope"], entry["level"], entry["created_at"],
                         entry["updated_at"]),
                    )  # fmt: skip
                for plan in data["plans"]:
                    db.execute(
                        "INSERT INTO plans (workspace, plan, created_at) VALUES (?, ?, ?)",
                        (workspace, json.dumps(plan["plan"]), plan["created_at"]),
                    )
        except ServiceUnavailable:
            raise
        except (KeyError, TypeError, ValueError) as error:
            raise StoreError(
                f"That export is incomplete or damaged ({type(error).__name__}: {error}); nothing was changed."
            ) from None

    def delete_workspace(self, workspace: str) -> None:
        """Remove the workspace's data, and have the engine clean up after it (see its `scrub`)."""
        with self._transaction() as db:
            db.execute("DELETE FROM workspaces WHERE id = ?", (workspace,))
            remaining = int(db.execute("SELECT COUNT(*) AS n FROM workspaces").fetchone()["n"])
        self.backend.scrub(remaining)
