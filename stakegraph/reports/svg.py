"""Charts as inline SVG text: no script, no style element, no external fetch.

Presentation is in SVG attributes (``fill``, ``stroke``, ``font-size``), which a strict
Content-Security-Policy (``style-src 'self'``, no inline style) allows, so the same chart
prints from a file and renders under the API's policy. Each chart is an ``<svg
role="img">`` with a ``<title>`` for screen readers; callers put a table of the same
figures beside it.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from html import escape

# Colour-blind-safe palette (Okabe & Ito 2008), in the order series are drawn.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
# Tiers 1 (likely to renew) to 5 (churn risk): green to red.
TIER_COLOURS = ("#1a9850", "#91cf60", "#d9d9d9", "#fc8d59", "#d73027")
AXIS = "#555555"
GRID = "#e5e5e5"
FONT = 'font-family="Helvetica, Arial, sans-serif"'

Point = tuple[float, float | None]


def line_chart(
    title: str,
    series: Mapping[str, Sequence[Point]],
    *,
    width: int = 640,
    height: int = 240,
    y_label: str = "",
    y_min: float | None = None,
    y_max: float | None = None,
    x_is_time: bool = True,
) -> str:
    """Lines over a shared x axis (epoch seconds when ``x_is_time``); None values break a line."""
    xs = [x for points in series.values() for x, y in points if y is not None]
    ys = [y for points in series.values() for _, y in points if y is not None]
    if not xs:
        return _empty(title, width, height)
    left, right, top, bottom = 52, 28, 28, 44 + 16 * _legend_rows(series, width)
    lo = min(ys) if y_min is None else y_min
    hi = max(ys) if y_max is None else y_max
    lo, hi, ticks = _nice_range(lo, hi)
    x0, x1 = min(xs), max(xs)
    span = (x1 - x0) or 1.0

    def sx(x: float) -> float:
        return left + (x - x0) / span * (width - left - right)

    def sy(y: float) -> float:
        return top + (hi - y) / ((hi - lo) or 1.0) * (height - top - bottom)

    parts = [_open(title, width, height), _title(title, left)]
    for tick in ticks:
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{sy(tick):.1f}" y2="{sy(tick):.1f}" '
            f'stroke="{GRID}"/>'
            f'<text x="{left - 6}" y="{sy(tick) + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="{AXIS}" {FONT}>{_fmt(tick)}</text>'
        )
    distinct_x = sorted(set(xs))
    for x in _thin(distinct_x, max(2, (width - left - right) // 70)):
        label = time.strftime("%b %d", time.gmtime(x)) if x_is_time else _fmt(x)
        parts.append(
            f'<text x="{sx(x):.1f}" y="{height - bottom + 16}" text-anchor="middle" '
            f'font-size="11" fill="{AXIS}" {FONT}>{escape(label)}</text>'
        )
    parts.append(
        f'<line x1="{left}" x2="{width - right}" y1="{height - bottom}" y2="{height - bottom}" '
        f'stroke="{AXIS}"/>'
    )
    if y_label:
        parts.append(
            f'<text x="12" y="{(top + height - bottom) / 2:.1f}" font-size="11" fill="{AXIS}" '
            f'text-anchor="middle" transform="rotate(-90 12 {(top + height - bottom) / 2:.1f})" '
            f"{FONT}>{escape(y_label)}</text>"
        )
    for index, (name, points) in enumerate(series.items()):
        colour = PALETTE[index % len(PALETTE)]
        for run in _runs(points):
            coords = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in run)
            if len(run) > 1:
                parts.append(
                    f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2"/>'
                )
            for x, y in run:
                parts.append(
                    f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="2.5" fill="{colour}">'
                    f"<title>{escape(name)}: {_fmt(y)}</title></circle>"
                )
    parts.append(_legend(list(series), width, height - 16 * _legend_rows(series, width) - 4, left))
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(
    title: str,
    categories: Sequence[str],
    stacks: Mapping[str, Sequence[float]],
    *,
    width: int = 640,
    height: int = 240,
    colours: Sequence[str] | None = None,
    stacked: bool = True,
) -> str:
    """Bars per category: one segment per stack (stacked) or side by side (grouped)."""
    if not categories or not stacks:
        return _empty(title, width, height)
    colours = list(colours or PALETTE)
    left, right, top, bottom = 52, 16, 28, 44 + 16 * _legend_rows(stacks, width)
    totals = [
        sum(values[i] for values in stacks.values())
        if stacked
        else max(values[i] for values in stacks.values())
        for i in range(len(categories))
    ]
    lo, hi, ticks = _nice_range(0.0, max(max(totals), 1.0), whole=True)
    plot_h = height - top - bottom
    slot = (width - left - right) / len(categories)
    bar_w = slot * 0.7 / (1 if stacked else len(stacks))

    def sy(y: float) -> float:
        return top + (hi - y) / ((hi - lo) or 1.0) * plot_h

    parts = [_open(title, width, height), _title(title, left)]
    for tick in ticks:
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{sy(tick):.1f}" y2="{sy(tick):.1f}" '
            f'stroke="{GRID}"/>'
            f'<text x="{left - 6}" y="{sy(tick) + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="{AXIS}" {FONT}>{_fmt(tick)}</text>'
        )
    for i, category in enumerate(categories):
        base = 0.0
        for j, (name, values) in enumerate(stacks.items()):
            value = float(values[i])
            if value <= 0:
                continue
            x = left + slot * i + slot * 0.15 + (0 if stacked else j * bar_w)
            y_top = sy(base + value) if stacked else sy(value)
            y_bottom = sy(base) if stacked else sy(0.0)
            parts.append(
                f'<rect x="{x:.1f}" y="{y_top:.1f}" width="{bar_w:.1f}" '
                f'height="{max(y_bottom - y_top, 0.5):.1f}" fill="{colours[j % len(colours)]}">'
                f"<title>{escape(category)}, {escape(name)}: {_fmt(value)}</title></rect>"
            )
            if stacked:
                base += value
        parts.append(
            f'<text x="{left + slot * (i + 0.5):.1f}" y="{height - bottom + 16}" '
            f'text-anchor="middle" font-size="11" fill="{AXIS}" {FONT}>{escape(category)}</text>'
        )
    parts.append(
        f'<line x1="{left}" x2="{width - right}" y1="{sy(0.0):.1f}" y2="{sy(0.0):.1f}" '
        f'stroke="{AXIS}"/>'
    )
    if len(stacks) > 1 or next(iter(stacks)) != title:
        parts.append(
            _legend(
                list(stacks),
                width,
                height - 16 * _legend_rows(stacks, width) - 4,
                left,
                colours=colours,
            )
        )
    parts.append("</svg>")
    return "".join(parts)


def _open(title: str, width: int, height: int) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}"><title>{escape(title)}</title>'
    )


def _title(title: str, left: int) -> str:
    return (
        f'<text x="{left}" y="16" font-size="13" font-weight="bold" fill="#222222" {FONT}>'
        f"{escape(title)}</text>"
    )


def _empty(title: str, width: int, height: int) -> str:
    return (
        _open(title, width, 60)
        + _title(title, 8)
        + f'<text x="8" y="40" font-size="12" fill="{AXIS}" {FONT}>no data in this period</text>'
        + "</svg>"
    )


def _legend_rows(series: Mapping[str, object], width: int) -> int:
    per_row = max(1, (width - 60) // 150)
    return math.ceil(len(series) / per_row)


def _legend(
    names: Sequence[str], width: int, y: float, left: int, *, colours: Sequence[str] = PALETTE
) -> str:
    per_row = max(1, (width - 60) // 150)
    parts = []
    for index, name in enumerate(names):
        row, column = divmod(index, per_row)
        x = left + column * 150
        yy = y + row * 16
        parts.append(
            f'<rect x="{x}" y="{yy:.1f}" width="10" height="10" '
            f'fill="{colours[index % len(colours)]}"/>'
            f'<text x="{x + 14}" y="{yy + 9:.1f}" font-size="11" fill="#222222" {FONT}>'
            f"{escape(name)}</text>"
        )
    return "".join(parts)


def _runs(points: Sequence[Point]) -> list[list[tuple[float, float]]]:
    runs: list[list[tuple[float, float]]] = [[]]
    for x, y in sorted(points, key=lambda p: p[0]):
        if y is None or y != y:
            runs.append([])
        else:
            runs[-1].append((x, y))
    return [run for run in runs if run]


def _thin(values: Sequence[float], most: int) -> list[float]:
    if len(values) <= most:
        return list(values)
    step = math.ceil(len(values) / most)
    return list(values[::step])


def _nice_range(lo: float, hi: float, *, whole: bool = False) -> tuple[float, float, list[float]]:
    """A rounded axis range around [lo, hi] and its 3-6 ticks (whole numbers for counts)."""
    if hi == lo:
        hi, lo = hi + 1.0, lo - 1.0 if lo != 0 else 0.0
    raw = (hi - lo) / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    if whole:
        step = max(1.0, math.ceil(step))
    start = math.floor(lo / step) * step
    end = math.ceil(hi / step) * step
    ticks = [start + k * step for k in range(round((end - start) / step) + 1)]
    return start, end, ticks


def _fmt(value: float) -> str:
    if abs(value - round(value)) < 1e-9:
        return f"{round(value):,}"
    return f"{value:.2f}" if abs(value) < 10 else f"{value:.1f}"
