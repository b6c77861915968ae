"""Reading a profile from free text: company levels, abbreviations, focus, target, years; unknown stays None."""

from __future__ import annotations

import pytest

from coach.records import Profile
from coach.understanding.profile import ProfileReader, resolve_focus, resolve_level


@pytest.fixture(scope="module")
def reader(ladder):
    return ProfileReader(ladder)


# (text, level, focus, target, years)
CASES = [
    ("I'm an L5 at Google, half my time leading", "Senior", "both", None, None),
    ("E4", "Mid", None, None, None),
    ("E5 at Meta, mostly coding", "Senior", "coding", None, None),
    ("I'm an SDE II at Amazon", "Mid", None, None, None),
    ("sr. engineer, 7 years, mostly hands-on", "Senior", "coding", None, 7.0),
    ("I'm a tech lead", "Lead", None, None, None),
    ("new grad here", "Junior", None, None, None),
    # A title or a team alone says no focus (the labelled data's convention): the coach asks.
    ("I manage 6 engineers", "Engineering Manager", None, None, None),
    ("I manage three teams", "Senior Engineering Manager", None, None, None),
    ("Senior", "Senior", None, None, None),
    ("coding", None, "coding", None, None),
    ("both", None, "both", None, None),
    ("leading", None, "leading", None, None),
    ("I'm a senior engineer aiming for staff", "Senior", None, "Staff", None),
    ("I'm a staff engineer at Stripe, 12 yoe, mostly leading", "Staff", "leading", None, 12.0),
    ("L99 at Nowhere", None, None, None, None),
    ("What does a Staff engineer do?", None, None, None, None),
    ("How does lead differ from staff?", None, None, None, None),
    ("I'm a mid-level dev with 3 years of experience", "Mid", None, None, 3.0),
    ("I am a Director of Engineering", "Director", None, None, None),
    ("I'm an intern", "Intern", None, None, None),
    ("junior dev, 1 year in, all coding", "Junior", "coding", None, 1.0),
    ("I'm level 63 at Microsoft", "Senior", None, None, None),
    ("I'm a 65 at microsoft", "Staff", None, None, None),
    ("I'm an L6 at Amazon", "Senior", None, None, None),
    ("I'm an L6", "Staff", None, None, None),
    ("Currently an EM with 5 reports", "Engineering Manager", None, None, None),
    ("I'm a senior EM", "Senior Engineering Manager", None, None, None),
    ("I'm an IC5", None, None, None, None),
    # A stated split is both unless one side has 70% or more (the convention knowledge/profiles.yaml states).
    ("I'm a staff engineer; I spend 70% of my time coding", "Staff", "coding", None, None),
    ("staff eng, about 60% coding and the rest design reviews", "Staff", "both", None, None),
    ("tl of a 5 person team, 70/30 meetings vs coding", "Lead", "leading", None, None),
    ("twenty-two years in the industry, principal now", "Principal", None, None, 22),
    ("senior, 5 years at this company, before that nothing", "Senior", None, None, None),
    ("Returning after a 4 year break. Before that I had 6 years as a developer", None, None, None, 6),
    ("Switched from marketing after 7 years, now a junior developer", "Junior", None, None, None),
    ("been at google 6 years, L5. coasting", "Senior", None, None, None),
    ("E5 after 3 years, how do I catch up", "Senior", None, None, None),
    ("jr dev, 2 and a half years of experience total", "Junior", None, None, 3),
    ("Mid-level engineer, 5 years 6 months experience", "Mid", None, None, 6),
    ("YOE 6, TC 280, L5 amazon", "Mid", None, None, 6),
    ("mid level eng at a bank. i code maybe 2 hours a week, rest is meetings", "Mid", "leading", None, None),
    ("lead dev, I can't remember when I last committed code", "Lead", "leading", None, None),
    ("I'm a staff engineer; I spend 90% of my time coding", "Staff", "coding", None, None),
    ("I'm a senior dev, 30% coding", "Senior", "leading", None, None),
    ("I'm a senior dev, 10% coding", "Senior", "leading", None, None),
    ("I want to become a principal engineer", None, None, "Principal", None),
    ("My manager is a director and I'm a senior engineer", "Senior", None, None, None),
    ("I lead a team of 5 engineers", "Lead", None, None, None),
    ("I'm a lead developer, split between coding and leading", "Lead", "both", None, None),
    ("I'm a software engineer II, mostly building features", "Mid", "coding", None, None),
    ("Senior Staff at Google, 15 years", "Senior Staff", None, None, 15.0),
    ("I'm an E6 and I want to get to E7", "Staff", None, "Senior Staff", None),
    ("I was promoted to senior last year and I'm aiming for staff in two years", "Senior", None, "Staff", None),
    ("about a decade of experience, senior engineer", "Senior", None, None, 10.0),
    ("I'm an engineer", None, None, None, None),
    ("mostly coding", None, "coding", None, None),
    ("sde3", "Senior", None, None, None),
    ("I'm a senior staff engineer", "Senior Staff", None, None, None),
    ("Distinguished engineer", "Distinguished", None, None, None),
    ("I'm a senior engineer. How do I get to staff?", "Senior", None, "Staff", None),
    ("half coding half leading", None, "both", None, None),
    ("I'm an M1 at Meta", "Engineering Manager", None, None, None),
    ("I'm a senior engineering manager at Meta (M2)", "Senior Engineering Manager", None, None, None),
    ("I’m an E5 at Meta, mostly coding", "Senior", "coding", None, None),
    # Misspelt titles; focus from how they spend their time now, not from a wish, a taste or someone else.
    ("im a seniour enginer, tryin to get to staf", "Senior", None, "Staff", None),
    ("a fresher, six months into my first job", "Junior", None, None, 1),  # half a year rounds up
    ("EM, I havent written code in months", "Engineering Manager", "leading", None, None),
    ("senior dev. my old manager wanted me to go into management", "Senior", None, None, None),
    (
        "tech lead, I'm in design discussions most of the day and want to get back to coding",
        "Lead",
        "leading",
        None,
        None,
    ),
    # A goal named by a track word, not a title; a goal is above the speaker's level or on the other track.
    ("senior backend dev, 7 yoe, want to move into management", "Senior", None, "Engineering Manager", 7.0),
    ("ICT3 at Apple, want to get to ICT4", "Mid", None, "Senior", None),
    # Years: a career told in stretches adds up; a half rounds up (the labelled data's convention).
    ("3 years as a data analyst and 4 as a software engineer, mid-level", "Mid", None, None, 7.0),
    ("1.5 yrs into my first dev job, still junior", "Junior", None, None, 2.0),
    ("junior, want to get to mid within a year", "Junior", None, "Mid", None),
    # What "mostly" is said of is the nearest kind of work; "more time in X than Y" is X.
    ("senior dev, mostly coding with some mentoring", "Senior", "coding", None, None),
    ("i'm a mid and i spend more time in meetings than coding", "Mid", "leading", None, None),
    ("I have 3 EMs reporting to me", "Senior Engineering Manager", None, None, None),
    ("senior in college, interning at a bank this summer", "Intern", None, None, None),
    # Years said in decimals, ages, careers in stretches; focus denied or split in people's words.
    ("Engineer II at a healthtech company, 2.5 years total", "Mid", None, None, 3),
    ("20 year old intern, first time in tech. Everything is overwhelming.", "Intern", None, None, None),
    ("Sr. SWE with 3 years at Google, before that 5 at a startup", "Senior", None, None, 8),
    ("I'm a tech lead but I'm barely leading — I write most of the team's code", "Lead", "coding", None, None),
    (
        "My skip is a VP. I'm a mid-level backend dev. Both of them keep telling me to think bigger",
        "Mid",
        None,
        None,
        None,
    ),
    (
        "I manage a team of 5 and I'm not technical anymore, haven't coded in two years.",
        "Engineering Manager",
        "leading",
        None,
        None,
    ),
    (
        "Principal engineer, 22 years. I'm split roughly evenly between coding prototypes and working with execs.",
        "Principal",
        "both",
        None,
        22,
    ),
    ("hey!! im in a coding bootcamp rn, 3 weeks left", None, None, None, None),
]


