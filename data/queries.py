"""Read-side queries the metrics layer and pages build on. Aggregation stays in SQL."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, func, select

from data.models import (
    SNAPSHOT_TABLES,
    FeedbackCase,
    ImportBatch,
    IndicatorValue,
    InfraSite,
    ScoreIndicatorSnapshot,
    ScorePillarSnapshot,
    ScoreSnapshot,
    Task,
    Unit,
)


def read_units(engine: Engine) -> pd.DataFrame:
    """The 102 units, one row each, ordered by code."""
    with engine.connect() as conn:
        return pd.read_sql(select(Unit.__table__).order_by(Unit.code), conn)


def data_version(engine: Engine) -> int:
    """Changes whenever data is loaded: the newest import batch id (0 before any)."""
    with engine.connect() as conn:
        return int(conn.execute(select(func.coalesce(func.max(ImportBatch.id), 0))).scalar_one())


@dataclass(frozen=True)
class DatasetStatus:
    """What the database holds, for the demo banner and the admin page."""

    has_demo_data: bool
    last_loaded_at: datetime | None
    demo_parameters: dict[str, Any] = field(default_factory=dict)
    row_counts: dict[str, int] = field(default_factory=dict)


def _count(conn: Any, model: Any) -> int:
    return int(conn.execute(select(func.count()).select_from(model)).scalar_one())


def dataset_status(engine: Engine) -> DatasetStatus:
    with engine.connect() as conn:
        newest_demo = conn.execute(
            select(ImportBatch.parameters)
            .where(ImportBatch.kind == "demo")
            .order_by(ImportBatch.id.desc())
            .limit(1)
        ).first()
        last_loaded = conn.execute(select(func.max(ImportBatch.imported_at))).scalar_one()
        counts = {
            "indicator_values": _count(conn, IndicatorValue),
            "tasks": _count(conn, Task),
            "feedback_cases": _count(conn, FeedbackCase),
            "infra_sites": _count(conn, InfraSite),
        }
    parameters = json.loads(newest_demo[0]) if newest_demo and newest_demo[0] else {}
    return DatasetStatus(
        has_demo_data=newest_demo is not None,
        last_loaded_at=last_loaded,
        demo_parameters=parameters,
        row_counts=counts,
    )


def import_batches(engine: Engine, limit: int = 50) -> pd.DataFrame:
    """The newest loads first: who, when, what, how many rows."""
    with engine.connect() as conn:
        return pd.read_sql(
            select(ImportBatch.__table__).order_by(ImportBatch.id.desc()).limit(limit), conn
        )


# --- scoring inputs and stored scores ---------------------------------------------------------


def read_indicator_measures(engine: Engine) -> pd.DataFrame:
    """Every stored indicator value in the metrics layer's *measures* shape."""
    query = select(
        IndicatorValue.unit_code,
        IndicatorValue.indicator_key,
        IndicatorValue.period,
        IndicatorValue.value,
        IndicatorValue.source_type,
        IndicatorValue.reported_at,
        IndicatorValue.evidence_ref,
        IndicatorValue.verified_by,
        IndicatorValue.verified_at,
    )
    with engine.connect() as conn:
        frame = pd.read_sql(query, conn)
    frame["period"] = pd.to_datetime(frame["period"]).dt.date
    frame["reported_at"] = pd.to_datetime(frame["reported_at"])
    frame["verified_at"] = pd.to_datetime(frame["verified_at"])
    return frame


def snapshot_versions(engine: Engine) -> tuple[str, int] | None:
    """(catalog version, data version) of the stored snapshots, or None when there are none."""
    state = snapshot_state(engine)
    return None if state is None else (state.catalog_version, state.data_version)


@dataclass(frozen=True)
class SnapshotState:
    """What the stored scores are: the catalog and data version they were computed from, the
    months they cover and when they were written. Every write gets a new ``computed_at``, so
    ``identity`` names one set of stored scores (what score caches are keyed on)."""

    catalog_version: str
    data_version: int
    first_period: date
    last_period: date
    months: int
    computed_at: datetime
    catalog_hash: str = ""  # the catalog's content hash (what "current" is judged on)

    @property
    def identity(self) -> tuple[str, int, str]:
        return (self.catalog_version, self.data_version, self.computed_at.isoformat())


