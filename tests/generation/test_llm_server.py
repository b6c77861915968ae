"""The provider path for real: LangChain's OpenAI client against llama.cpp's server (SmolLM2-135M from PyPI) and
against a loopback server that fails in every way a provider can. A 135M model writes poor prose; these tests check
plumbing and guardrails, not eloquence."""

from __future__ import annotations

import json
import threading

import pytest
from servers import FaultServer, LlamaServer, free_port
from test_cli import assert_clean_error, run

from coach.engine import build_coach, build_writer
from coach.records import Profile
from coach.settings import Settings
from coach.skills.brag import draft_entries, numbers

QUESTION = "How does Lead differ from Staff?"
PROFILE = Profile(level="Senior", focus="coding")


@pytest.fixture(scope="module")
def llama():
    server = LlamaServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def faults():
    server = FaultServer(slow_seconds=4).start()
    yield server
    server.stop()


def coach_for(real_index, base_url: str, timeout: float = 30):
    settings = Settings(llm="openai:smollm2", llm_base_url=base_url, llm_timeout=timeout,
                        llm_context_chars=LlamaServer.context_chars)  # fmt: skip
    return build_coach(real_index, build_writer(settings))


def llm_env(cli_env: dict[str, str], base_url: str) -> dict[str, str]:
    return {**cli_env, "COACH_LLM": "openai:smollm2", "COACH_LLM_BASE_URL": base_url,
            "COACH_LLM_CONTEXT_CHARS": str(LlamaServer.context_chars)}  # fmt: skip


def test_cli_answer_through_the_real_server(llama, cli_env, engine):
    result = run(["ask", QUESTION, "--json"], llm_env(cli_env, llama.base_url))
    assert result.returncode == 0, result.stderr.decode()
    data = json.loads(result.stdout)
    offline = engine.reply(QUESTION, Profile())
    assert data["notice"] is None and data["intent"] == "compare"
    assert data["sources"] and "| Dimension | Lead | Staff |" in data["answer"]
    generated = data["answer"].split("**Key differences**")[-1].strip()
    assert generated and generated != offline.comparison.summary


def test_cli_with_the_server_stopped_gives_the_offline_answer(cli_env, engine):
    dead = f"http://127.0.0.1:{free_port()}/v1"
    result = run(["ask", QUESTION, "--json"], llm_env(cli_env, dead))
    assert result.returncode == 0, result.stderr.decode()
    data = json.loads(result.stdout)
    assert data["answer"] == engine.reply(QUESTION, Profile()).answer
    assert "openai:smollm2 was not used: the model server could not be reached" in data["notice"]


def test_cli_text_mode_streams(llama, cli_env):
    result = run(["ask", "What should go in a brag document?"], llm_env(cli_env, llama.base_url))
    assert result.returncode == 0 and "Sources:" in result.stdout.decode()


def test_answer_streams_in_several_chunks_with_sources(llama, real_index):
    stream = coach_for(real_index, llama.base_url).respond("What should go in a brag document?", PROFILE)
    chunks = list(stream)
    reply = stream.result()
    assert len(chunks) >= 5, chunks
    assert reply.notice is None and reply.sources and reply.answer.strip()
    assert all(int(n) <= len(reply.sources) for n in __import__("re").findall(r"\[(\d+)\]", reply.answer))


def test_brag_through_the_real_model_never_changes_numbers(llama, real_index, ladder):
    paste = "- cut p95 checkout latency from 800ms to 120ms\n- reduced AWS spend by $40k/month\n- mentored two interns"
    entries = tuple(draft_entries(paste, ladder))
    writer = coach_for(real_index, llama.base_url).writer
    written, notice = writer.write_brag(entries, PROFILE)
    for original, entry in zip(entries, written, strict=True):
        assert numbers(entry.bullet) == numbers(original.original)
    # The notice counts exactly the bullets that kept the offline wording; none when the model wrote them all.
    offline_kept = sum(entry.bullet == original.bullet for original, entry in zip(entries, written, strict=True))
    if notice is None:
        assert offline_kept == 0 or all(e.bullet == o.bullet for e, o in zip(entries, written, strict=True))
    else:
        assert f"{offline_kept} of {len(entries)} bullets use the offline wording" in notice or "not used" in notice


def test_killing_the_server_mid_stream_falls_back(real_index, engine):
    server = LlamaServer().start()
    try:
        coach = coach_for(real_index, server.base_url)
        question = "Explain in detail how to write a promotion packet, step by step, with every section."
        stream = coach.respond(question, PROFILE)
        chunks = []
        for chunk in stream:
            chunks.append(chunk)
            if len(chunks) == 2:
                threading.Thread(target=server.stop).start()
        reply = stream.result()
    finally:
        server.stop()
    assert reply.answer == engine.reply(question, PROFILE).answer
    assert reply.notice and "was not used" in reply.notice


@pytest.mark.parametrize(
    "mode, reason",
    [
        ("refuse429", "HTTP 429"),
        ("error500", "HTTP 500"),
        ("slow", "within 1 s"),
        ("cut", "was not used"),
        ("garbage", "was not used"),
    ],
)
def test_provider_faults_over_http(faults, real_index, engine, mode, reason):
    reply = coach_for(real_index, faults.base_url(mode), timeout=1).reply("What should go in a brag document?", PROFILE)
    assert reply.answer == engine.reply("What should go in a brag document?", PROFILE).answer
    assert reply.notice and reason in reply.notice and "offline answer" in reply.notice


def test_healthy_fault_server_is_used(faults, real_index):
    reply = coach_for(real_index, faults.base_url("ok")).reply("What should go in a brag document?", PROFILE)
    assert reply.notice is None and reply.answer == "A grounded answer about Lead and Staff [1]."


def test_garbage_structured_output_falls_back(faults, real_index, ladder):
    entries = tuple(draft_entries("- wrote the deploy runbook", ladder))
    written, notice = coach_for(real_index, faults.base_url("badjson")).writer.write_brag(entries, PROFILE)
    assert written == entries and "did not pass validation" in notice


@pytest.mark.parametrize(
    "llm, extra_env, fragment",
    [
        ("anthropic:claude-sonnet-4-5", {}, "pip install -e '.[anthropic]'"),
        ("ollama:llama3.1", {}, "pip install -e '.[ollama]'"),
        ("openai:gpt-4o-mini", {}, "set OPENAI_API_KEY"),
    ],
)
def test_missing_package_or_key_is_one_clear_line(cli_env, llm, extra_env, fragment):
    env = {**cli_env, "COACH_LLM": llm, **extra_env}
    env.pop("OPENAI_API_KEY", None)
    assert_clean_error(run(["ask", "What is a brag doc?", "--json"], env), fragment)


def test_offline_path_imports_no_provider_sdk(cli_env):
    from test_cli import modules_loaded_by_an_offline_answer

    sdks = ("openai", "langchain_openai", "anthropic", "ollama", "langchain.chat_models")
    assert modules_loaded_by_an_offline_answer(cli_env, sdks) == []
