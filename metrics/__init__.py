"""The metrics layer: the one place where a unit gets its numbers. Imports no Streamlit.

Public interface (what pages call):

- ``count_units(units)`` → :class:`metrics.overview.UnitCounts`: how many units of each type and
  peer group, total population and area, from the registry frame ``data.queries.read_units``.

The indicator catalog and the scoring engine (composite score, bands, explanations) join this
interface with the metrics-layer issue.
"""

from __future__ import annotations

from metrics.overview import UnitCounts, count_units

__all__ = ["UnitCounts", "count_units"]
