"""The admin page's texts: data loads as a reader reads them, with no path or address shown;
and the publication of a month's results (the list of published months, a re-score on demand,
publishing with a confirmation step).

A viewer of the admin page is not necessarily the operator: the database URL, file paths and
the raw JSON of a load stay in the server's log and shell, the page shows what they mean.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any
from urllib.parse import urlparse

import pandas as pd
import streamlit as st

from common.periods import month_end
from common.spreadsheet import neutralise_formulas
from data.db import get_engine
from i18n import table
from metrics.api import REPORTING_WINDOW_DAYS, default_period
from metrics.publication import (
    AlreadyPublished,
    NotReproducible,
    PublishResult,
    ScoresBusy,
    UnknownPeriod,
    VerifyResult,
    publications,
    publish_period,
    publishable_months,
    verify_period,
)
from ui.loaders import page_loader
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


# --- publishing a month's results ----------------------------------------------------------------

PENDING_KEY = "admin_publish_pending"  # (period, publisher) awaiting confirmation
OUTCOME_KEY = "admin_publish_outcome"  # ("success" | "error", message) shown after the rerun
VERIFIED_KEY = "admin_publish_verified"  # the last re-score asked for: (period, result)
PUBLISH_WAIT_S = 30.0  # a page waits this long for another process computing the scores
HASH_SHOWN = 12  # characters of the catalog's sha256 (as the command line prints it)
PROBLEMS_SHOWN = 5


def period_text(period: date) -> str:
    """mm/yyyy: the month as the command line and the period filter write it."""
    return f"{period:%m/%Y}"


def publications_table(listing: pd.DataFrame) -> pd.DataFrame:
    """The published months, newest first, with translated headings."""
    rows = listing.sort_values("period", ascending=False)
    frame = pd.DataFrame(
        {
            "period": [period_text(p) for p in rows["period"]],
            "published_by": rows["published_by"].tolist(),
            "published_at": [timestamp(_as_datetime(v)) for v in rows["published_at"]],
            "catalog": [
                t("admin.publish.catalog_value", version=v, hash=h[:HASH_SHOWN])
                for v, h in zip(rows["catalog_version"], rows["catalog_hash"], strict=True)
            ],
            "data": [t("admin.publish.data_value", load=str(v)) for v in rows["data_version"]],
            "units": [num(v) for v in rows["units"]],
            "inputs": [num(v) for v in rows["input_rows"]],
        }
    )
    return frame.rename(columns=lambda column: t(f"admin.publish.col.{column}"))


def publish_error(exc: Exception, period: date) -> str:
    """One readable sentence for each way publishing is refused."""
    month_text = period_text(period)
    if isinstance(exc, AlreadyPublished):
        return t("admin.publish.error.already", period=month_text)
    if isinstance(exc, UnknownPeriod):
        return t("admin.publish.error.unknown", period=month_text)
    if isinstance(exc, ScoresBusy):
        return t("admin.publish.error.busy", period=month_text)
    if isinstance(exc, NotReproducible):
        return t(
            "admin.publish.error.not_reproducible", period=month_text, n=num(len(exc.problems))
        )
    raise exc


def published_text(result: PublishResult) -> str:
    return t(
        "admin.publish.done",
        period=period_text(result.period),
        units=num(result.units),
        inputs=num(result.inputs),
        version=result.catalog_version,
        hash=result.catalog_hash[:HASH_SHOWN],
        load=str(result.data_version),
    )


def verify_text(result: VerifyResult) -> tuple[bool, str]:
    """(identical, what to say) for a re-score of a published month."""
    month_text = period_text(result.period)
    if result.identical and result.catalog_intact:
        return True, t("admin.publish.verify_ok", period=month_text, units=num(result.units))
    parts = []
    if not result.catalog_intact:
        parts.append(t("admin.publish.verify_catalog_changed", period=month_text))
    if not result.identical:
        parts.append(
            t("admin.publish.verify_different", period=month_text, n=num(len(result.problems)))
        )
        parts += [f"- `{problem}`" for problem in result.problems[:PROBLEMS_SHOWN]]
    return False, "\n\n".join(parts)


def still_reporting(period: date, today: date) -> date | None:
    """The last day of ``period``'s reporting window when it is still open, else None."""
    closes = month_end(period) + timedelta(days=REPORTING_WINDOW_DAYS)
    return closes if today <= closes else None


