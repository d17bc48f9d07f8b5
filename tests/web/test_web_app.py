"""The web app (stakegraph/api/static) in headless Chromium, against a live API.

A 20-account generated portfolio is ingested and analyzed into the session's store, served by
uvicorn on a free loopback port, and driven through Selenium with /usr/bin/chromedriver.
Numbers on the page are compared with the API's own answers. Screenshots go to
test-artifacts/web/ (look at them: docs/web.md).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from web_browser import (
    WAIT_S,
    LiveApi,
    browser_missing,
    browser_required,
    served,
    signed_in,
)

from stakegraph.analytics.run import analyze
from stakegraph.api.app import create_app
from stakegraph.api.keys import KeyRing, Role
from stakegraph.api.settings import ApiSettings
from stakegraph.generate import generate_portfolio
from stakegraph.graph.store import GraphStore
from stakegraph.ingest import import_directory

if (_missing := browser_missing()) is not None:
    if browser_required():  # CI must not go green with the web app untested
        pytest.fail(f"{_missing}; a browser is required here (CI=true)", pytrace=False)
    pytest.skip(_missing, allow_module_level=True)

# Selenium only once we know there is a browser to drive.
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.wait import WebDriverWait

pytestmark = pytest.mark.store

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "web"
ACCOUNTS = 20
SEED = 7


@pytest.fixture(scope="module")
def analyzed_store(store: GraphStore, tmp_path_factory: pytest.TempPathFactory) -> GraphStore:
    """The session's store holding only a generated, ingested and analyzed portfolio."""
    store.driver.execute_query("MATCH (n) DETACH DELETE n", database_=store.database)
    store.ensure_schema()
    files = tmp_path_factory.mktemp("web-portfolio")
    generate_portfolio(files, accounts=ACCOUNTS, seed=SEED)
    import_directory(store, files, rejects_dir=tmp_path_factory.mktemp("web-rejects"))
    analyze(store)
    return store


@pytest.fixture(scope="module")
def live_api(
    analyzed_store: GraphStore, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveApi]:
    """The API (with the web app at /app/) served by uvicorn in a thread, and a leader's key."""
    home = tmp_path_factory.mktemp("web-home")
    key = KeyRing(home / "keys.json").create(Role.LEADER, label="browser tests")
    app = create_app(analyzed_store, settings=ApiSettings(STAKEGRAPH_HOME=home))
    with served(app, key, "web-test-api") as live:
        yield live


@pytest.fixture(scope="module")
def browser(live_api: LiveApi) -> Iterator[webdriver.Chrome]:
    with signed_in(live_api) as driver:
        yield driver


@pytest.fixture(scope="module")
def account(live_api: LiveApi) -> dict[str, Any]:
    """The account the map tests open: of those with a warm path among their suggestions,
    the one with the most ties on its map."""
    best: tuple[int, int, str] | None = None
    for item in live_api.get("/api/accounts", limit=500)["data"]:
        suggestions = live_api.get(f"/api/accounts/{item['id']}/suggestions")["data"]
        if not any(s["path"] for s in suggestions):
            continue
        ties = len(live_api.get(f"/api/accounts/{item['id']}/map")["edges"])
        candidate = (ties, len(suggestions), item["id"])
        if best is None or candidate > best:
            best = candidate
    assert best is not None, "the generated portfolio has no warm path at all"
    detail: dict[str, Any] = live_api.get(f"/api/accounts/{best[2]}")
    return detail


# --- the portfolio ---------------------------------------------------------------------------


def test_portfolio_lists_every_account(browser: webdriver.Chrome, live_api: LiveApi) -> None:
    open_view(browser, live_api, "#/", "portfolio")
    expected = live_api.get("/api/accounts", limit=500)
    rows = browser.find_elements(By.CSS_SELECTOR, "#portfolio-table tbody tr")
    assert len(rows) == expected["count"] == ACCOUNTS
    # Default order: riskiest first, as the API sorts.
    assert [r.get_attribute("data-account-id") for r in rows][:5] == [
        a["id"] for a in expected["data"][:5]
    ]
    screenshot(browser, "portfolio")


