"""A browser tab as the app's server sees it, without a browser: cookies, the login through the identity provider,
Streamlit's WebSocket session, and reruns carrying widget values. The team stack warms its replicas with it and the
team benchmark drives chat sessions with it."""

from __future__ import annotations

import contextlib
import re
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

CHAT_INPUT_KEY = "chat-message"  # coach.ui.tabs.CHAT_INPUT


class SessionError(RuntimeError):
    """The app did not behave like a working page: no chat box, an exception rendered, a run that never ended."""


@dataclass
class Run:
    """What one interaction drew: every text element, the widgets (kind, label) -> id, and how it ended."""

    texts: list[str] = field(default_factory=list)
    widgets: dict[tuple[str, str], str] = field(default_factory=dict)
    exceptions: list[str] = field(default_factory=list)
    redirect: str | None = None
    seconds: float = 0.0


def _text_of(element: Any) -> tuple[str | None, str | None, str | None, str | None]:
    """(text, widget kind, widget label, widget id) of one element."""
    kind = element.WhichOneof("type")
    value = getattr(element, kind)
    text = getattr(value, "body", None) if kind in ("markdown", "text", "alert", "heading") else None
    widget_id = getattr(value, "id", None) if kind in ("button", "chat_input", "text_input", "selectbox") else None
    label = getattr(value, "label", None) or getattr(value, "placeholder", None)
    return text, kind if widget_id else None, label, widget_id


class AppSession:
    """One person's tab on a Streamlit app at `base_url` (the front door, or one replica)."""

    def __init__(self, base_url: str, timeout: float = 120) -> None:
        import httpx

        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.http = httpx.Client(timeout=timeout, follow_redirects=False)
        self.socket: Any = None
        self._socket_scope = contextlib.ExitStack()
        self.widgets: dict[tuple[str, str], str] = {}

    # -- connection --------------------------------------------------------------------------------------------

    def _cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.http.cookies.items())

    def connect(self) -> Run:
        """Load the page (its cookies: the front door's routing, Streamlit's XSRF token), open the session, run."""
        from websockets.sync.client import connect
        from websockets.typing import Origin, Subprotocol

        self.close_socket()
        self.http.get(f"{self.base_url}/")
        self.http.get(f"{self.base_url}/_stcore/health")  # as the page does first: it sets the XSRF cookie
        address = urlsplit(self.base_url)
        protocols = [Subprotocol("streamlit")]
        if xsrf := self.http.cookies.get("_streamlit_xsrf"):
            protocols.append(Subprotocol(xsrf))
        self._socket_scope = contextlib.ExitStack()
        self.socket = self._socket_scope.enter_context(
            connect(
                f"ws://{address.netloc}/_stcore/stream",
                subprotocols=protocols,
                origin=Origin(f"{address.scheme}://{address.netloc}"),
                additional_headers={"Cookie": self._cookie_header()},
                max_size=None,
                open_timeout=self.timeout,
            )
        )
        return self.rerun()

    def close_socket(self) -> None:
        if self.socket is not None:
            with contextlib.suppress(Exception):  # already gone with its server
                self._socket_scope.close()
            self.socket = None

    def close(self) -> None:
        self.close_socket()
        self.http.close()

    # -- interaction -------------------------------------------------------------------------------------------

    def rerun(self, widget_states: list[Any] | None = None) -> Run:
        """Send one rerun and read until the script has finished for good (reruns it triggers included)."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        request = BackMsg()
        request.rerun_script.query_string = ""
        request.rerun_script.page_script_hash = ""
        for state in widget_states or ():
            request.rerun_script.widget_states.widgets.append(state)
        started = time.perf_counter()
        self.socket.send(request.SerializeToString())
        run = Run()
        deadline = time.monotonic() + self.timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise SessionError(f"the app did not finish a run within {self.timeout:g} s")
            message = ForwardMsg()
            message.ParseFromString(self.socket.recv(timeout=remaining))
            kind = message.WhichOneof("type")
            if kind == "delta" and message.delta.WhichOneof("type") == "new_element":
                element = message.delta.new_element
                if element.WhichOneof("type") == "exception":
                    run.exceptions.append(element.exception.message)
                    continue
                text, widget_kind, label, widget_id = _text_of(element)
                if text:
                    run.texts.append(text)
                if widget_kind and widget_id:
                    run.widgets[(widget_kind, label or "")] = widget_id
            elif kind == "auth_redirect":
                run.redirect = message.auth_redirect.url
            elif kind == "script_finished" and message.script_finished in (
                ForwardMsg.FINISHED_SUCCESSFULLY,
                ForwardMsg.FINISHED_WITH_COMPILE_ERROR,
            ):
                break
        run.seconds = time.perf_counter() - started
        self.widgets.update(run.widgets)
        if run.exceptions:
            raise SessionError(f"the page showed an exception: {run.exceptions[0][:300]}")
        return run

    def _widget(self, kind: str, label: str | None = None) -> str:
        for (each_kind, each_label), widget_id in self.widgets.items():
            if each_kind == kind and (label is None or each_label == label):
                return widget_id
        raise SessionError(f"the page has no {kind} {label or ''}".strip())

    def click(self, label: str) -> Run:
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        state = WidgetState(id=self._widget("button", label), trigger_value=True)
        return self.rerun([state])

    def say(self, text: str) -> Run:
        """One chat turn: the message typed and sent; returns once the reply is drawn."""
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        state = WidgetState(id=self._widget("chat_input"))
        state.chat_input_value.data = text
        return self.rerun([state])

    # -- login -------------------------------------------------------------------------------------------------

    def log_in(self, subject: str) -> Run:
        """Press "Log in", type `subject` on the trial provider's page, come back logged in, open a new session."""
        run = self.connect()
        if ("button", "Log in") not in run.widgets:
            return run  # already logged in
        redirect = self.click("Log in").redirect
        if not redirect:
            raise SessionError("pressing Log in did not redirect to the identity provider")
        url = urljoin(f"{self.base_url}/", redirect)
        for _ in range(10):
            response = self.http.get(url)
            if response.status_code in (301, 302, 303, 307) and "location" in response.headers:
                url = urljoin(url, response.headers["location"])
                if urlsplit(url).path == "/" and urlsplit(url).netloc == urlsplit(self.base_url).netloc:
                    break
                continue
            if response.status_code == 200 and re.search(r'name="sub"', response.text):
                answer = self.http.post(url, data={"sub": subject})
                url = urljoin(url, answer.headers.get("location", ""))
                continue
            raise SessionError(f"the login stopped at {urlsplit(url).path} with HTTP {response.status_code}")
        if "_streamlit_user" not in self.http.cookies:
            raise SessionError("the login did not set the identity cookie")
        return self.connect()
