"""The KPI sheet against the hand computation of kpi_portfolio.py (docs/metrics.md, "KPIs")."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from kpi_portfolio import AS_OF, END, START, day, frames

from stakegraph.analytics.intervals import newcombe_interval, wilson_interval
from stakegraph.analytics.kpis import (
    KpiParameters,
    KpiSheet,
    kpi_series,
    kpi_sheet,
    kpi_sheets,
    month_periods,
)


def values(sheet: KpiSheet) -> dict[str, float | None]:
    return {
        name: getattr(sheet, name).value
        for name in (
            "customer_retention_rate",
            "gross_revenue_retention",
            "net_revenue_retention",
            "downgrade_rate",
            "downgrade_to_churn_rate",
            "qbr_engagement_rate",
            "post_renewal_engagement_rate",
            "multi_role_share",
            "warm_intro_offer_rate",
            "mean_depth_score",
            "mean_churn_risk",
        )
    }


# 2024: renewals A expanded 100->120, B churned 150->0, C downgraded 50->40, C renewed
# 40->40, D churned 80->0.
PERIOD_2024 = {
    "customer_retention_rate": 3 / 5,
    "gross_revenue_retention": (100 + 0 + 40 + 40 + 0) / (100 + 150 + 50 + 40 + 80),
    "net_revenue_retention": (120 + 0 + 40 + 40 + 0) / (100 + 150 + 50 + 40 + 80),
    "downgrade_rate": 1 / 5,
    "downgrade_to_churn_rate": 0 / 1,  # C downgraded, then renewed
    "qbr_engagement_rate": 3 / 5,  # A 04-10, C's EBR, E of A, B, C, D, E
    "post_renewal_engagement_rate": 1 / 3,  # A (pilot accepted 04-20) of A, C 02-01, C 11-01
    "multi_role_share": 2 / 4,  # last snapshots in 2024: A yes, B no, C no, E yes
    "warm_intro_offer_rate": 1 / 3,
    "mean_depth_score": (70 + 20 + 40 + 50) / 4,
    "mean_churn_risk": (0.2 + 0.6 + 0.9 + 0.4) / 4,  # E not scored
}
# All history adds B's 2023 downgrade (then its churn), E's 2025 renewal, A's 2023 QBR and
# D's 2025 snapshot.
ALL_HISTORY = {
    "customer_retention_rate": 5 / 7,
    "gross_revenue_retention": 340 / 630,
    "net_revenue_retention": 360 / 630,
    "downgrade_rate": 2 / 7,
    "downgrade_to_churn_rate": 1 / 2,  # B churned after its downgrade, C did not
    "qbr_engagement_rate": 4 / 6,
    "post_renewal_engagement_rate": 1 / 4,  # E's follow-up has not ended by 2025-03-01
    "multi_role_share": 3 / 5,
    "warm_intro_offer_rate": 1 / 3,
    "mean_depth_score": (70 + 20 + 40 + 90 + 50) / 5,
    "mean_churn_risk": 0.525,
}
SUGGESTIONS = [("A", True), ("A", False), ("C", False)]


def test_the_worked_example_over_2024() -> None:
    sheet = kpi_sheet(frames(SUGGESTIONS), start=START, end=END, as_of=AS_OF)
    assert values(sheet) == pytest.approx(PERIOD_2024)
    assert (sheet.accounts, sheet.renewals) == (5, 5)
    assert dict(sheet.exit_reasons) == {"budget cuts": 1, "moved to competitor": 1}
    assert sheet.gross_revenue_retention.numerator == 180
    assert sheet.gross_revenue_retention.denominator == 420
    impact = sheet.check_in_impact
    # A and C had an attended check-in in the 180 days before their renewal and were kept;
    # B had none, D's was 213 days before: both churned.
    assert (impact.accounts_with, impact.retained_with) == (2, 2)
    assert (impact.accounts_without, impact.retained_without) == (2, 0)
    assert impact.accounts == 4
    assert impact.value == 1.0
    # Wilson(2/2) = [0.34238, 1], Wilson(0/2) = [0, 0.65762]:
    # low = 1 - sqrt(0.65762^2 + 0.65762^2) = 0.06999, high = 1.
    assert (impact.low, impact.high) == pytest.approx((0.06999, 1.0), abs=1e-5)


def test_all_history() -> None:
    sheet = kpi_sheet(frames(SUGGESTIONS), start=None, end=None, as_of=AS_OF)
    assert values(sheet) == pytest.approx(ALL_HISTORY)
    assert sheet.renewals == 7
    impact = sheet.check_in_impact
    # E joins those without a check-in, and was kept: 2/2 against 1/3.
    assert (impact.accounts_with, impact.retained_with) == (2, 2)
    assert (impact.accounts_without, impact.retained_without) == (3, 1)
    assert impact.value == pytest.approx(2 / 3)
    # Wilson(1/3) = [0.06149, 0.79234]: low = 2/3 - sqrt(0.65762^2 + 0.45901^2),
    # high = 2/3 + (1/3 - 0.06149).
    assert (impact.low, impact.high) == pytest.approx((-0.13530, 0.93851), abs=1e-4)


def test_by_segment_and_owner() -> None:
    by_segment = kpi_sheets(frames(SUGGESTIONS), "segment", start=START, end=END, as_of=AS_OF)
    assert list(by_segment) == ["enterprise", "smb"]
    assert values(by_segment["enterprise"]) == pytest.approx(
        {
            "customer_retention_rate": 1 / 2,
            "gross_revenue_retention": 100 / 250,
            "net_revenue_retention": 120 / 250,
            "downgrade_rate": 0.0,
            "downgrade_to_churn_rate": None,
            "qbr_engagement_rate": 1 / 2,
            "post_renewal_engagement_rate": 1.0,
            "multi_role_share": 1 / 2,
            "warm_intro_offer_rate": 1 / 2,
            "mean_depth_score": 45.0,
            "mean_churn_risk": 0.4,
        }
    )
    assert by_segment["enterprise"].downgrade_to_churn_rate.reason == (
        "no account downgraded in the period"
    )
    assert values(by_segment["smb"]) == pytest.approx(
        {
            "customer_retention_rate": 2 / 3,
            "gross_revenue_retention": 80 / 170,
            "net_revenue_retention": 80 / 170,
            "downgrade_rate": 1 / 3,
            "downgrade_to_churn_rate": 0.0,
            "qbr_engagement_rate": 2 / 3,
            "post_renewal_engagement_rate": 0.0,
            "multi_role_share": 1 / 2,
            "warm_intro_offer_rate": 0.0,
            "mean_depth_score": 45.0,
            "mean_churn_risk": 0.65,
        }
    )
    by_owner = kpi_sheets(frames(), "owner", start=START, end=END, as_of=AS_OF)
    assert list(by_owner) == ["u1", "u2"]
    assert by_owner["u1"].accounts == 3 and by_owner["u1"].renewals == 2  # A and B; E in 2025
    assert by_owner["u2"].customer_retention_rate.value == pytest.approx(2 / 3)
    by_account = kpi_sheets(frames(), "account", start=START, end=END, as_of=AS_OF)
    assert by_account["E"].customer_retention_rate.value is None
    assert by_account["E"].qbr_engagement_rate.value == 1.0


def test_nothing_to_measure_is_null_with_a_reason_not_zero() -> None:
    sheet = kpi_sheet(frames(), start=day("2022-01-01"), end=day("2022-02-01"), as_of=AS_OF)
    for name, reason in (
        ("customer_retention_rate", "no renewals due in the period"),
        ("gross_revenue_retention", "no renewal due in the period has arr_before and arr_after"),
        ("downgrade_rate", "no renewals due in the period"),
        ("downgrade_to_churn_rate", "no account downgraded in the period"),
        ("qbr_engagement_rate", "no QBR or EBR held in the period"),
        ("multi_role_share", "no account was analyzed in the period"),
        ("warm_intro_offer_rate", "no re-mapping suggestion names a colleague of ours"),
    ):
        rate = getattr(sheet, name)
        assert (rate.value, rate.reason) == (None, reason), name
    assert sheet.check_in_impact.value is None
    assert sheet.check_in_impact.reason == "no renewals due in the period"
    assert dict(sheet.exit_reasons) == {}
    # Risk is the latest score whatever the period: it is still there.
    assert sheet.mean_churn_risk.value == pytest.approx(0.525)


def test_revenue_unknown_renewals_are_left_out_of_revenue_retention_only() -> None:
    data = frames()
    renewals = data.renewals.copy()
    renewals.loc[renewals["account_id"].eq("A"), "arr_before"] = float("nan")
    data = type(data)(data.accounts, renewals, data.engagements, data.snapshots)
    sheet = kpi_sheet(data, start=START, end=END, as_of=AS_OF)
    assert sheet.customer_retention_rate.value == pytest.approx(3 / 5)
    assert sheet.gross_revenue_retention.value == pytest.approx(80 / 320)
    assert sheet.net_revenue_retention.value == pytest.approx(80 / 320)


def test_check_in_impact_needs_both_groups() -> None:
    data = frames()
    engagements = data.engagements[data.engagements["kind"].ne("check_in")]
    data = type(data)(data.accounts, data.renewals, engagements, data.snapshots)
    impact = kpi_sheet(data, start=START, end=END, as_of=AS_OF).check_in_impact
    assert impact.value is None and impact.accounts == 4
    assert impact.reason == "no account with an attended check-in before its renewal to compare"


def test_windows_are_parameters() -> None:
    # With 250 days, D's check-in (213 days before) counts: 2 of 3 kept against 0 of 1.
    params = KpiParameters(check_in_days=250, follow_up_days=30)
    sheet = kpi_sheet(frames(), start=START, end=END, as_of=AS_OF, params=params)
    impact = sheet.check_in_impact
    assert (impact.accounts_with, impact.retained_with) == (3, 2)
    # A's pilot (50 days after) and QBR (40 days after) are outside 30 days.
    assert sheet.post_renewal_engagement_rate.value == 0.0
    with pytest.raises(ValueError, match=r"confidence must be between 0\.5 and 0\.999"):
        KpiParameters(confidence=1.0)


def test_series_is_the_sheet_mapped_over_months() -> None:
    periods = month_periods(START, END)
    assert len(periods) == 12 and periods[0] == (START, day("2024-02-01"))
    series = kpi_series(frames(), periods, as_of=AS_OF)
    march = series[2]
    assert march.customer_retention_rate.value == 1.0  # A expanded on 2024-03-01
    assert march.qbr_engagement_rate.value == 0.0  # B declined its QBR on 03-05
    assert series[0].customer_retention_rate.value is None  # nothing due in January
    assert [s.renewals for s in series] == [0, 1, 1, 0, 0, 1, 0, 0, 1, 0, 1, 0]
    for sheet, (start, end) in zip(series, periods, strict=True):
        assert sheet == kpi_sheet(frames(), start=start, end=end, as_of=AS_OF)


def test_accounts_outside_the_frames_change_nothing() -> None:
    data = frames()
    stray = pd.DataFrame(
        [("Z", day("2024-05-01"), "churned", 999.0, 0.0, "gone")],
        columns=list(data.renewals.columns),
    )
    grouped = kpi_sheets(
        type(data)(
            data.accounts, pd.concat([data.renewals, stray]), data.engagements, data.snapshots
        ),
        "segment",
        start=START,
        end=END,
        as_of=AS_OF,
    )
    assert grouped["smb"] == kpi_sheets(data, "segment", start=START, end=END, as_of=AS_OF)["smb"]


def test_wilson_and_newcombe_intervals() -> None:
    # Wilson (1927) for 1 of 3: centre (1/3 + z^2/6) / (1 + z^2/3), z = 1.95996.
    z = 1.959964
    centre = (1 / 3 + z * z / 6) / (1 + z * z / 3)
    half = z / (1 + z * z / 3) * math.sqrt((1 / 3) * (2 / 3) / 3 + z * z / 36)
    assert wilson_interval(1, 3) == pytest.approx((centre - half, centre + half))
    # Identical proportions: the difference's interval is symmetric around 0.
    low, high = newcombe_interval(3, 6, 3, 6)
    assert low == pytest.approx(-high)
    # Its Newcombe (1998) table 2 example 1: 56/70 - 48/80 = 0.2, interval 0.0524 to 0.3339.
    assert newcombe_interval(56, 70, 48, 80) == pytest.approx((0.0524, 0.3339), abs=1e-4)
