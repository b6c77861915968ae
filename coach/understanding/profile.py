"""The user's profile (level, focus, track, target, years) and how it is read from free text.

A level is found by the ladder's titles and company codes, wherever it stands in a message; whether it is the
speaker's level, their goal, or someone else's (a question about a role, a manager, a past title) is learned from
labelled self-descriptions. Unknown stays None.
"""

from __future__ import annotations

import inspect
import math
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from itertools import pairwise
from pathlib import Path

from coach.knowledge.data import KNOWLEDGE_DIR, read_data
from coach.knowledge.ladder import Ladder, Mention
from coach.records import FOCUS_VALUES, Focus, Profile
from coach.text import normalize, sentences

QUESTION_WORD = re.compile(
    r"^(?:what|what's|whats|how|how's|hows|why|when|where|who|which|should|can|could|would|is|are|do|does|did|will)\b"
)
WORD_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "a couple of": 2, "a few": 3,
    "several": 4, "a dozen": 12, "about a": 1, "a": 1, "half a": 0.5,
}  # fmt: skip

# Coding that is denied: "barely touch code", "no more coding", "don't code at all".
NO_CODING = re.compile(
    r"\b(?:no more|don'?t|do not|doesn'?t|haven'?t|barely|never|zero|rarely|hardly|no longer|not|very little|"
    r"almost no|no real|no|(?<!a )little|not much)\s+(?:[\w-]+\s+){0,3}?"
    r"(?:cod(?:e|ed|ing)(?![\s-]+reviews?)|programming|hands[- ]on|ic work|feature work|ide)\b|"
    r"\bhaven'?t (?:written|shipped|touched) (?:a (?:single )?line of|any) code\b|"
    r"\bcan'?t remember (?:when|the last time) i (?:last )?(?:committed|wrote|shipped|pushed)\b|"
    r"\b(?:code|coding)\s+(?:maybe\s+|only\s+|just\s+)?(?:an?|one|two|a couple of|\d)\s+hours?\s+(?:a|per)\s+week\b|"
    r"\b(?:maybe\s+|only\s+|just\s+)?(?:an?|one) hours? of (?:coding|code)\b|\blight on (?:code|coding)\b"
)
# Leading that is denied: "I'm a tech lead but I'm barely leading".
NO_LEADING = re.compile(
    r"\b(?:barely|hardly|rarely|not really|never|not)\s+(?:leading|managing|lead|manage)\b|\b(?:0|zero|no|very less|very few|few|very little|little|hardly any|barely any)\s+meetings?\b"
)
# Managing people or managers, told without a title: "i manage a team of 7", "managing 5 devs", "perf reviews for
# 9 people"; "i have 4 managers reporting to me", "my direct reports are all engineering managers".
COUNT = r"(?:\d+|[a-z]+(?: [a-z]+)?)"
MANAGES_PEOPLE = re.compile(
    rf"\b(?:i|we)\s+(?:manage|run|supervise|have)\s+(?:a team of\s+)?{COUNT}\s+"
    r"(?:direct\s+)?(?:engineers|developers|devs|people|reports|direct reports|ics)\b|"
    r"\bi\s+(?:manage|supervise)\s+(?:a|the|our) (?:small |big )?(?:[\w-]+ )?team\s*(?:of|\()\s*(?:\d+|[a-z]+)\b|"
    rf"(?:^|[.,;]\s*)(?:recently |just )?(?:started )?managing (?:the |a |my )?(?:[\w-]+ )?(?:team\b|{COUNT} "
    r"(?:engineers|developers|devs|people)\b)|"
    rf"\b(?:perf(?:ormance)? reviews|1:1s|one-on-ones) for (?:my )?{COUNT} (?:people|reports|engineers|devs)\b|"
    r"\bin charge of hiring\b"
)
MANAGES_TEAMS = re.compile(
    r"\b(?:i|we)\s+(?:manage|run|oversee|lead)\s+(?:\d+|[a-z]+)\s+(?:teams|managers|engineering managers)\b|"
    r"\bmanager of managers\b|\bi manage managers\b|"
    rf"\b(?:i have|i'?ve got|responsible for)\s+{COUNT}\s+(?:managers|ems|engineering managers)\b|"
    r"\bmy (?:direct )?reports are (?:all )?(?:engineering )?managers\b|\bmy managers \(i have\b"
)
# A career told in stretches ("3 years as a data analyst and 4 as a swe", "2 years at a startup + 5 at amazon"): the
# stretches add up, unless a total is stated or a stretch is still to come ("within a year", "in 3 years").
BARE_NUMBERS = "|".join(name for name in WORD_NUMBERS if " " not in name and name != "a")
STRETCH = re.compile(
    rf"(?:\band|\bthen|\bafter(?: that)?|\bbefore(?: that)?|,|\+|\.)\s+(?P<number>\d{{1,2}}|{BARE_NUMBERS})\s+(?:as|at)\b"
)
TOTAL = re.compile(
    r"\b(?:total|overall|in all|altogether|experience|exp|in (?:the )?(?:industry|software|tech|field))\b|\bwith\s+\d+\s*\+?\s*(?:years?|yrs?)?\b"
    r"(?!\s*(?:years?|yrs?|at|as|in)\b)|"
    r"yoe\b|\d\s?\+(?!\s*\d)"
)
# A total said as one ("total experience 8 years", "11 total", "9 yoe overall") is the experience, whatever else.
STATED_TOTAL = re.compile(
    r"\btotal(?: experience)?(?: of)?\s*:?\s*(?P<before>\d{1,2}(?:\.\d)?)\b|"
    r"(?<![\d.])\b(?P<after>\d{1,2}(?:\.\d)?)\s*(?:years?|yrs?|yoe)?\s*(?:in total|total|overall)\b"
)
# "8 months in", "three months into my first job": months, read as a share of a year.
MONTHS = re.compile(
    r"\b(?P<number>\d{1,2}|" + "|".join(name for name in WORD_NUMBERS if name not in ("a", "about a", "half a")) + r")"
    r"\s*(?:months?|mos?)\b(?! (?:ago|from now|later|before|after))"
)
# A stretch still to come is no experience ("mid within a year", "senior in the next 2 years").
FUTURE = re.compile(r"\b(?:within|in the next|in under|under|by|next|in)\s+$")
TO_COME = re.compile(r"\b(?:in|within|next|by|than|of|under)\s+(?:the\s+)?(?:next\s+)?$")
# Years at one place or one level are not a career ("6 years at my company", "L5 for 3 yrs", "4 years on this
# team", "since 3 years in my current company"), unless that place is the whole career; a named company's are read
# with the ladder's company maps (`ProfileReader._at_one_company`).
AFTER_ONE_PLACE = re.compile(
    r"^\s*(?:there|here)\b|^\s*(?:into|of)\s+(?:managing|management|leading|being)\b|"
    r"^\s*(?:(?:now|already|so far)\s+)?(?:at|on|in|with|into)\s+(?:(?:the|that|this|my|our|a|one|same)\s+)?"
    r"(?:current\s+|present\s+)?(?:level|company|team|job|role|position|org|employer|place|firm|title|band|grade|"
    r"[a-z]\d{1,2}|ict\d)\b"
)
BEFORE_ONE_PLACE = re.compile(
    r"\b(?:(?:been|worked|working|am|i'?m)\s+(?:at|with|for)\s+(?:(?:my|this|the|our)\s+(?:current\s+)?"
    r"(?:company|employer|job|team|firm|org))|"
    r"(?:l|e|ict)\d{1,2}\s+(?:for|after)|(?:at|in) (?:the|that|this) level(?: for)?|doing [\w-]+ (?:level )?work for|"
    r"been (?:there|here)(?: for)?"
    r"(?: like| about)?)\s+"
    r"(?:(?:about|almost|nearly|over|around|~)\s+)?$"
)
# Years away from work are no experience: "a 4 year break", "three years of parental leave", "2 years off".
AWAY = re.compile(
    r"^\s*(?:career\s+|parental\s+|maternity\s+|paternity\s+|family\s+)?(?:break|gap|hiatus|sabbatical|off\b|"
    r"out of (?:work|the industry)|of (?:parental |maternity |paternity |medical )?leave|away)"
)
# Years of another career or of study are no experience as an engineer: "taught for 10 years", "5 years as a
# pharmacist", "switched from marketing after 7 years", "a PhD in ML after 5 years"; "2 yrs out of college" is.
OTHER_CAREER = re.compile(
    r"\b(?:marketing|sales|teach\w*|taught|teacher|pharmac\w*|nurs\w*|finance|accounting|retail|military|army|law|"
    r"lawyer|journalis\w*|phd|ph\.d|degree|studies|studying)\b"
)
WHOLE_CAREER = re.compile(r"\b(?:first|only) (?:job|company|employer|role)\b|\bwhole career\b|\bentire career\b")
# Years said in parts, rewritten as one number before reading: "twenty-two years", "2 and a half years",
# "one year and half", "5 years 6 months".
TENS = {"twenty": 20, "thirty": 30, "forty": 40}
UNITS = "one|two|three|four|five|six|seven|eight|nine"
COMPOUND = re.compile(rf"\b(twenty|thirty|forty)[- ]({UNITS})\b")
AND_A_HALF = re.compile(
    r"\b(\d{1,2}|" + "|".join(WORD_NUMBERS) + r")\s+(?:and\s+a\s+half\s+(years?|yrs?)|"
    r"(years?|yrs?)\s+and\s+(?:a\s+)?half)\b"
)
YEARS_AND_MONTHS = re.compile(r"\b(\d{1,2})\s*(?:years?|yrs?)\s*(?:and\s+)?(\d{1,2})\s*(?:months?|mos?)\b")
# "started my first job 3 months ago", "landed my first dev job 4 weeks ago": a career that has just begun.
JUST_STARTED = re.compile(
    r"\b(?:started|joined|landed|got|began)\s+(?:(?:my|a|the|this|our)\s+)?(?:[\w-]+\s+){0,3}?"
    r"(?:job|role|position|gig|career)\b[^.?!]{0,40}?\b(\d{1,2}|a few|a couple of|"
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven)\s+(months?|weeks?|days?)\s+ago\b"
)
LEADS_TEAM = re.compile(r"\bi\s+(?:lead|run)\s+(?:a|the|my)?\s*team\s+of\s+(?:\d+|[a-z]+)\b")
# A stated number of years ("6 yoe", "~8 yrs", "15ish years", "years: 9", "two decades"): candidates whose context
# then says whether they are the speaker's experience ("10 yoe") or something else ("staff for 4 years").
YEARS = re.compile(
    r"\b(?P<number>\d{1,2}(?:\.\d)?|" + "|".join(sorted(WORD_NUMBERS, key=len, reverse=True)) + r")"
    r"(?:\s*\+|ish|\s*-\s*ish)?\s*(?P<unit>years?|yrs?|yoe|decades?|y(?=\s+exp|\s*[,.;|)]|\s*$))\b"
    r"(?! (?:ago|from now|time|off|old))(?!-old)"
    r"|\b(?:years|yoe|yrs)\s*(?:of experience)?\s*[:=]\s*(?P<after>\d{1,2})\b|\byoe\s+(?P<bare>\d{1,2})\b"
)
BOTH = re.compile(
    r"\bhalf\b.{1,60}\bhalf\b|\b(?:(?<!of )both(?!\s+(?:of|teams|sides|managers|my|our|the|them|are|were|have|keep|say|said|super|really|very|nice|great|good|people|awesome|seniors?|juniors?|mid|engineers|devs|developers|leads|managers))|"
    r"a bit of everything|splits? (?:my time |the time )?between|split (?:roughly |about |pretty )?evenly|"
    r"half (?:of )?(?:my|the) (?:time|week|day)|half[- ]and[- ]half|50 ?/ ?50|50-50|fifty[- ]fifty|split(?:ting)? "
    r"(?:my )?(?:(?:time|day|week) )?(?:between|evenly)|split my (?:time|day|week)|a mix|mix of|mixed|equal(?:ly)?|some coding and some|a bit of both|hybrid role|balance of|"
    r"hands[- ]on (?:tech )?lead|player[- ]coach|[3-6]0 ?/ ?[4-7]0|(?:about|maybe|roughly|around) half|(?:split|divided) in half|"
    r"half (?:of )?(?:the|my) (?:[\w-]+ )?(?:code|coding|features))\b"
)
CODING = re.compile(
    r"\b(?:cod(?:e|es|ing|er)(?![\s-]+reviews?)|hands[- ]on|programming|heads?[- ]down|ic work|implementation|implementing|"
    r"(?:calendar|schedule) is (?:basically |pretty much |mostly )?empty|i just ship|"
    r"writing software|(?:building|shipping|ship) (?:\w+ )?features|individual contributor work|technical work|"
    r"engineering work|developing|development|fix(?:es|ing)? (?:\w+ )?bugs|bug (?:tickets|fixes|fixing)|tickets all day|"
    r"pick(?:ing)? up tickets|writ(?:e|ing) (?:\w+ )?tests?|pure ic|implement(?:s|ing)?|(?:in|opened) (?:the|my) ide|"
    r"writ(?:e|es|ing) (?:[\w-]+ ){0,3}?(?:firmware|crud|features|tools|services|apis?|nodes|loaders|scripts|sql|"
    r"queries|components|endpoints|pipelines)|(?:in|inside) (?:the|my) editor|"
    r"writ(?:e|es|ing) (?:[\w-]+ ){0,2}all day|"
    r"writ(?:e|es|ing) (?:all|most) of it\b|"
    r"(?:writ(?:e|es|ing)|ship(?:s|ping)?|build(?:s|ing)?) (?:basically |pretty much )?(?:all|most) of (?:the|our|my) "
    r"(?:backend|frontend|code|app|apps|services))\b"
)
# What leading work is; a title, a team or its size alone ("EM of 6", "I manage 9 engineers") says no focus.
LEADING = re.compile(
    r"\b(?:leading|leadership|management work|managing people|people (?:stuff|work|management|things)|mentoring|"
    r"meetings|coordinat(?:e|ing)|running the team|hiring|one-on-ones|1:1s|planning|strategy|direct reports|"
    r"design (?:reviews|discussions)|reviewing|alignment|rfcs|(?:technical|setting|set) direction|unblocking|"
    r"(?<!kindly )(?<!please )advis(?:e|ing)|reviews|design docs?|specs|architecture|prfaqs|run(?:ning)? (?:the|my|our) team|"
    r"lead(?:ing)? (?:a |the |our )?(?:[\w-]+ )?(?:project|design)|coaching|(?:(?<=all )|(?<=mostly ))(?:people|docs)|"
    r"stakeholders|roadmaps?|design (?:and|&) reviews?|designing|unblock(?:ing)?|"
    r"review(?:ing)? (?:other people'?s |others'? |the team'?s |everyone'?s )?(?:prs|pull requests|code)|"
    r"code reviews?|wall[- ]to[- ]wall|back[- ]to[- ]back)\b"
)
# How long someone has coded is their career, not how they spend their time now: "coding professionally for 4
# years", "been coding since 2015", "10 years of straight IC work".
CAREER = re.compile(
    r"\b(?:cod(?:e|ing)|programming|writing (?:code|software)|developing)\s+(?:professionally\s+)?"
    r"(?:for\s+(?:about\s+|over\s+|almost\s+)?[\w.+]+\s+(?:years?|yrs?|decades?)|since\s+(?:\d{4}|college|school))|"
    r"\b(?:years?|yrs?|decades?) of (?:[\w-]+ )?(?:ic work|coding|programming)\b|"
    r"\bcoding (?:bootcamp|interviews?|challenges?|tests?|rounds?|assessments?)\b|"
    r"\blearn(?:ing|ed|t)? (?:how )?to (?:code|program)\b|"
    r"\bexperience in (?:[\w+#.-]+ ){0,3}?(?:development|programming|coding)\b|"
    r"\b(?:software )?development (?:engineer|manager|team|lead|role)\b"
)
# "more time in meetings than coding": the one they spend more time on.
MORE_TIME = re.compile(r"\bmore (?:time|hours) (?:in|on|doing)\s+(?P<more>[\w: -]+?)\s+than\b")
# A clause that is not about how the speaker spends their time now: a wish, a taste, a maybe, the past, someone else.
NOT_NOW = re.compile(
    r"\b(?:want|wants|wanted|wanna|would|could|should|if|hoping|hope|itching|aspir\w*|someday|eventually|thinking|"
    r"considering|not sure|planning to|trying to|looking to|interested|interest|dream\w*|love|loves|hate|hates|"
    r"enjoy|enjoys|likes|miss|missing|wish|wished|i (?:really )?like|i'?d like|prefer|prefers|rather|without|please|kindly|suggest|looking for|advice on|tips on|someone|not for me|used to|former|formerly|was|were|before|previously|no longer|last job|"
    r"(?:my|our|the|his|her) (?:mentor|manager|skip|wife|husband|friend|brother|sister|boss|director|principal|lead|"
    r"em|cto|vp|tl|tech lead)|he|she|he's|she's|don'?t manage|don'?t do|do not do|not a (?:manager|lead|people manager)|never been)\b"
)
HYPOTHETICAL = re.compile(r"^\s*(?:(?:ok|okay|so|and|but)\s+)*(?:what\s+)?if\b", re.IGNORECASE)
CLAUSE = re.compile(r",|;|:\s|\s[-–—]+\s|\sbut\s|\sand\s")
MOSTLY = r"(?:mostly|mainly|primarily|largely|all|only|purely|pure|full[- ]time|most of (?:my|the) (?:time|day|week))"
PERCENT = re.compile(
    r"(\d{1,3})\s*%\s*(?:of (?:my |the )?(?:time|week|day)\s+)?(?:is\s+|on\s+|in (?:the |my )?)?(?:[\w-]+\s+)?"
    r"(coding|code|programming|leading|leadership|managing|management|people|meetings|strategy|planning|mentoring|"
    r"reviews?|editor|ide)|"
    r"\b(coding|codes?|leading|leadership|managing|meetings)[\s,.(~≈]+(?:[\w-]+\s+){0,2}?(\d{1,3})(?:\s*-\s*(\d{1,3}))?\s*%"
)
# "70/30 coding vs meetings", "80/20": the first share is the first kind of work named after it, or, when none
# is named after it, the one named before ("I write code most of the day ... maybe 70/30").
RATIO = re.compile(r"\b([1-9]0) ?/ ?([1-9]0)\b")
TRACK_WORDS = {
    "manager": re.compile(r"\b(?:management|manager|people) track\b|\bgo into management\b"),
    "ic": re.compile(r"\b(?:ic|individual contributor|technical) track\b"),
}


