"""Brag-doc drafting: accomplishments as people paste them, split into entries and reworded as a past-tense verb of
what they did, with the measured result first when there is one and a question for the result when there is none.

Every rewording step only drops, moves or re-inflects the person's words, plus a plain verb ("Cut", "Shipped"); a
step that would change the entry's numbers is not applied, so a bullet keeps every number and adds none.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any

from coach.errors import CoachError
from coach.knowledge.data import KNOWLEDGE_DIR, read_data
from coach.knowledge.ladder import Ladder
from coach.records import BragEntry
from coach.skills.layouts import as_lines
from coach.text import LIST_ITEM, sentences, terms
from coach.text_verbs import (
    WorkVerbs,
    gerund,
    is_gerund,
    is_known_word,
    is_participle,
    is_past_tense,
    is_work_verb,
    parse_work_verbs,
    past_tense,
    reports_work_done,
    strip_lead_in,
    verb_forms,
    verb_lemmas,
)

NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
MAX_ENTRY_CHARS = 600
INTRO_WORDS = 12  # a longer line that reads as no work is still the person's words: an entry, not an intro
FIRST_WORD = re.compile(r"[A-Za-z][\w'/-]*")
# "Alex Kim  10:42 AM", "alex.kim — Today at 9:14", "[10:42] Priya:": who posted a Slack message and when; never
# part of an entry.
_CLOCK = r"\d{1,2}:\d{2}(?:\s*[AaPp]\.?[Mm]\.?)?"
# A display name in capitals ("Alex Kim"), or a handle ("alex.kim", "@priya", "jordan").
_POSTER = r"(?:@[\w.-]+|[a-z][\w-]*[._][\w.-]+|[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,3}|[a-z][\w-]{1,30})"
SLACK_HEADER = re.compile(
    rf"^\s*(?:{_POSTER}\s*(?:[-–—·|,]\s*)?(?:(?i:today|yesterday)\s+(?:(?i:at)\s+)?|\[|\()?{_CLOCK}[\])]?"
    rf"|\[(?:[A-Za-z]{{3,9}}\.?,?\s+)?{_CLOCK}\]\s*{_POSTER}:?)\s*(?:\((?i:in thread|edited)\))?\s*$"
)
# "[10:02] jordan.p: merged the cleanup": who posted and when, before the message on the same line.
# "[Tue 10:15] dev.kim: ...": a day may come before the clock.
_STAMP = rf"\[(?:[A-Za-z]{{3,9}}\.?,?\s+)?{_CLOCK}\]"
SLACK_PREFIX = re.compile(
    rf"^\s*(?:(?:{_STAMP}\s*{_POSTER}|{_POSTER}\s*{_STAMP})\s*:|{_STAMP}\s*<[\w.|-]+>)\s+(?=\S)"
)  # "[14:02] <jkim> built the CLI": an IRC nick in angle brackets

# "> what did you ship this week?": somebody else's question, quoted; never part of an entry.
QUOTED_QUESTION = re.compile(r"^\s*(?:>\s*|[\"“]).*\?[\"”]?\s*$")
# A line that asks the coach something ("q: should i put the Compose migration in?"): no accomplishment.
QUESTION_LINE = re.compile(
    r"^\s*(?:(?:q|question|qq)(?:\s+for\s+(?:you|u|ya))?\s*:\s*\S.*|"
    r"(?:should|can|could|would|do|does|how|why|anyone|any tips)\b[^.!]*\?\s*(?:\(q\)|lol|lmao|haha|pls|plz|thx)?)\s*$",
    re.IGNORECASE,
)
HEADING = re.compile(r"^\s*#{1,6}\s+")
# "*What did you do yesterday?*", "**Reliability**": a whole line in emphasis is a heading over what follows.
EMPHASIS_LINE = re.compile(r"^\s*(\*{1,2}|_{1,2})[^*_]+\1\s*$")
# "Hi all,", "Hey Sanjay,", "Good morning!": a greeting line opens a message, it reports nothing.
GREETING_OPENING = re.compile(
    r"^\s*(?:hi|hey|hello|hiya|dear|good (?:morning|afternoon|evening))\b[\w\s'-]{0,25},", re.I
)
GREETING = re.compile(
    r"^\s*(?:hi|hey|hello|hiya|dear|good (?:morning|afternoon|evening)|morning|yo)\b[\w\s'-]{0,25}[,!.:]?\s*$",
    re.IGNORECASE,
)
# "Subject: ...", and "A: ..." under a form's "Q: ...": labels of the line, no part of the work.
SUBJECT = re.compile(r"^\s*(?:subject|subj|re|fwd?|a|answer)\s*:\s*(?=\S)", re.IGNORECASE)
# "Thanks,\nMarta", "Cheers, Ola", "— Jürgen": the signature under a message.
SIGN_OFF = re.compile(r"^\s*(?:[-–—]+\s*)?[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)?\s*$")
# List markers as people paste them: markdown's, document bullets, dashes, arrows, checkboxes.
ITEM = re.compile(
    rf"(?:{LIST_ITEM.pattern}|^\s*(?:[–—>→✓✔]|\(?[a-z]\)|\(\d{{1,2}}\))\s+)(?:\[[ xX]\]\s+)?|^\s*\[[ xX]\]\s+"
)
EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\ufe0f\u200d\u20e3]+")
SHORTCODE = re.compile(r":[a-z_+-]{2,}:")
# "is live 🎉 thumbnails generate ...": an emoji between two sentences ends the first.
# "👏 12  🚀 5", "3 replies": a chat message's reactions and thread count, under it; "#leadership #growth": a post's
# tags, under it.
CHAT_TRAILER = re.compile(
    rf"^\s*(?:(?:(?:{EMOJI.pattern}|{SHORTCODE.pattern})\s*\d+\s*)+|\d+\s+repl(?:y|ies)|(?:#[\w-]+\s*)+)\s*$"
)
EMOJI_BETWEEN = re.compile(rf"(?<=[\w)])\s*(?:{EMOJI.pattern}|{SHORTCODE.pattern})\s+(?=[A-Za-z])")
ARROW = r"(?:->|→|=>|-->)"
# A line that wrapped goes on after one of these words; a line that ends with one never ends a sentence.
OPEN_ENDINGS = frozenset(
    ("to", "the", "a", "an", "of", "and", "or", "from", "by", "with", "in", "on", "at", "for", "that", "which", "who",
     "whose", "has", "have", "had", "was", "were", "is", "are", "i", "we", "also", "our", "my", "into", "onto", "off",
     "over", "per", "about", "than", "as", "but", "so", "because", "through", "while", "when", "where", "after",
     "before", "no", "not", "without", "zero", "its", "their", "his", "her", "these", "those", "some", "every", "each",
     "via", "across", "between", "among", "under", "within", "toward", "towards", "against", "nor")
)  # fmt: skip
# "onboarding docs", "pairing sessions": a gerund before one of these names a thing rather than an action.
NOUN_AFTER_GERUND = re.compile(
    r"(?:docs?|documentation|flow|process|guide|program|programme|experience|checklist|materials|sessions?|"
    r"pipeline|infrastructure|framework|library|strategy|culture|budget|logic|service|tests?|suite|job|jobs|pages?)\b",
    re.IGNORECASE,
)
BACK_REFERENCE = re.compile(r"\b(?:it|its|them|this|these|those)\b", re.IGNORECASE)
COMPARATIVES = (
    r"(?:faster|slower|quicker|smaller|bigger|cheaper|better|easier|simpler|safer|less|more|fewer|lower|higher)"
)
# The parts of a number people write around it: "~$12k", "2.1s", "99.95%", "3x".
MEASURE = r"(?<![A-Za-z\d.,])[~≈]?\$?\d[\d.,]*\s?(?:%|[kKmMbB]\b|x\b|ms\b|s\b|sec\b|secs\b|min\b|mins\b|minutes\b|m\b|h\b|hrs?\b|hours?\b|[KMGTkmgt][Bb]\b|days?\b|weeks?\b)?"
UNIT_SCALE = {"ms": 0.001, "s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1, "minute": 60, "m": 60, "min": 60,
              "mins": 60, "minutes": 60, "h": 3600, "hr": 3600, "hrs": 3600, "hour": 3600, "hours": 3600, "day": 86400,
              "days": 86400, "week": 604800,
              "weeks": 604800, "k": 1e3, "m_": 1e6, "b": 1e9, "kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12}  # fmt: skip


class BragError(CoachError):
    """The paste cannot be turned into entries; the message says what to paste instead."""


@dataclass(frozen=True)
class MetricKind:
    kind: str
    cues: tuple[str, ...]
    ask: str


@dataclass(frozen=True)
class BragRules:
    verbs: WorkVerbs
    filler: tuple[str, ...]
    intensifiers: tuple[str, ...]
    chatter: tuple[re.Pattern[str], ...]
    chatter_labels: frozenset[str]
    intro_openings: tuple[str, ...]
    intro_heads: tuple[str, ...]
    closers: tuple[str, ...]
    requests: tuple[str, ...]
    plan_openings: tuple[str, ...]
    kept_openings: frozenset[str]
    compound_prefixes: frozenset[str]
    list_titles: tuple[str, ...]
    sign_offs: frozenset[str]
    mentees: tuple[str, ...]
    weak_openings: dict[str, str]
    get_particles: dict[str, str]
    adoption_verbs: tuple[str, ...]
    adoption_phrase: str
    status_words: dict[str, str]
    moved_off: str
    nominal_verbs: dict[str, str]
    change_verbs: dict[str, tuple[str, ...]]
    verb_for_change: dict[str, str]
    faster_verb: str
    artifact_verbs: tuple[tuple[str, tuple[str, ...]], ...]
    fallback_verb: str
    stated_results: tuple[str, ...]
    plain_verbs: dict[str, str]
    scene_verbs: frozenset[str]
    metric_questions: tuple[MetricKind, ...]
    verb_kinds: dict[str, str]
    default_question: str
    scope: tuple[tuple[str, str, tuple[str, ...]], ...]  # (name, suggested level, cues)
    scope_question: str
    scene_words: tuple[str, ...]
    time_labels: frozenset[str]
    plan_labels: frozenset[str]
    future_questions: tuple[str, ...]
    absence: tuple[str, ...]
    another: str  # a pattern: what opens a second achievement in a paragraph
    in_progress: tuple[str, ...]
    in_progress_verb: str
    completion_words: tuple[str, ...]
    start_words: tuple[str, ...]
    joint_gerunds: frozenset[str]
    self_objects: frozenset[str]
    now_result_verbs: dict[str, str]
    duration_verbs: tuple[str, ...]
    uptake_cues: tuple[str, ...]
    uptake_kind: str
    activity_verbs: frozenset[str]
    umbrella_verbs: frozenset[str]
    plan_marks: tuple[str, ...]
    leading_verb_kinds: dict[str, str]
    comparatives: dict[str, tuple[str, ...]]
    duration_nouns: frozenset[str]
    transitive_changes: frozenset[str]
    negative_subjects: tuple[str, ...]
    state_verb: str
    level_verb: str
    state_made_verb: str
    table_columns: dict[str, tuple[str, ...]]
    open_statuses: tuple[str, ...]
    form_fields: dict[str, tuple[str, ...]]

    def ask(self, kind: str | None) -> str:
        return next((item.ask for item in self.metric_questions if item.kind == kind), self.default_question)


def _strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [text for key, item in value.items() for text in (str(key), *_strings(item))]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    return [str(value)]


def parse_rules(raw: dict) -> BragRules:
    # Words of this file can enter a bullet or a question; a digit among them would be a number the user never gave.
    if any(re.search(r"\d", text) for text in _strings(raw)):
        raise ValueError("brag.yaml must not contain digits: bullets carry only the user's numbers")
    by_length = lambda items: tuple(sorted((str(item).lower() for item in items), key=len, reverse=True))  # noqa: E731
    return BragRules(
        verbs=parse_work_verbs(raw),
        filler=by_length(raw["filler"]),
        intensifiers=tuple(raw["intensifiers"]),
        chatter=tuple(re.compile(rf"(?<![\w'-]){pattern}(?![\w'-])", re.IGNORECASE) for pattern in raw["chatter"]),
        chatter_labels=frozenset(raw["chatter_labels"]),
        intro_openings=by_length(raw["intro_openings"]),
        intro_heads=by_length(raw["intro_heads"]),
        closers=by_length(raw["closers"]),
        requests=by_length(raw["requests"]),
        plan_openings=by_length(raw["plan_openings"]),
        kept_openings=frozenset(str(item).lower() for item in raw["kept_openings"]),
        compound_prefixes=frozenset(str(item).lower() for item in raw["compound_prefixes"]),
        list_titles=by_length(raw["list_titles"]),
        sign_offs=frozenset(str(item).lower() for item in raw["sign_offs"]),
        mentees=by_length(raw["mentees"]),
        weak_openings={str(key).lower(): str(value) for key, value in raw["weak_openings"].items()},
        get_particles=dict(raw["get_particles"]),
        adoption_verbs=by_length(raw["adoption_verbs"]),
        adoption_phrase=raw["adoption_phrase"],
        status_words=dict(raw["status_words"]),
        moved_off=raw["moved_off"],
        nominal_verbs=dict(raw["nominal_verbs"]),
        change_verbs={key: tuple(value) for key, value in raw["change_verbs"].items()},
        verb_for_change=dict(raw["verb_for_change"]),
        faster_verb=raw["faster_verb"],
        artifact_verbs=tuple((item["verb"], tuple(item["cues"])) for item in raw["artifact_verbs"]),
        fallback_verb=raw["fallback_verb"],
        stated_results=tuple(raw["stated_results"]),
        plain_verbs={str(key).lower(): str(value) for key, value in raw["plain_verbs"].items()},
        scene_verbs=frozenset(raw["scene_verbs"]),
        metric_questions=tuple(
            MetricKind(item["kind"], tuple(str(cue).lower() for cue in item["cues"]), item["ask"])
            for item in raw["metric_questions"]
        ),
        verb_kinds=dict(raw["verb_kinds"]),
        default_question=raw["default_question"],
        scope=tuple((item["name"], item["level"], tuple(item["cues"])) for item in raw["scope"]),
        scope_question=raw["scope_question"],
        scene_words=by_length(raw["scene_words"]),
        time_labels=frozenset(str(item).lower() for item in raw["time_labels"]),
        plan_labels=frozenset(str(item).lower() for item in raw["plan_labels"]),
        future_questions=by_length(raw["future_questions"]),
        absence=by_length(raw["absence"]),
        another=r"(?:(?:i|we)\s+)?(?:" + "|".join(map(re.escape, by_length(raw["another_openings"]))) + r")\b[,:]?\s*",
        in_progress=by_length(raw["in_progress"]),
        in_progress_verb=raw["in_progress_verb"],
        completion_words=by_length(raw["completion_words"]),
        start_words=by_length(raw["start_words"]),
        joint_gerunds=frozenset(str(item).lower() for item in raw["joint_gerunds"]),
        self_objects=frozenset(str(item).lower() for item in raw["self_objects"]),
        now_result_verbs=dict(raw["now_result_verbs"]),
        duration_verbs=by_length(raw["duration_verbs"]),
        uptake_cues=by_length(raw["uptake_cues"]),
        uptake_kind=raw["uptake_kind"],
        activity_verbs=frozenset(str(item).lower() for item in raw["activity_verbs"]),
        umbrella_verbs=frozenset(str(item).lower() for item in raw["umbrella_verbs"]),
        plan_marks=tuple(str(item) for item in raw["plan_marks"]),
        leading_verb_kinds={str(key).lower(): str(value) for key, value in raw["leading_verb_kinds"].items()},
        comparatives={
            str(key): tuple(str(word).lower() for word in words) for key, words in raw["comparatives"].items()
        },
        duration_nouns=frozenset(str(item).lower() for item in raw["duration_nouns"]),
        transitive_changes=frozenset(str(item).lower() for item in raw["transitive_changes"]),
        negative_subjects=by_length(raw["negative_subjects"]),
        state_verb=raw["state_verb"],
        level_verb=raw["level_verb"],
        state_made_verb=raw["state_made_verb"],
        table_columns={str(kind): tuple(map(str, names)) for kind, names in raw["table_columns"].items()},
        open_statuses=tuple(map(str, raw["open_statuses"])),
        form_fields={str(kind): tuple(map(str, names)) for kind, names in raw["form_fields"].items()},
    )


@lru_cache(maxsize=4)
def load_rules(knowledge_dir: Path = KNOWLEDGE_DIR) -> BragRules:
    return parse_rules(read_data("brag.yaml", knowledge_dir))


def numbers(text: str) -> Counter[str]:
    return Counter(NUMBER.findall(text))


@cache
def _phrase(phrase: str) -> re.Pattern[str]:
    """A phrase as a whole-word pattern, compiled once (hundreds of cues would churn the `re` module's cache)."""
    return re.compile(rf"(?<![\w'-]){re.escape(phrase)}(?![\w'-])", re.IGNORECASE)


def _has_phrase(lowered: str, phrase: str) -> re.Match[str] | None:
    return _phrase(phrase).search(lowered)


# -- which numbers are results ------------------------------------------------------------------------------------


# Units written onto a number ("800ms", "2x", "$12k", "1.2M", "2TB") or after it ("25 min"); other letters on a
# number make a name or a code ("2FA", "5G", "3rd").
ATTACHED_UNIT = re.compile(
    r"(?:%|x|k|K|M|B|bn|ms|s|sec|secs|min|mins|m|h|hr|hrs|d|mo|w|[KMGTkmgt][Bb]|qps|rps|tps)(?![A-Za-z])"
)
SPACED_UNIT = re.compile(
    r"\s(?:%|ms|s|secs?|seconds?|mins?|minutes?|hours?|hrs?|days?|weeks?|months?|years?|[KMGTkmgt][Bb]|x)(?![A-Za-z])"
)


RELEASED = re.compile(
    r"\s+(?:(?:could|can|would|will|finally|is|was|went|got)\s+)?"
    r"(?:ship|shipped|ships|launch|launched|release|released|go out|went out|out|go live|went live|live|rollout|"
    r"rolled out|build|hotfix)\b",
    re.IGNORECASE,
)


def result_numbers(text: str) -> list[str]:
    """The numbers that measure something: not names and codes (Q3, H1, p95, v2, PLAT-412, sev1, tier-1, 2FA,
    502s, BM25), dates, years, clock times, versions ("Postgres 11 to 15", "Node 16 -> 20", "SOC 2") or a bug's
    condition ("the bug where discounts over 100% were allowed")."""
    found = []
    condition = re.search(r"\b(?:bug|issue|problem)\s+(?:where|when|in which)\b", text, re.IGNORECASE)
    versions: set[int] = set()
    for match in NUMBER.finditer(text):
        start, end = match.span()
        before, after = text[:start], text[end:]
        value = match.group(0)
        if condition and start > condition.start():
            continue
        if re.search(r"[A-Za-z][-_+]?$", before) and not re.search(r"(?:^|[\s(])x$", before):  # Q3, PLAT-412, N+1
            continue
        if re.search(r"[A-Za-z]+-\d+-$", before):  # the second part of a code: CVE-2023-34035
            continue
        if re.match(r"[A-Za-z]", after) and not ATTACHED_UNIT.match(after) and not re.match(r"ish\b", after):
            continue  # "140ish" is a number said roughly; "2FA", "S3" are names
        if (
            re.search(r"(?:#|\d[:/])$", before)
            or re.match(r"[:/]\d", after)
            or re.match(r"\s?(?:am|pm)\b", after, re.I)
        ):
            continue
        if re.fullmatch(r"(?:19|20)\d\d", value) and not re.match(r"\s?(?:%|ms|[kKmM]\b)", after):
            continue
        months = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b"
        if re.match(rf"(?:\s*[–-]\s*\d{{1,2}})?\s*{months}", after, re.I) or re.search(
            rf"\b{months}\s*$", before, re.I
        ):
            continue  # "12–16 Aug", "June 3": a date
        # "DDIA ch. 1-2", "phase 2": a place in something; "2-week sprints", "a 3-day offsite": how a thing is set up;
        # "into 2 squads": the parts a thing was split into. None measures what the work changed.
        # "idle timeout was 60s", "a TTL of 300": a setting; "140 upvotes": the demand before the work
        setting = r"\b(?:timeouts?|limits?|thresholds?|ttl|intervals?|window)\s*(?:was|is|of|=|at|to)?\s*$"
        # "short-lived credentials (15 min TTL)": the value of a setting named after it
        setting_after = (
            r"\s*(?:ms|s|sec|secs|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?)?\s*(?:ttl|timeout|expiry)\b"
        )
        # "an alert at 80%", "fails CI when a flag is older than 90 days": the condition a check fires on
        condition_of = r"\b(?:alerts?|alarms?|pages?)\s+(?:at|when|above|over|below)\s*$|\b(?:older|newer) than\s*$"
        if (
            re.search(setting, before, re.I)
            or re.search(condition_of, before, re.I)
            or re.match(setting_after, after, re.I)
        ):
            continue
        if re.match(r"\s+(?:up)?votes\b|\s+thumbs\b|\s+\+1s\b", after, re.I):
            continue
        # The problem, not what the work changed: "was OOMing every ~6h", "silently failing for 2 months",
        # "customers saw delays for ~2h", a limit ("up to 500 files"), a condition ("queue depth > 10k"), an id
        # ("number 4812") and the effort spent ("3 weeks of fighting with state locks").
        changed = re.search(rf"{ARROW}|\bnow\b|\bfrom\b.*\bto\b|\binstead of\b|\b(?:down|up) (?:to|from)\b", text, re.I)
        problem = (
            r"(?:\bevery\s*~?|\b(?:failing|broken|down|flaky|dropping|crashing|leaking|ooming|timing out)\b[^.;]{0,20}"
            r"\bfor\s*~?|\b(?:saw|had|experienced)\s+(?:\w+\s+)?(?:delays?|downtime|errors|an outage|issues)\s+(?:of|for)\s*~?)$"
        )
        if (not changed and re.search(problem, before, re.I)) or re.search(
            r"(?:\bup to|[<>]=?|\b(?:number|no\.|nr\.?|id))\s*~?$", before, re.I
        ):
            continue
        if re.match(r"\s*(?:weeks?|days?|months?|hours?|hrs?)\s+of\s+(?:fighting|work|effort|late nights|debugging|pain)\b",
                    after, re.I):  # fmt: skip
            continue
        place = (
            r"\b(?:ch|chapters?|part|phase|step|round|section|tier|level|sprint|week|wk|iteration|milestone)\.?\s*"
            r"(?:\d+\s*[–-]\s*)?$"
        )
        if re.search(place, before, re.I):
            continue
        if re.match(r"-(?:weeks?|days?|months?|minutes?|hours?|years?|step|person|page|point)\b", after, re.I):
            continue
        if re.search(r"\binto\s+$", before) and re.match(
            r"\s+(?:\w+\s+)?(?:squads|pods|teams|groups|tribes|streams|parts|phases|stages|waves|chunks)\b", after
        ):
            continue
        if re.fullmatch(r"[45]\d\d", value) and re.match(r"s\b|\s(?:errors?|responses?|status)", after):
            continue
        bare = not re.match(r"[%A-Za-z]", after) and not SPACED_UNIT.match(after) and not re.search(r"\$\s?$", before)
        if bare and "." in value and RELEASED.match(after):
            continue  # "so 5.4 could ship", "2.3 went out": a version
        previous = re.search(r"(\S+)\s+\(?$", before)
        version_cue = previous and re.fullmatch(
            r"(?:upgrade|upgraded|upgrading|bumped|bump|version|versions|release|v)",
            previous.group(1).strip("(").lower(),
        )
        opens_sentence = re.search(r"(?:^|[.!?;:]\s+)\S+\s+\(?$", before)
        # "Postgres 15", "iOS 17": a version of something named
        named = (
            previous
            and re.fullmatch(r"[A-Z][A-Za-z]+|[a-z]+[A-Z][A-Za-z]*", previous.group(1).strip("("))
            and not opens_sentence
        )
        partner = re.search(rf"(?:\bto|{ARROW})\s*$", before) and (start - 1) in versions
        # "the React Native upgrade from 0.68 to 0.73": the versions an upgrade went between
        upgraded = re.search(r"\b(?:upgrade[sd]?|upgrading|bump(?:ed|s)?|bumping)\s+from\s+$", before, re.I) or (
            # "bumped react-native 0.72 -> 0.74", "upgraded node 16 -> 20": a pair of versions after what was upgraded
            re.search(r"\b(?:upgrade[sd]?|upgrading|bump(?:ed|s)?|bumping)\s+(?:[\w.-]+\s+){1,3}$", before, re.I)
            and re.match(rf"\s*(?:to|{ARROW})\s*\d", after)
        )
        if bare and (version_cue or named or partner or upgraded):
            versions.add(end)
            # The other side of "11 to 15" is a version too: remember where it starts.
            following = re.match(rf"\s*(?:to|{ARROW})\s*", after)
            if following:
                versions.add(end + following.end() - 1)
            continue
        found.append(value)
    return found


def has_result(text: str, rules: BragRules) -> bool:
    # "about half done" tells how far the work is, not what it changed
    lowered = re.sub(r"(?:~|\b)(?:about |roughly |nearly |over |more than )?half (?:done|finished|complete|way|through)\b",
                     " ", text.lower())  # fmt: skip
    return bool(result_numbers(text)) or any(_has_phrase(lowered, phrase) for phrase in rules.stated_results)


def kind_for(text: str, rules: BragRules) -> str | None:
    """The kind of work an entry names: the thing worked on names it ("wrote the incident response runbook": docs),
    else the kind whose cue comes first ("p95" names latency)."""
    lowered = text.lower()
    if any(_has_phrase(lowered, cue) for cue in rules.uptake_cues):
        return rules.uptake_kind  # "the checklist other orgs have since copied": what to measure is its uptake
    mentees = "|".join(map(re.escape, rules.mentees))
    # the people themselves, not a thing named after them ("built the interns dashboard")
    people = re.match(rf"^[a-z][\w'-]*\s+(?:\S+\s+){{0,2}}?(?:{mentees})(?=\s*(?:[,.;(]|$)|\s+(?:to|with|through|"
                      r"on|into|in|get|ship|land|grow|learn|become|[a-z]+ed)\b)", lowered)  # fmt: skip
    if people:
        return "mentoring"  # "helped 3 juniors ship their first features": the people it was for name the work
    thing = re.match(
        r"^[a-z][\w'-]*\s+(?P<thing>[^,;.()]+?)(?=\s+(?:of|for|in|on|at|to|from|with|around|through|by|across|into|"
        r"onto|off|that|which|so|and)(?![\w'-])|[,;.()]|$)",
        lowered,
    )
    percentile = re.search(r"\bp\d{2,3}\b", lowered)
    best: tuple[int, int, str] | None = (percentile.start(), -1, "latency") if percentile else None
    severity = re.search(r"\bsev-?\d\b", lowered)  # "would have been a sev1": an incident
    if severity and (best is None or severity.start() < best[0]):
        best = (severity.start(), -1, "incidents")
    for order, item in enumerate(rules.metric_questions):
        for cue in item.cues:
            found = _has_phrase(lowered, cue)
            if found and thing and found.end() == thing.end("thing") and found.start() >= thing.start("thing"):
                return item.kind
            if found and (best is None or (found.start(), order) < best[:2]):
                best = (found.start(), order, item.kind)
    if best is None and re.search(r"\bfrom\s+[A-Z][\w.+#-]*\s+to\s+[A-Z]", text):
        return "migration"  # "took the iOS app from Objective-C to Swift": one named thing for another
    return best[2] if best else None


# -- splitting a paste into entries -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pasted:
    """One accomplishment as pasted, with what its heading said: the verb of "Things I shipped in Q3:" and the kind of
    work of "cost stuff this half:"."""

    text: str
    verb: str | None = None
    kind: str | None = None
    ordered: bool = False  # a tracker's title or a commit's subject, written as an order ("add passkey login")


@dataclass
class _Line:
    text: str
    marked: bool
    indent: int
    heading: bool = False
    children: list[str] | None = None
    plan: bool = False  # "🔜 load test the endpoint": still to come
    blank_after: bool = False  # a blank line follows: what stands above one alone may be a title
    posted: bool = False  # a chat message with its poster and time ("[Tue 10:15] dev.kim: ..."): a whole message
    ordered: bool = False  # a row of a pasted table or a commit's subject: its first verb is an order
    whole: bool = False  # a filled-in form ("Situation: / Action: / Result:"): one accomplishment


# "✅ merged the retry middleware": an emoji that opens a line of a list; a short line after one is a heading
# ("🚀 Shipped").
EMOJI_LEAD = re.compile(rf"^\s*(?:{EMOJI.pattern}|{SHORTCODE.pattern})\s*(?=\S)")


def _clean_line(text: str) -> str:
    text = re.sub("\u27a1\ufe0f?", "→", text)  # "2.3s ➡️ 1.1s": an arrow, not an emoji to drop
    text = SHORTCODE.sub(" ", EMOJI_BETWEEN.sub(". ", text))
    return " ".join(EMOJI.sub(" ", text).split())


def _ends_open(text: str) -> bool:
    last = re.findall(r"[\w']+", text.lower())
    return bool(last) and last[-1] in OPEN_ENDINGS and not re.search(r"[.!?:;]\s*$", text)


def _label_line(text: str) -> bool:
    """'blockers: none', 'Done: X': a line that names its own subject before a colon starts afresh."""
    return re.match(r"^[A-Za-z][\w /&()-]{0,24}:\s", text) is not None


def _continues(previous: _Line, text: str, raw: str, rules: BragRules) -> bool:
    """Whether a line goes on with the one before it: a wrapped sentence, or an indented continuation."""
    if previous.heading or text.rstrip().endswith(":") or _label_line(text) or previous.text.rstrip().endswith("?"):
        return False
    lowered = strip_lead_in(text, rules.verbs).replace("\u2019", "'")
    if any(re.match(rf"{re.escape(closer)}\b", lowered) for closer in rules.closers) and not _ends_open(previous.text):
        return False  # "lmk if you want more detail!" under the last item
    if not re.search(r"\w", _strip_chatter(previous.text, rules)):
        return False  # "hi team 👋" over the first line
    if _ends_open(previous.text):
        return True
    if not previous.marked and previous.text[:1].isupper() and _is_label(previous, rules):
        return False  # "People" over "mentoring Priya and Dev"
    if reports_work_done(text, rules.verbs):
        return False
    indent = len(raw) - len(raw.lstrip())
    if not previous.marked and len(previous.text) >= 60 and re.search(r"[\w,]$", previous.text.rstrip()):
        return True  # a paragraph wrapped before a name: "... off the legacy" / "RabbitMQ cluster onto Pulsar"
    return (previous.marked and indent > previous.indent) or not text[:1].isupper()


def _reads_as_work(text: str, rules: BragRules) -> bool:
    """A line that reports something done: a verb of work in a past or -ing form, a result, or a before and after."""
    if has_result(text, rules) or re.search(ARROW, text):
        return True
    words = FIRST_WORD.findall(_strip_chatter(text, rules))
    for index, word in enumerate(words):
        if not is_work_verb(word, rules.verbs):
            continue
        if is_past_tense(word) or is_participle(word):
            return True
        following = words[index + 1] if index + 1 < len(words) else ""
        # "Engineering Manager, Data Platform": a capital gerund inside a line is part of a name, not an action
        if is_gerund(word) and not NOUN_AFTER_GERUND.match(following) and (index == 0 or not word[:1].isupper()):
            return True
    return False


def _introduces(text: str, rules: BragRules) -> bool:
    """'here's what I did this half', 'stuff I shipped in Q3': a line about the list, not an item of it (after a
    greeting too: 'hey! dumping my notes')."""
    lowered = strip_lead_in(_strip_chatter(text, rules), rules.verbs).replace("\u2019", "'")
    if result_numbers(text) or re.search(r":\s+\S", text):
        return False
    starts = [lowered, *(part.strip() for part in re.split(r",|\s[-–—]\s", lowered)[1:])]
    if any(part.startswith(opening) for part in starts for opening in rules.intro_openings):
        return True
    heads = "|".join(map(re.escape, rules.intro_heads))
    return re.match(rf"(?:{heads})\s+(?:that\s+)?(?:i|we|i've|we've)\s+\w+", lowered) is not None


def _aside(text: str, rules: BragRules) -> bool:
    """A last line that closes the paste rather than adds to it: 'blockers: none', 'thanks!', 'lmk if you need more'."""
    lowered = strip_lead_in(text, rules.verbs).replace("\u2019", "'")
    return (
        _label_line(text)
        or text.rstrip().endswith(("!", "?"))
        or any(lowered.startswith(closer) for closer in rules.closers)
    )


STANDUP_LABEL = re.compile(r"^(?P<label>[A-Za-z][\w' /&,+–—-]{0,30}?)\s*:\s*(?P<rest>.*)$")
# "yday - finished the health checks", "tday – pto": a stand-up label set off by a dash instead of a colon.
DASH_LABEL = re.compile(r"^(?P<label>[A-Za-z][\w']*(?:\s[A-Za-z][\w']*)?)\s+[-–—]+\s+(?P<rest>\S.*)$")


def _colon_label(text: str, rules: BragRules) -> str:
    """'yday - fixed X' -> 'yday: fixed X': a time or plan label before a dash reads as one before a colon."""
    match = DASH_LABEL.match(text)
    if match and (_is_time_label(match.group("label"), rules)
                  or " ".join(_label_words(match.group("label"))) in rules.plan_labels):  # fmt: skip
        return f"{match.group('label')}: {match.group('rest')}"
    return text


def _label_words(label: str) -> list[str]:
    return [word for word in re.split(r"[\s/&,+–—-]+", label.lower().replace("\u2019", "'")) if word]


def _is_time_label(label: str, rules: BragRules) -> bool:
    """'Mon', "y'day", 'Wed-Thu', 'this morning': a stand-up label that only says when."""
    words = _label_words(label)
    return bool(words) and (" ".join(words) in rules.time_labels or all(word in rules.time_labels for word in words))


def _absent(text: str, rules: BragRules) -> bool:
    """'OOO', 'out sick', 'PTO after lunch': a line that says only that the person was away."""
    lowered = text.lower().strip(" .!")
    return (
        any(
            (lowered == word or lowered.startswith(f"{word} ")) and len(lowered.split()) <= 14 for word in rules.absence
        )
        and not has_result(text, rules)
        and not reports_work_done(lowered[len(lowered.split()[0]) :], rules.verbs)
    )


def _standup(text: str, rules: BragRules) -> str | None:
    """What a stand-up line is when it is no accomplishment: 'plan' for 'today: finish the migration' (a plan label
    with no work done after it), 'plans' for a plan label over a list ('Next week:'), 'absent' for 'Fri: OOO'."""
    label = STANDUP_LABEL.match(text)
    rest = label.group("rest") if label else text
    if _absent(rest, rules):
        return "absent"
    if label and " ".join(_label_words(label.group("label"))) in rules.plan_labels:
        if not rest.strip():
            return "plans"
        if not reports_work_done(rest, rules.verbs):
            return "plan"
    return None


def _title(text: str, rules: BragRules) -> bool:
    """'handover notes (me -> Kenji)', 'ML team weekly — recsys', 'Promotion packet: Principal track': a first line
    over a blank line that names the message rather than reports work: no verb of work done, no result, no state."""
    lowered = text.lower()
    statuses = "|".join(map(re.escape, rules.status_words))
    return (
        len(text.split()) <= INTRO_WORDS
        and not re.search(r"[.!?]\s*$", text)
        and not reports_work_done(text, rules.verbs)
        and not _starts_with_work(text, rules)
        and (not result_numbers(text) or any(_has_phrase(lowered, title) for title in rules.list_titles))
        and re.search(rf"\b(?:is|are|was|were|now|got|went|{statuses})\b", lowered) is None
    )


def _signs_off(text: str, rules: BragRules) -> bool:
    """'Thanks,', 'Cheers,', 'Best regards,': the line before a signature."""
    lowered = text.lower().strip(" ,.!")
    return lowered in rules.sign_offs or any(
        lowered == closer or lowered.startswith(f"{closer} ") for closer in rules.closers
    )


def _plan_label(text: str, rules: BragRules) -> bool:
    """Whether a line opens with a label of what is still to come ('today: ...', 'next:')."""
    label = STANDUP_LABEL.match(text)
    return label is not None and " ".join(_label_words(label.group("label"))) in rules.plan_labels


def _heading_verb(text: str, rules: BragRules) -> str | None:
    """The verb a heading gives the items under it: 'Things I shipped in Q3:' -> 'shipped'."""
    words = FIRST_WORD.findall(text)
    for index, word in enumerate(words):
        # the heading's own verb ("Shipped:", "Things I shipped in Q3"), not an adjective ("selected contributions")
        said = index == 0 or words[index - 1].lower() in ("i", "we", "i've", "we've", "ive")
        if said and is_past_tense(word) and is_work_verb(word, rules.verbs):
            return word.lower()
    return None


def _is_label(line: _Line, rules: BragRules) -> bool:
    """'Search', 'Performance', 'Smaller stuff': a short title over the items below it."""
    words = line.text.split()
    return len(words) <= 4 and not re.search(r"[.!?]$", line.text) and not _reads_as_work(line.text, rules)


def _is_group_name(text: str, rules: BragRules) -> bool:
    """'Hiring', 'Mentoring', 'On-call': one or two words over sub-items name a group, though they read as work."""
    words = FIRST_WORD.findall(text)
    return 0 < len(text.split()) <= 2 and not result_numbers(text) and not any(is_past_tense(w) for w in words)


def _lines(paste: str, rules: BragRules) -> list[_Line]:
    """Logical lines: wrapped lines joined, sub-items kept under their item, headings marked."""
    lines: list[_Line] = []
    after_blank = True
    pasted = paste.replace("\r\n", "\n").replace("\r", "\n")
    for laid in as_lines(pasted, rules.table_columns, rules.open_statuses, rules.form_fields, MAX_ENTRY_CHARS):
        raw, ordered = laid.text.replace("\t", "    "), laid.ordered
        commit = CONVENTIONAL_COMMIT.match(raw)
        if commit:  # "feat(auth): add passkey (WebAuthn) login": the subject, an order like a tracker's title
            raw, ordered = f"- {raw[commit.end() :]}", True
        if raw.strip() and CHAT_TRAILER.match(raw):
            continue
        if not raw.strip():
            after_blank = True
            if lines:
                lines[-1].blank_after = True
            continue
        posted = SLACK_PREFIX.match(raw) is not None  # a message of its own, never the wrap of the one before
        raw = SUBJECT.sub("", SLACK_PREFIX.sub("", raw))
        if (SLACK_HEADER.match(raw) or HEADING.match(raw) or QUOTED_QUESTION.match(raw) or QUESTION_LINE.match(raw)
                or GREETING.match(raw) or EMPHASIS_LINE.match(raw)):  # fmt: skip
            lines.append(_Line(_clean_line(HEADING.sub("", raw)).strip("*_ "), False, 0, heading=True))
            after_blank = False
            continue
        marker = ITEM.match(raw)
        text = _colon_label(_clean_line(ITEM.sub("", raw, count=1)), rules)
        indent = len(raw) - len(raw.lstrip())
        if not re.search(r"\w", text):
            continue
        after_marker = raw[marker.end() :] if marker else raw
        plan = any(after_marker.lstrip().startswith(mark) or raw.lstrip().startswith(mark) for mark in rules.plan_marks)
        emoji_item = marker is None and EMOJI_LEAD.match(raw) is not None and len(text.split()) > 3
        previous = lines[-1] if lines else None
        if posted and previous is not None and previous.posted and not after_blank and not (marker or emoji_item):
            # One person's messages in a row are sentences of one paragraph, each complete: whether the next is
            # another achievement or the result of the one before is the paragraph's to tell.
            previous.text = f"{previous.text.rstrip(' .')}. {text}"
            continue
        if previous is not None and not after_blank and not posted:
            if (marker or emoji_item) and previous.marked and indent > previous.indent:
                previous.children = [*(previous.children or []), text]
                after_blank = False
                continue
            if not (marker or emoji_item or plan) and previous.children and _continues(previous, text, raw, rules):
                previous.children[-1] = f"{previous.children[-1]} {text}"
                continue
            if not (marker or emoji_item or plan) and not previous.children and _continues(previous, text, raw, rules):
                previous.text = f"{previous.text} {text}"
                continue
        lines.append(_Line(text, marker is not None or emoji_item or plan, indent, plan=plan, posted=posted,
                           ordered=ordered, whole=laid.whole))  # fmt: skip
        after_blank = False
    return lines


def _achievements(text: str, rules: BragRules) -> list[str]:
    """A paragraph's separate achievements: a sentence opening with 'Also', '; also', and a second verb after
    'and' that starts an unrelated piece of work ('closed the OKR and paired with Sam on his first on-call')."""
    # "fixed the login bug; shipped the importer": two reports side by side.
    # A scene before the semicolon ("a bad config push went out Wednesday; I reverted it in 5 minutes") is the same
    # piece of work as the report after it.
    reports = [m.end() for m in re.finditer(r";\s+", text) if reports_work_done(text[m.end() :], rules.verbs)
               and _starts_with_work(re.split(r";\s+", text[: m.start()])[-1], rules)]  # fmt: skip
    cuts = [
        0,
        *(at for at in reports if _change_statement(re.split(r"[;.]\s", text[at:])[0], rules) is None),
        len(text),
    ]
    parts: list[str] = []
    for chunk in (text[a:b].strip().rstrip(";").strip() for a, b in pairwise(cuts)):
        first = True
        said = sentences(chunk)
        kept = [sentence for sentence in said if not _talk(sentence, rules)]
        if not kept:
            continue  # "gonna look at the synonym config next week": all talk, no accomplishment
        for sentence in kept:
            opens = re.match(rules.another, sentence, re.IGNORECASE)
            another = opens and _reports_work(sentence[opens.end() :], rules)
            if first or another or _another_piece(parts[-1], sentence, rules):
                parts.append(sentence)
            else:
                parts[-1] = f"{parts[-1]} {sentence}"
            first = False
    return [piece for part in parts for piece in _split_and(part, rules)]


FORM_QUESTION = re.compile(
    r"^[*_]*(?:what|which|how|where|any|anything|is there|describe|tell us|list)\b.*\b(?:you|your)\b.*\?[*_]*$",
    re.IGNORECASE,
)  # "*What did you do yesterday?*": a stand-up bot's question, in its emphasis


def _form_question(line: _Line, rules: BragRules) -> bool:
    """A review form's question to the person, on a line of its own: 'What are you most proud of?'."""
    return not line.marked and FORM_QUESTION.match(line.text.strip()) is not None and not result_numbers(line.text)


def _talk(sentence: str, rules: BragRules) -> bool:
    """A sentence in a paragraph that talks to the coach or about the day rather than reports work: 'Hello, I need
    bullets for my promotion doc please.', 'my manager said i should start keeping a brag doc', 'idk if thats
    brag-worthy??', 'today i have a 1:1 with her at 3'."""
    sentence = _strip_chatter(sentence, rules)  # "not sure if this counts but I also did ..."
    if not re.search(r"\w", sentence):
        return True  # "so proud of the team", "btw i'm really nervous about my review lol": a feeling
    if re.fullmatch(r"\s*(?:nope|none|nothing|no|nah|n/?a|not really|nothing yet|all good)[.!]*\s*", sentence, re.I):
        return True  # "Anything blocking you?" / "Nope": an answer that reports nothing
    lowered = strip_lead_in(sentence, rules.verbs).replace("\u2019", "'")
    first = FIRST_WORD.match(lowered)
    if first is not None and first.group(0) in rules.plan_labels:
        return not _reports_work(lowered[first.end() :], rules)
    if not result_numbers(sentence) and any(
        re.match(rf"{re.escape(opening)}\b", text)
        for text in (lowered, sentence.lower())
        for opening in rules.plan_openings
    ):
        return True  # "gonna look at the synonym config next", "I'd like to be considered for TL": still to come
    if _reports_work(sentence, rules) or result_numbers(sentence):
        return False
    if re.match(r"how\s+(?:the|my|our|we|everyone)\b", lowered) and not sentence.rstrip().endswith("?"):
        return True  # "Honestly how the team handled the crunch.": what they are proud of, not what they did
    if GREETING_OPENING.match(sentence) and re.search(
        r"\b(?:summari[sz]ing|recapping|sharing|here'?s|here is|below)\b", lowered
    ):
        return True  # "Hi Priyanka, summarizing the security work from my side."
    if any(re.match(rf"{re.escape(closer)}\b(?!\s+to\b)", lowered) for closer in rules.closers):
        return True  # "Thank you so much!", though "thanks to lazy-loading the modules" tells how
    away = [word for word in rules.absence if word not in ("out", "off", "away", "offline")]
    if any(_has_phrase(lowered, word) for word in away):
        return True  # "I go to vacation two weeks in August, so less things"
    return sentence.rstrip().endswith("?") or any(_has_phrase(lowered, phrase) for phrase in rules.requests)


def _reports_work(text: str, rules: BragRules) -> bool:
    """A report of work done, or of a noun of work done ('I do onboarding of new colleague Mehmet')."""
    lowered = strip_lead_in(text, rules.verbs)
    done = re.match(r"(?:(?:i|we)\s+)?(?:do|does|did|was doing|were doing)\s+", lowered)
    return (
        reports_work_done(text, rules.verbs)
        or (done is not None and _did_nominal(lowered[done.end() :], rules) is not None)
        or _finished_nominal(re.sub(r"^(?:(?:i|we)\s+)?(?:also\s+)?", "", lowered), rules) is not None
    )


def _new_subject(before: str, sentence: str, rules: BragRules) -> bool:
    """'Our dependency scanning now blocks merges on critical CVEs. The bug bounty program paid out $18.5k ...': a
    sentence about a thing of its own, with its own result, that the sentence before never named."""
    words = FIRST_WORD.findall(sentence)[:7]
    if not words or words[0].lower() not in ("the", "our", "my") or len(before.split()) < 6:
        return False
    if not (result_numbers(sentence) or re.search(r"\bnow\b", sentence)):
        return False
    for index, verb in enumerate(words[2:], 2):  # a subject of at least one word, then its verb
        present = words[index - 1].lower() == "now" and verb.endswith("s") and is_work_verb(verb[:-1])
        if (is_past_tense(verb) and is_work_verb(verb)) or present:
            index -= present  # "our scanning now blocks": "now" is not part of the subject
            subject = [word.lower() for word in words[1:index]]
            if any(word in rules.nominal_verbs or word in ("new", "work", "change", "project") for word in subject):
                return False  # "The migration moved 2.3M accounts": the work just told, by its noun
            named = {word for word in terms(" ".join(subject)) if len(word) > 3}
            return bool(named) and not named & terms(before)
    return False


def _another_piece(before: str, sentence: str, rules: BragRules) -> bool:
    """'Handled the Sev1 on tuesday. Wrote the postmortem too': after a report of work, a sentence that opens with
    a verb of work done is another achievement, unless it points back ('Moved everything to ...'), gives the result
    of the work before ('Went from 3.1s to 1.4s'), fills in what the first sentence owned or led ('Owned search
    relevance. Rebuilt the query parser ...'), or lists the steps behind a result ('Cut p99 from 1.8s to 450ms.
    Profiled the resolvers, batched the lookups ...')."""
    if _new_subject(before, sentence, rules) or CONTRIBUTION.match(sentence):
        return True
    if not _opens_with_work(sentence, rules) or not _opens_with_work(STANDUP_LABEL.sub(r"\g<rest>", before), rules):
        return False
    # What points back does so near the verb ("Rolled it out to ..."); an "it" later on is the sentence's own thing
    # ("Deprecated the old client so nobody starts new work on it").
    near = " ".join(re.split(r"[,;]", sentence)[0].split()[:4])
    if BACK_REFERENCE.search(near) or re.search(r"\b(?:everything|the rest)\b", near, re.I):
        return False
    if _change_statement(sentence, rules) or re.match(r"(?:i\s+)?(?:went|got|brought|took)\b", sentence, re.I):
        return False
    owns = any(set(verb_lemmas(word)) & rules.umbrella_verbs for word in FIRST_WORD.findall(before)[:8])
    if owns and not re.search(r"[.!?]\s", before):
        return False
    return not (_measured_change(before) and not result_numbers(sentence) and _series(sentence, rules))


def _split_and(text: str, rules: BragRules) -> list[str]:
    # "and then Friday I gave a brown-bag": a day between "then" and the verb
    days = "|".join(re.escape(label) for label in sorted(rules.time_labels, key=len, reverse=True) if len(label) > 2)
    pattern = re.compile(rf"\s+(?:and|&)\s+(?P<then>then\s+(?:on\s+)?(?:(?:{days})\s+)?)?(?:also\s+)?(?:(?:i|we)\s+)?"
                         r"(?P<verb>[A-Za-z]+)\b(?![-'])", re.I)  # fmt: skip
    for match in pattern.finditer(text):
        left, right = text[: match.start()].rstrip(" ,"), text[match.start() :].strip()
        right = re.sub(r"^(?:and|&)\s+", "", right, flags=re.IGNORECASE)
        if match.group("then") and match.group("then").split()[1:]:  # the day is when, not what: "gave a brown-bag"
            right = re.sub(rf"^then\s+(?:on\s+)?(?:{days})\s+", "then ", right, flags=re.IGNORECASE)
        before = FIRST_WORD.findall(left)
        if (
            len(before) < 3
            or not is_past_tense(match.group("verb"))
            or not is_work_verb(match.group("verb"), rules.verbs)
        ):
            continue
        if is_past_tense(before[-1]) or is_participle(before[-1]) or is_gerund(before[-1]):
            continue  # "designed and rolled out": one piece of work with two verbs
        if not match.group("then") and _series(left, rules):
            continue  # "took over X, got sign-off on Y, and shipped Z": one piece of work told in steps
        kinds = kind_for(left, rules), kind_for(right, rules)
        # "designed the isolation model and wrote the RFC": a document written beside work of no named kind is that
        # work's write-up, not a second achievement
        # ("led the response to the failover and wrote the postmortem" too)
        different = kinds[0] != kinds[1] and kinds[1] != "docs"
        if any(set(verb_lemmas(word)) & rules.umbrella_verbs for word in before[:3] if is_past_tense(word)):
            continue  # "owned the indexing pipeline and cut its lag from 15 min to 40 s": what was owned, then how
        if BACK_REFERENCE.search(re.split(r"[,;]", right)[0]):
            # "... and ran the review sessions for it" is one piece of work; "built the tool, and then trained the
            # team on it" is two, when what "it" stands for can be named from the person's words.
            referent = _referent(left, rules) if match.group("then") and different else None
            if referent is None:
                continue
            right = BACK_REFERENCE.sub(referent, right, count=1)
            return [left, *_split_and(right, rules)]
        if (match.group("then") and kinds[0] != kinds[1]) or different:
            return [left, *_split_and(right, rules)]
    return [text]


def _series(text: str, rules: BragRules) -> bool:
    """Whether a clause already lists steps after commas ('I profiled the resolvers, batched the lookups')."""
    return any(_is_past_work(m.group(1), rules) for m in re.finditer(r",\s+(?:(?:i|we)\s+)?([a-z]+)\b", text, re.I))


def _referent(text: str, rules: BragRules) -> str | None:
    """What 'it' stands for after a clause: the thing its first verb worked on, up to the word that names its kind
    ('built the internal tool growth uses to ...' -> 'the internal tool'); None when that cannot be told."""
    stripped, _ = _drop_subject(text, rules)
    thing = re.match(r"^[A-Za-z][\w'-]*\s+(?P<thing>(?:the|a|an|our|my)\s+[^,;.()]+?)(?=\s+(?:of|for|in|on|at|to|from|"
                     r"with|by|that|which|so|and)(?![\w'-])|[,;.()]|$)", stripped, re.IGNORECASE)  # fmt: skip
    if not thing:
        return None
    words = thing.group("thing").split()
    lowered = [word.lower() for word in words]
    cues = {cue for item in rules.metric_questions for cue in item.cues if " " not in cue}
    cues |= {cue for _, items in rules.artifact_verbs for cue in items if " " not in cue}
    last = max((index for index, word in enumerate(lowered) if word in cues), default=None)
    if last is None:
        return " ".join(words) if len(words) <= 4 else None
    return re.sub(r"^(?:our|my)\b", "the", " ".join(words[: last + 1]), flags=re.IGNORECASE)


def paste_entries(paste: str, rules: BragRules | None = None) -> list[Pasted]:
    """The accomplishments of a paste, as people paste them: list items and lines are entries, a wrapped sentence is
    one entry, a line that only introduces the list ("Things I shipped in Q3:", "standup notes") is none, and a second
    achievement in a paragraph ("... Also, trained 5 engineers") is an entry of its own."""
    rules = rules or load_rules()
    lines = _lines(paste, rules)
    found: list[Pasted] = []
    verb: str | None = None
    kind: str | None = None
    planning = False  # under "Next week:" or "today:", items are plans unless they report work done
    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else None
        if index and not line.marked and SIGN_OFF.match(line.text) and _signs_off(lines[index - 1].text, rules):
            continue  # "Thanks," then "Marta"
        rest = lines[index + 1 :]
        if (
            index
            and _signs_off(line.text, rules)
            and len(rest) <= 5
            and not any(other.marked or reports_work_done(other.text, rules.verbs) for other in rest)
        ):
            break  # "Cheers," over a name, a title and a phone number: a signature, no work
        if _form_question(line, rules):
            planning = any(_has_phrase(line.text.lower(), cue) for cue in rules.future_questions)
            verb = kind = None
            continue  # "What did you accomplish?" over answers; "What do you want to focus on next?" over plans
        standup = None if line.heading else _standup(line.text, rules)
        if standup in ("plan", "absent") or (line.plan and not reports_work_done(line.text, rules.verbs)):
            # "tday: pto in the afternoon" over "- look at the flaky test": what follows a plan label is planned too
            planning = planning or _plan_label(line.text, rules)
            continue
        # "Today" alone on a line, over the items planned for it
        bare = (line.heading or not line.marked) and len(line.text.split()) <= 3
        if standup == "plans" or (bare and _standup(f"{line.text.rstrip(': ')}:", rules) == "plans"):
            planning = True
            found += [Pasted(child) for child in line.children or () if reports_work_done(child, rules.verbs)]
            continue
        introduces = (
            line.heading
            or (index == 0 and line.blank_after and following is not None and _title(line.text, rules))
            or re.search(r":\s*$", line.text) is not None
            or (line.children and (_is_label(line, rules) or _is_group_name(line.text, rules)))
            or (not line.marked and not _reads_as_work(line.text, rules) and len(line.text.split()) <= INTRO_WORDS
                and (following is not None or _aside(line.text, rules)))
            or (not line.marked and _introduces(line.text, rules))
            or (not line.marked and following is not None and following.marked and len(line.text.split()) <= 5
                and not result_numbers(line.text))
            # "Staff promo packet — selected contributions (2023)" over a list: its title
            or (not line.marked and following is not None and following.marked and len(line.text.split()) <= INTRO_WORDS
                and not reports_work_done(line.text, rules.verbs) and not result_numbers(line.text)
                and any(_has_phrase(line.text.lower(), title) for title in rules.list_titles))
            # "Q4 recap (cost + hiring mostly)" over a list: a title of the list, with no report of work in it
            or (not line.marked and following is not None and following.marked and len(line.text.split()) <= 8
                and not result_numbers(line.text) and not reports_work_done(line.text, rules.verbs)
                and not any(_past_not_noun(word) for word in FIRST_WORD.findall(line.text)))
        )  # fmt: skip
        if introduces:
            # "Next quarter I want to:" over a list: what follows is planned (its last sentence says so)
            lowered = (sentences(line.text) or [line.text])[-1].lower()
            planning = lowered.split(" ", 1)[0] in rules.plan_labels or any(
                re.search(rf"\b{re.escape(opening)}\b", lowered) for opening in rules.plan_openings
            )
            verb, kind = _heading_verb(line.text, rules), kind_for(line.text, rules)
            found += [Pasted(text, verb, kind) for child in line.children or () for text in _achievements(child, rules)]
            continue
        text = "; ".join([line.text.rstrip(" ;"), *(line.children or [])])
        if planning and not reports_work_done(text, rules.verbs):
            continue
        pieces = [text] if line.whole else _achievements(text, rules)
        found += [Pasted(piece, verb, kind, line.ordered) for piece in pieces]
    if not found:  # nothing reads as an accomplishment: every line is one, as pasted
        found = [Pasted(line.text) for line in lines if re.search(r"\w", line.text)]
    return found


CONVENTIONAL_COMMIT = re.compile(
    r"^\s*(?:[-*]\s+)?(?:feat|fix|chore|docs|refactor|perf|test|tests|build|ci|style|revert)(?:\([^)]*\))?!?:\s+(?=\S)"
)
ORDER_LABEL = re.compile(r"^[A-Z][\w-]{1,15}:\s+(?=[a-z])")  # "Docs: add an architecture overview"
NEW_VERB = re.compile(
    r"^(?:[a-z]+(?:ize|ise|ify|ate)|(?:back|re|up|de|un|pre|auto|right|over|under|out)(?P<verb>[a-z]{3,}))$"
)


def _as_done(text: str) -> str:
    """An order as its work done: "Virtualize the transactions table" -> "Virtualized the transactions table". The
    verb is a base form of one lemminflect knows, or a new one made like one ("backfill", "rightsize")."""
    label = ORDER_LABEL.match(text)
    body = text[label.end() :] if label else text
    first = FIRST_WORD.match(body)
    if first is None:
        return text
    word = first.group(0).lower()
    lemmas = verb_lemmas(word)
    made = NEW_VERB.fullmatch(word)
    new = not lemmas and not is_known_word(word) and made is not None and (
        made.group("verb") is None or made.group("verb") in verb_lemmas(made.group("verb")))  # fmt: skip
    done = past_tense(word) if word in lemmas or new else None
    if done is None:
        return text
    return f"{_capitalize(done)}{body[first.end() :]}"


def split_entries(paste: str, rules: BragRules | None = None) -> list[str]:
    """The text of each accomplishment in a paste (see `paste_entries`)."""
    return [entry.text for entry in paste_entries(paste, rules)]


# -- rewording one entry ------------------------------------------------------------------------------------------


def _keeping_numbers(step: Callable[..., str]) -> Callable[..., str]:
    """A rewording step applied only when it keeps the text's numbers exactly."""

    def guarded(text: str, *args: Any) -> str:
        changed = step(text, *args)
        return changed if numbers(changed) == numbers(text) else text

    return guarded


def _tidy(text: str) -> str:
    text = re.sub(r"(?<!\w)\(\s*\)", " ", text)  # parentheses emptied by a removed word, not a call like "x()"
    text = re.sub(r"\s+([,.;:!?)])(?!\d)", r"\1", " ".join(text.split()))
    text = re.sub(r"([,;:])(?:\s*[,;:])+(?!\d)", r"\1", text)
    return re.sub(r"^[\s,;:–—-]+(?![\d$~])", "", text).rstrip(" ,;:-–—")


def _lower_first(text: str) -> str:
    """Lower-case the first letter unless the first word is an acronym or a name (AWS, CI, Priya)."""
    first = FIRST_WORD.match(text)
    determiner = first is not None and first.group(0) in ("The", "A", "An", "This", "These", "Those", "Our", "My")
    if (
        first
        and not determiner
        and (first.group(0)[:2].isupper() or (first.group(0)[:1].isupper() and not is_known_word(first.group(0))))
    ):
        return text
    if first and first.group(0)[:1].isupper() and re.match(r"\s+v?\d", text[first.end() :]):
        return text  # "Dashboard 2.0", "Search v2": a product's name
    if first and not determiner and first.group(0)[:1].isupper() and re.match(r"\s+[A-Z][a-z]", text[first.end() :]):
        return text  # "Play Store rating", "Google Cloud": a name of two capitalised words
    return text[:1].lower() + text[1:]


def _capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]