def test_portfolio_sorts_and_filters(browser: webdriver.Chrome, live_api: LiveApi) -> None:
    open_view(browser, live_api, "#/", "portfolio")
    browser.find_element(By.CSS_SELECTOR, "button.sort[data-sort='name']").click()
    names = [
        r.find_element(By.CSS_SELECTOR, "th a").text
        for r in browser.find_elements(By.CSS_SELECTOR, "#portfolio-table tbody tr")
    ]
    assert names == sorted(names, key=str.lower)
    header = browser.find_element(By.XPATH, "//button[@data-sort='name']/ancestor::th")
    assert header.get_attribute("aria-sort") == "ascending"

    tier = 3
    expected = live_api.get("/api/accounts", tier=tier, limit=500)["count"]
    browser.find_element(By.CSS_SELECTOR, f"#filter-tier option[value='{tier}']").click()
    rows = browser.find_elements(By.CSS_SELECTOR, "#portfolio-table tbody tr")
    assert len(rows) == expected
    browser.find_element(By.CSS_SELECTOR, "#filter-tier option[value='']").click()


def test_enter_on_a_focused_row_opens_the_account(
    browser: webdriver.Chrome, live_api: LiveApi
) -> None:
    open_view(browser, live_api, "#/", "portfolio")
    row = browser.find_element(By.CSS_SELECTOR, "#portfolio-table tbody tr")
    account_id = row.get_attribute("data-account-id")
    row.send_keys(Keys.ENTER)
    wait_js(browser, "document.getElementById('view').dataset.ready === 'account'")
    assert browser.execute_script("return location.hash") == f"#/accounts/{account_id}"


# --- the account page ------------------------------------------------------------------------


def test_account_map_matches_the_api(
    browser: webdriver.Chrome, live_api: LiveApi, account: dict[str, Any]
) -> None:
    open_view(browser, live_api, "#/", "portfolio")
    browser.find_element(
        By.CSS_SELECTOR, f"#portfolio-table tr[data-account-id='{account['id']}']"
    ).click()
    wait_js(browser, "document.getElementById('view').dataset.ready === 'account'")
    expected = live_api.get(f"/api/accounts/{account['id']}/map")
    assert map_counts(browser) == (len(expected["nodes"]), len(expected["edges"]))
    assert browser.find_element(By.ID, "cy").get_attribute("data-as-of") == expected["as_of"]
    # The org chart: one dotted line per reporting line, from the report to the manager.
    drawn_lines = browser.execute_script(
        "return window.stakegraph.map.cy.edges('.reports')"
        ".map((e) => [e.source().id(), e.target().id()]).sort()"
    )
    assert drawn_lines == sorted([r["report"], r["manager"]] for r in expected["reporting_lines"])
    assert expected["reporting_lines"], "the generated account has an org chart to draw"
    # Both sides are drawn, and drawn differently.
    ours = browser.execute_script("return window.stakegraph.map.cy.nodes('.person.ours').length")
    assert ours == sum(1 for n in expected["nodes"] if n["is_ours"])
    # The table alternative holds the same people and ties.
    assert len(browser.find_elements(By.CSS_SELECTOR, "#people-table tbody tr")) == len(
        expected["nodes"]
    )
    assert len(browser.find_elements(By.CSS_SELECTOR, "#ties-table tbody tr")) == len(
        expected["edges"]
    )
    # One timeline per question, drawn by uPlot.
    assert len(browser.find_elements(By.CSS_SELECTOR, "#timelines .uplot")) == 4
    # The coverage the generated export declares: the whole history, every kind.
    [span] = live_api.get(f"/api/accounts/{account['id']}")["data_coverage"]
    data = browser.find_element(By.XPATH, "//ul[@class='facts']/li[span='Data']").text
    between = "\N{EN DASH}"  # as the page writes a span
    shown = f"{span['source']}: {span['start']} {between} {span['end']}"
    assert data.removeprefix("Data").strip() == shown
    screenshot(browser, "account-map")


