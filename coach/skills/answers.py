"""Grounded answers without an LLM: sentences and steps taken from retrieved sections, each cited, tailored by level.

Every statement in an offline answer is either a sentence of a cited corpus section or a cell of the ladder data; the
composer selects and orders, it never writes advice of its own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from coach.knowledge.ladder import Ladder, Level
from coach.records import Profile, Source
from coach.retrieval.search import Retrieved, is_supported, relevant, to_source
from coach.text import LIST_ITEM, list_blocks, sentences, terms

CAUTION = re.compile(r"\b(?:mistakes?|traps?|pitfalls?|misconceptions?|anti-?patterns?|wrong|avoid)\b", re.IGNORECASE)
FOLLOW_UP_BOTH = (
    "Where are you now in your career (e.g., Junior, Senior, Lead, Staff, or a manager level)? "
    "What's your current focus: coding, leading, or both?"
)
FOLLOW_UP_LEVEL = "Where are you now in your career (e.g., Junior, Senior, Lead, Staff, or a manager level)?"
FOLLOW_UP_FOCUS = "What's your current focus: coding, leading, or both?"


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


def _sentences(text: str) -> list[str]:
    """Whole sentences of the prose lines; list items and the lines that introduce a list are left out."""
    prose = "\n".join(
        line for line in text.splitlines() if not LIST_ITEM.match(line) and not line.rstrip().endswith(":")
    )
    return [sentence for sentence in sentences(prose) if len(sentence.split()) >= 6 and not sentence.endswith(":")]


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
