"""Escaping: injected markup and JavaScript template payloads come out as inert text."""

from __future__ import annotations

import html

import folium
import pytest

from geo.escape import escape_for_map

PAYLOADS = [
    "<img src=x onerror=alert(1)>",
    "${alert(1)}",
    "`; alert(1); `",
    "\\x3cimg src=x onerror=alert(1)\\x3e",
    "\" onmouseover='alert(1)'",
    "Mom & Pop",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_is_inert_and_reads_the_same(payload: str) -> None:
    escaped = escape_for_map(payload)
    for dangerous in "<>\"'`$\\":
        assert dangerous not in escaped
    assert html.unescape(escaped) == payload  # the browser still shows what was typed


def test_exact_replacements() -> None:
    assert escape_for_map("<img src=x onerror=alert(1)>") == "&lt;img src=x onerror=alert(1)&gt;"
    assert escape_for_map("${alert(1)}") == "&#36;{alert(1)}"
    assert escape_for_map("a`b\\c") == "a&#96;b&#92;c"
    assert escape_for_map("A & B") == "A &amp; B"


def test_vietnamese_names_are_untouched() -> None:
    assert escape_for_map("Ea H’Leo") == "Ea H’Leo"  # U+2019, not an ASCII quote
    assert escape_for_map("Phường Tuy Hòa") == "Phường Tuy Hòa"
    assert escape_for_map(12.5) == "12.5"  # type: ignore[arg-type]


def test_tooltip_renders_no_live_payload() -> None:
    m = folium.Map(tiles=None)
    marker = folium.CircleMarker([13, 108.5], radius=3).add_to(m)
    folium.Tooltip(escape_for_map("<img src=x onerror=alert(1)> ${alert(2)}")).add_to(marker)
    rendered = m.get_root().render()
    assert "<img src=x" not in rendered
    assert "${alert(2)}" not in rendered
    assert "&lt;img src=x onerror=alert(1)&gt; &#36;{alert(2)}" in rendered
