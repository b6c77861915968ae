"""What the app shows besides answers: the welcome, the quick picks, and records turned into table and chart rows."""

from __future__ import annotations

from coach.knowledge.ladder import Ladder
from coach.records import Plan
from coach.skills.answers import FOLLOW_UP_BOTH

WELCOME = (
    "Hi, I'm your career coach. I can answer questions from our career guides (with sources), compare roles, "
    "build a plan toward your next level, and turn your accomplishments into brag-doc bullets.\n\n" + FOLLOW_UP_BOTH
)
QUICK_LEVELS = ("Junior", "Mid", "Senior", "Lead", "Staff", "Engineering Manager")
QUICK_FOCUS = ("coding", "leading", "both")
NOT_SET = "(not set)"


def gap_chart_rows(plan: Plan) -> list[dict[str, str | int]]:
    """Long-form rows (competency, level, bar) for a grouped bar chart of current vs target."""
    rows: list[dict[str, str | int]] = []
    for gap in plan.gaps:
        rows.append({"competency": gap.competency, "level": plan.level, "bar": gap.current})
        rows.append({"competency": gap.competency, "level": plan.target, "bar": gap.target})
    return rows


def level_table_rows(ladder: Ladder, level_name: str) -> list[dict[str, str]]:
    """One row per competency of a level: expectation, signals and example evidence."""
    level = ladder.level(level_name)
    return [
        {
            "Competency": name,
            "Expectation": cell.expectation,
            "Signals": "; ".join(cell.signals),
            "Example evidence": "; ".join(cell.evidence),
        }
        for name, cell in level.competencies.items()
    ]


def choice(value: str | None, options: list[str]) -> int:
    """The select box index of a stored value, or of '(not set)'."""
    return options.index(value) if value in options else 0


def chosen(value: str) -> str | None:
    return None if value == NOT_SET else value
