"""Offline answers composed from one section: its direct answer first, its steps, the ladder for this person, then
related sections; no sentence twice, nothing cut from its context, the right level's material."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from coach.knowledge.data import KNOWLEDGE_DIR, PROJECT_ROOT
from coach.records import Profile
from coach.skills.answers import compose_answer, opening
from coach.text import sentences

SENIOR_CODING = Profile(level="Senior", focus="coding", track="ic")

# Questions in people's words, each with a profile; every answer must hold the bar below.
QUESTIONS = [
    ("how do i get from senior to staff?", SENIOR_CODING),
    ("what is a brag document", Profile()),
    ("how long does promotion to staff usually take", SENIOR_CODING),
    ("what do staff engineers do all day", Profile(level="Lead", focus="both")),
    ("how do i handle a technical disagreement with another team", Profile(level="Mid")),
    ("what should a new engineering manager avoid", Profile(level="Engineering Manager", focus="leading")),
    ("how do i write a good design doc", Profile(level="Junior", focus="coding")),
    ("what are dora metrics", Profile()),
]


def prose_sentences(markdown: str) -> list[str]:
    """The sentences of an answer, without citation markers, list markers and emphasis."""
    text = re.sub(r"\[\d+\]", "", markdown)
    text = re.sub(r"^\s*-\s+", "", text, flags=re.MULTILINE).replace("*", "")
    return [" ".join(sentence.split()) for sentence in sentences(text) if len(sentence.split()) >= 4]


@pytest.mark.slow
@pytest.mark.parametrize("question, profile", QUESTIONS)
def test_an_answer_leads_with_one_section_in_its_own_words(engine, question, profile):
    retrieved = engine.retriever.retrieve(question, k=5, levels=(profile.level or "", profile.target or ""))
    composed = compose_answer(question, profile, retrieved, engine.ladder)
    lead = composed.markdown.split("\n\n")[0]
    assert lead.endswith("[1]") and len(lead.split()) >= 8, lead
    first = composed.sources[0]
    section = next(
        item.chunk for item in retrieved if (item.chunk.path, item.chunk.section) == (first.path, first.section)
    )
    # The lead is the section's own opening, whole sentences in the section's order.
    assert lead.removesuffix("[1]").strip() == opening(section.text)
    assert not lead.removesuffix("[1]").strip().endswith(":")
    said = prose_sentences(composed.markdown)
    assert len(said) == len(set(said)), [s for s in said if said.count(s) > 1]
    # One to three related sections, each with its gist, and citations that all point at a source.
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", composed.markdown)}
    assert markers == set(range(1, len(composed.sources) + 1))
    assert 1 <= len(composed.sources) <= 4


@pytest.mark.slow
def test_every_sentence_of_an_answer_comes_from_a_cited_section_or_the_ladder(engine):
    question, profile = QUESTIONS[0]
    retrieved = engine.retriever.retrieve(question, k=5, levels=("Senior", ""))
    composed = compose_answer(question, profile, retrieved, engine.ladder)
    cited = " ".join(" ".join((PROJECT_ROOT / source.path).read_text().split()) for source in composed.sources)
    ladder = " ".join((KNOWLEDGE_DIR / "ladder.yaml").read_text().split())
    for part in composed.markdown.split("\n"):
        text = re.sub(r"\[\d+\]|^\s*-\s+|\*\*[^*]+\*\*|^Try: |^Signal that you are there: ", "", part).strip()
        text = re.sub(r"^At [A-Za-z ]+, \*[^*]+\* means: ", "", text)
        text = re.sub(r"^\*[^*]+\* \([^)]+\): ", "", text).replace("*", "").strip()
        if text:
            assert text.rstrip(".") in cited or text.rstrip(".") in ladder, text


@pytest.mark.slow
def test_a_senior_asking_about_staff_gets_the_senior_to_staff_material(engine):
    reply = engine.reply("how do i get to staff?", SENIOR_CODING)
    first = reply.sources[0]
    chunk = next(c for c in engine.index.chunks if (c.path, c.section) == (first.path, first.section))
    assert "Staff" in chunk.section_levels and "Senior Staff" not in chunk.section_levels
    assert not re.search(r"Senior Staff|Principal", reply.answer.split("\n\n")[0])


def test_asking_whether_something_is_a_mistake_is_answered_with_the_mistakes(engine):
    """'Bad move?' asks what goes wrong: the section of traps answers it, with its list."""
    em = Profile(level="Engineering Manager")
    reply = engine.reply("just became an EM and i still grab the hardest tickets myself. bad idea?", em)
    assert "trap" in reply.sources[0].section.lower() or "mistake" in reply.sources[0].section.lower()
    assert reply.answer.count("\n- ") >= 3


def test_section_levels_are_exact(ladder):
    from coach.knowledge.corpus import chunk_document, parse_document

    body = (
        "---\ntitle: Levels\nlevels: [Senior, Staff, Senior Staff, Principal]\n---\n# Levels\n\n"
        "## The step from Senior Staff to Principal\nText.\n\n## Practical steps toward Staff\nText.\n\n"
        "## Why feedback matters\nText.\n"
    )
    chunks = {chunk.section: chunk.section_levels for chunk in chunk_document(parse_document(body, "x.md"), ladder)}
    assert chunks["The step from Senior Staff to Principal"] == ("Senior Staff", "Principal")
    assert chunks["Practical steps toward Staff"] == ("Staff",)
    assert chunks["Why feedback matters"] == ()  # a guide for four levels is about none in particular


@pytest.fixture(scope="module")
def company_index(embeddings, tmp_path_factory):
    """A company's ladder (one heading per level and competency) beside three of the guides, in a real index."""
    from coach.retrieval.index import open_index

    root = tmp_path_factory.mktemp("company")
    sample = root / "knowledge"
    for name in ("junior.md", "mid.md", "senior.md"):
        (sample / "levels").mkdir(parents=True, exist_ok=True)
        shutil.copy(KNOWLEDGE_DIR / "levels" / name, sample / "levels" / name)
    ladder_dir = Path(__file__).parent.parent / "data" / "lumen-ladder"
    index, _ = open_index(root / "index", (sample, ladder_dir), embeddings)
    return index


@pytest.mark.slow
@pytest.mark.parametrize(
    "question, section",
    [
        ("what does an Engineer II need to show in Delivery?", "Engineer II: Delivery"),
        ("as an engineer i, what counts for collaboration?", "Engineer I: Collaboration"),
        ("what craft is expected of a senior engineer at lumen?", "Senior Engineer: Craft"),
    ],
)
def test_a_company_ladder_answers_from_the_level_and_competency_asked(company_index, question, section):
    from coach.engine import build_coach

    reply = build_coach(company_index).reply(question, Profile())
    assert (reply.sources[0].path, reply.sources[0].section) == ("lumen-ladder/engineering-ladder.md", section)
    assert f"{section.split(':')[0]} at Lumen Labs" in reply.answer.split("\n\n")[0]
