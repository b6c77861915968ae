"""The `coach` command: the same engine as the app, for scripts, evaluation and terminals (see shared CLI contract)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from typing import Any, NoReturn

from coach.errors import CoachError

EXIT_BAD_INPUT = 2


class UsageError(CoachError):
    """Bad command-line input."""


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error as one line and exit 2, as every sub-command does."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")


def _emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def _notice(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _read_stdin_lines() -> Iterator[str]:
    raw = sys.stdin.buffer.read()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise UsageError(
            f"standard input is not valid UTF-8 (byte {error.start}); save the text as UTF-8 and try again"
        ) from None
    for line in text.splitlines():
        if line.strip():
            yield line


def _text_argument(value: str) -> str:
    """The argument itself, or all of standard input for '-'."""
    if value != "-":
        return value
    return "\n".join(_read_stdin_lines())


def _ladder():
    from coach.ladder import load_ladder

    return load_ladder()


def _level(value: str | None, flag: str) -> str | None:
    if value is None:
        return None
    from coach.profile import resolve_level

    ladder = _ladder()
    level = resolve_level(value, ladder)
    if level is None:
        raise UsageError(f"{flag} '{value}' is not a level I know; use one of: {', '.join(ladder.level_names)}")
    return level


def _focus(value: str | None) -> str | None:
    if value is None:
        return None
    from coach.profile import resolve_focus

    focus = resolve_focus(value)
    if focus is None:
        raise UsageError(f"--focus '{value}' is not understood; use coding, leading or both")
    return focus


def progress_bar() -> Callable[[int, int, str], None]:
    from tqdm import tqdm

    bars: dict[str, Any] = {}

    def progress(done: int, total: int, what: str) -> None:
        if total == 0:
            return
        bar = bars.get(what)
        if bar is None:
            unit = "chunk" if what == "embedding" else "step"
            bar = bars[what] = tqdm(total=total, desc=what, unit=unit, file=sys.stderr, leave=True)
        bar.update(done - bar.n)
        if done >= total:
            bar.close()

    return progress


def _coach(args: argparse.Namespace):
    from coach.resources import build_coach, build_index, build_writer
    from coach.settings import load_settings

    settings = load_settings()
    writer = build_writer(settings)  # fails fast, before the index loads, when the model cannot be set up
    index, report = build_index(settings, progress=progress_bar())
    for problem in report.problems:
        _notice(f"skipped {problem}")
    return build_coach(index, writer), index


# -- sub-commands -----------------------------------------------------------------------------------------------


def cmd_profile(args: argparse.Namespace) -> int:
    from coach.profile import read_profile

    ladder = _ladder()
    texts = list(_read_stdin_lines()) if args.text == "-" else [args.text]
    if not any(text.strip() for text in texts):
        raise UsageError('give a description such as "I\'m an L5 at Google, mostly coding"')
    for text in texts:
        profile = read_profile(text, ladder).as_dict()
        if args.json or args.text == "-":
            _emit_json(profile)
        else:
            print("\n".join(f"{key}: {'unknown' if value is None else value}" for key, value in profile.items()))
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    from coach.profile import Profile

    profile = Profile(
        level=_level(args.level, "--level"), focus=_focus(args.focus), target=_level(args.target, "--target")
    )
    if profile.level:
        profile = Profile(**{**profile.as_dict(), "track": _ladder().level(profile.level).track})
    questions = list(_read_stdin_lines()) if args.question == "-" else [args.question]
    if not questions or not any(question.strip() for question in questions):
        raise UsageError('give a question, e.g. coach ask "How does Lead differ from Staff?"')
    engine, _ = _coach(args)
    failed = 0
    for question in questions:
        try:
            stream = engine.respond(question, profile)
        except CoachError as error:
            if args.question != "-":
                raise
            failed += 1
            _emit_json({"error": str(error), "question": question[:200]}) if args.json else _notice(f"error: {error}")
            continue
        if args.json:
            _emit_json(stream.result().as_dict())
        else:
            for chunk in stream:  # printed as the model writes it
                sys.stdout.write(chunk)
                sys.stdout.flush()
            reply = stream.result()
            print()
            if reply.sources:
                print("\nSources:")
                for number, source in enumerate(reply.sources, 1):
                    print(f"  [{number}] {source.title}: {source.section} ({source.path})")
            if reply.follow_up:
                print(f"\n{reply.follow_up}")
            if reply.notice:
                _notice(f"notice: {reply.notice}")
            if len(questions) > 1:
                print("\n" + "-" * 72 + "\n")
    return EXIT_BAD_INPUT if failed else 0


def cmd_compare(args: argparse.Namespace) -> int:
    from coach.compare import compare_roles

    first, second = _level(args.role_a, "ROLE_A"), _level(args.role_b, "ROLE_B")
    assert first is not None and second is not None
    if first == second:
        raise UsageError(f"both roles are {first}; name two different roles, e.g. coach compare Lead Staff")
    engine, _ = _coach(args)
    comparison = compare_roles(engine.ladder, engine.retriever, first, second)
    if args.json:
        _emit_json(comparison.as_dict())
    else:
        print(comparison.markdown)
    return 0


def cmd_plan(args: argparse.Namespace) -> int:
    from coach.plans import build_plan
    from coach.profile import Profile

    level = _level(args.level, "--level")
    focus = _focus(args.focus)
    target = _level(args.target, "--target")
    assert level is not None and focus is not None
    engine, _ = _coach(args)
    plan = build_plan(engine.ladder, engine.retriever, level, focus, target)
    if engine.writer is not None:
        plan, notice = engine.writer.write_plan(plan, Profile(level=level, focus=focus, target=plan.target))
        if notice:
            _notice(f"notice: {notice}")
    if args.json:
        _emit_json(plan.as_dict())
    else:
        print(plan.markdown)
    return 0


def cmd_brag(args: argparse.Namespace) -> int:
    from coach.brag import draft_entries, render_markdown
    from coach.conversation import clean_message
    from coach.profile import Profile
    from coach.resources import build_writer
    from coach.settings import load_settings

    level = _level(args.level, "--level")
    text = clean_message(_text_argument(args.text))
    writer = build_writer(load_settings())
    entries = tuple(draft_entries(text, _ladder()))
    if writer is not None:
        entries, notice = writer.write_brag(entries, Profile(level=level))
        if notice:
            _notice(f"notice: {notice}")
    if args.json:
        _emit_json({"entries": [entry.as_dict() for entry in entries], "markdown": render_markdown(list(entries))})
    else:
        print(render_markdown(list(entries)))
    return 0


def cmd_index(args: argparse.Namespace) -> int:
    from coach.embeddings import load_embeddings
    from coach.index import KnowledgeIndex
    from coach.settings import load_settings

    settings = load_settings()
    index = KnowledgeIndex(settings.index_dir, settings.all_knowledge_dirs(), load_embeddings(settings.model_dir))
    report = index.refresh(progress_bar(), rebuild=args.rebuild)
    for problem in report.problems:
        _notice(f"skipped {problem}")
    summary = {
        "chunks": report.total_chunks,
        "sentences": report.sentences,
        "embedded": report.embedded,
        "deleted": report.deleted,
        "rebuilt": report.rebuilt,
        "skipped_files": list(report.problems),
        "index_dir": str(settings.index_dir),
    }
    if args.json:
        _emit_json(summary)
    else:
        print(
            f"index ready: {report.total_chunks} chunks and {report.sentences} sentences ({report.embedded} chunks "
            f"embedded, {report.deleted} removed) in {settings.index_dir}"
        )
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from coach.evaluation import QUESTION_SETS, format_table, load_questions, score_retriever
    from coach.resources import build_retriever
    from coach.retrieval import MODES, HybridRetriever

    _, index = _coach(args)
    questions = load_questions(QUESTION_SETS[args.set])
    rows = []
    for mode in MODES:
        retriever = build_retriever(index, mode=mode)

        def rank(question: str, retriever: HybridRetriever = retriever) -> list[tuple[str, str]]:
            return [(item.chunk.path, item.chunk.section) for item in retriever.retrieve(question, k=10)]

        rows.append(score_retriever(mode, rank, questions))
    if args.json:
        _emit_json({"set": args.set, "questions": len(questions), "retrievers": [row.as_dict() for row in rows]})
    else:
        print(format_table(rows))
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    import tempfile
    from pathlib import Path

    from coach.bench import format_report, run_bench, save_result
    from coach.embeddings import load_embeddings
    from coach.evaluation import load_questions
    from coach.settings import load_settings

    if args.questions is not None and args.questions < 1:
        raise UsageError("--questions must be at least 1")
    try:
        scales = [int(part) for part in args.scales.split(",") if part.strip()]
    except ValueError:
        scales = []
    if not scales or min(scales) < 1:
        raise UsageError(f"--scales '{args.scales}' must be whole numbers of at least 1, such as 1,10,100")
    if args.cold_runs < 1:
        raise UsageError("--cold-runs must be at least 1")
    settings = load_settings()
    questions = load_questions()[: args.questions]
    with tempfile.TemporaryDirectory(prefix="coach-bench-") as workdir:
        result = run_bench(
            settings.knowledge_dirs,
            questions,
            load_embeddings(settings.model_dir),
            settings.model_dir,
            Path(workdir),
            progress_bar(),
            scales=scales,
            cold_runs=args.cold_runs,
        )
    _notice(f"results written to {save_result(result, settings.data_dir)}")
    if args.json:
        _emit_json(result)
    else:
        print(format_report(result))
    return 0


def build_parser() -> argparse.ArgumentParser:
    from coach.evaluation import QUESTION_SETS  # light: settings and YAML, which every command loads anyway

    parser = _Parser(prog="coach", description="Career Coach: grounded career advice for software engineers.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    ask = commands.add_parser("ask", help="answer a career question (or '-' for one question per line on stdin)")
    ask.add_argument("question")
    ask.add_argument("--level")
    ask.add_argument("--focus")
    ask.add_argument("--target")
    ask.add_argument("--json", action="store_true")
    ask.set_defaults(run=cmd_ask)

    profile = commands.add_parser("profile", help="read level, focus, target and years from a self-description")
    profile.add_argument("text")
    profile.add_argument("--json", action="store_true")
    profile.set_defaults(run=cmd_profile)

    compare = commands.add_parser("compare", help="compare two roles side by side")
    compare.add_argument("role_a")
    compare.add_argument("role_b")
    compare.add_argument("--json", action="store_true")
    compare.set_defaults(run=cmd_compare)

    plan = commands.add_parser("plan", help="a tailored plan toward the target level")
    plan.add_argument("--level", required=True)
    plan.add_argument("--focus", required=True)
    plan.add_argument("--target")
    plan.add_argument("--json", action="store_true")
    plan.set_defaults(run=cmd_plan)

    brag = commands.add_parser("brag", help="turn accomplishments into brag-doc bullets ('-' reads stdin)")
    brag.add_argument("text")
    brag.add_argument("--level")
    brag.add_argument("--json", action="store_true")
    brag.set_defaults(run=cmd_brag)

    index = commands.add_parser("index", help="build or refresh the knowledge index")
    index.add_argument("--rebuild", action="store_true", help="discard the stored index and build it anew")
    index.add_argument("--json", action="store_true")
    index.set_defaults(run=cmd_index)

    evaluate = commands.add_parser("eval", help="retrieval quality on the labelled questions")
    evaluate.add_argument("--json", action="store_true")
    evaluate.add_argument(
        "--set", choices=sorted(QUESTION_SETS), default="labelled", help="which question set (default: labelled)"
    )
    evaluate.set_defaults(run=cmd_eval)

    bench = commands.add_parser("bench", help="measure quality and speed beside the LangChain and BM25 baselines")
    bench.add_argument("--questions", type=int, help="use only the first N labelled questions")
    bench.add_argument("--scales", default="1,10,100", help="copies of the corpus in the synthetic scale test")
    bench.add_argument("--cold-runs", type=int, default=3, help="new processes timed for each cold start")
    bench.add_argument("--json", action="store_true")
    bench.set_defaults(run=cmd_bench)
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        return int(args.run(args))
    except CoachError as error:
        print(f"coach: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("coach: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
