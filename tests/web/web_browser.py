"""Where the browser tests find Chromium, whether they must run, and why they cannot."""

from __future__ import annotations

import os
from pathlib import Path

# Overridable so that the "browser missing" path itself can be tested.
CHROMIUM = Path(os.environ.get("STAKEGRAPH_CHROMIUM", "/usr/bin/chromium"))
CHROMEDRIVER = Path(os.environ.get("STAKEGRAPH_CHROMEDRIVER", "/usr/bin/chromedriver"))
TRUE = ("1", "true", "yes")


def browser_required() -> bool:
    """True where a missing browser is a failure, not a skip: in CI (``CI=true``, as
    ``.ci/run`` runs) or with ``STAKEGRAPH_REQUIRE_BROWSER=1``."""
    return any(
        os.environ.get(name, "").strip().lower() in TRUE
        for name in ("CI", "STAKEGRAPH_REQUIRE_BROWSER")
    )


def browser_missing() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    missing = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not path.exists()]
    if not missing:
        return None
    return (
        f"web app browser tests NOT RUN: {', '.join(missing)} absent "
        "(apt-get install -y chromium chromium-driver)"
    )