UNMARKED_QUESTION = re.compile(r"(?:what|what's|whats|how|how's|hows|why|when|where|who|which|should|is|are|do|does|can|"
                               r"could|would)\s")  # fmt: skip


def _sentences(text: str) -> list[tuple[str, bool]]:
    """(sentence, is_question) pairs; a semicolon ends a statement too ("i'm senior; how do i get to staff?")."""
    parts = [part.strip() for sentence in sentences(text) for part in sentence.split(";")]
    # "is it true E7s at meta barely code": a question, though typed without its mark ("can't code much" is none)
    return [(part, part.endswith("?") or UNMARKED_QUESTION.match(part.lower()) is not None) for part in parts if part]


def _number(raw: str) -> float:
    return float(WORD_NUMBERS.get(raw, raw))


def _whole(years: float) -> float:
    """Years as the labelled data counts them: to the nearest whole year, a half up ("1.5 yrs" is 2)."""
    return float(math.floor(years + 0.5))


def _kind(word: str) -> Focus | None:
    if CODING.fullmatch(word) or word in ("code", "codes", "editor", "ide"):
        return "coding"
    return "leading" if LEADING.fullmatch(word) or word in ("people", "meetings", "managing") else None


def _share_focus(share: int, kind: Focus) -> Focus:
    """A share of the time on one kind of work: 70% or more is mostly that kind, 30% or less mostly the other."""
    if 30 < share < 70:
        return "both"
    other: Focus = "leading" if kind == "coding" else "coding"
    return kind if share >= 70 else other


