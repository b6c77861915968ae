"""The benchmark: the project's retrieval and answers measured side by side, in one run, with the standard
LangChain RAG pipeline (RecursiveCharacterTextSplitter 1000/200, the same embedding model, Chroma,
similarity_search) and with BM25 alone; then cold starts and a synthetic corpus up to 100 times the real one.
Figures are printed, never asserted. Cold starts and scale run in fresh processes, so that their memory is their own.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings

from coach.bench.baseline import LangChainBaseline
from coach.bench.evaluation import LabelledQuestion, context_facts, load_facts, load_labelled, score_retriever
from coach.bench.measure import TimedEmbeddings, timings_ms
from coach.bench.processes import cold_app, cold_cli
from coach.bench.scale import measure_scale
from coach.knowledge.corpus import folder_files
from coach.knowledge.data import KNOWLEDGE_DIR
from coach.records import Profile
from coach.retrieval.index import KnowledgeIndex, Progress

# The context budget of a small local model with a 4,096-token window (as in the tests' llama.cpp server).
SMALL_MODEL_CONTEXT_CHARS = 7_500

_NOTE = "---\ntitle: Benchmark note\n---\n# Benchmark note\n\n## A note\nWritten by the benchmark. {}\n"


def _measure_index(
    index_dir: Path, knowledge_dirs: Sequence[Path], scratch: Path, embeddings: Embeddings, progress: Progress
) -> tuple[KnowledgeIndex, dict[str, Any]]:
    """Build the index from nothing, refresh it unchanged, then with one file changed: `scratch` is one of the
    knowledge folders, where a small note is added, edited (the measured change) and removed again."""
    timed = TimedEmbeddings(embeddings)
    start = time.perf_counter()
    report = KnowledgeIndex(index_dir, knowledge_dirs, timed).refresh(progress)
    build_s = time.perf_counter() - start
    start = time.perf_counter()
    KnowledgeIndex(index_dir, knowledge_dirs, embeddings).refresh()
    refresh_s = time.perf_counter() - start
    note = scratch / "benchmark-note.md"
    note.parent.mkdir(parents=True, exist_ok=True)
    note.write_text(_NOTE.format("First version."), encoding="utf-8")
    KnowledgeIndex(index_dir, knowledge_dirs, embeddings).refresh()
    note.write_text(_NOTE.format("Second version, edited."), encoding="utf-8")
    start = time.perf_counter()
    one_file = KnowledgeIndex(index_dir, knowledge_dirs, embeddings).refresh()
    one_file_s = time.perf_counter() - start
    note.unlink()
    index = KnowledgeIndex(index_dir, knowledge_dirs, embeddings)
    index.refresh()
    return index, {
        "chunks": report.total_chunks,
        "sentences": report.sentences,
        "full_build_s": round(build_s, 2),
        "chunks_per_s": round(report.total_chunks / build_s, 1),
        "no_change_refresh_s": round(refresh_s, 3),
        "one_file_change_s": round(one_file_s, 3),
        "one_file_change_embedded": one_file.embedded,
        "embedding_s": round(timed.seconds, 2),
        "full_build_over_embedding_floor": round(build_s / timed.seconds, 3) if timed.seconds else None,
    }


def _says(conversation: dict[str, Any]) -> list[str]:
    """A conversation's messages, the first marked so that a turn function starts a new conversation there."""
    says = [str(turn["say"]) for turn in conversation["turns"]]
    return [NEW_CONVERSATION + says[0], *says[1:]]


NEW_CONVERSATION = "\x00new\x00"


def chat_turns(coach: Any) -> Callable[[str], Any]:
    """One chat turn at a time, each on the state the turn before left (as the app keeps it), so follow-ups and brag
    reworks are timed as people send them; a message marked NEW_CONVERSATION starts afresh."""
    from coach.records import Conversation

    state = [Conversation()]

    def turn(message: str) -> Any:
        if message.startswith(NEW_CONVERSATION):
            state[0], message = Conversation(), message.removeprefix(NEW_CONVERSATION)
        reply = coach.reply(message, state[0])
        state[0] = reply.state
        return reply

    return turn


# -- the whole run ---------------------------------------------------------------------------------------------------