def _strip_chatter(text: str, rules: BragRules) -> str:
    for pattern in rules.chatter:
        text = pattern.sub(lambda m: m.group(0) if re.search(r"\d", m.group(0)) else " ", text)
    return _tidy(text)


@_keeping_numbers
def _drop_padding(text: str, rules: BragRules) -> str:
    """Feelings, filler and exclamations out; 'w/' and '+' read as words; 'runs in 9 min instead of 25' reads
    'from 25 to 9 min'."""
    text = re.sub(
        rf",?\s+(?:it\s+|now\s+)*(?:runs|takes|loads|builds|finishes|completes|deploys|ran|took)\s+(?:in\s+)?"
        rf"(?P<a>{MEASURE})\s+instead\s+of\s+(?P<b>{MEASURE})",
        lambda m: f" from {m.group('b').strip()} to {m.group('a').strip()}",
        text,
        flags=re.IGNORECASE,
    )
    # "pages load in 1.2s instead of 3s": a change with its own subject, told so that it can lead the bullet
    text = re.sub(
        rf"(?<=,\s)(?P<what>[A-Za-z][\w-]*(?:\s[A-Za-z][\w-]*){{0,2}})\s+(?P<v>load|run|build|finish|deploy)s?\s+in\s+"
        rf"(?P<a>{MEASURE})\s+instead\s+of\s+(?P<b>{MEASURE})",
        lambda m: (
            f"{m.group('what')} {m.group('v').lower()} time went from {m.group('b').strip()} to {m.group('a').strip()}"
        ),
        text,
        flags=re.IGNORECASE,
    )
    text = re.sub(r"!+(?=\s+\S)", ".", text).replace("!", "")
    text = re.sub(r"[.,]?\s+thanks to\s+(?=[\w-]+ing\b)", " by ", text, flags=re.IGNORECASE)
    text = _strip_chatter(text, rules)
    for phrase in rules.filler:
        text = _phrase(phrase).sub(" ", text)
    intensifiers = "|".join(map(re.escape, rules.intensifiers))
    text = re.sub(rf"\b(?:{intensifiers})\s+(?={COMPARATIVES}\b)", "", text, flags=re.IGNORECASE)
    text = re.sub(r"\blike\s+(?=[~≈$]?\d)", "", text, flags=re.IGNORECASE)
    text = re.sub(r"\bw/\s*(?=\w)", "with ", text, flags=re.IGNORECASE)
    text = re.sub(r"(?<=\w) \+ (?=\w)", " and ", text)
    text = re.sub(r"\(\s*[^()\d]*\b(?:lol|yes|sorry|pls|please)\b[^()\d]*\)", " ", text, flags=re.IGNORECASE)
    # "this week was a blur but got the export fixed": with the chatter gone, its "but" has nothing to join
    text = re.sub(r"^\s*(?:but|and|so)\s+(?=\w)", "", _tidy(text), flags=re.IGNORECASE)
    return _tidy(text)


