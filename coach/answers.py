"""Grounded answers without an LLM: sentences and steps taken from retrieved sections, each cited, tailored by level.

Every statement in an offline answer is either a sentence of a cited corpus section or a cell of the ladder data; the
composer selects and orders, it never writes advice of its own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from coach.corpus import LIST_ITEM, SENTENCE_BREAK
from coach.ladder import Ladder, Level
from coach.profile import Profile
from coach.retrieval import Retrieved

SNIPPET_CHARS = 1500  # a whole chunk: the snippet is also what a configured model reads
# Below this the best dense match is off-topic: measured with sentence vectors, 20 out-of-scope questions reach
# 0.27 at most, and all 192 labelled and held-out questions at least 0.34.
MIN_SIMILARITY = 0.32
RELATIVE_CUTOFF = 0.75  # sections scoring below this share of the best one are not used
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "if",
        "of",
        "to",
        "in",
        "on",
        "for",
        "with",
        "at",
        "by",
        "from",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "do",
        "does",
        "did",
        "i",
        "me",
        "my",
        "we",
        "our",
        "you",
        "your",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "what",
        "how",
        "why",
        "when",
        "where",
        "which",
        "who",
        "can",
        "could",
        "should",
        "would",
        "will",
        "about",
        "into",
        "than",
        "then",
        "so",
        "not",
        "no",
        "yes",
        "get",
        "got",
        "have",
        "has",
        "had",
        "more",
        "most",
        "very",
        "just",
        "also",
        "there",
        "their",
        "they",
        "them",
        "he",
        "she",
        "his",
        "her",
        "up",
        "out",
        "over",
        "under",
        "again",
        "any",
        "some",
        "such",
        "only",
        "own",
        "same",
        "too",
        "s",
        "t",
        "don",
        "doesn",
        "isn",
        "aren",
        "wasn",
        "weren",
        "im",
        "ive",
    ]
)
CAUTION = re.compile(r"\b(?:mistakes?|traps?|pitfalls?|misconceptions?|anti-?patterns?|wrong|avoid)\b", re.IGNORECASE)
FOLLOW_UP_BOTH = (
    "Where are you now in your career (e.g., Junior, Senior, Lead, Staff, or a manager level)? "
    "What's your current focus: coding, leading, or both?"
)
FOLLOW_UP_LEVEL = "Where are you now in your career (e.g., Junior, Senior, Lead, Staff, or a manager level)?"
FOLLOW_UP_FOCUS = "What's your current focus: coding, leading, or both?"


@dataclass(frozen=True)
class Source:
    path: str
    title: str
    section: str
    snippet: str
    score: float

    def as_dict(self) -> dict[str, str | float]:
        return asdict(self)


@dataclass(frozen=True)
class Composed:
    markdown: str
    sources: tuple[Source, ...]
    supported: bool


def follow_up_for(profile: Profile) -> str | None:
    if profile.level is None and profile.focus is None:
        return FOLLOW_UP_BOTH
    if profile.level is None:
        return FOLLOW_UP_LEVEL
    if profile.focus is None:
        return FOLLOW_UP_FOCUS
    return None


def terms(text: str) -> set[str]:
    """Content words, crudely stemmed, for overlap scoring."""
    words = re.findall(r"[a-z0-9]+", text.lower())
    return {_stem(word) for word in words if word not in STOPWORDS and len(word) > 1}


def _stem(word: str) -> str:
    for suffix in ("ing", "ers", "ies", "ed", "es", "er", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def to_source(item: Retrieved) -> Source:
    text = item.chunk.text
    snippet = text if len(text) <= SNIPPET_CHARS else text[:SNIPPET_CHARS].rsplit(" ", 1)[0] + " …"
    return Source(item.chunk.path, item.chunk.title, item.chunk.section, snippet, round(item.score, 6))


def is_supported(retrieved: Sequence[Retrieved]) -> bool:
    """Whether the corpus has anything on the question: a close enough dense match, or keyword and dense agree."""
    if not retrieved:
        return False
    best = max((item.similarity or 0.0) for item in retrieved)
    return best >= MIN_SIMILARITY


def relevant(retrieved: Sequence[Retrieved], limit: int = 4) -> list[Retrieved]:
    if not retrieved:
        return []
    top = retrieved[0].score
    return [item for item in retrieved if item.score >= top * RELATIVE_CUTOFF][:limit]


def _sentences(text: str) -> list[str]:
    """Whole sentences of the prose lines; list items and the lines that introduce a list are left out."""
    sentences = []
    for line in text.splitlines():
        if LIST_ITEM.match(line) or line.rstrip().endswith(":"):
            continue
        for part in SENTENCE_BREAK.split(" ".join(line.split())):
            if len(part.split()) >= 6 and not part.rstrip().endswith(":"):
                sentences.append(part.strip())
    return sentences


@dataclass(frozen=True)
class ListBlock:
    intro: str  # the sentence that introduces the list ("Practical steps:"), or ""
    items: tuple[str, ...]


def list_blocks(text: str) -> list[ListBlock]:
    """The lists of a section, each with the line that introduces it, so items keep their meaning."""
    blocks: list[ListBlock] = []
    intro, items = "", []
    for line in [*text.splitlines(), ""]:
        marker = LIST_ITEM.match(line)
        if marker and line[marker.end() :].strip():
            items.append(line[marker.end() :].strip())
            continue
        if items:
            blocks.append(ListBlock(intro, tuple(items)))
            intro, items = "", []
        if line.strip():
            intro = line.strip() if line.rstrip().endswith(":") else ""
    return blocks


def list_items(text: str) -> list[str]:
    """Every list item of a section with at least four words (short fragments say too little alone)."""
    return [item for block in list_blocks(text) for item in block.items if len(item.split()) >= 4]


def _level_words(profile: Profile) -> set[str]:
    words: set[str] = set()
    for name in (profile.level, profile.target):
        if name:
            words |= terms(name)
    return words


def _rank_text(
    candidates: list[tuple[str, int]], query_terms: set[str], bonus_terms: set[str]
) -> list[tuple[str, int]]:
    """Order (text, source index) by overlap with the question, then by the rank of the section it came from."""

    def score(candidate: tuple[str, int]) -> float:
        text, position = candidate
        words = terms(text)
        overlap = len(words & query_terms) / (1 + len(query_terms)) + 0.35 * bool(words & bonus_terms)
        return overlap - 0.08 * position

    return sorted(candidates, key=score, reverse=True)


def _matching_competency(ladder: Ladder, question_terms: set[str]) -> str:
    def overlap(index: int) -> tuple[int, int]:
        competency = ladder.competencies[index]
        words = terms(" ".join([competency.name, competency.description, *competency.keywords]))
        return len(words & question_terms), -index

    return ladder.competencies[max(range(len(ladder.competencies)), key=overlap)].name


def tailoring(ladder: Ladder, profile: Profile, question: str) -> list[str]:
    """Lines from the ladder for this person: what their next level expects on the topic, and how to practise it."""
    current = ladder.find(profile.level)
    if current is None:
        return []
    goal: Level = ladder.find(profile.target) or ladder.next_level(current.name) or current
    competency = _matching_competency(ladder, terms(question))
    expectation = goal.competencies[competency]
    lines = [f"At {goal.name}, *{competency}* means: {expectation.expectation}"]
    focus = profile.focus or "both"
    actions = {
        "coding": expectation.coding_actions,
        "leading": expectation.leading_actions,
        "both": (expectation.coding_actions[0], expectation.leading_actions[0]),
    }[focus]
    lines.extend(f"Try: {action}" for action in actions[:2])
    lines.append(f"Signal that you are there: {expectation.signals[0]}")
    return lines


def compose_answer(question: str, profile: Profile, retrieved: Sequence[Retrieved], ladder: Ladder) -> Composed:
    """A coach's answer from retrieved sections: the direct answer, steps, then what it means at the user's level."""
    if not is_supported(retrieved):
        return Composed(
            "I don't have guidance on that in my library, so I won't guess. I can help with career levels and how "
            "to reach the next one, comparing roles (for example Lead vs Staff), promotion packets and calibration, "
            "brag-doc wording, and craft topics such as design docs, mentoring, incidents and handling ambiguity. "
            "Try asking one of those, or rephrase your question with those words.",
            (),
            False,
        )
    used = relevant(retrieved)
    query_terms = terms(question)
    bonus = _level_words(profile)

    sentence_pool = [(sentence, index) for index, item in enumerate(used) for sentence in _sentences(item.chunk.text)]
    direct: list[tuple[str, int]] = []
    for candidate in [*(_rank_text([c for c in sentence_pool if c[1] == 0], query_terms, bonus)[:1]),
                      *_rank_text(sentence_pool, query_terms, bonus)]:  # fmt: skip
        if candidate not in direct:
            direct.append(candidate)
        if len(direct) == 3:
            break

    blocks = sorted(
        ((block, index) for index, item in enumerate(used) for block in list_blocks(item.chunk.text)),
        key=lambda pair: len(terms(" ".join([pair[0].intro, *pair[0].items])) & query_terms) - 0.5 * pair[1],
        reverse=True,
    )
    # Lists under "common mistakes" are things to avoid, not steps to take.
    steps = [pair for pair in blocks if not CAUTION.search(used[pair[1]].chunk.section)][:2]
    warnings = [pair for pair in blocks if CAUTION.search(used[pair[1]].chunk.section)][:1]

    cited: list[int] = []

    def cite(index: int) -> str:
        if index not in cited:
            cited.append(index)
        return f"[{cited.index(index) + 1}]"

    parts = ["**In short:** " + " ".join(f"{sentence} {cite(index)}" for sentence, index in direct)]
    for heading, chosen in (("In practice", steps), ("Watch out for", warnings)):
        if chosen:
            rendered = [f"**{heading}**"]
            for block, index in chosen:
                if block.intro:
                    rendered.append(f"{block.intro} {cite(index)}")
                rendered += [f"- {text}" + ("" if block.intro else f" {cite(index)}") for text in block.items[:5]]
            parts.append("\n".join(rendered))
    tailored = tailoring(ladder, profile, question)
    if tailored:
        who = f"{profile.level}" + (f", focus {profile.focus}" if profile.focus else "")
        parts.append(f"**For you ({who}), from the career ladder**\n" + "\n".join(f"- {line}" for line in tailored))
    # Sections that ranked well but gave no sentence are still listed: they are where to read more.
    for index in range(len(used)):
        cite(index)
    sources = tuple(to_source(used[index]) for index in cited)
    return Composed("\n\n".join(parts), sources, True)
