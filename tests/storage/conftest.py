"""Each store test runs on both engines: a SQLite file, and a fresh database on a real PostgreSQL server."""

from __future__ import annotations

import pytest

from coach.storage.store import UserStore


@pytest.fixture(params=["sqlite", "postgresql"])
def new_store(request, tmp_path):
    """A factory of empty stores on the test's engine (each call: another file, or another database)."""
    made: list[UserStore] = []

    def make() -> UserStore:
        if request.param == "sqlite":
            made.append(UserStore(tmp_path / f"user{len(made)}.sqlite3"))
        else:
            made.append(UserStore(request.getfixturevalue("postgres_database")()))
        return made[-1]

    yield make
    for store in made:
        store.close()


@pytest.fixture
def store(new_store) -> UserStore:
    return new_store()