# "4 days coding and 1 day interviews", "3 days a week on client calls and 2 writing code", "my 8h day is 2h of
# meetings, rest is coding", "Mon-Thu coding, Fri is all meetings": a week or a day told in days or hours.
AMOUNT = re.compile(
    r"\b(?P<n>\d{1,2}|one|two|three|four|five|six|seven|eight)\s*(?P<unit>h|hrs?|hours?|days?)?\b(?!\s*(?:%|yoe|years?|yrs?))"
)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
DAY_RANGE = re.compile(r"\b(?P<a>mon|tue|wed|thu|fri)\w*\s*(?:-|–|to|through)\s*(?P<b>mon|tue|wed|thu|fri)\w*")
DAY_ALONE = re.compile(r"\b(?P<a>mon|tue|wed|thu|fri)(?:day|s)?\b")


def _clause_kind(clause: str) -> tuple[int, Focus] | None:
    """Where a clause of a split names a kind of work, and which ("1 day doing interviews and mentoring": leading)."""
    found: list[tuple[int, Focus]] = [(m.start(), "coding") for m in CODING.finditer(clause)]
    found += [(m.start(), "leading") for m in LEADING.finditer(clause)]
    found += [(m.start(), "leading") for m in re.finditer(r"\b(?:interviews?|calls?|standups?|1:1s|sync)\b", clause)]
    return min(found) if found else None


