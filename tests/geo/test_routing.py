"""Routing by coordinates: points a few metres inside a real border go to the right unit.

The points are computed here from the reference geometry (``communes_detailed.geojson``): the
longest edge two named units share, its midpoint moved 5 m along the edge's normal in an
equal-area projection (metres), one point to each side. Which side is which unit is decided by
the ring's orientation (the inside of a counter-clockwise ring lies to the left of every edge),
not by a point-in-polygon test, so the expectation does not come from the code under test.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pyproj
import pytest
import shapely
from shapely.geometry import shape

from data.registry import UnitRecord
from data.settings import load_settings
from geo.boundaries import EQUAL_AREA, BoundaryError
from geo.routing import (
    RoutingBoundaries,
    load_routing_boundaries,
    route_points,
    routing_source,
)
from tests.geo.conftest import DETAILED, REFERENCE

pytestmark = pytest.mark.skipif(not DETAILED.exists(), reason="needs ../shared/geo")

TO_METRES = pyproj.Transformer.from_crs("EPSG:4326", EQUAL_AREA, always_xy=True)
TO_DEGREES = pyproj.Transformer.from_crs(EQUAL_AREA, "EPSG:4326", always_xy=True)
OFFSET_M = 5.0

# Two borders: inside Buôn Ma Thuột city (old Đắk Lắk), and the line of the Phường 9 split in
# Tuy Hòa (old Phú Yên), where the reference areas show the published line is contested.
PAIRS = [("24121", "24133"), ("22015", "22045")]  # (Tân Lập, Buôn Ma Thuột), (Tuy Hòa, Bình Kiến)


@pytest.fixture(scope="module")
def detailed(units: list[UnitRecord]) -> RoutingBoundaries:
    return load_routing_boundaries(DETAILED, units)


@cache
def collection_of(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def geometry(path: Path, code: str) -> Any:
    found = next(f for f in collection_of(path)["features"] if f["properties"]["code"] == code)
    return shape(found["geometry"])


Edge = tuple[float, np.ndarray, np.ndarray, bool]  # length (m), start, end (degrees), ring ccw


def shared_edges(first: Any, second: Any) -> list[Edge]:
    """The edges of ``first``'s exterior rings whose both ends lie on ``second``'s boundary,
    longest first, each with whether its ring runs counter-clockwise."""
    edges: list[Edge] = []
    for polygon in getattr(first, "geoms", [first]):
        ring = polygon.exterior
        coords = np.asarray(ring.coords)
        on_second = shapely.intersects_xy(second.boundary, coords[:, 0], coords[:, 1])
        for i in np.flatnonzero(on_second[:-1] & on_second[1:]):
            start, end = coords[i], coords[i + 1]
            metres = np.subtract(TO_METRES.transform(*end), TO_METRES.transform(*start))
            edges.append((float(np.hypot(*metres)), start, end, bool(ring.is_ccw)))
    assert edges, "the two units share no edge: wrong pair"
    return sorted(edges, key=lambda edge: -edge[0])


def shared_edge(first: Any, second: Any) -> tuple[np.ndarray, np.ndarray, bool]:
    """The longest edge the two share: (start, end) in degrees, and its ring's orientation."""
    length, start, end, ccw = shared_edges(first, second)[0]
    assert length > 4 * OFFSET_M, "shared edge too short for a clean 5 m offset"
    return start, end, ccw


def offset_points(
    start: np.ndarray, end: np.ndarray, ccw: bool
) -> tuple[tuple[float, float], tuple[float, float]]:
    """(lon, lat) 5 m inside the first unit and 5 m inside the second, off the edge's middle."""
    (x0, y0), (x1, y1) = TO_METRES.transform(*start), TO_METRES.transform(*end)
    mx, my = (x0 + x1) / 2, (y0 + y1) / 2
    length = np.hypot(x1 - x0, y1 - y0)
    left = np.array([-(y1 - y0), x1 - x0]) / length  # unit normal to the left of start → end
    inward = left if ccw else -left
    inside_first = TO_DEGREES.transform(mx + OFFSET_M * inward[0], my + OFFSET_M * inward[1])
    inside_second = TO_DEGREES.transform(mx - OFFSET_M * inward[0], my - OFFSET_M * inward[1])
    return inside_first, inside_second


@pytest.mark.parametrize(("first", "second"), PAIRS)
def test_a_point_five_metres_inside_each_side_of_a_border_goes_to_that_side(
    detailed: RoutingBoundaries, first: str, second: str
) -> None:
    start, end, ccw = shared_edge(geometry(DETAILED, first), geometry(DETAILED, second))
    (lon1, lat1), (lon2, lat2) = offset_points(start, end, ccw)
    # The set-up itself: both points 5 m (± 1 cm of projection round trip) from the edge.
    edge = shapely.LineString([TO_METRES.transform(*start), TO_METRES.transform(*end)])
    for lon, lat in ((lon1, lat1), (lon2, lat2)):
        assert edge.distance(shapely.Point(TO_METRES.transform(lon, lat))) == pytest.approx(
            OFFSET_M, abs=0.01
        )
    routed = route_points([lat1, lat2], [lon1, lon2], detailed)
    assert routed.tolist() == [first, second]


