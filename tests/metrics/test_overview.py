"""Registry search: by code or by name, with or without diacritics, on a hand-made registry."""

from __future__ import annotations

import pandas as pd

from metrics.overview import search_units

UNITS = pd.DataFrame(
    {
        "code": ["22015", "24211", "24412", "24184", "22291", "24175"],
        "full_name": [
            "Phường Tuy Hòa",
            "Xã Ea Súp",
            "Xã M’Drắk",
            "Xã Ea H’Leo",
            "Xã Hòa Xuân",
            "Xã Hòa Phú",
        ],
    }
)


def test_a_name_without_diacritics_finds_the_unit() -> None:
    assert search_units(UNITS, "ea sup") == ["24211"]
    assert search_units(UNITS, "EA SÚP") == ["24211"]
    assert search_units(UNITS, "mdrak") == []  # words are kept: the apostrophe is part of it
    assert search_units(UNITS, "m'drak") == ["24412"]  # ' and ’ alike
    assert search_units(UNITS, "M’Drắk") == ["24412"]


def test_old_and_new_tone_placement_both_match() -> None:
    # "Hoà" (old placement, mark on a) and "Hòa" (new, mark on o) are the same name.
    assert search_units(UNITS, "tuy hoà") == ["22015"]
    assert search_units(UNITS, "tuy hòa") == ["22015"]


def test_every_word_must_match_in_any_order() -> None:
    assert search_units(UNITS, "xuan hoa") == ["22291"]
    assert search_units(UNITS, "ea") == ["24211", "24184"]  # registry order


def test_a_code_prefix_matches_and_comes_first() -> None:
    assert search_units(UNITS, "2421") == ["24211"]
    assert search_units(UNITS, "241") == ["24184", "24175"]


def test_names_matching_with_their_marks_come_before_bare_matches() -> None:
    # "Hòa" typed with its mark: the three Hòa names match as typed, in registry order.
    assert search_units(UNITS, "Hòa") == ["22015", "22291", "24175"]
    # Words match at their start: "phu" starts "Phú" and "Phường", "up" starts nothing.
    assert search_units(UNITS, "hoa phu") == ["22015", "24175"]
    assert search_units(UNITS, "up") == []


def test_an_empty_query_finds_nothing() -> None:
    assert search_units(UNITS, "   ") == []