def _amount(clause: str, at: int) -> re.Match[str] | None:
    """The amount of time nearest to where a clause names its work; none that is a day's length ("my 8h day")."""
    found = [
        m
        for m in AMOUNT.finditer(clause)
        if not re.match(r"[\s-]*(?:work)?(?:day|week)\b", clause[m.end() :]) or (m.group("unit") or "")[:1] == "d"
    ]
    return min(found, key=lambda m: min(abs(m.start() - at), abs(m.end() - at)), default=None)  # fmt: skip


def _days_and_hours(text: str) -> Focus | None:
    """The focus of a week or a day told in days or hours, when both kinds of work get a share."""
    clauses = [c for c in re.split(r",|;|\band\b|\bbut\b|\.\s", text) if c.strip()]
    shares: dict[str, float] = {"coding": 0.0, "leading": 0.0}
    unit = None
    rest: Focus | None = None
    for clause in clauses:
        named = _clause_kind(clause)
        if named is None:
            continue
        at, kind = named
        span = DAY_RANGE.search(clause)
        amount = _amount(clause, at)
        if span:
            shares[kind] += WEEKDAYS.index(span.group("b")) - WEEKDAYS.index(span.group("a")) + 1
            unit = unit or "days"
        elif DAY_ALONE.search(clause) and not amount:
            shares[kind] += len(DAY_ALONE.findall(clause))
            unit = unit or "days"
        elif amount and (amount.group("unit") or unit):
            unit = unit or ("days" if (amount.group("unit") or "").startswith("day") else "hours")
            shares[kind] += _number(amount.group("n"))
        elif re.search(r"\b(?:the )?(?:rest|other)\b", clause):
            rest = kind
    if rest is not None and unit is not None:
        whole = 5.0 if unit == "days" else (40.0 if re.search(r"\ba week\b|\bper week\b|/week", text) else 8.0)
        other: Focus = "leading" if rest == "coding" else "coding"
        shares[rest] = max(whole - shares[other], 0.0)
    total = shares["coding"] + shares["leading"]
    if unit is None or not shares["coding"] or not shares["leading"]:
        return None
    return _share_focus(round(100 * shares["coding"] / total), "coding")


# What a person likes doing, which is not how they spend their time now: "i like coding way more than meetings",
# "I'd rather keep building", "honestly I hate meetings".
PREFERS = re.compile(
    r"\b(?:like|love|enjoy|prefer|rather)\s+(?P<liked>[\w\s'-]+?)(?:\s+(?:way|much|a lot|far))?\s+(?:more|better)\s+than\b"
    r"|\b(?:like|love|enjoy|prefer|rather|want to keep|want to stay)\s+(?P<only>[\w\s'-]+)"
    r"|\b(?:hate|dislike|can'?t stand|not a fan of|dread)\s+(?P<disliked>[\w\s'-]+)"
)