@page_loader
def load_publications() -> pd.DataFrame:
    return publications(get_engine())  # admin only, always fresh


@page_loader
def load_publishable_months() -> list[date]:
    return publishable_months(get_engine())


@page_loader
def _publish(period: date, by: str) -> PublishResult | str:
    """Publish, or the sentence saying why not (a database error stops the page instead)."""
    try:
        return publish_period(get_engine(), period, by=by, wait_seconds=PUBLISH_WAIT_S)
    except (AlreadyPublished, UnknownPeriod, ScoresBusy, NotReproducible) as exc:
        return publish_error(exc, period)


@page_loader
def _verify(period: date) -> VerifyResult:
    return verify_period(get_engine(), period)


def publication_section() -> None:
    """The published months (with a re-score on demand) and the publish action."""
    st.subheader(t("admin.publish.title"))
    st.markdown(t("admin.publish.intro"))
    outcome = st.session_state.pop(OUTCOME_KEY, None)
    if outcome is not None:
        kind, message = outcome
        (st.success if kind == "success" else st.error)(message)
    listing = load_publications()
    if listing.empty:
        st.info(t("admin.publish.none"))
    else:
        st.dataframe(
            neutralise_formulas(publications_table(listing)), hide_index=True, width="stretch"
        )
        _verify_form(list(listing["period"]))
    st.markdown(f"**{t('admin.publish.new_title')}**")
    pending = st.session_state.get(PENDING_KEY)
    if pending is None:
        _publish_form()
    else:
        _confirmation(*pending)


def _verify_form(periods: list[date]) -> None:
    newest_first = sorted(periods, reverse=True)
    cols = st.columns([1, 2], vertical_alignment="bottom")
    chosen = cols[0].selectbox(
        t("admin.publish.verify_pick"), newest_first, format_func=period_text, key="verify_period"
    )
    if cols[1].button(
        t("admin.publish.verify_button"), help=t("admin.publish.verify_help"), key="verify"
    ):
        with st.spinner(t("admin.publish.verifying", period=period_text(chosen))):
            st.session_state[VERIFIED_KEY] = (chosen, _verify(chosen))
    verified = st.session_state.get(VERIFIED_KEY)
    if verified is not None and verified[0] == chosen:
        identical, message = verify_text(verified[1])
        (st.success if identical else st.error)(message)


def _publish_form() -> None:
    months = sorted(load_publishable_months(), reverse=True)
    if not months:
        st.info(t("admin.publish.nothing"))
        return
    suggested = default_period(sorted(months))
    with st.form("publish_form", border=True):
        cols = st.columns([1, 2])
        period = cols[0].selectbox(
            t("admin.publish.pick"),
            months,
            index=months.index(suggested) if suggested in months else 0,
            format_func=period_text,
            key="publish_period",
        )
        by = cols[1].text_input(
            t("admin.publish.by"),
            max_chars=120,  # the column's length
            placeholder=t("admin.publish.by_placeholder"),
            key="publish_by",
        )
        submitted = st.form_submit_button(t("admin.publish.next"))
    if not submitted:
        return
    if not by.strip():
        st.error(t("admin.publish.need_name"))
        return
    st.session_state[PENDING_KEY] = (period, by.strip())
    st.rerun()


def _confirmation(period: date, by: str) -> None:
    """Publishing is final: say so, and publish only on a second, explicit click."""
    st.warning(t("admin.publish.confirm", period=period_text(period), by=by), icon="⚠️")
    closes = still_reporting(period, date.today())
    if closes is not None:
        st.caption(t("admin.publish.still_reporting", date=day(closes)))
    cols = st.columns([1, 1, 4])
    confirmed = cols[0].button(t("admin.publish.confirm_button"), type="primary", key="confirm")
    cancelled = cols[1].button(t("admin.publish.cancel"), key="cancel")
    if not (confirmed or cancelled):
        return
    del st.session_state[PENDING_KEY]
    if confirmed:
        with st.spinner(t("admin.publish.working", period=period_text(period))):
            result = _publish(period, by)
        st.session_state[OUTCOME_KEY] = (
            ("error", result) if isinstance(result, str) else ("success", published_text(result))
        )
    st.rerun()
