"""The user's own data: profile, conversations, brag entries and plans, kept locally in SQLite (WAL, versioned schema).

Each workspace (one person's data) is separate; nothing here is shared between workspaces, logged, or sent anywhere.
A connection is opened per operation, so one store object can serve every Streamlit session and thread.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from coach.errors import CoachError
from coach.records import BragEntry, Conversation, MessagePayload, Plan, Profile, Reply, StoredEntry, StoredMessage

SCHEMA_VERSION = 2
EXPORT_FORMAT = "career-coach-export"
MIGRATIONS: dict[int, str] = {
    1: """
    CREATE TABLE workspaces (
        id TEXT PRIMARY KEY,
        profile TEXT NOT NULL DEFAULT '{}',
        conversation INTEGER NOT NULL DEFAULT 1,
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL
    );
    CREATE TABLE messages (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        workspace TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        conversation INTEGER NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
        content TEXT NOT NULL,
        payload TEXT NOT NULL DEFAULT '{}',
        created_at REAL NOT NULL
    );
    CREATE INDEX messages_by_workspace ON messages(workspace, conversation, id);
    CREATE TABLE brag_entries (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        workspace TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        original TEXT NOT NULL,
        bullet TEXT NOT NULL,
        competencies TEXT NOT NULL,
        questions TEXT NOT NULL,
        scope TEXT,
        level TEXT,
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL
    );
    CREATE INDEX brag_by_workspace ON brag_entries(workspace, id);
    CREATE TABLE plans (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        workspace TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        plan TEXT NOT NULL,
        created_at REAL NOT NULL
    );
    """,
    # 2: the conversation's state (topic, roles compared, entries drafted), kept with it and reset with it.
    2: """
    ALTER TABLE workspaces ADD COLUMN state TEXT NOT NULL DEFAULT '{}';
    """,
}


class StoreError(CoachError):
    """The user data file cannot be used; the message says what to do."""


_WRITE_LOCKS: dict[Path, threading.RLock] = {}
_WRITE_LOCKS_GUARD = threading.Lock()


def _write_lock_for(path: Path) -> threading.RLock:
    with _WRITE_LOCKS_GUARD:
        return _WRITE_LOCKS.setdefault(path.resolve(), threading.RLock())


def new_workspace_id() -> str:
    return uuid.uuid4().hex[:12]


def _entry_from_row(row: sqlite3.Row) -> StoredEntry:
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
    def __init__(self, path: Path) -> None:
        self.path = path
        self._ready = False
        # One writer at a time inside this process (Streamlit serves every session from one process); SQLite's busy
        # timeout then only has to arbitrate between processes.
        self._write_lock = _write_lock_for(path)

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            connection = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as error:
            raise StoreError(
                f"Cannot open your data at {self.path} ({error}); check the folder's permissions."
            ) from None
        connection.row_factory = sqlite3.Row
        return connection

    def _unreadable(self, error: sqlite3.DatabaseError) -> StoreError:
        return StoreError(
            f"Your data file {self.path} cannot be read ({error}). Restore it from an export, or move it aside "
            "to start afresh."
        )

    def _prepare(self) -> None:
        """WAL mode and the schema, once per store: both need the database to themselves."""
        with self._write_lock:
            if self._ready:
                return
            connection = self._open()
            try:
                connection.execute("PRAGMA journal_mode=WAL")
                self._migrate(connection)
            except sqlite3.DatabaseError as error:
                raise self._unreadable(error) from None
            finally:
                connection.close()
            self._ready = True

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        if not self._ready:
            self._prepare()
        connection = self._open()
        try:
            connection.execute("PRAGMA synchronous=FULL")  # a committed entry survives a crash
            connection.execute("PRAGMA foreign_keys=ON")
            yield connection
        except sqlite3.DatabaseError as error:
            raise self._unreadable(error) from None
        finally:
            connection.close()

    def _migrate(self, connection: sqlite3.Connection) -> None:
        connection.execute("BEGIN IMMEDIATE")  # the version is read under the write lock: one process migrates
        try:
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path} was written by a newer Career Coach (schema {version}); upgrade the app."
                )
            for target in range(version + 1, SCHEMA_VERSION + 1):
                for statement in MIGRATIONS[target].split(";"):
                    if statement.strip():
                        connection.execute(statement)
                connection.execute(f"PRAGMA user_version={target}")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._write_lock, self._connect() as connection:
            connection.execute("BEGIN IMMEDIATE")
            try:
                yield connection
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")

    # -- workspaces and profile ------------------------------------------------------------------------------------

    def ensure_workspace(self, workspace: str) -> None:
        now = time.time()
        with self._transaction() as db:
            db.execute(
                "INSERT OR IGNORE INTO workspaces (id, created_at, updated_at) VALUES (?, ?, ?)", (workspace, now, now)
            )

    def latest_workspace(self) -> str | None:
        """The workspace used most recently, so reopening the app continues where the person left off."""
        if not self.path.exists():
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
            conversation = db.execute("SELECT conversation FROM workspaces WHERE id = ?", (workspace,)).fetchone()[0]
            cursor = db.execute(
                "INSERT INTO messages (workspace, conversation, role, content, payload, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (workspace, conversation, "assistant", reply.answer,
                 MessagePayload.of(reply).model_dump_json(), now),
            )  # fmt: skip
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
            return int(cursor.lastrowid or 0)

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
            db.execute(
                "UPDATE workspaces SET conversation = conversation + 1, state = '{}', updated_at = ? WHERE id = ?",
                (time.time(), workspace),
            )
            return int(db.execute("SELECT conversation FROM workspaces WHERE id = ?", (workspace,)).fetchone()[0])

    def add_message(self, workspace: str, role: str, content: str, payload: MessagePayload | None = None) -> int:
        self.ensure_workspace(workspace)
        now = time.time()
        with self._transaction() as db:
            conversation = db.execute("SELECT conversation FROM workspaces WHERE id = ?", (workspace,)).fetchone()[0]
            cursor = db.execute(
                "INSERT INTO messages (workspace, conversation, role, content, payload, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (workspace, conversation, role, content, (payload or MessagePayload()).model_dump_json(), now),
            )
            db.execute("UPDATE workspaces SET updated_at = ? WHERE id = ?", (now, workspace))
            return int(cursor.lastrowid or 0)

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
    def _insert_entry(db: sqlite3.Connection, workspace: str, entry: BragEntry, now: float) -> int:
        cursor = db.execute(
            "INSERT INTO brag_entries (workspace, original, bullet, competencies, questions, scope, level, "
            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (workspace, entry.original, entry.bullet, json.dumps(list(entry.competencies)),
             json.dumps(list(entry.questions)), entry.scope, entry.level, now, now),
        )  # fmt: skip
        return int(cursor.lastrowid or 0)

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
        except (KeyError, TypeError, ValueError, sqlite3.IntegrityError) as error:
            raise StoreError(
                f"That export is incomplete or damaged ({type(error).__name__}: {error}); nothing was changed."
            ) from None

    def delete_workspace(self, workspace: str) -> None:
        """Remove the workspace's data; when no workspace is left, the database files themselves go."""
        with self._transaction() as db:
            db.execute("DELETE FROM workspaces WHERE id = ?", (workspace,))
            remaining = db.execute("SELECT COUNT(*) FROM workspaces").fetchone()[0]
        if remaining:
            with self._write_lock, self._connect() as db:
                # Deleted rows must not linger in free pages or the write-ahead log.
                db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                db.execute("VACUUM")
                db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            return
        with self._write_lock:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
            self._ready = False
