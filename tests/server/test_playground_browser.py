"""The playground in real headless Chromium (Debian's ``chromium``, driven by Playwright):
type a declaration and a term, see the diagnostic, accept a completion, see it rendered.

CI needs ``apt-get install -y chromium`` and the ``playwright`` Python package; the test
never runs ``playwright install`` and skips, saying so, when either is missing.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from lsp_client import ARTIFACTS
from waiting import SAFETY_S

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
STATIC = Path(__file__).resolve().parents[2] / "server" / "playground" / "static"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not Path(CHROMIUM).is_file(),
        reason="needs Debian's chromium: apt-get update && apt-get install -y chromium",
    ),
    pytest.mark.skipif(not (STATIC / "index.html").is_file(), reason="playground not built"),
]


def test_type_check_complete_and_render(playground: str) -> None:
    sync_api = pytest.importorskip("playwright.sync_api", reason="needs pip install playwright")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 760})
            # Every wait below is for an event on the page; the timeout only stops a hang.
            page.set_default_timeout(SAFETY_S * 1000)
            sync_api.expect.set_options(timeout=SAFETY_S * 1000)
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(playground)
            page.wait_for_selector("#status.ready")
            editor = page.locator(".cm-content")
            editor.click()
            page.keyboard.press("Control+A")
            page.keyboard.press("Delete")
            keyboard = page.keyboard
            keyboard.type("scalar H (1, 2, 1/2)", delay=10)
            keyboard.press("Escape")  # close any completion popup before Enter
            keyboard.press("Enter")
            keyboard.type("L = - m2 H^dagger H H", delay=10)
            keyboard.press("Escape")

            diagnostics = page.locator("#diagnostics")
            sync_api.expect(diagnostics).to_contain_text("hypercharge")
            sync_api.expect(page.locator(".cm-lintRange-error").first).to_be_visible()

            keyboard.press("Backspace")
            keyboard.press("Backspace")
            sync_api.expect(page.locator("#diagnostics-summary")).to_have_text(
                "No problems", timeout=20_000
            )
            keyboard.type(" ")
            keyboard.press("Control+Space")
            option = page.locator(".cm-tooltip-autocomplete li", has_text="(H^dagger H)^2")
            option.first.click(timeout=20_000)
            sync_api.expect(editor).to_contain_text("(H^dagger H)^2")

            sync_api.expect(page.locator("#document-count")).to_have_text("2 terms")
            sync_api.expect(page.locator("#document-math .katex")).to_contain_text("λ")
            sync_api.expect(page.locator("#fields")).to_contain_text("scalar (1, 2, 1/2)")
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "playground.png"), full_page=True)
            assert errors == []
        finally:
            browser.close()
