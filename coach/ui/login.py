"""Login, for a team deployment: Streamlit's own OpenID Connect support (`st.login`, `st.user`), configured by the
`[auth]` section of `.streamlit/secrets.toml`. Without that section the app is the local single-user app and none
of this shows."""

from __future__ import annotations

import streamlit as st


def configured() -> bool:
    """An `[auth]` section is in the secrets: every person logs in, and their data is keyed by who they are."""
    try:
        return bool(st.secrets.load_if_toml_exists() and "auth" in st.secrets)
    except Exception:  # an unreadable secrets file: Streamlit reports it itself
        return False


def identity() -> tuple[str, str] | None:
    """The logged-in person as (issuer, subject) from their signed identity cookie; None without a login configured.
    Someone not logged in yet sees only the "Log in" button: the script stops there."""
    if not configured():
        return None
    if not st.user.is_logged_in:
        st.title("🧭 Career Coach")
        st.markdown("Log in to see your own profile, conversations, brag doc and plans.")
        st.button("Log in", type="primary", on_click=st.login, key="log-in")
        st.stop()
    claims = st.user.to_dict()
    subject = claims.get("sub") or claims.get("email")
    if not subject:
        st.error("Your login did not say who you are (no 'sub' claim); ask the administrator to check the provider.")
        st.stop()
    return str(claims.get("iss") or ""), str(subject)


def account() -> None:
    """Who is logged in, and the way out, in the sidebar."""
    claims = st.user.to_dict()
    with st.sidebar:
        name = claims.get("name") or claims.get("email") or claims.get("sub")
        st.text(f"Logged in as {name}")  # text, not markdown: a name is whatever the provider says
        st.button("Log out", on_click=st.logout, key="log-out", width="stretch")
