"""Digital infrastructure (5G): the monthly measures of the sites on air.

Pure functions; the sites come from ``data.infrastructure``. Measures at the end E of each
period (see ``metrics.monthly``):

* ``centre_5g_on_air``: 1 when a 5G site serving the unit's centre is on air before E;
* ``population_5g_pct``: people covered by the unit's 5G sites on air before E, capped at 100 %.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.monthly import (
    MonthGrid,
    known_population,
    measure_rows,
    month_index,
    share_pct,
    totals_at_month_ends,
)


def infrastructure_measures(
    sites: pd.DataFrame, population: np.ndarray, grid: MonthGrid
) -> list[pd.DataFrame]:
    """``sites``: unit_code, serves_centre, on_air_at, population_covered; ``population``:
    units × 1."""
    on_air_from = month_index(sites["on_air_at"])
    centre = sites["serves_centre"].astype(bool).to_numpy()
    centre_sites = totals_at_month_ends(grid, sites["unit_code"][centre], on_air_from[centre])
    covered = totals_at_month_ends(
        grid, sites["unit_code"], on_air_from, weight=sites["population_covered"].to_numpy(float)
    )
    # Sites overlap, so their summed coverage can exceed the population: cap at everyone.
    coverage = np.minimum(share_pct(covered, population), 100.0)
    return [
        measure_rows("centre_5g_on_air", grid, (centre_sites > 0).astype(float)),
        measure_rows("population_5g_pct", grid, coverage, known_population(population, grid)),
    ]
