"""The big screen's link: which pages rotate, how fast, and what a bad link falls back to."""

from __future__ import annotations

import pytest

from ui.kiosk import (
    DEFAULT_EVERY_S,
    SLIDES,
    Card,
    cards_html,
    html_text,
    kiosk_plan,
    kiosk_requested,
    list_html,
)


def test_no_parameters_rotate_all_four_pages_every_30_seconds() -> None:
    plan = kiosk_plan(None, None)
    assert plan.slides == ("home", "tasks", "feedback", "infrastructure")
    assert plan.every_s == 30 == DEFAULT_EVERY_S
    assert plan.notes == ()


def test_pages_keep_the_links_order_without_repeats_and_take_the_aliases() -> None:
    plan = kiosk_plan("feedback, Tasks,heatmap,tasks", "12")
    assert plan.slides == ("feedback", "tasks", "home")
    assert plan.every_s == 12
    assert plan.notes == ()


def test_an_unknown_page_is_skipped_with_a_note() -> None:
    plan = kiosk_plan("tasks,budget", "20s")
    assert plan.slides == ("tasks",)
    assert plan.every_s == 20
    assert plan.notes == (("kiosk.unknown_page", {"value": "budget"}),)


def test_no_known_page_falls_back_to_all_four() -> None:
    plan = kiosk_plan("budget", None)
    assert plan.slides == SLIDES
    assert [key for key, _ in plan.notes] == ["kiosk.unknown_page", "kiosk.no_known_page"]


@pytest.mark.parametrize("every", ["0", "4", "3601", "-10", "1.5", "ten", "30m", "9999999"])
def test_a_nonsense_interval_falls_back_to_the_default_with_a_note(every: str) -> None:
    plan = kiosk_plan("home,tasks", every)
    assert plan.slides == ("home", "tasks")
    assert plan.every_s == 30
    assert len(plan.notes) == 1
    key, values = plan.notes[0]
    assert key == "kiosk.bad_interval"
    assert values["value"] == every
    assert (values["low"], values["high"], values["default"]) == ("5", "3600", "30")


@pytest.mark.parametrize("every, seconds", [("5", 5), ("3600", 3600), (" 45 ", 45), ("60S", 60)])
def test_the_interval_limits_are_inclusive(every: str, seconds: int) -> None:
    assert kiosk_plan(None, every).every_s == seconds


def test_only_mode_kiosk_turns_the_page_into_the_big_screen() -> None:
    assert kiosk_requested({"mode": "kiosk"})
    assert not kiosk_requested({"mode": "meeting"})
    assert not kiosk_requested({})


def test_a_long_hostile_value_is_cut_in_the_note() -> None:
    plan = kiosk_plan("x" * 500, None)
    assert plan.notes[0][1]["value"] == "x" * 40


def test_text_in_the_slides_html_is_never_markup() -> None:
    hostile = '<img src=x onerror="alert(1)">'
    assert html_text(hostile) == "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"
    cards = cards_html([Card(hostile, "1", "bad")])
    listing = list_html("Top", [(hostile, "2")], "none")
    for markup in (cards, listing):
        assert "<img" not in markup
        assert "&lt;img" in markup


def test_a_list_shows_at_most_six_rows_and_says_when_empty() -> None:
    rows = [(f"Xã {n}", str(n)) for n in range(10)]
    assert list_html("Top", rows, "Không có").count("<li>") == 6
    assert "Không có" in list_html("Top", [], "Không có")