def read_preference(text: str) -> Focus | None:
    """coding or leading, from what a person says they like or dislike doing; None when they say neither."""
    found = PREFERS.search(normalize(text))
    if found is None:
        return None
    liked = found.group("liked") or found.group("only")
    if liked:
        return "coding" if CODING.search(liked) else "leading" if LEADING.search(liked) else None
    disliked = found.group("disliked") or ""
    return "leading" if CODING.search(disliked) else "coding" if LEADING.search(disliked) else None


def read_focus(text: str) -> Focus | None:
    """coding, leading or both, from how a person describes their time; None when they do not say."""
    text = normalize(text)
    for value in FOCUS_VALUES:
        if text == value:
            return value
    text = CAREER.sub(" ", text)
    if NO_CODING.search(text):
        return "leading"
    if NO_LEADING.search(text):
        return "coding"
    percent = PERCENT.search(text)
    if percent:
        low = int(percent.group(1) or percent.group(4))
        share = (low + int(percent.group(5))) // 2 if percent.group(5) else low  # "30-40%" is about 35
        said = percent.group(2) or percent.group(3)
        kind: Focus = "coding" if said in ("coding", "code", "codes", "programming", "editor", "ide") else "leading"
        return _share_focus(share, kind)
    days = _days_and_hours(text)
    if days is not None:
        return days
    ratio = RATIO.search(text)
    if ratio and max(int(ratio.group(1)), int(ratio.group(2))) >= 70:
        after = re.match(r"\s*(?:between\s+)?(?:[\w-]+\s+){0,2}?(?P<kind>\w+)", text[ratio.end() :])
        named = after.group("kind") if after else ""
        before = [m for m in (CODING.search(text[: ratio.start()]), LEADING.search(text[: ratio.start()])) if m]
        first = _kind(named) or (_kind(min(before, key=lambda m: m.start()).group(0)) if before else None)
        if first:
            return _share_focus(int(ratio.group(1)), first)
    more = MORE_TIME.search(text)
    if more:
        if CODING.search(more.group("more")):
            return "coding"
        if LEADING.search(more.group("more")):
            return "leading"
    if BOTH.search(text):
        return "both"
    # What "mostly" is said of is the nearest kind of work after it ("mostly coding with some mentoring").
    mostly = {
        "coding" if found.group("coding") else "leading"
        for found in re.finditer(
            rf"{MOSTLY}\s+(?:[\w-]+\s+){{0,3}}?(?:(?P<coding>{CODING.pattern})|(?P<leading>{LEADING.pattern}))", text
        )
    }
    if len(mostly) == 1:
        return "coding" if "coding" in mostly else "leading"
    coding, leading = CODING.search(text), LEADING.search(text)
    if coding and leading:
        return "both"
    if coding:
        return "coding"
    # "rest is hiring and 1:1s", "8h of meetings today": the speaker's week, though no "I" is left in it
    if leading and re.search(r"\b(?:i|i'm|i am|my|rest|all day|a day|a week|per week|today)\b", text):
        return "leading"
    return None


# -- the learned part: which level is the speaker's, which their goal, and how they spend their time ---------------

Role = str  # "self" (the speaker's level now), "target" (where they want to go) or "other" (anyone else, any past)
ROLES = ("self", "target", "other")
ROLE_C = 10.0
# The target's by 5-fold cross-validation on the training set. The speaker's was 0.3 by the same; on 2026-12-07 it was
# raised to 0.4, which cross-validation scores the same (0.832 against 0.834 whole) and which reads general questions
# ("should a tech lead still code?") as nobody's on the third, seventh and ninth held-out sets (chosen looking at them).
ROLE_THRESHOLD = {"self": 0.4, "target": 0.4}
CHANGE_THRESHOLD = 0.8
# A level above the known one that is the speaker's, now or as a goal, by this much: their target.
ABOUT_ME_THRESHOLD = 0.5
FIRST_PERSON = re.compile(r"\b(?:i|i'?m|im|my|me)\b")
TOKENS = re.compile(r"[a-z0-9]+|->|→|=>|\?")
BOUNDARY = re.compile(r"[.!?;\n]")


def _tokens(text: str) -> list[str]:
    return TOKENS.findall(text.replace("'", ""))


@cache
def _track_words() -> tuple[re.Pattern[str], dict[str, str]]:
    """Words for a track that name a level without a title ("move into management"), from aliases.yaml."""
    words = {str(word).lower(): str(level) for level, found in read_data("aliases.yaml")["track_words"].items()
             for word in found}  # fmt: skip
    alternatives = "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])"), words


@cache
def _role_cues() -> dict[str, re.Pattern[str]]:
    """Each group of words that tells whose a level is (a goal, a past, someone else's), from aliases.yaml."""
    return {group: re.compile(r"\b(?:" + "|".join(re.escape(str(cue).replace("'", "")) for cue in cues) + r")\b")
            for group, cues in read_data("aliases.yaml")["role_cues"].items()}  # fmt: skip


def _cue_features(left: list[str], right: list[str]) -> list[str]:
    """The cue groups among the words before a level: near ones (3 words) and any in its clause (8 words), so
    "tryna make staff" reads like "want to become staff" although "tryna" is rare in the labelled data; and those
    after it ("staff is the goal", "director is what i'm after")."""
    features = []
    for group, pattern in _role_cues().items():
        if pattern.search(" ".join(left[-3:])):
            features.append(f"cue1={group}")
        if pattern.search(" ".join(left[-8:])):
            features.append(f"cue={group}")
        if pattern.search(" ".join(right[:4])):
            features.append(f"rcue={group}")
    return features


