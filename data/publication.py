"""Published results: the frozen tables of every month the Steering Committee published.

A publication is written once, in one transaction, and never updated or deleted here: there is
no function that changes a published row. Publishing a month twice is refused.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.exc import IntegrityError

from data.models import (
    Publication,
    PublishedIndicatorScore,
    PublishedInput,
    PublishedPillarScore,
    PublishedUnitScore,
)
from data.queries import SNAPSHOT_PILLAR_COLUMNS, plain_records

UNIT_COLUMNS = [
    "unit_code",
    "peer_group",
    "composite",
    "coverage",
    "reported",
    "expected",
    "last_update",
    "band",
    "rank_level",
    "rank_peer",
    "delta",
    "rank_delta",
]
PILLAR_COLUMNS = [c for c in SNAPSHOT_PILLAR_COLUMNS if c != "period"]
INDICATOR_COLUMNS = [
    "unit_code",
    "indicator_key",
    "value",
    "value_period",
    "source_type",
    "reported_at",
    "evidence_ref",
    "applicable",
    "missing_evidence",
    "points",
    "max_points",
]
INPUT_COLUMNS = [
    "unit_code",
    "indicator_key",
    "period",
    "value",
    "source_type",
    "reported_at",
    "evidence_ref",
    "applicable",
]


class AlreadyPublished(ValueError):
    """The month is published already: a published result never changes."""


@dataclass(frozen=True)
class PublicationHeader:
    period: date
    catalog_version: str
    catalog_hash: str
    catalog_text: str
    data_version: int
    snapshot_computed_at: datetime | None
    published_by: str
    published_at: datetime


@dataclass(frozen=True)
class PublishedTables:
    """What a publication holds: its header and the frozen rows (the inputs in the measures
    frame's shape, with any extra columns restored)."""

    header: PublicationHeader
    units: pd.DataFrame
    pillars: pd.DataFrame
    indicators: pd.DataFrame
    inputs: pd.DataFrame


# --- extra input columns: JSON with dates kept as dates ----------------------------------------


def _encode(value: Any) -> Any:
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, pd.Timestamp | datetime):
        return {"datetime": pd.Timestamp(value).isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and "datetime" in value:
        return pd.Timestamp(value["datetime"])
    if isinstance(value, dict) and "date" in value:
        return date.fromisoformat(value["date"])
    return value


def _rows(frame: pd.DataFrame, columns: list[str], **fixed: Any) -> list[dict[str, Any]]:
    return [{**row, **fixed} for row in plain_records(frame, columns)]


def _input_rows(inputs: pd.DataFrame, publication_id: int) -> list[dict[str, Any]]:
    for column in INPUT_COLUMNS:
        if column not in inputs:
            inputs = inputs.assign(**{column: None})
    extra_columns = [c for c in inputs.columns if c not in INPUT_COLUMNS]
    rows = _rows(inputs, INPUT_COLUMNS, publication_id=publication_id)
    if extra_columns:
        extras = inputs[extra_columns].astype(object).to_dict("records")
        for row, extra in zip(rows, extras, strict=True):
            row["extra"] = json.dumps({k: _encode(v) for k, v in extra.items()}, sort_keys=True)
    return rows


# --- writing -----------------------------------------------------------------------------------


def _published_id(conn: Connection, period: date) -> int | None:
    return conn.execute(select(Publication.id).where(Publication.period == period)).scalar()


def is_published(engine: Engine, period: date) -> bool:
    with engine.connect() as conn:
        return _published_id(conn, period) is not None


def write_publication(
    engine: Engine,
    header: PublicationHeader,
    units: pd.DataFrame,
    pillars: pd.DataFrame,
    indicators: pd.DataFrame,
    inputs: pd.DataFrame,
) -> int:
    """Store one publication in one transaction; :class:`AlreadyPublished` if the month is."""
    try:
        with engine.begin() as conn:
            if _published_id(conn, header.period) is not None:
                raise AlreadyPublished(header.period.isoformat())
            publication_id = int(
                conn.execute(
                    Publication.__table__.insert().returning(Publication.id),
                    [{**header.__dict__, "input_rows": len(inputs)}],
                ).scalar_one()
            )
            fixed = {"publication_id": publication_id}
            for model, frame, columns in (
                (PublishedUnitScore, units, UNIT_COLUMNS),
                (PublishedPillarScore, pillars, PILLAR_COLUMNS),
                (PublishedIndicatorScore, indicators, INDICATOR_COLUMNS),
            ):
                if not frame.empty:
                    conn.execute(model.__table__.insert(), _rows(frame, columns, **fixed))
            if not inputs.empty:
                conn.execute(PublishedInput.__table__.insert(), _input_rows(inputs, publication_id))
    except IntegrityError as exc:  # another process published the month meanwhile
        if is_published(engine, header.period):
            raise AlreadyPublished(header.period.isoformat()) from exc
        raise
    return publication_id


# --- reading -----------------------------------------------------------------------------------


def published_periods(engine: Engine) -> list[date]:
    with engine.connect() as conn:
        return list(conn.execute(select(Publication.period).order_by(Publication.period)).scalars())


def _frame(conn: Connection, model: Any, publication_id: int, columns: list[str]) -> pd.DataFrame:
    table = model.__table__
    query = (
        select(*[table.c[c] for c in columns])
        .where(table.c.publication_id == publication_id)
        .order_by(table.c.id)
    )
    return pd.read_sql(query, conn)


def _restore_inputs(frame: pd.DataFrame) -> pd.DataFrame:
    extras = frame.pop("extra")
    frame["period"] = pd.to_datetime(frame["period"]).dt.date
    frame["reported_at"] = pd.to_datetime(frame["reported_at"])
    if extras.notna().any():
        decoded = pd.DataFrame(
            [
                {k: _decode(v) for k, v in json.loads(e).items()} if isinstance(e, str) else {}
                for e in extras
            ],
            index=frame.index,
        )
        frame = pd.concat([frame, decoded], axis=1)
    return frame


def read_publication(engine: Engine, period: date) -> PublishedTables | None:
    """The frozen publication of ``period``, or None when the month is not published."""
    with engine.connect() as conn:
        row = conn.execute(
            select(Publication.__table__).where(Publication.period == period)
        ).first()
        if row is None:
            return None
        record = row._mapping
        header = PublicationHeader(**{k: record[k] for k in PublicationHeader.__dataclass_fields__})
        pid = int(record["id"])
        units = _frame(conn, PublishedUnitScore, pid, UNIT_COLUMNS)
        pillars = _frame(conn, PublishedPillarScore, pid, PILLAR_COLUMNS)
        indicators = _frame(conn, PublishedIndicatorScore, pid, INDICATOR_COLUMNS)
        inputs = _frame(conn, PublishedInput, pid, [*INPUT_COLUMNS, "extra"])
    return PublishedTables(header, units, pillars, indicators, _restore_inputs(inputs))


def read_publication_header(engine: Engine, period: date) -> PublicationHeader | None:
    """Who published ``period``, when, under which catalog (no rows), or None if unpublished."""
    columns = [Publication.__table__.c[name] for name in PublicationHeader.__dataclass_fields__]
    with engine.connect() as conn:
        row = conn.execute(select(*columns).where(Publication.period == period)).first()
    return None if row is None else PublicationHeader(**row._mapping)


def read_published_units(engine: Engine, period: date) -> pd.DataFrame | None:
    """Only the frozen unit rows of ``period`` (what a page shows), or None if unpublished."""
    with engine.connect() as conn:
        pid = _published_id(conn, period)
        if pid is None:
            return None
        return _frame(conn, PublishedUnitScore, pid, UNIT_COLUMNS)


def read_publications(engine: Engine) -> pd.DataFrame:
    """Every publication, oldest month first: its header (without the catalog text, which can
    be long), how many input rows it froze and how many units it holds."""
    header = Publication.__table__
    units = (
        select(
            PublishedUnitScore.publication_id,
            func.count().label("units"),
        )
        .group_by(PublishedUnitScore.publication_id)
        .subquery()
    )
    columns = [
        header.c[name] for name in PublicationHeader.__dataclass_fields__ if name != "catalog_text"
    ]
    query = (
        select(*columns, header.c.input_rows, func.coalesce(units.c.units, 0).label("units"))
        .outerjoin(units, units.c.publication_id == header.c.id)
        .order_by(header.c.period)
    )
    with engine.connect() as conn:
        frame = pd.read_sql(query, conn)
    frame["period"] = pd.to_datetime(frame["period"]).dt.date
    return frame


def read_published_indicators(engine: Engine, period: date, unit_code: str) -> pd.DataFrame | None:
    """The frozen indicator rows of one unit in ``period`` (a dossier's indicator table as
    published), or None when the month is not published."""
    table = PublishedIndicatorScore.__table__
    with engine.connect() as conn:
        pid = _published_id(conn, period)
        if pid is None:
            return None
        query = (
            select(*[table.c[c] for c in INDICATOR_COLUMNS])
            .where(table.c.publication_id == pid, table.c.unit_code == unit_code)
            .order_by(table.c.id)
        )
        return pd.read_sql(query, conn)
