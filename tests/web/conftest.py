"""The browser tests skip only when Chromium is absent outside CI, and then say so loudly
(under CI=true a missing browser fails the run: web_browser.browser_required)."""

from __future__ import annotations

import pytest
from web_browser import browser_missing


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    reason = browser_missing()
    if reason:
        terminalreporter.write_sep("!", f"WARNING: {reason}", red=True, bold=True)
