"""The knowledge index: chunk and sentence vectors in persistent Chroma collections plus an in-memory BM25 index.

The index is a cache of `knowledge/`: it holds no user data, and it is rebuilt from the corpus whenever it is
missing, stale or unreadable. The collections live in an embedded Chroma directory, or on a Chroma server
(`COACH_CHROMA_URL`, a team deployment): there `coach index` builds them once, and each app replica only reads them
(`open_shared`), rebuilding BM25 from the corpus files, which needs no embedding.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import pickle
import shutil
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from langchain_core.embeddings import Embeddings

from coach.errors import CoachError, ServiceUnavailable
from coach.knowledge.corpus import Chunk, Document, chunk_corpus, load_corpus
from coach.knowledge.data import KNOWLEDGE_DIR
from coach.retrieval.embeddings import MODEL_NAME
from coach.text import tokens

# Chroma reads this at import time; the app never reports usage anywhere.
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

COLLECTION = "career_corpus"
SENTENCE_COLLECTION = "career_sentences"  # ids are "<chunk id>~<n>" (`_sentence_ids`)
STATE_FILE = "index-state.json"
# On a Chroma server the state (the embedded file's STATE_FILE) is one record of its own collection, beside the data.
STATE_COLLECTION = "career_index_state"
SEARCH_UNREACHABLE = "The search index is not reachable right now; your message is kept — try again in a moment."
SCHEMA_VERSION = 3  # 2: sentence vectors beside the chunk vectors; 3: the levels each section is about
EMBED_BATCH = 128
# Sentence hits fetched per chunk hit wanted: a section's sentences crowd each other out of a short list.
SENTENCE_HITS_PER_CHUNK = 4

log = logging.getLogger(__name__)
Progress = Callable[[int, int, str], None]  # (done, total, what)


def _no_progress(done: int, total: int, what: str) -> None:
    return None


@dataclass(frozen=True)
class RefreshReport:
    total_chunks: int
    sentences: int  # sentence vectors stored beside the chunks
    embedded: int
    deleted: int
    rebuilt: bool  # the stored index was missing or unreadable and was made anew
    problems: tuple[str, ...]  # knowledge files that were skipped, with the reason


def _sentence_ids(chunk: Chunk) -> list[str]:
    return [f"{chunk.id}~{n}" for n in range(len(chunk.sentence_texts))]


def _view_key(documents: Sequence[Document]) -> str:
    """What the chunks and the BM25 index are made from: the documents, the code that cuts and tokenizes them and
    the ladder data that names each section's levels."""
    from importlib.metadata import version

    import coach.knowledge.corpus as corpus
    import coach.knowledge.ladder as ladder
    import coach.text as text

    libraries = "\n".join(version(name) for name in ("bm25s", "PyStemmer", "langchain-text-splitters"))
    digest = hashlib.sha256(f"{SCHEMA_VERSION}\n{libraries}\n".encode())
    for path in (Path(corpus.__file__), Path(ladder.__file__), Path(text.__file__), Path(__file__),
                 KNOWLEDGE_DIR / "ladder.yaml", KNOWLEDGE_DIR / "aliases.yaml"):  # fmt: skip
        digest.update(path.read_bytes())
    for document in documents:
        digest.update(repr(document).encode())
    return digest.hexdigest()[:16]


def _fingerprint(chunk_ids: Sequence[str], model_name: str) -> str:
    digest = hashlib.sha256(f"{SCHEMA_VERSION}\n{model_name}\n".encode())
    for chunk_id in sorted(chunk_ids):
        digest.update(chunk_id.encode())
        digest.update(b"\n")
    return digest.hexdigest()


class Bm25Index:
    """BM25 (bm25s) over chunk search texts, tokenized by the coach's one tokenizer (`coach.text.tokens`)."""

    def __init__(self, texts: Sequence[str]) -> None:
        import bm25s

        self._size = len(texts)
        self._model = bm25s.BM25()
        self._vocabulary: set[str] = set()
        if texts:
            corpus = [tokens(text) for text in texts]
            self._vocabulary = {word for words in corpus for word in words}
            self._model.index(corpus, show_progress=False)

    def search(self, query: str, k: int) -> list[tuple[int, float]]:
        """(chunk position, score) best first; empty when no query term is in the corpus."""
        words = [word for word in tokens(query) if word in self._vocabulary]
        if not self._size or not words:
            return []
        documents, scores = self._model.retrieve([words], k=min(k, self._size), show_progress=False, n_threads=1)
        return [(int(d), float(s)) for d, s in zip(documents[0], scores[0], strict=True) if s > 0]


class IndexNotReady(CoachError):
    """The index on the Chroma server is missing or was built from other knowledge files; `coach index` fixes it."""


