"""The team benchmark (`coach bench --team`): N concurrent chat sessions, each logged in through the trial provider,
send turns through the front door for a fixed time, with one replica and then with two, on loopback only. It
reports turns per second and the p50/p95 time of a turn (sent until the reply is drawn), side by side."""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from coach.deployment.client import AppSession
from coach.deployment.stack import TeamStack

TURNS = (
    "What is glue work?",
    "How does Lead differ from Staff?",
    "how long does that take?",
    "What should I do next to grow toward Staff?",
    "- cut p95 latency from 800ms to 120ms\n- wrote the deploy runbook",
    "How do I get visibility for infrastructure work?",
)
MAX_TURNS_PER_CONVERSATION = 12  # then "New conversation": a page whose history grows without end is another test


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def drive(url: str, sessions: int, seconds: float, name: str = "load") -> dict[str, Any]:
    """`sessions` people chatting at once through `url` for `seconds` (after all have logged in)."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop_at: list[float] = []
    # The clock starts once everyone is logged in, set before any session is released.
    ready = threading.Barrier(sessions + 1, action=lambda: stop_at.append(time.monotonic() + seconds))

    def person(number: int) -> None:
        session = AppSession(url, timeout=120)
        logged_in = False
        try:
            session.log_in(f"{name}-{number}@example.com")
            session.say("I'm a senior engineer, mostly coding")
            logged_in = True
        except Exception as error:  # counted, and this person sits the run out
            errors.append(f"login: {type(error).__name__}: {error}")
        try:
            ready.wait(timeout=300)
        except threading.BrokenBarrierError:
            logged_in = False
        turn = 0
        while logged_in and time.monotonic() < stop_at[0]:
            try:
                if turn and turn % MAX_TURNS_PER_CONVERSATION == 0:
                    session.click("New conversation")
                    session.say("I'm a senior engineer, mostly coding")
                run = session.say(TURNS[(number + turn) % len(TURNS)])
                with lock:
                    latencies.append(run.seconds)
            except Exception as error:
                errors.append(f"turn: {type(error).__name__}: {error}")
                break
            turn += 1
        session.close()

    threads = [threading.Thread(target=person, args=(number,), daemon=True) for number in range(sessions)]
    for thread in threads:
        thread.start()
    ready.wait(timeout=300)
    started = stop_at[0] - seconds
    for thread in threads:
        thread.join(timeout=seconds + 180)
    elapsed = time.monotonic() - started
    return {
        "sessions": sessions,
        "seconds": round(elapsed, 1),
        "turns": len(latencies),
        "turns_per_s": round(len(latencies) / elapsed, 2) if elapsed else 0.0,
        "p50_ms": round(statistics.median(latencies) * 1000) if latencies else None,
        "p95_ms": round(_percentile(latencies, 0.95) * 1000) if latencies else None,
        "errors": errors[:5],
    }


def run_team_bench(
    stack: TeamStack, sessions: int, seconds: float, say: Callable[[str], None] = print
) -> dict[str, Any]:
    """One replica, then two, behind the same front door of a running stack; the same load for each."""
    rows = []
    for count in (1, 2):
        stack.use_replicas(count)
        say(f"{count} replica(s): {sessions} sessions for {seconds:g} s …")
        row = drive(stack.url, sessions, seconds, name=f"load{count}")
        rows.append({"replicas": count, **row})
    return {"sessions": sessions, "seconds": seconds, "rows": rows}


def format_team_report(result: dict[str, Any]) -> str:
    lines = [
        f"Team stack under load: {result['sessions']} concurrent chat sessions through the front door, "
        f"{result['seconds']:g} s each",
        f"{'replicas':>8}  {'turns':>6}  {'turns/s':>8}  {'p50 ms':>7}  {'p95 ms':>7}  errors",
    ]
    for row in result["rows"]:
        lines.append(
            f"{row['replicas']:>8}  {row['turns']:>6}  {row['turns_per_s']:>8.2f}  {row['p50_ms'] or '-':>7}  "
            f"{row['p95_ms'] or '-':>7}  {len(row['errors'])}"
        )
    return "\n".join(lines)


def bench_in(data_dir: Path, sessions: int, seconds: float, say: Callable[[str], None] = print) -> dict[str, Any]:
    """Start a team stack of its own (free loopback ports, its data in `data_dir/team-bench`, which keeps the Chroma
    index between runs and shares the exported embedding model), measure, stop it."""
    from coach.bench.processes import free_port
    from coach.deployment.stack import Ports

    workdir = data_dir / "team-bench"
    workdir.mkdir(parents=True, exist_ok=True)
    if (data_dir / "models").is_dir() and not (workdir / "models").exists():
        (workdir / "models").symlink_to(data_dir / "models")

    ports = Ports(front_door=free_port(), replicas=(free_port(), free_port()), postgres=free_port(),
                  chroma=free_port(), login=free_port())  # fmt: skip
    stack = TeamStack(workdir, ports, say=say)
    try:
        timings = stack.start()
        return {**run_team_bench(stack, sessions, seconds, say), "startup_s": timings}
    finally:
        stack.stop()
