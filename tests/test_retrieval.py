"""Retrieval over the real corpus, real model and real Chroma: the labelled questions find their sections."""

from __future__ import annotations

import pytest

from coach.evaluation import load_questions, score_retriever
from coach.resources import build_retriever
from coach.retrieval import MODES


@pytest.fixture(scope="module")
def scores(real_index):
    questions = load_questions()
    results = {}
    for mode in MODES:
        retriever = build_retriever(real_index, mode=mode)
        results[mode] = score_retriever(
            mode, lambda q, r=retriever: [(i.chunk.path, i.chunk.section) for i in r.retrieve(q, k=10)], questions
        )
    return results


def test_hybrid_meets_the_recall_bar_and_beats_dense(scores):
    hybrid, dense, bm25 = scores["hybrid"], scores["dense"], scores["bm25"]
    assert hybrid.recall_at_5 >= 0.90
    assert hybrid.recall_at_5 > dense.recall_at_5
    assert hybrid.mrr_at_10 > bm25.mrr_at_10


@pytest.mark.parametrize(
    "question, path, section",
    [
        ("How many years does it take to become a staff engineer?", "knowledge/levels/staff.md", None),
        ("What are the key differences between a lead and a staff engineer?",
         "knowledge/transitions/lead-vs-staff.md", "Key differences between a Lead and a Staff engineer"),
        ("What is glue work and how do I get credit for it?", "knowledge/leadership/glue-work.md", None),
        ("How should I write a promotion packet?", "knowledge/promotion/promotion-packet.md", None),
        ("What is the XYZ formula for impact statements?", "knowledge/brag/impact-statements.md", None),
        ("How do I quantify reliability work like fewer incidents?",
         "knowledge/brag/quantifying-infrastructure-work.md", None),
    ],
)  # fmt: skip
def test_expected_section_in_top_five(real_index, question, path, section):
    found = build_retriever(real_index).retrieve(question, k=5)
    assert any(item.chunk.path == path and (section is None or item.chunk.section == section) for item in found)


def test_level_boost_prefers_the_users_level(real_index):
    retriever = build_retriever(real_index)
    question = "What does good evidence look like for a promotion?"
    junior = retriever.retrieve(question, k=5, levels=("Junior", "Mid"))
    staff = retriever.retrieve(question, k=5, levels=("Staff", "Senior Staff"))
    assert [i.chunk.path for i in junior] != [i.chunk.path for i in staff]


def test_each_section_appears_once(real_index):
    found = build_retriever(real_index).retrieve("staff engineer", k=10)
    keys = [(item.chunk.path, item.chunk.section) for item in found]
    assert len(keys) == len(set(keys))


def test_empty_query_returns_nothing(real_index):
    assert build_retriever(real_index).retrieve("   ") == []
