"""A Cypher tokenizer for the read-only layer's refusal messages: one linear pass.

It splits a statement the way the store's lexer does where that decides what is code:
string literals (single or double quotes, backslash escapes), backticked names, ``//``
line comments and ``/* */`` block comments. Where the two stores' lexers could disagree,
the statement is refused rather than guessed at:

* a line comment ends at ``\\n`` or ``\\r`` on every Cypher lexer; a comment that also
  holds another character some lexers treat as a line end (``\\u2028``, ``\\u2029``,
  ``\\u0085``, vertical tab, form feed, ``\\x1c``-``\\x1e``) is ambiguous: text after it
  is code to one lexer and comment to another;
* a doubled backtick inside a backticked name is an escape on Neo4j but not on every
  lexer;
* an unterminated string, name or block comment.

The tokens only feed clear refusals: what may change the graph is decided by the store
(a database user without write rights, READ access mode), never by this module.

>>> [t.text for t in tokenize("MATCH (p) // SET\\nRETURN p.`x y` AS n")]
['MATCH', '(', 'p', ')', 'RETURN', 'p', '.', 'x y', 'AS', 'n']
>>> [t.kind for t in tokenize("RETURN 'a\\\\'b', $id")]
['word', 'string', ',', '$', 'word']
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

# Line ends on every Cypher lexer, and characters that end a line on some of them.
LINE_ENDS = frozenset("\n\r")
AMBIGUOUS_LINE_ENDS = frozenset("\u2028\u2029\u0085\x0b\x0c\x1c\x1d\x1e")


class CypherSyntaxError(ValueError):
    """The statement cannot be split unambiguously; ``offset`` is where, ``reason`` why."""

    def __init__(self, reason: str, offset: int) -> None:
        super().__init__(f"{reason} (at character {offset})")
        self.reason = reason
        self.offset = offset


@dataclass(frozen=True)
class Token:
    """One token: ``word`` (an unquoted identifier or keyword), ``name`` (backticked,
    unescaped), ``string``, ``number``, or a symbol whose ``kind`` is its own text."""

    kind: str
    text: str
    offset: int

    def is_word(self, *words: str) -> bool:
        """True for an unquoted identifier spelled like one of ``words`` (any case)."""
        return self.kind == "word" and self.text.upper() in words


def tokenize(statement: str) -> list[Token]:
    """The tokens of ``statement``, comments and whitespace left out.

    Raises :class:`CypherSyntaxError` where the split would be ambiguous (see module doc).
    Linear in the length of the statement.
    """
    return list(_scan(statement))


def _scan(text: str) -> Iterator[Token]:
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif text.startswith("//", i):
            i = _skip_line_comment(text, i)
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            if end < 0:
                raise CypherSyntaxError("unterminated block comment", i)
            i = end + 2
        elif c in "'\"":
            end = _string_end(text, i)
            yield Token("string", text[i + 1 : end], i)
            i = end + 1
        elif c == "`":
            end = text.find("`", i + 1)
            if end < 0:
                raise CypherSyntaxError("unterminated backticked name", i)
            if text.startswith("``", end):
                raise CypherSyntaxError("doubled backtick in a name", end)
            yield Token("name", text[i + 1 : end], i)
            i = end + 1
        elif c.isalpha() or c == "_":
            start = i
            while i < n and (text[i].isalnum() or text[i] == "_"):
                i += 1
            yield Token("word", text[start:i], start)
        elif c.isdigit():
            start = i
            while i < n and (text[i].isalnum() or text[i] in "._"):
                i += 1
            yield Token("number", text[start:i], start)
        else:
            yield Token(c, c, i)
            i += 1


def _skip_line_comment(text: str, start: int) -> int:
    i = start + 2
    while i < len(text) and text[i] not in LINE_ENDS:
        if text[i] in AMBIGUOUS_LINE_ENDS:
            raise CypherSyntaxError(
                f"a comment holds the line terminator U+{ord(text[i]):04X}, which not "
                "every Cypher parser treats alike",
                i,
            )
        i += 1
    return i


def _string_end(text: str, start: int) -> int:
    """Offset of the quote closing the string that opens at ``start``."""
    quote, i = text[start], start + 1
    while i < len(text):
        if text[i] == "\\":
            i += 2  # an escape, whatever it escapes, never ends the string
        elif text[i] == quote:
            return i
        else:
            i += 1
    raise CypherSyntaxError("unterminated string", start)
