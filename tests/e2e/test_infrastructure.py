"""The infrastructure page in a real browser: it fits the screen without sideways scroll, loads
nothing from outside, draws the site map (the units' outlines and the sites on their canvas)
offline, and mouse clicks on a tab and on a row do what a person expects."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import SCREENSHOTS, recorded_page, wait_until_ready
from tests.e2e.test_feedback import _click_first_row, _table_after
from tests.e2e.test_heat_map import MAP_FRAME, SCREENS, non_local_requests


def _open_infrastructure(page: object, server: str) -> None:
    page.goto(f"{server}/infrastructure")  # type: ignore[attr-defined]
    wait_until_ready(page)
    page.get_by_role("heading", name="Dự báo theo đơn vị").wait_for(timeout=60_000)  # type: ignore[attr-defined]


def _click_tab(page: object, name: str) -> None:
    """A mouse click on a tab, once the page has stopped moving: the tables and the map above
    it are still being laid out when the script's run ends, and a click computed before a shift
    lands beside the tab. Clicked again (at most three times) until the tab is selected."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.frame_locator(MAP_FRAME).locator("path.leaflet-interactive").first.wait_for(  # type: ignore[attr-defined]
        timeout=60_000
    )
    tab = page.get_by_role("tab", name=name)  # type: ignore[attr-defined]
    for _ in range(3):
        tab.scroll_into_view_if_needed()
        page.wait_for_timeout(500)  # type: ignore[attr-defined]
        box = tab.bounding_box()
        assert box is not None
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # type: ignore[attr-defined]
        try:
            page.wait_for_selector(  # type: ignore[attr-defined]
                f'[role="tab"][aria-selected="true"]:has-text("{name}")', timeout=10_000
            )
            return
        except PlaywrightTimeout:  # the click missed: the layout moved under it
            continue
    raise AssertionError(f"the tab {name!r} did not open on a mouse click")


@pytest.mark.parametrize("screen", SCREENS)
def test_the_site_map_draws_offline_and_the_page_fits(
    server: str, demo_database: Path, browser: object, screen: str
) -> None:
    width, height = SCREENS[screen]
    with recorded_page(browser, width, height) as recorded:
        page = recorded.page
        _open_infrastructure(page, server)
        title = page.get_by_role("heading", name="Trạm phát sóng")
        title.scroll_into_view_if_needed()
        frame = page.frame_locator(MAP_FRAME)
        # The units' outlines from the fetched geometry, and the sites' canvas over them.
        frame.locator("path.leaflet-interactive").first.wait_for(timeout=60_000)
        frame.locator(".leaflet-marker-pane canvas").first.wait_for(timeout=30_000)
        drawn = frame.locator(".leaflet-marker-pane canvas").first.evaluate(
            """canvas => {
                const data = canvas.getContext("2d")
                    .getImageData(0, 0, canvas.width, canvas.height).data;
                let painted = 0;
                for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
                return painted;
            }"""
        )
        assert drawn > 500, "no site was drawn on the map's canvas"
        overflow = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert overflow[0] <= overflow[1], "the page scrolls sideways"
        page.screenshot(path=str(SCREENSHOTS / f"infrastructure-map-{screen}.png"))
        assert non_local_requests(recorded) == []


def test_a_click_on_a_tab_and_on_a_will_miss_row(
    server: str, demo_database: Path, browser: object
) -> None:
    with recorded_page(browser, *SCREENS["1366x768"]) as recorded:
        page = recorded.page
        _open_infrastructure(page, server)
        page.screenshot(path=str(SCREENSHOTS / "infrastructure-1366x768.png"))
        # A mouse click on the chart's tab draws the chart.
        _click_tab(page, "Biểu đồ")
        page.locator("[data-testid='stVegaLiteChart'] svg").first.wait_for(timeout=60_000)
        wait_until_ready(page)
        # A mouse click on the first unit that will miss 2030 opens its dossier.
        table = _table_after(page, "Dự báo theo đơn vị")
        _click_first_row(page, table)
        page.wait_for_url("**/dossier?**", timeout=60_000)
        wait_until_ready(page)
        assert "unit=" in page.url
        page.get_by_text("Hạ tầng số, 5G (đến hết ngày", exact=False).first.wait_for(timeout=60_000)
        assert non_local_requests(recorded) == []
