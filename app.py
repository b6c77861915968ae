"""Career Coach, the Streamlit view: render, read input, call `coach`, render the result. No logic lives here."""

from __future__ import annotations

import json
from typing import Any

import altair as alt
import streamlit as st

from coach.brag import draft_entries
from coach.compare import compare_roles
from coach.errors import CoachError
from coach.export import markdown_to_docx
from coach.ladder import FOCUS_VALUES
from coach.profile import Profile
from coach.resources import build_coach, build_index, build_writer
from coach.settings import Settings, load_settings
from coach.store import UserStore
from coach.workspace import (
    QUICK_FOCUS,
    QUICK_LEVELS,
    WELCOME,
    Workspace,
    choose_workspace,
    entry_from_dict,
    gap_chart_rows,
    ladder_rows,
    save_upload,
)

st.set_page_config(page_title="Career Coach", page_icon="🧭", layout="wide")


# -- shared, read-only resources (never per-user data) ------------------------------------------------------------


@st.cache_resource(show_spinner="Loading the career library (first start builds the index)…")
def resources() -> dict[str, Any]:
    settings = load_settings()
    setup_problem = None
    try:
        writer = build_writer(settings)
    except CoachError as error:  # a broken provider setting must not take the offline coach down with it
        writer, setup_problem = None, str(error)
    index, report = build_index(settings)
    return {
        "settings": settings,
        "index": index,
        "report": report,
        "coach": build_coach(index, writer),
        "store": UserStore(settings.user_db_path),
        "setup_problem": setup_problem,
    }


try:
    shared = resources()
except CoachError as error:
    st.error(f"Career Coach cannot start: {error}")
    st.stop()
settings: Settings = shared["settings"]
coach = shared["coach"]
store: UserStore = shared["store"]
ladder = coach.ladder

workspace_id = choose_workspace(st.query_params.get("w"), store)
if st.query_params.get("w") != workspace_id:
    st.query_params["w"] = workspace_id
workspace = Workspace(store, workspace_id)


def download_buttons(markdown: str, name: str, key: str) -> None:
    left, right = st.columns(2)
    left.download_button("Download .md", markdown, f"{name}.md", "text/markdown", key=f"{key}-md")
    right.download_button(
        "Download .docx",
        markdown_to_docx(markdown),
        f"{name}.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        key=f"{key}-docx",
    )


def render_sources(sources: list[dict[str, Any]]) -> None:
    if sources:
        with st.expander(f"Sources ({len(sources)})"):
            for number, source in enumerate(sources, 1):
                st.markdown(f"**[{number}] {source['title']}**, section *{source['section']}*  \n`{source['path']}`")
                st.text(source["snippet"][:500])


def queue_message(text: str) -> None:
    st.session_state["pending_message"] = text


# -- sidebar: the profile ----------------------------------------------------------------------------------------

try:
    profile = workspace.profile()
except CoachError as error:
    st.error(str(error))
    st.stop()
# Widgets are keyed by the stored profile, so a profile learned in the chat shows here at once.
profile_version = abs(hash(tuple(profile.as_dict().values())))
with st.sidebar:
    st.header("Your profile")
    levels = ["(not set)", *ladder.level_names]
    with st.form("profile"):
        level = st.selectbox(
            "Current level",
            levels,
            index=levels.index(profile.level) if profile.level else 0,
            key=f"profile-level-{profile_version}",
        )
        focus_options = ["(not set)", *FOCUS_VALUES]
        focus = st.selectbox(
            "Focus",
            focus_options,
            index=focus_options.index(profile.focus) if profile.focus else 0,
            key=f"profile-focus-{profile_version}",
        )
        target = st.selectbox(
            "Target level",
            levels,
            index=levels.index(profile.target) if profile.target else 0,
            key=f"profile-target-{profile_version}",
        )
        years = st.number_input("Years of experience", 0.0, 60.0, float(profile.years or 0.0), 0.5)
        if st.form_submit_button("Save profile"):
            workspace.save_profile(
                Profile(
                    level=None if level == levels[0] else level,
                    focus=None if focus == focus_options[0] else focus,
                    target=None if target == levels[0] else target,
                    years=years or None,
                ),
                ladder,
            )
            st.rerun()
    if st.button("New conversation", width="stretch"):
        workspace.new_conversation()
        st.rerun()
    st.caption(f"Model: {settings.llm}" + (" (offline engine)" if settings.is_offline else ""))

