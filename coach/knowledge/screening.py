"""Screening an uploaded document for text that addresses an AI rather than a reader. Nothing is removed: the
document is indexed whole (a model only ever reads it fenced and marked as data), and the person is told which lines
to look at and why.

Two kinds of evidence, neither a list of trigger words: the form of a line (markup and characters a reader never
sees, images fetched from outside addresses) and its meaning (a sentence close, by the embedding model, to
descriptions of instructions aimed at an AI assistant, kept as data in `knowledge/screening.yaml`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from langchain_core.embeddings import Embeddings

from coach.knowledge.data import read_data
from coach.text import sentences

INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
COMMENT = re.compile(r"<!--")
# A raw tag (HTML, XML or a chat template's <|token|>): markdown ladders show text, so markup is never for readers.
MARKUP = re.compile(r"<\|[^|>]{1,40}\|>|</?[A-Za-z][\w:-]{0,40}(?:\s[^<>]{0,200})?/?>")
HIDDEN_STYLE = re.compile(
    r"style\s*=\s*[\"'][^\"']*(?:display\s*:\s*none|font-size\s*:\s*0|color\s*:\s*(?:#f{3}\b|#f{6}\b|white))",
    re.IGNORECASE,
)
# An image shown from an outside address: a model that writes it makes the reader's browser send that address data.
OUTSIDE_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?https?://", re.IGNORECASE)
OUTSIDE_LINK_WITH_DATA = re.compile(r"\]\(\s*<?https?://[^)\s]*[?&][^)\s]*(?:\{|%7B)", re.IGNORECASE)


@dataclass(frozen=True)
class Finding:
    line: int  # 1-based, in the file as uploaded
    reason: str
    excerpt: str

    def describe(self, name: str) -> str:
        return f"{name}, line {self.line}: {self.reason} (“{self.excerpt}”). It was indexed as text, and a model only reads it as data."


def _excerpt(text: str, limit: int = 80) -> str:
    text = " ".join(INVISIBLE.sub("", text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def form_findings(text: str) -> list[Finding]:
    findings = []
    for number, line in enumerate(text.splitlines(), 1):
        if INVISIBLE.search(line):
            reason = "invisible characters inside the text"
        elif COMMENT.search(line):
            reason = "an HTML comment, which readers never see"
        elif HIDDEN_STYLE.search(line):
            reason = "text styled to be invisible"
        elif OUTSIDE_IMAGE.search(line) or OUTSIDE_LINK_WITH_DATA.search(line):
            reason = "a link or image that would send data to an outside address"
        elif MARKUP.search(line):
            reason = "raw markup that readers do not see as text"
        else:
            continue
        findings.append(Finding(number, reason, _excerpt(line)))
    return findings


class InstructionDetector:
    """Sentences whose meaning is close to an instruction aimed at an AI assistant (cosine to labelled prototypes)."""

    def __init__(self, embeddings: Embeddings, data: dict | None = None) -> None:
        data = data or read_data("screening.yaml")
        self.embeddings = embeddings
        self.threshold = float(data["threshold"])
        self.prototypes = embeddings.embed_documents([str(text) for text in data["prototypes"]])

    def score(self, texts: Sequence[str]) -> list[float]:
        import numpy as np

        if not texts:
            return []
        vectors = np.array(self.embeddings.embed_documents(list(texts)))
        return [float(value) for value in (vectors @ np.array(self.prototypes).T).max(axis=1)]

    def findings(self, text: str) -> list[Finding]:
        candidates = [
            (number, sentence)
            for number, line in enumerate(text.splitlines(), 1)
            for sentence in sentences(INVISIBLE.sub("", line).strip(" -*#>"))
            if len(sentence.split()) >= 3
        ]
        scores = self.score([sentence for _, sentence in candidates])
        return [
            Finding(number, "a sentence that reads like an instruction to an AI assistant", _excerpt(sentence))
            for (number, sentence), score in zip(candidates, scores, strict=True)
            if score >= self.threshold
        ]


def screen(text: str, detector: InstructionDetector | None) -> list[Finding]:
    """Every line worth a look, in file order, one finding per line."""
    found = {finding.line: finding for finding in form_findings(text)}
    for finding in detector.findings(text) if detector is not None else ():
        found.setdefault(finding.line, finding)
    return [found[line] for line in sorted(found)]
