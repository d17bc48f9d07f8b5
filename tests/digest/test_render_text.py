"""Imported names in the Markdown and HTML digests: literal text, never markup or HTML."""

from __future__ import annotations

import pytest

from stakegraph.analytics.digest import DigestItem
from stakegraph.digest.build import Baseline, Digest
from stakegraph.digest.render import markdown_text, to_html, to_markdown


def hostile_digest(account_name: str, owner_name: str, title: str) -> Digest:
    item = DigestItem(
        account_id="org-0030",
        account_name=account_name,
        owner_id="h-001",
        owner_name=owner_name,
        arr=120_000.0,
        risk_score=0.8,
        risk_tier=4,
        arr_at_risk=96_000.0,
        change="signal_raised",
        title=title,
        play="value_delivery",
    )
    return Digest(
        scope="all",
        owner_id=None,
        analyzed_at=1_717_200_000,
        baseline=Baseline(kind="none"),
        accounts=1,
        items=[item],
    )


@pytest.mark.parametrize(
    ("text", "markdown"),
    [
        ("<script>alert(1)</script>", "&lt;script&gt;alert\\(1\\)&lt;/script&gt;"),
        ("<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert\\(1\\)&gt;"),
        ("Acme | Corp", "Acme \\| Corp"),
        ("Acme\nCorp\r\n| x |", "Acme Corp \\| x \\|"),
        ("[sign in](https://evil.example)", "\\[sign in\\]\\(https://evil.example\\)"),
        (
            "**bold** _it_ `code` ~~s~~ # h",
            "\\*\\*bold\\*\\* \\_it\\_ \\`code\\` \\~\\~s\\~\\~ \\# h",
        ),
        ("Iron\u202egpj.exe\x1b[31m", "Irongpj.exe\\[31m"),
        ("AT&T \\ Co.", "AT&amp;T \\\\ Co."),
        ("Zoë O'Neil-Smith", "Zoë O'Neil-Smith"),
    ],
)
def test_markdown_text_escapes_data(text: str, markdown: str) -> None:
    assert markdown_text(text) == markdown


def test_hostile_names_stay_in_their_table_cells() -> None:
    digest = hostile_digest(
        account_name="Acme | <img src=x onerror=alert(1)>",
        owner_name="Eve\n## injected heading",
        title="Champion left: <script>x</script> |\nrow",
    )
    lines = to_markdown(digest).splitlines()
    assert "## Eve \\#\\# injected heading (h-001)" in lines
    rows = [line for line in lines if line.startswith("| ") and "ARR at risk" not in line]
    assert rows == [
        "| Acme \\| &lt;img src=x onerror=alert\\(1\\)&gt; | $96k | 4 | Signal raised: "
        "Champion left: &lt;script&gt;x&lt;/script&gt; \\| row | Value delivery |"
    ]
    # Five cells: the escaped pipes are not column breaks.
    assert rows[0].replace("\\|", "").count("|") == 6
    assert "<script" not in "\n".join(lines) and "<img" not in "\n".join(lines)


def test_html_digest_drops_bidi_and_control_characters() -> None:
    page = to_html(hostile_digest("Iron\u202egpj.exe", "Eve\x1b[31m", "<b>x</b>"))
    assert "Irongpj.exe" in page and "Eve[31m" in page and "&lt;b&gt;x&lt;/b&gt;" in page
    assert "\u202e" not in page and "\x1b" not in page