@pytest.mark.parametrize("text, level, focus, target, years", CASES)
def test_read_profile(ladder, reader, text, level, focus, target, years):
    profile = reader.read(text)
    assert (profile.level, profile.focus, profile.target, profile.years) == (level, focus, target, years)
    if level:
        assert profile.track == ladder.level(level).track


def test_there_are_at_least_forty_cases():
    assert len(CASES) >= 40
    assert sum(1 for case in CASES if any(c in case[0] for c in ("Google", "Meta", "Amazon", "Microsoft", "E4"))) >= 8


def test_merge_keeps_known_fields():
    known = Profile(level="Senior", focus="coding")
    assert known.merged(Profile(target="Staff")) == Profile(level="Senior", focus="coding", target="Staff")
    assert known.merged(Profile()) == known


@pytest.mark.parametrize(
    "value, level",
    [("sr", "Senior"), ("E4", "Mid"), ("SDE II", "Mid"), ("L5 at Google", "Senior"), ("tech lead", "Lead"),
     ("staff", "Staff"), ("Senior Staff", "Senior Staff"), ("em", "Engineering Manager"), ("L99 at Nowhere", None),
     ("", None), ("wizard", None)],
)  # fmt: skip
def test_resolve_level_for_flags(ladder, value, level):
    assert resolve_level(value, ladder) == level