def test_slider_redraws_the_map_as_of_that_week(
    browser: webdriver.Chrome, live_api: LiveApi, account: dict[str, Any]
) -> None:
    open_view(browser, live_api, f"#/accounts/{account['id']}", "account")
    weeks = [_day_before(end) for end in account["timeline"]["window_end"]]
    latest = live_api.get(f"/api/accounts/{account['id']}/map", as_of=weeks[-1])
    # The most recent earlier week whose map differs from the latest one.
    steps, earlier = next(
        (step, answer)
        for step in range(4, len(weeks), 4)
        if _signature(
            answer := live_api.get(f"/api/accounts/{account['id']}/map", as_of=weeks[-1 - step])
        )
        != _signature(latest)
    )
    slider = browser.find_element(By.ID, "as-of")
    for _ in range(steps):
        slider.send_keys(Keys.ARROW_LEFT)
    wait_js(browser, f"document.getElementById('cy').dataset.asOf === '{weeks[-1 - steps]}'")
    assert browser.find_element(By.ID, "as-of-output").text == weeks[-1 - steps]
    assert map_counts(browser) == (len(earlier["nodes"]), len(earlier["edges"]))
    drawn = browser.execute_script(
        "return window.stakegraph.map.cy.nodes('.person').map((n) => n.id()).sort()"
    )
    assert drawn == sorted(n["id"] for n in earlier["nodes"])
    screenshot(browser, "account-map-earlier-week")


def test_clicking_a_suggestion_highlights_its_warm_path(
    browser: webdriver.Chrome, live_api: LiveApi, account: dict[str, Any]
) -> None:
    open_view(browser, live_api, f"#/accounts/{account['id']}", "account")
    suggestions = live_api.get(f"/api/accounts/{account['id']}/suggestions")["data"]
    rendered = browser.find_elements(By.CSS_SELECTOR, "#suggestions li.suggestion")
    assert len(rendered) == len(suggestions)
    index, suggestion = max(
        ((i, s) for i, s in enumerate(suggestions) if s["hops"]), key=lambda p: len(p[1]["hops"])
    )
    item = rendered[index]
    # Each hop listed in words: who introduces whom, the kind, the strength and evidence.
    listed = item.find_elements(By.CSS_SELECTOR, "ol.hops li")
    assert len(listed) == len(suggestion["hops"])
    assert suggestion["hops"][0]["from"]["name"] in listed[0].text
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", item)
    item.click()
    assert item.get_attribute("aria-pressed") == "true"

    on_path = {suggestion["stakeholder"]["id"]} | {
        person["id"] for hop in suggestion["hops"] for person in (hop["from"], hop["to"])
    }
    classes = browser.execute_script(
        """const cy = window.stakegraph.map.cy;
        return {
          pathNodes: cy.nodes('.path-node').map((n) => n.id()).sort(),
          pathEdges: cy.edges('.path-edge').map((e) => [e.source().id(), e.target().id()]),
          target: cy.nodes('.suggestion-target').map((n) => n.id()),
          source: cy.nodes('.suggestion-source').map((n) => n.id()),
          // People off the path fade; ghosts are path people absent from the map.
          unfaded: cy.nodes('.person').not('.faded').map((n) => n.id()).sort(),
          ghosts: cy.nodes('.ghost').map((n) => n.id()).sort(),
        };"""
    )
    assert set(classes["pathNodes"]) >= on_path
    hops = {frozenset((hop["from"]["id"], hop["to"]["id"])) for hop in suggestion["hops"]}
    assert {frozenset(pair) for pair in classes["pathEdges"]} == hops
    assert classes["target"] == [suggestion["stakeholder"]["id"]]
    assert classes["source"] == [suggestion["suggested"]["id"]]
    assert set(classes["unfaded"]) == set(classes["pathNodes"]) - set(classes["ghosts"])
    screenshot(browser, "account-suggestion-path")

    item.send_keys(Keys.ENTER)  # the keyboard toggles it off again
    assert browser.execute_script("return window.stakegraph.map.cy.$('.path-node').length") == 0


def test_force_layout_keeps_the_same_map(
    browser: webdriver.Chrome, live_api: LiveApi, account: dict[str, Any]
) -> None:
    open_view(browser, live_api, f"#/accounts/{account['id']}", "account")
    before = map_counts(browser)
    browser.find_element(By.ID, "layout-force").click()
    assert map_counts(browser) == before
    hidden_axes = browser.execute_script(
        "return window.stakegraph.map.cy.nodes('.axis').every((n) => n.style('display') === 'none')"
    )
    assert hidden_axes
    screenshot(browser, "account-map-force")


