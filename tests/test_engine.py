"""The offline coaching engine over the real index: grounded answers, comparisons, plans, brag, follow-ups."""

from __future__ import annotations

import re

import pytest

from coach.engine import InputError
from coach.knowledge.data import PROJECT_ROOT
from coach.records import Profile
from coach.skills.compare import compare_roles
from coach.skills.plans import PlanError, build_plan

SENIOR_CODING = Profile(level="Senior", focus="coding", track="ic")


def assert_citations_valid(sources):
    assert sources
    for source in sources:
        text = (PROJECT_ROOT / source.path).read_text()
        assert re.search(rf"^#+ {re.escape(source.section)}\s*$", text, re.MULTILINE), source
        assert " ".join(source.snippet.rstrip(" …").split())[:80] in " ".join(text.split())


def assert_markers_point_at_sources(answer: str, sources):
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", answer)}
    assert markers and markers <= set(range(1, len(sources) + 1))


def test_lead_vs_staff_comparison(engine):
    comparison = compare_roles(engine.ladder, engine.retriever, "Lead", "Staff")
    rows = {row["dimension"]: row for row in comparison.rows}
    assert set(rows) == {"Scope", "Focus", "Time horizon", "Typical years of experience", "What success looks like",
                         "How to get there"}  # fmt: skip
    assert "team" in rows["Scope"]["Lead"].lower() and "teams" in rows["Scope"]["Staff"].lower()
    assert rows["Typical years of experience"]["Lead"] == "5-8 years"
    assert rows["Typical years of experience"]["Staff"] == "8-12 years"
    summary = comparison.summary.lower()
    assert "execution" in summary and "strategy" in summary and "team-focused" in summary
    assert comparison.sources[0].path == "knowledge/transitions/lead-vs-staff.md"
    assert "| Dimension | Lead | Staff |" in comparison.markdown
    assert_citations_valid(comparison.sources)


def test_the_key_differences_are_about_the_two_roles_compared(engine):
    """'how is E5 different from E4?' was told how a Mid differs from a Junior: the section of the Mid guide that
    the document's levels matched, where the Mid-to-Senior section names both roles in its heading."""
    comparison = compare_roles(engine.ladder, engine.retriever, "Senior", "Mid")
    assert comparison.sources[0].section == "How to get promoted from Mid to Senior"
    assert "junior" not in comparison.summary.split("\n")[0].lower()


@pytest.mark.parametrize(
    "first, second",
    [("Senior", "Staff"), ("Staff", "Principal"), ("Lead", "Engineering Manager"), ("Junior", "Director")],
)
def test_any_two_roles_compare(engine, first, second):
    comparison = compare_roles(engine.ladder, engine.retriever, first, second)
    assert len(comparison.rows) == 6 and all(row[first] and row[second] for row in comparison.rows)
    assert comparison.sources
    assert_citations_valid(comparison.sources)


def test_chat_question_about_lead_and_staff_gives_the_table(engine):
    reply = engine.reply("How does a Lead engineer differ from a Staff engineer?", Profile())
    assert reply.intent == "compare" and reply.comparison is not None
    assert "| Dimension | Lead | Staff |" in reply.answer


def test_senior_to_staff_plan_for_a_coder(engine):
    assert build_plan(engine.ladder, engine.retriever, "Senior", "coding").target == "Lead"  # next on the track
    plan = build_plan(engine.ladder, engine.retriever, "Senior", "coding", "Staff")
    assert [h.name for h in plan.horizons] == ["First 30 days", "Days 31-60", "Days 61-90", "Next two quarters"]
    everything = " ".join(action for horizon in plan.horizons for action in horizon.actions).lower()
    assert "cross-team" in everything or "across teams" in everything
    assert "design doc" in everything and "brag" in everything and "manager" in everything
    assert plan.gaps[0].size >= plan.gaps[-1].size and plan.gaps[0].size > 0
    assert plan.evidence and all("(" in item for item in plan.evidence)
    assert_citations_valid(plan.sources)
    assert "# Plan: Senior to Staff (focus: coding)" in plan.markdown


