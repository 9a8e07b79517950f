"""Fibre to the home per unit and month: households, households passed and connected.

The connected households are the score's ``fibre_household_pct`` indicator turned into counts:
connected = round(households × that month's value / 100), the value being the one the indicator
generator writes (``data.demo.indicators.fibre_household_values``), so the infrastructure page
and the score tell the same story. A unit's households are its population / 3.8 (the average
household size of the Central Highlands, 2019 census).

Households *passed* (a fibre line reaches the house, whether or not it subscribes) run ahead of
the connected ones: each unit keeps a drawn share of the households not connected out of reach,
so the gap narrows as connections grow and passed never falls.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from common.periods import add_months
from data.demo.indicators import fibre_household_values
from data.demo.load import Rows
from data.demo.world import World, stream
from data.models import InfraFibreMonth

PEOPLE_PER_HOUSEHOLD = 3.8


def generate(world: World, batch_id: int) -> Iterator[Rows]:
    """Rows of ``infra_fibre_monthly``: every unit × every month that ended before the snapshot
    (the months the measured indicator has a value for)."""
    months, percent = fibre_household_values(world)
    ended = [i for i, month in enumerate(months) if add_months(month, 1) < world.end_date]
    if not ended:
        return
    percent = percent[:, ended]
    households = np.round(world.units.population / PEOPLE_PER_HOUSEHOLD).astype(np.int64)
    connected = np.round(households[:, None] * percent / 100.0).astype(np.int64)
    rng = stream(world.seed, "fibre", "passed")
    # The share of the not-yet-connected households a line already reaches, per unit.
    reach = rng.uniform(0.35, 0.75, len(world.units))[:, None]
    passed_pct = 100.0 - (100.0 - percent) * (1.0 - reach)
    passed = np.round(households[:, None] * passed_pct / 100.0).astype(np.int64)
    passed = np.clip(np.maximum(passed, connected), 0, households[:, None])
    n_units, n_months = percent.shape
    month_days = np.array([months[i] for i in ended], dtype="datetime64[D]")
    yield Rows(
        InfraFibreMonth.__table__,
        {
            "unit_code": np.repeat(world.units.code, n_months),
            "month": np.tile(month_days, n_units),
            "households": np.repeat(households, n_months),
            "households_passed": passed.ravel(),
            "households_connected": connected.ravel(),
            "batch_id": np.full(n_units * n_months, batch_id),
        },
    )
