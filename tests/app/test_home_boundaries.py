"""The home page and its boundary layer: a file over the size limit, and one being prepared."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

import geo.boundaries as boundaries
from i18n import translate
from tests.app.conftest import open_app

REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "geo" / "communes.geojson"
pytestmark = pytest.mark.skipif(not REFERENCE.exists(), reason="needs ../shared/geo")

KEPT = "vẫn dùng ranh giới cũ"  # home.boundaries_error: "… so the previous boundaries stay in use"


@pytest.fixture
def boundary_env(app_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The reference file configured, with a cache of this test's own (empty at first)."""
    monkeypatch.setenv("DASHBOARD_BOUNDARIES", str(REFERENCE))
    monkeypatch.setenv("DASHBOARD_CACHE_DIR", str(tmp_path / "boundaries"))
    yield tmp_path
    for _started, worker in list(boundaries._JOBS.values()):
        worker.join(timeout=60)


def errors(at: AppTest) -> list[str]:
    return [str(e.value) for e in at.error]


def test_a_file_over_the_limit_with_nothing_cached_says_the_tile_map_is_shown(
    boundary_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DASHBOARD_BOUNDARIES_MAX_MB", "0.001")
    at = open_app()
    assert not at.exception
    assert at.selectbox(key="filter_view").value == "tiles"
    [message] = [e for e in errors(at) if "communes.geojson" in e]
    # 846 211 bytes → "0,8" MB; the limit 0.001 MB written the Vietnamese way.
    assert "0,8 MB" in message and "0,001 MB" in message
    assert "DASHBOARD_BOUNDARIES_MAX_MB" in message
    assert "bản đồ ô vuông" in message
    assert KEPT not in message
    # Not the "nothing is configured" hint: a source is configured.
    assert not any("Chưa cấu hình" in info.value for info in at.info)


def test_a_file_over_the_limit_with_cached_boundaries_keeps_them(
    boundary_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert open_app().selectbox(key="filter_view").value == "map"  # processed and cached
    monkeypatch.setenv("DASHBOARD_BOUNDARIES_MAX_MB", "0.5")
    at = open_app(lang="EN")
    assert not at.exception
    assert at.selectbox(key="filter_view").value == "map"
    [message] = [e for e in errors(at) if "communes.geojson" in e]
    assert "previous boundaries stay in use" in message
    assert "0.8 MB" in message and "0.5 MB" in message


def test_a_new_source_is_prepared_off_the_page_run(
    boundary_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    original = boundaries.process_boundaries

    def slow(*args: Any, **kwargs: Any) -> Any:
        release.wait(timeout=60)
        return original(*args, **kwargs)

    monkeypatch.setattr(boundaries, "process_boundaries", slow)
    monkeypatch.setattr("ui.loaders.BOUNDARY_WAIT_S", 0.05)
    at = open_app()
    assert not at.exception
    assert at.selectbox(key="filter_view").value == "tiles"
    assert any(i.value == translate("home.boundaries_preparing_none", "vi") for i in at.info)
    assert errors(at) == []
    release.set()
    for _started, worker in list(boundaries._JOBS.values()):
        worker.join(timeout=60)
    at.run()  # what the page's poll does once the worker is done
    # The tile map was only the default while the boundaries were prepared: the map follows.
    assert at.selectbox(key="filter_view").value == "map"
    assert not any("Đang chuẩn bị" in i.value for i in at.info)
    # A tile map the viewer chose stays chosen.
    at.selectbox(key="filter_view").set_value("tiles").run()
    at.run()
    assert at.selectbox(key="filter_view").value == "tiles"
