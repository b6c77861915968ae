"""The server engine of the user store: PostgreSQL through psycopg 3, for a team deployment where several app replicas
share one database. A small connection pool checks each connection before handing it out, so a restarted server is
reconnected to by the next operation; while the server is down, operations fail fast with `StoreUnavailable`."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from coach.storage.schema import Migrations, StoreError, StoreUnavailable

POOL_SIZE = 8  # per app process: a Streamlit replica runs each session's script in its own thread
WAIT_SECONDS = 3.0  # for a connection, before the person is told the database is not reachable
CONNECT_TIMEOUT_SECONDS = 3
# The pool stops retrying in the background after this long and connects again on the next request, so recovery
# after a long outage never waits for a long back-off.
RECONNECT_SECONDS = 10.0
MIGRATION_LOCK = 7_262_024  # a pg_advisory_xact_lock key: replicas starting together migrate once


def _driver() -> Any:
    try:
        import psycopg
        import psycopg_pool
    except ImportError:
        raise StoreError(
            "COACH_DATABASE_URL needs the PostgreSQL driver: pip install -e '.[team]' (or unset it to use SQLite)."
        ) from None
    return psycopg, psycopg_pool


class _Connection:
    """psycopg's connection with the store's `?` placeholders (the SQL is shared with SQLite)."""

    def __init__(self, raw: Any) -> None:
        self.raw = raw

    def execute(self, sql: str, parameters: Sequence[Any] = ()) -> Any:
        return self.raw.execute(sql.replace("?", "%s"), parameters)


class PostgresBackend:
    name = "postgresql"

    def __init__(self, url: str, migrations: Migrations) -> None:
        self.url = url
        self._migrations = migrations
        self._ready = False
        self._pool: Any = None
        self._lock = threading.Lock()

    def _connections(self) -> Any:
        with self._lock:
            if self._pool is None:
                _, psycopg_pool = _driver()
                from psycopg.rows import dict_row

                self._pool = psycopg_pool.ConnectionPool(
                    self.url,
                    min_size=1,
                    max_size=POOL_SIZE,
                    open=False,
                    kwargs={"autocommit": True, "row_factory": dict_row, "connect_timeout": CONNECT_TIMEOUT_SECONDS},
                    check=psycopg_pool.ConnectionPool.check_connection,
                    timeout=WAIT_SECONDS,
                    reconnect_timeout=RECONNECT_SECONDS,
                    name="career-coach",
                )
                self._pool.open(wait=False)
            return self._pool

    @contextmanager
    def _connection(self) -> Iterator[_Connection]:
        pool = self._connections()
        psycopg, _ = _driver()
        try:
            with pool.connection() as raw:
                yield _Connection(raw)
        except (psycopg.OperationalError, psycopg.InterfaceError):
            raise StoreUnavailable() from None
        except psycopg.DatabaseError as error:
            # Never the statement's parameters: they are a person's data.
            reason = str(error).splitlines()[0] if str(error) else type(error).__name__
            raise StoreError(
                f"The database refused the operation ({reason}); check its schema and permissions."
            ) from None

    def _prepare(self) -> None:
        with self._lock:
            if self._ready:
                return
        with self._connection() as db, db.raw.transaction():
            db.execute(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
            db.execute("CREATE TABLE IF NOT EXISTS coach_schema (version INTEGER NOT NULL)")
            row = db.execute("SELECT version FROM coach_schema").fetchone()
            version = int(row["version"]) if row else 0
            self._migrations.check(version, "The database")
            for target, statements in self._migrations.after(version):
                for statement in statements:
                    db.execute(statement)
                db.execute("DELETE FROM coach_schema")
                db.execute("INSERT INTO coach_schema (version) VALUES (?)", (target,))
        with self._lock:
            self._ready = True

    @contextmanager
    def read(self) -> Iterator[_Connection]:
        if not self._ready:
            self._prepare()
        with self._connection() as db:
            yield db

    @contextmanager
    def write(self) -> Iterator[_Connection]:
        if not self._ready:
            self._prepare()
        with self._connection() as db, db.raw.transaction():
            yield db

    def exists(self) -> bool:
        return True

    def scrub(self, remaining: int) -> None:
        """After a deletion: VACUUM marks the deleted rows' space free for reuse at once."""
        with self._connection() as db:
            db.execute("VACUUM workspaces, messages, brag_entries, plans")

    def close(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.close()
                self._pool = None
