"""The Stand-up page in headless Chromium, against a live API, compared with GET /api/digest.

A generated portfolio (8 accounts) is ingested and analyzed, a leader key typed into the
page. Screenshots go to test-artifacts/web/.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from web_browser import WAIT_S, LiveApi, browser_missing, served, signed_in

from stakegraph.analytics.run import analyze
from stakegraph.api.app import create_app
from stakegraph.api.keys import KeyRing, Role
from stakegraph.api.settings import ApiSettings
from stakegraph.generate import generate_portfolio
from stakegraph.graph.store import GraphStore
from stakegraph.ingest import import_directory

if (_missing := browser_missing()) is not None:
    pytest.skip(_missing, allow_module_level=True)

from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.wait import WebDriverWait

pytestmark = pytest.mark.store

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "web"
CHANGE_LABELS = {
    "tier_worsened": "Tier worsened",
    "signal_raised": "Signal raised",
    "stakeholder_quiet": "Stakeholder gone quiet",
    "renewal_window": "Renewal in window",
    "tier_improved": "Tier improved",
    "signal_cleared": "Signal cleared",
}


@pytest.fixture(scope="module")
def live_api(store: GraphStore, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApi]:
    store.driver.execute_query("MATCH (n) DETACH DELETE n", database_=store.database)
    store.ensure_schema()
    files = tmp_path_factory.mktemp("standup-portfolio")
    generate_portfolio(files, accounts=8, seed=5)
    import_directory(store, files, rejects_dir=tmp_path_factory.mktemp("standup-rejects"))
    analyze(store)
    home = tmp_path_factory.mktemp("standup-home")
    key = KeyRing(home / "keys.json").create(Role.LEADER, label="browser tests")
    app = create_app(store, settings=ApiSettings(STAKEGRAPH_HOME=home, STAKEGRAPH_READ_MODEL=False))
    with served(app, key, "standup-test-api") as live:
        yield live


@pytest.fixture(scope="module")
def browser(live_api: LiveApi) -> Iterator[webdriver.Chrome]:
    with signed_in(live_api) as driver:
        yield driver


def test_the_page_shows_the_apis_digest(browser: webdriver.Chrome, live_api: LiveApi) -> None:
    open_standup(browser, live_api)
    answer = live_api.get("/api/digest")
    assert shown_rows(browser) == expected_rows(answer)
    summary = browser.find_element(By.ID, "digest-summary").text
    assert f"{answer['count']} changes" in summary


def test_since_a_date_lists_the_changes_in_the_apis_order(
    browser: webdriver.Chrome, live_api: LiveApi
) -> None:
    open_standup(browser, live_api)
    analyzed = date.fromisoformat(live_api.get("/api/digest")["analyzed_at"])
    since = (analyzed - timedelta(days=120)).isoformat()
    answer = live_api.get("/api/digest", since=since)
    assert answer["count"] > 0, "a generated portfolio changes over four months"
    browser.execute_script(f"document.getElementById('digest-since').value = '{since}'")
    browser.execute_script("delete document.getElementById('view').dataset.ready")
    browser.find_element(By.ID, "digest-submit").click()
    wait_js(browser, "document.getElementById('view').dataset.ready === 'standup'")
    rows = shown_rows(browser)
    assert rows == expected_rows(answer)
    owners = browser.execute_script(
        "return [...document.querySelectorAll('h2.owner')].map((e) => e.textContent)"
    )
    assert owners == list(dict.fromkeys(owner_label(i) for i in answer["items"]))
    cards = browser.find_element(By.ID, "digest-cards").text
    raised = sum(1 for i in answer["items"] if i["change"] == "signal_raised")
    assert f"{raised}\nSignal raised" in cards
    screenshot(browser, "standup")


def test_no_script_errors_in_the_console(browser: webdriver.Chrome) -> None:
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []


def open_standup(browser: webdriver.Chrome, live_api: LiveApi) -> None:
    browser.get("about:blank")
    browser.get(f"{live_api.base_url}/app/#/standup")
    wait_js(browser, "document.getElementById('view').dataset.ready === 'standup'")


def shown_rows(browser: webdriver.Chrome) -> list[tuple[str, str, str]]:
    rows: list[list[str]] = browser.execute_script(
        "return [...document.querySelectorAll('table.digest-items tbody tr')]"
        ".map((tr) => [tr.cells[0].textContent, tr.cells[3].textContent,"
        " tr.cells[6].textContent]);"
    )
    return [(a, b, c) for a, b, c in rows]


def expected_rows(answer: dict[str, Any]) -> list[tuple[str, str, str]]:
    """The API's items in the page's order: grouped by owner, owners by first item."""
    owners: dict[str, list[dict[str, Any]]] = {}
    for item in answer["items"]:
        owners.setdefault(owner_label(item), []).append(item)
    return [
        (i["account_name"], CHANGE_LABELS[i["change"]], words(i["play"]))
        for items in owners.values()
        for i in items
    ]


def owner_label(item: dict[str, Any]) -> str:
    if item["owner_id"] is None:
        return "(no owner)"
    name = item["owner_name"]
    return f"{name} ({item['owner_id']})" if name else str(item["owner_id"])


def words(play: str | None) -> str:
    if not play:
        return "\u2013"  # the page shows an en dash
    text = play.replace("_", " ")
    return text[0].upper() + text[1:]


def wait_js(browser: webdriver.Chrome, condition: str) -> None:
    WebDriverWait(browser, WAIT_S, poll_frequency=0.1).until(
        lambda d: d.execute_script(f"return Boolean({condition})"),
        message=f"timed out waiting for: {condition}",
    )


def screenshot(browser: webdriver.Chrome, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / f"{name}.png"))
