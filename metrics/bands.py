"""The one vocabulary of bands: every layer names a unit's colour with :class:`Band`.

A ``StrEnum``: each member *is* its string ("green", …), so stored rows, URL values, JSON for
the map and translation keys (``band.green``) keep working unchanged, and a typo in a band name
fails at import instead of painting a unit the wrong colour.
"""

from __future__ import annotations

from enum import StrEnum


class Band(StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"
    GREY = "grey"  # not enough recent data to judge: outside the good-to-bad order


# Worst to best; grey is outside the order.
BAND_ORDER: tuple[Band, ...] = (Band.RED, Band.YELLOW, Band.GREEN)
# How bands are listed to people (legends, KPI cards): best first, grey last.
DISPLAY_ORDER: tuple[Band, ...] = (Band.GREEN, Band.YELLOW, Band.RED, Band.GREY)
