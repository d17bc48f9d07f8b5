"""Reports on the cadence account teams use, as printable HTML from the stored analysis:
the monthly portfolio trends (:mod:`.monthly`) and the quarterly QBR pack of an account
(:mod:`.qbr`), charts as inline SVG (:mod:`.svg`), one page shell (:mod:`.page`).
``stakegraph report monthly|qbr`` and ``GET /api/reports/...`` call the two builders below.
"""

from __future__ import annotations

from collections.abc import Sequence

from stakegraph.errors import UnknownIdError
from stakegraph.graph.store import GraphStore
from stakegraph.reports.data import read_report_data
from stakegraph.reports.monthly import month_range, monthly_figures, render_monthly
from stakegraph.reports.qbr import previous_quarter_start, qbr_figures, quarter_range, render_qbr

__all__ = ["monthly_report", "qbr_report"]


def monthly_report(
    store: GraphStore,
    month: str,
    *,
    account_ids: Sequence[str] | None = None,
    owner_id: str | None = None,
    scope: str | None = None,
) -> str:
    """The monthly portfolio trends over ``account_ids`` (None: every account), or one owner's."""
    start, end = month_range(month)
    data = read_report_data(store, account_ids, since=start, until=end)
    if owner_id is not None:
        keep = {a for a, row in data.accounts.items() if row.get("owner_id") == owner_id}
        data = read_report_data(store, sorted(keep), since=start, until=end)
    label = scope or (f"accounts of {owner_id}" if owner_id else "whole portfolio")
    return render_monthly(monthly_figures(data, month), scope=label)


def qbr_report(store: GraphStore, account_id: str, quarter: str) -> str:
    """The QBR pack of one account for ``quarter`` (``YYYY-Qn``)."""
    start, end = quarter_range(quarter)
    data = read_report_data(store, [account_id], since=previous_quarter_start(start), until=end)
    if account_id not in data.accounts:
        raise UnknownIdError("account", account_id)
    return render_qbr(qbr_figures(data, account_id, quarter))
