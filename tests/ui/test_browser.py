"""End to end in a real browser: `streamlit run app.py` on a loopback port, driven by Playwright in Debian's Chromium
(never a browser Playwright downloads). Screenshots go to test-output/screenshots/."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from servers import free_port, wait_for_health

from coach.knowledge.data import PROJECT_ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = PROJECT_ROOT / "test-output" / "screenshots"
CHROMIUM_FLAGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


@pytest.fixture(scope="module")
def app_url(shared_data_dir, real_index, tmp_path_factory):
    port = free_port()
    env = {**os.environ, "COACH_DATA_DIR": str(shared_data_dir), "COACH_LLM": "offline"}
    log = tmp_path_factory.mktemp("streamlit") / "server.log"
    with log.open("w") as output:  # a file, not a pipe: an unread pipe can stall the server
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(PROJECT_ROOT / "app.py"), "--server.port", str(port),
             "--server.address", "127.0.0.1"],
            cwd=PROJECT_ROOT, env=env, stdout=output, stderr=output,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
    # What the user typed in the browser never appears in the server's log.
    assert "Cut p95 latency" not in log.read_text() and "p95 latency" not in log.read_text()


@pytest.fixture(scope="module")
def browser():
    assert Path(CHROMIUM).exists(), "Debian's chromium is missing: run scripts/ensure-chromium.sh (make test does)"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        yield browser
        browser.close()


def send(page, text: str) -> None:
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill(text)
    box.press("Enter")


def scroll_to(page, locator) -> None:
    """Streamlit redraws a reply once it has streamed, detaching what was shown while streaming: scroll to the
    element the locator finds now, again if the first one went away."""
    from playwright.sync_api import Error as PlaywrightError

    for _ in range(10):
        try:
            locator.scroll_into_view_if_needed(timeout=10_000)
            return
        except PlaywrightError as error:
            if "not attached" not in str(error):
                raise
            page.wait_for_timeout(300)
    locator.scroll_into_view_if_needed(timeout=10_000)


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(500)  # let the last rerun settle so the page is not shown greyed out
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def test_the_three_jobs_and_exports_in_a_real_browser(app_url, browser, tmp_path):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    outside: list[str] = []
    page.on(
        "request",
        lambda request: (
            outside.append(request.url) if not request.url.startswith((app_url, "data:", "blob:")) else None
        ),
    )
    page.goto(f"{app_url}/?w=browser-alice", wait_until="networkidle")
    page.get_by_text("Where are you now in your career").first.wait_for(timeout=120_000)
    shot(page, "01-welcome")

    page.get_by_role("button", name="Senior", exact=True).click()
    page.get_by_text("you're at Senior").first.wait_for(timeout=60_000)
    page.get_by_role("button", name="Mostly coding").click()
    page.get_by_text("your focus is coding").first.wait_for(timeout=60_000)

    send(page, "How does Lead differ from Staff?")
    table = page.get_by_role("cell", name="8-12 years").first
    table.wait_for(timeout=60_000)
    scroll_to(page, table)
    shot(page, "02-lead-vs-staff")
    send(page, "which fits me better?")  # a follow-up on the comparison, with the profile applied
    page.get_by_text("Of the two, Lead keeps more of the week on coding").first.wait_for(timeout=60_000)

    send(page, "What should I do next to grow toward Staff?")
    page.get_by_text("First 30 days").first.wait_for(timeout=60_000)

    send(page, "- cut p95 latency from 800ms to 120ms\n- wrote the deploy runbook <script>window.pwned=1</script>")
    page.get_by_role("button", name="Add 2 bullet(s) to my brag doc").click()
    added = page.get_by_text("Added to your brag doc.").first
    added.wait_for(timeout=60_000)
    assert page.evaluate("window.pwned === undefined"), "pasted <script> ran in the page"
    scroll_to(page, added)
    shot(page, "03-brag-bullets")

    page.get_by_role("tab", name="Brag doc").click()
    page.locator("input[value='Cut p95 latency from 800ms to 120ms']").wait_for(timeout=30_000)
    with page.expect_download() as markdown_download:
        page.get_by_role("button", name="Download .md").first.click()
    markdown = Path(markdown_download.value.path()).read_text()
    assert "Cut p95 latency from 800ms to 120ms" in markdown
    with page.expect_download() as docx_download:
        page.get_by_role("button", name="Download .docx").first.click()
    assert Path(docx_download.value.path()).read_bytes()[:2] == b"PK"  # a zip: the .docx container
    shot(page, "04-brag-doc")

    page.get_by_role("tab", name="Plan").click()
    page.locator("text=From Senior to Staff >> visible=true").first.wait_for(timeout=60_000)
    chart = page.locator("[data-testid='stVegaLiteChart'] >> visible=true").first
    chart.wait_for(timeout=60_000)  # the competency-gap chart
    scroll_to(page, chart)
    shot(page, "05-plan")
    with page.expect_download() as plan_download:
        page.get_by_role("tab", name="Plan").click()
        page.locator("[data-testid='stDownloadButton'] button").filter(has_text="Download .md").last.click()
    assert "# Plan: Senior to Staff" in Path(plan_download.value.path()).read_text()
    assert outside == [], f"the page contacted other hosts: {outside[:5]}"  # no usage statistics, no CDN
    context.close()


def test_two_browser_contexts_do_not_share_data(app_url, browser):
    alice = browser.new_context().new_page()
    bob = browser.new_context().new_page()
    alice.goto(f"{app_url}/?w=browser-iso-alice", wait_until="networkidle")
    bob.goto(f"{app_url}/?w=browser-iso-bob", wait_until="networkidle")
    for page in (alice, bob):
        page.get_by_text("Where are you now in your career").first.wait_for(timeout=120_000)
    send(alice, "I'm a staff engineer, mostly leading")
    send(bob, "I'm a junior engineer, all coding")
    alice.get_by_text("you're at Staff").first.wait_for(timeout=60_000)
    bob.get_by_text("you're at Junior").first.wait_for(timeout=60_000)
    bob.reload(wait_until="networkidle")
    bob.get_by_text("you're at Junior").first.wait_for(timeout=60_000)
    assert bob.get_by_text("you're at Staff").count() == 0
    assert alice.get_by_text("you're at Junior").count() == 0
    shot(alice, "06-isolation-alice")
    shot(bob, "06-isolation-bob")
