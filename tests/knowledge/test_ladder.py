"""The ladder data: complete, consistent, and the alias map points only at real levels."""

from __future__ import annotations

import copy
import itertools

import pytest
import yaml

from coach.knowledge.data import KNOWLEDGE_DIR
from coach.knowledge.ladder import LadderError, parse_ladder

CANONICAL_IC = ["Intern", "Junior", "Mid", "Senior", "Lead", "Staff", "Senior Staff", "Principal", "Distinguished"]
CANONICAL_MANAGER = ["Engineering Manager", "Senior Engineering Manager", "Director"]
REQUIRED_COMPETENCIES = {
    "Technical skill",
    "Delivery",
    "Scope and impact",
    "Direction and strategy",
    "Influence and collaboration",
    "Mentorship and talent",
    "Communication",
}


@pytest.fixture(scope="module")
def raw():
    ladder_data = yaml.safe_load((KNOWLEDGE_DIR / "ladder.yaml").read_text())
    alias_data = yaml.safe_load((KNOWLEDGE_DIR / "aliases.yaml").read_text())
    return ladder_data, alias_data


def test_levels_are_the_canonical_ones_in_order(ladder):
    assert [level.name for level in ladder.track_levels("ic")] == CANONICAL_IC
    assert [level.name for level in ladder.track_levels("manager")] == CANONICAL_MANAGER


def test_every_level_has_every_competency_with_content(ladder):
    assert set(ladder.competency_names()) >= REQUIRED_COMPETENCIES
    for level in ladder.levels:
        assert set(level.competencies) == set(ladder.competency_names()), level.name
        for name, cell in level.competencies.items():
            assert cell.expectation and cell.signals and cell.evidence, (level.name, name)
            assert cell.coding_actions and cell.leading_actions, (level.name, name)
            assert set(cell.coding_actions).isdisjoint(cell.leading_actions), (level.name, name)


def test_bars_never_fall_along_a_track(ladder):
    for track in ("ic", "manager"):
        levels = ladder.track_levels(track)
        for lower, higher in itertools.pairwise(levels):
            for name in ladder.competency_names():
                assert higher.competencies[name].bar >= lower.competencies[name].bar, (lower.name, higher.name, name)


def test_typical_years_match_the_original_note(ladder):
    assert ladder.level("Lead").typical_years == "5-8"
    assert ladder.level("Staff").typical_years == "8-12"
    assert ladder.level("Distinguished").typical_years == "15+"


def test_next_level_follows_the_track(ladder):
    assert ladder.next_level("Senior").name == "Lead"
    assert ladder.next_level("Lead").name == "Staff"
    assert ladder.next_level("Engineering Manager").name == "Senior Engineering Manager"
    assert ladder.next_level("Distinguished") is None


def test_every_alias_maps_to_a_known_level(ladder):
    known = set(ladder.level_names)
    assert set(ladder.titles.values()) <= known
    for company in ladder.companies:
        assert set(company.levels.values()) <= known, company.company
    google = next(company for company in ladder.companies if company.company == "Google")
    assert [google.levels[f"L{n}"] for n in range(3, 9)] == [
        "Junior", "Mid", "Senior", "Staff", "Senior Staff", "Principal",
    ]  # fmt: skip


def test_missing_competency_is_rejected_with_the_level_named(raw):
    ladder_data, alias_data = copy.deepcopy(raw)
    del ladder_data["levels"][3]["competencies"]["Delivery"]
    with pytest.raises(LadderError, match="level Senior: missing competencies Delivery"):
        parse_ladder(ladder_data, alias_data)


def test_alias_to_unknown_level_is_rejected(raw):
    ladder_data, alias_data = copy.deepcopy(raw)
    alias_data["companies"][0]["levels"]["L10"] = "Grand Wizard"
    with pytest.raises(LadderError, match="unknown levels Grand Wizard"):
        parse_ladder(ladder_data, alias_data)


@pytest.mark.parametrize(
    "text, spelled",
    [
        ("im a senoir eng, trying to get to staf", "im a senior eng, trying to get to staff"),
        ("junoir dev", "junior dev"),
        ("a principle engineer", "a principle engineer"),  # English words stay as they are
        ("my manger and the stats team", "my manger and the stats team"),
        ("kafka and priya", "kafka and priya"),  # names near no title word
    ],
)
def test_misspelt_title_words_are_put_right_and_nothing_else(ladder, text, spelled):
    assert ladder.spelled(text) == spelled
