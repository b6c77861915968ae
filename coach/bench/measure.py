"""Timing helpers of the benchmark: warm percentiles, and the time spent inside the embedding model (the floor)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any

from langchain_core.embeddings import Embeddings

WARMUP = 3


def _percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def timings_ms(run: Callable[[str], Any], inputs: Sequence[str]) -> dict[str, float]:
    """p50 and p95 wall time of run(input) over the inputs, after a few warm-up calls."""
    for text in inputs[:WARMUP]:
        run(text)
    samples = []
    for text in inputs:
        start = time.perf_counter()
        run(text)
        samples.append((time.perf_counter() - start) * 1000)
    return {"p50_ms": round(statistics.median(samples), 2), "p95_ms": round(_percentile(samples, 0.95), 2)}


class TimedEmbeddings(Embeddings):
    """The model, with the time spent inside it counted: a build's floor, measured in the same run."""

    def __init__(self, model: Embeddings) -> None:
        self.model = model
        self.seconds = 0.0

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        start = time.perf_counter()
        try:
            return self.model.embed_documents(texts)
        finally:
            self.seconds += time.perf_counter() - start

    def embed_query(self, text: str) -> list[float]:
        start = time.perf_counter()
        try:
            return self.model.embed_query(text)
        finally:
            self.seconds += time.perf_counter() - start
