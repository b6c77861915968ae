"""The user's profile (level, focus, track, target, years) and how it is read from free text.

Reading is conservative: a level is only taken from a statement about the speaker ("I'm an L5 at Google") or a short
answer ("Senior"), never from a question about a role ("what does a Staff engineer do?"), and unknown stays None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from coach.knowledge.ladder import Ladder
from coach.records import FOCUS_VALUES, Focus, Profile
from coach.text import normalize, sentences

SHORT_ANSWER_WORDS = 12
QUESTION_WORD = re.compile(
    r"^(?:what|what's|whats|how|how's|hows|why|when|where|who|which|should|can|could|would|is|are|do|does|did|will)\b"
)
GREETING = re.compile(r"^(?:hey|hi|hello|yo|ok|okay|so|well|hmm|thanks|thank you)\W*$")
WORD_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "a couple of": 2, "a few": 3, "several": 4, "a dozen": 12,
    "about a": 1, "a": 1,
}  # fmt: skip

# Words that say the speaker is describing themself; a title after one of these is their level.
SELF_CUE = re.compile(
    r"(?:\bi'?m\b|\bi am\b|\bim\b|\bi work as\b|\bworking as\b|\bas an?\b|\bcurrently\b|\bmy (?:title|level|role|"
    r"position|job) is\b|\bpromoted to\b|\bbeen an?\b|\bhired as\b|\bjoined as\b|\bi'?ve been\b|"
    r"\bi'?m now\b|\bnow\b|\bat level\b|\bon level\b|\bi sit at\b|\bi'?m at\b|\b(?:call|consider) myself\b|"
    r"\bstill\b|\bbecame\b|\b(?:was|got) (?:made|promoted to)\b)[^.?!;]{0,40}$"
)
# Phrases that introduce where the speaker wants to go; the level after one of these is the target.
TARGET_CUE = re.compile(
    r"(?:\baim(?:ing)? (?:for|at)|\bwant(?:ing)? to (?:be(?:come)?|get to|reach|move (?:up )?to|grow (?:in)?to)|"
    r"\bto become\b|\bbecom(?:e|ing)\b|\bget(?:ting)? (?:promoted )?to\b|\bpromotion to\b|\bpromoted to\b(?= next)|"
    r"\breach(?:ing)?\b|\btarget(?:ing)?\b|\btowards?\b|\bgoal is\b|\bgoal of\b|\bnext (?:level|step) (?:is|to)\b|"
    r"\bmov(?:e|ing) (?:up )?(?:in)?to\b(?: management as\b)?|\btransition(?:ing)? (?:in)?to\b|\bswitch(?:ing)? to\b|\bpath to\b|"
    r"\bgo(?:ing)? for\b|\bto make\b|\bmake it to\b|\bto get\b|\bhit(?:ting)?\b|\bready for\b|\bpromo(?:tion)? to\b|\bhoping for\b|\bup to\b|\bstep up to\b|\bnext is\b|\bplan (?:to|for)\b|\bto\b(?= (?:a |an )?"
    r"\S+ (?:by|in|within|next)\b))\s+(?:an?\s+|the\s+|\w+\s+)?$"
)
OTHER_PERSON = re.compile(
    r"\b(?:my|our|his|her|their|your)\s+(?:manager|boss|lead|director|skip(?:-level)?|colleague|coworker|teammate|"
    r"friend|mentor|report|vp|cto|partner|peer)s?\b"
)
FIRST_PERSON = re.compile(r"\b(?:i|i'm|im|i've|i am)\b")
WISH = re.compile(
    r"\b(?:want|wants|wanting|would like|hope|hoping|aim|aiming|plan to|goal|dream|wish|trying to become|"
    r"thinking (?:about|of))\b"
)
# A level the speaker is not, or no longer is: "not at senior level yet", "not a manager", "former director".
NOT_NOW = re.compile(
    r"(?:\b(?:not|never|no longer|isn'?t|wasn'?t|aren'?t)\s+(?:(?:yet|even|quite)\s+)?(?:(?:at|a|an|the)\s+)?"
    r"(?:[\w-]+\s+)?|\b(?:former|formerly|ex-?|was an?|used to be(?: an?)?|previously(?: an?)?)\s*)$"
)
# "from senior to staff": the level the speaker is at.
FROM = re.compile(r"\bfrom\s+(?:an?\s+)?$")
# Words that may stand before a title that opens a self-description ("currently a staff eng, ...").
OPENING = re.compile(r"^(?:(?:currently|now|just|a|an|the|im|i'm|i am|hey|hi|ok|so|well)\s+){0,3}$")
# Coding that is denied: "barely touch code", "no more coding", "don't code at all".
NO_CODING = re.compile(
    r"\b(?:no more|don'?t|do not|doesn'?t|barely|never|zero|rarely|hardly|no longer|not)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:cod(?:e|ing)|programming|hands[- ]on)\b"
)
MANAGES_PEOPLE = re.compile(
    r"\b(?:i|we)\s+(?:manage|run|supervise|have)\s+(?:a team of\s+)?(\d+|[a-z]+(?: [a-z]+)?)\s+"
    r"(?:direct\s+)?(?:engineers|developers|devs|people|reports|direct reports|ics)\b"
)
MANAGES_TEAMS = re.compile(
    r"\b(?:i|we)\s+(?:manage|run|oversee|lead)\s+(?:\d+|[a-z]+)\s+(?:teams|managers|engineering managers)\b|"
    r"\bmanager of managers\b|\bi manage managers\b"
)
LEADS_TEAM = re.compile(r"\bi\s+(?:lead|run)\s+(?:a|the|my)?\s*team\s+of\s+(?:\d+|[a-z]+)\b")
YEARS = re.compile(
    r"\b(\d{1,2}(?:\.\d)?|" + "|".join(sorted(WORD_NUMBERS, key=len, reverse=True)) + r")\s*\+?\s*"
    r"(?:years?|yrs?|yoe)\b(?! (?:ago|from now|time))"
)
DECADE = re.compile(r"\b(?:a|one) decade\b")
BOTH = re.compile(
    r"\bhalf\b.{1,60}\bhalf\b|\b(?:both|half (?:of )?(?:my|the) (?:time|week|day)|half[- ]and[- ]half|50 ?/ ?50|50-50|fifty[- ]fifty|split (?:my time|"
    r"between|evenly)|a mix|mix of|mixed|equal(?:ly)?|some coding and some|a bit of both|hybrid role|balance of)\b"
)
CODING = re.compile(
    r"\b(?:cod(?:e|ing|er)|hands[- ]on|programming|heads[- ]down|ic work|implementation|implementing|"
    r"writing software|building features|shipping features|individual contributor work|technical work|"
    r"engineering work|developing|development)\b"
)
LEADING = re.compile(
    r"\b(?:leading|lead (?:the|a|my|our) team|leadership|manag(?:e|ing|ement)|mentor(?:ing)?|people|meetings|coordinat(?:e|ing)|"
    r"running the team|hiring|one-on-ones|1:1s|planning|strategy|direct reports|design reviews|reviewing)\b"
)
MOSTLY = r"(?:mostly|mainly|primarily|largely|all|only|purely|pure|full[- ]time|most of (?:my|the) (?:time|day|week))"
PERCENT = re.compile(
    r"(\d{1,3})\s*%\s*(?:of (?:my|the) time\s+)?(?:on\s+)?(coding|code|leading|leadership|managing)|"
    r"\b(coding|code|leading|leadership|managing)\s+(?:[\w-]+\s+){0,2}?(\d{1,3})\s*%"
)
TRACK_WORDS = {
    "manager": re.compile(r"\b(?:management|manager|people) track\b|\bgo into management\b"),
    "ic": re.compile(r"\b(?:ic|individual contributor|technical) track\b"),
}


@lru_cache(maxsize=8)
def _title_pattern(ladder: Ladder) -> re.Pattern[str]:
    aliases = sorted(ladder.titles, key=len, reverse=True)
    alternatives = "|".join(re.escape(alias) for alias in aliases)
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")


@lru_cache(maxsize=8)
def _company_patterns(
    ladder: Ladder,
) -> tuple[tuple[re.Pattern[str], re.Pattern[str], bool, dict[str, str]], ...]:
    patterns = []
    for company in ladder.companies:
        names = re.compile(r"\b(?:" + "|".join(re.escape(name.lower()) for name in company.names) + r")\b")
        codes = {code.lower(): level for code, level in company.levels.items()}
        code_alternatives = "|".join(re.escape(code) for code in sorted(codes, key=len, reverse=True))
        # "level 63", "L5", "an E5": a code stands alone or after "level".
        code_pattern = re.compile(rf"(?<![\w-])(?:level\s+)?({code_alternatives})(?![\w-])")
        patterns.append((names, code_pattern, company.bare_codes, codes))
    return tuple(patterns)


def _sentences(text: str) -> list[tuple[str, bool]]:
    """(sentence, is_question) pairs; a semicolon ends a statement too ("i'm senior; how do i get to staff?")."""
    parts = [part.strip() for sentence in sentences(text) for part in sentence.split(";")]
    return [(part, part.endswith("?")) for part in parts if part]


@dataclass(frozen=True)
class _Mention:
    start: int
    end: int
    level: str


def _level_mentions(ladder: Ladder, sentence: str, context: str | None = None) -> list[_Mention]:
    """Every level named in a sentence, by company code or by title, leftmost first, overlaps removed. A company
    named anywhere in the context (the whole message) decides what its codes mean ("64 at microsoft, going for 65")."""
    mentions: list[_Mention] = []
    patterns = _company_patterns(ladder)
    context = sentence if context is None else context
    any_company_named = any(names.search(context) for names, *_ in patterns)
    for names, code_pattern, bare_codes, codes in patterns:
        company_named = names.search(context) is not None
        # With a company named, its own map decides ("L6 at Amazon" is not Google's L6).
        if not company_named and (any_company_named or not bare_codes):
            continue
        for match in code_pattern.finditer(sentence):
            code = match.group(1)
            # Bare numbers ("63") only count with the company named and as "level 63"-like codes.
            if code.isdigit() and not company_named:
                continue
            mentions.append(_Mention(match.start(), match.end(), codes[code]))
    for match in _title_pattern(ladder).finditer(sentence):
        mentions.append(_Mention(match.start(), match.end(), ladder.titles[match.group(0)]))
    mentions.sort(key=lambda mention: (mention.start, -(mention.end - mention.start)))
    kept: list[_Mention] = []
    for mention in mentions:
        if kept and mention.start < kept[-1].end:
            continue
        kept.append(mention)
    return kept


FROM_TO = re.compile(r"(?:\bfrom\s+\S+(?:\s+\S+)?\s+to|->|→|=>)\s*(?:an?\s+)?$")


def _is_target(sentence: str, mention: _Mention) -> bool:
    before = sentence[: mention.start]
    return TARGET_CUE.search(before) is not None or FROM_TO.search(before) is not None


def _is_self(sentence: str, mention: _Mention, short: bool) -> bool:
    before = sentence[: mention.start]
    if re.search(r"\b(?:my|our|their|his|her|your|the|with)\s+$", before):
        return False
    return short or SELF_CUE.search(before) is not None


def _opens_message(clause: str, mention: _Mention, first: bool) -> bool:
    """A title that opens the message ("staff eng, i spend most of my time...", "senior backend here") or stands as
    a clause of its own ("..., mid level, mostly coding") describes the speaker."""
    before, after = clause[: mention.start], clause[mention.end :]
    alone = len(after.split()) <= 2 and not before.strip()
    return (first and OPENING.match(before) is not None) or alone


def _number(raw: str) -> float:
    return float(WORD_NUMBERS.get(raw, raw))


def read_focus(text: str) -> Focus | None:
    """coding, leading or both, from how a person describes their time; None when they do not say."""
    text = normalize(text)
    for value in FOCUS_VALUES:
        if text == value:
            return value
    if NO_CODING.search(text):
        return "leading"
    percent = PERCENT.search(text)
    if percent:
        share = int(percent.group(1) or percent.group(4))
        kind: Focus = "coding" if (percent.group(2) or percent.group(3)) in ("coding", "code") else "leading"
        if 40 <= share <= 60:
            return "both"
        other: Focus = "leading" if kind == "coding" else "coding"
        return kind if share > 60 else other
    if BOTH.search(text):
        return "both"
    mostly_coding = re.search(rf"{MOSTLY}\s+(?:[\w-]+\s+){{0,3}}?{CODING.pattern}", text)
    mostly_leading = re.search(rf"{MOSTLY}\s+(?:[\w-]+\s+){{0,3}}?{LEADING.pattern}", text)
    if mostly_coding and not mostly_leading:
        return "coding"
    if mostly_leading and not mostly_coding:
        return "leading"
    coding, leading = CODING.search(text), LEADING.search(text)
    if coding and leading:
        return "both"
    if MANAGES_PEOPLE.search(text) or MANAGES_TEAMS.search(text):
        return "leading"
    if coding:
        return "coding"
    if leading and re.search(r"\b(?:i|i'm|i am|my)\b", text):
        return "leading"
    return None


def _clauses(sentence: str) -> list[str]:
    return [
        part.strip() for part in re.split(r",|;|\s[-–—]+\s|\s+(?:and|but|while|although)\s+", sentence) if part.strip()
    ]


def read_profile(text: str, ladder: Ladder) -> Profile:
    """Everything the text says about the speaker's career; fields it does not say stay None."""
    text = normalize(text)
    if not text:
        return Profile()
    short = len(text.split()) <= SHORT_ANSWER_WORDS
    level: str | None = None
    target: str | None = None
    statements: list[str] = []  # clauses about the speaker's present, where level, focus and years are read
    first = True
    for sentence, sentence_is_question in _sentences(text):
        clauses = _clauses(sentence)
        for position, clause in enumerate(clauses):
            # In "senior backend dev here, mostly coding - what would it take to make staff?" only the last clause
            # asks; the ones before it describe the speaker.
            is_question = sentence_is_question and (
                position == len(clauses) - 1 or QUESTION_WORD.match(clause) is not None
            )
            about_someone_else = OTHER_PERSON.search(clause) and not FIRST_PERSON.search(clause)
            wish = WISH.search(clause) is not None
            if not is_question and not about_someone_else and not wish:
                statements.append(clause)
            for mention in _level_mentions(ladder, clause, text):
                before = clause[: mention.start]
                if NOT_NOW.search(before):
                    continue
                opening = (
                    not about_someone_else
                    and not is_question
                    and _opens_message(clause, mention, first)
                    and not _is_target(clause, mention)
                )
                if opening and level is None:
                    level = mention.level
                elif _is_target(clause, mention) or (wish and not _is_self(clause, mention, False)):
                    target = target or mention.level
                elif about_someone_else:
                    continue
                elif re.search(r"\bnow\b", before) and (_is_self(clause, mention, short) or not is_question):
                    level = mention.level  # "former director, now principal engineer"
                elif level is None and (
                    _is_self(clause, mention, short and not is_question)
                    or (FROM.search(before) and re.match(r"\s*(?:to|->|→|=>)\s", clause[mention.end :]))
                ):
                    level = mention.level  # "from senior to staff": the level, even inside a question
            first = first and GREETING.match(clause) is not None

    statement_text = ". ".join(statements)
    if level is None:
        if MANAGES_TEAMS.search(statement_text):
            level = "Senior Engineering Manager"
        elif MANAGES_PEOPLE.search(statement_text):
            level = "Engineering Manager"
        elif LEADS_TEAM.search(statement_text):
            level = "Lead"

    years: float | None = None
    for found in YEARS.finditer(statement_text):
        # "in two years" is a horizon, not experience.
        if not re.search(r"\b(?:in|within|next|for the next)\s+$", statement_text[: found.start()]):
            years = _number(found.group(1))
            break
    if years is None and DECADE.search(statement_text):
        years = 10.0

    track: str | None = None
    if level is not None:
        track = ladder.level(level).track
    else:
        for name, pattern in TRACK_WORDS.items():
            if pattern.search(statement_text):
                track = name
    focus = read_focus(statement_text) if statements else None
    if focus is None:  # "ok and if i'm mostly coding?": a focus the speaker states inside a question
        focus = read_focus(". ".join(c for c in re.split(r"[.?!;,]", text) if re.search(r"\b(?:i'?m|im|i am)\b", c)))
    if target == level:
        target = None
    return Profile(level=level, focus=focus, track=track, target=target, years=years)


