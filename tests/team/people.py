"""A person in a browser on the team stack's front door: their own cookies, the login through the trial provider,
and the few things the team tests do on the page."""

from __future__ import annotations

import shutil

from coach.deployment.stack import TeamStack

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


class Person:
    """One person's browser (own cookies) on the front door."""

    def __init__(self, browser, stack: TeamStack, subject: str) -> None:
        self.stack = stack
        self.subject = subject
        self.context = browser.new_context(viewport={"width": 1300, "height": 950}, accept_downloads=True)
        # The trial provider's pages link a stylesheet on a CDN; nothing may leave this machine.
        self.context.route("https://**", lambda route: route.abort())
        self.page = self.context.new_page()

    def open(self, path: str = "/") -> None:
        self.page.goto(f"{self.stack.url}{path}", wait_until="domcontentloaded")

    def log_in(self) -> None:
        self.open()
        self.page.get_by_role("button", name="Log in").click(timeout=120_000)
        self.page.locator("input[name=sub]").fill(self.subject, timeout=60_000)
        self.page.get_by_role("button", name="Authorize", exact=True).click()
        self.page.get_by_text(f"Logged in as {self.subject}").wait_for(timeout=120_000)
        self.page.get_by_text("Where are you now in your career").first.wait_for(timeout=60_000)

    def say(self, text: str) -> None:
        box = self.page.get_by_test_id("stChatInputTextArea")
        box.fill(text, timeout=60_000)
        box.press("Enter")

    def sees(self, text: str, timeout: float = 60_000) -> None:
        self.page.get_by_text(text).first.wait_for(timeout=timeout)

    def replica(self) -> str:
        """The replica serving this browser, as the front door reports it (a loopback address)."""
        return self.page.request.get(f"{self.stack.url}/_stcore/health").headers["x-coach-replica"]

    def close(self) -> None:
        self.context.close()