def run_bench(
    knowledge_dirs: Sequence[Path],
    questions: Sequence[LabelledQuestion],
    embeddings: Embeddings,
    model_dir: Path,
    workdir: Path,
    progress: Progress,
    scales: Sequence[int] = (1, 10, 100),
    cold_runs: int = 3,
) -> dict[str, Any]:
    """Every figure of this benchmark, with the baselines beside the project's own numbers."""
    from coach.engine import build_coach, build_retriever

    steps = 6
    progress(0, steps, "benchmark")
    # The index of the real knowledge folders (so labelled paths match), in a data directory that the cold-start
    # processes then open as it is; its uploads folder takes the benchmark's one-file change.
    data_dir = workdir / "data"
    shutil.copytree(model_dir, data_dir / "models")
    uploads = data_dir / "uploads"
    index, index_figures = _measure_index(data_dir / "index", [*knowledge_dirs, uploads], uploads, embeddings, progress)
    progress(1, steps, "benchmark")
    baseline = LangChainBaseline(folder_files(knowledge_dirs), embeddings, workdir / "langchain")
    progress(2, steps, "benchmark")

    hybrid = build_retriever(index)
    bm25 = build_retriever(index, mode="bm25")

    def rank_with(retriever: Any) -> Callable[[str], list[tuple[str, str]]]:
        return lambda question: [(i.chunk.path, i.chunk.section) for i in retriever.retrieve(question, k=10)]

    quality = {
        "project_hybrid": score_retriever("project_hybrid", rank_with(hybrid), questions).as_dict(),
        "langchain_baseline": score_retriever("langchain_baseline", baseline.rank, questions).as_dict(),
        "bm25_only": score_retriever("bm25_only", rank_with(bm25), questions).as_dict(),
    }
    # What a configured model reads for each held-out question: our sections within the default budget and within a
    # small local model's, against the tutorial's top five chunks of 1000 characters, and its top ten.
    from coach.engine import MODEL_SECTIONS
    from coach.retrieval.search import within_budget
    from coach.settings import Settings

    def ours(chars: int) -> Callable[[str], list[str]]:
        return lambda q: [i.chunk.text for i in within_budget(hybrid.retrieve(q, k=MODEL_SECTIONS), chars)]

    fact_questions = load_facts()
    context = {
        "project_model_context": context_facts(
            ours(Settings.model_fields["llm_context_chars"].default), fact_questions
        ),
        "project_small_model_context": context_facts(ours(SMALL_MODEL_CONTEXT_CHARS), fact_questions),
        "langchain_top5_chunks": context_facts(
            lambda q: [d.page_content for d in baseline.store.similarity_search(q, k=5)], fact_questions
        ),
        "langchain_top10_chunks": context_facts(
            lambda q: [d.page_content for d in baseline.store.similarity_search(q, k=10)], fact_questions
        ),
    }
    progress(3, steps, "benchmark")

    texts = [item.question for item in questions]
    coach = build_coach(index)
    profile = Profile(level="Senior", focus="coding")
    turns = chat_turns(coach)
    latency = {
        "project_ask_offline": timings_ms(lambda q: coach.reply(q, profile), texts),
        "project_chat_turn": timings_ms(
            turns, [turn for c in load_labelled("conversations.yaml") for turn in _says(c)]
        ),
        "project_retrieval": timings_ms(lambda q: hybrid.retrieve(q, k=5), texts),
        "langchain_retrieval": timings_ms(lambda q: baseline.store.similarity_search(q, k=5), texts),
        "embedding_one_query": timings_ms(embeddings.embed_query, texts),  # the floor under every dense search
    }
    progress(4, steps, "benchmark")

    extra = [str(directory) for directory in knowledge_dirs if directory.resolve() != KNOWLEDGE_DIR.resolve()]
    env = {**os.environ, "COACH_DATA_DIR": str(data_dir), "COACH_LLM": "offline"}
    # An installed app starts from cached bytecode (the untimed first start writes it); a shell that forbids writing
    # it would time the compiling of every module of ours on each start instead.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["COACH_KNOWLEDGE_DIRS"] = os.pathsep.join(extra)
    cold = {"cli_ask": cold_cli(env, cold_runs), "app_first_render": cold_app(env, max(1, cold_runs - 1))}
    progress(5, steps, "benchmark")
    scale = measure_scale(knowledge_dirs, scales, env, workdir, len(questions), progress)
    progress(6, steps, "benchmark")

    def ratio(numerator: float, denominator: float) -> float | None:
        return round(numerator / denominator, 3) if denominator else None

    project, langchain = quality["project_hybrid"], quality["langchain_baseline"]
    floor_ms = latency["embedding_one_query"]["p50_ms"]
    return {
        "questions": len(questions),
        "quality": quality,
        "context_facts": context,
        "quality_ratio_project_over_langchain": {
            metric: ratio(float(project[metric]), float(langchain[metric]))
            for metric in ("recall@1", "recall@5", "mrr@10")
        },
        "latency": latency,
        "latency_ratio_project_retrieval_over_langchain": ratio(
            latency["project_retrieval"]["p50_ms"], latency["langchain_retrieval"]["p50_ms"]
        ),
        "latency_over_embedding_floor": {
            name: ratio(row["p50_ms"], floor_ms) for name, row in latency.items() if name != "embedding_one_query"
        },
        "index": index_figures,
        "cold_start": cold,
        "scale": scale,
        "baseline_chunks": len(baseline.chunks),
    }