def test_a_point_on_a_shared_vertex_goes_to_the_smaller_code_whatever_the_file_order(
    detailed: RoutingBoundaries,
) -> None:
    first, second = "24121", "24133"  # Tân Lập < Buôn Ma Thuột
    start, _end, _ = shared_edge(geometry(DETAILED, first), geometry(DETAILED, second))
    lon, lat = float(start[0]), float(start[1])  # a vertex of both polygons, exactly
    assert route_points([lat], [lon], detailed).tolist() == [first]
    # The same layer with the features in reverse order decides the same way.
    reversed_layer = RoutingBoundaries.from_geometries(
        list(detailed.codes[::-1]), list(detailed.polygons[::-1])
    )
    assert route_points([lat], [lon], reversed_layer).tolist() == [first]


def test_points_outside_the_province_or_without_coordinates_get_no_unit(
    detailed: RoutingBoundaries,
) -> None:
    points = {
        "Pleiku (Gia Lai)": (13.9833, 108.0000),
        "the sea off Tuy Hòa": (13.0900, 109.6000),
        "Nha Trang (Khánh Hòa)": (12.2388, 109.1967),
        "no latitude": (float("nan"), 108.0),
    }
    lat, lon = zip(*points.values(), strict=True)
    assert route_points(list(lat), list(lon), detailed).tolist() == [None] * len(points)


def test_every_unit_centre_of_the_registry_routes_to_its_unit(
    detailed: RoutingBoundaries, units: list[UnitRecord]
) -> None:
    # The registry's centres are points inside each unit (data/reference/SOURCES.md).
    routed = route_points([u.centre_lat for u in units], [u.centre_lon for u in units], detailed)
    assert routed.tolist() == [u.code for u in units]


def test_the_simplified_web_layer_would_misroute_a_point_the_detailed_one_gets_right(
    detailed: RoutingBoundaries,
) -> None:
    """Why routing reads the detailed layer: the web copy moves borders by tens of metres
    (SOURCES.md: median 68 m). Take the longest Tân Lập / Buôn Ma Thuột edge whose middle lies
    over 20 m from the web copy's border: a point 5 m to one side of it is on the wrong side of
    the web border, so the web copy sends one of the two points to the neighbour. (The Tuy Hòa
    / Bình Kiến line is a few long straight edges, which the web copy keeps to within 0,4 m.)"""
    first, second = "24121", "24133"
    collection = collection_of(REFERENCE)
    web = {f["properties"]["code"]: shape(f["geometry"]) for f in collection["features"]}
    web_border = shapely.transform(
        shapely.intersection(web[first].boundary, web[second].boundary),
        lambda xy: np.column_stack(TO_METRES.transform(xy[:, 0], xy[:, 1])),
    )

    def moved(edge: Edge) -> bool:
        middle = np.add(TO_METRES.transform(*edge[1]), TO_METRES.transform(*edge[2])) / 2
        return edge[0] > 4 * OFFSET_M and web_border.distance(shapely.Point(middle)) > 20

    edges = shared_edges(geometry(DETAILED, first), geometry(DETAILED, second))
    _length, start, end, ccw = next(edge for edge in edges if moved(edge))
    (lon1, lat1), (lon2, lat2) = offset_points(start, end, ccw)
    simplified = RoutingBoundaries.from_geometries(list(web), list(web.values()))
    assert route_points([lat1, lat2], [lon1, lon2], detailed).tolist() == [first, second]
    assert route_points([lat1, lat2], [lon1, lon2], simplified).tolist() != [first, second]


def test_a_layer_missing_a_unit_or_with_a_foreign_code_is_refused(
    tmp_path: Path, units: list[UnitRecord]
) -> None:
    collection = copy.deepcopy(collection_of(REFERENCE))  # the small file: the checks are the same
    dropped = collection["features"].pop()["properties"]["code"]  # one unit missing
    collection["features"][0]["properties"]["code"] = "99999"  # and one code not in the registry
    path = tmp_path / "broken.geojson"
    path.write_text(json.dumps(collection), encoding="utf-8")
    with pytest.raises(BoundaryError) as caught:
        load_routing_boundaries(path, units)
    text = str(caught.value)
    assert "99999" in text and dropped in text


def test_the_setting_names_the_layer_else_the_reference_file_beside_the_checkout() -> None:
    assert (
        routing_source(load_settings({"DASHBOARD_ROUTING_BOUNDARIES": "/x/d.gpkg"})) == "/x/d.gpkg"
    )
    assert routing_source(load_settings({})) == str(DETAILED.resolve())
