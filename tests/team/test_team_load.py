"""The team benchmark, short: concurrent logged-in chat sessions through the front door with one replica and with
two, each answering turns with no errors (the figures themselves come from `coach bench --team`)."""

from __future__ import annotations

import pytest

from coach.bench.team import format_team_report, run_team_bench

pytestmark = pytest.mark.slow


def test_load_through_the_front_door_with_one_replica_and_with_two(team_stack):
    result = run_team_bench(team_stack, sessions=4, seconds=6, say=lambda line: None)
    try:
        for row in result["rows"]:
            assert row["errors"] == [], row["errors"]
            assert row["turns"] >= 4 and row["p50_ms"] and row["p95_ms"] >= row["p50_ms"]
        assert [row["replicas"] for row in result["rows"]] == [1, 2]
        assert "turns/s" in format_team_report(result)
        print("\n" + format_team_report(result))
    finally:
        team_stack.use_replicas(2)  # as the other tests expect it