def _drop_subject(text: str, rules: BragRules) -> tuple[str, bool]:
    """The text without the lead-in people put before the verb; True when a subject ('I', 'we') was dropped."""
    stripped = text
    dropped = False
    while True:
        lowered = stripped.lower().replace("\u2019", "'")
        for phrase in (*rules.verbs.lead_ins, *rules.verbs.subjects):
            if lowered.startswith(phrase) and (len(lowered) == len(phrase) or not lowered[len(phrase)].isalnum()):
                dropped = dropped or phrase in rules.verbs.subjects
                stripped = stripped[len(phrase) :].lstrip(" ,-–—:")
                break
        else:
            another = re.match(rules.another, stripped, re.IGNORECASE)
            if another and another.end() and stripped[another.end() :].strip():
                dropped = dropped or re.match(r"(?:i|we)\s", stripped, re.IGNORECASE) is not None
                stripped = stripped[another.end() :]
                continue
            return stripped, dropped


TIME_OPENING = re.compile(
    r"^(?P<when>(?:(?:in|during|this|last|over|after|since|across|earlier|for|when|once|while|because)\b[^,;:]{0,60}?"
    r"|(?:on\s+)?"
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today|tonight)))[,]?\s+"
    r"(?P<rest>(?:i|we|i've|we've)\s+.+)$",
    re.IGNORECASE,
)


