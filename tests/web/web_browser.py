"""Where the browser tests find Chromium, and why they cannot run when they cannot."""

from __future__ import annotations

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")


def browser_missing() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    missing = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not path.exists()]
    if not missing:
        return None
    return (
        f"web app browser tests NOT RUN: {', '.join(missing)} absent "
        "(apt-get install -y chromium chromium-driver)"
    )
