"""Faults on the running team stack, in a real browser: the replica holding a conversation is stopped; PostgreSQL
and the Chroma server go down mid-run (a one-line message, the typed message kept, recovery by itself once the
server is back); the whole stack restarts. Nothing a person wrote is lost."""

from __future__ import annotations

import pytest
from people import Person

from coach.storage.store import UserStore
from coach.workspace import workspace_of

pytestmark = pytest.mark.slow
DATABASE_DOWN = "The database is not reachable right now; your message is kept — try again in a moment."
SEARCH_DOWN = "The search index is not reachable right now; your message is kept — try again in a moment."


def no_traceback(person: Person) -> None:
    assert person.page.locator("[data-testid='stException']").count() == 0


def user_messages(stack, subject: str) -> list[str]:
    store = UserStore(stack.database_url)
    try:
        workspace = workspace_of(stack.login.url, subject)
        return [message.content for message in store.messages(workspace) if message.role == "user"]
    finally:
        store.close()


def test_a_replica_stopped_mid_conversation_loses_nothing(team_stack, team_browser):
    dana = Person(team_browser, team_stack, "dana@example.com")
    try:
        dana.log_in()
        dana.say("I'm a senior engineer, mostly coding")
        dana.sees("you're at Senior")
        dana.say("What is glue work?")
        dana.sees("Sources (")
        serving = dana.replica()
        stopped = next(replica for replica in team_stack.replicas if serving.endswith(f":{replica.port}"))
        stopped.stop()
        try:
            dana.page.reload(wait_until="domcontentloaded")
            dana.sees("Logged in as dana@example.com", timeout=120_000)  # the other replica knows her login cookie
            dana.sees("What is glue work?")  # and her conversation, from PostgreSQL
            assert dana.replica() != serving
            dana.say("How does Lead differ from Staff?")
            dana.page.get_by_role("cell", name="8-12 years").first.wait_for(timeout=60_000)
            dana.sees("you're at Senior")
            no_traceback(dana)
        finally:
            team_stack.start_replicas([stopped])
    finally:
        dana.close()
    assert user_messages(team_stack, "dana@example.com") == [
        "I'm a senior engineer, mostly coding", "What is glue work?", "How does Lead differ from Staff?"
    ]  # fmt: skip


@pytest.mark.parametrize("engine", ["postgresql", "chroma"])
def test_a_server_down_mid_run_is_one_line_keeps_the_message_and_recovers_by_itself(team_stack, team_browser, engine):
    server, notice = (
        (team_stack.postgres, DATABASE_DOWN) if engine == "postgresql" else (team_stack.chroma, SEARCH_DOWN)
    )
    subject = f"erin-{engine}@example.com"
    erin = Person(team_browser, team_stack, subject)
    try:
        erin.log_in()
        erin.say("I'm a senior engineer, mostly coding")
        erin.sees("you're at Senior")
        server.stop()
        try:
            erin.say("What is glue work?")
            erin.sees(notice, timeout=60_000)
            no_traceback(erin)
        finally:
            server.start()
        # No click, no reload: the page tries again by itself and the kept message is answered.
        erin.page.get_by_text("Sources (").first.wait_for(timeout=60_000)
        erin.page.get_by_text(notice).first.wait_for(state="detached", timeout=60_000)
        no_traceback(erin)
    finally:
        erin.close()
    assert user_messages(team_stack, subject) == ["I'm a senior engineer, mostly coding", "What is glue work?"]


def test_the_whole_stack_restarts_with_nothing_lost(team_stack, team_browser):
    frank = Person(team_browser, team_stack, "frank@example.com")
    try:
        frank.log_in()
        frank.say("I'm a lead engineer, both coding and leading")
        frank.sees("you're at Lead")
        frank.say("- mentored 3 engineers to promotion")
        frank.page.get_by_role("button", name="Add 1 bullet(s) to my brag doc").click(timeout=60_000)
        frank.sees("Added to your brag doc.")
        team_stack.stop()
        team_stack.start()
        frank.page.reload(wait_until="domcontentloaded")
        frank.sees("Logged in as frank@example.com", timeout=120_000)  # the login cookie outlives the restart
        frank.sees("you're at Lead")
        frank.page.get_by_role("tab", name="Brag doc").click()
        frank.page.locator("input[value*='3 engineers to promotion']").wait_for(timeout=60_000)
    finally:
        frank.close()
