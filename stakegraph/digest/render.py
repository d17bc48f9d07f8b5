"""A digest as Markdown (for chat and mail), printable HTML (the weekly risk stand-up) or
JSON (an object with ``items``)."""

from __future__ import annotations

import html
import json
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime

from stakegraph.analytics.digest import CHANGE_KINDS, DigestItem
from stakegraph.digest.build import Digest
from stakegraph.display import display_text, without_hidden

CHANGE_LABELS = {
    "tier_worsened": "Tier worsened",
    "signal_raised": "Signal raised",
    "stakeholder_quiet": "Stakeholder gone quiet",
    "renewal_window": "Renewal in window",
    "tier_improved": "Tier improved",
    "signal_cleared": "Signal cleared",
}
PLAY_LABELS = {
    "technical_usage_audit": "Technical and usage audit",
    "value_delivery": "Value delivery",
    "executive_remapping": "Executive re-mapping",
    "contract_restructuring": "Contract restructuring",
    "milestone_stress_test": "Milestone stress-test",
}


def day(epoch: int | None) -> str:
    if epoch is None:
        return "-"
    return datetime.fromtimestamp(int(epoch), tz=UTC).strftime("%Y-%m-%d")


def money(value: float | None) -> str:
    if value is None:
        return "-"
    if abs(value) >= 1_000_000:
        return f"${value / 1_000_000:.2f}M"
    if abs(value) >= 1_000:
        return f"${value / 1_000:.0f}k"
    return f"${value:.0f}"


def analysis_day(analyzed_at: int | None) -> str:
    """An analysis by the last day it covered (its date is the exclusive midnight after)."""
    return "-" if analyzed_at is None else day(analyzed_at - 1)


def describe_baseline(digest: Digest) -> str:
    b = digest.baseline
    if b.kind == "run":
        return f"since the last run ({b.run_id}, analysis of {analysis_day(b.at)})"
    if b.kind == "date":
        tiers = "" if b.tiers_known else "; tier moves unknown (no run recorded by then)"
        return f"since {day(b.at)}{tiers}"
    return "nothing analyzed yet"


def by_owner(items: Iterable[DigestItem]) -> dict[str, list[DigestItem]]:
    """Items per owner, owners in the order of their first (highest-ranked) item."""
    groups: dict[str, list[DigestItem]] = {}
    for item in items:
        groups.setdefault(owner_label(item), []).append(item)
    return groups


def owner_label(item: DigestItem) -> str:
    if item.owner_id is None:
        return "(no owner)"
    return f"{item.owner_name} ({item.owner_id})" if item.owner_name else item.owner_id


# Characters Markdown (CommonMark and GitHub's tables) reads as syntax anywhere in a line;
# ``<``, ``>`` and ``&`` become entities so that no viewer renders data as HTML.
_MARKDOWN_SPECIALS = {c: "\\" + c for c in "\\`*_{}[]()#+!|~"}
_MARKDOWN_SPECIALS |= {"<": "&lt;", ">": "&gt;", "&": "&amp;"}
_MARKDOWN_ESCAPES = str.maketrans(_MARKDOWN_SPECIALS)


def markdown_text(text: str) -> str:
    r"""Data (a name, a title) as literal Markdown text on one line: hidden characters
    removed, line breaks one space, Markdown syntax backslash-escaped and HTML's ``<``,
    ``>`` and ``&`` as entities.

    >>> print(markdown_text("Acme | <img src=x onerror=alert(1)>\nCorp"))
    Acme \| &lt;img src=x onerror=alert\(1\)&gt; Corp
    """
    return display_text(text).translate(_MARKDOWN_ESCAPES)


def _markdown_owner(item: DigestItem) -> str:
    """:func:`owner_label` in Markdown: the name and id escaped, our parentheses not."""
    if item.owner_name and item.owner_id is not None:
        return f"{markdown_text(item.owner_name)} ({markdown_text(item.owner_id)})"
    return markdown_text(owner_label(item))


def to_json(digest: Digest) -> str:
    return json.dumps(digest.as_record(), indent=2, sort_keys=True)


def to_markdown(digest: Digest) -> str:
    who = f"account manager {markdown_text(digest.owner_id)}" if digest.owner_id else "leadership"
    lines = [
        f"# Weekly risk stand-up: {who}",
        "",
        f"Analysis of {analysis_day(digest.analyzed_at)}, {digest.accounts} accounts; "
        f"changes {describe_baseline(digest)}.",
        "",
    ]
    if not digest.items:
        lines.append("Nothing new.")
        return "\n".join(lines) + "\n"
    counts = Counter(i.change for i in digest.items)
    lines.append(
        ", ".join(f"{counts[k]} {CHANGE_LABELS[k].lower()}" for k in CHANGE_KINDS if counts[k])
    )
    for items in by_owner(digest.items).values():
        lines += ["", f"## {_markdown_owner(items[0])}", ""]
        lines.append("| account | ARR at risk | tier | change | play |")
        lines.append("|---|---:|---:|---|---|")
        for i in items:
            lines.append(
                f"| {markdown_text(i.account_name)} | {money(i.arr_at_risk)} | "
                f"{i.risk_tier or '-'} | {CHANGE_LABELS[i.change]}: {markdown_text(i.title)} | "
                f"{PLAY_LABELS.get(i.play or '', '-')} |"
            )
    return "\n".join(lines) + "\n"


