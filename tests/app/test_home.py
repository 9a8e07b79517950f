"""The heat-map page: filters from a shared link, KPI cards, the tile map without boundaries."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import open_app
from ui.loaders import STATIC_DIR

REFERENCE_BOUNDARIES = Path(__file__).resolve().parents[3] / "shared" / "geo" / "communes.geojson"


def test_without_boundaries_the_tile_map_is_shown_with_a_hint(app_env: Path) -> None:
    at = open_app()
    assert not at.exception
    assert at.selectbox(key="filter_view").value == "tiles"
    assert any("DASHBOARD_BOUNDARIES" in info.value for info in at.info)


def test_a_shared_link_reproduces_the_filters(app_env: Path) -> None:
    at = open_app(pillar="digital_government", peer="xa_highland", lang="EN")
    assert not at.exception
    assert at.selectbox(key="filter_pillar").value == "digital_government"
    assert at.selectbox(key="filter_peer").value == "xa_highland"
    assert at.query_params["pillar"] in ("digital_government", ["digital_government"])


def test_an_unknown_filter_in_a_link_warns_and_shows_the_default(app_env: Path) -> None:
    at = open_app(pillar="happiness")
    assert not at.exception
    assert at.selectbox(key="filter_pillar").value == "all"
    assert any("happiness" in w.value for w in at.warning)


def test_kpi_cards_count_every_unit_once(app_env: Path) -> None:
    at = open_app()
    bands = ("Xanh", "Vàng", "Đỏ", "Xám (thiếu số liệu)")
    counts = [int(m.value) for m in at.metric if m.label in bands]
    assert sum(counts) == 102


@pytest.mark.skipif(not REFERENCE_BOUNDARIES.exists(), reason="needs ../shared/geo")
def test_with_boundaries_the_map_is_the_default_view(
    app_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DASHBOARD_BOUNDARIES", str(REFERENCE_BOUNDARIES))
    at = open_app()
    assert not at.exception
    assert at.selectbox(key="filter_view").value == "map"
    assert any("thanglequoc" in c.value for c in at.caption)  # the map credit


@pytest.mark.skipif(not REFERENCE_BOUNDARIES.exists(), reason="needs ../shared/geo")
def test_an_unwritable_static_folder_names_it_and_shows_the_tile_map(
    app_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_args: object) -> str:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setenv("DASHBOARD_BOUNDARIES", str(REFERENCE_BOUNDARIES))
    monkeypatch.setattr("ui.loaders.publish_geometry", refuse)
    at = open_app()
    assert not at.exception
    assert at.selectbox(key="filter_view").value == "tiles"
    # In Vietnamese, naming the folder the app could not write to.
    assert any("Không ghi được" in e.value and str(STATIC_DIR) in e.value for e in at.error)


def test_a_link_to_a_period_without_data_says_so(app_env: Path) -> None:
    at = open_app(period="01/2019")
    assert not at.exception
    assert any("01/2019" in w.value for w in at.warning)
    assert at.title  # the default view is drawn


def test_a_link_to_a_period_opens_that_month(app_env: Path) -> None:
    from data.settings import load_settings
    from ui import preparation

    open_app()  # a first start scores the newest months first and the rest in the background
    preparation.worker_for(load_settings()).wait(120)
    at = open_app(period="08/2025")
    assert any("08/2025" in c.value for c in at.caption)


def _newest_scorecard() -> pd.DataFrame:
    from data.db import get_engine
    from metrics import available_periods, scorecard
    from metrics.api import default_period

    engine = get_engine()
    return scorecard(engine, default_period(available_periods(engine)))  # the month shown


def _band_cards(at: AppTest) -> dict[str, int]:
    labels = {"Xanh": "green", "Vàng": "yellow", "Đỏ": "red", "Xám (thiếu số liệu)": "grey"}
    return {labels[m.label]: int(m.value) for m in at.metric if m.label in labels}


def test_kpi_cards_follow_the_pillar_filter(app_env: Path) -> None:
    at = open_app()  # also creates the test database
    overall = _band_cards(at)
    card = _newest_scorecard()
    grey = card["band"] == "grey"
    # The rule, written out: under a pillar, a unit counts in its pillar's band unless it is
    # grey overall. Take the pillar whose red count differs most from the overall red count.
    pillar_bands = {
        column.removeprefix("pillar_band."): card[column].where(~grey, "grey")
        for column in card.columns
        if column.startswith("pillar_band.")
    }
    pillar, bands = max(
        pillar_bands.items(), key=lambda kv: abs(int((kv[1] == "red").sum()) - overall["red"])
    )
    expected = {b: int((bands == b).sum()) for b in ("green", "yellow", "red", "grey")}
    assert expected != overall  # the fixture must be able to tell the two apart
    at = open_app(pillar=pillar)
    assert not at.exception
    assert _band_cards(at) == expected
    # The caption says which set and which score the cards count.
    assert any("trụ cột" in c.value and "không tính" in c.value for c in at.caption)


def test_kpi_cards_follow_the_peer_group_filter(app_env: Path) -> None:
    at = open_app(peer="phuong")
    assert not at.exception
    card = _newest_scorecard()
    wards = card[card["peer_group"] == "phuong"]
    expected = {b: int((wards["band"] == b).sum()) for b in ("green", "yellow", "red", "grey")}
    assert sum(expected.values()) == 14  # the registry's 14 phường
    assert _band_cards(at) == expected
    rated = wards.loc[wards["band"] != "grey", "composite"]
    average = next(m for m in at.metric if m.label == "Điểm bình quân")
    assert average.value == f"{rated.mean():.1f}".replace(".", ",")
