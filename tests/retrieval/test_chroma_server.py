"""The index on a real Chroma server: built once, then read by replicas that embed nothing, with a one-line message
when the server's index is missing or stale or the server is down, and recovery when it is back."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from coach.bench.processes import free_port
from coach.deployment.servers import ChromaServer
from coach.errors import ServiceUnavailable
from coach.knowledge.data import KNOWLEDGE_DIR, PROJECT_ROOT
from coach.retrieval.index import IndexNotReady, KnowledgeIndex, open_index

pytestmark = pytest.mark.slow
QUESTIONS = ["How does Lead differ from Staff?", "What is glue work?", "how do I write a brag document"]


class QueriesOnly:
    """The real model for questions; embedding documents (the corpus) fails the test."""

    def __init__(self, model) -> None:
        self.model = model

    def embed_query(self, text: str) -> list[float]:
        return self.model.embed_query(text)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        raise AssertionError("a replica embedded documents")


def test_a_replica_reads_the_server_index_without_embedding_the_corpus(server_index, real_index, embeddings, tmp_path):
    replica, report = open_index(tmp_path / "index", (KNOWLEDGE_DIR,), QueriesOnly(embeddings), server_url=server_index)
    assert report.embedded == 0 and report.total_chunks == len(real_index.chunks)
    for question in QUESTIONS:
        served = replica.dense_search(question, 5, sentence_weight=0.9)
        local = real_index.dense_search(question, 5, sentence_weight=0.9)
        assert [chunk.id for chunk, _ in served] == [chunk.id for chunk, _ in local]
        assert [round(score, 3) for _, score in served] == [round(score, 3) for _, score in local]
        assert replica.bm25_search(question, 5) == real_index.bm25_search(question, 5)  # BM25 rebuilt from the files


def test_coach_index_on_the_server_is_idempotent(server_index, cli_env):
    from test_cli import run

    result = run(["index", "--json"], {**cli_env, "COACH_CHROMA_URL": server_index})
    assert result.returncode == 0, result.stderr.decode()[-800:]
    summary = json.loads(result.stdout)
    assert summary["embedded"] == 0 and summary["deleted"] == 0 and summary["chroma_url"] == server_index


def test_a_stale_or_missing_server_index_is_one_line_naming_the_fix(server_index, embeddings, tmp_path):
    other_folders = (KNOWLEDGE_DIR, PROJECT_ROOT / "tests" / "data" / "lumen-ladder")
    with pytest.raises(IndexNotReady, match=r"other knowledge files; build it with `coach index`") as stale:
        open_index(tmp_path / "index", other_folders, QueriesOnly(embeddings), server_url=server_index)
    assert "\n" not in str(stale.value)
    folder = Path(tempfile.mkdtemp(prefix="coach-chroma-empty-", dir="/tmp"))
    empty = ChromaServer(folder, free_port()).start()
    try:
        with pytest.raises(IndexNotReady, match=r"has no index yet; build it with `coach index`"):
            open_index(tmp_path / "index", (KNOWLEDGE_DIR,), QueriesOnly(embeddings), server_url=empty.url)
    finally:
        empty.stop()
        shutil.rmtree(folder, ignore_errors=True)


def test_the_server_down_is_one_line_and_searching_recovers_when_it_is_back(
    chroma_server, server_index, embeddings, tmp_path
):
    replica = KnowledgeIndex(tmp_path / "index", (KNOWLEDGE_DIR,), QueriesOnly(embeddings), server_url=server_index)
    replica.open_shared()
    assert replica.dense_search(QUESTIONS[0], 3)
    chroma_server.stop()
    try:
        with pytest.raises(ServiceUnavailable, match=r"^The search index is not reachable right now") as down:
            replica.dense_search(QUESTIONS[0], 3)
        assert "\n" not in str(down.value)
        with pytest.raises(ServiceUnavailable):
            KnowledgeIndex(tmp_path / "i2", (KNOWLEDGE_DIR,), embeddings, server_url=server_index).open_shared()
    finally:
        chroma_server.start()
    assert replica.dense_search(QUESTIONS[0], 3)  # the same open index, no restart


def test_chroma_url_is_checked_and_the_database_url_never_echoed(monkeypatch):
    from coach.settings import SettingsError, load_settings

    monkeypatch.setenv("COACH_CHROMA_URL", "localhost")
    with pytest.raises(SettingsError, match="COACH_CHROMA_URL='localhost': must be a Chroma server's address"):
        load_settings()
    monkeypatch.delenv("COACH_CHROMA_URL")
    monkeypatch.setenv("COACH_DATABASE_URL", "mysql://user:hunter2@db/coach")
    with pytest.raises(SettingsError, match="COACH_DATABASE_URL") as error:
        load_settings()
    assert "hunter2" not in str(error.value)
    assert os.environ["COACH_DATABASE_URL"]  # only the message hides it
