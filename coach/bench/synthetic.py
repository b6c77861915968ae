"""A synthetic corpus for the scale benchmark: many variants of the real guides, reworded so that no two chunks match.

Each variant of a real document keeps its front matter and headings and gets, per section, one or two short
subsections of sentences drawn from that section, with a variant's own synonyms, organisation and product names.
Short subsections keep the embedding work of fifty thousand chunks within the benchmark's time; the report states
the chunk length so the throughput can be compared with the real corpus.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from pathlib import Path

import yaml

from coach.knowledge.corpus import Document, chunk_document, load_corpus
from coach.text import list_item, sentences

# Pairs that read naturally in career guidance either way round; a variant swaps about half of them.
SWAPS = (
    ("engineer", "developer"),
    ("team", "group"),
    ("project", "initiative"),
    ("promotion", "advancement"),
    ("manager", "supervisor"),
    ("design", "architecture"),
    ("problem", "issue"),
    ("meeting", "session"),
    ("goal", "objective"),
    ("review", "assessment"),
    ("system", "platform"),
    ("company", "organisation"),
    ("help", "support"),
    ("quickly", "rapidly"),
    ("important", "significant"),
    ("often", "frequently"),
    ("show", "demonstrate"),
    ("build", "construct"),
    ("choose", "select"),
    ("start", "begin"),
)
SYLLABLES = ("ka", "lo", "vi", "ren", "to", "mar", "zu", "pel", "dan", "or", "ix", "sa", "bel", "tor", "ne", "qua")
LEAD_INS = ("At {org}, ", "In the {product} group, ", "On {product}, ", "For {org} engineers, ", "")
PIECES_PER_SECTION = (1, 1, 2, 2)  # 1.5 subsections per real section: over 500 chunks per copy of the corpus


def _name(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def _rewording(rng: random.Random) -> tuple[re.Pattern[str], dict[str, str]]:
    mapping: dict[str, str] = {}
    for first, second in SWAPS:
        if rng.random() < 0.5:
            mapping[first], mapping[second] = second, first
    pattern = re.compile(r"\b(" + "|".join(sorted(mapping, key=len, reverse=True)) + r")(s?)\b", re.IGNORECASE)
    return pattern, mapping


def _reword(text: str, pattern: re.Pattern[str], mapping: dict[str, str]) -> str:
    def swap(match: re.Match[str]) -> str:
        word = mapping[match.group(1).lower()]
        if match.group(1)[0].isupper():
            word = word.capitalize()
        return word + match.group(2)

    return pattern.sub(swap, text)


def _sections(document: Document) -> list[tuple[str, list[str]]]:
    """(heading, sentences) for each section of a real document, list items counted as sentences."""
    sections = []
    for chunk in chunk_document(document):
        lines = [list_item(line) or line for line in chunk.text.splitlines()]
        found = [part for part in sentences("\n".join(lines)) if len(part.split()) >= 4]
        if found:
            sections.append((chunk.section, found))
    return sections


def write_variant(document: Document, variant: int, target: Path, seed: int) -> None:
    rng = random.Random(f"{seed}:{variant}:{document.path}")
    org, product = _name(rng), _name(rng)
    pattern, mapping = _rewording(rng)
    lines = []
    for heading, section_sentences in _sections(document):
        lines.append(f"## {_reword(heading, pattern, mapping)}")
        for part in range(rng.choice(PIECES_PER_SECTION)):
            picked = rng.sample(section_sentences, k=min(len(section_sentences), 2 if rng.random() < 0.2 else 1))
            lead_in = rng.choice(LEAD_INS).format(org=org, product=product)
            text = " ".join(_reword(sentence, pattern, mapping) for sentence in picked)
            lines += [f"### {product} {part + 1}", lead_in + text[:1].lower() + text[1:] if lead_in else text, ""]
    front = {
        "title": f"{_reword(document.title, pattern, mapping)} ({org} edition)",
        "levels": list(document.levels),
        "tracks": list(document.tracks),
        "topics": list(document.topics),
        "sources": ["synthetic benchmark text derived from the project's own guides"],
    }
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("---\n" + yaml.safe_dump(front, sort_keys=False) + "---\n\n" + "\n".join(lines), "utf-8")


def write_synthetic_corpus(source_dirs: Sequence[Path], target: Path, copies: int, seed: int = 7) -> int:
    """`copies` reworded variants of every real document under `target`; returns the number of files written."""
    documents, _ = load_corpus(source_dirs)
    for variant in range(copies):
        for document in documents:
            write_variant(document, variant, target / f"v{variant:03d}" / Path(document.path).name, seed)
    return copies * len(documents)
