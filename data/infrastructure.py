"""Queries of digital infrastructure: the mobile sites and their dated stage changes (a few
thousand sites, a few per site)."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, select

from data.aggregate import as_dates
from data.models import InfraSite, InfraSiteStatusChange


def on_air_5g_sites(engine: Engine) -> pd.DataFrame:
    """5G sites with an on-air date: unit_code, serves_centre, on_air_at, population_covered."""
    query = select(
        InfraSite.unit_code,
        InfraSite.serves_centre,
        InfraSite.on_air_at,
        InfraSite.population_covered,
    ).where(InfraSite.technology == "5G", InfraSite.on_air_at.is_not(None))
    with engine.connect() as conn:
        frame = pd.read_sql(query, conn)
    return as_dates(frame, ["on_air_at"]).astype({"serves_centre": bool})


def pipeline_sites(engine: Engine) -> pd.DataFrame:
    """Every site as the rollout rules read it (``metrics.site_pipeline``): site_id, site_code,
    unit_code, operator, technology, serves_centre, lat, lon, population_covered."""
    query = select(
        InfraSite.id.label("site_id"),
        InfraSite.site_code,
        InfraSite.unit_code,
        InfraSite.operator,
        InfraSite.technology,
        InfraSite.serves_centre,
        InfraSite.lat,
        InfraSite.lon,
        InfraSite.population_covered,
    ).order_by(InfraSite.id)
    with engine.connect() as conn:
        frame = pd.read_sql(query, conn)
    return frame.astype({"serves_centre": bool, "unit_code": str})


def pipeline_history(engine: Engine) -> pd.DataFrame:
    """Every dated stage change, in record order: site_id, changed_at (a ``datetime.date``: the
    rules compare it with plain days), to_status, note."""
    query = select(
        InfraSiteStatusChange.site_id,
        InfraSiteStatusChange.changed_at,
        InfraSiteStatusChange.to_status,
        InfraSiteStatusChange.note,
    ).order_by(InfraSiteStatusChange.id)
    with engine.connect() as conn:
        frame = pd.read_sql(query, conn)
    days = pd.to_datetime(frame["changed_at"]).dt.date if len(frame) else frame["changed_at"]
    return frame.assign(changed_at=days)
