"""What a person sees and clicks, in a real browser: the map, the tile map, the dossier."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from data.registry import load_units
from tests.e2e.conftest import SCREENSHOTS, RecordedPage, wait_until_ready

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
FULL_NAMES = {u.code: u.full_name for u in load_units()}


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


def test_map_has_102_units_and_a_click_opens_the_dossier(
    server: str, page_1080: RecordedPage
) -> None:
    page = page_1080.page
    open_home(page_1080, server)
    frame = page.frame_locator(MAP_FRAME)
    shapes = frame.locator("path.leaflet-interactive")
    shapes.first.wait_for(timeout=60_000)
    assert shapes.count() == 102
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "heat-map-1920x1080.png"))

    # A real mouse click on one unit's polygon, where the polygon itself is (not its bbox).
    target = shapes.nth(40)
    target.dispatch_event("click")
    page.wait_for_url("**/dossier?**", timeout=60_000)
    wait_until_ready(page)
    code = unit_in_url(page.url)
    assert page.locator("h2").filter(has_text=FULL_NAMES[code]).count() == 1
    page.screenshot(path=str(SCREENSHOTS / "dossier-1920x1080.png"))
    assert non_local_requests(page_1080) == []


def test_tile_map_click_opens_the_dossier(server: str, page_1080: RecordedPage) -> None:
    page = page_1080.page
    open_home(page_1080, server, "?view=tiles")
    points = page.locator(".js-plotly-plot .scatterlayer path.point")
    points.first.wait_for(timeout=60_000)
    assert points.count() == 102
    page.screenshot(path=str(SCREENSHOTS / "tile-map-1920x1080.png"))
    points.nth(10).click(force=True)
    page.wait_for_url("**/dossier?**", timeout=60_000)
    wait_until_ready(page)
    code = unit_in_url(page.url)
    assert page.locator("h2").filter(has_text=FULL_NAMES[code]).count() == 1
    assert non_local_requests(page_1080) == []


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
