"""The big screen in a real browser: it rotates through the pages and refreshes its figures in
place (the page is never reloaded), the tile map is not redrawn from scratch on a refresh, a bad
link falls back with a note, and nothing is fetched from outside the machine."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import SCREENSHOTS, recorded_page, wait_until_ready
from tests.e2e.test_heat_map import SCREENS, non_local_requests

TILES = ".st-key-kiosk_tiles"  # the tile map drawn for a 1080 px screen
SLIDE = "[data-kiosk-slide]"  # the slide's footer: its name and run number
# Set once the page has loaded, on the window and as an element of the DOM outside the app's
# own tree: a reload would make a new window and a new document, losing both.
MARK_PAGE = """() => {
  window.__kioskMarker = 'still here';
  const marker = document.createElement('div');
  marker.id = 'kiosk-test-marker';
  marker.hidden = true;
  document.body.appendChild(marker);
}"""
READ_MARKS = """() => [window.__kioskMarker || null,
  document.getElementById('kiosk-test-marker') !== null]"""


def _slide(page: object) -> tuple[str, int]:
    footer = page.locator(SLIDE).last  # type: ignore[attr-defined]
    return footer.get_attribute("data-kiosk-slide"), int(footer.get_attribute("data-kiosk-run"))


def _wait_for_run(page: object, run: int, timeout_ms: int = 60_000) -> None:
    page.wait_for_function(  # type: ignore[attr-defined]
        f"() => [...document.querySelectorAll('{SLIDE}')]"
        f".some(e => Number(e.dataset.kioskRun) >= {run})",
        timeout=timeout_ms,
    )


@pytest.mark.parametrize("screen", SCREENS)
def test_the_big_screen_rotates_and_refreshes_without_a_reload(
    server: str, demo_database: Path, browser: object, screen: str
) -> None:
    width, height = SCREENS[screen]
    with recorded_page(browser, width, height) as recorded:
        page = recorded.page
        page.goto(f"{server}/presentation?mode=kiosk&pages=tasks,infrastructure&every=5")
        wait_until_ready(page)
        page.locator(SLIDE).first.wait_for(timeout=120_000)
        page.evaluate(MARK_PAGE)
        first, run = _slide(page)
        assert first in {"tasks", "infrastructure"}
        assert page.locator("[data-testid='stSidebar']").count() == 0  # no chrome
        assert (
            page.get_by_text("Tiến độ nhiệm vụ Kế hoạch hành động").count()
            + page.get_by_text("Hạ tầng số và 5G").count()
            >= 1
        )
        seen = {first}
        for step in (1, 2):
            _wait_for_run(page, run + step)
            name, _ = _slide(page)
            seen.add(name)
        assert seen == {"tasks", "infrastructure"}  # both pages came round
        assert page.evaluate(READ_MARKS) == ["still here", True]  # never reloaded
        navigations = page.evaluate("() => performance.getEntriesByType('navigation').length")
        assert navigations == 1
        # The room reads it from 5 m: the cards' figures are large on the big screen.
        size = page.evaluate(
            "() => parseFloat(getComputedStyle(document.querySelector('.kiosk-card-value'))"
            ".fontSize)"
        )
        assert size >= width * 0.035
        background = page.evaluate(
            "() => getComputedStyle(document.querySelector('.stApp')).backgroundColor"
        )
        assert background == "rgb(13, 17, 23)"  # the dark theme
        overflow = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert overflow[0] <= overflow[1], "the big screen scrolls sideways"
        page.screenshot(path=str(SCREENSHOTS / f"kiosk-{screen}.png"))
        assert non_local_requests(recorded) == []


def test_a_refresh_keeps_the_tile_map_in_place(
    server: str, demo_database: Path, browser: object
) -> None:
    """One page in the rotation: every refresh redraws the same slide; the map's element is the
    same one afterwards (not removed and drawn again, which is what a flicker is)."""
    with recorded_page(browser, *SCREENS["1920x1080"]) as recorded:
        page = recorded.page
        page.goto(f"{server}/presentation?mode=kiosk&pages=home&every=5")
        wait_until_ready(page)
        chart = page.locator(f"{TILES} .js-plotly-plot")
        chart.wait_for(timeout=120_000)
        page.wait_for_timeout(500)
        page.evaluate(f"() => {{ document.querySelector('{TILES} .js-plotly-plot').__mark = 1; }}")
        _, run = _slide(page)
        _wait_for_run(page, run + 2)
        assert page.evaluate(f"() => document.querySelector('{TILES} .js-plotly-plot').__mark") == 1
        assert chart.is_visible()
        assert page.locator(".st-key-kiosk_tiles_short").is_hidden()  # the short screen's copy
        # The names are large enough for the back of the room.
        label = page.evaluate(
            "() => parseFloat(getComputedStyle(document.querySelector("
            f"'{TILES} .js-plotly-plot .textpoint text')).fontSize)"
        )
        assert label >= 16
        page.screenshot(path=str(SCREENSHOTS / "kiosk-heat-map-1080.png"))
        assert non_local_requests(recorded) == []


def test_a_bad_link_falls_back_to_the_defaults_with_a_note(
    server: str, demo_database: Path, browser: object
) -> None:
    with recorded_page(browser, *SCREENS["1920x1080"]) as recorded:
        page = recorded.page
        page.goto(f"{server}/presentation?mode=kiosk&pages=budget&every=abc")
        wait_until_ready(page)
        page.locator(SLIDE).first.wait_for(timeout=120_000)
        notes = page.locator(".kiosk-note").all_inner_texts()
        assert any("budget" in note for note in notes)
        assert any("abc" in note and "30 giây" in note for note in notes)
        name, _ = _slide(page)
        assert name == "home"  # all four, from the first
        assert non_local_requests(recorded) == []
