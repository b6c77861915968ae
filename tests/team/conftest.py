"""The whole team stack, started once for these tests on free loopback ports: the session's PostgreSQL and Chroma
server (the index already built there), the trial login provider, two app replicas and the nginx front door.
Browsers are Debian's Chromium driven by Playwright, as in tests/ui/test_browser.py."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from people import CHROMIUM, CHROMIUM_FLAGS

from coach.bench.processes import free_port
from coach.deployment.stack import Ports, TeamStack


@pytest.fixture(scope="session")
def team_stack(postgres_server, chroma_server, server_index, shared_data_dir: Path):
    # Under /tmp and open to pass through: nginx runs as www-data and reads its folder here.
    folder = Path(tempfile.mkdtemp(prefix="coach-team-", dir="/tmp"))
    folder.chmod(0o755)
    shutil.copytree(shared_data_dir / "models", folder / "models")  # the exported model: not exported again
    (folder / "index").mkdir()
    for cached in (shared_data_dir / "index").glob("*.pickle"):  # the trained message readers, when there
        shutil.copy2(cached, folder / "index" / cached.name)
    ports = Ports(front_door=free_port(), replicas=(free_port(), free_port()), postgres=postgres_server.port,
                  chroma=chroma_server.port, login=free_port())  # fmt: skip
    log: list[str] = []
    stack = TeamStack(folder, ports, say=log.append, postgres=postgres_server, chroma=chroma_server)
    stack.timings = stack.start()  # type: ignore[attr-defined]
    try:
        yield stack
    finally:
        stack.stop()
        # Nothing a person typed reaches a log of the stack.
        logs = " ".join(path.read_text(errors="replace") for path in folder.rglob("*.log"))
        shutil.rmtree(folder, ignore_errors=True)
        assert "p95 latency" not in logs and "onboarding guide" not in logs


@pytest.fixture(scope="module")  # one Playwright at a time in the process: tests/ui starts its own later
def team_browser():
    assert Path(CHROMIUM).exists(), "Debian's chromium is missing: run scripts/ensure-chromium.sh (make test does)"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        yield browser
        browser.close()
