"""The `coach` command: the same engine as the app, for scripts, evaluation and terminals (see shared CLI contract)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from typing import Any, NoReturn

from coach.errors import CoachError
from coach.records import Focus

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
    from coach.knowledge.ladder import load_ladder

    return load_ladder()


def _level(value: str | None, flag: str) -> str | None:
    if value is None:
        return None
    from coach.understanding.profile import resolve_level

    ladder = _ladder()
    level = resolve_level(value, ladder)
    if level is None:
        raise UsageError(f"{flag} '{value}' is not a level I know; use one of: {', '.join(ladder.level_names)}")
    return level


def _focus(value: str | None) -> Focus | None:
    if value is None:
        return None
    from coach.understanding.profile import resolve_focus

    focus = resolve_focus(value)
    if focus is None:
        raise UsageError(f"--focus '{value}' is not understood; use coding, leading or both")
    return focus


def _profile(args: argparse.Namespace):
    """The profile the flags give (--level, --focus, --target), with the level's track."""
    from coach.records import Profile

    level = _level(getattr(args, "level", None), "--level")
    return Profile(
        level=level,
        focus=_focus(getattr(args, "focus", None)),
        target=_level(getattr(args, "target", None), "--target"),
        track=_ladder().level(level).track if level else None,
    )


def _coach(args: argparse.Namespace):
    """The engine from settings, with index progress on stderr; a broken model setting fails before the index loads."""
    from coach.engine import open_coach
    from coach.progress import progress_bar
    from coach.settings import load_settings

    engine = open_coach(load_settings(), progress=progress_bar())
    for problem in engine.index.problems:
        _notice(f"skipped {problem}")
    return engine


# -- sub-commands -----------------------------------------------------------------------------------------------


def cmd_profile(args: argparse.Namespace) -> int:
    from coach.settings import load_settings
    from coach.understanding.profile import ProfileReader

    reader = ProfileReader(_ladder(), cache_dir=load_settings().index_dir)
    texts = list(_read_stdin_lines()) if args.text == "-" else [args.text]
    if not any(text.strip() for text in texts):
        raise UsageError('give a description such as "I\'m an L5 at Google, mostly coding"')
    for text in texts:
        profile = reader.read(text).model_dump(exclude={"company"})  # the fields of CLI-CONTRACT.md
        if args.json or args.text == "-":
            _emit_json(profile)
        else:
            shown = {key: f"{value:g}" if isinstance(value, float) else value for key, value in profile.items()}
            print("\n".join(f"{key}: {'unknown' if value is None else value}" for key, value in shown.items()))
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    profile = _profile(args)
    questions = list(_read_stdin_lines()) if args.question == "-" else [args.question]
    if not questions or not any(question.strip() for question in questions):
        raise UsageError('give a question, e.g. coach ask "How does Lead differ from Staff?"')
    engine = _coach(args)
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
            _emit_json(stream.result().contract())
        else:
            for chunk in stream:  # printed as the model writes it
                sys.stdout.write(chunk)
                sys.stdout.flush()
            reply = stream.result()
            _print_after_answer(reply)
            if len(questions) > 1:
                print("\n" + "-" * 72 + "\n")
    return EXIT_BAD_INPUT if failed else 0


def _print_after_answer(reply: Any) -> None:
    """After a streamed answer: its sources, the question back to the person, and any notice (on stderr)."""
    print()
    if reply.sources:
        print("\nSources:")
        for number, source in enumerate(reply.sources, 1):
            print(f"  [{number}] {source.title}: {source.section} ({source.path})")
    if reply.follow_up:
        print(f"\n{reply.follow_up}")
    if reply.notice:
        _notice(f"notice: {reply.notice}")


