"""The user store on a real SQLite file and on a real PostgreSQL database (`store` runs each test on both): schema
versioning, WAL, isolation, export/import, deletion."""

from __future__ import annotations

import sqlite3

import psycopg
import pytest

from coach.records import BragEntry, MessagePayload, Plan, Profile, Source
from coach.storage.store import SCHEMA_VERSION, StoreError, UserStore

ENTRY = BragEntry(
    original="cut p95 from 800ms to 120ms", bullet="Cut p95 from 800ms to 120ms", competencies=("Technical skill",)
)


def stored_version(store: UserStore) -> int:
    if store.path is not None:
        with sqlite3.connect(store.path) as db:
            return int(db.execute("PRAGMA user_version").fetchone()[0])
    with psycopg.connect(store.backend.url) as db:  # type: ignore[attr-defined]
        return int(db.execute("SELECT version FROM coach_schema").fetchone()[0])


def set_version(store: UserStore, version: int) -> None:
    if store.path is not None:
        with sqlite3.connect(store.path) as db:
            db.execute(f"PRAGMA user_version={version}")
        return
    with psycopg.connect(store.backend.url, autocommit=True) as db:  # type: ignore[attr-defined]
        db.execute("UPDATE coach_schema SET version = %s", (version,))


def test_schema_is_versioned_and_wal(store):
    store.ensure_workspace("a")
    assert stored_version(store) == SCHEMA_VERSION
    if store.path is not None:
        with sqlite3.connect(store.path) as db:
            assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_one_migration_history_gives_both_engines_the_same_columns(postgres_database, tmp_path):
    sqlite_store, postgres_store = UserStore(tmp_path / "columns.sqlite3"), UserStore(postgres_database())
    for each in (sqlite_store, postgres_store):
        each.ensure_workspace("a")
    with sqlite3.connect(sqlite_store.path) as db:
        tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        in_sqlite = {
            (t, row[1]) for t in tables if t != "sqlite_sequence" for row in db.execute(f"PRAGMA table_info({t})")
        }
    with psycopg.connect(postgres_store.backend.url) as db:  # type: ignore[attr-defined]
        in_postgres = set(db.execute(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' "
            "AND table_name <> 'coach_schema'"
        ).fetchall())  # fmt: skip
    postgres_store.close()
    assert in_sqlite == in_postgres and ("workspaces", "state") in in_sqlite


def test_newer_schema_is_refused_clearly(store):
    store.ensure_workspace("a")
    set_version(store, SCHEMA_VERSION + 1)
    again = UserStore(store.path or store.backend.url)  # type: ignore[attr-defined]
    with pytest.raises(StoreError, match="newer Career Coach"):
        again.load_profile("a")
    again.close()


def test_corrupt_file_gets_a_clear_message(tmp_path):
    path = tmp_path / "user.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="cannot be read"):
        UserStore(path).load_profile("a")


def test_workspaces_are_isolated(store):
    store.save_profile("alice", Profile(level="Senior", focus="coding"))
    store.save_profile("bob", Profile(level="Staff", focus="leading"))
    store.add_message("alice", "user", "alice's secret")
    store.add_entries("bob", [ENTRY])
    assert store.load_profile("alice").level == "Senior" and store.load_profile("bob").level == "Staff"
    assert [m.content for m in store.messages("bob")] == []
    assert store.entries("alice") == []
    store.remove_entry("alice", store.entries("bob")[0].id)  # another workspace's id: no effect
    assert len(store.entries("bob")) == 1


def test_conversations_and_latest_workspace(store):
    store.add_message("a", "user", "first")
    store.new_conversation("a")
    store.add_message("a", "user", "second")
    assert [m.content for m in store.messages("a")] == ["second"]
    store.add_message("b", "user", "hello")
    assert store.latest_workspace() == "b"


def test_export_then_import_round_trips_exactly(store, new_store):
    store.save_profile("a", Profile(level="Senior", focus="both", target="Staff", years=7.0))
    store.add_message("a", "user", "Hi 👋 — مرحبا <b>bold</b>")
    source = Source(path="knowledge/x.md", title="X", section="S", snippet="text", score=0.5)
    store.add_message("a", "assistant", "Hello", MessagePayload(sources=(source,), intent="question"))
    store.new_conversation("a")
    store.add_message("a", "user", "second conversation")
    store.add_entries(
        "a",
        [
            ENTRY,
            BragEntry(
                original="x",
                bullet="Y",
                competencies=("Delivery",),
                questions=("How much?",),
                scope="team",
                level="Senior",
            ),
        ],
    )
    store.save_plan(
        "a",
        Plan(level="Senior", focus="both", target="Staff", summary="s", gaps=(), horizons=(), evidence=(),
             sources=(source,), markdown="# Plan"),
    )  # fmt: skip
    exported = store.export_workspace("a")

    other = new_store()
    other.import_workspace("a", exported)
    assert other.export_workspace("a") == exported
    other.import_workspace("a", exported)  # importing twice replaces, never duplicates
    assert other.export_workspace("a") == exported


@pytest.mark.parametrize("data", [{}, {"format": "something-else"}, {"format": "career-coach-export", "schema": 1}])
def test_bad_import_changes_nothing(store, data):
    store.add_entries("a", [ENTRY])
    before = store.export_workspace("a")
    with pytest.raises(StoreError):
        store.import_workspace("a", data)
    assert store.export_workspace("a") == before


def test_delete_removes_everything_from_disk(store):
    marker = "MY-PRIVATE-ACCOMPLISHMENT-7731"
    store.add_message("a", "user", marker)
    store.add_entries("a", [BragEntry(original=marker, bullet=marker, competencies=("Delivery",))])
    store.save_plan("a", Plan(level="Senior", focus="both", target="Staff", summary=marker, gaps=(), horizons=(),
                              evidence=(), sources=(), markdown=marker))  # fmt: skip
    store.add_message("b", "user", "someone else")
    store.delete_workspace("a")
    if store.path is None:  # PostgreSQL: no row of the workspace is left in any table
        with psycopg.connect(store.backend.url) as db:  # type: ignore[attr-defined]
            for table in ("messages", "brag_entries", "plans"):
                assert db.execute(f"SELECT COUNT(*) FROM {table} WHERE workspace = 'a'").fetchone()[0] == 0
            assert db.execute("SELECT COUNT(*) FROM workspaces WHERE id = 'a'").fetchone()[0] == 0
        assert store.messages("b") and store.export_workspace("a")["messages"] == []
        return
    files = [p for p in store.path.parent.iterdir() if p.name.startswith(store.path.name)]
    assert files and all(marker.encode() not in p.read_bytes() for p in files)
    assert store.messages("b")  # the other workspace is untouched
    store.delete_workspace("b")
    assert not any(p.name.startswith(store.path.name) for p in store.path.parent.iterdir())
