"""Brag-doc drafting: pasted accomplishments split into entries and reworded as verb + what + measurable result.

The rewrite only moves and replaces words; it keeps every number the user wrote and never adds one. When an entry has
no number, it asks one specific question for the metric instead of guessing.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from coach.errors import CoachError
from coach.knowledge.data import KNOWLEDGE_DIR, read_data
from coach.knowledge.ladder import Ladder
from coach.records import BragEntry
from coach.text import LIST_ITEM, terms

NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
SUBJECT = re.compile(r"^(?:i|we|i've|we've|i have|we have|i had|we had|me and [\w ]+?|my team and i)\s+", re.IGNORECASE)
MAX_ENTRY_CHARS = 600
# "onboarding docs", "testing framework": a gerund before one of these names a thing rather than an action.
NOUN_AFTER_GERUND = re.compile(
    r"(?:docs?|documentation|flow|process|guide|program|programme|experience|checklist|materials|sessions?|"
    r"pipeline|infrastructure|framework|library|strategy|culture|budget)\b",
    re.IGNORECASE,
)


class BragError(CoachError):
    """The paste cannot be turned into entries; the message says what to paste instead."""


@dataclass(frozen=True)
class BragRules:
    weak_openings: dict[str, str]
    past: dict[str, str]  # base or gerund -> past tense
    gerund: dict[str, str]  # past or base -> gerund
    change_verbs: dict[str, tuple[str, ...]]
    verb_for_change: dict[str, str]
    metric_questions: tuple[tuple[tuple[str, ...], str], ...]
    default_question: str
    scope: tuple[tuple[str, str, tuple[str, ...]], ...]  # (name, suggested level, cues)


def parse_rules(raw: dict) -> BragRules:
    # Only these words can enter a bullet; a digit among them would be a number the user never gave.
    bullet_words = [*raw["weak_openings"].values(), *raw["verbs"], *raw["verb_for_change"].values()]
    if any(re.search(r"\d", str(word)) for word in bullet_words):
        raise ValueError("brag.yaml: verbs and openings must not contain digits; bullets carry only the user's numbers")
    past: dict[str, str] = {}
    gerund: dict[str, str] = {}
    for line in raw["verbs"]:
        base, past_form, gerund_form = line.split()
        past[base] = past[gerund_form] = past_form
        gerund[base] = gerund[past_form] = gerund_form
    return BragRules(
        weak_openings={key.lower(): value for key, value in raw["weak_openings"].items()},
        past=past,
        gerund=gerund,
        change_verbs={key: tuple(value) for key, value in raw["change_verbs"].items()},
        verb_for_change=dict(raw["verb_for_change"]),
        metric_questions=tuple((tuple(item["cues"]), item["ask"]) for item in raw["metric_questions"]),
        default_question=raw["default_question"],
        scope=tuple((item["name"], item["level"], tuple(item["cues"])) for item in raw["scope"]),
    )


@lru_cache(maxsize=4)
def load_rules(knowledge_dir: Path = KNOWLEDGE_DIR) -> BragRules:
    return parse_rules(read_data("brag.yaml", knowledge_dir))


def numbers(text: str) -> Counter[str]:
    return Counter(NUMBER.findall(text))


def split_entries(paste: str) -> list[str]:
    """One entry per list item or line; an indented or lower-case line right under a list item continues it."""
    lines = [line.rstrip() for line in paste.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    has_markers = any(LIST_ITEM.match(line) for line in lines if line.strip())
    entries: list[str] = []
    after_blank = True
    for line in lines:
        if not line.strip():
            after_blank = True
            continue
        marked = LIST_ITEM.match(line) is not None
        text = LIST_ITEM.sub("", line).strip()
        continuation = (
            has_markers and not marked and not after_blank and entries and (line[:1].isspace() or text[:1].islower())
        )
        after_blank = False
        if not re.search(r"\w", text):
            continue
        if continuation:
            entries[-1] = f"{entries[-1]} {text}"
        else:
            entries.append(text)
    return entries


def _lead_with_verb(text: str, rules: BragRules) -> str:
    text = SUBJECT.sub("", text, count=1)
    # "mentoring: onboarded 3 new hires" -> the label goes when a verb follows it.
    label = re.match(r"^[\w -]{1,25}:\s+(?P<rest>\S.*)$", text)
    if label and label.group("rest").split(" ", 1)[0].lower().strip(",.;") in {*rules.past, *rules.gerund}:
        text = label.group("rest")
    lowered = text.lower()
    for weak in sorted(rules.weak_openings, key=len, reverse=True):
        if re.match(rf"{re.escape(weak)}\b", lowered):
            replacement = rules.weak_openings[weak]
            rest = text[len(weak) :].lstrip()
            following = rest.split(" ", 1)[0].lower()
            # "was responsible for migrating X" says what was done: "Migrated X".
            if not replacement or (following.endswith("ing") and following in rules.past):
                return _lead_with_verb(rest, rules)
            return f"{replacement} {rest}".strip()
    turned = _turn_around(text, rules)
    if turned is not None:
        return turned
    first, _, rest = text.partition(" ")
    word = first.lower().strip(",.;:")
    if word in rules.past and not (word.endswith("ing") and NOUN_AFTER_GERUND.match(rest)):
        return f"{rules.past[word].capitalize()} {rest}".strip()
    if word in rules.gerund or word.endswith("ed"):
        return text[:1].upper() + text[1:]
    return f"Delivered {_lower_first(text)}"


def _lower_first(text: str) -> str:
    """Lower-case the first letter unless the first word is an acronym (AWS, CI)."""
    return text if text[:2].isupper() else text[:1].lower() + text[1:]


def _turn_around(text: str, rules: BragRules) -> str | None:
    """'Checkout latency went from 800ms to 120ms after I added a cache' -> 'Reduced checkout latency from ...'."""
    for direction, verbs in rules.change_verbs.items():
        for verb in sorted(verbs, key=len, reverse=True):
            match = re.match(
                rf"^(?P<what>.+?)\s+{re.escape(verb)}\s+(?P<rest>(?:from|by|to)\b.*)$", text, re.IGNORECASE
            )
            if not match:
                continue
            chosen = direction
            if direction == "either":
                values = [float(n.replace(",", "")) for n in NUMBER.findall(match.group("rest"))[:2]]
                if len(values) == 2 and values[0] != values[1]:
                    chosen = "down" if values[1] < values[0] else "up"
            what = _lower_first(match.group("what"))
            rest = re.sub(
                r"\b(?:after|when|once)\s+(?:i|we)\s+(\w+)",
                lambda m: f"by {rules.gerund.get(m.group(1).lower(), m.group(1))}",
                match.group("rest"),
                flags=re.IGNORECASE,
            )
            return f"{rules.verb_for_change[chosen]} {what} {rest}"
    return None


def _polish(text: str, rules: BragRules) -> str:
    text = " ".join(text.split()).rstrip(" .;,")
    # "..., which reduced X" reads better as "..., reducing X".
    text = re.sub(
        r",?\s+which\s+(\w+)\b",
        lambda m: f", {rules.gerund[m.group(1).lower()]}" if m.group(1).lower() in rules.gerund else m.group(0),
        text,
    )
    # A sentence inside the bullet starts with a capital too ("... on-call. Fixed ...").
    text = re.sub(r"([.!?]\s+)([a-z])", lambda m: m.group(1) + m.group(2).upper(), text)
    return text[:1].upper() + text[1:]


def reword(original: str, rules: BragRules) -> str:
    """The rewrite itself: verb first, weak openings and labels gone, words moved but none invented."""
    cleaned = " ".join(original.split()).strip(" .;")
    return _polish(_lead_with_verb(cleaned, rules), rules) if cleaned else ""


def rewrite(original: str, rules: BragRules) -> str:
    """The bullet for one entry: the rewrite, checked once more in code (its numbers must be the original's)."""
    bullet = reword(original, rules)
    if numbers(bullet) != numbers(original):  # a guard: the rewrite's own tests show it keeps numbers
        cleaned = " ".join(original.split()).strip(" .;")
        bullet = cleaned[:1].upper() + cleaned[1:]
    return bullet


def competencies_for(text: str, ladder: Ladder, limit: int = 2) -> tuple[str, ...]:
    words = terms(text)
    lowered = text.lower()
    scored = []
    for index, competency in enumerate(ladder.competencies):
        hits = sum(
            1 for keyword in competency.keywords if (keyword in lowered if " " in keyword else terms(keyword) <= words)
        )
        if hits:
            scored.append((hits, -index, competency.name))
    scored.sort(reverse=True)
    chosen = tuple(name for _, _, name in scored[:limit])
    return chosen or ("Delivery",)


def _contains_cue(lowered: str, cue: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(cue)}(?!\w)", lowered) is not None


def question_for(text: str, rules: BragRules) -> str | None:
    if NUMBER.search(text):
        return None
    lowered = text.lower()
    # The kind of work named first in the entry is what it is about ("wrote docs for the deploy tool": docs).
    best: tuple[int, str] | None = None
    for cues, ask in rules.metric_questions:
        for cue in cues:
            found = re.search(rf"(?<![\w-]){re.escape(cue)}(?!\w)", lowered)
            if found and (best is None or found.start() < best[0]):
                best = (found.start(), ask)
    return best[1] if best else rules.default_question


def scope_for(text: str, rules: BragRules) -> tuple[str | None, str | None]:
    lowered = text.lower()
    for name, level, cues in rules.scope:
        if any(_contains_cue(lowered, cue) for cue in cues):
            return name, level
    if re.search(r"\b\d+\s+teams\b", lowered):
        return "multiple teams", "Staff"
    return None, None


def draft_entries(paste: str, ladder: Ladder, rules: BragRules | None = None) -> list[BragEntry]:
    rules = rules or load_rules()
    entries = split_entries(paste)
    if not entries:
        raise BragError("Paste at least one accomplishment, one per line or as a list.")
    drafted = []
    for original in entries:
        if len(original) > MAX_ENTRY_CHARS:
            raise BragError(
                f"One entry is {len(original)} characters long; keep each accomplishment under {MAX_ENTRY_CHARS} "
                "characters, one per line or list item."
            )
        question = question_for(original, rules)
        scope, level = scope_for(original, rules)
        drafted.append(
            BragEntry(
                original=original,
                bullet=rewrite(original, rules),
                competencies=competencies_for(original, ladder),
                questions=(question,) if question else (),
                scope=scope,
                level=level,
            )
        )
    return drafted


def render_markdown(entries: list[BragEntry], title: str = "Brag document") -> str:
    """Entries grouped by their first competency, in the ladder's order of appearance, with open questions."""
    groups: dict[str, list[BragEntry]] = {}
    for entry in entries:
        groups.setdefault(entry.competencies[0], []).append(entry)
    lines = [f"# {title}"]
    for competency, members in groups.items():
        lines += ["", f"## {competency}", ""]
        for entry in members:
            lines.append(f"- {entry.bullet}")
            lines += [f"  - *To add a number:* {question}" for question in entry.questions]
    return "\n".join(lines)


def brag_answer(entries: Sequence[BragEntry]) -> str:
    """The bullets as a chat reply: one plain sentence, then each bullet with its metric question."""
    count = len(entries)
    open_questions = sum(1 for entry in entries if entry.questions)
    lines = [f"Here {'is your accomplishment' if count == 1 else f'are your {count} accomplishments'} as brag-doc "
             f"bullets{'; the ones without a number have a question for the result' if open_questions else ''}."]  # fmt: skip
    lines.append("")
    for entry in entries:
        lines.append(f"- {entry.bullet}")
        lines += [f"  - *To add a number:* {question}" for question in entry.questions]
    if open_questions:
        lines.append("\nI never add a number you did not give.")
    return "\n".join(lines)
