"""Helpers of the browser tests: `integrity-bot web` as a real process, Debian's Chromium via selenium.

No browser is downloaded: selenium drives /usr/bin/chromium through /usr/bin/chromedriver, both
from Debian's packages (`.ci/run` installs them). Outside CI the tests are skipped without them.
"""

from __future__ import annotations

import os
import re
import selectors
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
WAIT_S = 30.0  # a deadline for a slow shared machine, not a timing assertion
BOT = Path(sys.executable).with_name("integrity-bot")


def need_chromium() -> None:
    if CHROMIUM.exists() and CHROMEDRIVER.exists():
        return
    if os.environ.get("CI"):
        pytest.fail("Chromium missing in CI: .ci/run must install the chromium and chromium-driver packages")
    pytest.skip("Chromium not installed (apt-get install chromium chromium-driver)")


@contextmanager
def web_process(db_url: str, **env: str) -> Iterator[str]:
    """`integrity-bot web --port 0` on the database, without any encryption key; yields its URL."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("INTEGRITY_")}
    environ.update(INTEGRITY_DATABASE_URL=db_url, **env)
    proc = subprocess.Popen([str(BOT), "web", "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=environ)
    try:
        assert proc.stdout is not None
        sel = selectors.DefaultSelector()
        sel.register(proc.stdout, selectors.EVENT_READ)
        line = ""
        if sel.select(timeout=WAIT_S):
            line = proc.stdout.readline()
        found = re.search(r"(http://127\.0\.0\.1:\d+)/", line)
        if not found:
            proc.kill()
            raise AssertionError(f"web did not start: {line!r} {proc.stderr.read() if proc.stderr else ''}")
        yield found.group(1)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=WAIT_S)
        except subprocess.TimeoutExpired:
            proc.kill()


def chromium(download_dir: Path):  # type: ignore[no-untyped-def]
    """A headless Chromium of Debian's package, quiet: no background traffic, no updates, no sync."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                "--disable-default-apps", "--disable-extensions", "--window-size=1100,1400"):
        options.add_argument(arg)
    options.add_experimental_option("prefs", {"download.default_directory": str(download_dir),
                                              "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(download_dir)})
    return driver


def until(check, what: str):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for: {what}")


def login_link(text: str) -> str:
    found = re.search(r"http://\S+/login/[A-Za-z0-9_-]+", text)
    assert found, f"no login link in {text!r}"
    return found.group(0)


def log_in(driver, link: str) -> None:  # type: ignore[no-untyped-def]
    """Open the link from the chat and press the login button, as the coordinator does."""
    from selenium.webdriver.common.by import By

    driver.get(link)
    driver.find_element(By.ID, "login").click()
    until(lambda: driver.current_url.split("?")[0].endswith("/jaarverslag"), "the annual report after login")


def table(driver, section: str) -> dict[tuple[str, str], str]:  # type: ignore[no-untyped-def]
    """{(category key, series): shown count} of a section's table."""
    from selenium.webdriver.common.by import By

    cells = driver.find_elements(By.CSS_SELECTOR, f'table[data-section="{section}"] td[data-key]')
    return {(c.get_attribute("data-key"), c.get_attribute("data-series")): c.text for c in cells}


def chart(driver, section: str) -> dict[tuple[str, str], str]:  # type: ignore[no-untyped-def]
    """{(category key, series): number at the bar} of a section's chart (read from the DOM: it is
    hidden from screen readers, who get the table)."""
    from selenium.webdriver.common.by import By

    nums = driver.find_elements(By.CSS_SELECTOR, f'figure[data-section="{section}"] .num')
    return {(n.get_attribute("data-key"), n.get_attribute("data-series")): n.get_attribute("textContent")
            for n in nums}
