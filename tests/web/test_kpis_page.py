"""The KPI page in headless Chromium, against a live API.

A small generated portfolio (10 accounts) gets revenue on its renewals and a year of QBRs and
check-ins (written here, deterministically, from its renewals), is ingested and analyzed, and
served by uvicorn with a leader key. What the page shows is compared with the API's answer.
The screenshot goes to test-artifacts/web/kpis.png.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date, timedelta
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
from stakegraph.ingest import EXIT_COMPLETE, import_directory

if (_missing := browser_missing()) is not None:
    if browser_required():
        pytest.fail(f"{_missing}; a browser is required here (CI=true)", pytrace=False)
    pytest.skip(_missing, allow_module_level=True)

from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select
from selenium.webdriver.support.wait import WebDriverWait

pytestmark = pytest.mark.store

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "web"
AFTER = {"renewed": 1.0, "expanded": 1.25, "downgraded": 0.7, "churned": 0.0}
REASONS = ("budget cuts", "moved to competitor", "no adoption")
DASH = "\N{EN DASH}"  # what the page shows when there is nothing to measure


def add_revenue_and_engagements(directory: Path) -> None:
    """Revenue on every generated renewal; a QBR each quarter (missed in the half year before a
    churn) and, for every other account, a check-in every two months."""
    with (directory / "renewals.csv").open(encoding="utf-8") as handle:
        renewals = list(csv.DictReader(handle))
    accounts = sorted({r["account_id"] for r in renewals})
    rows, engagements = [], []
    for k, renewal in enumerate(renewals):
        before = 10_000.0 * (1 + accounts.index(renewal["account_id"]) % 5)
        outcome = renewal["outcome"]
        reason = REASONS[k % 3] if outcome == "churned" else ""
        rows.append({**renewal, "arr_before": before, "arr_after": before * AFTER[outcome],
                     "reason": reason})  # fmt: skip
    days = [date.fromisoformat(r["date"]) for r in renewals]
    first, last = min(days) - timedelta(days=365), max(days)
    for index, account in enumerate(accounts):
        churns = [date.fromisoformat(r["date"]) for r in renewals
                  if r["account_id"] == account and r["outcome"] == "churned"]  # fmt: skip
        day = first + timedelta(days=7 * index)
        while day < last:
            slipping = any(timedelta(0) <= churn - day <= timedelta(days=180) for churn in churns)
            engagements.append((account, "qbr", day, "no_show" if slipping else "attended"))
            if index % 2 == 0:
                for step in (0, 61):
                    engagements.append(
                        (account, "check_in", day + timedelta(days=step), "attended")
                    )
            day += timedelta(days=91)
    with (directory / "renewals.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    with (directory / "engagements.csv").open("w", encoding="utf-8", newline="") as handle:
        handle.write("account_id,kind,date,status\n")
        handle.writelines(f"{a},{k},{d.isoformat()},{s}\n" for a, k, d, s in engagements)


@pytest.fixture(scope="module")
def live_api(store: GraphStore, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApi]:
    store.driver.execute_query("MATCH (n) DETACH DELETE n", database_=store.database)
    store.ensure_schema()
    files = tmp_path_factory.mktemp("kpi-portfolio")
    generate_portfolio(files, accounts=10, seed=5)
    add_revenue_and_engagements(files)
    report = import_directory(store, files, rejects_dir=tmp_path_factory.mktemp("kpi-rejects"))
    assert report.exit_code == EXIT_COMPLETE, report.describe()
    analyze(store)
    home = tmp_path_factory.mktemp("kpi-home")
    key = KeyRing(home / "keys.json").create(Role.LEADER, label="browser tests")
    app = create_app(store, settings=ApiSettings(STAKEGRAPH_HOME=home, STAKEGRAPH_READ_MODEL=False))
    with served(app, key, "kpi-test-api") as live:
        yield live


@pytest.fixture(scope="module")
def browser(live_api: LiveApi) -> Iterator[webdriver.Chrome]:
    with signed_in(live_api) as driver:
        yield driver


def percent(rate: dict[str, Any]) -> str:
    return DASH if rate["value"] is None else f"{100 * rate['value']:.1f}%"


def wait_ready(browser: webdriver.Chrome) -> None:
    WebDriverWait(browser, WAIT_S).until(
        lambda d: d.find_element(By.ID, "view").get_attribute("data-ready") == "kpis"
    )


def test_the_kpi_page_shows_the_api_figures(browser: webdriver.Chrome, live_api: LiveApi) -> None:
    browser.get(f"{live_api.base_url}/app/#/kpis")
    wait_ready(browser)
    expected = live_api.get("/api/kpis", by="segment")
    portfolio = expected["portfolio"]
    # Every figure is there to show: revenue and engagements were imported.
    for name in ("customer_retention_rate", "net_revenue_retention", "qbr_engagement_rate"):
        assert portfolio[name]["value"] is not None, name
    cards = {
        card.get_attribute("data-kpi"): card.find_element(By.CLASS_NAME, "kpi-value").text
        for card in browser.find_elements(By.CSS_SELECTOR, "#kpi-cards .kpi-card")
    }
    for name in (
        "customer_retention_rate",
        "gross_revenue_retention",
        "net_revenue_retention",
        "downgrade_rate",
        "qbr_engagement_rate",
        "multi_role_share",
    ):
        assert cards[name] == percent(portfolio[name]), name
    assert cards["mean_churn_risk"] == f"{portfolio['mean_churn_risk']['value']:.2f}"
    impact = portfolio["check_in_impact"]
    assert cards["check_in_impact"] == (
        DASH if impact["value"] is None else f"{100 * impact['value']:+.0f} pts".replace("+-", "-")
    )
    rows = browser.find_elements(By.CSS_SELECTOR, "#kpi-groups tbody tr")
    assert len(rows) == len(expected["groups"]) >= 2
    first = rows[0].find_elements(By.TAG_NAME, "td")
    assert first[0].text == str(expected["groups"][0]["sheet"]["renewals"])
    assert first[1].text == percent(expected["groups"][0]["sheet"]["customer_retention_rate"])
    charts = browser.find_elements(By.CSS_SELECTOR, "#kpi-charts figure")
    assert (
        len(charts) == 4 and len(browser.find_elements(By.CSS_SELECTOR, "#kpi-charts canvas")) == 4
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "kpis.png"))
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, errors


def test_a_period_and_grouping_from_the_form(browser: webdriver.Chrome, live_api: LiveApi) -> None:
    browser.get(f"{live_api.base_url}/app/#/kpis")
    wait_ready(browser)
    series = live_api.get("/api/kpis")["series"]
    start, end = series[-13]["start"], series[-1]["start"]
    expected = live_api.get("/api/kpis", by="owner", **{"from": start, "to": end})
    browser.execute_script(
        "document.getElementById('kpi-from').value = arguments[0];"
        "document.getElementById('kpi-to').value = arguments[1];",
        start,
        end,
    )
    Select(browser.find_element(By.ID, "kpi-by")).select_by_value("owner")
    browser.execute_script("delete document.getElementById('view').dataset.ready")
    browser.find_element(By.ID, "kpi-submit").click()
    wait_ready(browser)
    summary = browser.find_element(By.ID, "kpi-summary").text
    assert summary.startswith(f"{start} to {end}")
    assert f"{expected['portfolio']['renewals']} renewals due" in summary
    keys = [r.find_element(By.TAG_NAME, "th").text for r in
            browser.find_elements(By.CSS_SELECTOR, "#kpi-groups tbody tr")]  # fmt: skip
    assert keys == [g["key"] or "(none)" for g in expected["groups"]]