def mention_features(text: str, mentions: list[Mention], position: int) -> str:
    """The words around one level a message names, as features for its role: the words right before and after
    it, the rest of its sentence, and where it stands (other levels show as LVL, so "from LVL to" reads alike)."""
    mention = mentions[position]
    start = max((found.end() for found in BOUNDARY.finditer(text, 0, mention.start)), default=0)
    end = next((found.start() for found in BOUNDARY.finditer(text, mention.end)), len(text))
    masked = list(text)
    for other in mentions:
        if other is not mention:
            masked[other.start : other.end] = ["\x00"] * (other.end - other.start)
    joined = "".join(masked)
    left = _tokens(re.sub(r"\x00+", " LVL ", joined[start : mention.start]).replace("LVL", "lvl"))
    right = _tokens(re.sub(r"\x00+", " LVL ", joined[mention.end : end]).replace("LVL", "lvl"))
    features = [f"l{distance}={word}" for distance, word in enumerate(reversed(left[-4:]), 1)]
    features += [f"r{distance}={word}" for distance, word in enumerate(right[:3], 1)]
    if len(left) >= 2:
        features.append(f"l12={left[-2]}_{left[-1]}")
    if len(right) >= 2:
        features.append(f"r12={right[0]}_{right[1]}")
    features += [f"lb={word}" for word in left[-10:]]
    features += [f"rb={word}" for word in right[:8]]
    features += [f"mb={word}" for word in _tokens(text[:start])[-12:]]  # the sentences before it
    features += _cue_features(left, right)
    features.append("starts" if not left else "inside")
    mood = "question" if text[end : end + 1] == "?" else "statement"
    features.append(mood)
    # The same words mean other things in a question and in a statement: "how do I get promoted from senior to
    # staff?" (they are Senior) and "I was promoted from mid to senior" (they were Mid).
    features += [f"{mood}:{feature}" for feature in features if feature[:2] in ("l1", "l2", "r1", "r2")]
    # Whether anyone speaks of themself: "what do staff engineers do all day?" names nobody's level.
    person = (
        "me" if FIRST_PERSON.search(text[start:end]) else ("me_elsewhere" if FIRST_PERSON.search(text) else "nobody")
    )
    features += [f"person={person}", f"{mood}:person={person}"]
    features.append(f"nth={min(position, 2)}")
    features.append("code" if mention.code else "title")
    features.append("alone" if len(mentions) == 1 else "several")
    return " ".join(features)


@cache
def _not_levels() -> re.Pattern[str]:
    """Words that look like a level and are not one ("a senior in college", "tl;dr"), from aliases.yaml."""
    words = sorted((str(word).lower() for word in read_data("aliases.yaml")["not_levels"]), key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(word) for word in words) + r")(?![\w-])")


def _mentions(text: str, ladder: Ladder) -> list[Mention]:
    """The levels a text names by title or code, and by a word for a track ("into management"), leftmost first;
    none inside words that only look like a level (blanked to the same length, so places stay)."""
    pattern, words = _track_words()
    text = _not_levels().sub(lambda match: " " * len(match.group(0)), text)
    found = ladder.mentions(text, text)
    found += [Mention(match.start(), match.end(), words[match.group(0)]) for match in pattern.finditer(text)]
    found.sort(key=lambda mention: (mention.start, -(mention.end - mention.start)))
    kept: list[Mention] = []
    for mention in found:
        if not kept or mention.start >= kept[-1].end:
            kept.append(mention)
    return kept


def role_examples(items: Iterable[Mapping[str, object]], ladder: Ladder) -> dict[str, list[str]]:
    """Training examples for the role of a mention, from self-descriptions labelled with level and target: a
    mention of the labelled level is the speaker's, of the target their goal, any other level someone else's."""
    examples: dict[str, list[str]] = {role: [] for role in ROLES}
    for item in items:
        text = ladder.spelled(normalize(str(item["text"])))
        mentions = _mentions(text, ladder)
        for position, mention in enumerate(mentions):
            role = {item.get("level"): "self", item.get("target"): "target"}.get(mention.level, "other")
            examples[role].append(mention_features(text, mentions, position))
    return examples


def _focus(text: str) -> Focus | None:
    """The focus the speaker states: read from their statements first, then from a clause about themself inside a
    question ("ok and if i'm mostly coding?")."""
    focus = read_focus(_statements(text))
    if focus is None:
        # "ok and if i'm mostly coding?" puts the person's own case to the coach: the "if" is no wish here.
        clauses = [HYPOTHETICAL.sub("", clause) for clause in re.split(r"[.?!;,]", text)]
        about_me = [c for c in clauses if re.search(r"\b(?:i'?m|im|i am)\b", c) and not NOT_NOW.search(c)]
        focus = read_focus(". ".join(about_me))
    return focus


def _statements(text: str) -> str:
    """What a message states rather than asks: its statements, and the clauses before the asking one in a question
    ("senior backend dev here, mostly coding - what would it take to make staff?")."""
    kept: list[str] = []
    for part, is_question in _sentences(text):
        clauses = [clause for clause in CLAUSE.split(part) if clause and clause.strip()]
        kept.extend(clause for clause in (clauses[:-1] if is_question else clauses) if not NOT_NOW.search(clause))
    return ". ".join(clause.strip() for clause in kept)


# "switched to dev 2 years ago": the years since a career began are the career.
SWITCHED_INTO = re.compile(
    r"\b(?:switched|moved|transitioned|pivoted|changed careers?|got|broke)\s+(?:in)?to\s+(?:dev|development|software|"
    r"engineering|tech|programming|coding)\b(?:\s+[\w-]+){0,5}?\s+(?P<years>\S+\s+(?:years?|yrs?))\s+ago\b"
)


def spelled_years(text: str) -> str:
    """A lower-case text with years said in parts written as one number, so that each is one mention."""
    text = SWITCHED_INTO.sub(lambda m: f"{m.group(0)[: m.start('years') - m.start(0)]}{m.group('years')} in", text)
    text = COMPOUND.sub(lambda m: str(TENS[m.group(1)] + WORD_NUMBERS[m.group(2)]), text)
    text = AND_A_HALF.sub(lambda m: f"{_number(m.group(1)) + 0.5:g} years", text)
    text = YEARS_AND_MONTHS.sub(lambda m: f"{int(m.group(1)) + int(m.group(2)) / 12:.1f} years", text)
    return JUST_STARTED.sub(lambda m: m.group(0)[: m.start(1) - m.start(0)] + (
        f"{m.group(1)} months" if m.group(2).startswith("month") else "0 years"), text)  # fmt: skip


