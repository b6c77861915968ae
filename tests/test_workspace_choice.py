"""Which workspace a request gets: with a login, only the person's own, whatever the address says; without one (the
local app), the `?w=` value, else the one used last."""

from __future__ import annotations

from coach.storage.store import UserStore
from coach.workspace import WORKSPACE_ID, choose_workspace, workspace_of


def test_with_a_login_the_address_and_the_last_workspace_never_decide(tmp_path):
    store = UserStore(tmp_path / "user.sqlite3")
    store.add_message("someone-else", "user", "their secret")  # the workspace used last
    alice = ("https://idp.example.com", "alice")
    mine = choose_workspace(None, store, alice)
    assert mine == workspace_of(*alice) and WORKSPACE_ID.match(mine)
    for requested in ("someone-else", workspace_of("https://idp.example.com", "bob"), "../../etc", ""):
        assert choose_workspace(requested, store, alice) == mine
    # The same subject at another provider is another person.
    assert workspace_of("https://other-idp.example.com", "alice") != mine


def test_without_a_login_the_local_app_continues_as_before(tmp_path):
    store = UserStore(tmp_path / "user.sqlite3")
    assert choose_workspace("mine", store) == "mine"
    store.add_message("last-used", "user", "hello")
    assert choose_workspace(None, store) == "last-used"
    assert choose_workspace("../bad", store) == "last-used"