def test_plans_differ_by_focus_and_level(engine):
    coding = build_plan(engine.ladder, engine.retriever, "Senior", "coding", "Staff")
    leading = build_plan(engine.ladder, engine.retriever, "Senior", "leading", "Staff")
    junior = build_plan(engine.ladder, engine.retriever, "Junior", "coding")
    assert coding.horizons != leading.horizons
    assert junior.target == "Mid" and junior.horizons != coding.horizons
    both = build_plan(engine.ladder, engine.retriever, "Senior", "both", "Staff")
    assert [horizon.name for horizon in both.horizons][:2] == ["First 30 days", "Days 31-60"]
    # Focus "both" mixes hands-on and leadership actions over the plan; "coding" has only hands-on ones.
    staff = engine.ladder.level("Staff")
    coding_actions = [a for cell in staff.competencies.values() for a in cell.coding_actions]
    leading_actions = [a for cell in staff.competencies.values() for a in cell.leading_actions]
    mixed = " ".join(action for horizon in both.horizons for action in horizon.actions)
    hands_on = " ".join(action for horizon in coding.horizons for action in horizon.actions)
    assert any(action in mixed for action in coding_actions) and any(action in mixed for action in leading_actions)
    assert any(action in hands_on for action in coding_actions)
    assert not any(action in hands_on for action in leading_actions)


def test_plan_refuses_a_target_below_the_level(engine):
    with pytest.raises(PlanError, match="not above Staff"):
        build_plan(engine.ladder, engine.retriever, "Staff", "coding", "Senior")
    with pytest.raises(PlanError, match="top of its track"):
        build_plan(engine.ladder, engine.retriever, "Distinguished", "coding")


def test_grounded_answer_cites_real_sections(engine):
    reply = engine.reply("What should go in a brag document?", SENIOR_CODING)
    assert reply.intent == "question"
    assert "brag" in reply.answer.lower()
    assert_citations_valid(reply.sources)
    assert_markers_point_at_sources(reply.answer, reply.sources)
    assert reply.follow_up is None


def test_answers_differ_for_junior_and_staff(engine):
    question = "How do I get better at design docs?"
    junior = engine.reply(question, Profile(level="Junior", focus="coding"))
    staff = engine.reply(question, Profile(level="Staff", focus="leading"))
    assert junior.answer != staff.answer
    assert "At Mid" in junior.answer and "At Senior Staff" in staff.answer


def test_general_question_is_answered_with_a_follow_up(engine):
    reply = engine.reply("What is a brag doc?", Profile())
    assert reply.sources and "Where are you now in your career" in reply.follow_up
    assert "coding, leading, or both" in reply.follow_up


def test_plan_without_a_profile_asks_first(engine):
    reply = engine.reply("make me a plan", Profile())
    assert reply.intent == "plan" and reply.plan is None
    assert reply.follow_up and "coding, leading, or both" in reply.follow_up


def test_profile_statement_then_plan(engine):
    profile = engine.reply("I'm an L5 at Google, mostly coding", Profile()).profile
    assert (profile.level, profile.focus) == ("Senior", "coding")
    reply = engine.reply("make me a plan", profile)
    assert reply.plan is not None and reply.plan.target == "Lead"


def test_out_of_scope_question_says_so(engine):
    reply = engine.reply("What's the best pizza topping in Naples?", SENIOR_CODING)
    # Declined in one line (the classifier knows it is off-topic), or, if asked like a career question, no guess.
    assert reply.sources == () and ("don't have guidance" in reply.answer or reply.intent == "other")
    assert reply.profile == SENIOR_CODING


def test_pasted_accomplishments_become_bullets(engine):
    reply = engine.reply("- worked on the billing migration\n- cut p95 latency from 800ms to 120ms", SENIOR_CODING)
    assert reply.intent == "brag" and len(reply.entries) == 2
    assert reply.entries[1].bullet.startswith("Cut p95 latency from 800ms to 120ms")


@pytest.mark.parametrize("message", ["", "   \n\t ", "\x00\x01"])
def test_empty_messages_are_refused_clearly(engine, message):
    with pytest.raises(InputError, match="empty"):
        engine.reply(message, Profile())


def test_huge_message_is_refused_clearly(engine):
    with pytest.raises(InputError, match="limit is 20,000"):
        engine.reply("x" * 1_000_000, Profile())


def test_contract_shape(engine):
    data = engine.reply("How do promotions work?", SENIOR_CODING).contract()
    assert set(data) == {"answer", "intent", "sources", "profile", "follow_up", "notice"}
    assert set(data["profile"]) == {"level", "focus", "target"}
    assert set(data["sources"][0]) == {"path", "title", "section", "snippet", "score"}


def test_a_plan_in_the_chat_reads_as_a_reply(engine):
    """One plain sentence, then the plan without page-size headings (the download keeps the document's)."""
    reply = engine.reply("make me a plan", SENIOR_CODING)
    assert reply.intent == "plan" and reply.answer.startswith("Here is a plan from Senior to")
    assert not [line for line in reply.answer.splitlines() if line.startswith("#")]
    assert reply.plan is not None and reply.plan.markdown.startswith("# Plan: Senior to")
