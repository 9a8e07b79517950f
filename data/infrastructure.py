"""Queries of digital infrastructure: the mobile sites and their dated stage changes (a few
thousand sites, a few per site)."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, func, select

from data.models import InfraFibreMonth, InfraSite, InfraSiteStatusChange, InfraSiteUnchecked


def five_g_site_history(engine: Engine) -> pd.DataFrame:
    """The dated stage changes of every 5G site, in record order, each with its site's unit,
    centre flag and population covered (what the score's 5G measures read): site_id,
    unit_code, serves_centre, population_covered, changed_at (a ``datetime.date``),
    to_status."""
    query = (
        select(
            InfraSiteStatusChange.site_id,
            InfraSite.unit_code,
            InfraSite.serves_centre,
            InfraSite.population_covered,
            InfraSiteStatusChange.changed_at,
            InfraSiteStatusChange.to_status,
        )
        .join(InfraSite, InfraSite.id == InfraSiteStatusChange.site_id)
        .where(InfraSite.technology == "5G")
        .order_by(InfraSiteStatusChange.id)
    )
    with engine.connect() as conn:
        frame = pd.read_sql(query, conn)
    days = pd.to_datetime(frame["changed_at"]).dt.date if len(frame) else frame["changed_at"]
    return frame.assign(changed_at=days).astype({"serves_centre": bool, "unit_code": str})


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


def fibre_by_unit(engine: Engine) -> pd.DataFrame:
    """Fibre to the home per unit and month: unit_code, month (a ``datetime.date``, the month's
    first day), households, households_passed, households_connected; by unit, then month."""
    query = select(
        InfraFibreMonth.unit_code,
        InfraFibreMonth.month,
        InfraFibreMonth.households,
        InfraFibreMonth.households_passed,
        InfraFibreMonth.households_connected,
    ).order_by(InfraFibreMonth.unit_code, InfraFibreMonth.month)
    with engine.connect() as conn:
        frame = pd.read_sql(query, conn)
    months = pd.to_datetime(frame["month"]).dt.date if len(frame) else frame["month"]
    return frame.assign(month=months).astype({"unit_code": str})


UNCHECKED_COLUMNS = (
    "site_code",
    "reason",
    "stated_unit",
    "located_unit",
    "operator",
    "technology",
    "serves_centre",
    "lat",
    "lon",
    "status",
    "received_at",
)


def unchecked_sites(engine: Engine) -> pd.DataFrame:
    """The imported sites that need checking (outside the province, unknown unit, unit and
    location disagree, no location), newest first: :data:`UNCHECKED_COLUMNS`."""
    query = select(*(getattr(InfraSiteUnchecked, c) for c in UNCHECKED_COLUMNS)).order_by(
        InfraSiteUnchecked.received_at.desc(), InfraSiteUnchecked.site_code
    )
    with engine.connect() as conn:
        frame = pd.read_sql(query, conn)
    return frame.astype({"serves_centre": bool})


def unchecked_site_count(engine: Engine) -> int:
    """How many imported sites need checking."""
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(InfraSiteUnchecked)).scalar_one())