@_keeping_numbers
def _time_to_end(text: str, rules: BragRules | None = None) -> str:
    """'In H1 I led the migration' -> 'I led the migration in H1', 'When our designer left I picked up X' -> 'I picked
    up X when our designer left': when it happened goes after what was done; filler before it goes ('ok so this
    week I ...')."""
    if rules is not None:
        another = re.match(rules.another, text, re.IGNORECASE)
        if another and another.end() and re.match(r"(?:i|we)\s", text[another.end() :], re.IGNORECASE):
            return _time_to_end(text[another.end() :], rules)  # "In the process I automated ...": no time to move
    match = TIME_OPENING.match(text)
    if not match and rules is not None:
        lowered = text.lower()
        lead = next((p for p in rules.verbs.lead_ins if re.match(rf"{re.escape(p)}\b[,]?\s+", lowered)), None)
        if lead:
            return _time_to_end(re.sub(rf"^{re.escape(lead)}\b[,]?\s+", "", text, flags=re.IGNORECASE), rules)
    if not match:
        return text
    rest, when = match.group("rest"), _lower_first(match.group("when"))
    clause = re.search(r",\s+(?=which|saving|cutting|reducing|and)|;\s|:\s|\.\s", rest)
    cut = clause.start() if clause else len(rest.rstrip(" ."))
    return f"{rest[:cut]} {when}{rest[cut:]}"


def _label(text: str, rules: BragRules) -> tuple[str, str | None, str | None]:
    """'on-call: handled 14 pages' -> ('handled 14 pages', 'on-call', None); a status label ('Done:', 'PLAT-412
    done:') gives its verb; a label that says nothing ('the big one:') goes."""
    match = re.match(r"^(?P<label>[^:]{1,50}?):\s+(?P<rest>\S.*)$", text)
    if not match:
        return text, None, None
    label, rest = match.group("label").strip(), match.group("rest")
    if _is_time_label(label, rules) or any(_has_phrase(label.lower(), phrase) for phrase in rules.requests):
        return rest, None, None  # "y'day: ...", "want to make nice bullets from this: ..."
    words = label.split()
    # "shipped: the importer" and "Cut alert noise: removed 63 alerts" are no labels but work told with its detail;
    # "Cost: I led the effort ..." is one ("cost" is a past tense too)
    if len(words) > 6 or (is_past_tense(words[0]) and (len(words) >= 2 or not reports_work_done(rest, rules.verbs))):
        return text, None, None
    done = re.match(r"(?P<s>[a-z]+)\b\s*(?:[.;,!]\s*|$)", rest, re.IGNORECASE)
    if done and done.group("s").lower() in rules.status_words and len(words) <= 6:
        # "Feature store: done. All 18 features ...": the label is what was completed
        after = rest[done.end() :]
        verb = rules.status_words[done.group("s").lower()]
        return f"{verb} {_lower_first(label)}{', ' + after if after else ''}", None, None
    status = next((rules.status_words[w.lower()] for w in words if w.lower() in rules.status_words), None)
    kept = " ".join(w for w in words if w.lower() not in rules.status_words)
    lowered = {w.lower().strip("'") for w in words}
    if status is None and (lowered & rules.chatter_labels or (len(words) == 1 and is_gerund(words[0]))):
        return rest, None, None
    return rest, (kept or None), status


def _verb_and_object(text: str, rules: BragRules) -> bool:
    """'led the team', 'cut our bill': a clause that opens with the person's verb ('failed payments' does not)."""
    words = FIRST_WORD.findall(text)
    return (
        len(words) >= 2
        and is_past_tense(words[0])
        and is_work_verb(words[0], rules.verbs)
        and words[1].lower() in ("the", "a", "an", "our", "my", "this", "that", "all", "every", "some", "it", "them")
    )


def _direction(text: str) -> str | None:
    """'down' or 'up' from the first two measures of a text ('2.1s to 600ms' is down)."""
    found: list[tuple[float, str]] = []
    for match in re.finditer(r"(?<![A-Za-z\d.,])(\d+(?:[.,]\d+)*)\s?([A-Za-z%]*)", text):  # not S3, nRF52840
        unit = "m_" if match.group(2) == "M" else match.group(2).lower()
        found.append((float(match.group(1).replace(",", "")), unit if unit in UNIT_SCALE else ""))
        if len(found) == 2:
            break
    if len(found) < 2:
        return None
    (a, unit_a), (b, unit_b) = found
    # "from 14 to 3 min": a unit said once, after the second number, holds for the first too ("3k to 50" does not)
    values = a * UNIT_SCALE.get(unit_a or unit_b, 1), b * UNIT_SCALE.get(unit_b, 1)
    if values[0] == values[1]:
        return None
    return "down" if values[1] < values[0] else "up"


def _change_verb(direction: str | None, rules: BragRules, fallback: str = "either") -> str:
    """'Cut' for a measure that went down, 'Increased' for one that went up, 'Improved' when the numbers do not say."""
    return rules.verb_for_change[direction or fallback]


def _gerund_clause(action: str, rules: BragRules) -> str:
    """'built the harness and used it' -> 'building the harness and using it' (every verb of the action)."""
    words = action.split(" ")
    for index, word in enumerate(words):
        bare = word.strip(",").lower()
        if (
            index == 0 or words[index - 1].lower().rstrip(",") in ("and", "then") or words[index - 1].endswith(",")
        ) and (is_past_tense(bare) and is_work_verb(bare, rules.verbs)):
            form = gerund(bare)
            if form:
                words[index] = form + ("," if word.endswith(",") else "")
    return _lower_first(" ".join(words))


