"""What a person sees and clicks, in a real browser: the map, the tile map, the dossier."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pandas as pd
import pytest
from playwright.sync_api import Frame
from shapely.geometry import shape
from sqlalchemy import create_engine

from data.registry import load_units
from metrics.api import available_periods, default_period, scorecard
from tests.e2e.conftest import SCREENSHOTS, RecordedPage, recorded_page, wait_until_ready

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


def non_local_requests(recorded: RecordedPage) -> list[str]:
    return [
        url
        for url in recorded.requests
        if urlparse(url).scheme in {"http", "https", "ws", "wss"}
        and urlparse(url).hostname not in LOCAL_HOSTS
    ]


def unit_in_url(url: str) -> str:
    return parse_qs(urlparse(url).query)["unit"][0]


def open_home(recorded: RecordedPage, server: str, query: str = "") -> None:
    recorded.page.goto(f"{server}/{query}")
    wait_until_ready(recorded.page)


SCREENS = {"1366x768": (1366, 768), "1920x1080": (1920, 1080)}
CLICKED_BANDS = ("green", "yellow", "red")
# Streamlit's header covers the top of the page; keep clear of it and of the bottom edge.
TOP_CLEARANCE, BOTTOM_CLEARANCE = 100, 120
SCROLL_MARGIN = 40  # a scrolled point lands this far inside the clear band

# Run inside the map frame: the unit's Leaflet polygon, found by its feature's code.
FIND_UNIT_JS = """(code) => {
  let found = null;
  window.map.eachLayer((layer) => {
    if (layer.feature && layer._path && layer.feature.properties.code === code) { found = layer; }
  });
  return found;
}"""
UNIT_GEOMETRY_JS = f"(code) => {{ const layer = ({FIND_UNIT_JS})(code);"
UNIT_GEOMETRY_JS += " return layer ? layer.feature.geometry : null; }"
# Where a point of the map lies in the frame, and whether the unit's own path is what the mouse
# would hit there (not a neighbour, not a gap, not the SVG group).
POINT_IN_FRAME_JS = f"""([code, lat, lng]) => {{
  const layer = ({FIND_UNIT_JS})(code);
  const point = window.map.latLngToContainerPoint([lat, lng]);
  const box = window.map.getContainer().getBoundingClientRect();
  const x = box.left + point.x, y = box.top + point.y;
  return {{x: x, y: y, hits_unit: document.elementFromPoint(x, y) === layer._path}};
}}"""
# Scroll the Streamlit page (its scrolling element is an ancestor of the element) by dy.
SCROLL_PAGE_JS = """([selector, dy]) => {
  let el = document.querySelector(selector);
  const scrolls = (e) => e.scrollHeight > e.clientHeight
    && /auto|scroll/.test(getComputedStyle(e).overflowY);
  while (el && !scrolls(el)) { el = el.parentElement; }
  (el || document.scrollingElement).scrollBy({top: dy, behavior: "instant"});
}"""


@dataclass(frozen=True)
class Target:
    code: str
    full_name: str
    band: str


def scored_units(database: Path) -> pd.DataFrame:
    """The scorecard of the month the home page opens on, read from the server's database."""
    engine = create_engine(f"sqlite:///{database}")
    try:
        return scorecard(engine, default_period(available_periods(engine)))
    finally:
        engine.dispose()


def one_unit_per_band(database: Path, bands: tuple[str, ...]) -> list[Target]:
    """For each band, its largest unit: the scorecard decides the colour, not this test."""
    card = scored_units(database)
    area = {u.code: u.area_km2_official for u in load_units()}
    card = card.assign(area=card["unit_code"].map(area))
    targets = []
    for band in bands:
        units = card[card["band"] == band]
        assert not units.empty, f"the demo data has no {band} unit to click"
        row = units.sort_values(["area", "unit_code"], ascending=[False, True]).iloc[0]
        targets.append(Target(str(row["unit_code"]), str(row["full_name"]), band))
    return targets


def map_frame(page: object) -> Frame:
    return next(f for f in page.frames if "streamlit_folium" in f.url)  # type: ignore[attr-defined]