def resolve_level(text: str | None, ladder: Ladder) -> str | None:
    """A canonical level from a value such as a CLI flag ('sr', 'E5', 'SDE II', 'L5 at Google'), or None."""
    if not text or not text.strip():
        return None
    normalized = normalize(text)
    for level in ladder.level_names:
        if normalized == level.lower():
            return level
    mentions = _level_mentions(ladder, normalized)
    return mentions[0].level if mentions else None


def resolve_focus(text: str | None) -> Focus | None:
    return read_focus(text) if text else None


def expand_query(text: str, ladder: Ladder) -> str:
    """The query plus canonical names for the levels it mentions ('L6' -> Staff, 'EM' -> Engineering Manager)
    and the corpus's words for informal ones ('promo' -> promotion), so both retrievers can match them."""
    normalized = normalize(text)
    extra: list[str] = []
    for mention in _level_mentions(ladder, normalized):
        if mention.level.lower() not in normalized and mention.level not in extra:
            extra.append(mention.level)
    for word in re.findall(r"[\w:/-]+", normalized):
        synonym = ladder.synonyms.get(word)
        if synonym and synonym not in extra and synonym not in normalized:
            extra.append(synonym)
    return f"{text} ({', '.join(extra)})" if extra else text


def level_mentions(ladder: Ladder, text: str) -> list[str]:
    """Canonical levels named in a text, in order ('Senior Staff' is one level, not Senior and Staff)."""
    return [mention.level for mention in _level_mentions(ladder, normalize(text))]


def level_spans(ladder: Ladder, normalized: str) -> list[tuple[int, int, str]]:
    """(start, end, canonical level) of each level named in an already normalized text."""
    return [(mention.start, mention.end, mention.level) for mention in _level_mentions(ladder, normalized)]
