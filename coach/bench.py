"""The benchmark: the project's retrieval and answers measured side by side, in one run, with the standard
LangChain RAG pipeline (RecursiveCharacterTextSplitter 1000/200, the same embedding model, Chroma,
similarity_search) and with BM25 alone; then cold starts and a synthetic corpus up to 100 times the real one.
Figures are printed, never asserted. Cold starts and scale run in fresh processes, so that their memory is their own.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings

from coach.corpus import display_path, markdown_files
from coach.evaluation import LabelledQuestion, load_questions, score_retriever
from coach.index import KnowledgeIndex, Progress
from coach.profile import Profile
from coach.settings import KNOWLEDGE_DIR, PROJECT_ROOT

COLD_QUESTION = "How does a Lead engineer differ from a Staff engineer?"

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


def _peak_rss_mb(pid: int) -> float:
    """The process's peak resident memory (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


# Linux carries the peak RSS of a parent into a child it spawns, so a child of this large process would report this
# process's peak as its own. A small interpreter starts the command instead, times it and reads its real peak.
_MEASURE = (
    "import resource, subprocess, sys, time; start = time.perf_counter(); code = subprocess.call(sys.argv[2:]); "
    "elapsed = time.perf_counter() - start; peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss; "
    "open(sys.argv[1], 'w').write(f'{elapsed} {peak}'); sys.exit(code)"
)


def _timed_process(command: Sequence[str], env: dict[str, str]) -> tuple[float, float, int, bytes]:
    """(wall seconds, peak RSS in MB, exit code, stdout) of a new process; stderr passes through as progress."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        figures = Path(folder) / "figures"
        done = subprocess.run(
            [sys.executable, "-c", _MEASURE, str(figures), *command], env=env, cwd=PROJECT_ROOT, stdout=subprocess.PIPE
        )
        elapsed, peak_kb = figures.read_text().split() if figures.exists() else ("0", "0")
    return float(elapsed), round(int(peak_kb) / 1024, 1), done.returncode, done.stdout


def _summary(seconds: Sequence[float], memory: Sequence[float]) -> dict[str, float | int]:
    return {
        "runs": len(seconds),
        "median_s": round(statistics.median(seconds), 3),
        "max_s": round(max(seconds), 3),
        "peak_rss_mb": max(memory),
    }


def cold_cli(env: dict[str, str], runs: int) -> dict[str, Any]:
    """A new `coach ask` process until its answer is printed (index already built, operating-system cache warm)."""
    command = [sys.executable, "-m", "coach", "ask", COLD_QUESTION, "--json"]
    _, _, code, output = _timed_process(command, env)  # builds or refreshes the index if needed; not timed
    if code != 0:
        raise RuntimeError(f"coach ask failed with exit code {code}")
    seconds, memory = [], []
    for _ in range(runs):
        elapsed, peak, code, output = _timed_process(command, env)
        if code != 0 or not json.loads(output)["sources"]:
            raise RuntimeError("coach ask gave no grounded answer")
        seconds.append(elapsed)
        memory.append(peak)
    floor_command = [
        sys.executable,
        "-c",
        "import sys; from pathlib import Path; from coach.embeddings import load_embeddings; "
        "load_embeddings(Path(sys.argv[1])).embed_query(sys.argv[2])",
        str(Path(env["COACH_DATA_DIR"]) / "models"),
        COLD_QUESTION,
    ]
    floor = [_timed_process(floor_command, env)[0] for _ in range(runs)]
    return {**_summary(seconds, memory), "embedding_floor_median_s": round(statistics.median(floor), 3)}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_health(url: str, process: subprocess.Popen, timeout: float = 120) -> None:
    """Wait until a Streamlit server answers its health check; fail with a clear message otherwise."""
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode} before it was healthy")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as response:
                if response.read() == b"ok":
                    return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{url} did not become healthy within {timeout:g} s")


def _first_render(port: int, timeout: float) -> tuple[int, int]:
    """Act as a browser tab: open the app's websocket, ask for a run, wait until the script finished.

    Returns (elements rendered, exceptions rendered)."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.sync.client import connect
    from websockets.typing import Origin, Subprotocol

    url = f"ws://localhost:{port}/_stcore/stream"
    origin = Origin(f"http://localhost:{port}")
    with connect(url, subprotocols=[Subprotocol("streamlit")], origin=origin, max_size=None) as socket_:
        request = BackMsg()
        request.rerun_script.query_string = ""
        request.rerun_script.page_script_hash = ""
        socket_.send(request.SerializeToString())
        elements = exceptions = 0
        deadline = time.monotonic() + timeout
        while True:
            message = ForwardMsg()
            message.ParseFromString(socket_.recv(timeout=max(0.1, deadline - time.monotonic())))
            kind = message.WhichOneof("type")
            if kind == "delta" and message.delta.WhichOneof("type") == "new_element":
                elements += 1
                exceptions += message.delta.new_element.WhichOneof("type") == "exception"
            if kind == "script_finished":
                return elements, exceptions


