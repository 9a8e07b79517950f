"""Digital infrastructure (5G): the monthly measures of the sites on air.

Pure functions; the 5G sites' dated stage changes come from ``data.infrastructure``, read by
the rollout rules (``metrics.site_pipeline.on_air_spells``) exactly as the infrastructure page
and the dossier read them. A site counts at the end E of a period (see ``metrics.monthly``)
when it is on air on the period's last day — so a site that fell back along the pipeline (a
regression) stops counting from the month it fell back in, and counts again once it is back on
air. Measures:

* ``centre_5g_on_air``: 1 when a 5G site serving the unit's centre is on air at E;
* ``population_5g_pct``: people covered by the unit's 5G sites on air at E, capped at 100 %.
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
from metrics.site_pipeline import on_air_spells


def infrastructure_measures(
    history: pd.DataFrame, population: np.ndarray, grid: MonthGrid
) -> list[pd.DataFrame]:
    """``history``: site_id, unit_code, serves_centre, population_covered, changed_at,
    to_status (5G sites only); ``population``: units × 1."""
    sites = history.drop_duplicates("site_id").set_index("site_id")
    spells = on_air_spells(history[["site_id", "changed_at", "to_status"]])
    spells = spells.join(sites[["unit_code", "serves_centre", "population_covered"]], "site_id")
    on_from, off_from = month_index(spells["on_air_from"]), month_index(spells["off_air_from"])
    centre = spells["serves_centre"].astype(bool).to_numpy()
    centre_sites = totals_at_month_ends(
        grid, spells["unit_code"][centre], on_from[centre], off_from[centre]
    )
    covered = totals_at_month_ends(
        grid,
        spells["unit_code"],
        on_from,
        off_from,
        weight=spells["population_covered"].to_numpy(float),
    )
    # Sites overlap, so their summed coverage can exceed the population: cap at everyone.
    coverage = np.minimum(share_pct(covered, population), 100.0)
    return [
        measure_rows("centre_5g_on_air", grid, (centre_sites > 0).astype(float)),
        measure_rows("population_5g_pct", grid, coverage, known_population(population, grid)),
    ]
