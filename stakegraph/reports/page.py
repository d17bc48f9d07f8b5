"""The printable page every report is: one HTML document, its style in one ``<style>``
element, charts inline (svg.py), nothing fetched.

Served by the API, the page gets a Content-Security-Policy of its own that allows exactly
that style element by its hash (:func:`content_security_policy`) and nothing else.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from html import escape

STYLE = """
@page { size: A4; margin: 14mm; }
body { font-family: Helvetica, Arial, sans-serif; color: #222; margin: 24px auto;
       max-width: 960px; line-height: 1.4; font-size: 14px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; border-bottom: 2px solid #0072B2; padding-bottom: 2px; margin-top: 28px; }
h3 { font-size: 15px; margin: 16px 0 6px; }
.subtitle { color: #555; margin: 0 0 16px; }
.cards { display: flex; flex-wrap: wrap; gap: 10px; margin: 12px 0; }
.card { border: 1px solid #ddd; border-radius: 6px; padding: 8px 12px; min-width: 130px; }
.card .label { color: #555; font-size: 12px; }
.card .value { font-size: 20px; font-weight: bold; }
.card .note { font-size: 12px; color: #555; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 12px; font-size: 13px; }
th, td { border-bottom: 1px solid #e5e5e5; padding: 4px 6px; text-align: left;
         vertical-align: top; }
th { background: #f5f5f5; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.charts { display: flex; flex-wrap: wrap; gap: 12px; }
.bad { color: #b2182b; font-weight: bold; }
.good { color: #1a7837; font-weight: bold; }
.muted { color: #666; }
ul.steps li { margin-bottom: 4px; }
section { break-inside: avoid-page; }
svg { max-width: 100%; height: auto; }
footer { margin-top: 32px; color: #666; font-size: 12px; }
@media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; } }
"""


def document(title: str, subtitle: str, sections: Sequence[str], *, footer: str = "") -> str:
    """A whole HTML page."""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>"
        f"<header><h1>{escape(title)}</h1>"
        f'<p class="subtitle">{escape(subtitle)}</p></header>'
        + "".join(sections)
        + (f"<footer>{escape(footer)}</footer>" if footer else "")
        + "</body></html>\n"
    )


def content_security_policy() -> str:
    """The policy a served report needs: its one style element (by hash), nothing else."""
    digest = base64.b64encode(hashlib.sha256(STYLE.encode()).digest()).decode()
    return (
        f"default-src 'none'; style-src 'sha256-{digest}'; img-src data:; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )


def section(heading: str, *body: str) -> str:
    return f"<section><h2>{escape(heading)}</h2>{''.join(body)}</section>"


def cards(items: Sequence[tuple[str, str, str]]) -> str:
    """Headline figures: (label, value, note)."""
    return (
        '<div class="cards">'
        + "".join(
            f'<div class="card"><div class="label">{escape(label)}</div>'
            f'<div class="value">{escape(value)}</div>'
            f'<div class="note">{escape(note)}</div></div>'
            for label, value, note in items
        )
        + "</div>"
    )


def table(
    headers: Sequence[str], rows: Sequence[Sequence[object]], *, numeric: Sequence[int] = ()
) -> str:
    """A table; columns whose index is in ``numeric`` align right. Cells are escaped."""
    head = "".join(
        f"<th{' class=num' if i in numeric else ''}>{escape(h)}</th>" for i, h in enumerate(headers)
    )
    body = "".join(
        "<tr>"
        + "".join(
            f"<td{' class=num' if i in numeric else ''}>{escape(str(cell))}</td>"
            for i, cell in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    if not rows:
        body = f'<tr><td colspan="{len(headers)}" class="muted">none</td></tr>'
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def paragraph(text: str, css: str = "") -> str:
    return f"<p{f' class={css}' if css else ''}>{escape(text)}</p>"


def charts(*svgs: str) -> str:
    return '<div class="charts">' + "".join(svgs) + "</div>"
