"""The feedback page in a real browser: it fits the screen without sideways scroll, loads nothing
from outside, draws the map of open cases, and a mouse click on a row opens the unit's dossier
or the case."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import SCREENSHOTS, recorded_page, wait_until_ready
from tests.e2e.test_heat_map import MAP_FRAME, SCREENS, non_local_requests

HEADER_PX = 35  # st.dataframe's header row and body rows are 35 px high
ROW_PX = 35
SELECTION_X = 18  # the selection column's cell, left of the first data column


def _open_feedback(page: object, server: str) -> None:
    page.goto(f"{server}/feedback")  # type: ignore[attr-defined]
    wait_until_ready(page)
    page.get_by_role("heading", name="Phản ánh tồn đọng").wait_for(timeout=60_000)  # type: ignore[attr-defined]


def _table_after(page: object, heading: str) -> object:
    """The first table after a heading, scrolled into view and drawn."""
    title = page.get_by_role("heading", name=heading)  # type: ignore[attr-defined]
    table = title.locator("xpath=following::div[@data-testid='stDataFrame'][1]")
    table.scroll_into_view_if_needed()
    table.locator("canvas").first.wait_for(timeout=30_000)
    return table


def _click_first_row(page: object, table: object) -> None:
    box = table.bounding_box()  # type: ignore[attr-defined]
    assert box is not None
    x, y = box["x"] + SELECTION_X, box["y"] + HEADER_PX + ROW_PX / 2
    page.mouse.move(x, y, steps=5)  # type: ignore[attr-defined]
    page.mouse.click(x, y)  # type: ignore[attr-defined]


@pytest.mark.parametrize("screen", SCREENS)
def test_the_page_fits_and_a_click_on_a_backlog_row_opens_the_unit(
    server: str, demo_database: Path, browser: object, screen: str
) -> None:
    width, height = SCREENS[screen]
    with recorded_page(browser, width, height) as recorded:
        page = recorded.page
        _open_feedback(page, server)
        # The map of open cases: the units' outlines under the circles, inside the map frame.
        map_title = page.get_by_role("heading", name="Bản đồ phản ánh đang mở")
        map_title.scroll_into_view_if_needed()
        page.frame_locator(MAP_FRAME).locator("path.leaflet-interactive").first.wait_for(
            timeout=60_000
        )
        overflow = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert overflow[0] <= overflow[1], "the page scrolls sideways"
        page.screenshot(path=str(SCREENSHOTS / f"feedback-map-{screen}.png"))

        table = _table_after(page, "Phản ánh tồn đọng")
        page.screenshot(path=str(SCREENSHOTS / f"feedback-{screen}.png"))
        _click_first_row(page, table)
        page.wait_for_url("**/dossier?**", timeout=60_000)
        wait_until_ready(page)
        assert "unit=" in page.url
        page.get_by_role("heading", name="Phản ánh, kiến nghị").wait_for(timeout=60_000)
        assert non_local_requests(recorded) == []


def test_a_click_on_a_list_row_opens_the_case(
    server: str, demo_database: Path, browser: object
) -> None:
    with recorded_page(browser, *SCREENS["1366x768"]) as recorded:
        page = recorded.page
        _open_feedback(page, server)
        table = _table_after(page, "Phản ánh cần đôn đốc")
        assert page.get_by_role("heading", name="Phản ánh", exact=True).count() == 0
        _click_first_row(page, table)
        case_title = page.get_by_role("heading", name="Phản ánh", exact=True)
        case_title.wait_for(timeout=60_000)
        assert "case=" in page.url  # a shareable link to the case
        case_title.scroll_into_view_if_needed()
        page.screenshot(path=str(SCREENSHOTS / "feedback-case-1366x768.png"))
        assert non_local_requests(recorded) == []
