"""The benchmark: the project's retrieval and answers measured side by side, in one process, with the standard
LangChain RAG pipeline (RecursiveCharacterTextSplitter 1000/200, the same embedding model, Chroma,
similarity_search) and with BM25 alone. Figures are printed, never asserted."""

from __future__ import annotations

import json
import re
import shutil
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings

from coach.corpus import display_path, markdown_files
from coach.evaluation import LabelledQuestion, score_retriever
from coach.index import KnowledgeIndex, Progress
from coach.profile import Profile

HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*$", re.MULTILINE)
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


class LangChainBaseline:
    """What a tutorial builds: whole files split 1000/200, embedded into Chroma, top-k similarity search."""

    def __init__(self, files: Sequence[Path], embeddings: Embeddings, directory: Path) -> None:
        from langchain_chroma import Chroma
        from langchain_core.documents import Document
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200, add_start_index=True)
        self.headings: dict[str, list[tuple[int, str]]] = {}
        documents = []
        for file in files:
            text = file.read_text(encoding="utf-8")
            path = display_path(file)
            self.headings[path] = [(match.start(), match.group(1)) for match in HEADING.finditer(text)]
            documents.append(Document(page_content=text, metadata={"path": path}))
        self.chunks = splitter.split_documents(documents)
        self.store = Chroma(
            collection_name="langchain_baseline",
            embedding_function=embeddings,
            persist_directory=str(directory),
            collection_metadata={"hnsw:space": "cosine"},
        )
        self.store.add_documents(self.chunks)

    def sections(self, path: str, start: int, length: int) -> list[tuple[str, str]]:
        """Every section a chunk overlaps: the one it starts in and any whose heading it contains (generous)."""
        found = [heading for offset, heading in self.headings.get(path, []) if offset <= start][-1:]
        found += [heading for offset, heading in self.headings.get(path, []) if start < offset < start + length]
        return [(path, heading) for heading in found]

    def rank(self, question: str, k: int = 10) -> list[tuple[str, str]]:
        ranked: list[tuple[str, str]] = []
        for document in self.store.similarity_search(question, k=k):
            for section in self.sections(
                document.metadata["path"], document.metadata["start_index"], len(document.page_content)
            ):
                if section not in ranked:
                    ranked.append(section)
        return ranked


def _measure_index(corpus: Path, embeddings: Embeddings, directory: Path, progress: Progress) -> dict[str, Any]:
    start = time.perf_counter()
    built = KnowledgeIndex(directory, [corpus], embeddings)
    report = built.refresh(progress)
    build_s = time.perf_counter() - start
    start = time.perf_counter()
    KnowledgeIndex(directory, [corpus], embeddings).refresh()
    refresh_s = time.perf_counter() - start
    changed = sorted(corpus.rglob("*.md"))[0]
    changed.write_text(
        changed.read_text(encoding="utf-8") + "\n\n## Benchmark note\nA paragraph added by the benchmark.\n"
    )
    start = time.perf_counter()
    one_file = KnowledgeIndex(directory, [corpus], embeddings).refresh()
    one_file_s = time.perf_counter() - start
    return {
        "chunks": report.total_chunks,
        "full_build_s": round(build_s, 2),
        "chunks_per_s": round(report.total_chunks / build_s, 1),
        "no_change_refresh_s": round(refresh_s, 3),
        "one_file_change_s": round(one_file_s, 3),
        "one_file_change_embedded": one_file.embedded,
    }


