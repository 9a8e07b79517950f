"""The tile map's labels stay inside their squares and are escaped."""

from __future__ import annotations

from geo.tilemap import wrap_name


def test_long_names_are_broken_into_short_lines() -> None:
    assert wrap_name("Buôn Ma Thuột") == "Buôn Ma<br>Thuột"
    assert wrap_name("Ea Súp") == "Ea Súp"
    assert wrap_name("Krông Pắc") == "Krông<br>Pắc"


def test_labels_are_escaped() -> None:
    assert wrap_name("<b>x</b>") == "&lt;b&gt;x&lt;/b&gt;"
