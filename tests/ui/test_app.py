"""The Streamlit view driven by AppTest: welcome, profile, grounded answers with sources, comparison table,
brag bullets stored and kept across sessions, plan with chart and exports, settings; never an exception."""

from __future__ import annotations

import uuid

import pytest
from streamlit.testing.v1 import AppTest

from coach.knowledge.data import PROJECT_ROOT
from coach.storage.store import UserStore

APP = str(PROJECT_ROOT / "app.py")


@pytest.fixture
def app_env(monkeypatch, shared_data_dir, real_index):
    """All AppTests share the already built index; each test gets its own workspace, so data never mixes."""
    monkeypatch.setenv("COACH_DATA_DIR", str(shared_data_dir))
    return shared_data_dir


def open_app(workspace: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    at.query_params["w"] = workspace
    at.run()
    assert not at.exception, at.exception
    return at


def say(at: AppTest, text: str) -> AppTest:
    at.chat_input[0].set_value(text).run()
    assert not at.exception, at.exception
    return at


def field(at: AppTest, label: str):
    return next(box for box in at.selectbox if box.label == label)


def last_reply(at: AppTest):
    return [message for message in at.chat_message if message.name == "assistant"][-1]


@pytest.fixture
def workspace() -> str:
    return "t" + uuid.uuid4().hex[:10]


def test_welcome_asks_level_and_focus_with_quick_picks(app_env, workspace):
    at = open_app(workspace)
    welcome = at.chat_message[0].markdown[0].value
    assert "Where are you now in your career" in welcome and "coding, leading, or both" in welcome
    keys = {button.key for button in at.button}
    assert {"quick-level-Senior", "quick-level-Staff", "quick-focus-coding", "quick-focus-both"} <= keys


def test_quick_picks_and_free_text_set_the_profile(app_env, workspace):
    at = open_app(workspace)
    at.button(key="quick-level-Senior").click().run()
    at.button(key="quick-focus-coding").click().run()
    assert not at.exception
    assert field(at, "Current level").value == "Senior" and field(at, "Focus").value == "coding"
    assert "quick-level-Senior" not in {button.key for button in at.button}  # complete profile: no more quick picks
    say(at, "Actually I'm an E6 at Meta, half my time leading")
    assert field(at, "Current level").value == "Staff" and field(at, "Focus").value == "both"


def test_question_gets_an_answer_with_sources(app_env, workspace):
    at = say(open_app(workspace), "What should go in a brag document?")
    reply = last_reply(at)
    assert "brag" in reply.markdown[0].value.lower()
    assert reply.expander and reply.expander[0].label.startswith("Sources (")
    assert "knowledge/brag/" in " ".join(m.value for m in reply.expander[0].markdown)
    assert "Where are you now" in " ".join(m.value for m in reply.markdown)  # follow-up while the profile is unknown


def test_a_three_turn_conversation_follows_up_on_its_topic(app_env, workspace):
    at = say(open_app(workspace), "senior backend dev here, mostly coding. how do i get promoted to staff?")
    assert field(at, "Current level").value == "Senior" and field(at, "Target level").value == "Staff"
    at = say(at, "how long does that take?")
    reply = last_reply(at)
    sources = " ".join(m.value for m in reply.expander[0].markdown)
    assert "Staff" in reply.markdown[0].value
    assert any(word in sources.lower() for word in ("years", "timeline", "how long"))
    at = say(at, "and principal?")
    assert "principal" in " ".join(m.value for m in last_reply(at).expander[0].markdown).lower()
    assert len(at.chat_message) == 7  # welcome, then three turns of two messages


def test_lead_vs_staff_gives_the_table(app_env, workspace):
    reply = last_reply(say(open_app(workspace), "How does Lead differ from Staff?"))
    text = reply.markdown[0].value
    assert "| Dimension | Lead | Staff |" in text and "8-12 years" in text


def test_pasted_accomplishments_go_into_the_brag_doc_and_survive_a_new_session(app_env, workspace):
    at = say(open_app(workspace), "- cut p95 latency from 800ms to 120ms\n- wrote the deploy runbook")
    reply = last_reply(at)
    assert "Cut p95 latency from 800ms to 120ms" in reply.markdown[0].value
    add = [button for button in at.button if button.key and button.key.startswith("add-")]
    add[-1].click().run()
    assert not at.exception and any("Added to your brag doc" in s.value for s in at.success)

    again = open_app(workspace)  # a new session (and, on disk, the same SQLite file a restart would read)
    bullets = [field.value for field in again.text_input]
    assert "Cut p95 latency from 800ms to 120ms" in bullets and "Wrote the deploy runbook" in bullets
    assert any("To add a number" in caption.value for caption in again.caption)
    assert len(UserStore(app_env / "user.sqlite3").entries(workspace)) == 2


def test_brag_doc_entries_are_editable_and_removable(app_env, workspace):
    at = open_app(workspace)
    at.text_area(key="brag-paste").set_value("Mentored two interns\nFixed the flaky CI").run()
    at.button(key="draft-bullets").click().run()
    at.button(key="add-drafts").click().run()
    store = UserStore(app_env / "user.sqlite3")
    first, second = store.entries(workspace)
    at.text_input(key=f"bullet-{first.id}").set_value("Mentored two interns through their first launch").run()
    at.button(key=f"save-{first.id}").click().run()
    at.button(key=f"remove-{second.id}").click().run()
    assert not at.exception
    assert [stored.entry.bullet for stored in store.entries(workspace)] == [
        "Mentored two interns through their first launch"
    ]


def test_plan_tab_builds_a_plan_with_chart_and_exports(app_env, workspace):
    at = open_app(workspace)
    field(at, "Current level").set_value("Senior")
    field(at, "Focus").set_value("coding")
    field(at, "Target level").set_value("Staff")
    next(button for button in at.button if button.label == "Save profile").click().run()
    at.button(key="generate-plan").click().run()
    assert not at.exception
    assert any("Senior to Staff" in m.value for m in at.markdown)
    assert at.get("vega_lite_chart"), "the competency gap chart is missing"
    downloads = at.get("download_button")
    assert len(downloads) >= 2


def test_messages_render_as_markdown_never_html(app_env, workspace):
    at = say(open_app(workspace), "<script>alert('x')</script> **What is glue work?**")
    assert not at.exception
    for element in at.markdown:
        assert not element.proto.allow_html


def test_unusable_message_stays_in_history(app_env, workspace):
    at = say(open_app(workspace), "x" * 25_000)
    texts = [message.markdown[0].value for message in at.chat_message]
    assert any(text.startswith("x" * 100) for text in texts)  # the user's text is kept
    assert "couldn't handle that message" in last_reply(at).markdown[0].value


def test_new_conversation_clears_the_chat_but_keeps_the_brag_doc(app_env, workspace):
    at = say(open_app(workspace), "- wrote the deploy runbook\n- mentored two interns")
    next(button for button in at.button if button.key and button.key.startswith("add-")).click().run()
    at = say(at, "What is calibration?")
    assert len(at.chat_message) == 5
    next(button for button in at.button if button.label == "New conversation").click().run()
    assert len(at.chat_message) == 1
    bullets = [field.value for field in at.text_input]
    assert "Wrote the deploy runbook" in bullets and "Mentored two interns" in bullets
    assert len(UserStore(app_env / "user.sqlite3").entries(workspace)) == 2


def test_settings_show_model_and_index_and_delete_data(app_env, workspace):
    at = say(open_app(workspace), "I'm a senior engineer")
    assert any("offline" in m.value for m in at.markdown)
    assert any("sections from" in m.value for m in at.markdown)
    at.checkbox(key="confirm-delete").check().run()
    at.button(key="delete-data").click().run()
    assert not at.exception
    store = UserStore(app_env / "user.sqlite3")
    assert store.messages(workspace) == [] and store.entries(workspace) == []


def test_model_and_corpus_text_render_as_markdown_only(monkeypatch, shared_data_dir, real_index, tmp_path):
    """<script> from the corpus (an extra knowledge folder) and from the model reaches the page only as text."""
    import streamlit as st
    from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
    from langchain_core.messages import AIMessage

    from coach import engine
    from coach.generation.writer import LlmWriter

    extra = tmp_path / "company"
    extra.mkdir()
    (extra / "buddies.md").write_text(
        "---\ntitle: Onboarding buddies at Zorblax\nlevels: [Junior]\ntracks: [ic]\ntopics: [onboarding]\n"
        "sources: [Zorblax]\n---\n# Onboarding buddies at Zorblax\n\n## How Zorblax buddies work\n"
        "Every new Zorblax engineer gets a buddy for the first month. <script>window.fromCorpus=1</script>\n"
    )
    monkeypatch.setenv("COACH_DATA_DIR", str(shared_data_dir))
    monkeypatch.setenv("COACH_KNOWLEDGE_DIRS", str(extra))
    model = GenericFakeChatModel(
        messages=iter([AIMessage("<script>window.fromModel=1</script> Ask your Zorblax buddy [1].")])
    )
    monkeypatch.setattr(engine, "build_writer", lambda settings: LlmWriter(model, "openai:fake"))
    st.cache_resource.clear()
    try:
        at = say(open_app("t-markup"), "How do onboarding buddies work at Zorblax?")
        reply = last_reply(at)
        assert "<script>window.fromModel=1</script>" in reply.markdown[0].value
        assert "window.fromCorpus" in " ".join(t.value for t in reply.expander[0].text)
        for element in at.markdown:
            assert not element.proto.allow_html
    finally:
        st.cache_resource.clear()
