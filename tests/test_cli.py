"""The `coach` console script: the JSON contract, stdin modes, and one-line errors with exit 2 for bad input."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

COACH = shutil.which("coach", path=str(Path(sys.executable).parent)) or "coach"


def run(args: list[str], env: dict[str, str], stdin: bytes | str | None = None) -> subprocess.CompletedProcess:
    data = stdin.encode() if isinstance(stdin, str) else stdin
    return subprocess.run([COACH, *args], input=data, capture_output=True, env=env, timeout=300)


def modules_loaded_by_an_offline_answer(env: dict[str, str], modules: tuple[str, ...]) -> list[str]:
    """Answer one question in a fresh interpreter, then list which of `modules` it had imported."""
    code = (
        "import json, sys; from coach.cli import main; main(['ask', 'What is glue work?', '--json']); "
        f"print(json.dumps(sorted(m for m in {modules!r} if m in sys.modules)), file=sys.stderr)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr.decode()[-1500:]
    assert '"sources"' in result.stdout.decode()
    return json.loads(result.stderr.decode().strip().splitlines()[-1])


def assert_clean_error(result: subprocess.CompletedProcess, fragment: str) -> None:
    stderr = result.stderr.decode()
    assert result.returncode == 2, stderr
    assert "Traceback" not in stderr
    lines = [line for line in stderr.splitlines() if line.startswith("coach:")]
    assert len(lines) == 1 and fragment in lines[0], stderr
    assert result.stdout == b""


def test_profile_json(cli_env):
    result = run(["profile", "I'm an L5 at Google, half my time leading", "--json"], cli_env)
    assert result.returncode == 0
    assert json.loads(result.stdout) == {
        "level": "Senior",
        "focus": "both",
        "track": "ic",
        "target": None,
        "years": None,
    }


def test_profile_text_shows_years_as_a_whole_number(cli_env):
    result = run(["profile", "sr dev, been senior for like 4 years, 9 yoe"], cli_env)
    assert result.returncode == 0 and "years: 9\n" in result.stdout.decode()


def test_profile_stdin_is_json_lines(cli_env):
    result = run(["profile", "-"], cli_env, "E4 at Meta, mostly coding\n\nI manage 6 engineers\nL99 at Nowhere\n")
    rows = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert [row["level"] for row in rows] == ["Mid", "Engineering Manager", None]


def test_ask_json_contract(cli_env):
    result = run(["ask", "How does Lead differ from Staff?", "--json"], cli_env)
    assert result.returncode == 0, result.stderr.decode()
    data = json.loads(result.stdout)
    assert data["intent"] == "compare" and data["notice"] is None
    assert data["sources"] and all(Path(s["path"]).exists() for s in data["sources"])
    assert data["profile"] == {"level": None, "focus": None, "target": None}


def test_ask_stdin_json_lines_with_profile_flags(cli_env):
    questions = "What is a brag document?\nHow do I handle a technical disagreement?\n"
    result = run(["ask", "-", "--json", "--level", "sr", "--focus", "coding", "--target", "staff"], cli_env, questions)
    assert result.returncode == 0, result.stderr.decode()
    rows = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert len(rows) == 2 and all(
        row["profile"] == {"level": "Senior", "focus": "coding", "target": "Staff"} for row in rows
    )
    assert all(row["sources"] and row["follow_up"] is None for row in rows)


def test_compare_plan_and_brag_json(cli_env):
    compare = json.loads(run(["compare", "tech lead", "EM", "--json"], cli_env).stdout)
    assert compare["roles"] == ["Lead", "Engineering Manager"] and len(compare["rows"]) == 6
    assert set(compare) == {"roles", "rows", "sources", "markdown"}

    plan = json.loads(
        run(["plan", "--level", "L5 at Google", "--focus", "coding", "--target", "Staff", "--json"], cli_env).stdout
    )
    assert (plan["level"], plan["focus"], plan["target"]) == ("Senior", "coding", "Staff")
    assert len(plan["horizons"]) == 4 and plan["evidence"] and plan["sources"]
    assert {"summary", "markdown"} <= set(plan)

    brag = json.loads(
        run(["brag", "-", "--json"], cli_env, "- cut build time from 20 min to 6 min\n- wrote docs").stdout
    )
    assert [set(entry) >= {"original", "bullet", "competencies", "questions"} for entry in brag["entries"]] == [
        True,
        True,
    ]
    assert brag["entries"][0]["questions"] == [] and brag["entries"][1]["questions"]


def test_text_output_prints_sources(cli_env):
    result = run(["ask", "What is glue work?"], cli_env)
    out = result.stdout.decode()
    assert result.returncode == 0 and "Sources:" in out and "knowledge/leadership/glue-work.md" in out


def test_module_entry_point(cli_env):
    result = subprocess.run(
        [sys.executable, "-m", "coach", "profile", "sde2", "--json"], capture_output=True, env=cli_env
    )
    assert json.loads(result.stdout)["level"] == "Mid"


@pytest.mark.parametrize(
    "args, stdin, fragment",
    [
        (["ask", ""], None, "give a question"),
        (["ask", "   "], None, "give a question"),
        (["plan", "--level", "L99 at Nowhere", "--focus", "coding"], None, "not a level I know"),
        (["plan", "--level", "Senior", "--focus", "dancing"], None, "coding, leading or both"),
        (["plan", "--level", "Staff", "--focus", "coding", "--target", "Senior"], None, "not above Staff"),
        (["compare", "Lead", "lead"], None, "two different roles"),
        (["compare", "Lead", "Wizard"], None, "not a level I know"),
        (["brag", "-"], "x" * 1_000_000, "the limit is 20,000"),
        (["brag", ""], None, "empty"),
        (["profile", "-"], b"\xff\xfe broken utf-8", "not valid UTF-8"),
        ([], None, "required"),
        (["frobnicate"], None, "invalid choice"),
    ],
)
def test_bad_input_gets_one_line_and_exit_2(cli_env, args, stdin, fragment):
    assert_clean_error(run(args, cli_env, stdin), fragment)


def test_bad_llm_setting_is_one_line(cli_env):
    env = {**cli_env, "COACH_LLM": "skynet:v1"}
    assert_clean_error(run(["ask", "hello there", "--json"], env), "COACH_LLM='skynet:v1'")


def test_index_and_eval(cli_env):
    index = json.loads(run(["index", "--json"], cli_env).stdout)
    assert index["embedded"] == 0 and index["chunks"] > 300 and index["sentences"] > index["chunks"]
    result = run(["eval", "--json"], cli_env)
    data = json.loads(result.stdout)
    names = [row["retriever"] for row in data["retrievers"]]
    assert names == ["dense", "bm25", "hybrid"] and data["questions"] >= 60 and data["set"] == "labelled"
    assert all(0 <= row["recall@5"] <= 1 for row in data["retrievers"])
    heldout = json.loads(run(["eval", "--set", "heldout", "--json"], cli_env).stdout)
    assert heldout["set"] == "heldout" and heldout["questions"] >= 100


def test_chat_keeps_the_conversation_across_turns(cli_env):
    turns = [
        "hey. senior backend dev here, mostly heads-down coding - what would it take to make staff?",
        "how long does that take?",
        json.dumps({"content": "- cut p95 checkout latency from 800ms to 120ms\n- wrote the deploy runbook"}),
        "punch up the last one",
        "tell me a joke",
        "/new",
        "how long does that take?",
    ]
    result = run(["chat", "--json"], cli_env, "\n".join(turns) + "\n")
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    replies = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert [reply["turn"] for reply in replies] == [1, 2, 3, 4, 5, 6]
    first, follow_up, paste, punch, joke, fresh = replies
    assert first["profile"] == {"level": "Senior", "focus": "coding", "target": "Staff"}
    # The follow-up is answered on the topic: how long the step to Staff takes, from a section about years.
    assert follow_up["intent"] == "question" and "years" in " ".join(s["section"].lower() for s in follow_up["sources"])
    assert "Staff" in follow_up["answer"]
    assert paste["intent"] == "brag" and len(paste["entries"]) == 2
    assert punch["intent"] == "brag" and "Wrote the deploy runbook" in punch["answer"]
    assert joke["intent"] == "other" and joke["profile"]["level"] == "Senior"
    assert fresh["profile"] == {"level": None, "focus": None, "target": None}  # /new: a new conversation


def test_chat_bad_json_line_is_one_line(cli_env):
    assert_clean_error(run(["chat", "--json"], cli_env, '{"text": "hi"}\n'), '{"content": "..."}')
