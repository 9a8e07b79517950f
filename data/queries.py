"""Read-side queries the metrics layer and pages build on. Aggregation stays in SQL."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import Engine, func, select

from data.models import FeedbackCase, ImportBatch, IndicatorValue, InfraSite, Task, Unit


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
