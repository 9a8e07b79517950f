"""The tile map (a cartogram): one equal-size cell per unit, laid out like the province.

On the polygon map the 14 small urban wards are specks next to 88 large rural communes; on the
tile map every unit gets the same room for its name and colour, while west stays left and north
stays up, so people still find their commune by where it lies.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
import shapely

from data.registry import UnitRecord

# The centres are spread so that their convex hull covers this share of one cell per unit. Below 1
# the points are packed tighter than the cells they need, so the assignment pushes them outwards
# and fills every cell inside the shape; 0.4 gives a 13 x 11 grid without interior holes for the
# 102 units of Đắk Lắk (0.5 and above leave holes, 0.35 starts to distort).
HULL_SHARE = 0.4
MARGIN = 3  # free cells around the centres' bounding box, room for units pushed outwards


def tile_layout(units: Sequence[UnitRecord]) -> pd.DataFrame:
    """One grid cell per unit: a DataFrame with columns ``code``, ``col``, ``row``.

    ``col`` 0 is the west edge, ``row`` 0 the north edge; no two units share a cell.

    Method:
    1. Project the centres: x = longitude · cos(mean latitude) (so a degree of longitude and one
       of latitude are compared in the same ground distance), y = −latitude (rows go down).
    2. Scale them so that the convex hull of the centres covers ``HULL_SHARE`` × (number of
       units) cells: deliberately too tight, so the result is compact.
    3. Take every cell of the centres' bounding box plus ``MARGIN`` cells around it, and assign
       units to cells minimising the total squared distance between a unit's scaled centre and
       its cell's centre: an exact minimum-cost assignment (the Hungarian algorithm with
       potentials, :func:`_assign`), so no greedy order biases the result.
    4. Shift the cells so the smallest col and row are 0.

    Deterministic: units are taken in code order and ties go to the first cell in row-major order.
    """
    ordered = sorted(units, key=lambda unit: unit.code)
    if not ordered:
        return pd.DataFrame({"code": [], "col": [], "row": []}).astype(
            {"code": str, "col": int, "row": int}
        )
    lat = np.array([unit.centre_lat for unit in ordered], dtype=float)
    lon = np.array([unit.centre_lon for unit in ordered], dtype=float)
    x = lon * math.cos(math.radians(float(lat.mean())))
    y = -lat
    scale = _cell_size(x, y)
    gx, gy = (x - x.min()) / scale, (y - y.min()) / scale
    cols, rows = _candidate_cells(gx, gy, len(ordered))
    cost = (gx[:, None] - cols[None, :]) ** 2 + (gy[:, None] - rows[None, :]) ** 2
    cell = _assign(cost)
    return pd.DataFrame(
        {
            "code": [unit.code for unit in ordered],
            "col": (cols[cell] - cols[cell].min()).astype(int),
            "row": (rows[cell] - rows[cell].min()).astype(int),
        }
    )


def _cell_size(x: np.ndarray, y: np.ndarray) -> float:
    """The side of a cell in projected degrees (see step 2 of :func:`tile_layout`)."""
    area = shapely.convex_hull(shapely.multipoints(np.column_stack([x, y]))).area
    if area <= 0:  # one unit, or all centres on a line
        extent = max(float(np.ptp(x)), float(np.ptp(y)))
        area = extent * extent
    if area <= 0:
        return 1.0
    return math.sqrt(area / (HULL_SHARE * len(x)))


def _candidate_cells(gx: np.ndarray, gy: np.ndarray, needed: int) -> tuple[np.ndarray, np.ndarray]:
    """Integer cell coordinates (cols, rows) of the bounding box plus a margin, row-major."""
    margin = MARGIN
    while True:
        col_range = np.arange(-margin, math.ceil(gx.max()) + margin + 1)
        row_range = np.arange(-margin, math.ceil(gy.max()) + margin + 1)
        if len(col_range) * len(row_range) >= needed:
            break
        margin += 1
    cols, rows = np.meshgrid(col_range, row_range)
    return cols.ravel(), rows.ravel()


def _assign(cost: np.ndarray) -> np.ndarray:
    """For each row of ``cost`` (n x m, n <= m) its column in a minimum-cost assignment.

    The Hungarian algorithm in its shortest-augmenting-path form with row and column potentials
    (Kuhn-Munkres as refined by Jonker-Volgenant; O(n²·m)), the inner loop vectorised with numpy.
    """
    n, m = cost.shape
    if n > m:
        raise ValueError(f"{n} units but only {m} cells")
    row_pot = np.zeros(n + 1)
    col_pot = np.zeros(m + 1)
    owner = np.zeros(m + 1, dtype=int)  # owner[j]: 1-based row holding column j; 0 = free
    previous = np.zeros(m + 1, dtype=int)  # the augmenting path, column to column
    for row in range(1, n + 1):
        owner[0] = row
        current = 0
        slack = np.full(m + 1, np.inf)
        visited = np.zeros(m + 1, dtype=bool)
        while owner[current] != 0:
            visited[current] = True
            reduced = cost[owner[current] - 1] - row_pot[owner[current]] - col_pot[1:]
            open_ = ~visited[1:]
            improves = open_ & (reduced < slack[1:])
            slack[1:][improves] = reduced[improves]
            previous[1:][improves] = current
            candidates = np.where(open_, slack[1:], np.inf)
            nearest = int(np.argmin(candidates)) + 1
            delta = candidates[nearest - 1]
            seen = np.flatnonzero(visited)
            row_pot[owner[seen]] += delta
            col_pot[seen] -= delta
            slack[1:][open_] -= delta
            current = nearest
        while current != 0:  # flip the path: every column on it passes to the previous owner
            before = previous[current]
            owner[current] = owner[before]
            current = before
    assignment = np.empty(n, dtype=int)
    taken = np.flatnonzero(owner[1:]) + 1
    assignment[owner[taken] - 1] = taken - 1
    return assignment
