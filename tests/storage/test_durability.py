"""User data survives a killed process, and 20 concurrent sessions never see each other's data, on SQLite and on
PostgreSQL (the `new_store` fixture gives each test both)."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time

from coach.engine import ReplyStream
from coach.records import Profile
from coach.workspace import Workspace

WRITER = """
import sys
from pathlib import Path
from coach.records import BragEntry
from coach.storage.store import UserStore
location = sys.argv[1]
store, workspace = UserStore(location if location.startswith("postgresql://") else Path(location)), sys.argv[2]
store.ensure_workspace(workspace)
print("ready", flush=True)
i = 0
while True:
    store.add_entries(workspace, [BragEntry(original=f"entry {i}", bullet=f"Shipped entry {i} " + "x" * 300, competencies=("Delivery",))])
    print(i, flush=True)  # entry i is committed
    i += 1
"""
KILLS = 15


def test_sigkill_while_saving_loses_at_most_the_entry_being_written(new_store):
    reader = new_store()
    path = reader.path
    location = str(path) if path is not None else reader.backend.url  # type: ignore[attr-defined]
    rng = random.Random(20261124)
    for round_number in range(KILLS):
        workspace = f"round{round_number}"
        child = subprocess.Popen(
            [sys.executable, "-c", WRITER, location, workspace], stdout=subprocess.PIPE, text=True, env=os.environ
        )
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
        confirmed = -1
        stop_after = rng.randint(3, 40)
        while confirmed < stop_after:
            confirmed = int(child.stdout.readline())
        time.sleep(rng.random() * 0.01)  # land the kill anywhere in the next write
        child.send_signal(signal.SIGKILL)
        child.wait()
        # Confirmations printed before the kill but not read yet still count.
        confirmed = max([confirmed, *(int(line) for line in child.stdout.read().split())])
        child.stdout.close()

        if path is not None:
            with sqlite3.connect(path) as db:
                assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = [s.entry.original for s in reader.entries(workspace)]
        assert stored == [f"entry {i}" for i in range(len(stored))]  # complete entries, in order, no torn rows
        assert (
            confirmed + 1 <= len(stored) <= confirmed + 2
        )  # every committed entry is there, plus maybe the one in flight
    assert len(reader.export_workspace("round0")["brag_entries"]) >= 4


SESSIONS = 20
LEVELS = ["Junior", "Mid", "Senior", "Lead", "Staff"]


def test_twenty_concurrent_sessions_do_not_cross_talk(engine, new_store):
    store = new_store()
    coach = engine.using(store=store)
    barrier = threading.Barrier(SESSIONS)
    errors: list[BaseException] = []

    def session(number: int) -> None:
        try:
            workspace = Workspace(coach, f"user{number}")
            level = LEVELS[number % len(LEVELS)]
            workspace.save_profile(Profile(level=level, focus="coding"))
            barrier.wait(timeout=120)
            for question in (
                "What is glue work?",
                "make me a plan",
                f"- shipped feature {number}-A to 40% of users\n- mentored intern {number}",
            ):
                stream: ReplyStream = workspace.ask(question)
                reply = stream.result()
                workspace.record_reply(reply)
                if reply.entries:
                    workspace.add_reply_entries(workspace.history()[-1])
            profile = workspace.profile()
            assert profile.level == level, (number, profile)
            bullets = [stored.entry.bullet for stored in workspace.entries()]
            assert len(bullets) == 2 and all(str(number) in bullet for bullet in bullets), (number, bullets)
            contents = " ".join(message.content for message in workspace.history())
            for other in range(SESSIONS):
                if other != number:
                    assert f"feature {other}-A" not in contents
            plan = workspace.latest_plan()
            assert plan is not None and plan.level == level
        except BaseException as error:  # collected and reported below, with the session number
            errors.append(error)
            barrier.abort()

    threads = [threading.Thread(target=session, args=(number,)) for number in range(SESSIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not errors, errors[:3]
    assert len({store.load_profile(f"user{n}").level for n in range(SESSIONS)}) == len(LEVELS)


def test_a_new_process_rebuilds_a_corrupted_index_with_progress(shared_data_dir, real_index, tmp_path):
    import shutil

    from test_cli import run

    data = tmp_path / "data"
    shutil.copytree(shared_data_dir / "index", data / "index")
    shutil.copytree(shared_data_dir / "models", data / "models")  # a corrupted index, not a missing model
    for file in (data / "index" / "chroma").rglob("*.sqlite3"):
        file.write_bytes(b"\x00garbage" * 512)
    env = {**os.environ, "COACH_DATA_DIR": str(data)}
    result = run(["ask", "What is glue work?", "--json"], env)
    assert result.returncode == 0, result.stderr.decode()[-1500:]
    assert json.loads(result.stdout)["sources"]
    assert "embedding" in result.stderr.decode()  # the rebuild showed its progress
    again = run(["index", "--json"], env)
    assert json.loads(again.stdout)["embedded"] == 0  # and the rebuilt index is whole