# --- leadership ------------------------------------------------------------------------------


def test_leadership_view_renders_the_plan(browser: webdriver.Chrome, live_api: LiveApi) -> None:
    open_view(browser, live_api, "#/leadership", "leadership")
    response = live_api.client.post("/api/outreach/plan", json={"min_tier": 4, "min_score": 0.3})
    response.raise_for_status()
    plan = response.json()
    assert plan["assignments"], "the generated portfolio should give the plan some work"
    rows = browser.find_elements(By.CSS_SELECTOR, "#plan-assignments tbody tr")
    assert len(rows) == len(plan["assignments"])
    assert plan["assignments"][0]["reason"] in rows[0].text
    uncovered = browser.find_elements(By.CSS_SELECTOR, "#plan-uncovered tbody tr")
    assert len(uncovered) == len(plan["uncovered"])
    executives = browser.find_elements(By.CSS_SELECTOR, "#plan-executives tbody tr")
    assert len(executives) == len(plan["executives"])
    screenshot(browser, "leadership-plan")


# --- plays ----------------------------------------------------------------------------------


def test_plays_page_opens_assigns_and_closes_a_play(
    browser: webdriver.Chrome, live_api: LiveApi
) -> None:
    """Through the page's form and row actions; what landed is read back from the API."""
    assert live_api.get("/api/plays")["count"] == 0
    plan = live_api.client.post("/api/outreach/plan", json={"min_tier": 4}).json()
    ours = plan["executives"][0]  # a person of our side
    open_view(browser, live_api, "#/plays", "plays")
    Select(browser.find_element(By.ID, "open-kind")).select_by_value("value_delivery")
    account_id = browser.find_element(By.ID, "open-account").get_attribute("value")
    browser.find_element(By.ID, "open-submit").click()
    wait_js(browser, "document.querySelector('#plays-table tbody tr[data-play]')")
    plays = live_api.get("/api/plays")["data"]
    assert [(p["account_id"], p["kind"], p["status"]) for p in plays] == [
        (account_id, "value_delivery", "open")
    ]
    play_id = plays[0]["id"]
    row = f"document.querySelector(\"tr[data-play='{play_id}']\")"
    browser.find_element(By.CSS_SELECTOR, f"tr[data-play='{play_id}'] .assign-input").send_keys(
        ours["id"]
    )
    browser.find_element(By.CSS_SELECTOR, f"tr[data-play='{play_id}'] .assign-button").click()
    wait_js(browser, f"{row} && {row}.textContent.includes({ours['name']!r})")
    Select(
        browser.find_element(By.CSS_SELECTOR, f"tr[data-play='{play_id}'] .close-outcome")
    ).select_by_value("no_effect")
    browser.find_element(By.CSS_SELECTOR, f"tr[data-play='{play_id}'] .close-button").click()
    # Closed: the row is drawn again without its actions (the outcome select said "no effect"
    # before too, so the text alone proves nothing).
    wait_js(browser, f"{row} && !{row}.querySelector('.close-button')")
    play = live_api.get(f"/api/plays/{play_id}")
    assert (play["assignee_id"], play["status"], play["outcome"]) == (
        ours["id"],
        "closed",
        "no_effect",
    )
    assert [e["status"] for e in play["history"]] == ["open", "assigned", "closed"]
    summary = browser.find_element(By.ID, "play-kpi-summary").text
    assert summary.startswith("1 play opened (0 open, 1 closed)")
    screenshot(browser, "plays")