def test_resolve_focus():
    assert resolve_focus("Coding") == "coding"
    assert resolve_focus("mostly managing people") == "leading"
    assert resolve_focus("juggling") is None


def test_with_a_known_level_a_level_above_it_that_the_person_asks_about_is_their_target(reader):
    """From someone known to be E5, "scope for E6" names where they are going; "and director?" (nothing about
    them) and a manager's level do not."""
    assert reader.read(
        "ok fine. how do i find cross-team scope for E6 when nobody hands it to me", "Senior"
    ).target == ("Staff")
    assert reader.read("and director?", "Senior").target is None
    assert reader.read("my manager is a director, she says i need more scope", "Senior").target is None


def test_a_hypothetical_about_the_person_gives_their_focus(reader):
    assert reader.read("ok and if i'm mostly coding?", "Senior").focus == "coding"
    assert reader.read("what if im mostly leading").focus == "leading"


def test_a_refitted_model_replaces_its_stale_cache_file(ladder, tmp_path):
    """The fitted weights are kept by a key of their data; fitting again from other data leaves one file, not two."""
    from coach.understanding.profile import ProfileReader

    first = [{"text": "i'm a senior, want to get to staff, 6 yoe", "level": "Senior", "target": "Staff", "years": 6},
             {"text": "my manager is a director. i'm mid, staff for 2 years", "level": "Mid"}]  # fmt: skip
    ProfileReader(ladder, tmp_path, items=first)
    kept = sorted(path.name for path in tmp_path.glob("profile-roles-*.pickle"))
    ProfileReader(
        ladder, tmp_path, items=[*first, {"text": "i am a junior, want mid", "level": "Junior", "target": "Mid"}]
    )
    now = sorted(path.name for path in tmp_path.glob("profile-roles-*.pickle"))
    assert len(kept) == 1 and len(now) == 1 and now != kept


def test_codes_are_read_with_the_company_named_earlier(ladder):
    assert ladder.company_named("sde2 at amazon, 5 yoe") == "Amazon" and ladder.company_named("L5 here") is None
    assert (
        ladder.with_company_codes("what would it take to get to L6?", "Amazon")
        == "what would it take to get to Senior?"
    )
    assert ladder.with_company_codes("what does L6 mean at google?", "Amazon") == "what does L6 mean at google?"
    assert ladder.with_company_codes("what would it take to get to L6?", None) == "what would it take to get to L6?"


