"""The corpus: enough real guidance, well-formed front matter, the original note covered, and citable sections."""

from __future__ import annotations

import re

import pytest

from coach.bench.evaluation import QUESTION_SETS, load_questions
from coach.knowledge.corpus import CorpusError, chunk_document, load_corpus, parse_document
from coach.knowledge.data import KNOWLEDGE_DIR, PROJECT_ROOT


@pytest.fixture(scope="module")
def documents():
    documents, problems = load_corpus([KNOWLEDGE_DIR])
    assert problems == []
    return documents


def words(text: str) -> int:
    return len(re.findall(r"\b[\w'-]+\b", text))


def test_corpus_size(documents):
    assert len(documents) >= 35
    assert sum(words(document.body) for document in documents) >= 35_000


def test_front_matter_is_complete_and_uses_canonical_values(documents, ladder):
    for document in documents:
        assert document.title and document.topics and document.sources, document.path
        assert document.levels and set(document.levels) <= set(ladder.level_names), document.path
        assert document.tracks and set(document.tracks) <= {"ic", "manager"}, document.path


def test_every_level_has_its_own_document(documents, ladder):
    titles = {level: [d for d in documents if d.path.startswith("knowledge/levels/")] for level in ladder.level_names}
    for level in ladder.level_names:
        slug = level.lower().replace(" ", "-")
        assert (KNOWLEDGE_DIR / "levels" / f"{slug}.md").is_file(), level
        assert titles[level]


def test_the_original_lead_vs_staff_note_is_covered():
    text = (KNOWLEDGE_DIR / "transitions" / "lead-vs-staff.md").read_text().lower().replace("–", "-")
    facts = [
        "5-8 years", "8-12 years", "team captain", "technical architect", "team-focused", "execution-oriented",
        "(org|organisation|organization)-focused", "strategy-oriented", "without (formal )?authority", "multiplier",
        "brag doc", "mentor", "proof of concept", "design doc", "all-hands", "sprint", "process improvement",
        "ambiguity", "what would make me a strong candidate", "shadow", "stepping stones? toward(s)? a principal",
        "people-management", "incident|outage", "business", "vouch", "quantif", "standard|shared|common api",
        "resolve conflicts with data", "advocate for yourself", "company size",
    ]  # fmt: skip
    for fact in facts:
        assert re.search(fact, text), fact


def test_chunks_keep_sections_and_metadata():
    document = parse_document(
        "---\ntitle: Test doc\nlevels: [Senior, Staff]\ntracks: [ic]\ntopics: [t]\nsources: [s]\n---\n"
        "# Test doc\nIntro text here.\n\n## First section\nAlpha beta gamma.\n\n### Deeper part\nDelta.\n\n"
        "## Second section\n- a list item\n",
        "knowledge/test.md",
    )
    chunks = chunk_document(document)
    assert [chunk.section for chunk in chunks] == ["Test doc", "First section", "Deeper part", "Second section"]
    assert chunks[2].headings == ("Test doc", "First section", "Deeper part")
    assert all(chunk.levels == ("Senior", "Staff") and chunk.tracks == ("ic",) for chunk in chunks)
    assert "Delta." in chunks[2].text and "First section" in chunks[2].search_text
    assert len({chunk.id for chunk in chunks}) == 4
    assert [c.id for c in chunk_document(document)] == [c.id for c in chunks]  # stable across runs


def test_long_sections_are_split_with_a_size_cap():
    body = "## Long\n" + " ".join(f"Sentence number {n} about careers." for n in range(400))
    chunks = chunk_document(parse_document(body, "knowledge/long.md"))
    assert len(chunks) > 1 and all(len(chunk.text) <= 1500 for chunk in chunks)
    assert {chunk.section for chunk in chunks} == {"Long"}


@pytest.mark.parametrize(
    "text, message",
    [
        ("---\ntitle: [unclosed\n---\n# X\n", "not valid YAML"),
        ("---\n- a\n- b\n---\n# X\n", "must be key: value pairs"),
        ("---\ntitle: X\n# never closed\n", "no closing '---'"),
    ],
)
def test_broken_front_matter_gets_a_clear_message(text, message):
    with pytest.raises(CorpusError, match=message):
        parse_document(text, "knowledge/broken.md")