chat_tab, brag_tab, plan_tab, ladder_tab, settings_tab = st.tabs(["Chat", "Brag doc", "Plan", "Ladder", "Settings"])

# -- chat --------------------------------------------------------------------------------------------------------

with chat_tab:
    history = workspace.history()
    with st.chat_message("assistant"):
        st.markdown(WELCOME)
        if not profile.complete:
            st.caption("Quick answers:")
            columns = st.columns(len(QUICK_LEVELS))
            for column, name in zip(columns, QUICK_LEVELS, strict=True):
                column.button(name, key=f"quick-level-{name}", on_click=queue_message, args=(f"I'm {name}",))
            columns = st.columns(len(QUICK_FOCUS) + 3)
            for column, name in zip(columns, QUICK_FOCUS, strict=False):
                column.button(f"Mostly {name}" if name != "both" else "Both", key=f"quick-focus-{name}",
                              on_click=queue_message, args=(name,))  # fmt: skip
    for message in history:
        with st.chat_message(message.role):
            st.markdown(message.content)
            payload = message.payload
            render_sources(payload.get("sources", []))
            if payload.get("notice"):
                st.info(payload["notice"])
            if payload.get("follow_up"):
                st.markdown(f"*{payload['follow_up']}*")
            if payload.get("entries"):
                if payload.get("added"):
                    st.success("Added to your brag doc.")
                elif st.button(f"Add {len(payload['entries'])} bullet(s) to my brag doc", key=f"add-{message.id}"):
                    workspace.add_reply_entries(message)
                    st.rerun()

    typed = st.chat_input("Ask about your next step, compare roles, or paste accomplishments")
    prompt = typed or st.session_state.pop("pending_message", None)
    if prompt:
        with st.chat_message("user"):
            st.markdown(prompt)
        with st.chat_message("assistant"):
            try:
                with st.spinner("Looking through the career library…"):
                    stream = workspace.ask(coach, prompt)
                st.write_stream(stream)
                workspace.record_reply(stream.result())
            except CoachError as error:
                workspace.record_problem(error)
        st.rerun()

# -- brag doc ----------------------------------------------------------------------------------------------------

with brag_tab:
    st.subheader("Brag doc")
    groups = workspace.entries_by_competency()
    if not groups:
        st.info("No entries yet. Paste accomplishments below or in the chat, then add them here.")
    for competency, stored_entries in groups.items():
        st.markdown(f"#### {competency}")
        for stored in stored_entries:
            entry = stored.entry
            edited = st.text_input("Bullet", entry.bullet, key=f"bullet-{stored.id}", label_visibility="collapsed")
            left, right, _ = st.columns([1, 1, 6])
            if left.button("Save", key=f"save-{stored.id}") and edited != entry.bullet:
                try:
                    workspace.update_entry(stored.id, edited)
                    st.rerun()
                except CoachError as error:
                    st.warning(str(error))
            if right.button("Remove", key=f"remove-{stored.id}"):
                workspace.remove_entry(stored.id)
                st.rerun()
            for question in entry.questions:
                st.caption(f"To add a number: {question}")
    st.divider()
    pasted = st.text_area("Paste accomplishments (one per line or as a list)", key="brag-paste", height=140)
    if st.button("Draft bullets", key="draft-bullets"):
        try:
            st.session_state["drafts"] = [entry.as_dict() for entry in draft_entries(pasted, ladder)]
        except CoachError as error:
            st.warning(str(error))
    drafts = st.session_state.get("drafts") or []
    for draft in drafts:
        st.markdown(f"- {draft['bullet']}")
        for question in draft["questions"]:
            st.caption(f"To add a number: {question}")
    if drafts and st.button(f"Add {len(drafts)} draft(s) to my brag doc", key="add-drafts"):
        workspace.add_entries([entry_from_dict(draft) for draft in drafts])
        st.session_state["drafts"] = []
        st.rerun()
    if groups:
        download_buttons(workspace.brag_markdown(), "brag-doc", "brag")

# -- plan --------------------------------------------------------------------------------------------------------

