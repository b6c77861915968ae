"""Privacy: personal text never reaches logs, secrets are never shown or logged, and nothing talks to the network."""

from __future__ import annotations

import json
import logging
import subprocess
import sys

import pytest
import streamlit as st
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from servers import FaultServer
from streamlit.testing.v1 import AppTest
from test_cli import run

from coach.generation.writer import LlmWriter
from coach.knowledge.data import PROJECT_ROOT
from coach.storage.store import UserStore
from coach.workspace import Workspace

PERSONAL = "PERSONAL-4417 my manager ignores me"
SECRET = "sk-test-SECRET-CANARY-90210"


class Broken(GenericFakeChatModel):
    def _stream(self, *args, **kwargs):
        raise ConnectionError(f"failed while sending {PERSONAL}")

    def _generate(self, *args, **kwargs):
        raise ConnectionError(f"failed while sending {PERSONAL}")


def test_personal_text_never_reaches_the_logs(engine, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    logging.getLogger().setLevel(logging.DEBUG)
    coach = engine.using(LlmWriter(Broken(messages=iter([])), "openai:test"), UserStore(tmp_path / "u"))
    workspace = Workspace(coach, "me")
    for message in (f"- shipped {PERSONAL} to 40% of users\n- mentored {PERSONAL}", f"What is glue work? {PERSONAL}"):
        reply = workspace.ask(message).result()
        workspace.record_reply(reply)
        assert reply.notice  # the model failed, and the failure was logged...
    workspace.add_reply_entries(workspace.history()[1])
    assert caplog.records and "LLM openai:test failed" in caplog.text  # ...but only its kind
    assert "PERSONAL-4417" not in caplog.text


@pytest.fixture(scope="module")
def faults():
    server = FaultServer().start()
    yield server
    server.stop()


def test_secrets_are_never_printed(cli_env, faults):
    env = {
        **cli_env,
        "COACH_LLM": "openai:gpt-x",
        "COACH_LLM_BASE_URL": faults.base_url("error500"),
        "OPENAI_API_KEY": SECRET,
    }
    result = run(["ask", "What is a brag doc?", "--json"], env)
    assert result.returncode == 0 and json.loads(result.stdout)["notice"]
    assert SECRET not in result.stdout.decode() + result.stderr.decode()
    bad_model = {**env, "COACH_LLM": "anthropic:claude-x", "ANTHROPIC_API_KEY": SECRET}
    result = run(["ask", "What is a brag doc?"], bad_model)
    assert SECRET not in result.stdout.decode() + result.stderr.decode()


def test_secrets_are_never_rendered_in_the_app(monkeypatch, shared_data_dir, real_index, faults):
    monkeypatch.setenv("COACH_DATA_DIR", str(shared_data_dir))
    monkeypatch.setenv("COACH_LLM", "openai:gpt-x")
    monkeypatch.setenv("COACH_LLM_BASE_URL", faults.base_url("error500"))
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    st.cache_resource.clear()
    try:
        at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=180)
        at.query_params["w"] = "secret-check"
        at.run()
        at.chat_input[0].set_value("What is a brag doc?").run()
        assert not at.exception
        shown = " ".join(str(element.value) for kind in ("markdown", "info", "warning", "caption", "text")
                         for element in getattr(at, kind))  # fmt: skip
        assert "openai:gpt-x" in shown and "HTTP 500" in shown
        assert SECRET not in shown
    finally:
        st.cache_resource.clear()


AUDIT = r"""
import sys
outside = []
def audit(event, args):
    if event == "socket.connect":
        address = args[1]
        host = address[0] if isinstance(address, tuple) else str(address)
        if not (host.startswith("127.") or host in ("::1", "localhost") or host.startswith("/") or host == ""):
            outside.append(f"connect {address!r}")
    elif event == "socket.getaddrinfo":
        host = args[0]
        if host not in (None, "", "localhost", "127.0.0.1", "::1", b"localhost"):
            outside.append(f"resolve {host!r}")
sys.addaudithook(audit)

from coach.cli import main
main(["ask", "How does Lead differ from Staff?", "--json"])
main(["brag", "- cut build time from 20 min to 6 min", "--json"])
from streamlit.testing.v1 import AppTest
at = AppTest.from_file(sys.argv[1], default_timeout=180)
at.query_params["w"] = "network-audit"
at.run()
at.chat_input[0].set_value("What is glue work?").run()
assert not at.exception, at.exception
print("OUTSIDE", outside, file=sys.stderr)
"""


def test_no_connection_leaves_the_machine(cli_env):
    """Every socket the CLI and the app open during real flows, checked by an audit hook: loopback only."""
    result = subprocess.run(
        [sys.executable, "-c", AUDIT, str(PROJECT_ROOT / "app.py")], capture_output=True, env=cli_env, timeout=600
    )
    report = [line for line in result.stderr.decode().splitlines() if line.startswith("OUTSIDE")]
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    assert report == ["OUTSIDE []"]


SERVER_AUDIT = r"""
import sys
def audit(event, args):
    if event == "socket.connect":
        address = args[1]
        host = address[0] if isinstance(address, tuple) else str(address)
        if not (host.startswith("127.") or host in ("::1", "localhost") or host.startswith("/") or host == ""):
            print(f"OUTSIDE connect {address!r}", file=sys.stderr, flush=True)
    elif event == "socket.getaddrinfo" and args[0] not in (None, "", "localhost", "127.0.0.1", "::1"):
        print(f"OUTSIDE resolve {args[0]!r}", file=sys.stderr, flush=True)
sys.addaudithook(audit)
from streamlit.web.cli import main
sys.argv = ["streamlit", "run", sys.argv[1], "--server.port", sys.argv[2]]
main()
"""


def test_the_app_server_contacts_nothing_outside(cli_env, tmp_path):
    """`streamlit run` with the project's config, audited from start to a served page: loopback only."""
    import time
    import urllib.request

    from servers import free_port, wait_for_health

    port = free_port()
    log = tmp_path / "server.log"
    with log.open("w") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-c", SERVER_AUDIT, str(PROJECT_ROOT / "app.py"), str(port)],
            cwd=PROJECT_ROOT, env=cli_env, stdout=subprocess.DEVNULL, stderr=stderr,
        )  # fmt: skip
        try:
            wait_for_health(f"http://localhost:{port}", process)
            with urllib.request.urlopen(f"http://localhost:{port}/", timeout=10) as response:
                assert response.status == 200
            time.sleep(2)
        finally:
            process.terminate()
            process.wait(timeout=30)
    text = log.read_text()
    assert "OUTSIDE" not in text, [line for line in text.splitlines() if "OUTSIDE" in line][:5]
