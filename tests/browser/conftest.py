"""Browser journeys: Playwright driving Debian's Chromium, with an axe-core check per page."""

import json
import os
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Journey:
    """One user's visit: a page, the live server, and the checks made on every page."""

    def __init__(self, page: Page, base_url: str):
        self.page = page
        self.base_url = base_url
        self.csp_violations: list[str] = []
        self.checked: list[str] = []
        self._axe = Axe()
        page.on("console", self._on_console)

    def _on_console(self, message):
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.csp_violations.append(message.text)

    def open(self, path: str):
        self.page.goto(self.base_url + path)
        return self.page

    def path(self) -> str:
        return re.sub(r"^https?://[^/]+", "", self.page.url)

    def check_accessibility(self):
        """axe-core, WCAG 2.1 A and AA: no violation on the page as it is now."""
        results = self._axe.run(
            self.page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}}
        )
        violations = [
            {
                "rule": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "nodes": [n["target"] for n in v["nodes"]][:5],
            }
            for v in results.response["violations"]
        ]
        assert not violations, f"{self.path()}: " + json.dumps(violations, ensure_ascii=False)
        assert not self.csp_violations, f"{self.path()}: {self.csp_violations}"
        self.checked.append(self.path())

    def sign_in(self, username: str, password: str):
        self.open("/accounts/login/")
        self.page.get_by_label(re.compile("ユーザー名|User name")).fill(username)
        self.page.get_by_label(re.compile("パスワード|Password")).fill(password)
        self.page.get_by_role("button", name=re.compile("^(ログイン|Sign in)$")).click()


@pytest.fixture
def journey(browser, live_server):
    context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield Journey(page, live_server.url)
    context.close()