with plan_tab:
    st.subheader("Your plan")
    plan = workspace.latest_plan()
    if st.button("Regenerate plan" if plan else "Generate my plan", key="generate-plan"):
        try:
            with st.spinner("Building your plan…"):
                plan, notice = workspace.generate_plan(coach)
            if notice:
                st.info(notice)
        except CoachError as error:
            st.warning(str(error))
    if plan:
        st.markdown(plan["summary"])
        chart = (
            alt.Chart(alt.Data(values=gap_chart_rows(plan)))
            .mark_bar()
            .encode(
                x=alt.X("bar:Q", title="Expected depth (ladder bar, 1-10)"),
                y=alt.Y("level:N", title=None),
                color=alt.Color("level:N", title="Level"),
                row=alt.Row("competency:N", title=None, header=alt.Header(labelAngle=0, labelAlign="left")),
            )
            .properties(height=40)
        )
        st.altair_chart(chart)
        st.markdown("\n\n".join(
            f"**{h['name']}**\n" + "\n".join(f"- {a}" for a in h["actions"]) for h in plan["horizons"]
        ))  # fmt: skip
        st.markdown("**Evidence to collect**\n" + "\n".join(f"- {item}" for item in plan["evidence"]))
        render_sources(plan["sources"])
        download_buttons(plan["markdown"], "career-plan", "plan")
    else:
        st.info("Set your level and focus (sidebar or chat), then generate a plan toward your next level.")

# -- ladder ------------------------------------------------------------------------------------------------------

with ladder_tab:
    st.subheader("The career ladder")
    chosen = st.selectbox("Level", ladder.level_names, index=ladder.level_names.index("Senior"), key="ladder-level")
    level_info = ladder.level(chosen)
    st.markdown(f"**{level_info.name}** ({level_info.typical_years} years typical): {level_info.summary}")
    st.dataframe(ladder_rows(ladder, chosen), hide_index=True, width="stretch")
    st.markdown("#### Compare two roles")
    left, right = st.columns(2)
    first = left.selectbox("Role A", ladder.level_names, index=ladder.level_names.index("Lead"), key="compare-a")
    second = right.selectbox("Role B", ladder.level_names, index=ladder.level_names.index("Staff"), key="compare-b")
    if first != second:
        comparison = compare_roles(ladder, coach.retriever, first, second)
        st.markdown(comparison.markdown)
        render_sources([source.as_dict() for source in comparison.sources])

# -- settings ----------------------------------------------------------------------------------------------------

with settings_tab:
    st.subheader("Settings")
    st.markdown(f"**Model:** `{settings.llm}`" + (" (grounded offline engine, no LLM)" if settings.is_offline else ""))
    if shared["setup_problem"]:
        st.warning(f"The configured model is not available, so the offline engine answers: {shared['setup_problem']}")
    index = shared["index"]
    st.markdown(f"**Index:** {len(index.chunks)} sections from {len({c.path for c in index.chunks})} documents.")
    for problem in index.problems:
        st.warning(f"Skipped {problem}")
    if st.button("Rebuild index", key="rebuild-index"):
        bar = st.progress(0.0, text="Rebuilding…")
        report = index.refresh(lambda done, total, what: bar.progress(done / max(total, 1), text=f"{what} {done}/{total}"),
                               rebuild=True)  # fmt: skip
        bar.progress(1.0, text=f"Done: {report.total_chunks} sections indexed.")

    st.markdown("#### Add my company's ladder")
    uploads = st.file_uploader("Markdown files", type=["md"], accept_multiple_files=True, key="ladder-upload")
    if uploads and st.button("Index uploaded files", key="index-uploads"):
        for upload in uploads:
            try:
                save_upload(settings.uploads_dir, upload.name, upload.getvalue())
                st.success(f"Added {upload.name}")
            except CoachError as error:
                st.warning(str(error))
        with st.spinner("Indexing…"):
            index.refresh()

    st.markdown("#### My data")
    st.download_button("Export my data (.json)", json.dumps(workspace.export(), indent=2), "career-coach-data.json",
                       "application/json", key="export-data")  # fmt: skip
    imported = st.file_uploader("Import my data (.json)", type=["json"], key="import-data")
    if imported and st.button("Replace my data with this file", key="import-confirm"):
        try:
            workspace.import_data(json.loads(imported.getvalue().decode("utf-8")))
            st.success("Imported.")
        except (CoachError, ValueError) as error:
            st.warning(f"Nothing was imported: {error}")
    confirm = st.checkbox(
        "I understand this deletes my profile, conversations, brag doc and plans", key="confirm-delete"
    )
    if st.button("Delete my data", disabled=not confirm, key="delete-data"):
        workspace.delete()
        st.session_state.clear()
        st.success("Your data was deleted.")
