"""Fresh processes for the benchmark (and the tests' servers): cold starts, peak memory, free ports, health waits."""

from __future__ import annotations

import json
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from coach.knowledge.data import PROJECT_ROOT

COLD_QUESTION = "How does a Lead engineer differ from a Staff engineer?"


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
        "import sys; from pathlib import Path; from coach.retrieval.embeddings import load_embeddings; "
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
