"""Shared fixtures: every test gets its own data directory and no provider settings from the developer's shell;
tests of real parts share one real embedding model and one real Chroma index of the real corpus."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from coach.knowledge.data import KNOWLEDGE_DIR
from coach.settings import Settings, load_settings

PROVIDER_VARIABLES = (
    "COACH_LLM",
    "COACH_LLM_BASE_URL",
    "COACH_LLM_TIMEOUT",
    "COACH_KNOWLEDGE_DIRS",
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "ANTHROPIC_API_KEY",
    "OLLAMA_HOST",
)


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data_dir = tmp_path / "data"
    monkeypatch.setenv("COACH_DATA_DIR", str(data_dir))
    for name in PROVIDER_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ANONYMIZED_TELEMETRY", "False")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    return data_dir


@pytest.fixture(scope="session")
def shared_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("shared-data")


@pytest.fixture(scope="session")
def embeddings(shared_data_dir: Path):
    from coach.retrieval.embeddings import load_embeddings

    return load_embeddings(shared_data_dir / "models")


@pytest.fixture(scope="session")
def real_index(embeddings, shared_data_dir: Path):
    """The real corpus in a real Chroma directory, embedded with the real model, built once per run."""
    from coach.retrieval.index import open_index

    index, report = open_index(shared_data_dir / "index", (KNOWLEDGE_DIR,), embeddings)
    assert report.total_chunks > 300
    return index


@pytest.fixture(scope="session")
def ladder():
    from coach.knowledge.ladder import load_ladder

    return load_ladder()


@pytest.fixture(scope="session")
def engine(real_index):
    from coach.engine import build_coach

    return build_coach(real_index)


@pytest.fixture
def cli_env(shared_data_dir: Path, real_index) -> dict[str, str]:
    """Environment for `coach` subprocesses that reuse the already built index."""
    env = {key: value for key, value in os.environ.items() if key not in PROVIDER_VARIABLES}
    env["COACH_DATA_DIR"] = str(shared_data_dir)
    return env


@pytest.fixture
def settings() -> Settings:
    return load_settings()


@pytest.fixture(scope="session")
def postgres_server():
    """A real PostgreSQL server (Debian's, as the team stack runs it) on a free loopback port, for the whole run. Its
    folder is under /tmp, which the postgres user can reach (pytest's own temporary folders are private to root)."""
    import shutil
    import tempfile

    from coach.bench.processes import free_port
    from coach.deployment.servers import PostgresServer

    folder = Path(tempfile.mkdtemp(prefix="coach-postgres-", dir="/tmp"))
    folder.chmod(0o755)
    server = PostgresServer(folder / "team", free_port())
    try:
        yield server.start()
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def postgres_database(postgres_server):
    """A fresh, empty database on the session's server: returns a factory of database URLs, all dropped after."""
    import uuid

    import psycopg

    names: list[str] = []

    def create() -> str:
        names.append(f"test_{uuid.uuid4().hex[:12]}")
        return postgres_server.ensure_database(names[-1])

    yield create
    with psycopg.connect(postgres_server.url("postgres"), autocommit=True) as db:
        for name in names:
            db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def chroma_server():
    """A real Chroma server (`chroma run`) on a free loopback port, for the whole run."""
    import shutil
    import tempfile

    from coach.bench.processes import free_port
    from coach.deployment.servers import ChromaServer

    folder = Path(tempfile.mkdtemp(prefix="coach-chroma-", dir="/tmp"))
    server = ChromaServer(folder / "team", free_port())
    try:
        yield server.start()
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def server_index(chroma_server, embeddings, shared_data_dir: Path):
    """The real corpus built into the Chroma server once (what `coach index` does with COACH_CHROMA_URL set)."""
    from coach.retrieval.index import KnowledgeIndex

    builder = KnowledgeIndex(shared_data_dir / "index", (KNOWLEDGE_DIR,), embeddings, server_url=chroma_server.url)
    report = builder.refresh()
    assert report.total_chunks > 300 and report.embedded == report.total_chunks
    return chroma_server.url