def on_screen(page: object, selector: str, y: float, viewport_height: int) -> bool:
    """Whether page height ``y`` is clear of the header and the bottom edge; if not, scroll the
    page (no further than that) so it will be, and say False."""
    if TOP_CLEARANCE <= y <= viewport_height - BOTTOM_CLEARANCE:
        return True
    if y > viewport_height - BOTTOM_CLEARANCE:
        goal = viewport_height - BOTTOM_CLEARANCE - SCROLL_MARGIN
    else:
        goal = TOP_CLEARANCE + SCROLL_MARGIN
    page.evaluate(SCROLL_PAGE_JS, [selector, y - goal])  # type: ignore[attr-defined]
    return False


def click_point(page: object, code: str, viewport_height: int) -> tuple[float, float]:
    """A point of the page inside unit ``code``'s polygon, scrolled on screen (as little as
    needed, so the map may stay partly off screen, as a person sees it on a laptop)."""
    frame = map_frame(page)
    geometry = frame.evaluate(UNIT_GEOMETRY_JS, code)
    assert geometry is not None, f"unit {code} is not on the map"
    inside = shape(geometry).representative_point()  # always inside, even for a concave shape
    for _ in range(3):
        spot = frame.evaluate(POINT_IN_FRAME_JS, [code, inside.y, inside.x])
        box = page.locator(MAP_FRAME).bounding_box()  # type: ignore[attr-defined]
        x, y = box["x"] + spot["x"], box["y"] + spot["y"]
        if on_screen(page, MAP_FRAME, y, viewport_height):
            assert spot["hits_unit"], f"the point chosen for {code} is not on its own shape"
            return x, y
    raise AssertionError(f"unit {code} could not be scrolled on screen")


@pytest.mark.parametrize("screen", SCREENS)
def test_a_mouse_click_on_a_unit_opens_its_dossier(
    server: str, demo_database: Path, browser: object, screen: str
) -> None:
    """A real click (mouse moved there, pressed, released), not a dispatched event: the map
    once scrolled the page on the first mousedown and the click reached no unit."""
    width, height = SCREENS[screen]
    with recorded_page(browser, width, height) as recorded:
        page = recorded.page
        open_home(recorded, server)  # the first page view fills the database
        for index, target in enumerate(one_unit_per_band(demo_database, CLICKED_BANDS)):
            if index:  # a fresh page each time: the map has not had the focus yet
                open_home(recorded, server)
            page.frame_locator(MAP_FRAME).locator("path.leaflet-interactive").nth(101).wait_for(
                timeout=60_000
            )
            x, y = click_point(page, target.code, height)
            page.mouse.move(x, y, steps=5)
            tooltip = page.frame_locator(MAP_FRAME).locator(".leaflet-tooltip td")
            # Hovering shows THIS unit's tooltip (others may still be fading out).
            tooltip.get_by_text(target.full_name, exact=True).wait_for(timeout=10_000)
            page.screenshot(path=str(SCREENSHOTS / f"heat-map-click-{target.band}-{screen}.png"))
            page.mouse.click(x, y)
            page.wait_for_url("**/dossier?**", timeout=60_000)
            wait_until_ready(page)
            assert unit_in_url(page.url) == target.code, target
            assert page.locator("h2").filter(has_text=target.full_name).count() == 1, target
        page.screenshot(path=str(SCREENSHOTS / f"dossier-{screen}.png"))
        assert non_local_requests(recorded) == []


def test_map_has_102_units(server: str, page_1080: RecordedPage) -> None:
    page = page_1080.page
    open_home(page_1080, server)
    shapes = page.frame_locator(MAP_FRAME).locator("path.leaflet-interactive")
    shapes.first.wait_for(timeout=60_000)
    assert shapes.count() == 102
    page.screenshot(path=str(SCREENSHOTS / "heat-map-1920x1080.png"))
    assert non_local_requests(page_1080) == []