def _chat_lines(as_json: bool) -> Iterator[str]:
    """The person's turns: typed at a prompt on a terminal, else one per line of standard input (with --json, a
    line may be {"content": "..."} so that one message can hold line breaks)."""
    if sys.stdin.isatty():
        while True:
            try:
                yield input("you> ")
            except EOFError:
                return
    for line in _read_stdin_lines():
        if as_json and line.lstrip().startswith("{"):
            try:
                yield str(json.loads(line)["content"])
            except (ValueError, KeyError, TypeError):
                raise UsageError(f'a JSON input line must be {{"content": "..."}}: {line[:80]}') from None
        else:
            yield line


def cmd_chat(args: argparse.Namespace) -> int:
    """A conversation with the same engine and memory as the app, kept in a store that ends with the run."""
    import tempfile
    from pathlib import Path

    from coach.engine import InputError
    from coach.storage.store import UserStore, new_workspace_id
    from coach.workspace import Workspace

    profile = _profile(args)
    engine = _coach(args)
    with tempfile.TemporaryDirectory(prefix="coach-chat-") as folder:
        engine = engine.using(engine.writer, UserStore(Path(folder) / "chat.sqlite3"))
        workspace = Workspace(engine, new_workspace_id())
        workspace.save_profile(profile)
        turn = 0
        for text in _chat_lines(args.json):
            if text.strip() == "/new":
                workspace = Workspace(engine, new_workspace_id())
                workspace.save_profile(profile)
                continue
            turn += 1
            try:
                stream = workspace.ask(text)
            except InputError as error:
                workspace.record_problem(error)
                _emit_json({"turn": turn, "error": str(error)}) if args.json else _notice(f"error: {error}")
                continue
            if not args.json:
                for chunk in stream:
                    sys.stdout.write(chunk)
                    sys.stdout.flush()
            reply = stream.result()
            workspace.record_reply(reply)
            if args.json:
                data = {"turn": turn, **reply.contract()}
                if reply.intent == "brag" and reply.entries:
                    data["entries"] = [entry.model_dump(mode="json", include={"original", "bullet", "competencies",
                                       "questions"}) for entry in reply.entries]  # fmt: skip
                _emit_json(data)
            else:
                _print_after_answer(reply)
                print()
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    first, second = _level(args.role_a, "ROLE_A"), _level(args.role_b, "ROLE_B")
    assert first is not None and second is not None
    if first == second:
        raise UsageError(f"both roles are {first}; name two different roles, e.g. coach compare Lead Staff")
    comparison = _coach(args).compare(first, second)
    if args.json:
        _emit_json(comparison.model_dump(mode="json", include={"roles", "rows", "sources", "markdown"}))
    else:
        print(comparison.markdown)
    return 0


def cmd_plan(args: argparse.Namespace) -> int:
    profile = _profile(args)
    plan, notice = _coach(args).plan(profile)
    if notice:
        _notice(f"notice: {notice}")
    if args.json:
        _emit_json(plan.model_dump(mode="json"))
    else:
        print(plan.markdown)
    return 0


def cmd_brag(args: argparse.Namespace) -> int:
    from coach.engine import build_coach, build_writer, clean_message
    from coach.settings import load_settings
    from coach.skills.brag import render_markdown

    profile = _profile(args)
    text = clean_message(_text_argument(args.text))
    # Brag wording needs no index: an engine without one, so a paste is answered without loading the model.
    engine = build_coach(None, build_writer(load_settings()))
    entries, notice = engine.brag(text, profile)
    if notice:
        _notice(f"notice: {notice}")
    if args.json:
        _emit_json({"entries": [entry.model_dump(mode="json") for entry in entries],
                    "markdown": render_markdown(list(entries))})  # fmt: skip
    else:
        print(render_markdown(list(entries)))
    return 0


