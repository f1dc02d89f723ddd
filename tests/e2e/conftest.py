"""Fixtures for the browser tests: one JupyterLab server and one headless Chromium per session.

Without Chromium or Playwright the tests skip, with the reason, except in CI (CI=true), where
they fail: CI must run them.
"""
import pytest

from lab_harness import LabServer, in_ci, launch_chromium, missing_browser_requirement


@pytest.fixture(scope="session")
def browser_requirements():
    reason = missing_browser_requirement()
    if reason is not None:
        if in_ci():
            pytest.fail(f"CI=true, so the browser tests must run, but: {reason}", pytrace=False)
        pytest.skip(f"browser tests skipped (set CI=true to make this a failure): {reason}")


@pytest.fixture(scope="session")
def lab_server(browser_requirements):
    with LabServer() as server:
        yield server


@pytest.fixture(scope="session")
def browser(browser_requirements):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        try:
            yield chromium
        finally:
            chromium.close()
