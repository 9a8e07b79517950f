"""The map of open cases: circles sized by the cell's cases and coloured by its overdue share,
tooltips that travel as inert data, and nothing loaded from outside the machine."""

from __future__ import annotations

import json
import re
from typing import Any

import pandas as pd
import pytest

from geo.case_map import case_layer, case_map, overdue_band, point_payload, radius_px
from metrics.bands import Band

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[108.0, 12.5], [108.1, 12.5], [108.1, 12.6], [108.0, 12.6], [108.0, 12.5]]],
}


def geojson(full_name: str = "Xã Ea Kar") -> dict[str, Any]:
    properties = {"code": "24373", "name": "Ea Kar", "full_name": full_name}
    return {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "geometry": SQUARE, "properties": properties}],
    }


GEOMETRY_URL = "/app/static/boundaries/abc.json"
POINTS = pd.DataFrame(
    {
        "lat": [12.515, 12.525, 12.585],
        "lon": [108.005, 108.015, 108.095],
        "cases": [3, 4, 3],
        "overdue": [0, 2, 0],
    }
)
PAYLOADS = ("<img src=x onerror=alert(1)>", "<script>window.__xss=1</script>", "${alert(1)}", "`")


def describe(cases: int, overdue: int) -> str:
    return f"{cases} phản ánh đang mở, {overdue} quá hạn"


def render(points: pd.DataFrame = POINTS, text: Any = describe, name: str = "Xã Ea Kar") -> str:
    fmap = case_map(
        points,
        geojson(name),
        geometry_url=GEOMETRY_URL,
        describe=text,
        unit_label="Đơn vị",
        failure_text="Không tải được ranh giới",
    )
    return fmap.get_root().render()


def cells_data(page: str) -> dict[str, Any]:
    """The cells' JSON the layer script carries (``var cells = {...};``)."""
    match = re.search(r"var cells = (\{.*?\});\n", page)
    assert match, "the layer script carries the cells"
    return json.loads(match.group(1))


@pytest.mark.parametrize(
    ("cases", "overdue", "band"),
    [
        (3, 0, Band.GREEN),  # none overdue
        (3, 1, Band.YELLOW),  # 1 of 3 is under half
        (4, 2, Band.RED),  # 2 of 4 is half: red from half on
        (1, 1, Band.RED),
    ],
)
def test_colour_by_share_overdue(cases: int, overdue: int, band: Band) -> None:
    assert overdue_band(cases, overdue) is band


def test_radius_grows_with_the_square_root_of_the_cases() -> None:
    # 4 px + 2.5 px × √cases, at most 26 px.
    assert radius_px(1) == 6.5
    assert radius_px(25) == 16.5
    assert radius_px(100) == 26.0  # 4 + 25 = 29, capped
    assert radius_px(0) == 4.0


def test_cells_share_their_styles_and_texts() -> None:
    payload = point_payload(POINTS, describe)
    # The first and the third cell have the same counts (3, 0): one text, one (green) style.
    assert payload["texts"] == ["3 phản ánh đang mở, 0 quá hạn", "4 phản ánh đang mở, 2 quá hạn"]
    assert payload["styles"] == [["#2e9d5b", "#1d6b3d"], ["#d9453b", "#8f2a23"]]
    assert payload["points"] == [
        [12.515, 108.005, 8.3, 0, 0],  # 4 + 2.5 × √3 = 8.33
        [12.525, 108.015, 9.0, 1, 1],  # 4 + 2.5 × 2 = 9
        [12.585, 108.095, 8.3, 0, 0],
    ]


def test_tooltip_texts_travel_as_data_and_are_shown_verbatim() -> None:
    script_ends = render().count("</script>")
    for payload in PAYLOADS:
        page = render(text=lambda _c, _o, p=payload: p, name=payload)
        assert "<img" not in page and "<script>window" not in page, payload
        assert page.count("</script>") == script_ends, payload
        # One text per distinct (cases, overdue): (3, 0) and (4, 2).
        assert cells_data(page)["texts"] == [payload, payload], payload
        # Put on the page as text, never as HTML.
        assert "text.textContent = cells.texts[point[4]]" in page
        assert "innerHTML" not in page


def test_the_map_loads_nothing_from_outside() -> None:
    page = render()
    assert "https://" not in page and "http://" not in page
    assert "/app/static/leaflet/leaflet.js" in page
    assert json.dumps(GEOMETRY_URL) in page  # the outlines come from the app's own file


def test_the_outlines_name_the_unit_and_draw_no_band_symbol() -> None:
    page = render()
    units = json.loads(re.search(r"var units = (\{.*?\});\n", page).group(1))  # type: ignore[union-attr]
    assert units["24373"]["lines"] == [["Đơn vị", "Xã Ea Kar"]]
    assert "centre" not in units["24373"]  # no symbol marker at the unit's centre


def test_no_cells_is_an_empty_layer_not_an_error() -> None:
    empty = POINTS.iloc[0:0]
    layer = case_layer(
        empty,
        geojson(),
        geometry_url=GEOMETRY_URL,
        describe=describe,
        unit_label="Đơn vị",
        failure_text="x",
    )
    assert layer is not None
    assert cells_data(render(empty)) == {"points": [], "styles": [], "texts": []}
