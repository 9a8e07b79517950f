"""Meeting mode in a real browser: a meeting is set up with mouse clicks and typing, and the
presenter steps through its agenda with the keyboard (Page Down / Page Up, what a presenter's
clicker sends), with nothing fetched from outside the machine."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.conftest import SCREENSHOTS, recorded_page, wait_until_ready
from tests.e2e.test_heat_map import SCREENS, non_local_requests

HEADER_PX = ROW_PX = 35  # st.dataframe's header and body rows


def _click(page: object, locator: object) -> None:
    """A real mouse click in the middle of the element (moved there, pressed, released)."""
    locator.scroll_into_view_if_needed()  # type: ignore[attr-defined]
    box = locator.bounding_box()  # type: ignore[attr-defined]
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y, steps=5)  # type: ignore[attr-defined]
    page.mouse.click(x, y)  # type: ignore[attr-defined]


def _step_shown(page: object, text: str) -> None:
    """The presenter shows that step and the run is over (its key shortcuts are bound again)."""
    page.get_by_role("heading", name=text).wait_for(timeout=60_000)  # type: ignore[attr-defined]
    wait_until_ready(page)
    page.wait_for_timeout(300)  # type: ignore[attr-defined]


def test_a_meeting_is_set_up_and_stepped_through_with_the_keyboard(
    server: str, demo_database: Path, browser: object
) -> None:
    with recorded_page(browser, *SCREENS["1920x1080"]) as recorded:
        page = recorded.page
        page.goto(f"{server}/presentation")
        wait_until_ready(page)
        page.get_by_role("heading", name="Cuộc họp Ban Chỉ đạo", exact=True).wait_for(
            timeout=60_000
        )
        secretary = page.get_by_label("Người lập (thư ký cuộc họp)")
        # The set-up form is folded when meetings exist: read that from the expander itself (a
        # field looked at while the page is still being drawn would read as hidden, and a click
        # on the expander would then fold it).
        secretary.wait_for(state="attached", timeout=60_000)
        folded = page.locator("[data-testid='stExpander'] details").filter(
            has_text="Lập cuộc họp mới"
        )
        if folded.get_attribute("open") is None:
            _click(page, page.get_by_text("Lập cuộc họp mới"))
        secretary.wait_for(state="visible", timeout=30_000)
        _click(page, secretary)
        page.keyboard.type("Thư ký Ban Chỉ đạo")
        page.keyboard.press("Tab")
        submit = page.get_by_role("button", name="Lập chương trình họp")
        submit.wait_for(state="visible", timeout=60_000)
        _click(page, submit)
        _step_shown(page, "Mục 1/")
        heading = page.get_by_role("heading", name="Mục 1/").inner_text()
        total = int(heading.split("/")[1])
        assert total > 1

        page.keyboard.press("PageDown")
        _step_shown(page, f"Mục 2/{total}")
        assert "item=2" in page.url
        page.keyboard.press("PageDown")
        _step_shown(page, f"Mục 3/{total}")
        page.keyboard.press("PageUp")
        _step_shown(page, f"Mục 2/{total}")
        # The presenter's buttons are real buttons too: a mouse click steps as well.
        _click(page, page.get_by_role("button", name="Mục sau"))
        _step_shown(page, f"Mục 3/{total}")
        # A click on an agenda row presents that item: the fifth row's selection cell.
        table = page.locator("[class*='st-key-meeting_agenda_'] [data-testid='stDataFrame']")
        table.scroll_into_view_if_needed()
        box = table.bounding_box()
        assert box is not None
        x, y = box["x"] + 18, box["y"] + HEADER_PX + 4 * ROW_PX + ROW_PX / 2
        page.mouse.move(x, y, steps=5)
        page.mouse.click(x, y)
        _step_shown(page, f"Mục 5/{total}")
        page.keyboard.press("PageDown")  # and the keys go on from there
        _step_shown(page, f"Mục 6/{total}")
        page.get_by_text(f"Mục 6/{total}").scroll_into_view_if_needed()
        page.screenshot(path=str(SCREENSHOTS / "meeting-presenter-1920x1080.png"))
        assert non_local_requests(recorded) == []
