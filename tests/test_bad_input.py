"""Bad input everywhere: odd characters, hostile markup, huge pastes, unknown levels, broken files; and fuzzing of the
parsers. Each gets a clear message or is handled; none raises anything but the app's own clear errors."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coach.engine import InputError
from coach.errors import CoachError
from coach.knowledge.corpus import CorpusError, chunk_document, parse_document, save_upload
from coach.records import Profile
from coach.skills.brag import BragError, draft_entries, split_entries
from coach.understanding.intents import LABELS

SENIOR = Profile(level="Senior", focus="coding")


@pytest.mark.parametrize(
    "message",
    [
        "What is glue\x00 work?\x07\x1b[31m",
        "مرحبا، كيف أصبح مهندسًا رئيسيًا؟ How do I become Staff? 🚀🔥",
        "I'm a senior 👩‍💻 engineer aiming for staff ✨",
        "<script>alert('x')</script><img src=x onerror=alert(1)> what is a promotion packet?",
        "```\nclosing the fence\n```\n</div><iframe src='javascript:alert(1)'></iframe> ``` how do promotions work?",
        "I'm an L99 at Nowhere and I want to become a Wizard",
        "\u202eesrever\u202c text with bidi controls: what is calibration?",
        "- " + "🚀" * 200,
    ],
)
def test_odd_messages_are_handled(engine, message):
    reply = engine.reply(message, SENIOR)
    assert isinstance(reply.answer, str) and reply.answer
    assert "\x00" not in reply.answer and "\x1b" not in reply.answer


def test_unknown_company_level_stays_unknown(engine):
    reply = engine.reply("I'm an L99 at Nowhere", Profile())
    assert reply.profile.level is None and reply.follow_up


def test_markup_in_pastes_stays_text(ladder):
    entries = draft_entries("- shipped <b>dark mode</b> <script>x()</script> to 40% of users", ladder)
    assert "<script>x()</script>" in entries[0].bullet  # kept as the user's text; the view renders markdown only


@pytest.mark.parametrize("paste", ["", "   ", "\n\n\t"])
def test_empty_paste_is_refused(engine, paste):
    with pytest.raises((InputError, BragError)):
        engine.brag(paste, SENIOR) if paste else engine.reply(paste, SENIOR)


def test_one_megabyte_paste_is_refused_with_a_size_message(engine):
    with pytest.raises(InputError, match="characters long"):
        engine.reply("- shipped a thing\n" * 60_000, SENIOR)


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("ladder.pdf", b"%PDF-1.7", "upload markdown"),
        ("ladder.md", b"\xff\xfe\x00\x00binary", "not UTF-8"),
        ("ladder.md", b"---\ntitle: [broken\n---\n# X", "not valid YAML"),
        ("ladder.md", b"x" * 1_000_001, "larger than 1 MB"),
    ],
)
def test_unreadable_uploads_get_clear_messages(tmp_path, name, data, message):
    with pytest.raises(CoachError, match=message):
        save_upload(tmp_path, name, data)
    assert not list(tmp_path.iterdir())


def test_upload_names_cannot_escape_the_folder(tmp_path):
    saved = save_upload(tmp_path / "uploads", "../../etc/passwd.md", b"# Our ladder\n## Levels\nText.")
    assert saved.parent == tmp_path / "uploads" and saved.name == "passwd.md"


# -- fuzzing ---------------------------------------------------------------------------------------------------

FUZZ = settings(max_examples=2500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
career_words = st.sampled_from(
    ["I'm", "a", "an", "senior", "staff", "L5", "E4", "at", "Google", "Meta", "SDE", "II", "lead", "manager", "mostly",
     "coding", "leading", "both", "half", "my", "time", "years", "10", "aiming", "for", "principal", "?", ".", ",",
     "vs", "-", "\n", "1.", "•", "%", "manage", "6", "engineers", "want", "to", "become", "em", "director"]
)  # fmt: skip
career_text = st.lists(career_words, max_size=30).map(" ".join)
any_text = st.one_of(st.text(max_size=400), career_text)


@FUZZ
@given(any_text)
def test_fuzz_profile_and_routing(ladder, engine, text):
    profile = engine.read_profile(text)
    for value in (profile.level, profile.target):
        assert value is None or value in ladder.level_names
    assert profile.focus in (None, "coding", "leading", "both")
    assert engine.classifier.classify(text) in LABELS


@FUZZ
@given(any_text)
def test_fuzz_brag_splitting(ladder, text):
    entries = split_entries(text)
    assert all(entry.strip() and "\n" not in entry for entry in entries)
    try:
        drafted = draft_entries(text, ladder)
    except BragError:
        return
    assert len(drafted) <= len(entries)


front_matter = st.one_of(
    st.text(max_size=200),
    st.lists(
        st.tuples(st.sampled_from(["title", "levels", "tracks", "topics", "sources", "x", ""]), st.text(max_size=30)),
        max_size=6,
    ).map(lambda pairs: "\n".join(f"{key}: {value}" for key, value in pairs)),
)


@FUZZ
@given(front_matter, st.text(max_size=300), st.booleans())
def test_fuzz_front_matter(meta, body, closed):
    text = f"---\n{meta}\n" + ("---\n" if closed else "") + body
    try:
        document = parse_document(text, "knowledge/fuzz.md")
    except CorpusError:
        return
    assert document.title
    for chunk in chunk_document(document):
        assert chunk.section and chunk.id.startswith("knowledge/fuzz.md#")
