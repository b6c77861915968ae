"""Retrieval over the real corpus, real model and real Chroma: the labelled questions find their sections."""

from __future__ import annotations

import pytest

from coach.bench.evaluation import QUESTION_SETS, RetrievalScores, load_questions, score_retriever
from coach.engine import build_retriever
from coach.retrieval.search import MODES, HybridRetriever, RetrievalConfig, is_supported


def score(retriever: HybridRetriever, question_set: str) -> RetrievalScores:
    return score_retriever(
        question_set,
        lambda q: [(i.chunk.path, i.chunk.section) for i in retriever.retrieve(q, k=10)],
        load_questions(QUESTION_SETS[question_set]),
    )


@pytest.fixture(scope="module")
def scores(real_index):
    return {mode: score(build_retriever(real_index, mode=mode), "labelled") for mode in MODES}


def test_hybrid_meets_the_recall_bar_and_beats_dense(scores):
    hybrid, dense, bm25 = scores["hybrid"], scores["dense"], scores["bm25"]
    # The target is 0.95 (`coach eval` measures 0.956); one question of slack for the approximate vector search.
    assert hybrid.recall_at_5 >= 0.94
    assert hybrid.recall_at_5 > dense.recall_at_5
    assert hybrid.mrr_at_10 > bm25.mrr_at_10


@pytest.mark.parametrize("question_set", ["labelled", "heldout"])
def test_sentence_vectors_find_more_sections(real_index, question_set):
    """Measured after the corpus edit that gave every section an opening that answers its heading: labelled
    recall@5 0.944 with sentence vectors against less without; held-out 0.931 either way (it was 0.882 / 0.853
    before the edit), so on the held-out set they must not lose ground."""
    with_sentences = score(build_retriever(real_index), question_set)
    sections_only = score(build_retriever(real_index, config=RetrievalConfig(sentence_weight=0.0)), question_set)
    if question_set == "labelled":
        assert with_sentences.recall_at_5 > sections_only.recall_at_5
    else:
        assert with_sentences.recall_at_5 >= sections_only.recall_at_5


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


OUT_OF_SCOPE = [
    "What's the best pizza topping in Naples?",
    "How do I reverse a linked list in Python?",
    "How do I file my taxes as a freelancer in Germany?",
    "How do I set up a Kubernetes ingress controller?",
    "Write me a poem about the sea",
    "How do I train my puppy to stop biting?",
]


def test_support_threshold_separates_career_questions_from_the_rest(real_index):
    retriever = build_retriever(real_index)
    for question_set in QUESTION_SETS.values():
        unsupported = [
            q.question for q in load_questions(question_set) if not is_supported(retriever.retrieve(q.question))
        ]
        assert unsupported == []
    assert not any(is_supported(retriever.retrieve(question)) for question in OUT_OF_SCOPE)