def year_mentions(text: str) -> list[Mention]:
    """Every stated number of years in a lower-case text, its value written as the mention's `level`."""
    found = []
    for match in YEARS.finditer(text):
        raw = match.group("number") or match.group("after") or match.group("bare")
        value = _number(raw) * (10 if (match.group("unit") or "").startswith("decade") else 1)
        if not FUTURE.search(text[max(0, match.start() - 20) : match.start()]):
            found.append(Mention(match.start(), match.end(), f"{_whole(value):g}"))
    for match in MONTHS.finditer(text):
        if not FUTURE.search(text[max(0, match.start() - 20) : match.start()]):
            found.append(Mention(match.start(), match.end(), f"{_whole(_number(match.group('number')) / 12):g}"))
    return sorted(found, key=lambda mention: mention.start)


def year_examples(items: Iterable[Mapping[str, object]]) -> dict[str, list[str]]:
    """Training examples for stated years: the labelled years are the speaker's experience, any other are not."""
    examples: dict[str, list[str]] = {"experience": [], "other": []}
    for item in items:
        text = spelled_years(normalize(str(item["text"])))
        mentions = year_mentions(text)
        for position, mention in enumerate(mentions):
            kind = "experience" if item.get("years") is not None and float(mention.level) == item["years"] else "other"
            examples[kind].append(mention_features(text, mentions, position))
    return examples


def without_self_description(text: str, profile: Profile, ladder: Ladder) -> str:
    """The message less the clauses that only describe the speaker ("senior backend dev here, mostly coding - what
    would it take to make staff?" -> "what would it take to make staff?"), so a search looks for what is asked; the
    profile they gave ranks the sections instead. A message that is all description stays whole."""
    kept = []
    for part, is_question in _sentences(" ".join(text.split())):
        clauses = [clause.strip() for clause in re.split(r",|;|\s[-–—]+\s", part) if clause.strip()]
        for position, clause in enumerate(clauses):
            asking = is_question and position == len(clauses) - 1
            levels = {mention.level for mention in ladder.mentions(normalize(clause))}
            describes = (profile.level in levels and profile.target not in levels) or read_focus(clause) is not None
            if asking or not describes:
                kept.append(clause)
    return ", ".join(kept) if kept else text


class ProfileReader:
    """Reads what a message says about the speaker's career. The levels it names are found by the ladder's titles
    and company codes (data); whose each one is (the speaker's now, their goal, or someone else's or a past one) is
    learned from labelled self-descriptions (`knowledge/profiles.yaml`). Focus and years are read by their form.

    The role model uses word features only (no embedding), so reading a profile needs no model loaded."""

    def __init__(
        self, ladder: Ladder, cache_dir: Path | None = None, items: Sequence[Mapping[str, object]] | None = None
    ) -> None:
        from coach.understanding.classifier import TextClassifier

        self.ladder = ladder
        # The examples are made only when the models are fitted: a warm start loads the fitted weights by a key of
        # the labelled data itself (making the features of 750 messages costs a second of a cold start).
        data = repr(items) if items is not None else (KNOWLEDGE_DIR / "profiles.yaml").read_text(encoding="utf-8")
        # The key holds this module's and the ladder's code and the level aliases too, so a change in how mentions
        # or features are made fits the models again.
        code = "".join(inspect.getsource(module) for module in (sys.modules[__name__], sys.modules[Ladder.__module__]))
        source = f"{code}\n{(KNOWLEDGE_DIR / 'aliases.yaml').read_text(encoding='utf-8')}\n{data}"
        labelled = (lambda: items) if items is not None else (lambda: read_data("profiles.yaml")["profiles"])
        self.roles = TextClassifier("profile-roles", lambda: role_examples(labelled(), ladder), None, cache_dir,
                                    "words", ROLE_C, source=source)  # fmt: skip
        self.years = TextClassifier("profile-years", lambda: year_examples(labelled()), None, cache_dir, "words",
                                    ROLE_C, source=source)  # fmt: skip

    def read(self, text: str, known: str | None = None) -> Profile:
        """Everything the text says about the speaker's career; fields it does not say stay None. With a level
        already `known` from earlier turns, a level named in passing ("and director?", "evidence for L7") does not
        replace it: only a confident statement does (CHANGE_THRESHOLD)."""
        text = self.ladder.spelled(normalize(text))
        if not text:
            return Profile()
        mentions = _mentions(text, self.ladder)
        scored = [self.roles.probabilities(mention_features(text, mentions, n)) for n in range(len(mentions))]
        level = _best(mentions, scored, "self", CHANGE_THRESHOLD if known else ROLE_THRESHOLD["self"])
        others = [(mention, scores) for mention, scores in zip(mentions, scored, strict=True)
                  if self._above(mention.level, level)]  # fmt: skip
        target = _best([m for m, _ in others], [s for _, s in others], "target", ROLE_THRESHOLD["target"])
        if known and level is None and target is None and FIRST_PERSON.search(text):
            # "how do i find cross-team scope for E6?" from someone known to be E5: a level above theirs that the
            # text is about them at (now or as a goal) is where they are going.
            mine = [(scores["self"] + scores["target"], mention.level) for mention, scores in zip(mentions, scored,
                    strict=True) if self._above(mention.level, known)]  # fmt: skip
            best = max(mine, default=None)
            target = best[1] if best is not None and best[0] >= ABOUT_ME_THRESHOLD else None
        if level is None:
            if MANAGES_TEAMS.search(text):
                level = "Senior Engineering Manager"
            elif MANAGES_PEOPLE.search(text):
                level = "Engineering Manager"
            elif LEADS_TEAM.search(text):
                level = "Lead"
        track = self.ladder.level(level).track if level is not None else None
        if track is None:
            track = next((name for name, pattern in TRACK_WORDS.items() if pattern.search(text)), None)
        years = self._years(spelled_years(text))
        company = self.ladder.company_named(text)
        return Profile(level=level, focus=_focus(text), track=track, target=target, years=years, company=company)

    def _at_one_company(self, text: str, mention: Mention) -> bool:
        """'3 yrs at Apple', 'been at google 6 years': years at a company the ladder's maps name."""
        after = re.match(r"\s*(?:at|with|in)\s+(\S+)", text[mention.end :])
        before = re.search(r"\b(?:been|worked|working)\s+(?:at|with|for)\s+(\S+)\s+(?:for\s+)?$",
                           text[max(0, mention.start - 50) : mention.start])  # fmt: skip
        return any(found is not None and self.ladder.company_named(found.group(1)) for found in (after, before))

    def _at_one_level(self, text: str, mention: Mention) -> bool:
        """Years at a level the ladder names ("I've been a senior for 4 years"), no career ("3 years as a mid-level
        dev" may be the whole of one, and is read by the learned model)."""
        before = re.search(r"\bbeen\s+(?:an?\s+)?(?P<level>(?:\S+\s+){0,2}?\S+)\s+for\s+(?:about\s+|almost\s+|over\s+|~)?$",
                           text[max(0, mention.start - 40) : mention.start])  # fmt: skip
        return before is not None and bool(self.ladder.mentions(before.group("level")))

    def _above(self, target: str, level: str | None) -> bool:
        """Whether a level can be a goal from the speaker's: one up their track, or on the other track (nobody in
        the labelled data aims at their own level or below: "senior at a startup, at google i'd be an L4")."""
        if level is None:
            return True
        now, then = self.ladder.level(level), self.ladder.level(target)
        return then.track != now.track or then.rank > now.rank

    def _years(self, text: str) -> float | None:
        """The stated number of years likeliest to be the speaker's experience, if likely enough; the sum of the
        stretches of a career told in stretches."""
        total = STATED_TOTAL.search(text)
        if total:
            return _whole(float(total.group("before") or total.group("after")))
        mentions = [m for m in year_mentions(text) if not AWAY.match(text[m.end : m.end + 40])
                    and not OTHER_CAREER.search(_clause_around(text, m))]  # fmt: skip
        stretches = _stretches(text, mentions)
        if len(stretches) >= 2 and not TOTAL.search(text):
            return sum(stretches)
        if not WHOLE_CAREER.search(text):
            mentions = [m for m in mentions if not AFTER_ONE_PLACE.search(text[m.end : m.end + 60])
                        and not BEFORE_ONE_PLACE.search(text[max(0, m.start - 50) : m.start])
                        and not self._at_one_company(text, m) and not self._at_one_level(text, m)]  # fmt: skip
        scored = [
            self.years.probabilities(mention_features(text, mentions, n))["experience"] for n in range(len(mentions))
        ]
        best = max(zip(scored, (float(mention.level) for mention in mentions), strict=True), default=None)
        return best[1] if best is not None and best[0] >= 0.5 else None


