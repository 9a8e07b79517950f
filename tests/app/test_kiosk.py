"""The big screen in the real app on the demo data: no controls, the slides in the link's order,
a bad link's notes, figures that agree with the subject pages, and the presentation page's link
to it."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from data.db import get_engine
from data.settings import load_settings
from i18n.formats import format_number
from metrics.task_board import TaskBucket, TaskFilters, task_board, task_filter_options
from tests.app.conftest import open_app

PAGE = "app_pages/presentation.py"


def _html(at: AppTest) -> list[str]:
    return [element.proto.body for element in at.get("html")]


def _notes(at: AppTest) -> list[str]:
    return [body for body in _html(at) if body.startswith('<div class="kiosk-note"')]


def _slide_name(at: AppTest) -> str:
    footer = next(body for body in _html(at) if "data-kiosk-slide=" in body)
    return footer.split('data-kiosk-slide="', 1)[1].split('"', 1)[0]


def test_the_big_screen_has_no_controls_and_steps_through_the_links_pages(app_env: Path) -> None:
    at = open_app(PAGE, mode="kiosk", pages="tasks,feedback", every="20")
    assert not at.exception
    assert len(at.sidebar) == 0  # no language switch, no period, no navigation
    assert not at.selectbox and not at.button and not at.tabs
    assert _slide_name(at) == "tasks"
    assert any("Tiến độ nhiệm vụ Kế hoạch hành động" in body for body in _html(at))
    assert not [
        body for body in _html(at) if body.startswith('<div class="kiosk-note"')
    ]  # a good link: no note
    at.run()  # what the fragment's timer does: the next slide
    assert _slide_name(at) == "feedback"
    at.run()
    assert _slide_name(at) == "tasks"  # round again


def test_the_task_slide_shows_the_task_pages_counts(app_env: Path) -> None:
    at = open_app(PAGE, mode="kiosk", pages="tasks")
    engine = get_engine(load_settings())
    board = task_board(engine, TaskFilters(as_of=task_filter_options(engine).last_day))
    cards = next(body for body in _html(at) if "kiosk-cards" in body)
    for label, bucket in (
        ("Quá hạn", TaskBucket.OVERDUE),
        ("Hoàn thành đúng hạn", TaskBucket.DONE_ON_TIME),
    ):
        figure = format_number(board.buckets[bucket], "vi")
        assert f'{label}</div><div class="kiosk-card-value">{figure}<' in cards


def test_a_bad_link_says_so_and_shows_the_defaults(app_env: Path) -> None:
    at = open_app(PAGE, mode="kiosk", pages="budget,tasks", every="2")
    notes = _notes(at)
    assert len(notes) == 2
    assert "budget" in notes[0]
    assert "(2)" in notes[1] and "30 giây" in notes[1]
    assert _slide_name(at) == "tasks"
    footer = next(body for body in _html(at) if "data-kiosk-slide=" in body)
    assert "sau 30 giây" in footer  # the default interval is the one in force


def test_a_hostile_page_name_is_shown_as_text(app_env: Path) -> None:
    at = open_app(PAGE, mode="kiosk", pages="<img src=x onerror=alert(1)>")
    notes = _notes(at)
    assert notes and all("<img" not in body for body in notes)
    assert any("&lt;img" in body for body in notes)


def test_the_english_big_screen(app_env: Path) -> None:
    at = open_app(PAGE, mode="kiosk", pages="infrastructure", lang="EN")
    assert any("Digital infrastructure and 5G" in body for body in _html(at))


def test_the_presentation_page_links_to_the_big_screen(app_env: Path) -> None:
    at = open_app(PAGE)
    at.session_state["presentation_tab"] = "Màn hình lớn"
    at.run()
    assert not at.exception
    code = at.code[0].value
    assert code.startswith("presentation?mode=kiosk&pages=home,tasks,feedback,infrastructure")
    assert "every=30" in code
    at.multiselect(key="kiosk_pages").set_value(["tasks"])
    at.number_input(key="kiosk_every").set_value(45)
    at.run()
    assert at.code[0].value == "presentation?mode=kiosk&pages=tasks&every=45&lang=VI"
