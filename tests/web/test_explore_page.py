"""The Explore page (analysts) in headless Chromium, against a live API.

A small generated portfolio (8 accounts) is ingested and analyzed, the API served by uvicorn
with an analyst key, and the page driven through Selenium. What the page shows is compared
with the API's own answers. Screenshots go to test-artifacts/web/.
"""

from __future__ import annotations

import csv
import time
from collections.abc import Iterator
from datetime import UTC, datetime
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


@pytest.fixture(scope="module")
def live_api(store: GraphStore, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApi]:
    store.driver.execute_query("MATCH (n) DETACH DELETE n", database_=store.database)
    store.ensure_schema()
    files = tmp_path_factory.mktemp("explore-portfolio")
    generate_portfolio(files, accounts=8, seed=5)
    import_directory(store, files, rejects_dir=tmp_path_factory.mktemp("explore-rejects"))
    analyze(store)
    home = tmp_path_factory.mktemp("explore-home")
    key = KeyRing(home / "keys.json").create(Role.ANALYST, label="browser tests")
    app = create_app(store, settings=ApiSettings(STAKEGRAPH_HOME=home, STAKEGRAPH_READ_MODEL=False))
    with served(app, key, "explore-test-api") as live:
        yield live


@pytest.fixture(scope="module")
def downloads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def browser(live_api: LiveApi, downloads: Path) -> Iterator[webdriver.Chrome]:
    with signed_in(
        live_api,
        {"download.default_directory": str(downloads), "download.prompt_for_download": False},
    ) as driver:
        yield driver


def test_the_list_holds_every_exploration(browser: webdriver.Chrome, live_api: LiveApi) -> None:
    open_explore(browser, live_api, "")
    listed = [
        a.get_attribute("data-exploration")
        for a in browser.find_elements(By.CSS_SELECTOR, ".explore-list a")
    ]
    expected = [e["name"] for e in live_api.client.get("/api/explore").json()["data"]]
    assert listed == [*expected, "free-query"]


def test_an_exploration_runs_from_its_form_with_dates_as_dates(
    browser: webdriver.Chrome, live_api: LiveApi
) -> None:
    open_explore(browser, live_api, "/tier_overview")
    run_and_wait(browser)
    answer = live_api.post("/api/explore/tier_overview", {"limit": 100})
    assert answer["count"] > 0
    assert _numbers_match(table_rows(browser), answer)
    # A date parameter from the form; epoch seconds in an instant column shown as a date.
    open_explore(browser, live_api, "/signals_by_month")
    since = browser.find_element(By.ID, "param-since")
    browser.execute_script("arguments[0].value = '2024-01-01'", since)
    run_and_wait(browser)
    answer = live_api.post(
        "/api/explore/signals_by_month", {"parameters": {"since": "2024-01-01"}, "limit": 100}
    )
    rows = table_rows(browser)
    assert len(rows) == answer["count"] > 0
    assert [r[0] for r in rows] == [row["month"] for row in answer["rows"]]  # YYYY-MM-DD
    stray_text = browser.execute_script(
        "return [...document.getElementById('explore-results').childNodes]"
        ".filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.textContent);"
    )
    assert stray_text == []
    screenshot(browser, "explore-exploration")


def test_columns_sort_with_instants_in_time_order(
    browser: webdriver.Chrome, live_api: LiveApi
) -> None:
    query = (
        "MATCH (a:Account) RETURN a.id AS id, a.renewal_epoch AS renewal_at, a.arr AS arr "
        "ORDER BY id"
    )
    run_free_query(browser, live_api, query)
    answer = live_api.post("/api/cypher", {"query": query, "limit": 100})
    shown = table_rows(browser)
    assert [r[1] for r in shown] == [_day(row["renewal_at"]) for row in answer["rows"]]
    browser.find_element(By.CSS_SELECTOR, '[data-sort="renewal_at"]').click()
    browser.find_element(By.CSS_SELECTOR, '[data-sort="renewal_at"]').click()  # descending
    renewals = sorted(
        (row for row in answer["rows"] if row["renewal_at"] is not None),
        key=lambda row: -row["renewal_at"],
    )
    assert [r[0] for r in table_rows(browser)][: len(renewals)] == [row["id"] for row in renewals]
    browser.find_element(By.CSS_SELECTOR, '[data-sort="arr"]').click()
    arrs = [float(r[2]) for r in table_rows(browser) if r[2]]
    assert arrs == sorted(arrs)


def test_a_write_is_refused_on_the_page(browser: webdriver.Chrome, live_api: LiveApi) -> None:
    run_free_query(browser, live_api, "MATCH (a:Account) DETACH DELETE a", ready="error")
    assert "read-only" in browser.find_element(By.ID, "explore-results").text
    count = live_api.post("/api/cypher", {"query": "MATCH (a:Account) RETURN count(a) AS n"})
    assert count["rows"] == [{"n": 8}]