def _change_statement(text: str, rules: BragRules) -> str | None:
    """'checkout latency went from 800ms to 120ms after I added a cache' -> 'Cut checkout latency from 800ms to
    120ms by adding a cache'; 'on-call load down ~40%' -> 'Cut on-call load by ~40%'."""
    for direction, verbs in rules.change_verbs.items():
        for verb in sorted(verbs, key=len, reverse=True):
            match = re.match(
                rf"^(?P<what>[^,;]+?)\s+{re.escape(verb)}\s+(?P<rest>(?:from|by|to|under|below|over|about|around|nearly|"
                rf"almost|roughly|half|in half|[~≈$]|\d)(?:.*))$",
                text,
                re.IGNORECASE,
            )
            if not match or not re.search(r"\d|half", match.group("rest")):
                continue
            what, rest = match.group("what"), match.group("rest")
            if direction == "either" and re.match(r"[~≈$]?\d[\d.,]*[a-z]*\s+[a-z]", rest, re.IGNORECASE):
                continue  # "the migration moved 2.3M user accounts": a count of what moved, not a change
            if _verb_and_object(what, rules) or re.fullmatch(r"(?:i|we|they|it)", what.strip(), re.IGNORECASE):
                continue
            if result_numbers(what):
                continue  # "thumbnails generate 2x faster and storage is down 30%": not one measure that changed
            chosen = _direction(rest) if direction == "either" else direction
            rest = re.sub(
                r"\b(?:after|when|once)\s+(?:i|we)\s+(\w+)",
                lambda m: f"by {gerund(m.group(1)) or m.group(1)}" if is_past_tense(m.group(1)) else m.group(0),
                rest,
                flags=re.IGNORECASE,
            )
            arrow = re.match(rf"(?P<a>{MEASURE})\s*{ARROW}\s*(?P<b>{MEASURE})", rest)
            if arrow:  # "rating went 3.9 → 4.4": from one to the other
                after = rest[arrow.end() :]
                joiner = " " if after[:1].isalnum() else ""
                rest = f"from {arrow.group('a').strip()} to {arrow.group('b').strip()}{joiner}{after}"
            if re.match(r"[~≈$]?\d", rest) and not re.match(rf"{MEASURE}\s*(?:to|{ARROW})", rest):
                rest = f"by {rest}"
            own = _capitalize(verb.lower()) if verb.lower() in rules.transitive_changes else None
            return f"{own or _change_verb(chosen, rules, direction)} {_lower_first(what)} {rest}"
    multiple = re.match(
        r"^(?P<what>[^,;]+?)\s+(?:(?P<is>is|are|was|now)\s+)?(?P<n>[~≈]?\d[\d.,]*x)\b(?P<rest>.*)$", text
    )
    percent = re.match(
        r"^(?P<what>[^,;]+?)\s+(?:(?:is|are|was|were|got|now)\s+)+(?P<n>[~≈]?\d[\d.,]*\s?%)\s+(?P<c>[a-z]+)\b"
        r"(?P<rest>.*)$",
        text,
    )
    way = _comparative(percent.group("c"), rules) if percent else None
    if percent and way and not any(is_past_tense(w) for w in FIRST_WORD.findall(percent.group("what"))):
        verb = rules.faster_verb if way == "faster" else rules.verb_for_change[way]
        return f"{verb} {_lower_first(percent.group('what'))} by {percent.group('n')}{percent.group('rest')}"
    if (
        multiple
        and (multiple.group("is") or re.match(r"\s*(?:,|$)", multiple.group("rest")))
        and not any(is_past_tense(w) for w in FIRST_WORD.findall(multiple.group("what")))
    ):
        rest = re.sub(
            r"\b(?:after|when|once)\s+(?:i|we)\s+(\w+)",
            lambda m: f"by {gerund(m.group(1)) or m.group(1)}",
            multiple.group("rest"),
            flags=re.IGNORECASE,
        )
        what, n = _lower_first(multiple.group("what")), multiple.group("n")
        compared = re.match(r"\s+(?P<c>[a-z]+)\b(?P<tail>.*)$", rest, re.IGNORECASE)
        way = _comparative(compared.group("c"), rules) if compared else None
        if compared and way == "faster":
            # "search is 2x faster" -> "Sped up search 2x"
            return f"{rules.faster_verb} {what} {n}{compared.group('tail')}"
        if compared and way in ("down", "up"):
            return f"{rules.verb_for_change[way]} {what} {n}{compared.group('tail')}"
        return f"{rules.verb_for_change['up']} {what} {n}{rest}"
    fewer = re.match(
        rf"^(?P<n>{MEASURE})\s+(?P<c>[a-z]+)\s+(?P<what>[^,;]+?)"
        r"(?P<rest>\s+(?:since|after|following|with|this|last|over|across|in the|per|by|thanks to)\b.*|[,;].*)?$",
        text,
        re.IGNORECASE,
    )
    if fewer and _comparative(fewer.group("c"), rules) in ("down", "up"):
        # "~40% fewer support tickets since the launch" -> "Cut support tickets by ~40% since the launch"
        way = _comparative(fewer.group("c"), rules) or "either"
        rest = fewer.group("rest") or ""
        return f"{rules.verb_for_change[way]} {_lower_first(fewer.group('what'))} by {fewer.group('n').strip()}{rest}"
    return None


def _comparative(word: str, rules: BragRules) -> str | None:
    return next((way for way, words in rules.comparatives.items() if word.lower() in words), None)


def _before_after(text: str, label: str | None, rules: BragRules) -> str | None:
    """'API gateway p95: 800ms -> 120ms', 'pooling via PgBouncer — max connections 900 -> 140', 'Kafka topic
    cleanup: 212 -> 87 topics': the measure and its change, verb first."""
    pair = rf"(?:from\s+)?(?P<a>{MEASURE})\s*(?:{ARROW}|\bto\b)\s*(?P<b>{MEASURE})(?P<rest>.*)$"
    if label is not None:
        match = re.match(pair, text)
        what, thing = label, ""
    else:
        found = re.match(rf"^(?P<what>(?:[^\d\s~≈$]\S*\s+)*?[^\d\s~≈$]\S*?)\s*:?\s+{pair}", text)
        if not found or any(
            is_past_tense(w) and is_work_verb(w, rules.verbs) for w in FIRST_WORD.findall(found.group("what"))
        ):
            return None
        match, what = found, found.group("what")
        changes = "|".join(re.escape(verb) for verbs in rules.change_verbs.values() for verb in verbs)
        what = re.sub(rf"\s+(?:{changes})$", "", what, flags=re.IGNORECASE)
        parts = re.split(r"\s+[—–-]\s+|,\s+", what, maxsplit=1)
        what, thing = (parts[1], parts[0]) if len(parts) == 2 else (what, "")
    if not match:
        return None
    a, b, rest = match.group("a").strip(), match.group("b").strip(), match.group("rest")
    direction = _direction(f"{a} {b}")
    words = what.split()
    unit = re.match(r"\s*([A-Za-z]+)", rest)
    nominal = words[-1].lower() if words else ""
    if nominal in rules.nominal_verbs and len(words) > 1:
        verb = _verb_phrase(rules.nominal_verbs[nominal])
        head = " ".join(words[:-1])
        if unit and head.split()[-1].lower() + "s" == unit.group(1).lower():
            return f"{verb} {head}s from {a} to {b}{rest[unit.end() :]}"
        return f"{verb} {head} from {a} to {b}{rest}"
    with_thing = f" with {_lower_first(thing)}" if thing else ""
    return f"{_change_verb(direction, rules)} {_lower_first(what)} from {a} to {b}{rest}{with_thing}"


def _verb_phrase(base: str) -> str:
    """'clean up' -> 'Cleaned up': the past tense of a verb and its particle."""
    verb, _, particle = base.partition(" ")
    return _capitalize(f"{past_tense(verb) or verb} {particle}".strip())


def _artifact_verb(text: str, rules: BragRules) -> str:
    lowered = text.lower()
    best: tuple[int, str] | None = None
    for verb, cues in rules.artifact_verbs:
        for cue in cues:
            found = _has_phrase(lowered, cue) or _has_phrase(lowered, f"{cue}s")  # "SLO dashboards" too
            if found and (best is None or found.start() < best[0]):
                best = (found.start(), verb)
    return best[1] if best else rules.fallback_verb


def _names_a_thing(after_gerund: str) -> bool:
    """'onboarding docs for ...', 'pairing sessions': a gerund naming a thing, not an action."""
    return NOUN_AFTER_GERUND.match(after_gerund) is not None


def _lead_with_verb(text: str, rules: BragRules, context_verb: str | None, subject: bool = False) -> str:
    """The sentence with a past-tense verb of the person's work first."""
    original_text = text
    dropped_text, dropped = _drop_subject(text, rules)
    text, subject = dropped_text or text, subject or dropped
    lowered = text.lower()
    first_match = FIRST_WORD.match(text)
    first = first_match.group(0) if first_match else ""
    rest = text[len(first) :].lstrip()
    word = first.lower()

    progress = _in_progress(original_text, rules)
    if progress:
        return progress
    done = re.match(rf"(?:{'|'.join(map(re.escape, rules.completion_words))})\s+(?P<g>[a-z]+ing)\b\s*", lowered)
    if done and is_gerund(done.group("g")) and is_work_verb(done.group("g"), rules.verbs):
        return _lead_with_verb(text[done.start("g") :], rules, context_verb, subject=True)  # "finished reviewing X"
    nominal = _finished_nominal(text, rules)
    if nominal:
        return nominal
    joint = re.match(r"(?:sessions?|calls?)\s+with\s+(?P<who>.+)$", rest, re.IGNORECASE)
    if word in rules.joint_gerunds and joint:
        return f"{_capitalize(past_tense(word) or word)} with {joint.group('who')}"  # "pairing sessions with Priya"

    progressive = re.match(r"(?:was|were)\s+(?P<g>[a-z]+ing)\b\s*", lowered)
    doing = progressive is not None and progressive.group("g") == "doing"
    if (
        progressive
        and is_gerund(progressive.group("g"))
        and (
            is_work_verb(progressive.group("g"), rules.verbs)
            or (doing and _did_nominal(text[progressive.end() :], rules))
        )
    ):
        return _lead_with_verb(text[progressive.start("g") :], rules, context_verb, subject=True)  # "was fixing X"
    for weak in sorted(rules.weak_openings, key=len, reverse=True):
        if re.match(rf"{re.escape(weak)}(?![\w'-])", lowered):
            replacement = rules.weak_openings[weak]
            after = text[len(weak) :].lstrip()
            following = FIRST_WORD.match(after)
            next_word = following.group(0) if following else ""
            if weak == "was" and (verb_lemmas(next_word) or next_word.lower() in ("on", "in", "at", "not", "so")):
                break
            # "worked on fixing X" is the fixing; "was on the hiring panel" is a noun phrase after its article
            noun_phrase = re.search(r"\b(?:the|a|an)$", weak) is not None
            if not replacement or (not noun_phrase and is_gerund(next_word) and is_work_verb(next_word, rules.verbs)):
                return _lead_with_verb(after, rules, context_verb, subject=True)
            return f"{replacement} {after}".strip()

    if word in ("got", "get", "getting"):
        turned = _get_phrase(rest, rules)
        if turned:
            return turned
    if word == "made":
        faster = re.match(r"^(?P<what>.+?)\s+(?:(?:load|run|build|deploy|start)s?\s+)?faster\b(?P<rest>.*)$", rest)
        if faster:
            load = re.search(r"\b(load|run|build|deploy|start)s?\s+faster", rest)
            what = faster.group("what") + (f" {load.group(1)}" if load else "")
            return f"{rules.faster_verb} {what}{faster.group('rest')}"
    if word == "spent":
        spent = _spent(rest, rules)
        if spent:
            return spent
    if word in ("doing", "did", "do", "does"):
        nominal = _did_nominal(rest, rules)
        if nominal:
            return nominal
        lot = re.match(r"^(a lot of|lots of|plenty of)\s+(?P<g>\w+ing)\b(?P<rest>.*)$", rest, re.IGNORECASE)
        if lot and is_gerund(lot.group("g")) and past_tense(lot.group("g")):
            return f"{_capitalize(past_tense(lot.group('g')) or '')} a lot{lot.group('rest')}"
    onto = re.match(r"^(?:(?:fully|completely|all|now)\s+)+on\s+(?=[A-Z0-9])", text)
    if subject and onto:
        return f"{rules.moved_off} onto {text[onto.end() :]}"  # "we're now on Kubernetes": moving onto a system
    if re.match(r"^(?:(?:fully|completely|now)\s+)?off\b", lowered):
        return f"{rules.moved_off} {text}"
    if first and is_work_verb(first, rules.verbs):
        selves = "|".join(map(re.escape, rules.self_objects))
        # "got us through the App Store rejection" -> "Got through ...": no object that only points at the person
        rest = re.sub(rf"^(?:{selves})\s+(?=(?:through|past|over|off|onto|into|out|to)\b)", "", rest, flags=re.I)
        if is_past_tense(first):
            return f"{_plain(first, rules)} {rest}".strip()
        if is_gerund(first) and not _names_a_thing(rest) and _change_statement(text, rules) is None:
            return f"{_plain(past_tense(first) or first, rules)} {rest}".strip()
        if (subject or _is_bare_verb(first, rest)) and not is_participle(first):
            return f"{_plain(past_tense(first) or first, rules)} {rest}".strip()
        if subject and is_participle(first) and past_tense(first):
            return (
                f"{_plain(past_tense(first) or first, rules)} {rest}".strip()
            )  # "I have taken over X" -> "Took over X"
    if word in rules.kept_openings:
        return _capitalize(text)  # "became the go-to reviewer for the GraphQL schema": a past tense of theirs
    compound = re.match(r"(?P<prefix>[a-z]+)[ -](?P<verb>[a-z]+)\b", lowered)
    if (
        compound
        and compound.group("prefix") in rules.compound_prefixes
        and _is_past_work(compound.group("verb"), rules)
    ):
        # "load tested the quote engine" -> "Load-tested the quote engine"
        return f"{_capitalize(compound.group('prefix'))}-{text[compound.start('verb') :]}"
    if word in ("my", "our"):
        words = rest.split()
        for index, verb in enumerate(words[1:6], 1):
            if is_past_tense(verb) and is_work_verb(verb, rules.verbs):
                head, comma, tail = " ".join(words[index + 1 :]).partition(", ")
                return f"{_plain(verb, rules)} {head} with the {' '.join(words[:index])}{comma}{tail}"
            if not FIRST_WORD.fullmatch(verb):
                break
    return _without_verb(text, rules, context_verb)


def _in_progress(text: str, rules: BragRules) -> str | None:
    """'currently migrating billing to Postgres', "I'm rewriting the importer": work still going on leads with a verb
    that says it started ('Started migrating ...'), never one that says it is done."""
    lowered = text.lower().replace("\u2019", "'")
    words = "|".join(map(re.escape, rules.in_progress))
    match = re.match(rf"^(?:(?:i|we)\s+)?(?:(?:{words})\s+)+(?P<g>[a-z]+ing)\b", lowered)
    if not match or not is_gerund(match.group("g")) or not is_work_verb(match.group("g"), rules.verbs):
        return None
    after = text[match.start("g") :]
    if any(lemma in rules.activity_verbs for lemma in verb_lemmas(match.group("g"))):
        return None  # "I'm pairing with Dana": true in the past tense already
    if any(re.match(rf"{re.escape(weak)}(?![\w'-])", after.lower()) for weak in rules.weak_openings):
        return _lead_with_verb(after, rules, None, subject=True)  # "still working on X": the weak opening's verb
    return f"{rules.in_progress_verb} {_lower_first(after)}"


def _is_bare_verb(word: str, rest: str) -> bool:
    """'reduce AWS spend', 'fix the login bug': a note in the base form, not a noun ('bulk edit', 'cost stuff')."""
    from lemminflect import getAllLemmas

    readings = getAllLemmas(word.lower())
    if set(readings) == {"VERB"}:
        return True
    determiner = r"(?:the|a|an|our|my|all|this|that|these|those|some|it|them|new|every|each|two|three|four|five|\d)\b"
    return re.match(determiner, rest, re.IGNORECASE) is not None


def _plain(verb: str, rules: BragRules) -> str:
    """The verb as a promotion committee reads it: 'killed' -> 'Retired'."""
    return rules.plain_verbs.get(verb.lower(), _capitalize(verb))