PLOT = ".js-plotly-plot"
# Run in the page: where the tile of unit ``code`` is drawn, from Plotly's own data and axes.
TILE_POSITION_JS = f"""(code) => {{
  const plot = document.querySelector('{PLOT}');
  const layout = plot._fullLayout, box = plot.getBoundingClientRect();
  for (const trace of plot._fullData) {{
    const i = (trace.customdata || []).findIndex((row) => String(row[0]) === code);
    if (i >= 0) {{
      return [box.left + layout._size.l + layout.xaxis.l2p(trace.x[i]),
              box.top + layout._size.t + layout.yaxis.l2p(trace.y[i])];
    }}
  }}
  return null;
}}"""


@pytest.mark.parametrize("screen", SCREENS)
def test_a_mouse_click_on_a_tile_opens_its_dossier(
    server: str, demo_database: Path, browser: object, screen: str
) -> None:
    width, height = SCREENS[screen]
    with recorded_page(browser, width, height) as recorded:
        page = recorded.page
        open_home(recorded, server, "?view=tiles")
        points = page.locator(f"{PLOT} .scatterlayer path.point")
        points.first.wait_for(timeout=60_000)
        assert points.count() == 102
        page.screenshot(path=str(SCREENSHOTS / f"tile-map-{screen}.png"))
        target = one_unit_per_band(demo_database, ("red",))[0]
        for _ in range(3):
            position = page.evaluate(TILE_POSITION_JS, target.code)
            assert position is not None, f"unit {target.code} has no tile"
            if on_screen(page, PLOT, position[1], height):
                break
        else:
            raise AssertionError(f"the tile of {target.code} could not be scrolled on screen")
        page.mouse.move(*position, steps=5)
        page.locator(f"{PLOT} g.hovertext").filter(has_text=target.full_name).wait_for()
        page.screenshot(path=str(SCREENSHOTS / f"tile-map-hover-{screen}.png"))
        page.mouse.click(*position)
        page.wait_for_url("**/dossier?**", timeout=60_000)
        wait_until_ready(page)
        assert unit_in_url(page.url) == target.code
        assert page.locator("h2").filter(has_text=target.full_name).count() == 1
        assert non_local_requests(recorded) == []


def test_laptop_screen_has_no_horizontal_scroll(server: str, page_768: RecordedPage) -> None:
    page = page_768.page
    open_home(page_768, server)
    page.frame_locator(MAP_FRAME).locator("path.leaflet-interactive").first.wait_for(timeout=60_000)
    overflow = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert overflow[0] <= overflow[1]
    page.screenshot(path=str(SCREENSHOTS / "heat-map-1366x768.png"))
    assert non_local_requests(page_768) == []


FILLS_JS = f"""() => Array.from(
  document.querySelector('{MAP_FRAME}').contentDocument
    .querySelectorAll('path.leaflet-interactive')).map((p) => p.getAttribute('fill'))"""


def test_a_filter_change_recolours_the_live_map(server: str, page_1080: RecordedPage) -> None:
    """The map frame stays, the geometry is fetched once, old layers are let go."""
    page = page_1080.page
    open_home(page_1080, server)
    frame = page.frame_locator(MAP_FRAME)
    frame.locator("path.leaflet-interactive").first.wait_for(timeout=60_000)
    page.evaluate(f"() => {{ document.querySelector('{MAP_FRAME}').contentWindow.kept = 1; }}")
    for option in (1, 2):  # two pillars in turn
        before = page.evaluate(FILLS_JS)
        page.locator('[data-testid="stSelectbox"] input[aria-label="Tô màu theo"]').click()
        page.locator('[role="listbox"] [role="option"]').nth(option).click()
        page.wait_for_function(
            f"(before) => {{ const now = ({FILLS_JS})();"
            " return now.length === 102 && now.join() !== before.join(); }",
            arg=before,
            timeout=60_000,
        )
        frame_state = page.evaluate(
            f"() => {{ const w = document.querySelector('{MAP_FRAME}').contentWindow;"
            " return [w.kept, w.feature_group.length]; }"
        )
        assert frame_state == [1, 1]  # same frame, one live layer
    geometry = [url for url in page_1080.requests if "/app/static/boundaries/" in url]
    assert len(geometry) == 1
    assert non_local_requests(page_1080) == []
