"""The index with the real embedding model and a real Chroma directory: idempotent, incremental, self-healing."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from chromadb.api.shared_system_client import SharedSystemClient

from coach.retrieval.index import SENTENCE_COLLECTION, KnowledgeIndex

DOC = """---
title: {title}
levels: [Senior]
tracks: [ic]
topics: [test]
sources: [test]
---
# {title}

## Growing as a {title}
{body}

## Evidence for a {title}
Design documents, incident reviews and mentoring notes are typical evidence.
"""


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name, body in [
        ("alpha", "Write design docs and review code across the team. Ask for review early."),
        ("beta", "Lead incident response and write blameless postmortems. Keep the timeline as you go."),
        ("gamma", "Mentor juniors through pairing and code review. Let them drive the keyboard."),
    ]:
        (folder / f"{name}.md").write_text(DOC.format(title=name.capitalize(), body=body))
    return folder


def make_index(tmp_path: Path, corpus: Path, embeddings) -> KnowledgeIndex:
    return KnowledgeIndex(tmp_path / "index", [corpus], embeddings)


def stored_ids(index: KnowledgeIndex) -> set[str]:
    assert index._collection is not None
    return set(index._collection.get(include=[])["ids"])


def stored_sentences(index: KnowledgeIndex) -> set[str]:
    assert index._sentences is not None
    return set(index._sentences.get(include=[])["ids"])


def expected_sentences(index: KnowledgeIndex) -> set[str]:
    return {f"{chunk.id}~{n}" for chunk in index.chunks for n, _ in enumerate(chunk.sentence_texts)}


def test_build_then_reindex_is_idempotent(tmp_path, corpus, embeddings):
    first = make_index(tmp_path, corpus, embeddings).refresh()
    assert first.total_chunks == 6 and first.embedded == 6 and first.sentences == 6  # 2 per file
    again = make_index(tmp_path, corpus, embeddings)
    report = again.refresh()
    assert report.embedded == 0 and report.deleted == 0 and not report.rebuilt and report.sentences == 6
    assert len(stored_ids(again)) == 6  # no duplicates
    assert stored_sentences(again) == expected_sentences(again) and len(expected_sentences(again)) == 6


def test_changed_file_alone_is_reembedded(tmp_path, corpus, embeddings):
    index = make_index(tmp_path, corpus, embeddings)
    index.refresh()
    before = stored_ids(index)
    path = corpus / "beta.md"
    path.write_text(path.read_text().replace("blameless postmortems", "postmortems that name no culprit"))
    report = make_index(tmp_path, corpus, embeddings).refresh()
    assert (report.embedded, report.deleted) == (1, 1)
    reopened = make_index(tmp_path, corpus, embeddings)
    reopened.refresh()
    changed = stored_ids(reopened) ^ before
    assert len(changed) == 2 and all(chunk_id.endswith(tuple("0123456789abcdef")) for chunk_id in changed)
    assert all("beta.md" in chunk_id for chunk_id in changed)
    assert stored_sentences(reopened) == expected_sentences(reopened)  # the old section's sentences went with it


def test_the_chunks_kept_for_a_cold_start_follow_the_files(tmp_path, corpus, embeddings):
    """The chunks and BM25 index are kept beside the index for the next start; a changed file is read anew and a
    damaged cache file is only a cache."""
    make_index(tmp_path, corpus, embeddings).refresh()
    [kept] = (tmp_path / "index").glob("view-*.pickle")
    path = corpus / "gamma.md"
    path.write_text(path.read_text().replace("Let them drive the keyboard.", "Let them steer the whiteboard."))
    changed = make_index(tmp_path, corpus, embeddings)
    changed.refresh()
    assert any("whiteboard" in chunk.text for chunk in changed.chunks)
    assert [chunk.path for chunk, _ in changed.bm25_search("whiteboard", k=1)] == ["corpus/gamma.md"]
    [renewed] = (tmp_path / "index").glob("view-*.pickle")
    assert renewed != kept
    renewed.write_bytes(b"not a pickle")
    damaged = make_index(tmp_path, corpus, embeddings)
    damaged.refresh()
    assert [chunk.text for chunk in damaged.chunks] == [chunk.text for chunk in changed.chunks]


def test_removed_file_is_removed_from_the_index(tmp_path, corpus, embeddings):
    make_index(tmp_path, corpus, embeddings).refresh()
    (corpus / "gamma.md").unlink()
    index = make_index(tmp_path, corpus, embeddings)
    report = index.refresh()
    assert report.deleted == 2 and report.total_chunks == 4
    assert not any("gamma.md" in chunk_id for chunk_id in stored_ids(index))
    assert stored_sentences(index) == expected_sentences(index) and len(stored_sentences(index)) == 4


def test_lost_sentence_vectors_are_made_again(tmp_path, corpus, embeddings):
    index = make_index(tmp_path, corpus, embeddings)
    index.refresh()
    index._client.delete_collection(SENTENCE_COLLECTION)
    again = make_index(tmp_path, corpus, embeddings)
    report = again.refresh()
    assert report.embedded == 3 and report.sentences == 6  # only the chunks whose sentences were missing
    assert stored_sentences(again) == expected_sentences(again)


def test_dense_score_is_the_section_or_its_best_sentence_discounted(tmp_path, corpus, embeddings):
    index = make_index(tmp_path, corpus, embeddings)
    index.refresh()
    query = "keep a timeline during the outage"
    q = np.array(embeddings.embed_query(query))

    def cosine(text: str) -> float:
        return float(q @ np.array(embeddings.embed_documents([text])[0]))

    expected = {}
    for chunk in index.chunks:
        sentences = [0.9 * cosine(text) for text in chunk.sentence_texts]
        expected[chunk.id] = max([cosine(chunk.search_text), *sentences])
    found = index.dense_search(query, 6, sentence_weight=0.9)
    assert [chunk.id for chunk, _ in found] == sorted(expected, key=expected.__getitem__, reverse=True)
    assert all(score == pytest.approx(expected[chunk.id], abs=1e-4) for chunk, score in found)
    sections_only = index.dense_search(query, 6)
    assert all(score == pytest.approx(cosine(chunk.search_text), abs=1e-4) for chunk, score in sections_only)
    best = found[0][0]
    assert best.path.endswith("beta.md") and expected[best.id] > cosine(best.search_text)  # a sentence won


def test_dense_and_keyword_search_find_the_right_section(tmp_path, corpus, embeddings):
    index = make_index(tmp_path, corpus, embeddings)
    index.refresh()
    dense = index.dense_search("how do I run the response to a production outage", 3)
    assert dense[0][0].path.endswith("beta.md") and dense[0][0].section == "Growing as a Beta"
    keyword = index.bm25_search("pairing with juniors", 3)
    assert keyword[0][0].path.endswith("gamma.md")


@pytest.mark.parametrize("damage", ["delete", "truncate", "garbage"])
def test_damaged_store_is_rebuilt(tmp_path, corpus, embeddings, damage):
    make_index(tmp_path, corpus, embeddings).refresh()
    # The damage happens while the app is stopped: the next start is a new process with no cached Chroma client.
    SharedSystemClient.clear_system_cache()
    store = tmp_path / "index" / "chroma"
    if damage == "delete":
        shutil.rmtree(store)
    else:
        for file in store.rglob("*"):
            if file.is_file():
                file.write_bytes(b"" if damage == "truncate" else b"\x00not a database\xff" * 64)
    index = make_index(tmp_path, corpus, embeddings)
    report = index.refresh()
    assert report.total_chunks == 6 and report.embedded == 6
    assert len(stored_ids(index)) == 6
    assert index.dense_search("mentoring juniors", 1)[0][0].path.endswith("gamma.md")


def test_rebuild_flag_starts_over(tmp_path, corpus, embeddings):
    make_index(tmp_path, corpus, embeddings).refresh()
    report = make_index(tmp_path, corpus, embeddings).refresh(rebuild=True)
    assert report.rebuilt and report.embedded == 6


def test_progress_is_reported(tmp_path, corpus, embeddings):
    seen: list[tuple[int, int]] = []
    make_index(tmp_path, corpus, embeddings).refresh(lambda done, total, what: seen.append((done, total)))
    assert seen[0] == (0, 6) and seen[-1] == (6, 6)
