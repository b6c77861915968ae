"""The benchmark's report: the figures as a table for people, and as JSON kept under the data directory."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any


def format_report(result: dict[str, Any]) -> str:
    lines = [f"Retrieval quality on {result['questions']} labelled questions"]
    lines.append(f"  {'retriever':<20} {'recall@1':>9} {'recall@5':>9} {'MRR@10':>8}")
    for name, row in result["quality"].items():
        lines.append(f"  {name:<20} {row['recall@1']:>9.3f} {row['recall@5']:>9.3f} {row['mrr@10']:>8.3f}")
    ratios = result["quality_ratio_project_over_langchain"]
    lines.append("  project / langchain: " + ", ".join(f"{k} x{v}" for k, v in ratios.items()))

    facts = result["context_facts"]
    first = next(iter(facts.values()))
    lines.append(
        f"Facts in the model's context ({first['questions']} held-out questions, {first['facts']} must-have facts)"
    )
    for name, row in facts.items():
        lines.append(
            f"  {name:<28} facts found {row['fact_recall']:.3f}, questions with every fact {row['questions_complete']:.3f}"
        )

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
