"""Every page runs inside the frame (app.py) on every rerun, in Vietnamese and in English."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from i18n import table, translate
from tests.app.conftest import open_app
from tests.reference import registry_count, registry_population, registry_types
from ui.frame import PAGES

PAGE_FILES = [(path, key) for path, key, _icon, _url in PAGES]
# The title each page shows (home and dossier have their own longer titles).
PAGE_TITLE_KEYS = {
    "page.home": "home.title",
    "page.dossier": "dossier.title",
    "page.presentation": "presentation.title",
}


def visible_texts(at: AppTest) -> list[str]:
    """What a person reads on the page: headings, text, alerts, metric and widget labels."""
    texts: list[str] = []
    for kind in (
        "title",
        "header",
        "subheader",
        "markdown",
        "caption",
        "info",
        "warning",
        "error",
        "success",
    ):
        texts += [str(e.value) for e in at.get(kind)]
    for metric in at.metric:
        texts += [metric.label, str(metric.value)]
    for kind in ("selectbox", "button_group", "expander"):
        texts += [str(getattr(w, "label", "")) for w in at.get(kind)]
    for frame in at.dataframe:
        texts += [str(c) for c in frame.value.columns]
    return texts


def frame_ran(at: AppTest) -> bool:
    """The language switch exists only in app.py: seeing it proves the frame ran."""
    return any(w.key == "lang" for w in at.sidebar.button_group)


def vietnamese_only_texts() -> set[str]:
    """Vietnamese table entries that differ from their English (what must not leak into EN)."""
    return {
        entry["vi"]
        for entry in table().values()
        if entry["vi"] != entry["en"] and "{" not in entry["vi"] and len(entry["vi"]) > 3
    }


@pytest.mark.parametrize(("path", "key"), PAGE_FILES)
def test_frame_runs_on_every_page_and_every_rerun(app_env: Path, path: str, key: str) -> None:
    at = open_app(path)
    assert not at.exception
    assert frame_ran(at)
    assert at.title[0].value == translate(PAGE_TITLE_KEYS.get(key, key), "vi")
    at.run()  # a rerun (what any widget interaction triggers) goes through app.py again
    assert not at.exception
    assert frame_ran(at)


@pytest.mark.parametrize(("path", "key"), PAGE_FILES)
def test_english_switch_changes_every_label(app_env: Path, path: str, key: str) -> None:
    at = open_app(path, lang="EN")
    assert not at.exception
    assert at.title[0].value == translate(PAGE_TITLE_KEYS.get(key, key), "en")
    leaked = [text for text in visible_texts(at) for vi in vietnamese_only_texts() if vi in text]
    assert leaked == []


def test_home_counts_the_units_from_the_database(app_env: Path) -> None:
    at = open_app()
    # Counted from units.csv itself; vi-VN writes thousands with "." (3.346.853).
    types, people = registry_types(), f"{registry_population():,}".replace(",", ".")
    expected = (
        f"{registry_count()} đơn vị: {types['phuong']} phường, {types['xa']} xã · dân số {people}"
    )
    assert any(expected in caption.value for caption in at.caption)


def test_every_page_says_it_shows_demo_data(app_env: Path) -> None:
    for path, _key in PAGE_FILES:
        at = open_app(path)
        assert any("Dữ liệu minh họa" in w.value for w in at.warning), path


def test_language_persists_when_switching_pages(app_env: Path) -> None:
    at = open_app(lang="EN")
    at.switch_page("app_pages/tasks.py").run()
    assert at.title[0].value == "Task progress"


def test_unreachable_database_shows_one_readable_error(
    app_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Port 1 on loopback refuses connections at once.
    monkeypatch.setenv("DATABASE_URL", "postgresql://dash:s3cret@127.0.0.1:1/dashboard")
    at = open_app()
    assert not at.exception
    assert len(at.error) == 1
    message = at.error[0].value
    assert "DATABASE_URL" in message and "127.0.0.1:1" in message
    assert "s3cret" not in message
    assert not at.title  # nothing else is drawn
    at.run()  # it keeps serving the message
    assert len(at.error) == 1 and not at.exception
    monkeypatch.delenv("DATABASE_URL")
    at.run()  # and recovers once the setting is fixed
    assert not at.error and at.title


def test_malformed_database_url_names_the_setting(
    app_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", "this is not a url")
    at = open_app(lang="EN")
    assert not at.exception
    assert "DATABASE_URL" in at.error[0].value
    assert "cannot be read" in at.error[0].value


def test_bad_setting_is_named(app_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DASHBOARD_DEMO_SCALE", "lots")
    at = open_app()
    assert not at.exception
    assert "DASHBOARD_DEMO_SCALE" in at.error[0].value
