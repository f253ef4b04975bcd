"""Shared set-up for real-browser tests: Playwright driving Debian's Chromium.

Tests marked ``browser`` skip when no Chromium is installed, unless JINGZHUN_REQUIRE_BROWSER=1 (CI),
where a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM_CANDIDATES = [
    os.environ.get("JINGZHUN_CHROMIUM", ""),
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
]
ARTIFACTS = Path(
    os.environ.get("JINGZHUN_TEST_ARTIFACTS", Path(__file__).resolve().parent.parent / "test-artifacts")
)


def chromium_path() -> str | None:
    for candidate in CHROMIUM_CANDIDATES:
        if candidate and Path(candidate).exists():
            return candidate
    found = shutil.which("chromium")
    return found


@pytest.fixture
def browser_page(live_server):
    path = chromium_path()
    if path is None:
        if os.environ.get("JINGZHUN_REQUIRE_BROWSER") == "1":
            pytest.fail("JINGZHUN_REQUIRE_BROWSER=1 but Chromium is not installed")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; the ORM calls made by the test itself are
    # still synchronous, so Django's async-safety guard is relaxed for browser tests only.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=path,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.base_url = live_server.url
        try:
            yield page
        finally:
            context.close()
            browser.close()
            _close_loop_connections()


def _close_loop_connections() -> None:
    """Close the database connections the test opened while Playwright's event loop was running.

    Django keeps connections in an asgiref ``Local``; with a running event loop that storage is a context
    variable, not the thread's own, so ORM calls in a browser test open a second connection that the
    test database teardown never sees (PostgreSQL then refuses to drop the database: "being accessed by
    other users"). Called while the loop still runs, ``close_all`` reaches exactly those connections."""
    from django.db import connections

    connections.close_all()


def login(page, username: str, password: str) -> None:
    page.goto(page.base_url + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    target = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(target), full_page=True)
    return target


def submit(page, target) -> None:
    """Click a form's submit button and wait for the page it leads to, for forms whose result page has the
    same landmarks as the form page (waiting for a selector there could return before the post is done)."""
    locator = page.locator(target) if isinstance(target, str) else target
    with page.expect_navigation():
        locator.click()