def test_plays_page_pages_through_the_list(browser: webdriver.Chrome, live_api: LiveApi) -> None:
    """More plays than a page (50): the page shows the newest 50 and steps to the rest."""
    account_id = live_api.get("/api/accounts", limit=1)["data"][0]["id"]
    before = live_api.get("/api/plays")["count"]
    for n in range(51 - before):
        opened = live_api.client.post(
            f"/api/accounts/{account_id}/plays",
            json={"kind": "technical_usage_audit", "request_id": f"pager-{n}"},
        )
        assert opened.status_code == 201, opened.text
    total = live_api.get("/api/plays")["count"]
    assert total == 51
    open_view(browser, live_api, "#/plays", "plays")
    wait_js(browser, "document.querySelector('#play-page')")
    assert browser.find_element(By.ID, "play-page").text == "Plays 1-50 of 51"
    assert len(browser.find_elements(By.CSS_SELECTOR, "#plays-table tbody tr")) == 50
    assert not browser.find_element(By.ID, "play-older").get_attribute("disabled")
    browser.find_element(By.ID, "play-older").click()
    wait_js(browser, "document.querySelector('#play-page').textContent === 'Plays 51-51 of 51'")
    rows = browser.find_elements(By.CSS_SELECTOR, "#plays-table tbody tr[data-play]")
    oldest = live_api.get("/api/plays", offset=50)["data"]
    assert [r.get_attribute("data-play") for r in rows] == [oldest[0]["id"]]
    assert browser.find_element(By.ID, "play-older").get_attribute("disabled")
    browser.find_element(By.ID, "play-newer").click()
    wait_js(browser, "document.querySelector('#play-page').textContent === 'Plays 1-50 of 51'")


def test_no_script_errors_in_the_console(browser: webdriver.Chrome) -> None:
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []


def test_api_docs_render_under_the_content_security_policy(
    browser: webdriver.Chrome, live_api: LiveApi
) -> None:
    """/docs: Swagger UI from this server's files, no refusal by the policy in the console."""
    browser.get_log("browser")  # what earlier pages logged
    browser.get(f"{live_api.base_url}/docs")
    wait_js(browser, "document.querySelectorAll('.opblock').length > 5")
    screenshot(browser, "api-docs")
    assert browser.find_element(By.CSS_SELECTOR, ".swagger-ui .info .title").text.startswith(
        "stakegraph"
    )
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []


def test_a_refused_key_asks_for_a_new_one(browser: webdriver.Chrome, live_api: LiveApi) -> None:
    browser.execute_script("localStorage.setItem('stakegraph.apiKey', 'sgk_nope_nope')")
    browser.get(f"{live_api.base_url}/app/#/")
    wait_js(browser, "document.getElementById('key-dialog').open")
    wait_js(browser, "!document.getElementById('key-error').hidden")
    screenshot(browser, "key-refused")
    browser.find_element(By.ID, "key-input").send_keys(live_api.key)
    browser.find_element(By.ID, "key-save").click()
    wait_js(browser, "document.getElementById('view').dataset.ready === 'portfolio'")
    # The refused key's 401 is the console's only complaint.
    browser.get_log("browser")


# --- helpers ---------------------------------------------------------------------------------


def open_view(browser: webdriver.Chrome, live_api: LiveApi, hash_: str, ready: str) -> None:
    """Load the app at a route (a full page load) and wait until that view has drawn."""
    browser.get("about:blank")  # else the same URL is only a fragment change: no reload
    browser.get(f"{live_api.base_url}/app/{hash_}")
    wait_js(browser, f"document.getElementById('view').dataset.ready === '{ready}'")


def wait_js(browser: webdriver.Chrome, condition: str) -> None:
    WebDriverWait(browser, WAIT_S, poll_frequency=0.1).until(
        lambda d: d.execute_script(f"return Boolean({condition})"),
        message=f"timed out waiting for: {condition}",
    )


def map_counts(browser: webdriver.Chrome) -> tuple[int, int]:
    nodes, edges = browser.execute_script(
        "const cy = window.stakegraph.map.cy;"
        "return [cy.nodes('.person').length, cy.edges('.tie').length];"
    )
    return int(nodes), int(edges)


def screenshot(browser: webdriver.Chrome, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(1440, min(max(1000, int(height)), 4000))
    time.sleep(0.3)  # let the map and charts follow the resize
    browser.save_screenshot(str(ARTIFACTS / f"{name}.png"))
    browser.set_window_size(1440, 1000)


def _signature(answer: dict[str, Any]) -> tuple[frozenset[str], int]:
    return frozenset(n["id"] for n in answer["nodes"]), len(answer["edges"])


def _day_before(window_end: str) -> str:
    end = datetime.fromisoformat(window_end.replace("Z", "+00:00"))
    return (end - timedelta(days=1)).date().isoformat()
