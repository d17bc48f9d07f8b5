"""Imported text printed by the command line: never markup, escapes or bidi controls.

Every command prints through the two consoles of :mod:`stakegraph.cli.common`; these
cases pin what they do with the hostile names of the security review (``[/]`` crashed
``suggestions`` and ``cypher``, ``[link=...]`` became a clickable link, ``ESC[31m``
reached the terminal). The end-to-end runs per command are in test_hostile_names.py.
"""

from __future__ import annotations

import logging

import pytest
from rich.table import Table

from stakegraph.cli.common import DataConsole, DataLogHandler, failure
from stakegraph.cli.progress import stage_bars

HOSTILE = [
    "Mallory [/] Corp",
    "[link=https://evil.example/sso]Click to sign in[/link]",
    "\x1b[31mRed\x1b[0m Team",
    "Iron\u202egpj.exe",
    ":warning: [bold]x",
]
# What each prints as: the same characters, less the control and bidi ones.
SHOWN = [
    "Mallory [/] Corp",
    "[link=https://evil.example/sso]Click to sign in[/link]",
    "[31mRed[0m Team",
    "Irongpj.exe",
    ":warning: [bold]x",
]


def render(console_options: dict[str, object], *objects: object) -> str:
    console = DataConsole(width=200, **console_options)
    with console.capture() as captured:
        console.print(*objects)
    return captured.get()


@pytest.mark.parametrize(("name", "shown"), list(zip(HOSTILE, SHOWN, strict=True)))
def test_table_cells_and_titles_print_as_plain_text(name: str, shown: str) -> None:
    table = Table("account", "owner", title=name, box=None)
    table.add_row(name, "h-001")
    text = render({"color_system": "truecolor", "force_terminal": True}, table)
    assert shown in text
    # The only escapes are the console's own styles (the title's italics), none of ours,
    # and no hyperlink (OSC 8) or bidi control.
    assert "\x1b]8;" not in text and "\u202e" not in text
    assert "\x1b[31m" not in text


@pytest.mark.parametrize(("name", "shown"), list(zip(HOSTILE, SHOWN, strict=True)))
def test_printed_strings_are_plain_text(name: str, shown: str) -> None:
    assert render({"no_color": True}, f"unchanged: {name}") == f"unchanged: {shown}\n"


def test_messages_keep_our_colour_and_not_the_datas() -> None:
    text = render(
        {"color_system": "standard", "force_terminal": True},
        failure("error", "unknown account '[/]\x1b[31mx'"),
    )
    assert text == "\x1b[31merror:\x1b[0m unknown account '[/][31mx'\n"


def test_progress_bars_show_stage_names_as_plain_text(capsys: pytest.CaptureFixture[str]) -> None:
    # A stage named after a file: "[/]" in a file name must not crash the bars.
    with stage_bars() as advance:
        advance("people [/]\x1b[31m.csv", 1, 2)
    assert "people [/][31m.csv" in capsys.readouterr().err


def test_log_lines_lose_control_and_bidi_characters() -> None:
    console = DataConsole(width=200, no_color=True)
    handler = DataLogHandler(console=console, show_path=False, show_time=False)
    record = logging.LogRecord(
        "x", logging.WARNING, "", 0, "file %s", ("Iron\u202e\x1b[31m",), None
    )
    with console.capture() as captured:
        handler.emit(record)
    assert "file Iron[31m" in captured.get()
    assert "\x1b" not in captured.get() and "\u202e" not in captured.get()
