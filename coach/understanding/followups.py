"""Follow-ups, which lean on earlier turns: a question made standalone with the conversation's topic, and which of
the entries just drafted a message points at ("the last one", "the 2nd", "#3")."""

from __future__ import annotations

import re
from functools import cache

from coach.knowledge.data import read_data
from coach.knowledge.ladder import Ladder
from coach.records import Conversation, Topic
from coach.text import normalize, terms
from coach.understanding.intents import Label
from coach.understanding.profile import level_spans

ORDINALS = {"first": 0, "1st": 0, "one": 0, "second": 1, "2nd": 1, "two": 1, "third": 2, "3rd": 2, "three": 2,
            "fourth": 3, "4th": 3, "four": 3, "fifth": 4, "5th": 4, "five": 4}  # fmt: skip
POINTER = re.compile(
    r"\b(first|1st|second|2nd|third|3rd|fourth|4th|fifth|5th|last|final)\b|#\s?(\d)\b|\b(?:bullet|entry|item|number|no\.?)\s*(\d)\b"
)
ALL = re.compile(r"\b(?:them|all|these|those|every|each|both)\b")


def with_topic(text: str, topic: Topic, ladder: Ladder) -> str:
    """The follow-up as a question of its own: a level it names takes the place of the topic's last level ("and
    Principal?" after "how do I get from Senior to Staff?"); otherwise the topic's question comes first."""
    # "what about managers?": a level named in the plural is that level.
    singular = re.sub(
        r"\b([a-z]+)s\b", lambda m: m.group(1) if m.group(1) in ladder.titles else m.group(0), normalize(text)
    )
    named = level_spans(ladder, singular)
    question = normalize(topic.question)
    spans = level_spans(ladder, question)
    if named and spans:
        start, end, _ = spans[-1]
        rest = re.sub(r"^\W*(?:and|what about|how about|or)\b\W*", "", singular).rstrip("?!. ")
        replaced = f"{question[:start]}{named[-1][2]}{question[end:]}"
        return replaced if len(rest.split()) <= 3 else f"{replaced} {text}"
    return on_topic(text, topic)


def on_topic(text: str, topic: Topic) -> str:
    """The follow-up asked after the topic's question, which gives it its subject ("how do I get to Staff? how long
    does that take?")."""
    return f"{topic.question.rstrip('?.! ')}? {text}"


@cache
def _generic_terms() -> frozenset[str]:
    return frozenset(terms(" ".join(read_data("intents.yaml")["generic_words"])))


def own_terms(text: str) -> set[str]:
    """The words a follow-up brings of its own ("what goes in the packet?": packet), beyond those that only lean on
    the topic ("ok and what should i do first?": none)."""
    return terms(text) - _generic_terms()


def pointed_entries(text: str, count: int) -> list[int]:
    """The entries a brag follow-up is about, by position; all of them when it says so or names none."""
    lowered = normalize(text)
    found: list[int] = []
    for match in POINTER.finditer(lowered):
        word, hash_number, number = match.groups()
        if word in ("last", "final"):
            index = count - 1
        elif word:
            index = ORDINALS[word]
        else:
            index = int(hash_number or number) - 1
        if 0 <= index < count and index not in found:
            found.append(index)
    return found or list(range(count))


def means_all(text: str) -> bool:
    return ALL.search(normalize(text)) is not None


SAVE = re.compile(r"\b(?:add|save|keep|put|store|stick|move)\b")
COMPETENCY = re.compile(r"\b(?:competenc\w*|skills?|areas?|categor\w*|dimension)\b|\bwhat (?:does|do) .* show\b")


def brag_action(text: str) -> str:
    """What a brag follow-up asks for: 'competency' (what an entry shows), 'save' (add them to the brag doc) or
    'strengthen' (the default: punch it up)."""
    lowered = normalize(text)
    if COMPETENCY.search(lowered):
        return "competency"
    if SAVE.search(lowered) and not re.search(r"\b(?:number|metric|result)\b", lowered):
        return "save"
    return "strengthen"


def context_weights(state: Conversation) -> dict[Label, float]:
    """How much likelier each reading of a message is, given the conversation: a follow-up needs a topic, a brag
    follow-up needs entries just drafted."""
    has_topic = state.topic is not None or state.compared is not None
    return {
        "followup": 2.0 if has_topic else 0.3,
        "brag_followup": 2.0 if state.entries else 0.1,
        "other": 0.5 if has_topic or state.entries else 1.0,
        "compare": 2.0 if state.last == "compare" else 1.0,
    }
