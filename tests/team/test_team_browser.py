"""Two people log in through the front door with the trial provider: each sees only their own brag doc and
conversation, also when one opens the other's address; logging out shows the Log in button again; and a local
app's JSON export moves into a person's account (an upload, which must reach the replica holding the session)."""

from __future__ import annotations

import json

import pytest
from people import Person

from coach.records import BragEntry, Profile
from coach.storage.store import UserStore
from coach.workspace import workspace_of

pytestmark = pytest.mark.slow
ALICE, BOB = "alice@example.com", "bob@example.com"


def test_two_people_see_only_their_own_data_whatever_address_they_open(team_stack, team_browser):
    alice, bob = Person(team_browser, team_stack, ALICE), Person(team_browser, team_stack, BOB)
    try:
        for person in (alice, bob):
            person.log_in()
        alice.say("I'm a staff engineer, mostly leading")
        bob.say("I'm a junior engineer, all coding")
        alice.sees("you're at Staff")
        bob.sees("you're at Junior")
        alice.say("- cut p95 latency from 800ms to 120ms")
        bob.say("- wrote the onboarding guide for 12 new hires")
        for person in (alice, bob):
            person.page.get_by_role("button", name="Add 1 bullet(s) to my brag doc").click(timeout=60_000)
            person.sees("Added to your brag doc.")

        # Bob opens Alice's address: her workspace id in `?w=`, and the plain address. Both are his own data.
        issuer = team_stack.login.url
        for path in (f"/?w={workspace_of(issuer, ALICE)}", "/?w=browser-alice", "/"):
            bob.open(path)
            bob.sees("Logged in as bob@example.com")
            bob.sees("you're at Junior")
            assert "w=" not in bob.page.url
            assert bob.page.get_by_text("you're at Staff").count() == 0
            assert bob.page.get_by_text("800ms").count() == 0
        bob.page.get_by_role("tab", name="Brag doc").click()
        bob.page.locator("input[value*='onboarding guide for 12 new hires']").wait_for(timeout=60_000)
        assert bob.page.locator("input[value*='800ms']").count() == 0

        alice.open()
        alice.sees("you're at Staff")
        alice.page.get_by_role("tab", name="Brag doc").click()
        alice.page.locator("input[value*='p95 latency from 800ms to 120ms']").wait_for(timeout=60_000)
        assert alice.page.get_by_text("onboarding guide").count() == 0
        alice.page.screenshot(path=str(team_stack.folder / "alice.png"))

        # Logging out: the trial provider confirms the end of the session, then the app asks to log in again.
        alice.page.get_by_role("button", name="Log out").click()
        confirm = alice.page.get_by_role("button", name="End session")
        confirm.wait_for(timeout=60_000)
        confirm.click()
        alice.page.get_by_role("button", name="Log in").wait_for(timeout=60_000)
        alice.open()
        alice.page.get_by_role("button", name="Log in").wait_for(timeout=60_000)
        assert alice.page.get_by_text("800ms").count() == 0
    finally:
        alice.close()
        bob.close()


def test_a_local_export_moves_into_the_persons_account(team_stack, team_browser, tmp_path):
    laptop = UserStore(tmp_path / "laptop.sqlite3")  # the local single-user app's store
    laptop.save_profile("laptop", Profile(level="Principal", focus="both"))
    laptop.add_entries(
        "laptop", [BragEntry(original="x", bullet="Moved the billing ledger to Postgres in 3 weeks", competencies=("Delivery",))]
    )  # fmt: skip
    laptop.add_message("laptop", "user", "a message written on the laptop")
    export = tmp_path / "career-coach-data.json"
    export.write_text(json.dumps(laptop.export_workspace("laptop")))

    carol = Person(team_browser, team_stack, "carol@example.com")
    try:
        carol.log_in()
        carol.page.get_by_role("tab", name="Settings").click()
        carol.page.locator("[data-testid='stFileUploaderDropzoneInput']").last.set_input_files(str(export))
        carol.page.get_by_role("button", name="Replace my data with this file").click(timeout=60_000)
        carol.sees("Imported.")
        carol.open()
        carol.sees("a message written on the laptop")
        carol.page.get_by_role("tab", name="Brag doc").click()
        carol.page.locator("input[value='Moved the billing ledger to Postgres in 3 weeks']").wait_for(timeout=60_000)
    finally:
        carol.close()
    account = UserStore(team_stack.database_url)
    moved = account.export_workspace(workspace_of(team_stack.login.url, "carol@example.com"))
    account.close()
    assert moved["workspace"]["profile"]["level"] == "Principal"
    assert [entry["bullet"] for entry in moved["brag_entries"]] == ["Moved the billing ledger to Postgres in 3 weeks"]
