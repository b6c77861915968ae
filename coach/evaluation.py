"""Retrieval evaluation on the labelled questions: recall@1, recall@5 and MRR@10 per retriever."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from coach.settings import PROJECT_ROOT
from coach.yamlio import load_yaml

QUESTIONS_DIR = PROJECT_ROOT / "tests" / "data" / "questions"
# The labelled set sets the targets; the held-out set, written apart from it, shows whether a change generalises.
QUESTION_SETS = {"labelled": QUESTIONS_DIR, "heldout": PROJECT_ROOT / "tests" / "data" / "heldout"}


@dataclass(frozen=True)
class LabelledQuestion:
    question: str
    path: str
    section: str
    also: tuple[tuple[str, str], ...] = ()  # other sections that answer the question just as well

    @property
    def answers(self) -> set[tuple[str, str]]:
        return {(self.path, self.section), *self.also}


@dataclass(frozen=True)
class RetrievalScores:
    name: str
    questions: int
    recall_at_1: float
    recall_at_5: float
    mrr_at_10: float

    def as_dict(self) -> dict[str, float | int | str]:
        return {
            "retriever": self.name,
            "questions": self.questions,
            "recall@1": round(self.recall_at_1, 4),
            "recall@5": round(self.recall_at_5, 4),
            "mrr@10": round(self.mrr_at_10, 4),
        }


def load_questions(directory: Path = QUESTIONS_DIR) -> list[LabelledQuestion]:
    questions: list[LabelledQuestion] = []
    for path in sorted(directory.glob("*.yaml")):
        for item in load_yaml(path.read_text(encoding="utf-8")) or []:
            also = tuple((str(other["path"]), str(other["section"])) for other in item.get("also") or ())
            questions.append(LabelledQuestion(str(item["question"]), str(item["path"]), str(item["section"]), also))
    return questions


# A ranked answer is a sequence of (path, section) pairs, best first.
Ranker = Callable[[str], Sequence[tuple[str, str]]]


def score_retriever(name: str, rank: Ranker, questions: Iterable[LabelledQuestion]) -> RetrievalScores:
    hits_1 = hits_5 = 0
    reciprocal = 0.0
    count = 0
    for item in questions:
        count += 1
        ranked = list(rank(item.question))[:10]
        answers = item.answers
        position = next((i for i, found in enumerate(ranked) if found in answers), None)
        if position is None:
            continue
        hits_1 += position == 0
        hits_5 += position < 5
        reciprocal += 1.0 / (position + 1)
    count = max(count, 1)
    return RetrievalScores(name, count, hits_1 / count, hits_5 / count, reciprocal / count)


def format_table(rows: Sequence[RetrievalScores]) -> str:
    lines = [f"{'retriever':<22} {'questions':>9} {'recall@1':>9} {'recall@5':>9} {'MRR@10':>8}"]
    for row in rows:
        lines.append(
            f"{row.name:<22} {row.questions:>9} {row.recall_at_1:>9.3f} {row.recall_at_5:>9.3f} {row.mrr_at_10:>8.3f}"
        )
    return "\n".join(lines)