def _snapshot_state(conn: Connection) -> SnapshotState | None:
    # All rows share versions and computed_at (one write replaces every row); if not, the
    # newest write's group wins.
    row = conn.execute(
        select(
            ScoreSnapshot.catalog_version,
            ScoreSnapshot.data_version,
            func.min(ScoreSnapshot.period),
            func.max(ScoreSnapshot.period),
            func.count(func.distinct(ScoreSnapshot.period)),
            func.max(ScoreSnapshot.computed_at),
            ScoreSnapshot.catalog_hash,
        )
        .group_by(
            ScoreSnapshot.catalog_version, ScoreSnapshot.data_version, ScoreSnapshot.catalog_hash
        )
        .order_by(func.max(ScoreSnapshot.computed_at).desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    return SnapshotState(row[0], int(row[1]), row[2], row[3], int(row[4]), row[5], row[6] or "")


def snapshot_state(engine: Engine) -> SnapshotState | None:
    """The stored scores' :class:`SnapshotState`, or None when no score is stored."""
    with engine.connect() as conn:
        return _snapshot_state(conn)


def store_versions(engine: Engine) -> tuple[int, SnapshotState | None]:
    """The data version and the stored scores' state, in one round trip's connection."""
    with engine.connect() as conn:
        version = conn.execute(select(func.coalesce(func.max(ImportBatch.id), 0))).scalar_one()
        return int(version), _snapshot_state(conn)


def plain_records(frame: pd.DataFrame, columns: list[str]) -> list[dict[str, Any]]:
    """Rows as plain Python values (NaN and NaT → None) for an executemany insert."""
    subset = frame[columns].astype(object).where(frame[columns].notna(), None)
    return [
        {str(key): _plain(value) for key, value in row.items()} for row in subset.to_dict("records")
    ]


def _plain(value: Any) -> Any:
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    return value


SNAPSHOT_UNIT_COLUMNS = [
    "period",
    "unit_code",
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
SNAPSHOT_PILLAR_COLUMNS = [
    "period",
    "unit_code",
    "pillar",
    "earned",
    "available",
    "score_pct",
    "band",
]
SNAPSHOT_INDICATOR_COLUMNS = [
    "period",
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


def write_snapshots(
    engine: Engine,
    units: pd.DataFrame,
    pillars: pd.DataFrame,
    indicators: pd.DataFrame,
    *,
    catalog_version: str,
    data_version: int,
    computed_at: datetime,
    catalog_hash: str = "",
) -> None:
    """Replace every stored snapshot with these, in one transaction (all or nothing)."""
    unit_rows = plain_records(units, SNAPSHOT_UNIT_COLUMNS)
    for row in unit_rows:
        row.update(
            catalog_version=catalog_version,
            catalog_hash=catalog_hash,
            data_version=data_version,
            computed_at=computed_at,
        )
    with engine.begin() as conn:
        for table in SNAPSHOT_TABLES:
            conn.execute(table.delete())
        conn.execute(ScoreSnapshot.__table__.insert(), unit_rows)
        conn.execute(
            ScorePillarSnapshot.__table__.insert(), plain_records(pillars, SNAPSHOT_PILLAR_COLUMNS)
        )
        conn.execute(
            ScoreIndicatorSnapshot.__table__.insert(),
            plain_records(indicators, SNAPSHOT_INDICATOR_COLUMNS),
        )


def read_snapshot_periods(engine: Engine) -> list[date]:
    with engine.connect() as conn:
        periods = conn.execute(
            select(ScoreSnapshot.period).distinct().order_by(ScoreSnapshot.period)
        ).scalars()
        return list(periods)


def read_unit_snapshots(engine: Engine, period: date) -> pd.DataFrame:
    """One row per unit for ``period``: the stored score joined with the registry facts."""
    query = (
        select(
            Unit.code.label("unit_code"),
            Unit.name,
            Unit.full_name,
            Unit.unit_type,
            Unit.peer_group,
            Unit.population,
            *[c for c in ScoreSnapshot.__table__.c if c.name not in {"id", "unit_code"}],
        )
        .join(ScoreSnapshot, ScoreSnapshot.unit_code == Unit.code)
        .where(ScoreSnapshot.period == period)
        .order_by(Unit.code)
    )
    with engine.connect() as conn:
        return pd.read_sql(query, conn)


def read_pillar_snapshots(
    engine: Engine, period: date | None = None, unit_code: str | None = None
) -> pd.DataFrame:
    query = select(ScorePillarSnapshot.__table__)
    if period is not None:
        query = query.where(ScorePillarSnapshot.period == period)
    if unit_code is not None:
        query = query.where(ScorePillarSnapshot.unit_code == unit_code)
    with engine.connect() as conn:
        return pd.read_sql(query, conn)


def read_indicator_snapshots(
    engine: Engine, period: date, unit_code: str | None = None
) -> pd.DataFrame:
    query = select(ScoreIndicatorSnapshot.__table__).where(ScoreIndicatorSnapshot.period == period)
    if unit_code is not None:
        query = query.where(ScoreIndicatorSnapshot.unit_code == unit_code)
    with engine.connect() as conn:
        return pd.read_sql(query, conn)


def read_unit_history(engine: Engine, unit_code: str) -> pd.DataFrame:
    """A unit's stored score in every period (for its trend)."""
    query = (
        select(ScoreSnapshot.__table__)
        .where(ScoreSnapshot.unit_code == unit_code)
        .order_by(ScoreSnapshot.period)
    )
    with engine.connect() as conn:
        return pd.read_sql(query, conn)
