"""A former colleague's employer is named only when it is ours or the account itself: any
other organization may be an account the caller must not learn of."""

from __future__ import annotations

from datetime import date

from stakegraph.analytics.warm_paths import Link
from stakegraph.api.service.network import AccountWindow, _home_orgs, _private_employer


def _window() -> AccountWindow:
    window = AccountWindow("acc-a", date(2024, 6, 30), 0, 1, [], set(), {}, set())
    window.roles = {"u-1": [{"org_id": "home", "home": True, "start": 0, "end": None}]}
    return window


def _link(org: str) -> Link:
    evidence = {"organization_id": org, "organization": org, "from": "2020-01-01", "days": 400}
    return Link("a", "b", "former_colleague", 0.3, evidence)


def test_our_company_and_the_account_are_named_other_employers_are_not() -> None:
    window = _window()
    home_orgs = _home_orgs(window)
    assert home_orgs == {"home"}

    def private(link: Link) -> Link:
        return _private_employer(link, window.account_id, home_orgs)

    assert private(_link("home")).evidence["organization_id"] == "home"
    assert private(_link("acc-a")).evidence["organization_id"] == "acc-a"
    hidden = private(_link("acc-secret"))
    assert hidden.evidence == {
        "organization_id": None,
        "organization": "another organization",
        "from": "2020-01-01",
        "days": 400,
    }
    assert "acc-secret" not in repr(hidden)
