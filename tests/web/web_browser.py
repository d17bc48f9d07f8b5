"""Where the browser tests find Chromium, whether they must run, and why they cannot; and
the live API and signed-in browser the page tests share."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from stakegraph.api.connections import ConnectionLimits, guarded_protocol
from stakegraph.api.settings import ApiSettings

# Overridable so that the "browser missing" path itself can be tested.
CHROMIUM = Path(os.environ.get("STAKEGRAPH_CHROMIUM", "/usr/bin/chromium"))
CHROMEDRIVER = Path(os.environ.get("STAKEGRAPH_CHROMEDRIVER", "/usr/bin/chromedriver"))
TRUE = ("1", "true", "yes")


def browser_required() -> bool:
    """True where a missing browser is a failure, not a skip: in CI (``CI=true``, as
    ``.ci/run`` runs) or with ``STAKEGRAPH_REQUIRE_BROWSER=1``."""
    return any(
        os.environ.get(name, "").strip().lower() in TRUE
        for name in ("CI", "STAKEGRAPH_REQUIRE_BROWSER")
    )


def browser_missing() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    missing = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not path.exists()]
    if not missing:
        return None
    return (
        f"web app browser tests NOT RUN: {', '.join(missing)} absent "
        "(apt-get install -y chromium chromium-driver)"
    )


# What the page tests share: the API served by uvicorn in a thread, and a headless
# Chromium signed in with a key as a user would type it into the page's dialog.
WAIT_S = 60
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1440,1000",
)


@dataclass(frozen=True)
class LiveApi:
    base_url: str
    key: str
    client: httpx.Client

    def get(self, path: str, **params: Any) -> Any:
        response = self.client.get(path, params=params)
        response.raise_for_status()
        return response.json()

    def post(self, path: str, body: dict[str, Any]) -> Any:
        response = self.client.post(path, json=body)
        response.raise_for_status()
        return response.json()


@contextmanager
def served(app: Any, key: str, name: str) -> Iterator[LiveApi]:
    """``app`` on a free loopback port for the length of the block, with a client for ``key``."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # The connection limits of `stakegraph serve`, so the browser meets what users meet.
    protocol = guarded_protocol(ConnectionLimits.from_settings(ApiSettings()))
    config = uvicorn.Config(app, host="127.0.0.1", port=port, http=protocol, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=name, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the API did not start")
        time.sleep(0.05)
    base_url = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base_url, headers={"X-API-Key": key}, timeout=60) as client:
            yield LiveApi(base_url, key, client)
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@contextmanager
def signed_in(live_api: LiveApi, prefs: dict[str, Any] | None = None) -> Iterator[Any]:
    """A headless Chromium on the web app, its key typed into the page's dialog."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.wait import WebDriverWait

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in CHROMIUM_ARGS:
        options.add_argument(argument)
    if prefs:
        options.add_experimental_option("prefs", prefs)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        driver.get(f"{live_api.base_url}/app/")
        field = WebDriverWait(driver, WAIT_S).until(lambda d: d.find_element(By.ID, "key-input"))
        field.send_keys(live_api.key)
        driver.find_element(By.ID, "key-save").click()
        yield driver
    finally:
        driver.quit()
