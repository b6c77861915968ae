"""The app's parts, one function each: the profile sidebar and the five tabs. They render, read input and call the
workspace or the engine; the records they get back are rendered as they are."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import altair as alt
import streamlit as st

from coach.errors import CoachError, ServiceUnavailable
from coach.records import FOCUS_VALUES, Profile, Source
from coach.settings import Settings
from coach.skills.export import markdown_to_docx
from coach.ui.content import (
    NOT_SET,
    QUICK_FOCUS,
    QUICK_LEVELS,
    WELCOME,
    choice,
    chosen,
    gap_chart_rows,
    level_table_rows,
)
from coach.workspace import Workspace


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


def render_sources(sources: tuple[Source, ...]) -> None:
    if sources:
        with st.expander(f"Sources ({len(sources)})"):
            for number, source in enumerate(sources, 1):
                st.markdown(f"**[{number}] {source.title}**, section *{source.section}*  \n`{source.path}`")
                st.text(source.snippet[:500])


CHAT_INPUT = "chat-message"
RETRY_SECONDS = 3.0


def queue_message(text: str) -> None:
    st.session_state["pending_message"] = text


def unavailable(error: ServiceUnavailable) -> None:
    """One line in place of what could not be shown. A message the person just typed is kept and sent once the
    server answers again; the page tries again by itself every few seconds."""
    typed = st.session_state.get(CHAT_INPUT)
    if typed:
        keep_for_retry(typed)
    st.warning(str(error), icon="⏳")
    st.session_state["retry_at"] = time.monotonic() + RETRY_SECONDS
    _retry_when_back()


def keep_for_retry(text: str) -> None:
    st.session_state["pending_message"] = text
    st.session_state["pending_again"] = True  # it may be recorded already (see Workspace.ask)


def guarded(part: Callable[..., None], *arguments: object) -> None:
    """One part of the page; when a server it needs is down, that part says so in one line and the rest stays."""
    try:
        part(*arguments)
    except ServiceUnavailable as error:
        unavailable(error)


@st.fragment(run_every=RETRY_SECONDS)
def _retry_when_back() -> None:
    if time.monotonic() >= st.session_state.get("retry_at", float("inf")):
        st.session_state.pop("retry_at", None)
        st.rerun(scope="app")


def sidebar(workspace: Workspace, settings: Settings) -> Profile:
    """The profile form; returns the stored profile. Widgets are keyed by it, so a profile learned in the chat
    shows here at once."""
    profile = workspace.profile()
    version = abs(hash(profile))
    levels = [NOT_SET, *workspace.coach.ladder.level_names]
    focus_options = [NOT_SET, *FOCUS_VALUES]
    with st.sidebar:
        st.header("Your profile")
        with st.form("profile"):
            level = st.selectbox("Current level", levels, choice(profile.level, levels), key=f"profile-level-{version}")
            focus = st.selectbox("Focus", focus_options, choice(profile.focus, focus_options),
                                 key=f"profile-focus-{version}")  # fmt: skip
            target = st.selectbox("Target level", levels, choice(profile.target, levels),
                                  key=f"profile-target-{version}")  # fmt: skip
            years = st.number_input("Years of experience", min_value=0, max_value=60, step=1, placeholder="unknown",
                                    value=None if profile.years is None else round(profile.years),
                                    key=f"profile-years-{version}")  # fmt: skip
            if st.form_submit_button("Save profile"):
                workspace.save_profile(
                    Profile.model_validate(
                        {
                            "level": chosen(level),
                            "focus": chosen(focus),
                            "target": chosen(target),
                            "years": years,
                            "company": profile.company,
                        }  # what the chat learned and the form does not show
                    )
                )
                st.rerun()
        if st.button("New conversation", width="stretch"):
            workspace.new_conversation()
            st.rerun()
        st.caption(f"Model: {settings.llm}" + (" (offline engine)" if settings.is_offline else ""))
    return profile


def chat_tab(workspace: Workspace, profile: Profile) -> None:
    with st.chat_message("assistant"):
        st.markdown(WELCOME)
        if not profile.complete:
            st.caption("Quick answers:")
            for column, name in zip(st.columns(len(QUICK_LEVELS)), QUICK_LEVELS, strict=True):
                column.button(name, key=f"quick-level-{name}", on_click=queue_message, args=(f"I'm {name}",))
            for column, name in zip(st.columns(len(QUICK_FOCUS) + 3), QUICK_FOCUS, strict=False):
                column.button(f"Mostly {name}" if name != "both" else "Both", key=f"quick-focus-{name}",
                              on_click=queue_message, args=(name,))  # fmt: skip
    for message in workspace.history():
        payload = message.payload
        with st.chat_message(message.role):
            st.markdown(message.content)
            render_sources(payload.sources)
            if payload.notice:
                st.info(payload.notice)
            if payload.follow_up:
                st.markdown(f"*{payload.follow_up}*")
            if payload.entries:
                if payload.added:
                    st.success("Added to your brag doc.")
                elif st.button(f"Add {len(payload.entries)} bullet(s) to my brag doc", key=f"add-{message.id}"):
                    workspace.add_reply_entries(message)
                    st.rerun()

    typed = st.chat_input("Ask about your next step, compare roles, or paste accomplishments", key=CHAT_INPUT)
    again = bool(st.session_state.pop("pending_again", False)) and not typed
    prompt = typed or st.session_state.pop("pending_message", None)
    if prompt:
        with st.chat_message("user"):
            st.markdown(prompt)
        with st.chat_message("assistant"):
            try:
                with st.spinner("Looking through the career library…"):
                    stream = workspace.ask(prompt, again=again)
                st.write_stream(stream)
                workspace.record_reply(stream.result())
            except ServiceUnavailable as error:
                keep_for_retry(prompt)
                unavailable(error)
                return
            except CoachError as error:
                workspace.record_problem(error)
        st.rerun()


def brag_tab(workspace: Workspace) -> None:
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
            drafts, notice = workspace.draft(pasted)
            st.session_state["drafts"] = drafts
            if notice:
                st.info(notice)
        except CoachError as error:
            st.warning(str(error))
    drafts = st.session_state.get("drafts") or ()
    for draft in drafts:
        st.markdown(f"- {draft.bullet}")
        for question in draft.questions:
            st.caption(f"To add a number: {question}")
    if drafts and st.button(f"Add {len(drafts)} draft(s) to my brag doc", key="add-drafts"):
        workspace.add_entries(drafts)
        st.session_state["drafts"] = ()
        st.rerun()
    if groups:
        download_buttons(workspace.brag_markdown(), "brag-doc", "brag")


def plan_tab(workspace: Workspace) -> None:
    st.subheader("Your plan")
    plan = workspace.latest_plan()
    if st.button("Regenerate plan" if plan else "Generate my plan", key="generate-plan"):
        try:
            with st.spinner("Building your plan…"):
                plan, notice = workspace.generate_plan()
            if notice:
                st.info(notice)
        except CoachError as error:
            st.warning(str(error))
    if plan is None:
        st.info("Set your level and focus (sidebar or chat), then generate a plan toward your next level.")
        return
    st.markdown(plan.summary)
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
        f"**{horizon.name}**\n" + "\n".join(f"- {action}" for action in horizon.actions) for horizon in plan.horizons
    ))  # fmt: skip
    st.markdown("**Evidence to collect**\n" + "\n".join(f"- {item}" for item in plan.evidence))
    render_sources(plan.sources)
    download_buttons(plan.markdown, "career-plan", "plan")


def ladder_tab(workspace: Workspace) -> None:
    ladder = workspace.coach.ladder
    names = ladder.level_names
    st.subheader("The career ladder")
    level = ladder.level(st.selectbox("Level", names, index=names.index("Senior"), key="ladder-level"))
    st.markdown(f"**{level.name}** ({level.typical_years} years typical): {level.summary}")
    st.dataframe(level_table_rows(ladder, level.name), hide_index=True, width="stretch")
    st.markdown("#### Compare two roles")
    left, right = st.columns(2)
    first = left.selectbox("Role A", names, index=names.index("Lead"), key="compare-a")
    second = right.selectbox("Role B", names, index=names.index("Staff"), key="compare-b")
    if first != second:
        comparison = workspace.coach.compare(first, second)
        st.markdown(comparison.markdown)
        render_sources(comparison.sources)


def settings_tab(workspace: Workspace, settings: Settings) -> None:
    coach = workspace.coach
    st.subheader("Settings")
    st.markdown(f"**Model:** `{settings.llm}`" + (" (grounded offline engine, no LLM)" if settings.is_offline else ""))
    if coach.setup_problem:
        st.warning(f"The configured model is not available, so the offline engine answers: {coach.setup_problem}")
    index = coach.index
    st.markdown(f"**Index:** {len(index.chunks)} sections from {len({c.path for c in index.chunks})} documents.")
    for problem in index.problems:
        st.warning(f"Skipped {problem}")
    if settings.shared_index:
        # Every replica reads the one index on the Chroma server; only the operator changes it.
        st.caption("The career library is shared by the whole team deployment; the operator adds a company ladder "
                   "(COACH_KNOWLEDGE_DIRS) and rebuilds it with `coach index`.")  # fmt: skip
    else:
        _index_controls(workspace, settings)
    _data_controls(workspace)


def _index_controls(workspace: Workspace, settings: Settings) -> None:
    coach, index = workspace.coach, workspace.coach.index
    if st.button("Rebuild index", key="rebuild-index"):
        bar = st.progress(0.0, text="Rebuilding…")

        def show(done: int, total: int, what: str) -> None:
            bar.progress(done / max(total, 1), text=f"{what} {done}/{total}")

        report = index.refresh(show, rebuild=True)
        bar.progress(1.0, text=f"Done: {report.total_chunks} sections indexed.")

    st.markdown("#### Add my company's ladder")
    uploads = st.file_uploader("Markdown files", type=["md"], accept_multiple_files=True, key="ladder-upload")
    if uploads and st.button("Index uploaded files", key="index-uploads"):
        for upload in uploads:
            try:
                findings = coach.add_upload(settings.uploads_dir, upload.name, upload.getvalue())
                st.success(f"Added {upload.name}")
                for finding in findings:
                    st.warning(finding)
            except CoachError as error:
                st.warning(str(error))
        with st.spinner("Indexing…"):
            index.refresh()


def _data_controls(workspace: Workspace) -> None:
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
