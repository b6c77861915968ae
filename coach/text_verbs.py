"""The verb vocabulary that brag drafting and the conversation's understanding share: lemmas and tenses come from
lemminflect (imported on first use), and which verbs count as work done, which words may stand before that verb
("I", "just", "finally") are data in `knowledge/brag.yaml`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from coach.knowledge.data import KNOWLEDGE_DIR, read_data
from coach.text import LIST_ITEM, normalize

WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
# Words lemminflect does not know are read as verbs only in a regular verb form ("onboarded", "deflaking").
_UNKNOWN_VERB_FORM = re.compile(r"[a-z][a-z-]{2,}(?:ed|ing)")
# Words of that form that lemminflect leaves out because they are never verbs: prepositions ("During this cycle").
_NEVER_VERBS = frozenset({"during", "notwithstanding", "nothing", "something", "anything", "everything"})


@dataclass(frozen=True)
class WorkVerbs:
    """Which verbs report work done, and what may come before such a verb at the start of a line."""

    not_work: frozenset[str]  # lemmas that are verbs but report no work ("be", "think", "want")
    subjects: tuple[str, ...]  # "i", "we've", "my team and i": longest first
    lead_ins: tuple[str, ...]  # filler and connectors that may open a report ("just", "also", "and then")


def parse_work_verbs(raw: dict[str, Any]) -> WorkVerbs:
    words = raw["work_verbs"]
    by_length = lambda items: tuple(sorted((normalize(str(item)) for item in items), key=len, reverse=True))  # noqa: E731
    return WorkVerbs(
        not_work=frozenset(str(lemma).lower() for lemma in words["not_work"]),
        subjects=by_length(words["subjects"]),
        lead_ins=by_length([*words["connectors"], *raw["filler"]]),
    )


@lru_cache(maxsize=4)
def load_work_verbs(knowledge_dir: Path = KNOWLEDGE_DIR) -> WorkVerbs:
    return parse_work_verbs(read_data("brag.yaml", knowledge_dir))


# -- lemmas and forms, from lemminflect ---------------------------------------------------------------------------


@lru_cache(maxsize=16384)
def verb_lemmas(word: str) -> tuple[str, ...]:
    """The verb lemmas a word can be a form of ('sped' -> ('speed',)); () when it is never a verb."""
    from lemminflect import getAllLemmas, getAllLemmasOOV

    lowered = word.lower()
    if not WORD.fullmatch(lowered):
        return ()
    found = getAllLemmas(lowered)
    if found:
        return tuple(found.get("VERB", ()))
    if _UNKNOWN_VERB_FORM.fullmatch(lowered) and lowered not in _NEVER_VERBS:
        return tuple(getAllLemmasOOV(lowered, upos="VERB").get("VERB", ()))
    return ()


@lru_cache(maxsize=16384)
def verb_forms(lemma: str, tag: str) -> tuple[str, ...]:
    """The forms of a verb for a Penn tag (VBD past, VBN participle, VBG gerund); regular verbs share VBD and VBN."""
    from lemminflect import getAllInflections, getInflection

    known = getAllInflections(lemma, upos="VERB")
    if not known:
        return tuple(getInflection(lemma, tag=tag))
    if tag == "VBN" and "VBN" not in known:
        tag = "VBD"
    return tuple(known.get(tag, ()))


def _is_form(word: str, tag: str) -> bool:
    lowered = word.lower()
    return any(lowered in verb_forms(lemma, tag) for lemma in verb_lemmas(lowered))


def is_past_tense(word: str) -> bool:
    return _is_form(word, "VBD")


def is_participle(word: str) -> bool:
    return _is_form(word, "VBN")


def is_gerund(word: str) -> bool:
    return _is_form(word, "VBG")


def _form_of(word: str, tag: str) -> str | None:
    """The word turned into another form of its own verb ('speeding' -> 'sped'); None when it is not a verb."""
    lemmas = verb_lemmas(word) or (
        (word.lower(),) if WORD.fullmatch(word) and word.lower() not in _NEVER_VERBS else ()
    )  # "onboard": taken as a verb
    if not lemmas:
        return None
    forms = verb_forms(lemmas[0], tag)
    return forms[0] if forms else None


def past_tense(word: str) -> str | None:
    return _form_of(word, "VBD")


def gerund(word: str) -> str | None:
    return _form_of(word, "VBG")


# -- work done ------------------------------------------------------------------------------------------------------


def is_work_verb(word: str, verbs: WorkVerbs | None = None) -> bool:
    """A verb that can report work ('shipped', 'mentoring'), not one of being, thinking or wanting."""
    verbs = verbs or load_work_verbs()
    lemmas = verb_lemmas(word)
    return bool(lemmas) and not any(lemma.lower() in verbs.not_work for lemma in lemmas)


def is_past_tense_work_verb(word: str, verbs: WorkVerbs | None = None) -> bool:
    """'shipped', 'sped', 'onboarded': the past tense of a verb of work done."""
    return is_past_tense(word) and is_work_verb(word, verbs)


def strip_lead_in(line: str, verbs: WorkVerbs | None = None) -> str:
    """The line from its first real word on: no list marker, and none of the subjects and filler that people put
    before the verb ("ok so I just finally shipped ..." -> "shipped ...")."""
    verbs = verbs or load_work_verbs()
    text = normalize(LIST_ITEM.sub("", line, count=1))
    changed = True
    while changed:
        changed = False
        text = text.lstrip(" ,-–—:;!")
        for phrase in (*verbs.lead_ins, *verbs.subjects):
            if text.startswith(phrase) and (len(text) == len(phrase) or not text[len(phrase)].isalnum()):
                text = text[len(phrase) :]
                changed = True
                break
    return text.strip()


def reports_work_done(line: str, verbs: WorkVerbs | None = None) -> bool:
    """Whether a line reads as a report of work done: after an optional subject and filler, it opens with a
    past-tense verb of work ("we finally shipped dark mode", "- sped up CI", "Also, onboarded 4 new hires")."""
    verbs = verbs or load_work_verbs()
    first = WORD.match(strip_lead_in(line, verbs))
    return first is not None and is_past_tense_work_verb(first.group(0), verbs)


@lru_cache(maxsize=16384)
def is_known_word(word: str) -> bool:
    """Whether lemminflect knows the word as any part of speech: 'This' and 'Search' are words, 'Priya' and 'Kafka'
    are names."""
    from lemminflect import getAllLemmas

    return bool(getAllLemmas(word.lower()))
