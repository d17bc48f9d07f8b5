"""Text from imported data made safe to show: the characters that hide or reorder what a
reader sees, or that a terminal obeys as commands, removed.

Imported names, titles and subjects reach terminals (the CLI), Markdown and HTML. Two
families of characters in them are never content:

* control characters: C0 (but tab and line feed), DEL and C1. ESC (U+001B) starts a
  terminal escape sequence (``ESC [31m`` turns the text red; others set the window
  title or a hyperlink);
* the bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069):
  ``"Iron\\u202egpj.exe"`` shows as ``Ironexe.jpg``.

>>> without_hidden("Iron\\u202egpj.exe \\x1b[31mred\\x1b[0m")
'Irongpj.exe [31mred[0m'
>>> display_text("  Ada\\r\\n  Lovelace\\x07 ")
'Ada Lovelace'
"""

from __future__ import annotations

import re
from typing import Final

#: The bidirectional embeddings, overrides and isolates, as the body of a character class.
_BIDI: Final = "\u202a-\u202e\u2066-\u2069"
#: Never part of an id, an address, a domain or a stored note: C0 controls but tab, line
#: feed and carriage return, DEL, the C1 controls and the bidirectional controls.
CONTROL: Final = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI}]")
#: Removed from what is shown: the same, and the carriage return too.
HIDDEN: Final = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}]")
_WHITESPACE: Final = re.compile(r"\s+")


def without_hidden(text: str) -> str:
    """``text`` without control characters (but tab and line feed) and bidi controls."""
    return HIDDEN.sub("", text)


def display_text(text: str) -> str:
    """``text`` as one line of display text: hidden characters removed, every run of
    whitespace (line breaks included) one space, no space at either end."""
    return _WHITESPACE.sub(" ", without_hidden(text)).strip()