def cold_app(env: dict[str, str], runs: int, timeout: float = 120) -> dict[str, Any]:
    """`streamlit run app.py` until /_stcore/health answers, and until the first page has rendered."""
    health, render, memory = [], [], []
    elements = exceptions = 0
    for _ in range(runs):
        port = free_port()
        command = [sys.executable, "-m", "streamlit", "run", str(PROJECT_ROOT / "app.py"), "--server.port", str(port)]
        start = time.perf_counter()
        process = subprocess.Popen(command, env=env, cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL)
        try:
            wait_for_health(f"http://localhost:{port}", process, timeout)
            health.append(time.perf_counter() - start)
            elements, exceptions = _first_render(port, timeout)
            render.append(time.perf_counter() - start)
            memory.append(_peak_rss_mb(process.pid))
        finally:
            process.terminate()
            process.wait(timeout=30)
    return {
        **_summary(render, memory),
        "health_median_s": round(statistics.median(health), 3),
        "elements_rendered": elements,
        "exceptions_rendered": exceptions,
    }


# -- scale ---------------------------------------------------------------------------------------------------------


def _worker(command: Sequence[str], env: dict[str, str]) -> dict[str, Any]:
    elapsed, peak, code, output = _timed_process([sys.executable, "-m", "coach.bench", *command], env)
    if code != 0:
        raise RuntimeError(f"benchmark worker {command[0]} failed with exit code {code}")
    return {**json.loads(output), "process_s": round(elapsed, 2), "peak_rss_mb": peak}


def build_worker(model_dir: Path, index_dir: Path, corpus: Path) -> dict[str, Any]:
    """Run in a fresh process: build the index of `corpus` from nothing."""
    from coach.cli import progress_bar
    from coach.embeddings import load_embeddings

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
    from coach.embeddings import load_embeddings
    from coach.resources import build_coach, build_retriever

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
    from coach.synthetic import write_synthetic_corpus

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
    from coach.resources import build_coach, build_retriever

    steps = 6
    progress(0, steps, "benchmark")
    # The index of the real knowledge folders (so labelled paths match), in a data directory that the cold-start
    # processes then open as it is; its uploads folder takes the benchmark's one-file change.
    data_dir = workdir / "data"
    shutil.copytree(model_dir, data_dir / "models")
    uploads = data_dir / "uploads"
    index, index_figures = _measure_index(data_dir / "index", [*knowledge_dirs, uploads], uploads, embeddings, progress)
    progress(1, steps, "benchmark")
    baseline = LangChainBaseline(markdown_files(knowledge_dirs), embeddings, workdir / "langchain")
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
    progress(3, steps, "benchmark")

    texts = [item.question for item in questions]
    coach = build_coach(index)
    profile = Profile(level="Senior", focus="coding")
    latency = {
        "project_ask_offline": timings_ms(lambda q: coach.reply(q, profile), texts),
        "project_retrieval": timings_ms(lambda q: hybrid.retrieve(q, k=5), texts),
        "langchain_retrieval": timings_ms(lambda q: baseline.store.similarity_search(q, k=5), texts),
        "embedding_one_query": timings_ms(embeddings.embed_query, texts),  # the floor under every dense search
    }
    progress(4, steps, "benchmark")

    extra = [str(directory) for directory in knowledge_dirs if directory.resolve() != KNOWLEDGE_DIR.resolve()]
    env = {**os.environ, "COACH_DATA_DIR": str(data_dir), "COACH_LLM": "offline"}
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


