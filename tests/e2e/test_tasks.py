"""The tasks page in a real browser: it fits the screen, loads nothing from outside, and a mouse
click on a register row opens that task's drill-down."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import SCREENSHOTS, recorded_page, wait_until_ready
from tests.e2e.test_heat_map import SCREENS, non_local_requests

HEADER_PX = 35  # st.dataframe's header row and body rows are 35 px high
ROW_PX = 35
DRILL_DOWN = "h4"  # the drill-down's title: "#### <task code> · <task title>"


@pytest.mark.parametrize("screen", SCREENS)
def test_a_mouse_click_on_a_register_row_opens_the_task(
    server: str, demo_database: Path, browser: object, screen: str
) -> None:
    width, height = SCREENS[screen]
    with recorded_page(browser, width, height) as recorded:
        page = recorded.page
        page.goto(f"{server}/tasks")
        wait_until_ready(page)
        heading = page.get_by_role("heading", name="Sổ theo dõi nhiệm vụ")
        heading.wait_for(timeout=60_000)
        table = heading.locator("xpath=following::div[@data-testid='stDataFrame'][1]")
        table.scroll_into_view_if_needed()
        table.locator("canvas").first.wait_for(timeout=30_000)
        assert page.locator(DRILL_DOWN).count() == 0  # nothing chosen yet
        overflow = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert overflow[0] <= overflow[1], "the page scrolls sideways"

        box = table.bounding_box()
        assert box is not None
        # The selection column's cell of the first row: moved there, pressed, released.
        x, y = box["x"] + 18, box["y"] + HEADER_PX + ROW_PX / 2
        page.mouse.move(x, y, steps=5)
        page.mouse.click(x, y)
        title = page.locator(DRILL_DOWN).filter(has_text="·").first
        title.wait_for(timeout=60_000)
        assert title.inner_text().startswith("KH01-")  # a task code of the Action Plan
        title.scroll_into_view_if_needed()
        page.screenshot(path=str(SCREENSHOTS / f"tasks-drill-down-{screen}.png"))
        assert non_local_requests(recorded) == []