def test_a_broken_file_is_skipped_not_fatal(tmp_path):
    (tmp_path / "good.md").write_text("---\ntitle: Good\n---\n## Fine\nText.\n")
    (tmp_path / "bad.md").write_text("---\ntitle: [oops\n---\n## Bad\n")
    (tmp_path / "binary.md").write_bytes(b"\xff\xfe\x00garbage")
    documents, problems = load_corpus([tmp_path])
    assert [document.title for document in documents] == ["Good"]
    assert len(problems) == 2 and any("not valid YAML" in p for p in problems) and any("UTF-8" in p for p in problems)


def test_sentences_are_embedded_with_their_heading():
    chunks = chunk_document(
        parse_document(
            "## Saying no\nYou can decline. Offer a rotation instead!\n\n- Time-box it: two weeks, then hand over.\n"
            "- ok\n\n## Short\nOne sentence only.\n",
            "knowledge/no.md",
        )
    )
    assert chunks[0].sentence_texts == (
        "Saying no: You can decline.",
        "Saying no: Offer a rotation instead!",
        "Saying no: Time-box it: two weeks, then hand over.",
    )  # "ok" is too short to stand alone
    assert chunks[1].sentence_texts == ()  # one sentence: the section's own vector is as focused


@pytest.mark.parametrize("question_set", sorted(QUESTION_SETS))
def test_labelled_questions_point_at_real_sections(question_set):
    questions = load_questions(QUESTION_SETS[question_set])
    assert len(questions) >= 60
    for item in questions:
        for path, section in item.answers:
            text = (PROJECT_ROOT / path).read_text()
            assert re.search(rf"^#+ {re.escape(section)}\s*$", text, re.MULTILINE), (path, section)


# -- the corpus as an answer reads it: each section opens with its answer, and says what no other section says -------

POINTING = re.compile(r"^(?:This|It|These|Those|That|They|Here|Such)\b")


def _sections():
    from coach.knowledge.corpus import chunk_corpus

    documents, _ = load_corpus([KNOWLEDGE_DIR])
    sections: dict[tuple[str, str], list[str]] = {}
    for chunk in chunk_corpus(documents):
        sections.setdefault((chunk.path, chunk.section), []).append(chunk.text)
    return sections


def test_every_section_opens_with_a_sentence_that_answers_its_heading():
    """The offline answer leads with a section's opening, so it must stand alone: a whole sentence that shares words
    with its heading, does not introduce a list and points at nothing before it."""
    from coach.skills.answers import opening
    from coach.text import sentences, terms

    problems = []
    for (path, section), texts in _sections().items():
        first = sentences(opening(texts[0]))[:1]
        if not first:
            problems.append((path, section, "no opening"))
            continue
        sentence = first[0]
        if sentence.endswith(":") or len(sentence.split()) < 8 or POINTING.match(sentence):
            problems.append((path, section, sentence))
        elif not terms(section) & terms(sentence):
            problems.append((path, section, f"says nothing of its heading: {sentence}"))
    assert not problems, problems


@pytest.mark.slow
def test_no_two_sections_say_the_same_thing(embeddings, ladder):
    """Near-duplicate sentences across sections, by the embedding model: a pair closer than 0.9 that names the same
    levels and the same numbers is the same statement twice (list introductions such as "A typical week for a Staff
    engineer might include:" are a shared form, not a shared statement)."""
    import numpy as np

    from coach.text import sentences

    found = [
        (key, sentence)
        for key, texts in _sections().items()
        for text in texts
        for line in text.splitlines()
        for sentence in sentences(line.strip(" -*"))
        if len(sentence.split()) >= 8 and not sentence.endswith(":")
    ]
    vectors = np.array(embeddings.embed_documents([sentence for _, sentence in found]))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    similar = np.argwhere(np.triu(vectors @ vectors.T, k=1) >= 0.9)

    def signature(sentence: str) -> tuple[set[str], list[str]]:
        return {m.level for m in ladder.mentions(sentence.lower())}, sorted(re.findall(r"\d+", sentence))

    duplicates = [
        (found[i], found[j])
        for i, j in similar
        if found[i][0] != found[j][0] and signature(found[i][1]) == signature(found[j][1])
    ]
    assert not duplicates, duplicates