def test_relationships_in_the_result_are_drawn_as_a_graph(
    browser: webdriver.Chrome, live_api: LiveApi
) -> None:
    accounts = live_api.post(
        "/api/cypher",
        {"query": "MATCH (a:Account) RETURN a.id AS id, size(a.tie_targets) AS n ORDER BY n DESC"},
    )["rows"]
    account_id = accounts[0]["id"]
    open_explore(browser, live_api, "/account_ties")
    browser.find_element(By.ID, "param-account_id").send_keys(account_id)
    run_and_wait(browser)
    answer = live_api.post(
        "/api/explore/account_ties", {"parameters": {"account_id": account_id}, "limit": 100}
    )
    assert answer["count"] > 0
    wait_js(browser, "window.stakegraph.explore.cy")
    nodes, edges = browser.execute_script(
        "const cy = window.stakegraph.explore.cy;"
        "return [cy.nodes().map((n) => n.id()).sort(), cy.edges().length];"
    )
    people = {row["person_a"] for row in answer["rows"]} | {r["person_b"] for r in answer["rows"]}
    assert sorted(nodes) == sorted(people)
    assert edges == answer["count"]  # one TIE per pair
    screenshot(browser, "explore-graph")


def test_csv_download_holds_the_table(
    browser: webdriver.Chrome, live_api: LiveApi, downloads: Path
) -> None:
    open_explore(browser, live_api, "/owner_books")
    run_and_wait(browser)
    browser.find_element(By.ID, "download-csv").click()
    target = downloads / "account-owners-books.csv"
    deadline = time.monotonic() + WAIT_S
    while not target.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    with target.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    answer = live_api.post("/api/explore/owner_books", {"limit": 100})
    assert rows[0] == answer["columns"]
    assert [r[0] for r in rows[1:]] == [row["owner_id"] or "" for row in answer["rows"]]
    assert [float(r[3]) for r in rows[1:]] == [row["arr"] for row in answer["rows"]]


def test_csv_download_keeps_formulas_out_of_spreadsheets(
    browser: webdriver.Chrome, live_api: LiveApi, downloads: Path
) -> None:
    """Text a sender controls (a display name, a subject) must not run as a formula when the
    download is opened in a spreadsheet; numbers, negative ones included, stay numbers."""
    query = (
        "RETURN '=HYPERLINK(\"http://x.test\")' AS name, '+1 555' AS phone, '-sum' AS dash, "
        "'@ceo' AS handle, 'plain, text' AS note, -5 AS delta, 2.5 AS arr"
    )
    run_free_query(browser, live_api, query)
    target = downloads / "free-query.csv"
    target.unlink(missing_ok=True)
    browser.find_element(By.ID, "download-csv").click()
    deadline = time.monotonic() + WAIT_S
    while not target.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    with target.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows == [
        ["name", "phone", "dash", "handle", "note", "delta", "arr"],
        ['\'=HYPERLINK("http://x.test")', "'+1 555", "'-sum", "'@ceo", "plain, text", "-5", "2.5"],
    ]


def test_no_script_errors_in_the_console(browser: webdriver.Chrome) -> None:
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    # The refused write's 400 is logged by the browser as a failed request; nothing else.
    assert [e for e in errors if "/api/cypher" not in e["message"]] == []


# --- helpers -----------------------------------------------------------------------------------


def open_explore(browser: webdriver.Chrome, live_api: LiveApi, path: str) -> None:
    browser.get("about:blank")
    browser.get(f"{live_api.base_url}/app/#/explore{path}")
    wait_js(browser, "document.getElementById('view').dataset.ready === 'explore'")


def run_free_query(
    browser: webdriver.Chrome, live_api: LiveApi, query: str, ready: str = "result"
) -> None:
    """Type ``query`` into the free query's editor and run it."""
    open_explore(browser, live_api, "/free-query")
    editor = browser.find_element(By.ID, "free-query")
    editor.clear()
    editor.send_keys(query)
    run_and_wait(browser, ready=ready)


def run_and_wait(browser: webdriver.Chrome, ready: str = "result") -> None:
    browser.find_element(By.ID, "run").click()
    wait_js(browser, f"document.getElementById('explore-results').dataset.ready === '{ready}'")


def wait_js(browser: webdriver.Chrome, condition: str) -> None:
    WebDriverWait(browser, WAIT_S, poll_frequency=0.1).until(
        lambda d: d.execute_script(f"return Boolean({condition})"),
        message=f"timed out waiting for: {condition}",
    )


def table_rows(browser: webdriver.Chrome) -> list[list[str]]:
    rows: list[list[str]] = browser.execute_script(
        "return [...document.querySelectorAll('#result-table tbody tr')]"
        ".map((tr) => [...tr.cells].map((td) => td.textContent));"
    )
    return rows


def screenshot(browser: webdriver.Chrome, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / f"{name}.png"))


def _day(epoch: int | None) -> str:
    return "" if epoch is None else datetime.fromtimestamp(epoch, UTC).date().isoformat()


def _numbers_match(shown: list[list[str]], answer: dict[str, Any]) -> bool:
    """Cells equal the API's values (numbers compared as numbers)."""
    if len(shown) != answer["count"]:
        return False
    for cells, row in zip(shown, answer["rows"], strict=True):
        for cell, column in zip(cells, answer["columns"], strict=True):
            value = row[column]
            if value is None:
                if cell != "":
                    return False
            elif isinstance(value, (int, float)):
                if abs(float(cell) - value) > 1e-9:
                    return False
            elif cell != str(value):
                return False
    return True