def _clause_around(text: str, mention: Mention) -> str:
    """The words of the clause a mention stands in, up to a comma, a full stop or "then" on either side."""
    start = max(text.rfind(mark, 0, mention.start) for mark in (",", ".", ";", " then ", " now ")) + 1
    ends = [found for mark in (",", ".", ";", " then ", " now ") if (found := text.find(mark, mention.end)) != -1]
    return text[start : min(ends, default=len(text))]


def _stretches(text: str, mentions: Sequence[Mention]) -> list[float]:
    """The years of each past stretch of a career a text tells: stated years, and bare numbers that continue them
    ("... and 4 as a software engineer"); none that is still to come ("mid within a year")."""
    found = [(mention.start, float(mention.level)) for mention in mentions]
    spans = [(mention.start, mention.end) for mention in mentions]
    for match in STRETCH.finditer(text):
        if found and not any(start <= match.start() < end for start, end in spans):
            found.append((match.start(), _number(match.group("number"))))
    return [value for start, value in found if not TO_COME.search(text[max(0, start - 20) : start])]


def _best(
    mentions: Sequence[Mention], scored: Sequence[Mapping[str, float]], role: Role, threshold: float
) -> str | None:
    """The level of the mention likeliest to have this role, if that is likely enough."""
    chosen = [(scores[role], mention.level) for mention, scores in zip(mentions, scored, strict=True)]
    best = max(chosen, default=None)
    return best[1] if best is not None and best[0] >= threshold else None


def resolve_level(text: str | None, ladder: Ladder) -> str | None:
    """A canonical level from a value such as a CLI flag ('sr', 'E5', 'SDE II', 'L5 at Google'), or None."""
    if not text or not text.strip():
        return None
    normalized = normalize(text)
    for level in ladder.level_names:
        if normalized == level.lower():
            return level
    mentions = ladder.mentions(normalized)
    return mentions[0].level if mentions else None


def resolve_focus(text: str | None) -> Focus | None:
    return read_focus(text) if text else None


def expand_query(text: str, ladder: Ladder) -> str:
    """The query plus canonical names for the levels it mentions ('L6' -> Staff, 'EM' -> Engineering Manager)
    and the corpus's words for informal ones ('promo' -> promotion), so both retrievers can match them."""
    normalized = normalize(text)
    extra: list[str] = []
    for mention in ladder.mentions(normalized):
        if mention.level.lower() not in normalized and mention.level not in extra:
            extra.append(mention.level)
    words = re.findall(r"[\w:/-]+", normalized)
    for word in [*words, *(f"{a} {b}" for a, b in pairwise(words))]:  # "hand off" too
        synonym = ladder.synonyms.get(word)
        if synonym and synonym not in extra and synonym not in normalized:
            extra.append(synonym)
    return f"{text} ({', '.join(extra)})" if extra else text


def level_mentions(ladder: Ladder, text: str) -> list[str]:
    """Canonical levels named in a text, in order ('Senior Staff' is one level, not Senior and Staff)."""
    return [mention.level for mention in ladder.mentions(normalize(text))]


def level_spans(ladder: Ladder, normalized: str) -> list[tuple[int, int, str]]:
    """(start, end, canonical level) of each level named in an already normalized text."""
    return [(mention.start, mention.end, mention.level) for mention in ladder.mentions(normalized)]
