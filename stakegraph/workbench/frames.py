"""Query results as pandas DataFrames, with instants as UTC timestamps.

Two kinds of column become pandas timestamps in UTC (``datetime64[..., UTC]``):

- **temporal values**: the read-only runner ships Cypher dates and datetimes as ISO 8601
  text; a column whose every non-empty value is such a text (``2024-06-30``,
  ``2024-06-30T10:00:00.000000000+00:00``) is parsed. A date reads as its midnight UTC,
  as the store's ``*_epoch`` copies of dates do.
- **epoch seconds**: the store keeps every instant as integer seconds too (``at_epoch``,
  ``renewal_epoch``, ``Signal.at``, ``Snapshot.window_end``, ``TIE.last_at``,
  ``Account.analyzed_at``: docs/data-model.md). A numeric column is read as an instant when
  its name says so: :func:`is_instant_name`. The rule is on names, not on values, so that a
  count or an ARR that happens to look like a plausible epoch is never turned into a date.

Everything else is left as the driver gave it (lists stay lists, maps stay dicts).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

# Instants in the data model are named `at`, `window_start`, `window_end`, or end in one of
# these (`at_epoch`, `renewal_epoch`, `last_at`, `analyzed_at`, `last_seen_at`, ...).
INSTANT_NAMES = frozenset({"at", "window_start", "window_end"})
INSTANT_SUFFIXES = ("_at", "_epoch")

_ISO_TEMPORAL = re.compile(
    r"^\d{4}-\d{2}-\d{2}"  # a date ...
    r"(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?(\[[^\]]+\])?)?$"  # ... maybe a time
)


def is_instant_name(column: str) -> bool:
    """Whether a numeric column of that name holds epoch seconds.

    Examples
    --------
    >>> [is_instant_name(c) for c in ("at", "renewal_epoch", "last_seen_at", "days_silent")]
    [True, True, True, False]
    """
    return column in INSTANT_NAMES or column.endswith(INSTANT_SUFFIXES)


def to_frame(columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """Rows of a read-only result as a DataFrame in the result's column order, instants parsed.

    Examples
    --------
    >>> frame = to_frame(
    ...     ["name", "renewal_at", "day", "n"],
    ...     [{"name": "Acme", "renewal_at": 1725148800, "day": "2024-06-30", "n": 3}],
    ... )
    >>> [str(frame.loc[0, c]) for c in frame.columns]
    ['Acme', '2024-09-01 00:00:00+00:00', '2024-06-30 00:00:00+00:00', '3']
    """
    records = list(rows)
    return pd.DataFrame(
        {c: _column(c, [record.get(c) for record in records]) for c in columns},
        columns=list(columns),
    )


def _column(name: str, raw: list[Any]) -> pd.Series:
    present = [v for v in raw if v is not None]
    if not present:
        return pd.Series(raw, dtype=object)
    if all(_is_number(v) for v in present):
        if is_instant_name(name):
            return pd.to_datetime(pd.Series(raw, dtype="float64"), unit="s", utc=True)
        if all(isinstance(v, int) for v in present):
            # whole numbers stay whole when some are missing (not float with NaN)
            return pd.Series(raw, dtype="Int64" if len(present) < len(raw) else "int64")
        return pd.Series(raw, dtype="float64")
    if all(isinstance(v, str) and _ISO_TEMPORAL.match(v) for v in present):
        # Neo4j writes nanoseconds and may add a zone name in brackets: pandas takes neither.
        text = pd.Series(raw, dtype=object).str.replace(r"\[[^\]]+\]$", "", regex=True)
        text = text.str.replace(r"(\.\d{6})\d+", r"\1", regex=True)
        return pd.to_datetime(text, format="ISO8601", utc=True)
    return pd.Series(raw)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def display_value(value: Any) -> str:
    """One cell as people read it: a date when an instant falls on midnight UTC.

    Examples
    --------
    >>> display_value(pd.Timestamp("2024-06-30", tz="UTC"))
    '2024-06-30'
    >>> display_value(pd.Timestamp("2024-06-30 10:00:05", tz="UTC"))
    '2024-06-30 10:00:05Z'
    >>> display_value(["Acme", "Beta"]), display_value(None), display_value(float("nan"))
    ('["Acme", "Beta"]', '', '')
    """
    if isinstance(value, pd.Timestamp):
        if value.tz is not None:
            value = value.tz_convert("UTC")
        if value == value.normalize():
            return value.strftime("%Y-%m-%d")
        return value.strftime("%Y-%m-%d %H:%M:%S") + ("Z" if value.tz is not None else "")
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(value, default=str, ensure_ascii=False)
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return ""
    return str(value)


def frame_to_csv(frame: pd.DataFrame) -> str:
    """CSV text: instants in ISO 8601 (UTC), lists and maps as JSON, text cells safe to
    open in a spreadsheet (:func:`spreadsheet_safe`)."""
    return spreadsheet_safe(_for_text(frame)).to_csv(index=False)


# A text cell that begins with one of these is read as a formula by Excel, LibreOffice and
# Sheets. The cells hold names, titles and subjects from outside: a sender may call
# themselves "=HYPERLINK(...)".
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with each text cell that a spreadsheet would run as a formula written with
    a leading apostrophe, which they show as text (as the web app's CSV download does);
    numbers stay numbers, a negative one included.

    >>> spreadsheet_safe(pd.DataFrame({"name": ["=1+1", "Ann", "-x"], "n": [-1, 2, 3]}))
        name  n
    0  '=1+1 -1
    1    Ann  2
    2    '-x  3
    """
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(
                lambda v: f"'{v}" if isinstance(v, str) and v.startswith(_FORMULA_START) else v
            )
    return out


def frame_to_json(frame: pd.DataFrame) -> str:
    """A JSON list of row objects: instants in ISO 8601 (UTC), missing values null."""
    text = frame.to_json(orient="records", date_format="iso", date_unit="s", force_ascii=False)
    return text if text is not None else "[]"


def _for_text(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = out[column].map(
                lambda v: "" if v is pd.NaT else v.strftime("%Y-%m-%dT%H:%M:%SZ")
            )
        elif out[column].dtype == object:
            out[column] = out[column].map(
                lambda v: (
                    json.dumps(v, default=str, ensure_ascii=False)
                    if isinstance(v, (dict, list, tuple))
                    else v
                )
            )
    return out
