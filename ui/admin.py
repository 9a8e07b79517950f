"""The admin page's texts: data loads as a reader reads them, with no path or address shown.

A viewer of the admin page is not necessarily the operator: the database URL, file paths and
the raw JSON of a load stay in the server's log and shell, the page shows what they mean.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any
from urllib.parse import urlparse

import pandas as pd

from i18n import table
from ui.text import day, num, t

BACKEND_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
BATCH_COLUMNS = ("id", "kind", "source_name", "imported_by", "imported_at", "row_count")
# Values the app itself writes into import_batches, shown translated.
SOURCE_KEYS = {"demo generator": "admin.source.demo_generator"}
IMPORTER_KEYS = {"system": "admin.by.system"}
PARAMETER_ORDER = ("seed", "scale", "end_date", "generator_version")  # the rest follow, as stored


def backend_name(dialect: str) -> str:
    return BACKEND_NAMES.get(dialect, dialect)


def timestamp(value: datetime | date | None) -> str:
    """dd/mm/yyyy HH:MM (a date alone: dd/mm/yyyy); ``–`` when unknown."""
    if value is None or value is pd.NaT:
        return "–"
    if isinstance(value, datetime):
        return f"{day(value)} {value:%H:%M}"
    return day(value)


def source_label(source: str | None) -> str:
    """What a load came from, without its folder or server: a file name, never a path or URL."""
    if not source:
        return "–"
    if source in SOURCE_KEYS:
        return t(SOURCE_KEYS[source])
    path = urlparse(source).path if "://" in source else source
    name = PureWindowsPath(path).name if "\\" in path else PurePosixPath(path).name
    return name or "–"


def importer_label(who: str | None) -> str:
    if not who:
        return "–"
    return t(IMPORTER_KEYS[who]) if who in IMPORTER_KEYS else who


def kind_label(kind: str) -> str:
    key = f"admin.kind.{kind}"
    return t(key) if key in table() else kind


def parameters_text(raw: str | dict[str, Any] | None) -> str:
    """A load's parameters as a translated list ("Hạt giống: 20250701 · Quy mô: ×1 · …")."""
    if raw is None or (isinstance(raw, float) and pd.isna(raw)) or raw == "":
        return "–"
    try:
        values = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        return t("admin.param.unreadable")
    if not isinstance(values, dict) or not values:
        return "–"
    ordered = sorted(
        values.items(),
        key=lambda item: PARAMETER_ORDER.index(item[0]) if item[0] in PARAMETER_ORDER else 99,
    )
    return " · ".join(_parameter(str(key), value) for key, value in ordered)


def _parameter(key: str, value: Any) -> str:
    label_key = f"admin.param.{key}"
    label = t(label_key) if label_key in table() else key
    return f"{label}: {_parameter_value(key, value)}"


def _parameter_value(key: str, value: Any) -> str:
    if key.endswith("date") and isinstance(value, str):
        try:
            return day(date.fromisoformat(value))
        except ValueError:
            return value
    if key == "scale" and isinstance(value, int | float):
        return "×" + num(value, 0 if float(value).is_integer() else 2)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if key == "seed":
        return str(value)  # an identifier, not a quantity: no thousands separator
    return num(value, 0 if float(value).is_integer() else 2)


def batches_table(batches: pd.DataFrame) -> pd.DataFrame:
    """The data loads, newest first, with translated headings and formatted cells."""
    rows = pd.DataFrame(
        {
            "id": [str(value) for value in batches["id"]],
            "kind": [kind_label(value) for value in batches["kind"]],
            "source_name": [source_label(value) for value in batches["source_name"]],
            "imported_by": [importer_label(value) for value in batches["imported_by"]],
            "imported_at": [timestamp(_as_datetime(v)) for v in batches["imported_at"]],
            "row_count": [num(value) for value in batches["row_count"]],
            "parameters": [parameters_text(value) for value in batches["parameters"]],
        }
    )
    return rows.rename(columns=lambda column: t(f"admin.batch.{column}"))


def _as_datetime(value: Any) -> datetime | None:
    if value is None or value is pd.NaT or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, str):
        return datetime.fromisoformat(value)
    return value
