"""Boundaries: a size cap checked before reading, and processing kept off the page's path."""

from __future__ import annotations

import contextlib
import shutil
import threading
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

import geo.boundaries as boundaries
from data.registry import UnitRecord
from data.settings import SettingError, Settings, load_settings
from geo.boundaries import BoundaryTooLarge, load_boundaries
from tests.geo.conftest import REFERENCE

REFERENCE_BYTES = REFERENCE.stat().st_size if REFERENCE.exists() else 0
SETTING = "DASHBOARD_BOUNDARIES_MAX_MB"

pytestmark = pytest.mark.skipif(not REFERENCE.exists(), reason="needs ../shared/geo")


def settings_for(source: Path | str, max_mb: str | None = None) -> Settings:
    env = {"DASHBOARD_BOUNDARIES": str(source)}
    if max_mb is not None:
        env[SETTING] = max_mb
    return load_settings(env)


def refuse_to_read(monkeypatch: pytest.MonkeyPatch) -> None:
    def must_not_run(*args: object, **kwargs: object) -> None:
        raise AssertionError("the file was read although it is over the limit")

    monkeypatch.setattr(boundaries, "process_boundaries", must_not_run)


# --- the setting ---------------------------------------------------------------------------------


def test_the_limit_defaults_to_50_mb_and_is_read_from_the_setting() -> None:
    assert load_settings({}).boundaries_max_mb == 50
    assert load_settings({SETTING: " 0.5 "}).boundaries_max_mb == 0.5


@pytest.mark.parametrize("raw", ["lots", "0", "-3", "nan", "inf"])
def test_a_bad_limit_names_the_setting(raw: str) -> None:
    with pytest.raises(SettingError) as caught:
        load_settings({SETTING: raw})
    assert caught.value.setting == SETTING


# --- local files ------------------------------------------------------------------------------


def test_a_file_over_the_limit_is_refused_before_reading(
    tmp_path: Path, units: list[UnitRecord], monkeypatch: pytest.MonkeyPatch
) -> None:
    refuse_to_read(monkeypatch)
    state = load_boundaries(settings_for(REFERENCE, "0.001"), tmp_path / "cache", units)
    assert state.geojson is None
    error = state.error
    assert isinstance(error, BoundaryTooLarge)
    assert (error.size_bytes, error.limit_bytes) == (REFERENCE_BYTES, 1000)
    assert error.file_name == "communes.geojson"
    assert error.setting == SETTING
    megabytes = f"{REFERENCE_BYTES / 1_000_000:.1f}"  # 846 211 bytes → 0.8
    assert error.problems == [
        f"communes.geojson is {megabytes} MB, larger than the limit of 0.001 MB "
        f"(setting {SETTING}): not read"
    ]
    assert not (tmp_path / "cache").exists()


def test_a_file_at_the_limit_is_read(tmp_path: Path, units: list[UnitRecord]) -> None:
    limit = f"{REFERENCE_BYTES / 1_000_000}"
    state = load_boundaries(settings_for(REFERENCE, limit), tmp_path / "cache", units)
    assert state.error is None
    assert len(state.geojson["features"]) == 102


def test_over_the_limit_keeps_the_previous_boundaries(
    tmp_path: Path, units: list[UnitRecord]
) -> None:
    cache = tmp_path / "cache"
    good = load_boundaries(settings_for(REFERENCE), cache, units)
    bigger = shutil.copy(REFERENCE, tmp_path / "bigger.geojson")
    state = load_boundaries(settings_for(bigger, "0.5"), cache, units)
    assert isinstance(state.error, BoundaryTooLarge)
    assert state.geojson == good.geojson


def test_a_zip_counts_its_unpacked_size(
    tmp_path: Path, units: list[UnitRecord], monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = tmp_path / "units.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as out:
        out.writestr("units.shp", b"\0" * 2_000_000)  # compresses to a few kB
    assert archive.stat().st_size < 100_000
    refuse_to_read(monkeypatch)
    state = load_boundaries(settings_for(archive, "1"), tmp_path / "cache", units)
    assert isinstance(state.error, BoundaryTooLarge)
    assert state.error.unpacked
    assert state.error.size_bytes == 2_000_000
    assert "units.zip is unpacked 2.0 MB" in state.error.problems[0]


# --- downloads ---------------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    body = b""
    send_length = True
    requests: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        type(self).requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "application/geo+json")
        if self.send_length:
            self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(self.body)  # the client may stop reading at the limit

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def server() -> Iterator[tuple[str, type[_Handler]]]:
    handler = type("Handler", (_Handler,), {"body": REFERENCE.read_bytes(), "requests": []})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/communes.geojson?v=1", handler
    httpd.shutdown()
    httpd.server_close()


