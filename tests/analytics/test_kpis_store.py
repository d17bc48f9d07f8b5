"""The KPI sheet through the production path: import files, the store, the named queries.

The worked example of kpi_portfolio.py is imported with ``import_directory`` (renewals with
revenue and reasons, engagements), given the snapshots and risk scores an analysis writes,
and read back by ``read_kpi_frames`` and the service the API and the CLI share.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from kpi_portfolio import ANALYSIS_WRITES, RISK_WRITES, analysis_rows, write_import
from test_kpis import ALL_HISTORY, PERIOD_2024

from stakegraph.analytics.run import read_kpi_frames
from stakegraph.api.service.kpis import kpi_report
from stakegraph.api.settings import ApiSettings
from stakegraph.graph.store import GraphStore
from stakegraph.ingest import EXIT_COMPLETE, import_directory

pytestmark = pytest.mark.store

AS_OF = datetime(2025, 3, 1, tzinfo=UTC)
NO_SUGGESTIONS = "no re-mapping suggestion names a colleague of ours"


@pytest.fixture
def kpi_store(clean_store: GraphStore, tmp_path: Path) -> GraphStore:
    report = import_directory(clean_store, write_import(tmp_path / "in"), rejects_dir=tmp_path)
    assert report.exit_code == EXIT_COMPLETE, report.describe()
    snapshots, risk = analysis_rows()
    clean_store.driver.execute_query(
        ANALYSIS_WRITES, {"snapshots": snapshots}, database_=clean_store.database
    )
    clean_store.driver.execute_query(RISK_WRITES, {"rows": risk}, database_=clean_store.database)
    return clean_store


def values(sheet: object) -> dict[str, float | None]:
    return {name: getattr(sheet, name).value for name in PERIOD_2024}


def test_the_worked_example_from_the_store(kpi_store: GraphStore) -> None:
    settings = ApiSettings(STAKEGRAPH_READ_MODEL=False)
    report = kpi_report(
        kpi_store,
        settings,
        None,
        by="segment",
        start=date(2024, 1, 1),
        end=date(2025, 1, 1),
        as_of=AS_OF,
    )
    sheet = report.portfolio
    # No customer holds a senior role, so nobody is suggested: null, not 0.
    expected = {**PERIOD_2024, "warm_intro_offer_rate": None}
    assert values(sheet) == pytest.approx(expected)
    assert sheet.warm_intro_offer_rate.reason == NO_SUGGESTIONS
    assert sheet.exit_reasons == {"budget cuts": 1, "moved to competitor": 1}
    impact = sheet.check_in_impact
    assert (impact.value, impact.accounts, impact.accounts_with, impact.retained_with) == (
        1.0,
        4,
        2,
        2,
    )
    assert (impact.low, impact.high) == pytest.approx((0.06999, 1.0), abs=1e-5)
    assert [g.key for g in report.groups] == ["enterprise", "smb"]
    assert report.groups[0].sheet.net_revenue_retention.value == pytest.approx(120 / 250)
    assert report.groups[1].sheet.gross_revenue_retention.value == pytest.approx(80 / 170)
    # The series: the twelve months of 2024, each the sheet of its month.
    assert [m.start for m in report.series][:2] == [date(2024, 1, 1), date(2024, 2, 1)]
    assert [m.renewals for m in report.series] == [0, 1, 1, 0, 0, 1, 0, 0, 1, 0, 1, 0]


def test_all_history_and_a_scope(kpi_store: GraphStore) -> None:
    settings = ApiSettings(STAKEGRAPH_READ_MODEL=False)
    everything = kpi_report(kpi_store, settings, None, as_of=AS_OF).portfolio
    assert values(everything) == pytest.approx({**ALL_HISTORY, "warm_intro_offer_rate": None})
    # An account manager's figures come from their accounts only: read, not filtered after.
    scoped = kpi_report(
        kpi_store,
        settings,
        frozenset({"A", "B"}),
        start=date(2024, 1, 1),
        end=date(2025, 1, 1),
        as_of=AS_OF,
    ).portfolio
    assert scoped.accounts == 2 and scoped.renewals == 2
    assert scoped.customer_retention_rate.value == pytest.approx(1 / 2)
    assert scoped.exit_reasons == {"budget cuts": 1}
    frames = read_kpi_frames(kpi_store, account_ids=["A", "B"])
    assert set(frames.renewals["account_id"]) == {"A", "B"}
    assert set(frames.engagements["account_id"]) == {"A", "B"}


def test_a_store_without_kpi_data(clean_store: GraphStore) -> None:
    report = kpi_report(clean_store, ApiSettings(STAKEGRAPH_READ_MODEL=False), None, as_of=AS_OF)
    assert report.portfolio.accounts == 0 and report.series == []
    assert report.portfolio.customer_retention_rate.reason == "no renewals due in the period"
