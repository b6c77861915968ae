"""Career Coach, the Streamlit view: the engine is built once and cached here; each part of the page is a function
of `coach.ui.tabs`, which renders, reads input and calls the engine. With an `[auth]` section in the secrets, every
person logs in and works in their own workspace (`coach.ui.login`)."""

from __future__ import annotations

import streamlit as st

from coach.engine import Coach, open_coach
from coach.errors import CoachError, ServiceUnavailable
from coach.settings import Settings, load_settings
from coach.ui import login, tabs
from coach.workspace import Workspace, choose_workspace

st.set_page_config(page_title="Career Coach", page_icon="🧭", layout="wide")


@st.cache_resource(show_spinner="Loading the career library (first start builds the index)…")
def engine() -> tuple[Settings, Coach]:
    """Shared, read-only resources (never per-user data): one engine for every session."""
    settings = load_settings()
    # A broken provider setting must not take the offline coach down with it: the Settings tab says why.
    return settings, open_coach(settings, tolerate_model_problem=True)


try:
    settings, coach = engine()
    assert coach.store is not None
    identity = login.identity()  # None for the local app; stops at the "Log in" button for someone not logged in
    if identity is None:
        workspace_id = choose_workspace(st.query_params.get("w"), coach.store)
        if st.query_params.get("w") != workspace_id:
            st.query_params["w"] = workspace_id
    else:
        # The login alone names the workspace: a `?w=` in the address is ignored and removed.
        workspace_id = choose_workspace(None, coach.store, identity)
        if "w" in st.query_params:
            del st.query_params["w"]
        login.account()
    workspace = Workspace(coach, workspace_id)
    profile = tabs.sidebar(workspace, settings)
except ServiceUnavailable as error:
    tabs.unavailable(error)
    st.stop()
except CoachError as error:
    st.error(f"Career Coach cannot start: {error}")
    st.stop()

chat, brag, plan, ladder, config = st.tabs(["Chat", "Brag doc", "Plan", "Ladder", "Settings"])
with chat:
    tabs.guarded(tabs.chat_tab, workspace, profile)
with brag:
    tabs.guarded(tabs.brag_tab, workspace)
with plan:
    tabs.guarded(tabs.plan_tab, workspace)
with ladder:
    tabs.guarded(tabs.ladder_tab, workspace)
with config:
    tabs.guarded(tabs.settings_tab, workspace, settings)
