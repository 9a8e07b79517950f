"""The heat-map page: filters from a shared link, KPI cards, the tile map without boundaries."""

from __future__ import annotations

from pathlib import Path

import pytest

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
    at = open_app(period="08/2025")
    assert any("08/2025" in c.value for c in at.caption)
