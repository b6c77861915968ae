"""The benchmark harness on a tiny corpus: every figure is produced, next to its baselines. No timing assertions."""

from __future__ import annotations

import json

from test_cli import run

from coach.bench.evaluation import LabelledQuestion
from coach.bench.report import format_report
from coach.bench.run import run_bench

DOC = "---\ntitle: {t}\nlevels: [Senior]\ntracks: [ic]\ntopics: [t]\nsources: [s]\n---\n# {t}\n\n## {s}\n{b}\n"


def test_tiny_benchmark_produces_every_figure(tmp_path, embeddings, shared_data_dir):
    corpus = tmp_path / "tiny"
    corpus.mkdir()
    (corpus / "mentoring.md").write_text(DOC.format(t="Mentoring", s="Pairing with juniors", b="Pair twice a week."))
    (corpus / "incidents.md").write_text(DOC.format(t="Incidents", s="Running an outage call", b="Name a lead."))
    (corpus / "packets.md").write_text(DOC.format(t="Packets", s="Writing the packet", b="Link evidence."))
    path = "tiny"  # a knowledge folder outside the project is cited as <folder name>/<file>
    questions = [
        LabelledQuestion("how often should I pair with a junior?", f"{path}/mentoring.md", "Pairing with juniors"),
        LabelledQuestion("who leads an outage call?", f"{path}/incidents.md", "Running an outage call"),
        LabelledQuestion("what goes in a promotion packet?", f"{path}/packets.md", "Writing the packet"),
    ]
    result = run_bench(
        [corpus], questions, embeddings, shared_data_dir / "models", tmp_path / "work", lambda *_: None, (1, 3), 1
    )
    assert set(result["quality"]) == {"project_hybrid", "langchain_baseline", "bm25_only"}
    for row in result["quality"].values():
        assert row["questions"] == 3 and 0 <= row["recall@5"] <= 1 and 0 <= row["mrr@10"] <= 1
    assert result["quality"]["project_hybrid"]["recall@5"] == 1.0
    assert set(result["latency"]) == {
        "project_ask_offline",
        "project_chat_turn",
        "project_retrieval",
        "langchain_retrieval",
        "embedding_one_query",
    }
    facts = result["context_facts"]
    assert set(facts) == {
        "project_model_context",
        "project_small_model_context",
        "langchain_top5_chunks",
        "langchain_top10_chunks",
    }
    for row in facts.values():
        assert row["facts"] >= 300 and 0 <= row["questions_complete"] <= 1 and 0 <= row["fact_recall"] <= 1
    assert all(row["p50_ms"] > 0 and row["p95_ms"] >= row["p50_ms"] for row in result["latency"].values())
    assert result["index"]["chunks"] == 3 and result["index"]["one_file_change_embedded"] == 1
    assert result["baseline_chunks"] == 3
    assert result["index"]["embedding_s"] > 0 and result["index"]["full_build_over_embedding_floor"] >= 1

    cli, app = result["cold_start"]["cli_ask"], result["cold_start"]["app_first_render"]
    assert cli["runs"] == 1 and cli["median_s"] > 0 and cli["peak_rss_mb"] > 50 and cli["embedding_floor_median_s"] > 0
    assert app["runs"] == 1 and app["median_s"] >= app["health_median_s"] > 0 and app["peak_rss_mb"] > 50
    assert app["elements_rendered"] > 3 and app["exceptions_rendered"] == 0  # the welcome page, not an error page

    rows = result["scale"]["rows"]
    assert [row["scale"] for row in rows] == [1, 3] and [row["files"] for row in rows] == [3, 9]
    assert 0 < rows[0]["chunks"] < rows[1]["chunks"]  # every copy adds its own reworded chunks
    for row in rows:
        assert row["retrieval_p50_ms"] > 0 and row["ask_p95_ms"] >= row["ask_p50_ms"] > 0
        assert row["build_peak_rss_mb"] > 50 and row["query_process_peak_rss_mb"] > 50
        assert row["build_over_embedding_floor"] >= 1  # a build costs at least its time inside the model
    report = format_report(result)
    assert "langchain_baseline" in report and "app to first render" in report and "    3x" in report
    assert "Facts in the model's context" in report and "project_chat_turn" in report


def test_bench_command_writes_json_and_a_results_file(cli_env, shared_data_dir):
    result = run(["bench", "--questions", "4", "--scales", "1", "--cold-runs", "1", "--json"], cli_env)
    assert result.returncode == 0, result.stderr.decode()[-1500:]
    data = json.loads(result.stdout)
    assert data["questions"] == 4 and data["quality_ratio_project_over_langchain"]["recall@5"] is not None
    assert data["scale"]["rows"][0]["chunks"] > 500  # one reworded copy of the real corpus
    assert list((shared_data_dir / "bench").glob("bench-*.json"))


def test_bench_rejects_bad_scales(cli_env):
    from test_cli import assert_clean_error

    assert_clean_error(run(["bench", "--scales", "1,x"], cli_env), "--scales")
    assert_clean_error(run(["bench", "--cold-runs", "0"], cli_env), "--cold-runs")