def _get_phrase(rest: str, rules: BragRules) -> str | None:
    """'got the team to use flags' -> 'Drove adoption of flags'; 'got X down from A to B' -> 'Cut X from A to B';
    'got the cron box turned off' -> 'Turned off the cron box'."""
    adoption = "|".join(re.escape(verb) for verb in rules.adoption_verbs)
    match = re.match(rf"^(?P<who>.+?)\s+to\s+(?:actually\s+)?(?:{adoption})\s+(?P<what>.+)$", rest, re.IGNORECASE)
    if match:
        who, what = match.group("who"), match.group("what")
        generic = re.fullmatch(r"(?:the\s+)?(?:team|teams|everyone|everybody|people|folks|them|us)", who, re.I)
        parts = re.split(r"(?=\s+(?:instead of|rather than)\s+)", what, maxsplit=1)
        where = "" if generic else f" in {who}"
        return f"{rules.adoption_phrase} {parts[0]}{where}{''.join(parts[1:])}"
    for index, word in enumerate(rest.split()):
        if index == 0 or index > 8:
            continue
        head = " ".join(rest.split()[:index])
        tail = " ".join(rest.split()[index + 1 :])
        bare = word.lower().strip(",.;:")
        if any(is_past_tense(w) for w in head.split()):
            return None
        if bare in rules.status_words and index <= 6:
            return (
                f"{rules.status_words[bare]} {head} {tail}".strip()
            )  # "got the cutover done" -> "Completed the cutover"
        if bare == "to" and not re.match(r"\D{0,12}\d", tail):
            return f"Got {rest}"  # "got the export to stop timing out": no change to a number, the person's words
        if bare in rules.get_particles and (bare != "from" or re.search(r"\d", tail)):
            verb = rules.get_particles[bare]
            if bare == "from":
                return f"{_change_verb(_direction(tail), rules)} {head} from {tail}"
            kept = "" if bare == "down" else f"{word} "
            return f"{verb} {head} {kept}{tail}".replace("  ", " ").strip()
        if is_participle(bare) and is_work_verb(bare, rules.verbs):
            particle = re.match(r"^(off|on|up|down|out|over|in|into|back)\b\s*(.*)$", tail)
            if particle:
                return f"{_capitalize(bare)} {particle.group(1)} {head} {particle.group(2)}".strip()
            return f"{_capitalize(bare)} {head} {tail}".strip()
    return None


def _finished_nominal(text: str, rules: BragRules) -> str | None:
    """'Completed the App Store screenshots refresh' -> 'Refreshed the App Store screenshots', 'ran the interview loop
    redesign, cut ...' -> 'Redesigned the interview loop, cut ...': the work the noun names, not that it was done."""
    done = "|".join(map(re.escape, (*rules.completion_words, "ran", "did")))
    nominals = "|".join(map(re.escape, sorted(rules.nominal_verbs, key=len, reverse=True)))
    match = re.match(rf"^(?:{done})\s+(?P<the>the|our|my)\s+(?P<what>[\w'/-]+(?:\s+[\w'/-]+){{0,4}}?)\s+"
                     rf"(?P<n>{nominals})\b(?P<rest>(?:[,;.(]|\s+(?:for|on|in|across|with|by|so|and)\b|$).*)$",
                     text, re.IGNORECASE)  # fmt: skip
    of = re.match(rf"^(?:{done}|made|make|do|realised|realized|performed|executed|carried out)\s+(?:the\s+)?(?P<n>{nominals})"
                  r"\s+of\s+(?P<rest>\S.*)$", text, re.IGNORECASE)  # fmt: skip
    if of:
        # "done the revamp of the notification service", "Made the migration of X to Y" -> "Revamped the ..."
        return f"{_verb_phrase(rules.nominal_verbs[of.group('n').lower()])} {of.group('rest')}"
    if not match:
        return None
    what = match.group("what")
    the = (
        ""
        if what[:1].isupper()
        else ("the " if match.group("the").lower() in ("our", "my") else f"{match.group('the')} ")
    )
    return f"{_verb_phrase(rules.nominal_verbs[match.group('n').lower()])} {the}{what}{match.group('rest')}"


def _did_nominal(rest: str, rules: BragRules) -> str | None:
    """'doing code review for the juniors' -> 'Reviewed code for the juniors', 'do onboarding of new colleague Mehmet'
    -> 'Onboarded new colleague Mehmet': the verb of the noun of work that was done."""
    nominals = "|".join(map(re.escape, sorted(rules.nominal_verbs, key=len, reverse=True)))
    match = re.match(rf"^(?:(?:the|some|all the)\s+)?(?P<n>{nominals})s?\b(?:\s+of\b)?(?P<rest>.*)$", rest, re.I)
    if not match:
        return None
    return f"{_verb_phrase(rules.nominal_verbs[match.group('n').lower()])}{match.group('rest')}".strip()


def _spent(rest: str, rules: BragRules) -> str | None:
    """'spent Friday cleaning up flags' -> 'Cleaned up flags on Friday'; 'spent the month on the Kafka upgrade' ->
    'Upgraded Kafka over the month'."""
    words = rest.split()
    for index, word in enumerate(words[:10]):
        if index and is_gerund(word) and is_work_verb(word, rules.verbs):
            when = " ".join(words[:index])
            joiner = "on" if re.fullmatch(r"[A-Z][a-z]+", when) else "over"
            return f"{_capitalize(past_tense(word) or word)} {' '.join(words[index + 1 :])} {joiner} {when}".strip()
    nominals = "|".join(map(re.escape, rules.nominal_verbs))
    match = re.match(
        rf"^(?P<when>.+?)\s+on\s+(?:the\s+)?(?P<what>[\w .-]*?)\s*\b(?P<n>{nominals})\b(?P<rest>.*)$", rest
    )
    if match:
        return f"{_verb_phrase(rules.nominal_verbs[match.group('n')])} {match.group('what')}{match.group('rest')} over {match.group('when')}"
    return None


def _without_verb(text: str, rules: BragRules, context_verb: str | None) -> str:
    """A sentence with no verb of the person's work up front: a state ('X is live'), a passive ('alerts wired into
    PagerDuty'), a change ('deploys went from 25 to 9'), the heading's verb, or the verb for the kind of thing."""
    changed = _change_statement(text, rules) or _before_after(text, None, rules)
    if changed:
        return changed
    by_me = re.match(
        r"^(?P<what>[^,;]+?)\s+(?:is|was|were|are|has been|have been|got)\s+(?:now\s+)?(?:all\s+)?(?P<v>[a-z]+)\s+"
        r"by\s+(?:me|myself|us)\b(?P<rest>.*)$",
        text,
        re.IGNORECASE,
    )
    if by_me and is_participle(by_me.group("v")) and past_tense(by_me.group("v")):
        # "the intermittent build failure was resolved by me" -> "Resolved the intermittent build failure"
        verb = _plain(past_tense(by_me.group("v")) or by_me.group("v"), rules)
        return f"{verb} {_lower_first(by_me.group('what'))}{by_me.group('rest')}"
    arrow = re.match(rf"^(?P<what>[^,;→]+?)\s*{ARROW}\s*(?P<v>[a-z]+)\b(?P<rest>.*)$", text, re.IGNORECASE)
    if arrow and _is_past_work(arrow.group("v"), rules):
        # "payments retry logic → rewrote with idempotency keys → ..." -> "Rewrote payments retry logic with ..."
        return f"{_plain(arrow.group('v'), rules)} {_lower_first(arrow.group('what'))}{arrow.group('rest')}"
    statuses = "|".join(map(re.escape, rules.status_words))
    status = re.match(
        rf"^(?P<what>(?:[^,;.]|\.(?=\d))+?)\s+(?:(?:is|are|was|were|now|got|went|is now|finally|all)\s+)*"
        rf"(?P<s>{statuses})\b(?:\s+now\b)?"
        r"(?!\s+(?:of|sick|to|from|by)\b)(?P<rest>.*)$",
        text,
        re.I,
    )
    if (
        status
        and len(status.group("what").split()) <= 14
        and not any(is_past_tense(w) for w in FIRST_WORD.findall(status.group("what")))
    ):
        return f"{rules.status_words[status.group('s').lower()]} {_lower_first(status.group('what'))}{status.group('rest')}"
    words = text.split()
    for index, word in enumerate(words[:6]):
        bare = word.lower().strip(",.;:")
        if index and is_participle(bare) and is_work_verb(bare, rules.verbs) and FIRST_WORD.fullmatch(bare):
            if words[index - 1].endswith(","):
                break  # "on-call, handled 6 pages": the person's own clause, not a passive
            following = [w for w in words[index + 1 : index + 3] if w.lower() not in ("up", "off", "out", "over")]
            after = following[0] if following and word == bare else ""  # "paid out $18.5k": an object after it
            if re.match(r"(?:[~≈$]?\d|(?:the|a|an|all|every|our|their|its)$)", after, re.IGNORECASE):
                # "The new PDF generator replaced a third-party service": the thing did it, with an object; not a
                # passive. What the person built is how they did it: "Replaced a third-party service with ...".
                return _by_means(words, index, rules) or f"{_artifact_verb(text, rules)} {_lower_first(text)}"
            head = [w for w in words[:index] if w.lower() not in ("was", "were", "got", "is", "are", "been", "now")]
            if head and all(re.fullmatch(r"[~≈$]?\d[\d.,]*%?", w) for w in head):
                break  # "0 regretted attrition": the participle says which attrition
            # "Regression for TKT-5540 verified on staging": a thing named with "for" or "of" is still one thing
            named_with = any(w.lower() in ("for", "of") for w in head)
            trailing = index + 1 >= len(words) or re.fullmatch(
                r"(?:on|in|at|by|across|to|with|and|yesterday|today|last|this)", words[index + 1].lower()
            )
            if any(re.search(r"[(]|^(?:from|to|in|on|with|by|at)$", w.lower()) for w in head) or (
                named_with and (head[0].lower() in ("for", "of") or not trailing)
            ):
                break  # "Slack notifications for failed payouts": "failed" says which payouts
            if any(is_past_tense(w) or is_gerund(w) for w in head) or _negative_subject(" ".join(head), rules):
                break
            tail = words[index + 1 :]
            particle = tail[:1] if tail and tail[0].lower() in ("up", "off", "out", "over", "down", "back") else []
            subject = _lower_first(" ".join(head)) + word[len(bare) :]
            return " ".join([_capitalize(bare), *particle, subject, *tail[len(particle) :]])
    zero = re.match(
        r"^(?P<n>0|zero)\s+(?P<what>[\w-]+(?:\s[\w-]+)?)\s+(?P<rest>(?:since|in|for|during|this|last|over|through|across|among)\b.*)$",
        text,
        re.I,
    )
    if zero:
        return f"Kept {zero.group('what')} at {zero.group('n')} {zero.group('rest')}"
    nominal = _nominal_head(text, rules)
    if nominal:
        return nominal
    onto = re.match(
        r"^(?P<what>[^,;.]+?)\s+(?:is|are)\s+(?:now\s+)?(?:all\s+)?(?:on|onto)\s+(?P<rest>\S.*)$", text, re.I
    )
    if onto and not any(is_past_tense(w) or is_gerund(w) for w in FIRST_WORD.findall(onto.group("what"))):
        # "all 40 services are on the new mesh" -> "Moved all 40 services onto the new mesh"
        return f"{rules.moved_off} {_lower_first(onto.group('what'))} onto {onto.group('rest')}"
    if _negative_subject(text, rules):
        return f"{rules.state_verb} {_lower_first(text)}"  # "Ensured nobody has been paged for the cluster in 6 weeks"
    now = _now_result(text, rules) or _present_state(text, rules) or _made_state(text, rules)
    if now:
        return now
    if context_verb:
        return f"{_capitalize(context_verb)} {_lower_first(text)}"
    if re.match(r"[~≈$]?\d", text):
        counted = re.match(r"[~≈$]?\d[\d.,]*\+?\s+(?:[a-z-]+\s+)?(?P<thing>[a-z][\w-]*)", text, re.IGNORECASE)
        verb = _artifact_verb(counted.group("thing"), rules) if counted else rules.fallback_verb
        return f"{verb} {text}"  # "3 interviews" -> "Ran 3 interviews"; "99.95% uptime" -> "Delivered 99.95% uptime"
    return f"{_artifact_verb(text, rules)} {_lower_first(text)}"


def _by_means(words: list[str], index: int, rules: BragRules) -> str | None:
    """'The new invoicing PDF generator replaced a third-party service and handles our 120k invoices/month' ->
    'Replaced a third-party service with the new invoicing PDF generator, which handles the 120k invoices/month'."""
    head = " ".join(words[:index])
    verb = words[index].lower()
    if not re.match(r"(?:the|our|my|a|an|this)\s", head, re.IGNORECASE) or not is_past_tense(verb):
        return None
    if any(is_past_tense(word) for word in words[1:index]):
        return None
    thing = re.sub(r"^(?:our|my)\b", "the", _lower_first(head), flags=re.IGNORECASE)
    what, _, more = " ".join(words[index + 1 :]).partition(" and ")
    what = what.rstrip(" .,;")
    more = re.sub(r"\b(?:our|my)\b", "the", more.rstrip(" ."), flags=re.IGNORECASE)
    return f"{_capitalize(verb)} {what} with {thing}" + (f", which {more}" if more else "")


def _negative_subject(text: str, rules: BragRules) -> bool:
    lowered = text.lower()
    return any(re.match(rf"{re.escape(word)}(?![\w'-])", lowered) for word in rules.negative_subjects)


def _nominal_head(text: str, rules: BragRules) -> str | None:
    """'prod cutover to the new VPC' -> 'Cut over prod to the new VPC', 'the Postgres upgrade' -> 'Upgraded
    Postgres', 'migration of billing to Aurora' -> 'Migrated billing to Aurora': a noun of work names the verb."""
    prefixes = "|".join(map(re.escape, rules.compound_prefixes))
    acting = re.match(rf"^(?:(?P<p>{prefixes})[ -])?(?P<g>[a-z]+ing)\s+of\s+(?P<rest>\S.*)$", text, re.IGNORECASE)
    if acting and is_gerund(acting.group("g")) and is_work_verb(acting.group("g"), rules.verbs):
        # "Load testing of the booking API at 2,000 rps" -> "Load-tested the booking API at 2,000 rps"
        done = past_tense(acting.group("g")) or acting.group("g")
        prefix = f"{acting.group('p').lower()}-" if acting.group("p") else ""
        return _capitalize(f"{prefix}{done} {acting.group('rest')}")
    nominals = "|".join(map(re.escape, rules.nominal_verbs))
    scene = "|".join(map(re.escape, rules.scene_words))
    match = re.match(
        rf"^(?:(?:{scene})\s+)?(?:the\s+|a\s+)?(?P<what>(?:[^\s,;.()]+\s+){{0,3}}?)(?P<n>{nominals})\b"
        rf"(?P<rest>(?:\s+of\b)?.*)$",
        text,
        re.IGNORECASE,
    )
    if not match or any(is_past_tense(w) or is_gerund(w) for w in FIRST_WORD.findall(match.group("what"))):
        return None
    what, rest = match.group("what").strip(), match.group("rest")
    if rest and not re.match(r"\s*(?:$|[,;:(]|\s(?:of|to|for|on|in|from|across|with|at)\b|\s[-–—]\s)", rest):
        return None  # "rollout plan for X": the noun of work names a thing here
    if not what:
        rest = re.sub(r"^\s+of\b", "", rest)
    elif re.match(r"\s+of\b", rest):
        return None  # "Kafka migration of the orders topic": which is the object is unclear
    verb = _verb_phrase(rules.nominal_verbs[match.group("n").lower()])
    # "The migration of X to Y was completed": the verb of the noun says it was done
    rest = re.sub(r"\s+(?:was|were|is|has been|have been|got)\s+(?:completed|finished|done|delivered)\W*$", "", rest)
    return " ".join(f"{verb} {what}{rest}".split()).replace(" ,", ",")


def _now_result(text: str, rules: BragRules) -> str | None:
    """'the nightly job now takes 9 min' -> 'Brought the nightly job to 9 min'; 'the service now handles 1.2M
    events/day' -> 'Got the service to handle 1.2M events/day': a result stated with no verb of the person's."""
    durations = "|".join(map(re.escape, rules.duration_verbs))
    match = re.match(
        rf"^(?P<what>[^,;.]+?)\s+(?:(?:is|are|it's)\s+)?now\s+(?:(?P<d>{durations})\s+(?:in\s+|about\s+|under\s+)*"
        rf"(?=[~≈$]?\d)|(?P<v>[a-z]+s)\b)(?P<rest>.*)$",
        text,
        re.IGNORECASE,
    )
    later = re.match(
        rf"^(?P<what>[^,;.]+?)\s+(?P<d>{durations})\s+(?:in\s+|about\s+|under\s+)*(?P<m>{MEASURE})\s+now\b"
        r"(?P<rest>.*)$",
        text,
        re.IGNORECASE,
    )
    level = re.match(
        rf"^(?P<what>[^,;.]+?)\s+(?:is|are)\s+(?:(?P<now>now)\s+)?(?P<m>{MEASURE})(?(now)|\s+now\b)(?P<rest>.*)$",
        text,
        re.I,
    )
    if level and not any(is_past_tense(w) for w in FIRST_WORD.findall(level.group("what"))):
        what = _lower_first(level.group("what"))
        return f"{rules.now_result_verbs['duration']} {what} to {level.group('m').strip()}{level.group('rest')}"
    if later and not any(is_past_tense(w) for w in FIRST_WORD.findall(later.group("what"))):
        what = _lower_first(later.group("what"))
        noun = next((lemma for lemma in verb_lemmas(later.group("d").split()[0]) if lemma in rules.duration_nouns), "")
        thing = f"{what} {noun}".strip()
        measure = later.group("m").strip()
        return f"{rules.now_result_verbs['duration']} {thing} to {measure}{later.group('rest')}"
    if not match or any(is_past_tense(w) for w in FIRST_WORD.findall(match.group("what"))):
        return None
    what, rest = _lower_first(match.group("what")), match.group("rest")
    if match.group("d"):
        if not result_numbers(rest):
            return None
        return f"{rules.now_result_verbs['duration']} {what} to {rest.strip()}"
    verb = match.group("v")
    lemma = next(iter(verb_lemmas(verb)), None)
    # "the export now handles", and "all forms now pass" after a plural
    plural = verb.lower() == lemma and re.search(r"[a-z]s$", match.group("what"), re.IGNORECASE) is not None
    if lemma is None or (verb.lower() not in verb_forms(lemma, "VBZ") and not plural):
        return None
    # "our scanning now blocks merges on critical CVEs": a state of a thing of theirs, brought about, with what it acts
    # on; "she now leads the guild" is a person's, and "X → she now leads" is no one thing
    own_thing = re.match(r"(?:our|the|my)\s", match.group("what"), re.IGNORECASE) and not re.search(ARROW, what)
    if not result_numbers(rest) and not (own_thing and is_work_verb(verb, rules.verbs) and len(rest.split()) >= 2):
        return None
    return f"{rules.now_result_verbs['other']} {what} to {lemma}{rest}"


