"""Career Coach, the Streamlit view: render the chat, read input, call `coach`, render the reply."""

from __future__ import annotations

import streamlit as st

from coach.profile import Profile
from coach.resources import build_coach, build_index
from coach.settings import load_settings

st.set_page_config(page_title="Career Coach", page_icon="🧭")


@st.cache_resource(show_spinner="Loading the career library…")
def engine():
    index, _ = build_index(load_settings())
    return build_coach(index)


st.title("Career Coach")
if "messages" not in st.session_state:
    st.session_state.messages = []
    st.session_state.profile = Profile()
for message in st.session_state.messages:
    with st.chat_message(message["role"]):
        st.markdown(message["content"])
if prompt := st.chat_input("Ask about your next career step"):
    st.session_state.messages.append({"role": "user", "content": prompt})
    with st.chat_message("user"):
        st.markdown(prompt)
    reply = engine().reply(prompt, st.session_state.profile)
    st.session_state.profile = reply.profile
    st.session_state.messages.append({"role": "assistant", "content": reply.answer})
    with st.chat_message("assistant"):
        st.markdown(reply.answer)
