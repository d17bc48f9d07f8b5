"""Under CI a missing browser fails the run; elsewhere the browser tests skip, loudly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

WEB_TESTS = Path(__file__).with_name("test_web_app.py")


def collect(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Collect the browser tests in a separate pytest, as if Chromium were absent."""
    base = {k: v for k, v in os.environ.items() if k not in ("CI", "STAKEGRAPH_REQUIRE_BROWSER")}
    missing = str(tmp_path / "no-chromium")
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--collect-only",
            "-q",
            "-p",
            "no:cacheprovider",
            str(WEB_TESTS),
        ],
        env={**base, "STAKEGRAPH_CHROMIUM": missing, "STAKEGRAPH_CHROMEDRIVER": missing, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize("env", [{"CI": "true"}, {"STAKEGRAPH_REQUIRE_BROWSER": "1"}])
def test_a_missing_browser_fails_where_it_is_required(tmp_path: Path, env: dict[str, str]) -> None:
    result = collect(tmp_path, **env)
    assert result.returncode != 0, result.stdout
    assert "a browser is required here" in result.stdout + result.stderr


def test_a_missing_browser_skips_elsewhere(tmp_path: Path) -> None:
    result = collect(tmp_path)
    assert result.returncode in (0, 5), result.stdout + result.stderr  # 5: nothing collected
    assert "NOT RUN" in result.stdout + result.stderr
