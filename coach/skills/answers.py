"""Grounded answers without an LLM: one section's direct answer and steps, tailored by the ladder, with related
sections.

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
from coach.skills.plans import competency_gaps
from coach.text import list_blocks, list_item, sentences, terms

MAX_STEPS = 6
MAX_RELATED = 3
SAME_WORDS = 0.6
RELATED_CUTOFF = 0.5
RELATED_GAP = 0.12  # a related section is about as close in meaning to the question as the answering one  # a related section scores at least half the best one's fused score
# Words of a section about what goes wrong, and of a question that asks whether something does ("Bad move?").
CAUTION = re.compile(
    r"\b(?:mistakes?|traps?|pitfalls?|misconceptions?|anti-?patterns?|wrong|avoid|bad (?:move|idea|habit|sign)|"
    r"red flags?|(?:is|was) (?:that|this|it) (?:bad|a problem))\b",
    re.IGNORECASE,
)
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


def opening(text: str) -> str:
    """A section's direct answer in its own words: the sentences of its first paragraph (at most three), or when it
    opens with a list, the list's introduction and first item."""
    paragraph: list[str] = []
    for line in text.splitlines():
        if not line.strip():
            if paragraph:
                break
            continue
        item = list_item(line)
        if item is not None:
            if not paragraph:
                paragraph.append(item)
            break
        paragraph.append(line.strip())
    found = sentences(" ".join(paragraph))
    # A sentence that introduces a list ("Traps on the way to Staff:") says nothing without the list.
    answering = [sentence for sentence in found if not sentence.endswith(":")]
    return " ".join(answering[:3] or found[:1])


def gist(text: str) -> str:
    """A section's one-line gist: its first sentence that says something on its own."""
    found = [sentence for sentence in sentences(opening(text)) if not sentence.endswith(":")]
    return found[0] if found else ""


def answering_order(question: str, retrieved: Sequence[Retrieved], level: str | None = None) -> list[Retrieved]:
    """The supported results, the one that answers first: a list of mistakes answers only a question about
    mistakes, so for any other question the best section that is not one leads, and for such a question ("bad
    idea?") the best that is, about the person's `level` when one is ("still grabbing tickets as a new EM, is that
    bad?" is answered with the traps for new Engineering Managers, not those of a promotion packet)."""
    used = relevant(retrieved, limit=len(retrieved), cutoff=RELATED_CUTOFF)
    asks_caution = CAUTION.search(question) is not None
    fits = [item for item in used if bool(CAUTION.search(item.chunk.section)) == asks_caution]
    if asks_caution and level:
        fits = [item for item in fits if level in item.chunk.section_levels] or fits
    lead = fits[0] if fits else (used[0] if used else None)
    return [lead, *(item for item in used if item is not lead)] if lead is not None else []


def _fresh(texts: Sequence[str], said: list[set[str]]) -> list[str]:
    """The texts that say something not said yet, each remembered as said: a text whose content words are mostly
    (SAME_WORDS) those of one already said repeats it."""
    kept = []
    for text in texts:
        words = terms(text)
        if words and not any(len(words & earlier) >= SAME_WORDS * len(words) for earlier in said):
            said.append(words)
            kept.append(text)
    return kept


def _matching_competency(ladder: Ladder, question_terms: set[str]) -> str | None:
    """The competency a question is about, by the ladder's words for it; None when it names none."""

    def overlap(index: int) -> tuple[int, int]:
        competency = ladder.competencies[index]
        words = terms(" ".join([competency.name, *competency.keywords]))
        return len(words & question_terms), -index

    best = max(range(len(ladder.competencies)), key=overlap)
    return ladder.competencies[best].name if overlap(best)[0] else None


def tailoring(ladder: Ladder, profile: Profile, question: str, about: Sequence[str] = ()) -> list[str]:
    """Lines from the ladder for this person: what their next level expects on the question's competency, and how to
    practise it. A question about reaching a level (the answering section is `about` it) and no competency in
    particular gets the competency with the largest gap to that level."""
    current = ladder.find(profile.level)
    if current is None:
        return []
    goal: Level = ladder.find(profile.target) or ladder.next_level(current.name) or current
    competency = _matching_competency(ladder, terms(question))
    if competency is None and goal.name in about and goal is not current:
        competency = competency_gaps(ladder, current, goal)[0].competency
    if competency is None:
        return []
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


def compose_answer(
    question: str,
    profile: Profile,
    retrieved: Sequence[Retrieved],
    ladder: Ladder,
    tailor: bool = True,
    related_from: Sequence[Retrieved] | None = None,
    supported: bool | None = None,
    asked: str | None = None,
) -> Composed:
    """One clear answer from the single best section: its direct answer and its steps in its own words, then what
    the ladder expects of this person next on the question's competency (unless `tailor` is off: a follow-up has had
    it already), then one to three related sections close to the question (from `related_from` when given: a
    follow-up's related reading comes from its whole question, not from its few words alone). Whether mistakes are
    asked about is read from the person's own words (`asked`), not from a topic a follow-up was rewritten with."""
    if not (is_supported(retrieved) if supported is None else supported and retrieved):
        return Composed(
            "I don't have guidance on that in my library, so I won't guess. I can help with career levels and how "
            "to reach the next one, comparing roles (for example Lead vs Staff), promotion packets and calibration, "
            "brag-doc wording, and craft topics such as design docs, mentoring, incidents and handling ambiguity. "
            "Try asking one of those, or rephrase your question with those words.",
            (),
            False,
        )
    own = asked or question
    best, *others = answering_order(own, retrieved, profile.level)
    if related_from is not None:
        others = [item for item in answering_order(own, related_from, profile.level) if item.chunk.id != best.chunk.id]
    said: list[set[str]] = []
    lead = opening(best.chunk.text)
    _fresh(sentences(lead), said)
    parts = [f"{lead} [1]"]
    # The section's steps: its first list that is not a list of mistakes, whole and with its introduction; for a
    # question about what goes wrong ("Bad move?"), the mistakes are the answer.
    asks_caution = CAUTION.search(own) is not None
    blocks = [block for block in list_blocks(best.chunk.text) if asks_caution or not CAUTION.search(block.intro)]
    if blocks and (asks_caution or not CAUTION.search(best.chunk.section)):
        block = blocks[0]
        items = _fresh(block.items[:MAX_STEPS], said)
        intro = block.intro if block.intro and _fresh([block.intro], said) else ""
        if items:
            parts.append("\n".join([f"{intro} [1]" if intro else "", *(f"- {item}" for item in items)]).strip())
    tailored = tailoring(ladder, profile, question, best.chunk.section_levels) if tailor else []
    if tailored:
        who = f"{profile.level}" + (f", focus {profile.focus}" if profile.focus else "")
        parts.append(f"**For you ({who}), from the career ladder**\n" + "\n".join(f"- {line}" for line in tailored))
    related: list[Retrieved] = []
    for item in others:
        line = gist(item.chunk.text)
        if line and _fresh([line], said) and len(related) < MAX_RELATED:
            related.append(item)
            parts.append("" if len(related) > 1 else "**Related**")
            parts[-1] = (parts[-1] + "\n" if parts[-1] else "") + (
                f"- *{item.chunk.section}* ({item.chunk.title}): {line} [{len(related) + 1}]"
            )
    markdown = "\n\n".join(part for part in parts if part).replace("\n\n- *", "\n- *")
    return Composed(markdown, tuple(to_source(item) for item in [best, *related]), True)