def cmd_index(args: argparse.Namespace) -> int:
    from coach.progress import progress_bar
    from coach.retrieval.embeddings import load_embeddings
    from coach.retrieval.index import KnowledgeIndex
    from coach.settings import load_settings
    from coach.understanding.intents import IntentClassifier
    from coach.understanding.profile import ProfileReader

    settings = load_settings()
    # With COACH_CHROMA_URL the index is built on the Chroma server, once, for every app replica to read.
    index = KnowledgeIndex(settings.index_dir, settings.all_knowledge_dirs(), load_embeddings(settings.model_dir),
                           server_url=settings.chroma_url)  # fmt: skip
    report = index.refresh(progress_bar(), rebuild=args.rebuild)
    for problem in report.problems:
        _notice(f"skipped {problem}")
    # The learned readers of messages are trained once here and kept beside the index.
    IntentClassifier(index.embeddings, cache_dir=settings.index_dir)
    ProfileReader(_ladder(), cache_dir=settings.index_dir)
    summary = {
        "chunks": report.total_chunks,
        "sentences": report.sentences,
        "embedded": report.embedded,
        "deleted": report.deleted,
        "rebuilt": report.rebuilt,
        "skipped_files": list(report.problems),
        "index_dir": str(settings.index_dir),
        "chroma_url": settings.chroma_url,
    }
    if args.json:
        _emit_json(summary)
    else:
        print(
            f"index ready: {report.total_chunks} chunks and {report.sentences} sentences ({report.embedded} chunks "
            f"embedded, {report.deleted} removed) in {settings.chroma_url or settings.index_dir}"
        )
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    """Retrieval on a question set, then understanding: intents and profiles on held-out messages, and the
    multi-turn conversations, each check of each turn."""
    from coach.bench import evaluation
    from coach.engine import build_retriever
    from coach.knowledge.data import read_data
    from coach.retrieval.search import MODES, HybridRetriever

    engine = _coach(args)
    questions = evaluation.load_questions(evaluation.QUESTION_SETS[args.set])
    rows = []
    for mode in MODES:
        retriever = build_retriever(engine.index, mode=mode)

        def rank(question: str, retriever: HybridRetriever = retriever) -> list[tuple[str, str]]:
            return [(item.chunk.path, item.chunk.section) for item in retriever.retrieve(question, k=10)]

        rows.append(evaluation.score_retriever(mode, rank, questions))
    intents = {
        name: evaluation.intent_accuracy(engine.understand, evaluation.load_labelled(f"intents-{name}.yaml"))
        for name in ("heldout", "fresh")
    }
    profiles = {
        "training": evaluation.profile_accuracy(engine.read_profile, read_data("profiles.yaml")["profiles"]),
        "heldout": evaluation.profile_accuracy(engine.read_profile, evaluation.load_labelled("profiles-heldout.yaml")),
        **{f"heldout{n}": evaluation.profile_accuracy(
            engine.read_profile, evaluation.load_labelled(f"profiles-heldout-{n}.yaml")) for n in (7, 8, 9)},
    }  # fmt: skip
    checks = evaluation.conversation_checks(engine, evaluation.load_labelled("conversations.yaml"))
    failed = [check for check in checks if not check.passed]
    from coach.records import Profile

    brag = evaluation.brag_scores(lambda paste: engine.brag(paste, Profile())[0])
    understanding = {
        "intent_accuracy_heldout": round(intents["heldout"][0], 4),
        "intent_accuracy_fresh": round(intents["fresh"][0], 4),
        "profile_whole_training": round(profiles["training"][0], 4),
        "profile_whole_heldout": round(profiles["heldout"][0], 4),
        "profile_fields_heldout": round(profiles["heldout"][1], 4),
        "profile_whole_heldout7": round(profiles["heldout7"][0], 4),
        "profile_fields_heldout7": round(profiles["heldout7"][1], 4),
        "profile_whole_heldout8": round(profiles["heldout8"][0], 4),
        "profile_fields_heldout8": round(profiles["heldout8"][1], 4),
        "profile_whole_heldout9": round(profiles["heldout9"][0], 4),
        "profile_fields_heldout9": round(profiles["heldout9"][1], 4),
        "conversation_checks": len(checks),
        "conversation_pass_rate": round(1 - len(failed) / max(len(checks), 1), 4),
    }
    if args.json:
        _emit_json({"set": args.set, "questions": len(questions), "retrievers": [row.as_dict() for row in rows],
                    "understanding": understanding,
                    "brag": {name: scores.as_dict() for name, scores in brag.items()},
                    "failed_checks": [vars(check) for check in failed]})  # fmt: skip
    else:
        print(evaluation.format_table(rows))
        print(
            f"\nintents: held-out {intents['heldout'][0]:.3f} (it helped choose the classifier's settings), fresh "
            f"held-out {intents['fresh'][0]:.3f} (never used to choose anything)\n"
            f"profiles, whole: training set {profiles['training'][0]:.3f}, held-out {profiles['heldout'][0]:.3f} "
            f"(fields {profiles['heldout'][1]:.3f}), seventh held-out set {profiles['heldout7'][0]:.3f} "
            f"(fields {profiles['heldout7'][1]:.3f}), eighth {profiles['heldout8'][0]:.3f} "
            f"(fields {profiles['heldout8'][1]:.3f}), ninth {profiles['heldout9'][0]:.3f} "
            f"(fields {profiles['heldout9'][1]:.3f}); each was read after its first blind score (in its header)\n"
            f"conversations: {len(checks) - len(failed)} of {len(checks)} checks passed "
            f"({understanding['conversation_pass_rate']:.3f})"
        )
        for check in failed:
            print(f"  {check.conversation} turn {check.turn} {check.what}: expected {check.expected}, got "
                  f"{check.got} ({check.say[:70]!r})")  # fmt: skip
        print("\n" + "\n".join(evaluation.format_brag(name, scores) for name, scores in brag.items()))
    return 0


