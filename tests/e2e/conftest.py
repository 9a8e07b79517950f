"""A real dashboard server and headless Chromium (Debian's, driven by Playwright).

The server runs ``streamlit run app.py`` on a free local port against a small demo database
and the reference boundaries beside the checkout. Playwright never downloads a browser: it
drives ``/usr/bin/chromium``. Every request the page makes is recorded, so tests can prove
nothing leaves the machine.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from devtools.chromium import CHROMIUM, CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parents[2]
REFERENCE_BOUNDARIES = ROOT.parent / "shared" / "geo" / "communes.geojson"
SCREENSHOTS = ROOT / "artifacts" / "screenshots"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_healthy(url: str, process: subprocess.Popen[bytes], seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the dashboard server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("the dashboard server did not become healthy")


@pytest.fixture(scope="session")
def e2e_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The server's own folder: its database, boundary cache and log."""
    return tmp_path_factory.mktemp("e2e")


@pytest.fixture(scope="session")
def demo_database(server: str, e2e_home: Path) -> Path:
    """The SQLite file the server fills with demo data (complete once a page has loaded)."""
    del server
    return e2e_home / "dashboard.sqlite3"


def require_browser_and_boundaries() -> None:
    """Skip (fail in CI) without Debian's Chromium; skip without the reference boundaries."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing (apt-get install -y chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    if not REFERENCE_BOUNDARIES.exists():
        pytest.skip(f"needs the reference boundaries at {REFERENCE_BOUNDARIES}")


def dashboard_env(home: Path, database: Path, demo_scale: str) -> dict[str, str]:
    """The server's settings: its own SQLite file and boundary cache in ``home``, demo data at
    ``demo_scale``, the reference boundaries; never a DATABASE_URL from the caller."""
    env = {
        **os.environ,
        "DASHBOARD_DB_PATH": str(database),
        "DASHBOARD_DEMO_SCALE": demo_scale,
        "DASHBOARD_BOUNDARIES": str(REFERENCE_BOUNDARIES),
        "DASHBOARD_CACHE_DIR": str(home / "boundaries"),
    }
    env.pop("DATABASE_URL", None)
    return env


@contextmanager
def running_dashboard(env: dict[str, str], log_path: Path) -> Iterator[str]:
    """``streamlit run app.py`` on a free local port until the block ends; yields its URL once
    it answers its health check."""
    port = _free_port()
    with log_path.open("wb") as log:
        command = [sys.executable, "-m", "streamlit", "run", "app.py"]
        command += ["--server.port", str(port), "--server.address", "127.0.0.1"]
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_healthy(url, process)
            yield url
        finally:
            process.terminate()
            process.wait(timeout=20)


@pytest.fixture(scope="session")
def server(e2e_home: Path) -> Iterator[str]:
    require_browser_and_boundaries()
    home = e2e_home
    env = dashboard_env(home, home / "dashboard.sqlite3", "0.05")
    with running_dashboard(env, home / "server.log") as url:
        yield url


@dataclass
class RecordedPage:
    page: object
    requests: list[str] = field(default_factory=list)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page_1080(browser: object) -> Iterator[RecordedPage]:
    with recorded_page(browser, 1920, 1080) as recorded:
        yield recorded


@pytest.fixture
def page_768(browser: object) -> Iterator[RecordedPage]:
    with recorded_page(browser, 1366, 768) as recorded:
        yield recorded


@contextmanager
def recorded_page(browser: object, width: int, height: int) -> Iterator[RecordedPage]:
    """A fresh browser context of that screen size whose every request is recorded."""
    context = browser.new_context(viewport={"width": width, "height": height})  # type: ignore[attr-defined]
    try:
        page = context.new_page()
        recorded = RecordedPage(page)
        page.on("request", lambda request: recorded.requests.append(request.url))
        yield recorded
    finally:
        context.close()


def wait_until_ready(page: object, timeout_ms: int = 120_000) -> None:
    """The script has finished its run and the page has a title."""
    page.wait_for_selector(  # type: ignore[attr-defined]
        '[data-testid="stApp"][data-test-script-state="notRunning"] h1', timeout=timeout_ms
    )
