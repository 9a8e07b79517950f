"""One vocabulary: the band names are the stored strings, in one order everywhere."""

from __future__ import annotations

import json

from metrics.bands import BAND_ORDER, DISPLAY_ORDER, Band


def test_bands_are_their_stored_strings() -> None:
    assert [str(b) for b in Band] == ["green", "yellow", "red", "grey"]
    assert Band("grey") is Band.GREY
    assert Band.RED == "red" and f"band.{Band.YELLOW}" == "band.yellow"
    assert {"green": 1}[Band.GREEN] == 1  # looks a stored string up in a dict
    assert json.dumps([Band.GREEN]) == '["green"]'  # what the map's JSON layer carries


def test_orders() -> None:
    assert BAND_ORDER == (Band.RED, Band.YELLOW, Band.GREEN)  # worst to best, grey outside
    assert DISPLAY_ORDER == (Band.GREEN, Band.YELLOW, Band.RED, Band.GREY)
