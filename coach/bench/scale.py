"""The scale benchmark: a synthetic corpus of 1x, 10x and 100x the real one, built and queried in fresh processes."""

from __future__ import annotations

import json
import shutil
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from coach.bench.evaluation import load_questions
from coach.bench.measure import TimedEmbeddings, timings_ms
from coach.bench.processes import _timed_process
from coach.records import Profile
from coach.retrieval.index import KnowledgeIndex, Progress

# -- scale ---------------------------------------------------------------------------------------------------------


def _worker(command: Sequence[str], env: dict[str, str]) -> dict[str, Any]:
    elapsed, peak, code, output = _timed_process([sys.executable, "-m", "coach.bench", *command], env)
    if code != 0:
        raise RuntimeError(f"benchmark worker {command[0]} failed with exit code {code}")
    return {**json.loads(output), "process_s": round(elapsed, 2), "peak_rss_mb": peak}


def build_worker(model_dir: Path, index_dir: Path, corpus: Path) -> dict[str, Any]:
    """Run in a fresh process: build the index of `corpus` from nothing."""
    from coach.progress import progress_bar
    from coach.retrieval.embeddings import load_embeddings

    embeddings = TimedEmbeddings(load_embeddings(model_dir))
    start = time.perf_counter()
    report = KnowledgeIndex(index_dir, [corpus], embeddings).refresh(progress_bar())
    build_s = time.perf_counter() - start
    return {
        "chunks": report.total_chunks,
        "sentences": report.sentences,
        "build_s": round(build_s, 2),
        "embedding_s": round(embeddings.seconds, 2),
    }


def query_worker(model_dir: Path, index_dir: Path, corpus: Path, questions: int) -> dict[str, Any]:
    """Run in a fresh process: open the built index, then time retrieval and offline answers."""
    from coach.engine import build_coach, build_retriever
    from coach.retrieval.embeddings import load_embeddings

    embeddings = load_embeddings(model_dir)
    start = time.perf_counter()
    index = KnowledgeIndex(index_dir, [corpus], embeddings)
    index.refresh()
    open_s = time.perf_counter() - start
    texts = [item.question for item in load_questions()[:questions]]
    retriever, coach = build_retriever(index), build_coach(index)
    profile = Profile(level="Senior", focus="coding")
    return {
        "open_s": round(open_s, 2),
        "retrieval": timings_ms(lambda q: retriever.retrieve(q, k=5), texts),
        "ask_offline": timings_ms(lambda q: coach.reply(q, profile), texts),
        "embedding_one_query": timings_ms(embeddings.embed_query, texts),
    }


def measure_scale(
    knowledge_dirs: Sequence[Path],
    scales: Sequence[int],
    env: dict[str, str],
    workdir: Path,
    questions: int,
    progress: Progress,
) -> dict[str, Any]:
    from coach.bench.synthetic import write_synthetic_corpus

    model_dir = Path(env["COACH_DATA_DIR"]) / "models"
    rows = []
    for number, scale in enumerate(scales):
        progress(number, len(scales), "scale")
        corpus = workdir / f"synthetic-{scale}x"
        files = write_synthetic_corpus(knowledge_dirs, corpus, scale)
        index_dir = workdir / f"index-{scale}x"
        build = _worker(["build", str(model_dir), str(index_dir), str(corpus)], env)
        query = _worker(["query", str(model_dir), str(index_dir), str(corpus), str(questions)], env)
        rows.append(
            {
                "scale": scale,
                "files": files,
                "chunks": build["chunks"],
                "sentences": build["sentences"],
                "build_s": build["build_s"],
                "build_chunks_per_s": round(build["chunks"] / build["build_s"], 1),
                "embedding_s": build["embedding_s"],
                "build_over_embedding_floor": round(build["build_s"] / build["embedding_s"], 3),
                "build_peak_rss_mb": build["peak_rss_mb"],
                "open_s": query["open_s"],
                "retrieval_p50_ms": query["retrieval"]["p50_ms"],
                "retrieval_p95_ms": query["retrieval"]["p95_ms"],
                "ask_p50_ms": query["ask_offline"]["p50_ms"],
                "ask_p95_ms": query["ask_offline"]["p95_ms"],
                "embedding_one_query_p50_ms": query["embedding_one_query"]["p50_ms"],
                "retrieval_over_embedding_floor": round(
                    query["retrieval"]["p50_ms"] / query["embedding_one_query"]["p50_ms"], 3
                ),
                "query_process_peak_rss_mb": query["peak_rss_mb"],
            }
        )
        shutil.rmtree(index_dir, ignore_errors=True)
        shutil.rmtree(corpus, ignore_errors=True)
    progress(len(scales), len(scales), "scale")
    return {"rows": rows}