STYLE = """
@page { size: A4 landscape; margin: 14mm; }
body { font: 10.5pt/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1b1f24;
       margin: 24px; }
h1 { font-size: 18pt; margin: 0 0 4px; }
h2 { font-size: 13pt; margin: 22px 0 6px; border-bottom: 2px solid #1b1f24; }
.meta { color: #4a5360; margin: 0 0 14px; }
.cards { display: flex; gap: 10px; flex-wrap: wrap; margin: 10px 0 6px; }
.card { border: 1px solid #c9d1d9; border-radius: 6px; padding: 6px 12px; min-width: 110px; }
.card b { display: block; font-size: 16pt; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; }
col.account { width: 15%; } col.money { width: 7.5%; } col.tier { width: 4%; }
col.change { width: 13%; } col.what { width: 33%; } col.when { width: 8%; }
col.play { width: 12%; }
td.when { white-space: nowrap; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid #d8dee4;
         vertical-align: top; }
th { background: #f3f5f7; font-weight: 600; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
tr { page-break-inside: avoid; }
.chip { display: inline-block; padding: 1px 7px; border-radius: 9px; font-size: 9pt;
        white-space: nowrap; border: 1px solid #8c959f; }
.tier_worsened, .signal_raised { background: #ffe2e0; border-color: #cf222e; }
.stakeholder_quiet { background: #fff1d6; border-color: #9a6700; }
.renewal_window { background: #ddf4ff; border-color: #0969da; }
.tier_improved, .signal_cleared { background: #dafbe1; border-color: #1a7f37; }
.tier { font-weight: 600; }
.tier5, .tier4 { color: #cf222e; }
.sev { color: #4a5360; font-size: 9pt; }
.empty { padding: 12px; border: 1px dashed #8c959f; }
footer { margin-top: 18px; color: #4a5360; font-size: 9pt; }
"""


def to_html(digest: Digest) -> str:
    """A self-contained printable page (inline styles; for a file, a browser or mail)."""

    def esc(text: str) -> str:
        return html.escape(without_hidden(text))

    who = f"Account manager {digest.owner_id}" if digest.owner_id else "Leadership"
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>Weekly risk stand-up: {esc(who)}</title><style>{STYLE}</style></head><body>",
        f"<h1>Weekly risk stand-up &middot; {esc(who)}</h1>",
        f"<p class='meta'>Analysis of {analysis_day(digest.analyzed_at)} &middot; "
        f"{digest.accounts} accounts &middot; changes {esc(describe_baseline(digest))}</p>",
    ]
    counts = Counter(i.change for i in digest.items)
    at_risk = sum({i.account_id: i.arr_at_risk for i in digest.items}.values())
    parts.append("<div class='cards'>")
    parts.append(f"<div class='card'><b>{money(at_risk)}</b>ARR at risk on changed accounts</div>")
    for kind in CHANGE_KINDS:
        parts.append(f"<div class='card'><b>{counts[kind]}</b>{CHANGE_LABELS[kind]}</div>")
    parts.append("</div>")
    if not digest.items:
        parts.append("<p class='empty'>Nothing new since the baseline.</p>")
    for owner, items in by_owner(digest.items).items():
        parts.append(f"<h2>{esc(owner)}</h2>")
        parts.append(
            "<table><colgroup><col class='account'><col class='money'><col class='money'>"
            "<col class='tier'><col class='change'><col class='what'><col class='when'>"
            "<col class='play'></colgroup>"
            "<thead><tr><th>Account</th><th>ARR at risk</th><th>ARR</th><th>Tier</th>"
            "<th>Change</th><th>What</th><th>When</th><th>Recommended play</th></tr>"
            "</thead><tbody>"
        )
        for i in items:
            severity = f" <span class='sev'>severity {i.severity:.2f}</span>" if i.severity else ""
            people = (
                f"<br><span class='sev'>{esc(', '.join(i.people))}</span>"
                if i.signal_id and i.people
                else ""
            )
            tier = i.risk_tier or "-"
            parts.append(
                f"<tr><td>{esc(i.account_name)}</td><td class='num'>{money(i.arr_at_risk)}</td>"
                f"<td class='num'>{money(i.arr)}</td>"
                f"<td class='tier tier{tier}'>{tier}</td>"
                f"<td><span class='chip {i.change}'>{CHANGE_LABELS[i.change]}</span></td>"
                f"<td>{esc(i.title)}{severity}{people}</td><td class='when'>{day(i.at)}</td>"
                f"<td>{esc(PLAY_LABELS.get(i.play or '', '-'))}</td></tr>"
            )
        parts.append("</tbody></table>")
    parts.append(
        "<footer>Ranked by ARR at risk (ARR x churn-risk score). Tier 1 likely to renew ... "
        "5 churn risk. stakegraph digest</footer></body></html>"
    )
    return "\n".join(parts) + "\n"