def format_report(result: dict[str, Any]) -> str:
    lines = [f"Retrieval quality on {result['questions']} labelled questions"]
    lines.append(f"  {'retriever':<20} {'recall@1':>9} {'recall@5':>9} {'MRR@10':>8}")
    for name, row in result["quality"].items():
        lines.append(f"  {name:<20} {row['recall@1']:>9.3f} {row['recall@5']:>9.3f} {row['mrr@10']:>8.3f}")
    ratios = result["quality_ratio_project_over_langchain"]
    lines.append("  project / langchain: " + ", ".join(f"{k} x{v}" for k, v in ratios.items()))

    floor = result["latency_over_embedding_floor"]
    lines.append("Warm latency (ms)                      p50        p95   p50 / embedding floor")
    for name, row in result["latency"].items():
        over = f"x{floor[name]}" if name in floor else "(the floor)"
        lines.append(f"  {name:<30} {row['p50_ms']:>9.2f} {row['p95_ms']:>10.2f}   {over}")
    lines.append(
        f"  project retrieval / langchain retrieval (p50): x{result['latency_ratio_project_retrieval_over_langchain']}"
    )

    index = result["index"]
    lines.append(
        f"Index: {index['chunks']} chunks and {index['sentences']} sentences, full build {index['full_build_s']} s "
        f"({index['chunks_per_s']} chunks/s; "
        f"{index['embedding_s']} s of it inside the model, build = x{index['full_build_over_embedding_floor']} the "
        f"floor), no-change refresh {index['no_change_refresh_s']} s, one-file change {index['one_file_change_s']} s "
        f"({index['one_file_change_embedded']} re-embedded)"
    )

    cli, app = result["cold_start"]["cli_ask"], result["cold_start"]["app_first_render"]
    lines.append("Cold start (new process, index built)      median      max   peak RSS")
    lines.append(
        f"  coach ask to first answer            {cli['median_s']:>8.2f} s {cli['max_s']:>6.2f} s {cli['peak_rss_mb']:>7.0f} MB"
    )
    lines.append(
        f"  app to first render                  {app['median_s']:>8.2f} s {app['max_s']:>6.2f} s {app['peak_rss_mb']:>7.0f} MB"
    )
    lines.append(
        f"  app health answered after {app['health_median_s']} s; a process that only loads the model and embeds "
        f"one query takes {cli['embedding_floor_median_s']} s (the floor)"
    )

    scale = result["scale"]
    lines.append(
        "Scale (synthetic corpus, each size built and queried in fresh processes; x floor = build / model time)"
    )
    lines.append(
        f"  {'scale':>5} {'files':>6} {'chunks':>7} {'sentences':>9} {'build s':>8} {'chunks/s':>9} {'x floor':>8} {'build MB':>9} {'open s':>7} "
        f"{'retr p50':>9} {'retr p95':>9} {'ask p50':>8} {'query MB':>9}"
    )
    for row in scale["rows"]:
        lines.append(
            f"  {row['scale']:>4}x {row['files']:>6} {row['chunks']:>7} {row['sentences']:>9} {row['build_s']:>8.1f} "
            f"{row['build_chunks_per_s']:>9.1f} {row['build_over_embedding_floor']:>8.2f} {row['build_peak_rss_mb']:>9.0f} {row['open_s']:>7.2f} "
            f"{row['retrieval_p50_ms']:>9.2f} {row['retrieval_p95_ms']:>9.2f} {row['ask_p50_ms']:>8.2f} "
            f"{row['query_process_peak_rss_mb']:>9.0f}"
        )
    return "\n".join(lines)


def save_result(result: dict[str, Any], data_dir: Path) -> Path:
    folder = data_dir / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"bench-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return path


if __name__ == "__main__":  # the fresh processes of the scale benchmark
    _mode, *_args = sys.argv[1:]
    if _mode == "build":
        _figures = build_worker(Path(_args[0]), Path(_args[1]), Path(_args[2]))
    else:
        _figures = query_worker(Path(_args[0]), Path(_args[1]), Path(_args[2]), int(_args[3]))
    print(json.dumps(_figures))