@pytest.mark.parametrize(
    "text, liked",
    [
        ("which one fits me better long term? i like coding way more than meetings", "coding"),
        ("honestly i hate meetings", "coding"),
        ("I prefer mentoring people", "leading"),
        ("which fits me better?", None),
    ],
)
def test_what_they_like_doing_is_read_apart_from_their_focus(reader, text, liked):
    from coach.understanding.profile import read_preference

    assert read_preference(text) == liked
    assert reader.read(text).focus is None  # a taste, not how their week goes


@pytest.mark.parametrize(
    "text, level, focus, years",
    [
        # LatAm titles: "semi senior" is the mid level there, not Senior.
        ("frontend dev from argentina, semi senior, I code all day", "Mid", "coding", None),
        # What a person misses or the people they like are no split of their week.
        ("Former staff engineer, now an engineering manager. Still miss coding tbh.", "Engineering Manager", None,
         None),
        ("my manager is M2 and my skip is a D1, both super nice people. I'm E4.", "Mid", None, None),
        # "code review" is reviewing, and no meetings at all is coding.
        ("I am senior backend developer, I do mostly programming, little bit of code review.", "Senior", "coding",
         None),
        ("im mid level and i have literally 0 meetings, just code", "Mid", "coding", None),
        ("Principal at Microsoft (level 67). Work is 90% strategy and review.", "Principal", "leading", None),
        # Years at one level or in one role are no career; the years since a career began are.
        ("My CTO thinks I should be promoted to lead. I've been a senior for 4 years.", "Senior", None, None),
        ("Meta M1, 2 years into managing. Want to get to M2.", "Engineering Manager", None, None),
        ("Spent 6 years in accounting, then switched to dev 4 years ago, and now I'm a mid-level engineer.", "Mid",
         None, 4.0),
    ],
)  # fmt: skip
def test_titles_tastes_and_years_of_one_stretch_as_people_tell_them(reader, text, level, focus, years):
    profile = reader.read(text)
    assert (profile.level, profile.focus, profile.years) == (level, focus, years)


@pytest.mark.parametrize(
    "text, focus",
    [
        ("I work 4 days a week coding and 1 day doing interviews and mentoring. Senior dev.", "coding"),
        ("Lead dev at an agency since 2019. Spend 3 days a week on client calls and 2 writing code.", "both"),
        ("senior fe dev w 6 yrs. my 8h day looks like 2h of standups/meetings, rest is coding", "coding"),
        ("Mid level frontend dev. Every week: Mon-Thu coding, Fri is all meetings and planning.", "coding"),
        ("ex-founder, I write code maybe 4 hours a week, the rest is hiring and planning.", "leading"),
        ("Senior. Daily I am doing coding only, very less meetings.", "coding"),
        ("I spend maybe 20% of time coding, the rest is clients and managing the juniors.", "leading"),
        ("My coworker got promoted to staff and I didn't. We're both seniors with 7 years of experience.", None),
    ],
)  # fmt: skip
def test_a_week_told_in_days_or_hours_is_a_split(reader, text, focus):
    """A share of days or hours is a share of the week: 70% or more on one kind is that focus (the convention of the
    labelled data); "the rest" is the week or the day less the other share."""
    assert reader.read(text).focus == focus


def test_a_search_adds_the_guides_word_for_an_informal_phrase_of_two_words(ladder):
    """A question like "what should i hand off first?" is searched with "delegate" too, the word the guides use; the
    words of the query are kept."""
    from coach.understanding.profile import expand_query

    assert expand_query("what should i hand off first?", ladder) == "what should i hand off first? (delegate)"
    assert "delegate" not in expand_query("hand me the off-site notes", ladder)
