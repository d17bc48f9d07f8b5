"""A former colleague's employer is named only when it is ours or the account itself: any
other organization may be an account the caller must not learn of."""

from __future__ import annotations

from datetime import date

from stakegraph.analytics.warm_paths import Link
from stakegraph.api.service.network import AccountWindow, _private_employer


def _window() -> AccountWindow:
    window = AccountWindow("acc-a", date(2024, 6, 30), 0, 1, [], set(), {}, set())
    window.roles = {"u-1": [{"org_id": "home", "home": True, "start": 0, "end": None}]}
    return window


def _link(org: str) -> Link:
    evidence = {"organization_id": org, "organization": org, "from": "2020-01-01", "days": 400}
    return Link("a", "b", "former_colleague", 0.3, evidence)


def test_our_company_and_the_account_are_named_other_employers_are_not() -> None:
    window = _window()
    assert _private_employer(_link("home"), window).evidence["organization_id"] == "home"
    assert _private_employer(_link("acc-a"), window).evidence["organization_id"] == "acc-a"
    hidden = _private_employer(_link("acc-secret"), window)
    assert hidden.evidence == {
        "organization_id": None,
        "organization": "another organization",
        "from": "2020-01-01",
        "days": 400,
    }
    assert "acc-secret" not in repr(hidden)