def cmd_bench_team(args: argparse.Namespace) -> int:
    """Concurrent chat sessions through the team stack's front door, one replica and then two, on loopback."""
    from coach.bench.report import save_result
    from coach.bench.team import bench_in, format_team_report
    from coach.settings import load_settings

    if not 1 <= args.sessions <= 64:
        raise UsageError("--sessions must be between 1 and 64")
    if not 1 <= args.seconds <= 600:
        raise UsageError("--seconds must be between 1 and 600")
    settings = load_settings()
    result = bench_in(settings.data_dir, args.sessions, args.seconds, say=_notice)
    _notice(f"results written to {save_result({'team': result}, settings.data_dir)}")
    if args.json:
        _emit_json(result)
    else:
        print(format_team_report(result))
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    import tempfile
    from pathlib import Path

    if args.team:
        return cmd_bench_team(args)

    from coach.bench.evaluation import load_questions
    from coach.bench.report import format_report, save_result
    from coach.bench.run import run_bench
    from coach.progress import progress_bar
    from coach.retrieval.embeddings import load_embeddings
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
    from coach.bench.evaluation import QUESTION_SETS  # light: settings and YAML, which every command loads anyway

    parser = _Parser(prog="coach", description="Career Coach: grounded career advice for software engineers.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    ask = commands.add_parser("ask", help="answer a career question (or '-' for one question per line on stdin)")
    ask.add_argument("question")
    ask.add_argument("--level")
    ask.add_argument("--focus")
    ask.add_argument("--target")
    ask.add_argument("--json", action="store_true")
    ask.set_defaults(run=cmd_ask)

    chat = commands.add_parser("chat", help="a conversation: typed turns, or one message per line of stdin")
    chat.add_argument("--level")
    chat.add_argument("--focus")
    chat.add_argument("--json", action="store_true")
    chat.set_defaults(run=cmd_chat)

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
    bench.add_argument("--team", action="store_true", help="load the team stack: 1 replica vs 2, through nginx")
    bench.add_argument("--sessions", type=int, default=8, help="--team: concurrent chat sessions")
    bench.add_argument("--seconds", type=float, default=30.0, help="--team: how long each configuration is loaded")
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