class KnowledgeIndex:
    """Chunks from the knowledge folders, their vectors in Chroma, and BM25; read-only once opened."""

    def __init__(
        self,
        index_dir: Path,
        knowledge_dirs: Sequence[Path],
        embeddings: Embeddings,
        model_name: str = MODEL_NAME,
        server_url: str | None = None,
    ) -> None:
        self.index_dir = index_dir
        self.server_url = server_url  # a Chroma server (http://host:port); None: the embedded directory
        self.knowledge_dirs = tuple(knowledge_dirs)
        self.embeddings = embeddings
        self.model_name = model_name
        self.problems: tuple[str, ...] = ()
        # Chunks, their positions and BM25 change together, in one assignment, so a session searching during a
        # rebuild sees either the old view or the new one, never a mix.
        self._view: tuple[list[Chunk], dict[str, int], Bm25Index | None] = ([], {}, None)
        self._client: Any = None
        self._collection: Any = None
        self._sentences: Any = None
        self._state: Any = None  # the state collection, on a Chroma server
        self._lock = threading.Lock()

    @property
    def chunks(self) -> list[Chunk]:
        return self._view[0]

    # -- building -------------------------------------------------------------------------------------------

    def _connect_server(self) -> Any:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        assert self.server_url is not None
        address = urlsplit(self.server_url)
        try:
            return chromadb.HttpClient(
                host=address.hostname or "localhost",
                port=address.port or 8000,
                ssl=address.scheme == "https",
                settings=ChromaSettings(anonymized_telemetry=False),
            )
        except Exception as error:  # Chroma says only "Could not connect": the server is down or elsewhere
            log.warning("The Chroma server at %s does not answer (%s).", self.server_url, type(error).__name__)
            raise ServiceUnavailable(SEARCH_UNREACHABLE) from None

    def _open_collection(self) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        if self.server_url is not None:
            self._client = self._connect_server()
            self._collection, self._sentences, self._state = (
                self._client.get_or_create_collection(name, metadata={"hnsw:space": "cosine"}, embedding_function=None)
                for name in (COLLECTION, SENTENCE_COLLECTION, STATE_COLLECTION)
            )
            return
        self.index_dir.mkdir(parents=True, exist_ok=True)
        self._client = chromadb.PersistentClient(
            path=str(self.index_dir / "chroma"),
            settings=ChromaSettings(anonymized_telemetry=False, allow_reset=True),
        )
        self._collection, self._sentences = (
            self._client.get_or_create_collection(name, metadata={"hnsw:space": "cosine"}, embedding_function=None)
            for name in (COLLECTION, SENTENCE_COLLECTION)
        )

    def _discard_store(self) -> None:
        if self.server_url is not None:
            client = self._client or self._connect_server()
            for name in (COLLECTION, SENTENCE_COLLECTION, STATE_COLLECTION):
                with contextlib.suppress(Exception):  # a collection that is not there yet
                    client.delete_collection(name)
            self._client = self._collection = self._sentences = self._state = None
            return
        self._client = None
        self._collection = None
        self._sentences = None
        try:
            import chromadb.api.shared_system_client as shared

            shared.SharedSystemClient.clear_system_cache()
        except Exception:  # pragma: no cover - only a cache reset of Chroma's internals
            pass
        shutil.rmtree(self.index_dir / "chroma", ignore_errors=True)
        (self.index_dir / STATE_FILE).unlink(missing_ok=True)

    def _read_state(self) -> dict[str, Any]:
        if self.server_url is not None:
            records = self._state.get(ids=["state"], include=["metadatas"])
            return dict(records["metadatas"][0]) if records["ids"] else {}
        try:
            return json.loads((self.index_dir / STATE_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def refresh(self, progress: Progress = _no_progress, rebuild: bool = False) -> RefreshReport:
        """Bring the stored vectors in line with the knowledge files; embed only chunks that are new."""
        with self._lock:
            documents, problems = load_corpus(self.knowledge_dirs)
            chunks, bm25 = self._chunked(documents)
            by_id = {chunk.id: chunk for chunk in chunks}
            fingerprint = _fingerprint(list(by_id), self.model_name)
            rebuilt = rebuild
            if rebuild:
                self._discard_store()
            try:
                self._open_collection()
                state = self._read_state()
                # The count checks catch a store emptied or truncated behind the state file's back.
                unchanged = (
                    state.get("fingerprint") == fingerprint
                    and self._collection.count() == len(by_id)
                    and self._sentences.count() == state.get("sentences")
                )
                stored_ids: set[str] = set() if unchanged else set(self._collection.get(include=[])["ids"])
                stored_sentences: set[str] = set() if unchanged else set(self._sentences.get(include=[])["ids"])
            except Exception as error:  # a truncated or corrupted store: it is only a cache, so start over
                if self.server_url is not None:  # but a server that does not answer is not a damaged store
                    raise ServiceUnavailable(SEARCH_UNREACHABLE) from None
                log.warning("The index at %s is unreadable (%s); rebuilding it.", self.index_dir, type(error).__name__)
                self._discard_store()
                self._open_collection()
                stored_ids, stored_sentences, unchanged, rebuilt = set(), set(), False, True

            embedded = deleted = 0
            sentence_count = int(state.get("sentences") or 0) if unchanged else 0
            if not unchanged:
                if self._state is not None:  # a replica starting while this build runs must not take it as whole
                    self._state.delete(ids=["state"])
                sentence_owner = {i: chunk.id for chunk in chunks for i in _sentence_ids(chunk)}
                stale = sorted(stored_ids - by_id.keys())
                stale_sentences = sorted(stored_sentences - sentence_owner.keys())
                for collection, ids in ((self._collection, stale), (self._sentences, stale_sentences)):
                    for start in range(0, len(ids), 5000):
                        collection.delete(ids=ids[start : start + 5000])
                deleted = len(stale)
                # A chunk is stored with its vector and all of its sentences' (a build stopped between the two
                # writes leaves a chunk without them).
                lacking = {sentence_owner[i] for i in sentence_owner.keys() - stored_sentences}
                missing = [chunk for chunk in by_id.values() if chunk.id not in stored_ids or chunk.id in lacking]
                progress(0, len(missing), "embedding")
                for start in range(0, len(missing), EMBED_BATCH):
                    embedded += self._embed(missing[start : start + EMBED_BATCH])
                    progress(embedded, len(missing), "embedding")
                sentence_count = self._sentences.count()
                self._write_state(
                    {"fingerprint": fingerprint, "count": len(by_id), "sentences": sentence_count,
                     "model": self.model_name}
                )  # fmt: skip

            positions = {chunk.id: position for position, chunk in enumerate(chunks)}
            self._view = (chunks, positions, bm25)
            self.problems = tuple(problems)
            return RefreshReport(len(chunks), sentence_count, embedded, deleted, rebuilt, tuple(problems))

    def _chunked(self, documents: Sequence[Document]) -> tuple[list[Chunk], Bm25Index]:
        """The chunks of the documents and their BM25 index, kept beside the index by what they are made from:
        cutting and tokenizing the corpus again costs a cold start a tenth of a second."""
        cached = self.index_dir / f"view-{_view_key(documents)}.pickle"
        try:
            with open(cached, "rb") as handle:  # our own cache file, written below
                chunks, bm25 = pickle.load(handle)
            return chunks, bm25
        except Exception:  # missing, or damaged: it is only a cache
            pass
        chunks = chunk_corpus(documents)
        bm25 = Bm25Index([chunk.search_text for chunk in chunks])
        partial = cached.with_suffix(f".{os.getpid()}.partial")
        try:
            self.index_dir.mkdir(parents=True, exist_ok=True)
            for stale in self.index_dir.glob("view-*.pickle"):
                stale.unlink(missing_ok=True)
            with open(partial, "wb") as handle:
                pickle.dump((chunks, bm25), handle)
            partial.replace(cached)
        except Exception as error:  # a read-only data directory still answers, only slower to start
            log.info("The chunk cache was not written (%s).", type(error).__name__)
            partial.unlink(missing_ok=True)
        return chunks, bm25

    def _write_state(self, state: dict[str, Any]) -> None:
        if self.server_url is not None:  # written last: replicas accept the index only once it is whole
            self._state.upsert(ids=["state"], embeddings=[[1.0]], metadatas=[state])
            return
        state_path = self.index_dir / STATE_FILE
        temporary = state_path.with_suffix(".tmp")
        temporary.write_text(json.dumps(state), encoding="utf-8")
        temporary.replace(state_path)

    def open_shared(self) -> RefreshReport:
        """Read the index a Chroma server holds, embedding nothing: an app replica's way in. Raises IndexNotReady
        when the server's index is missing or was built from other knowledge files (`coach index` fixes both), and
        ServiceUnavailable when the server does not answer."""
        if self.server_url is None:
            raise CoachError("open_shared reads an index on a Chroma server; set COACH_CHROMA_URL.")
        with self._lock:
            documents, problems = load_corpus(self.knowledge_dirs)
            chunks, bm25 = self._chunked(documents)
            fingerprint = _fingerprint([chunk.id for chunk in chunks], self.model_name)
            client = self._connect_server()
            try:
                collections = [client.get_collection(name, embedding_function=None)
                               for name in (COLLECTION, SENTENCE_COLLECTION, STATE_COLLECTION)]  # fmt: skip
            except Exception as error:
                if isinstance(error, ValueError | LookupError) or "does not exist" in str(error):
                    raise IndexNotReady(self._not_ready("has no index yet")) from None
                raise ServiceUnavailable(SEARCH_UNREACHABLE) from None
            self._client, (self._collection, self._sentences, self._state) = client, collections
            try:
                state = self._read_state()
                whole = state.get("fingerprint") == fingerprint and self._collection.count() == len(chunks)
            except Exception:
                raise ServiceUnavailable(SEARCH_UNREACHABLE) from None
            if not whole:  # no state record: a build that has not finished (or was stopped)
                what = "holds an index of other knowledge files" if state else "has no complete index yet"
                raise IndexNotReady(self._not_ready(what))
            positions = {chunk.id: position for position, chunk in enumerate(chunks)}
            self._view = (chunks, positions, bm25)
            self.problems = tuple(problems)
            return RefreshReport(len(chunks), int(state.get("sentences") or 0), 0, 0, False, tuple(problems))

    def _not_ready(self, what: str) -> str:
        return (
            f"The Chroma server at {self.server_url} {what}; build it with `coach index` (COACH_CHROMA_URL set, "
            "and the same knowledge folders as the app)."
        )

    def _embed(self, chunks: Sequence[Chunk]) -> int:
        """Embed chunks and their sentences in one call, so the model batches all the texts by length; store both."""
        sentences = [pair for chunk in chunks for pair in zip(_sentence_ids(chunk), chunk.sentence_texts, strict=True)]
        vectors = self.embeddings.embed_documents([chunk.search_text for chunk in chunks] + [t for _, t in sentences])
        self._collection.upsert(
            ids=[chunk.id for chunk in chunks],
            embeddings=vectors[: len(chunks)],
            metadatas=[
                {"path": chunk.path, "section": chunk.section, "levels": ", ".join(chunk.section_levels)}
                for chunk in chunks
            ],
        )
        if sentences:
            self._sentences.upsert(ids=[i for i, _ in sentences], embeddings=vectors[len(chunks) :])
        return len(chunks)

    # -- searching ------------------------------------------------------------------------------------------

    def dense_search(self, query: str, k: int, sentence_weight: float = 0.0) -> list[tuple[Chunk, float]]:
        """(chunk, similarity) best first: the chunk's cosine, or its closest sentence's times `sentence_weight`
        when that is higher; the k best chunks plus any that only a sentence brought in."""
        chunks, positions, _ = self._view
        if not chunks or self._collection is None:
            return []
        vector = self.embeddings.embed_query(query)
        best: dict[str, float] = {}
        searches = [(self._collection, 1.0, min(k, len(chunks)))]
        if sentence_weight > 0:
            searches.append((self._sentences, sentence_weight, k * SENTENCE_HITS_PER_CHUNK))
        for collection, weight, wanted in searches:
            result = self._query(collection, vector, wanted)
            for vector_id, distance in zip(result["ids"][0], result["distances"][0], strict=True):
                chunk_id = vector_id.rsplit("~", 1)[0] if collection is self._sentences else vector_id
                similarity = weight * (1.0 - float(distance))
                if chunk_id in positions and similarity > best.get(chunk_id, -1.0):
                    best[chunk_id] = similarity
        ranked = sorted(best.items(), key=lambda item: item[1], reverse=True)
        return [(chunks[positions[chunk_id]], similarity) for chunk_id, similarity in ranked]

    def _query(self, collection: Any, vector: list[float], wanted: int) -> Any:
        if self.server_url is None:
            return collection.query(query_embeddings=[vector], n_results=wanted, include=["distances"])
        try:
            return collection.query(query_embeddings=[vector], n_results=wanted, include=["distances"])
        except Exception as error:  # down, restarting, or its collections replaced by a rebuild
            log.warning("The Chroma server at %s failed a search (%s).", self.server_url, type(error).__name__)
            raise ServiceUnavailable(SEARCH_UNREACHABLE) from None

    def bm25_search(self, query: str, k: int) -> list[tuple[Chunk, float]]:
        chunks, _, bm25 = self._view
        if bm25 is None:
            return []
        return [(chunks[position], score) for position, score in bm25.search(query, k)]


def open_index(
    index_dir: Path,
    knowledge_dirs: Sequence[Path],
    embeddings: Embeddings,
    progress: Progress = _no_progress,
    server_url: str | None = None,
) -> tuple[KnowledgeIndex, RefreshReport]:
    """Open the index, building or refreshing it first when the knowledge files changed; on a Chroma server, only
    read what `coach index` built there."""
    index = KnowledgeIndex(index_dir, knowledge_dirs, embeddings, server_url=server_url)
    report = index.open_shared() if server_url is not None else index.refresh(progress)
    return index, report