def run_bench(
    knowledge_dirs: Sequence[Path],
    questions: Sequence[LabelledQuestion],
    embeddings: Embeddings,
    workdir: Path,
    progress: Progress,
) -> dict[str, Any]:
    """Every figure of this benchmark, with the baselines beside the project's own numbers."""
    from coach.resources import build_coach, build_retriever

    corpus = workdir / "corpus"
    shutil.rmtree(corpus, ignore_errors=True)
    for directory in knowledge_dirs:
        shutil.copytree(directory, corpus / directory.name, dirs_exist_ok=True)

    progress(0, 4, "benchmark")
    index_figures = _measure_index(corpus, embeddings, workdir / "index-build", progress)
    # Quality and latency run on the real knowledge folders, so labelled paths match.
    index = KnowledgeIndex(workdir / "index", knowledge_dirs, embeddings)
    index.refresh()
    progress(1, 4, "benchmark")
    baseline = LangChainBaseline(markdown_files(knowledge_dirs), embeddings, workdir / "langchain")
    progress(2, 4, "benchmark")

    hybrid = build_retriever(index)
    bm25 = build_retriever(index, mode="bm25")

    def rank_with(retriever: Any) -> Callable[[str], list[tuple[str, str]]]:
        return lambda question: [(i.chunk.path, i.chunk.section) for i in retriever.retrieve(question, k=10)]

    quality = {
        "project_hybrid": score_retriever("project_hybrid", rank_with(hybrid), questions).as_dict(),
        "langchain_baseline": score_retriever("langchain_baseline", baseline.rank, questions).as_dict(),
        "bm25_only": score_retriever("bm25_only", rank_with(bm25), questions).as_dict(),
    }
    progress(3, 4, "benchmark")

    texts = [item.question for item in questions]
    coach = build_coach(index)
    profile = Profile(level="Senior", focus="coding")
    latency = {
        "project_ask_offline": timings_ms(lambda q: coach.reply(q, profile), texts),
        "project_retrieval": timings_ms(lambda q: hybrid.retrieve(q, k=5), texts),
        "langchain_retrieval": timings_ms(lambda q: baseline.store.similarity_search(q, k=5), texts),
        "embedding_one_query": timings_ms(embeddings.embed_query, texts),  # the floor under every dense search
    }
    progress(4, 4, "benchmark")

    def ratio(numerator: float, denominator: float) -> float | None:
        return round(numerator / denominator, 3) if denominator else None

    project, langchain = quality["project_hybrid"], quality["langchain_baseline"]
    return {
        "questions": len(questions),
        "quality": quality,
        "quality_ratio_project_over_langchain": {
            metric: ratio(float(project[metric]), float(langchain[metric]))
            for metric in ("recall@1", "recall@5", "mrr@10")
        },
        "latency": latency,
        "latency_ratio_project_retrieval_over_langchain": ratio(
            latency["project_retrieval"]["p50_ms"], latency["langchain_retrieval"]["p50_ms"]
        ),
        "index": index_figures,
        "baseline_chunks": len(baseline.chunks),
        "not_measured_yet": ["cold start (CLI and app)", "peak RSS", "100x synthetic corpus scale"],
    }


def format_report(result: dict[str, Any]) -> str:
    lines = [f"Retrieval quality on {result['questions']} labelled questions"]
    lines.append(f"  {'retriever':<20} {'recall@1':>9} {'recall@5':>9} {'MRR@10':>8}")
    for name, row in result["quality"].items():
        lines.append(f"  {name:<20} {row['recall@1']:>9.3f} {row['recall@5']:>9.3f} {row['mrr@10']:>8.3f}")
    ratios = result["quality_ratio_project_over_langchain"]
    lines.append("  project / langchain: " + ", ".join(f"{k} x{v}" for k, v in ratios.items()))
    lines.append("Warm latency (ms)")
    for name, row in result["latency"].items():
        lines.append(f"  {name:<22} p50 {row['p50_ms']:>8.2f}   p95 {row['p95_ms']:>8.2f}")
    lines.append(
        f"  project retrieval / langchain retrieval (p50): x{result['latency_ratio_project_retrieval_over_langchain']}"
    )
    index = result["index"]
    lines.append(
        f"Index: {index['chunks']} chunks, full build {index['full_build_s']} s ({index['chunks_per_s']} chunks/s), "
        f"no-change refresh {index['no_change_refresh_s']} s, one-file change {index['one_file_change_s']} s "
        f"({index['one_file_change_embedded']} re-embedded)"
    )
    lines.append("Not measured yet: " + ", ".join(result["not_measured_yet"]))
    return "\n".join(lines)


def save_result(result: dict[str, Any], data_dir: Path) -> Path:
    folder = data_dir / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"bench-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return path
