"""Queries of digital infrastructure: the 5G sites (a few thousand rows)."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, select

from data.aggregate import as_dates
from data.models import InfraSite


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
