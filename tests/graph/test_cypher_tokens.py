"""The tokenizer behind read-only refusals: strings, names and comments as the store splits them."""

from __future__ import annotations

import pytest

from stakegraph.graph.cypher_tokens import (
    AMBIGUOUS_LINE_ENDS,
    CypherSyntaxError,
    tokenize,
)


def texts(statement: str) -> list[str]:
    return [t.text for t in tokenize(statement)]


def test_a_worked_statement() -> None:
    statement = "MATCH (p:Person {id: $id}) // who\nRETURN p.`full name` AS n, 'it''s'"
    assert texts(statement) == [
        "MATCH", "(", "p", ":", "Person", "{", "id", ":", "$", "id", "}", ")",
        "RETURN", "p", ".", "full name", "AS", "n", ",", "it", "s",
    ]  # fmt: skip


@pytest.mark.parametrize("end", ["\n", "\r"])
def test_line_comments_end_at_every_line_end(end: str) -> None:
    assert texts(f"RETURN 1 // CREATE{end}AS x") == ["RETURN", "1", "AS", "x"]


@pytest.mark.parametrize("char", sorted(AMBIGUOUS_LINE_ENDS))
def test_a_comment_holding_an_ambiguous_line_end_is_refused(char: str) -> None:
    with pytest.raises(CypherSyntaxError, match="line terminator"):
        tokenize(f"RETURN 1 AS x //{char}CREATE (n)")


def test_escapes_never_end_a_string() -> None:
    assert [t.kind for t in tokenize(r"RETURN 'a\'b', 'c\\', " + '"d\\"e"')] == [
        "word", "string", ",", "string", ",", "string",
    ]  # fmt: skip
    assert tokenize(r"RETURN 'a\'CREATE'")[1].text == r"a\'CREATE"


def test_keywords_in_strings_names_and_comments_are_not_words() -> None:
    statement = "RETURN 'CREATE' AS `SET` /* DELETE */ // MERGE"
    assert [t.kind for t in tokenize(statement)] == ["word", "string", "word", "name"]


@pytest.mark.parametrize(
    ("statement", "reason"),
    [
        ("RETURN 'open", "unterminated string"),
        ('RETURN "open', "unterminated string"),
        ("RETURN `open", "unterminated backticked name"),
        ("RETURN 1 /* open", "unterminated block comment"),
        ("RETURN `a``b`", "doubled backtick"),
    ],
)
def test_what_could_be_split_two_ways_is_refused(statement: str, reason: str) -> None:
    with pytest.raises(CypherSyntaxError, match=reason):
        tokenize(statement)


@pytest.mark.timeout(30)
@pytest.mark.parametrize("unit", ['"\\', "'\\'", "/*", "`", "//\n", "a.b"])
def test_long_adversarial_statements_tokenize_in_one_pass(unit: str) -> None:
    """400 KB (20 times the API's longest query) of a repeated fragment: a quadratic scan
    would take hours, a linear one about a second."""
    statement = "RETURN 1 " + unit * (400_000 // len(unit))
    try:
        tokens = tokenize(statement)
    except CypherSyntaxError as exc:
        assert exc.offset < len(statement)
    else:
        assert tokens[0].text == "RETURN"