STATE_BEFORE = re.compile(
    rf"^(?P<what>[^,;.!?()]+?)\s+(?:is|are)\s+(?:now\s+)?(?P<cmp>(?:under|below|down to|up to|over|above|at)\s+)?"
    rf"(?P<now>{MEASURE})(?:\s+now)?\s*(?:[.,;]\s*|\(\s*)(?:it\s+|which\s+)?(?:was|were|used to be)\s+"
    rf"(?P<before>{MEASURE})(?P<tail>[^.;)!?]*)\)?",
    re.IGNORECASE,
)


# "api gateway availability was 99.95% for the quarter vs 99.8% last quarter": a level now against the one before.
STATE_VERSUS = re.compile(
    rf"^(?P<what>[^,;.!?()]+?)\s+(?:is|was|are|were|hit|reached|came in at|ended at)\s+(?P<now>{MEASURE})"
    rf"(?P<mid>[^,;]*?)\s+(?:vs\.?|versus|compared to|compared with|against|up from|down from)\s+"
    rf"(?P<before>{MEASURE})(?P<when>\s+(?:last|the previous|previous|the prior|prior)\s+"
    rf"(?:quarter|half|year|month|week|sprint|cycle))?(?P<tail>.*)$",
    re.IGNORECASE,
)


def _state_with_before(text: str, rules: BragRules) -> str:
    """'the android app size is under 30mb. was 52mb at the start of the quarter' -> 'Cut the android app size from
    52mb at the start of the quarter to under 30mb': a state now and what it was are the change the person made."""
    versus = STATE_VERSUS.match(text)
    if versus and not any(is_past_tense(word) for word in FIRST_WORD.findall(versus.group("what"))):
        before, now = versus.group("before").strip(), versus.group("now").strip()
        verb = _change_verb(_direction(f"{before} {now}"), rules)
        what, mid = _lower_first(versus.group("what")), versus.group("mid").rstrip()
        when = versus.group("when") or ""
        return f"{verb} {what} from {before}{when} to {now}{mid}{versus.group('tail')}"
    match = STATE_BEFORE.match(text)
    if not match or any(is_past_tense(word) for word in FIRST_WORD.findall(match.group("what"))):
        return text
    before, now = match.group("before").strip(), match.group("now").strip()
    verb = _change_verb(_direction(f"{before} {now}"), rules)
    changed = f"{verb} {_lower_first(match.group('what'))} from {before}{match.group('tail').rstrip()} to "
    return f"{changed}{match.group('cmp') or ''}{now}{text[match.end() :]}"


def _made_state(text: str, rules: BragRules) -> str | None:
    """'the test environment provisioning is now self-service through a Slack command' -> 'Made the test environment
    provisioning self-service through a Slack command', 'the flaky e2e suite is green now' -> 'Made the flaky e2e
    suite green': a state the person brought about, told without their verb."""
    match = re.match(
        r"^(?P<what>[^,;.]+?)\s+(?:is|are)\s+(?:(?P<now>now)\s+)?(?:fully\s+|all\s+)?(?P<state>[a-z][\w-]*)\b"
        r"(?(now)|\s+now\b)(?P<rest>.*)$",
        text,
        re.IGNORECASE,
    )
    if not match or any(is_past_tense(word) for word in FIRST_WORD.findall(match.group("what"))):
        return None
    from lemminflect import getAllLemmas

    state = match.group("state")
    if state.lower() in rules.status_words or ("ADJ" not in getAllLemmas(state.lower()) and "-" not in state):
        return None
    return f"{rules.state_made_verb} {_lower_first(match.group('what'))} {state}{match.group('rest')}"


def _present_state(text: str, rules: BragRules) -> str | None:
    """'7 teams now deploy through the golden path' -> 'Got 7 teams to deploy through the golden path', 'the catalog
    covers all 186 services' -> 'Got the catalog to cover all 186 services': a measured state the person brought
    about, told in the present with no verb of theirs (anything else would put a verb in their mouth)."""
    # The verb is followed by what it acts on ("covers all 186", "deploy through"): that tells it from a noun ("7
    # teams", "search results load").
    match = re.match(
        r"^(?P<what>(?:[^\s,;.()]+\s+){1,5}?)(?P<now>now\s+)?(?P<v>[a-z]+)\b"
        r"(?P<rest>\s+(?:the|a|an|all|every|each|over|under|about|around|through|to|in|on|for|with|from|across|more"
        r"|fewer|less|twice|half|nightly|daily|hourly|weekly|automatically|continuously)\b.*|\s+[~≈$]?\d.*)$",
        text,
        re.IGNORECASE,
    )
    if not match or not result_numbers(text) or re.search(r"\d\S*\s+$", match.group("what")):
        return None
    what, verb = match.group("what").strip(), match.group("v").lower()
    if re.search(r"\b(?:i|we|i'm|we're|it|this|that|they)\b", what, re.IGNORECASE):
        return None
    if any(is_past_tense(w) or is_gerund(w) for w in FIRST_WORD.findall(what)):
        return None
    lemma = next(iter(verb_lemmas(verb)), None)
    if lemma is None or lemma in ("be", "have", "do", "get", "go"):
        return None
    if verb not in verb_forms(lemma, "VBZ") + ((lemma,) if match.group("now") else ()):
        return None
    rest = re.sub(
        r"^(\s+(?:nightly|daily|hourly|weekly|automatically|continuously))\s+now\b", r"\1", match.group("rest")
    )
    return f"{rules.now_result_verbs['other']} {_lower_first(what)} to {lemma}{rest}"


RESULT_CHANGES = ("cut", "reduce", "lift", "raise", "increase", "improve", "save", "drop", "boost", "double", "triple",
                  "halve", "shrink", "lower", "decrease", "eliminate", "take", "bring", "free")  # fmt: skip


def _measured_change(text: str) -> bool:
    """'from 800ms to 120ms', 'by 40%', '2x', '$12k': a result measured in the text (a count alone is not one)."""
    return bool(re.search(rf"{MEASURE}\s*(?:to|{ARROW})\s*{MEASURE}|\bby\s+{MEASURE}|\d\s?%|\dx\b|\$\s?\d", text))


def _with_means(result: str, means: str) -> str:
    """'Cut p99 from 450ms to 38ms and dropped 12 pods' + 'rewriting the engine' -> 'Cut p99 from 450ms to 38ms by
    rewriting the engine, and dropped 12 pods': how it was done goes right after the first measured change."""
    measured = re.search(
        rf"(?:from\s+)?{MEASURE}\s*(?:to|{ARROW})\s*(?:(?:just\s+)?(?:under|below|about|around|over)\s+)?{MEASURE}"
        rf"|\bby\s+{MEASURE}|{MEASURE}",
        result,
    )
    clause = re.compile(r",\s|;\s|\s+and\s").search(result, measured.end()) if measured else None
    cut = clause.start() if clause else len(result)
    head, tail = result[:cut].rstrip(), result[cut:]
    joiner = "after" if re.search(r"\bby\b", head) else "by"
    tail = re.sub(r"^\s+and\s+", ", and ", tail)
    return f"{head} {joiner} {means}{tail}"


def _result_first(text: str, rules: BragRules) -> str:
    """'Built the harness, which lifted click-through from 18% to 24%' -> 'Lifted click-through from 18% to 24% by
    building the harness'; 'Owned the rewrite; failed payments dropped from 3% to 0.2%' -> 'Cut failed payments
    from 3% to 0.2% by owning the rewrite'. Only when what was done has no result of its own."""
    transitive = re.search(
        r"(?:,\s*which\s+|,\s*(?=(?:saving|cutting|reducing|lifting|raising|doubling|halving|bringing|taking|dropping)\b)"
        r"|\s+which\s+)"
        r"(?P<verb>\w+)\s+(?P<result>.+)$",
        text,
        re.IGNORECASE,
    )
    if transitive and not re.search(r"\.\s", text[: transitive.start()]):
        action, verb, result = text[: transitive.start()], transitive.group("verb"), transitive.group("result")
        lemma = (verb_lemmas(verb) or ("",))[0]
        if lemma in RESULT_CHANGES and result_numbers(result) and not _measured_change(action):
            # "taking frame time from 19.4ms to 14.1ms" says which way it went: "Cut frame time from ..."
            way = _direction(result) if lemma in ("bring", "take") else None
            said = _change_verb(way, rules) if way else _capitalize(past_tense(verb) or verb)
            if way:
                result = re.sub(r"\s(?:down|up)(?=\s+to\b)", "", result)
            return _with_means(f"{said} {result}", _gerund_clause(action, rules))
    for separator in (r"\.\s+", r";\s+", r",?\s+and then\s+", r",\s+and\s+", r",\s+"):
        parts = re.split(separator, text, maxsplit=1)
        if len(parts) != 2 or result_numbers(parts[0]) or not result_numbers(parts[1]):
            continue
        if re.match(r"(?:which|that|who)\b", parts[1], re.IGNORECASE):
            continue  # "..., which freed up 2 hours": a relative clause is no thing that changed
        changed = _change_statement(parts[1], rules)
        done = re.match(
            rf"(?:{'|'.join(map(re.escape, rules.completion_words))})\s+(?P<what>(?:the|a|an|our|my)\s+[^,;.()]+?)"
            r"(?:\s+(?:thing|stuff|work|project))?$",
            parts[0],
            re.IGNORECASE,
        )
        if changed is None and done and re.match(r"(?:went|dropped|fell|came)\s+(?:down\s+)?from\b", parts[1], re.I):
            # "Completed the cold start thing. Went from 3.1s to 1.4s": the change is of what was completed
            told = _change_statement(f"{_lower_first(done.group('what'))} {_lower_first(parts[1])}", rules)
            if told:
                return told
        first = FIRST_WORD.match(parts[0])
        if changed and first and is_past_tense(first.group(0)):
            return _with_means(changed, _gerund_clause(parts[0], rules))
    return text


def _polish(text: str, rules: BragRules) -> str:
    text = _tidy(text).rstrip(" .;,")
    # "..., which reduced X" reads better as "..., reducing X".
    text = re.sub(
        r",?\s+which\s+(\w+)\b(?!\s+to\b)",
        lambda m: (
            f", {gerund(m.group(1))}"
            if is_past_tense(m.group(1)) and is_work_verb(m.group(1), rules.verbs) and gerund(m.group(1))
            else m.group(0)
        ),
        text,
    )
    text = re.sub(r"\b(?:our|my)\s+(?!own\b)", "the ", text, flags=re.IGNORECASE)
    text = re.sub(r"\bthe the\b", "the", text)
    # "Picked up the design system work: I audited the 40+ variants": the person is the bullet's subject already
    text = re.sub(r":\s+(?:I|we)\s+(?=[a-z]+ed\b)", ": ", text)
    text = re.sub(r"(?<=\w)\s+now$", "", text)  # "Fixed the flaky deploy step now": "now" adds nothing at the end
    text = re.sub(rf"\bfrom\s+({MEASURE})\s*{ARROW}\s*(?=[~≈$]?\d)", r"from \1 to ", text)
    # A sentence inside the bullet starts with a capital too ("... on-call. Fixed ...").
    text = re.sub(r"([.!?]\s+)([a-z])", lambda m: m.group(1) + m.group(2).upper(), text)
    return _capitalize(text)


def _drop_inner_subjects(text: str, rules: BragRules) -> str:
    """'..., and i switched it' -> '..., and switched it': no 'I' or 'we' before the person's own verbs."""

    def drop(match: re.Match[str]) -> str:
        verb = match.group("verb")
        earlier = FIRST_WORD.findall(text[: match.start()])  # "my team and I migrated": a subject, not a clause
        if is_past_tense(verb) and is_work_verb(verb, rules.verbs) and any(is_past_tense(w) for w in earlier):
            return f"{match.group('joint')} "
        return match.group(0)

    return re.sub(
        r"(?P<joint>(?<=\w)(?:,|;|\s+and|\s+then|\s+so|\s+but))\s+(?:i|we)\s+(?=(?P<verb>[a-z]+)\b)",
        drop,
        text,
        flags=re.IGNORECASE,
    )


@_keeping_numbers
def _reword_sentence(text: str, rules: BragRules, lead: bool, context_verb: str | None) -> str:
    text = _time_to_end(text, rules)
    if lead and not _starts_with_work(text, rules):
        text = _work_clause_first(text, rules)
    if lead:
        text = _done_before_start(text, rules)
    text = _drop_inner_subjects(text, rules)
    text, label, status = _label(text, rules)
    if label is not None and status is None and re.match(rf"^(?:from\s+)?{MEASURE}\s*(?:{ARROW}|to)", text):
        text, label = _before_after(text, label, rules) or text, None
    elif lead and label is not None and status is None and re.match(r"[+~≈$-]?\d", text) and not context_verb:
        work = _lead_with_verb(label, rules, None)  # the label names the work: its verb leads, the result follows
        if not work.startswith(rules.fallback_verb):
            text, label = f"{work}: {text}", None
        else:
            text = _lead_with_verb(text, rules, None)
    elif (
        lead
        and label is not None
        and status is None
        and not _starts_with_work(text, rules)
        and (_artifact_verb(label, rules) != rules.fallback_verb)
    ):
        # 'doc: "how we do code review" — linked from the handbook': the label names what kind of thing was made
        text, label = f"{_artifact_verb(label, rules)} {_lower_first(text)}", None
    elif lead or status:
        text = _lead_with_verb(text, rules, status or context_verb)
    else:
        stripped, dropped = _drop_subject(text, rules)
        verb = FIRST_WORD.match(stripped)
        if dropped and verb and is_work_verb(verb.group(0), rules.verbs) and not is_gerund(verb.group(0)):
            text = _lead_with_verb(stripped, rules, None, subject=True)
    if lead:
        text = _result_first(text, rules)
        text = _means_after_dash(text, rules)
    text = _tidy(text)
    return f"{text} ({label})" if label else text


def reword(original: str, rules: BragRules, context_verb: str | None = None) -> str:
    """The rewrite itself: a past-tense verb first, the result first when measured, filler, feelings and pronouns
    gone; words moved and re-inflected, none invented."""
    cleaned = EMOJI_BETWEEN.sub(". ", " ".join(original.split()))
    cleaned = _state_with_before(_drop_padding(_clean_line(cleaned).strip(" .;"), rules), rules)
    parts = [
        _labelled(_made_then_did(_contribution(part, rules), rules), rules)
        for part in sentences(cleaned)
        if re.search(r"\w", part)
    ]
    if not parts:  # nothing but feelings or filler: the words as written
        return _capitalize(" ".join(original.split()).strip(" .;!"))
    # The sentence that says what was done leads; one that only sets the scene ("2 pages overnight") follows it.
    # A past tense leads before a plain verb: "I own the platform. This half I moved it to Kafka" leads with the move.
    working = [i for i, part in enumerate(parts) if _starts_with_work(part, rules, plain=False)] or [
        i for i, part in enumerate(parts) if _starts_with_work(part, rules)
    ]
    lead = next((i for i in working if not _sets_scene(parts[i], rules)), working[0] if working else 0)
    ordered = [parts[lead], *parts[:lead], *parts[lead + 1 :]]
    worded = [_reword_sentence(part.strip(" .;"), rules, i == 0, context_verb) for i, part in enumerate(ordered)]
    if len(worded) >= 2 and not result_numbers(worded[0]):
        # "Rewrote the engine in Rust. p99 went from 450ms to 38ms": the result of the next sentence leads.
        joined = f"{worded[0]}. {_drop_inner_subjects(worded[1], rules)}"
        merged = _result_first(joined, rules)
        if merged != joined and numbers(merged) == numbers(joined):
            worded = [merged, *worded[2:]]
    bullet = _polish(_join_fragments([part.rstrip(" .") for part in worded if part]), rules)
    return bullet or _capitalize(cleaned or " ".join(original.split()))


# "My personal contribution was the identity-resolution pipeline": what the person did, told as a noun.
CONTRIBUTION = re.compile(r"^(?:my|our)\s+(?:(?:personal|own|main|biggest|specific|individual)\s+)?"
                          r"(?:contribution|part|piece)\s+(?:to it\s+|there\s+|here\s+)?(?:was|is)\s+(?P<what>\S.*)$",
                          re.IGNORECASE)  # fmt: skip


@_keeping_numbers
def _contribution(text: str, rules: BragRules) -> str:
    match = CONTRIBUTION.match(text)
    if not match:
        return text
    what = match.group("what")
    to = re.match(r"to\s+(?P<v>[a-z]+)\b(?P<rest>.*)$", what, re.IGNORECASE)
    if to and is_work_verb(to.group("v"), rules.verbs) and past_tense(to.group("v")):
        return f"{past_tense(to.group('v'))}{to.group('rest')}"  # "was to design the schema" -> "designed the schema"
    return f"{_artifact_verb(what, rules).lower()} {what}"


