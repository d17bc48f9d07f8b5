"""Before a renewal, renewing accounts engage about 2x contacts, 2x email, 3x meetings."""

from __future__ import annotations

import pytest
from generated_portfolio import LoadedPortfolio, renewal_engagement, renewal_ratios

BANDS = {"contacts": (1.5, 2.7), "emails": (1.5, 2.7), "meetings": (2.2, 4.0)}


@pytest.fixture(scope="module")
def ratios(pattern_portfolio: LoadedPortfolio) -> dict[str, float]:
    engagement = renewal_engagement(pattern_portfolio, window_days=180)
    assert (engagement["outcome"] == "churned").sum() >= 20
    return renewal_ratios(engagement)


@pytest.mark.parametrize("metric", sorted(BANDS))
def test_renewing_accounts_engage_more_before_renewal(
    ratios: dict[str, float], metric: str
) -> None:
    low, high = BANDS[metric]
    assert low <= ratios[metric] <= high, ratios


def test_meetings_separate_more_than_email(ratios: dict[str, float]) -> None:
    assert ratios["meetings"] > ratios["emails"]
