"""What a chat message is, by meaning: a classifier trained on labelled messages (`knowledge/intents.yaml`), over the
embedding model's vectors and character n-grams (which carry typos, slang and company codes). The one rule is of
form: a pasted list of things done is a paste."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Literal, cast

from langchain_core.embeddings import Embeddings

from coach.knowledge.data import read_data
from coach.text import list_item, sentences
from coach.understanding.classifier import TextClassifier
from coach.understanding.profile import QUESTION_WORD

Label = Literal["question", "compare", "plan", "brag", "profile", "followup", "brag_followup", "other"]
LABELS: tuple[Label, ...] = ("question", "compare", "plan", "brag", "profile", "followup", "brag_followup", "other")
# Embeddings with char 2-5-grams and C = 8: the held-out set was used to pick among 12 settings (embeddings alone
# 0.93, kNN 0.82, with word n-grams 0.95, with char n-grams 0.96 on 497 examples), so its figure is not fully blind.
REGULARISATION = 8.0


def asks(text: str) -> bool:
    """Whether a message asks something: a question mark, or a clause that opens with a question word."""
    return any(
        sentence.endswith("?") or QUESTION_WORD.match(part.strip().lower())
        for sentence in sentences(text)
        for part in re.split(r"[,;]|\s[-–—]\s", sentence)
    )


@cache
def _struggle() -> re.Pattern[str]:
    words = read_data("intents.yaml")["struggle_words"]
    return re.compile(r"\b(?:" + "|".join(re.escape(str(word)) for word in words) + r")\b", re.IGNORECASE)


def struggles(text: str) -> bool:
    """Whether a message tells of a difficulty ("just became tech lead and im drowning"): something to answer,
    though it asks nothing."""
    return _struggle().search(text.replace("\u2019", "'")) is not None


# "give me some better verbs than 'worked on'", "can you suggest ...": a request for advice, not a paste, when
# nothing in it reports work done; unless it asks for bullets for something ("a brag bullet for the upgrade").
REQUEST = re.compile(r"^(?:(?:can|could|would) you\s+)?(?:please\s+|pls\s+)?(?:give|suggest|list|recommend|show|tell|"
                     r"share)\s+(?:me|us)\b", re.IGNORECASE)  # fmt: skip
BULLETS_FOR = re.compile(r"\b(?:bullets?|brag|write-?ups?)\s+(?:for|from|out of|about|on)\s+(?:the|this|these|my|our)\b",
                         re.IGNORECASE)  # fmt: skip


# "here's my jira export, can you turn it into bullets": bullets asked for, with nothing to make them of yet.
BULLETS_WANTED = re.compile(
    r"\b(?:turn|make|write|convert|draft|put)\b[^.?!]*\b(?:bullets?|brag[- ]doc|promo doc|brag[- ]worthy)\b",
    re.IGNORECASE,
)
# "how do i make my bullets stronger?": a question about bullets, for the guides ("can you" is a request here)
ASKS_HOW = re.compile(r"\s*(?:how|what|why|when|where|which|should|is|are|do|does|did)\b")


def wants_bullets_of_nothing(text: str) -> bool:
    """Whether a message asks for brag bullets and holds no work to make them of (the paste is still to come)."""
    from coach.text_verbs import reports_work_done

    if not BULLETS_WANTED.search(text) or is_pasted_list(text) or len(text.splitlines()) > 2:
        return False
    if any(ASKS_HOW.match(sentence.lower()) for sentence in sentences(text)):
        return False  # "how do i make my brag doc bullets stronger?": advice, answered from the guides
    return not any(reports_work_done(part) for part in sentences(strip_instruction(text)))


def requests_advice(text: str) -> bool:
    """Whether a message asks for advice in the imperative and reports no work of its own."""
    from coach.text_verbs import reports_work_done

    parts = sentences(text)
    pasted = sentences(strip_instruction(text))  # "give me bullets for this: shipped the importer" is a paste
    if not parts or REQUEST.match(parts[0]) is None or BULLETS_FOR.search(text):
        return False
    return not any(map(reports_work_done, parts + pasted))


def strip_instruction(text: str) -> str:
    """The pasted accomplishments without a line that only introduces them ("turn these into bullets:")."""
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) >= 2 and (
        lines[0].rstrip().endswith(":") or (not list_item(lines[0]) and all(list_item(line) for line in lines[1:]))
    ):
        return "\n".join(lines[1:])
    head, colon, tail = text.partition(":")
    # "can you turn this into bullets: shipped X"; not "Situation: ...\nAction: ...", a form whose label is its own
    if colon and tail.strip() and len(head.split()) <= 8 and "\n" not in head and "\n" not in tail.strip():
        return tail.strip()
    return text.strip()


def is_pasted_list(text: str) -> bool:
    """Two or more list items, not all of them questions: accomplishments pasted as a list."""
    items = [item for line in text.splitlines() if (item := list_item(line))]
    return len(items) >= 2 and not all(item.rstrip().endswith("?") for item in items)


class IntentClassifier(TextClassifier):
    """What a message is: logistic regression over [sentence embedding, TF-IDF of character n-grams] of each
    labelled message in `knowledge/intents.yaml`."""

    def __init__(
        self,
        embeddings: Embeddings,
        examples: Mapping[str, Sequence[str]] | None = None,
        cache_dir: Path | None = None,
    ) -> None:
        examples = examples if examples is not None else read_data("intents.yaml")["intents"]
        unknown = set(examples) - set(LABELS)
        if unknown:
            raise ValueError(f"intents.yaml: unknown intents {', '.join(sorted(unknown))}")
        super().__init__("intents", examples, embeddings, cache_dir, "chars", REGULARISATION)

    def classify(self, text: str, context: Mapping[Label, float] | None = None) -> Label:
        """The message's intent; a pasted list of things done is always a paste. `context` weighs labels by what
        the conversation makes likely (a follow-up needs something to follow)."""
        if is_pasted_list(text):
            return "brag"
        scores = cast(dict[Label, float], self.probabilities(text))
        for label, weight in (context or {}).items():
            scores[label] = scores.get(label, 0.0) * weight
        return max(scores, key=lambda label: scores[label])