# "Pages: 23 (down from 61 the week before, after tuning the disk alerts)", "Escaped defects this release: 2 (last
# release: 9)": a measure as a label, with what it was before in brackets.
METRIC_LABEL = re.compile(
    rf"^(?P<what>[^:()]{{3,80}}?):\s*(?P<now>{MEASURE})\s*\((?:vs\.?|versus|down from|up from|was|from|"
    rf"(?:last|previous|prior) [\w ]{{1,20}}?:)\s*(?P<before>{MEASURE})(?P<when>[^,;)]*)(?P<tail>[^)]*)\)(?P<rest>.*)$",
    re.IGNORECASE,
)
HELD_LABEL = re.compile(
    rf"^(?P<what>[^:()]*\b(?:availability|uptime|success rate|sla|slo|coverage)\b[^:()]*):\s*(?P<now>{MEASURE})(?P<rest>.*)$",
    re.IGNORECASE,
)


@_keeping_numbers
def _labelled(text: str, rules: BragRules) -> str:
    """Changelog and report labels: 'added: batch upload endpoint' -> 'added batch upload endpoint'; 'changed:
    thumbnails are now WebP' -> 'changed thumbnails to WebP'; a measure told as a label with its old value -> the
    change from it; 'API availability for the quarter: 99.95%' -> 'Held API availability for the quarter at 99.95%'."""
    label = re.match(r"^(?P<v>[A-Za-z]+)\s*:\s*(?P<rest>\S.*)$", text)
    if (
        label
        and _past_not_noun(label.group("v"))
        and _is_past_work(label.group("v"), rules)
        and (label.group("v").lower() not in rules.time_labels)
    ):
        verb, rest = label.group("v"), label.group("rest")
        state = re.match(r"^(?P<what>.+?)\s+(?:is|are)\s+now\s+(?P<to>.+)$", rest)
        if state and verb.lower() in ("changed", "switched", "moved", "converted"):
            return f"{verb} {state.group('what')} to {state.group('to')}"
        return f"{verb} {rest}"
    metric = METRIC_LABEL.match(text)
    if metric:
        before, now = metric.group("before").strip(), metric.group("now").strip()
        verb = _change_verb(_direction(f"{before} {now}"), rules)
        when = f" {metric.group('when').strip()}" if metric.group("when").strip() else ""
        what, tail = _lower_first(metric.group("what").strip()), metric.group("tail") + metric.group("rest")
        return f"{verb} {what} from {before}{when} to {now}{tail}"
    held = HELD_LABEL.match(text)
    if held:
        return f"{rules.level_verb} {held.group('what').strip()} at {held.group('now').strip()}{held.group('rest')}"
    return text


@_keeping_numbers
def _made_then_did(text: str, rules: BragRules) -> str:
    """'the push opt-in prompt I built took opt-in from 41% to 58%' -> 'built the push opt-in prompt, which took
    opt-in from 41% to 58%': what the person made, then what it did."""
    match = re.match(r"^(?:the|a|an|my|our)\s+(?P<what>[^,;.]+?)\s+(?:i|we)\s+(?P<v>[a-z]+)\s+(?P<did>(?P<d>[a-z]+)\b.*)$",
                     text, re.IGNORECASE)  # fmt: skip
    if not match or not _is_past_work(match.group("v"), rules) or not is_past_tense(match.group("d")):
        return text
    return f"{match.group('v')} the {match.group('what')}, which {match.group('did')}"


@_keeping_numbers
def _work_clause_first(text: str, rules: BragRules) -> str:
    """'we were paying for two Datadog orgs for no reason, I consolidated them' -> 'I consolidated them; we were
    paying for two Datadog orgs for no reason': the clause that says what the person did comes first."""
    for joint in (", ", "; "):
        clauses = text.split(joint)
        for index, clause in enumerate(clauses[1:], 1):
            if re.match(r"(?:(?:and|so|then)\s+)?(?:i|we)\s", clause, re.I) and _starts_with_work(clause, rules):
                return f"{joint.join(clauses[index:])}; {_lower_first(joint.join(clauses[:index]))}"
    return text


@_keeping_numbers
def _done_before_start(text: str, rules: BragRules) -> str:
    """'Started learning Rust, gave a brown-bag on it' -> 'Gave a brown-bag on Rust after starting to learn it': what
    was done leads, not what was only begun."""
    starts = "|".join(map(re.escape, rules.start_words))
    stripped, _ = _drop_subject(text, rules)
    match = re.match(
        rf"^(?:{starts})\s+(?P<g>[a-z]+ing)\s+(?P<what>[^,;]+?)(?:\s*,\s*(?:and\s+)?(?:then\s+)?|\s+and\s+(?:then\s+)?)"
        rf"(?:(?:i|we)\s+)?(?P<verb>[a-z]+)\b(?P<rest>[^,;]*)$",
        stripped,
        re.IGNORECASE,
    )
    if not match or not is_gerund(match.group("g")) or not _is_past_work(match.group("verb"), rules):
        return text
    base = next(iter(verb_lemmas(match.group("g"))), None)
    if base is None:
        return text
    what, rest = match.group("what"), match.group("rest")
    pointed = re.sub(r"\b(?:it|them)\b", what, rest, count=1)
    later = "it" if pointed != rest else what
    return f"{_plain(match.group('verb'), rules)}{pointed} after starting to {base} {later}"


@_keeping_numbers
def _means_after_dash(text: str, rules: BragRules) -> str:
    """'Brought the build to 40s (it was 6 min) — swapped Gatsby for Astro' -> '... by swapping Gatsby for Astro': the
    work that got a measured result, told after a dash, reads as its means."""
    match = re.match(r"^(?P<result>.+?)\s+[—–]\s+(?P<work>(?P<verb>[a-z]+)\b[^—–]*)$", text)
    if not match or not _is_past_work(match.group("verb"), rules) or numbers(match.group("work")):
        return text
    result = match.group("result")
    first = FIRST_WORD.match(result)
    if (
        not first
        or not is_past_tense(first.group(0))
        or not result_numbers(result)
        or re.search(r"\bby\s+\w+ing\b", result)
    ):
        return text
    return f"{result} by {_gerund_clause(match.group('work'), rules)}"


def _opens_with_work(text: str, rules: BragRules) -> bool:
    """A report of work done; "did 23 interviews" too: a verb that reports no work on its own does with a count."""
    counted = re.match(r"(?:i\s+)?(?:did|made)\s+[~≈$]?\d", strip_lead_in(text, rules.verbs), re.IGNORECASE)
    return counted is not None or reports_work_done(text, rules.verbs)


def _past_not_noun(word: str) -> bool:
    """'shipped', 'finished': a past tense that is no noun too ('cost', 'set', 'cut' are both)."""
    from lemminflect import getAllLemmas

    return is_past_tense(word) and "NOUN" not in getAllLemmas(word.lower())


def _is_past_work(word: str, rules: BragRules) -> bool:
    return is_past_tense(word) and is_work_verb(word, rules.verbs)


def _is_fragment(sentence: str) -> bool:
    """'6 months of work', 'zero data loss', '12 → 16 on the main cluster': a few words with no verb in them."""
    words = FIRST_WORD.findall(sentence)
    if not words or len(sentence.split()) > 12 or re.search(r"[:;]", sentence):
        return False
    for word in words:
        lowered = word.lower()
        if lowered in ("is", "are", "was", "were", "has", "have", "had", "it's", "i", "we"):
            return False
        if any(
            lowered in verb_forms(lemma, tag) for lemma in verb_lemmas(lowered) for tag in ("VBD", "VBN", "VBG", "VBZ")
        ):
            return False
    return True


def _join_fragments(parts: list[str]) -> str:
    """The sentences of a bullet; verbless fragments after the first go on from it: 'Completed the Kafka → Pulsar
    migration: 6 months of work, zero data loss'."""
    if not parts:
        return ""
    joined, opened = parts[0], ":" in parts[0]
    for part in parts[1:]:
        if _is_fragment(part):
            joined += f", {_lower_first(part)}" if opened else f": {_lower_first(part)}"
        else:
            joined += f". {part}"
        opened = True
    return joined


def _sets_scene(sentence: str, rules: BragRules) -> bool:
    """'This half I focused on the search project': where the work happened, not what was done."""
    text, _ = _drop_subject(_time_to_end(sentence), rules)
    first = FIRST_WORD.match(text)
    return first is not None and any(lemma in rules.scene_verbs for lemma in verb_lemmas(first.group(0)))


def _starts_with_work(sentence: str, rules: BragRules, plain: bool = True) -> bool:
    """A sentence that opens with the person's work: a past tense or gerund, or (with `plain`) a plain verb after 'I'
    ('i change the queries to use partition', as some people write)."""
    text, dropped = _drop_subject(_label(_time_to_end(sentence), rules)[0], rules)
    first = FIRST_WORD.match(text)
    if first is None or not is_work_verb(first.group(0), rules.verbs):
        return False
    word = first.group(0).lower()
    return is_past_tense(word) or is_gerund(word) or (plain and dropped and word in verb_lemmas(word))


@cache
def _verb_spellings(lemmas: frozenset[str]) -> tuple[str, ...]:
    """The past tenses of the verbs the rules name: what a misspelt opening verb is put right to."""
    return tuple(sorted({form for lemma in lemmas if " " not in lemma for form in verb_forms(lemma, "VBD")}))


def _respelled(text: str, rules: BragRules) -> str:
    """'fixd the late-arriving data bug' -> 'fixed the ...': the first word of each sentence, when it is no English
    word and one edit (a swap of two letters counts as one) from exactly one past tense of the rules' verbs."""
    from rapidfuzz.distance import OSA

    lemmas = {
        *rules.verb_kinds,
        *rules.nominal_verbs.values(),
        *rules.plain_verbs.values(),
        *rules.activity_verbs,
        *(lemma for word in rules.completion_words if " " not in word for lemma in verb_lemmas(word)),
    }
    spellings = _verb_spellings(frozenset(lemmas))

    def fixed(match: re.Match[str]) -> str:
        word = match.group("word")
        if len(word) < 4 or is_known_word(word):
            return match.group(0)
        near = [form for form in spellings if OSA.distance(word.lower(), form, score_cutoff=1) <= 1]
        return f"{match.group('before')}{near[0]}" if len(near) == 1 else match.group(0)

    def clipped(match: re.Match[str]) -> str:
        """ "reorg'd platform into 2 squads": a clipped noun of work with "'d" is that work's past tense."""
        verb = rules.nominal_verbs.get(match.group("word").lower())
        forms = verb_forms(verb, "VBD") if verb and " " not in verb else ()
        return f"{match.group('before')}{forms[0]}" if forms else match.group(0)

    text = re.sub(r"(?P<before>(?:^|[.;!?]\s+)(?:(?:i|we)\s+)?)(?P<word>[A-Za-z]+)['’]d\b", clipped, text, flags=re.I)
    return re.sub(r"(?P<before>(?:^|[.;:!?]\s+)(?:(?:i|we)\s+)?)(?P<word>[A-Za-z]+)\b", fixed, text, flags=re.I)


def rewrite(original: str, rules: BragRules, context_verb: str | None = None) -> str:
    """The bullet for one entry: the rewrite, checked once more in code (its numbers must be the original's); when
    the check fails, the entry with only its padding dropped and its first verb in the past tense."""
    bullet = reword(_respelled(original, rules), rules, context_verb)
    if numbers(bullet) == numbers(original):
        return bullet
    cleaned = _drop_padding(" ".join(original.split()).strip(" .;"), rules)
    stripped, _ = _drop_subject(cleaned, rules)
    first = FIRST_WORD.match(stripped)
    if first and is_work_verb(first.group(0), rules.verbs) and past_tense(first.group(0)):
        stripped = f"{past_tense(first.group(0))}{stripped[first.end() :]}"
    for candidate in (stripped, cleaned, " ".join(original.split()).strip(" .;")):
        if numbers(candidate) == numbers(original):
            return _capitalize(candidate)
    return _capitalize(" ".join(original.split()))


# -- tags and questions -------------------------------------------------------------------------------------------


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


def work_kind(text: str, rules: BragRules, heading_kind: str | None = None, bullet: str | None = None) -> str | None:
    """The kind of work of an entry: named in it, else by its heading, else by the verb its bullet opens with."""
    label = STANDUP_LABEL.match(text)
    if label and _is_time_label(label.group("label"), rules):
        text = label.group("rest")
    opening = FIRST_WORD.match(bullet or "")
    leading = next((rules.leading_verb_kinds[lemma] for lemma in verb_lemmas(opening.group(0)) if lemma in
                    rules.leading_verb_kinds), None) if opening else None  # fmt: skip
    if leading:
        return leading
    found = kind_for(_drop_subject(_drop_padding(text, rules), rules)[0], rules) or heading_kind
    if found is None:
        first = FIRST_WORD.match(bullet if bullet is not None else strip_lead_in(text, rules.verbs))
        lemmas = verb_lemmas(first.group(0)) if first else ()
        found = next((rules.verb_kinds[lemma] for lemma in lemmas if lemma in rules.verb_kinds), None)
    return found


def question_for(text: str, rules: BragRules, heading_kind: str | None = None, bullet: str | None = None) -> str | None:
    """The question for the result, specific to the kind of work, when the entry states no result; None otherwise."""
    if has_result(text, rules):
        return None
    return rules.ask(work_kind(text, rules, heading_kind, bullet))


def scope_for(text: str, rules: BragRules) -> tuple[str | None, str | None]:
    lowered = text.lower()
    for name, level, cues in rules.scope:
        if any(_has_phrase(lowered, cue) for cue in cues):
            return name, level
    if re.search(r"\b\d+\s+teams\b", lowered):
        return "multiple teams", "Staff"
    return None, None


def draft_entries(paste: str, ladder: Ladder, rules: BragRules | None = None) -> list[BragEntry]:
    rules = rules or load_rules()
    entries = paste_entries(paste, rules)
    if not entries:
        raise BragError("Paste at least one accomplishment, one per line or as a list.")
    drafted = []
    for entry in entries:
        original = entry.text
        if len(original) > MAX_ENTRY_CHARS:
            raise BragError(
                f"One entry is {len(original)} characters long; keep each accomplishment under {MAX_ENTRY_CHARS} "
                "characters, one per line or list item."
            )
        bullet = rewrite(_as_done(original) if entry.ordered else original, rules, entry.verb)
        question = question_for(original, rules, entry.kind, bullet)
        scope, level = scope_for(original, rules)
        drafted.append(
            BragEntry(
                original=original,
                bullet=bullet,
                competencies=competencies_for(original, ladder),
                questions=(question,) if question else (),
                scope=scope,
                level=level,
            )
        )
    return drafted


# -- showing and working on the entries ---------------------------------------------------------------------------


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
    subject = "is your accomplishment" if count == 1 else f"are your {count} accomplishments"
    asks = ""
    if open_questions:
        asks = (
            "; the one without a number has a question for its result"
            if open_questions == 1
            else ("; the ones without a number have a question for their result")
        )
    if count == 1:
        asks = "; it has no number yet, so there is a question for its result" if open_questions else ""
        lines = [f"Here {subject} as a brag-doc bullet{asks}.", ""]
    else:
        lines = [f"Here {subject} as brag-doc bullets{asks}.", ""]
    for entry in entries:
        lines.append(f"- {entry.bullet}")
        lines += [f"  - *To add a number:* {question}" for question in entry.questions]
    return "\n".join(lines)


def stronger(entry: BragEntry, rules: BragRules) -> str | None:
    """A stronger version of a bullet with numbers, from the person's own words only: the measured result first and
    a plain verb in place of a weak one; None when the bullet already reads that way."""
    candidates = [_result_first(entry.bullet, rules), reword(entry.original, rules)]
    for candidate in candidates:
        candidate = _polish(candidate, rules)
        if (
            candidate != entry.bullet
            and numbers(candidate) == numbers(entry.original)
            and _leads_with_result(candidate)
        ):
            return candidate
    return None


def _leads_with_result(bullet: str) -> bool:
    """Whether the result comes first: a number in the first clause of the bullet."""
    return bool(result_numbers(re.split(r"\bby\b|,|;|\.\s", bullet, maxsplit=1)[0]))


def rework(
    action: str, chosen: Sequence[int], entries: Sequence[BragEntry], ladder: Ladder, rules: BragRules | None = None
) -> tuple[str, tuple[BragEntry, ...], bool]:
    """A follow-up on the entries just drafted, as (answer, the entries it is about, whether to save them):
    'save' adds them all to the brag doc, 'competency' says what the chosen ones show, and 'strengthen' asks for the
    missing result and reach, or offers a stronger order from the person's own words."""
    rules = rules or load_rules()
    if action == "save":
        return f"Added {len(entries)} bullet{'s' if len(entries) != 1 else ''} to your brag doc.", tuple(entries), True
    lines = []
    for index in chosen:
        entry = entries[index]
        lines.append(f"{index + 1}. {entry.bullet}")
        if action == "competency":
            described = "; ".join(f"**{name}**: {ladder.competency(name).description}" for name in entry.competencies)
            lines.append(f"   It shows {described}")
            continue
        if entry.questions:
            lines.append(f"   To make it stronger, add the result: {entry.questions[0]}")
        else:
            better = stronger(entry, rules)
            if better:
                lines.append(f"   With the result first, from your own words: {better}")
            elif _leads_with_result(entry.bullet):
                lines.append("   It already leads with your result.")
            else:
                lines.append("   It has your numbers; to make it stronger, put the result first in your own words.")
        if entry.scope is None:
            lines.append(f"   {rules.scope_question}")
    opening = "Here is what the ladder says about" if action == "competency" else "Here is how to strengthen"
    which = "this bullet" if len(chosen) == 1 else "these bullets"
    return f"{opening} {which}:\n\n" + "\n".join(lines), tuple(entries[index] for index in chosen), False
