"""Retrieval evaluation on the labelled questions: recall@1, recall@5 and MRR@10 per retriever."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from coach.knowledge.data import PROJECT_ROOT, load_yaml

# Labelled data for evaluation and the benchmark; the product never reads it.
EVALUATION_DIR = PROJECT_ROOT / "evaluation"
QUESTIONS_DIR = EVALUATION_DIR / "questions" / "labelled"
# The labelled set sets the targets; the held-out set, written apart from it, shows whether a change generalises.
QUESTION_SETS = {"labelled": QUESTIONS_DIR, "heldout": EVALUATION_DIR / "questions" / "heldout"}


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


# -- understanding: intents, profiles and whole conversations ---------------------------------------------------------

# What a classifier label is reported as in a reply (the CLI contract's intents).
REPLY_INTENT = {"followup": "question", "brag_followup": "brag"}


@dataclass(frozen=True)
class Check:
    conversation: str
    turn: int
    say: str
    what: str  # intent, profile.level, section, roles, target, entries
    expected: object
    got: object

    @property
    def passed(self) -> bool:
        return self.expected == self.got or (isinstance(self.expected, list) and self.got in self.expected)


def load_labelled(name: str) -> list[dict]:
    return list(load_yaml((EVALUATION_DIR / name).read_text(encoding="utf-8")) or [])


def intent_accuracy(classify: Callable[[str], str], items: Sequence[dict]) -> tuple[float, list[tuple[str, str, str]]]:
    """Share of messages classified as labelled, and the misses as (text, expected, got)."""
    misses = []
    for item in items:
        got = classify(str(item["text"]))
        if got != item["intent"]:
            misses.append((str(item["text"]), str(item["intent"]), got))
    return 1 - len(misses) / max(len(items), 1), misses


def profile_accuracy(read: Callable[[str], object], items: Sequence[dict]) -> tuple[float, float, list[str]]:
    """(whole profiles right, fields right, the misses): level, focus, target and whole years."""
    fields = ("level", "focus", "target", "years")
    whole = right = 0
    misses = []
    for item in items:
        profile = read(str(item["text"]))
        got = {field: getattr(profile, field) for field in fields}
        got["years"] = None if got["years"] is None else int(got["years"])
        wrong = {field: (item.get(field), got[field]) for field in fields if item.get(field) != got[field]}
        right += len(fields) - len(wrong)
        whole += not wrong
        if wrong:
            misses.append(f"{item['text']!r}: {wrong}")
    count = max(len(items), 1)
    return whole / count, right / (count * len(fields)), misses


def conversation_checks(coach: object, conversations: Sequence[dict]) -> list[Check]:
    """Every check of every turn: each conversation runs in a workspace of its own, as in the app."""
    import tempfile

    from coach.engine import Coach
    from coach.storage.store import UserStore
    from coach.workspace import Workspace

    assert isinstance(coach, Coach)
    checks: list[Check] = []
    with tempfile.TemporaryDirectory(prefix="coach-eval-") as folder:
        engine = coach.using(coach.writer, UserStore(Path(folder) / "eval.sqlite3"))
        for conversation in conversations:
            workspace = Workspace(engine, str(conversation["id"]))
            for number, turn in enumerate(conversation["turns"], 1):
                reply = workspace.ask(str(turn["say"])).result()
                workspace.record_reply(reply)

                def check(
                    what: str, expected: object, got: object, at: tuple = (conversation["id"], number, turn)
                ) -> None:
                    checks.append(Check(str(at[0]), at[1], str(at[2]["say"]), what, expected, got))

                check("intent", turn["intent"], reply.intent)
                for field, value in (turn.get("profile") or {}).items():
                    check(f"profile.{field}", value, getattr(reply.profile, field))
                if turn.get("sections"):
                    expected = [f"{item['path']}#{item['section']}" for item in turn["sections"]]
                    cited = [f"{source.path}#{source.section}" for source in reply.sources]
                    check("section", expected, next((found for found in cited if found in expected), cited[:1]))
                if turn.get("roles"):
                    roles = sorted(reply.state.compared or ())
                    check("roles", sorted(turn["roles"]), roles)
                if turn.get("target") and turn["intent"] == "plan":
                    check("target", turn["target"], reply.plan.target if reply.plan else None)
                if turn.get("entries"):
                    check("entries", turn["entries"], len(reply.entries))
    return checks
