"""The embedded engine of the user store: one SQLite file (WAL, `PRAGMA user_version` for the schema), for the local
single-user app. A connection is opened per operation, so one store serves every Streamlit session and thread."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from coach.storage.schema import Migrations, StoreError

_WRITE_LOCKS: dict[Path, threading.RLock] = {}
_WRITE_LOCKS_GUARD = threading.Lock()


def _write_lock_for(path: Path) -> threading.RLock:
    with _WRITE_LOCKS_GUARD:
        return _WRITE_LOCKS.setdefault(path.resolve(), threading.RLock())


class SqliteBackend:
    name = "sqlite"

    def __init__(self, path: Path, migrations: Migrations) -> None:
        self.path = path
        self._migrations = migrations
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

    def _migrate(self, connection: sqlite3.Connection) -> None:
        connection.execute("BEGIN IMMEDIATE")  # the version is read under the write lock: one process migrates
        try:
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            self._migrations.check(version, str(self.path))
            for target, statements in self._migrations.after(version):
                for statement in statements:
                    connection.execute(statement)
                connection.execute(f"PRAGMA user_version={target}")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
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

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        with self._write_lock, self.read() as connection:
            connection.execute("BEGIN IMMEDIATE")
            try:
                yield connection
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")

    def exists(self) -> bool:
        return self.path.exists()

    def scrub(self, remaining: int) -> None:
        """After a deletion: deleted rows must not linger in free pages or the write-ahead log; when no workspace is
        left, the database files themselves go."""
        if remaining:
            with self._write_lock, self.read() as db:
                db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                db.execute("VACUUM")
                db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            return
        with self._write_lock:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
            self._ready = False

    def close(self) -> None:
        return None