def test_an_announced_length_over_the_limit_is_refused_before_reading(
    tmp_path: Path, units: list[UnitRecord], server: tuple[str, type[_Handler]]
) -> None:
    url, _handler = server
    state = load_boundaries(settings_for(url, "0.001"), tmp_path / "cache", units)
    error = state.error
    assert isinstance(error, BoundaryTooLarge)
    assert error.size_bytes == REFERENCE_BYTES
    assert error.file_name == "communes.geojson"  # no server, no query


def test_a_download_without_length_stops_at_the_limit(
    tmp_path: Path,
    units: list[UnitRecord],
    server: tuple[str, type[_Handler]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url, handler = server
    handler.send_length = False
    read: list[int] = []
    original = boundaries._download

    def counting(url: str, work_dir: Path | str, max_bytes: int) -> tuple[Path, str]:
        try:
            return original(url, work_dir, max_bytes)
        finally:
            read.extend(p.stat().st_size for p in Path(work_dir).iterdir())

    monkeypatch.setattr(boundaries, "_download", counting)
    state = load_boundaries(settings_for(url, "0.1"), tmp_path / "cache", units)
    error = state.error
    assert isinstance(error, BoundaryTooLarge)
    assert error.size_bytes is None
    assert "over 0.1 MB" in error.problems[0]
    assert read and max(read) <= 100_000  # no more than the limit written to disk


# --- off the page's path ---------------------------------------------------------------------


def test_a_new_source_is_prepared_in_the_background_once(
    tmp_path: Path, units: list[UnitRecord], monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    calls: list[str] = []
    original = boundaries.process_boundaries

    def slow(*args: Any, **kwargs: Any) -> Any:
        calls.append(threading.current_thread().name)
        release.wait(timeout=60)
        return original(*args, **kwargs)

    monkeypatch.setattr(boundaries, "process_boundaries", slow)
    settings, cache = settings_for(REFERENCE), tmp_path / "cache"
    first = load_boundaries(settings, cache, units, background=True, wait_s=0.05)
    assert first.preparing and first.geojson is None and first.error is None
    for _ in range(5):  # page runs meanwhile: answered at once, no second worker
        again = load_boundaries(settings, cache, units, background=True)
        assert again.preparing
    release.set()
    for _started, worker in list(boundaries._JOBS.values()):
        worker.join(timeout=60)
    done = load_boundaries(settings, cache, units, background=True)
    assert not done.preparing
    assert len(done.geojson["features"]) == 102
    assert calls == ["boundaries"]  # once, and not in the caller's thread


def test_a_changed_source_keeps_drawing_the_cached_boundaries_meanwhile(
    tmp_path: Path, units: list[UnitRecord], monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    good = load_boundaries(settings_for(REFERENCE), cache, units)
    release = threading.Event()
    original = boundaries.process_boundaries

    def slow(*args: Any, **kwargs: Any) -> Any:
        release.wait(timeout=60)
        return original(*args, **kwargs)

    monkeypatch.setattr(boundaries, "process_boundaries", slow)
    other = shutil.copy(REFERENCE, tmp_path / "other.geojson")
    state = load_boundaries(settings_for(other), cache, units, background=True, wait_s=0.05)
    assert state.preparing
    assert state.geojson == good.geojson
    release.set()


def test_a_quick_source_is_ready_within_the_wait(tmp_path: Path, units: list[UnitRecord]) -> None:
    state = load_boundaries(
        settings_for(REFERENCE), tmp_path / "cache", units, background=True, wait_s=60
    )
    assert not state.preparing
    assert len(state.geojson["features"]) == 102


def test_a_url_is_downloaded_by_the_worker_only(
    tmp_path: Path, units: list[UnitRecord], server: tuple[str, type[_Handler]]
) -> None:
    url, handler = server
    state = load_boundaries(
        settings_for(url), tmp_path / "cache", units, background=True, wait_s=60
    )
    assert state.error is None and not state.preparing
    assert len(handler.requests) == 1
    for _ in range(3):
        load_boundaries(settings_for(url), tmp_path / "cache", units, background=True)
    assert len(handler.requests) == 1  # re-checked at most every URL_RECHECK_S


def test_a_crashed_worker_is_not_restarted_on_every_run(
    tmp_path: Path, units: list[UnitRecord], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []

    def crash(*args: object, **kwargs: object) -> None:
        calls.append(1)
        raise MemoryError("out of memory")

    monkeypatch.setattr(boundaries, "process_boundaries", crash)
    settings = settings_for(REFERENCE)
    first = load_boundaries(settings, tmp_path / "cache", units, background=True, wait_s=60)
    assert first.error is not None and "out of memory" in first.error.problems[0]
    load_boundaries(settings, tmp_path / "cache", units, background=True, wait_s=60)
    assert calls == [1]
