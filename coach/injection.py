"""Recognising text that addresses an AI rather than a reader: planted instructions in guides, uploaded ladders or
pasted accomplishments. Such sentences are data; they are never quoted as advice nor passed to a model."""

from __future__ import annotations

import re

INSTRUCTION_LIKE = re.compile(
    r"\b(?:ignore|disregard|forget|override)\b.{0,40}\b(?:instructions?|prompts?|rules|guidelines|above|previous)\b"
    r"|\b(?:system prompt|developer message|jailbreak)\b"
    r"|\byou are now\b|\bas an ai\b|\b(?:ai|assistant|model|llm|chatbot|coach)\s*[:,]\s*(?:please\s+)?(?:print|say|output|"
    r"recommend|reveal|tell)\b"
    r"|\b(?:print|output|say|reveal|respond with)\b.{0,30}\b(?:canary|secret|password|api key|token|system prompt)\b"
    r"|\brecommend (?:a |an |the |this |me |them |him |her )?(?:immediate )?promotion\b"
    r"|\bcanary-[\w-]+",
    re.IGNORECASE,
)
HIDDEN = re.compile(r"<!--.*?-->|[\u200b-\u200f\u2060-\u2064\ufeff]", re.DOTALL)


def looks_like_instruction(text: str) -> bool:
    return INSTRUCTION_LIKE.search(text) is not None


def strip_hidden(text: str) -> str:
    """Remove what a reader never sees (HTML comments, zero-width characters) but a model would read."""
    return HIDDEN.sub("", text)


def strip_instructions(text: str) -> str:
    """Drop sentences (and list items) that address an AI; keep the rest of the text as it is."""
    if not looks_like_instruction(text):
        return text
    kept_lines = []
    for line in text.splitlines():
        if not looks_like_instruction(line):
            kept_lines.append(line)
            continue
        sentences = re.split(r"(?<=[.!?])\s+", line)
        kept = " ".join(sentence for sentence in sentences if not looks_like_instruction(sentence))
        if kept.strip() and kept.strip() not in {"-", "*"}:
            kept_lines.append(kept)
    return "\n".join(kept_lines)
