"""The ONNX export answers for the packaged model: same vectors as sentence-transformers, and a first answer that
never imports torch."""

from __future__ import annotations

import numpy as np

from coach.knowledge.corpus import chunk_corpus, load_corpus
from coach.knowledge.data import KNOWLEDGE_DIR
from coach.retrieval.embeddings import MODEL_NAME, load_embeddings, packaged_model_dir


def test_onnx_vectors_match_sentence_transformers_on_the_corpus(embeddings):
    from sentence_transformers import SentenceTransformer

    documents, _ = load_corpus([KNOWLEDGE_DIR])
    # Real chunks of every length, including ones past the model's 256-token limit, plus edge cases.
    texts = [chunk.search_text for chunk in chunk_corpus(documents)][::6]
    texts += ["", "L6", "Über-résumé 🚀 for a staff promo", "word " * 600]
    reference = SentenceTransformer(str(packaged_model_dir()), device="cpu")
    expected = reference.encode(texts, normalize_embeddings=True, batch_size=16)
    got = np.array(embeddings.embed_documents(texts))
    assert got.shape == expected.shape == (len(texts), 384)
    cosines = (got * expected).sum(axis=1)
    assert cosines.min() > 0.9999, [texts[i][:60] for i in np.argsort(cosines)[:3]]
    query = np.array(embeddings.embed_query(texts[3]))
    assert abs(float(query @ expected[3]) - 1) < 1e-4  # a query alone is embedded like the same text in a batch


def test_a_damaged_export_is_made_again(tmp_path, shared_data_dir, embeddings):
    import shutil

    cache = tmp_path / "models"
    shutil.copytree(shared_data_dir / "models", cache)
    (onnx_file,) = cache.glob(f"{MODEL_NAME}-*/model.onnx")
    onnx_file.write_bytes(b"\x00not a model" * 100)
    again = load_embeddings(cache)
    assert onnx_file.stat().st_size > 10_000_000
    assert abs(float(np.dot(again.embed_query("glue work"), embeddings.embed_query("glue work"))) - 1) < 1e-6


def test_a_first_answer_imports_neither_torch_nor_transformers(cli_env):
    from test_cli import modules_loaded_by_an_offline_answer

    heavy = ("torch", "transformers", "sentence_transformers", "sklearn")
    assert modules_loaded_by_an_offline_answer(cli_env, heavy) == []
