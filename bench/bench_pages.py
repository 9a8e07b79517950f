"""Page-ready time and server memory in a real browser, against a floor measured in the same run.

    .venv/bin/python -m bench.bench_pages [--quick] [--runs N] [--db PATH]

Starts the dashboard (``streamlit run app.py``) on a free local port against a bench database
(default: the ×1 SQLite database of ``bench.bench_scaling``, generated there if missing, ≈ 20 s)
and the reference boundaries, and drives Debian's Chromium with Playwright.

The floor is a bare Streamlit script written into a temp dir: a folium map of the same 102
boundaries drawn with ``st_folium``, with Leaflet served locally exactly as the app does.

Page-ready = from ``page.goto`` (fresh browser context) until the script state is
``notRunning`` and the main content is drawn: 102 ``path.leaflet-interactive`` in the map's
iframe (heat map, floor), a visible table (dossier and the subject pages), the big screen's
slide with the 102 names of its tile map (kiosk), a visible ``h1`` (presentation).
Interaction = pick another pillar ("Tô màu theo") or month ("Kỳ đánh giá") in the UI: time until
the rerun is done and the map frame shows 102 new shapes, and the script run alone (the app's
"running" → "notRunning" state in the page). Memory = VmRSS of the server process with 1 and 20
browser sessions open (102 sessions: ``bench.bench_viewers``). Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from devtools.chromium import CHROMIUM, CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parent.parent
BOUNDARIES = (ROOT.parent / "shared" / "geo" / "communes.geojson").resolve()
MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
PAGES = (  # (name, path, what "drawn" means)
    ("heat map /", "/", "map"),
    ("dossier", "/dossier?unit=22015", "table"),
    ("tasks", "/tasks", "table"),
    ("feedback", "/feedback", "table"),  # drawn: its first table (the backlog by unit)
    ("infrastructure", "/infrastructure", "table"),  # drawn: its first table (by month)
    # The meeting-room screen on its heat-map slide: drawn once the tile map's names are.
    ("big screen (kiosk)", "/presentation?mode=kiosk&pages=home&every=3600", "kiosk"),
    ("presentation (meeting)", "/presentation", "h1"),
)
# True when the run is over and the page's main content is drawn.
READY_JS = """(kind) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (window.__benchMustSeeRun && !window.__benchSawRun) return false;
  const shown = (e) => !!e && e.getBoundingClientRect().height > 0;
  if (kind === 'map') {
    const frame = document.querySelector('MAP_IFRAME');
    const doc = frame && frame.contentDocument;
    if (!doc) return false;
    const paths = doc.querySelectorAll('path.leaflet-interactive:not([data-bench-old])');
    return paths.length === 102;
  }
  if (kind === 'table') return shown(document.querySelector('[data-testid="stDataFrame"]'));
  if (kind === 'kiosk') return !!document.querySelector('[data-kiosk-slide]')
    && document.querySelectorAll('.st-key-kiosk_tiles .textpoint').length === 102;
  return shown(document.querySelector('h1'));
}""".replace("MAP_IFRAME", MAP_IFRAME)
# Before an interaction: mark the drawn paths as old and time the script run the change starts
# (the app's script-state attribute: "running" when the rerun starts, "notRunning" when the last
# message of the run has been handled).
ARM_JS = """() => {
  const frame = document.querySelector('MAP_IFRAME');
  frame.contentDocument.querySelectorAll('path.leaflet-interactive')
    .forEach((p) => p.setAttribute('data-bench-old', ''));
  window.__benchMustSeeRun = true;
  window.__benchSawRun = false;
  window.__benchRun = [null, null];
  const app = document.querySelector('[data-testid="stApp"]');
  if (window.__benchObserver) return;
  // The callback gets the changes in batches: a fast run can go running → notRunning within one
  // batch, so each change's value is the next record's old value (the last: the current one);
  // reading only the current value missed such runs and left the benchmark waiting.
  window.__benchObserver = new MutationObserver((records) => {
    if (!window.__benchMustSeeRun) return;
    records.forEach((record, i) => {
      const state = i + 1 < records.length
        ? records[i + 1].oldValue : app.getAttribute('data-test-script-state');
      if (state === 'running' && !window.__benchSawRun) {
        window.__benchSawRun = true;
        window.__benchRun[0] = performance.now();
      } else if (state === 'notRunning' && window.__benchSawRun && window.__benchRun[1] === null) {
        window.__benchRun[1] = performance.now();
      }
    });
  });
  window.__benchObserver.observe(app, {
    attributes: true, attributeOldValue: true, attributeFilter: ['data-test-script-state']});
}""".replace("MAP_IFRAME", MAP_IFRAME)
# The heat map's filters driven by the benchmark: (name, the selectbox's Vietnamese label).
INTERACTIONS = (
    ("pillar change", "Tô màu theo"),
    ("period change", "Kỳ đánh giá (tháng)"),
)

FLOOR_APP = """
import json
import folium
import streamlit as st
from streamlit_folium import st_folium
from geo.assets import install_leaflet_assets, local_folium_assets

install_leaflet_assets("static")


@st.cache_data
def boundaries():
    with open({path!r}, encoding="utf-8") as handle:
        return json.load(handle)


st.title("floor")
m = folium.Map(location=(12.93, 108.47), zoom_start=8, tiles=None)
m.default_js, m.default_css = local_folium_assets()
folium.GeoJson(boundaries()).add_to(m)
st_folium(m, key="m", returned_objects=[])
"""
FLOOR_CONFIG = """[server]
headless = true
enableStaticServing = true
runOnSave = false

[browser]
gatherUsageStats = false
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(script: str, cwd: Path, env: dict[str, str], log: Path) -> tuple:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", script, "--server.port", str(port),
         "--server.address", "127.0.0.1"],
        cwd=cwd, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{script} exited with {process.returncode}; see {log}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return process, url
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{script} did not become healthy; see {log}")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def open_page(browser, url: str, kind: str, timeout_ms: int = 120_000):
    """A fresh context on ``url``; returns (context, page, seconds until ready)."""
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    started = time.perf_counter()
    page.goto(url)
    page.wait_for_function(READY_JS, arg=kind, timeout=timeout_ms, polling=20)
    return context, page, time.perf_counter() - started


def shared_bench_database() -> str:
    """The ×1 SQLite database of ``bench.bench_scaling`` (generated there if missing)."""
    from bench.bench_scaling import database_url, prepare

    Path(ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
    engine, _ = prepare("sqlite", 1.0, pg_server="")
    # Every month scored before the app starts: a page timed while the history is still being
    # computed in the background measures that work, not the page (and once timed out).
    from metrics import refresh_snapshots

    while refresh_snapshots(engine).busy:
        time.sleep(1)
    engine.dispose()
    return database_url("sqlite", 1.0, "").removeprefix("sqlite+pysqlite:///")


def progress(message: str) -> None:
    print(f"  … {message}", file=sys.stderr, flush=True)


def page_ready(browser, url: str, kind: str, runs: int) -> list[float]:
    progress(f"page-ready {url}")
    times = []
    for _ in range(runs):
        context, _, seconds = open_page(browser, url, kind)
        times.append(seconds)
        context.close()
    return times


def filter_change(browser, url: str, label: str, runs: int) -> tuple[list[float], list[float]]:
    """Pick another option of the selectbox ``label`` ``runs`` times: (redrawn s, script run s).

    Redrawn = from the click until the run is over and 102 new unit shapes are in the map frame;
    script run = from the app's "running" state to "notRunning" (the rerun on the server plus
    delivering its messages).
    """
    progress(f"filter change: {label}")
    context, page, _ = open_page(browser, url, "map")
    redrawn, script = [], []
    for run in range(runs):
        page.locator(f'[data-testid="stSelectbox"] input[aria-label="{label}"]').click()
        options = page.locator('[role="listbox"] [role="option"]')
        options.first.wait_for()
        count = options.count()
        selected = next(
            (i for i in range(count) if options.nth(i).get_attribute("aria-selected") == "true"),
            0,
        )
        option = options.nth((selected + 1 + run % (count - 1)) % count)  # never the current one
        page.evaluate(ARM_JS)
        started = time.perf_counter()
        option.click()
        page.wait_for_function(READY_JS, arg="map", timeout=120_000, polling=20)
        redrawn.append(time.perf_counter() - started)
        run_start, run_end = page.evaluate("() => window.__benchRun")
        script.append((run_end - run_start) / 1000)
        page.evaluate("() => { window.__benchMustSeeRun = false; }")
    context.close()
    return redrawn, script


def sessions_memory(
    browser, url: str, pid: int, counts: tuple[int, ...], settle_s: float
) -> list[float]:
    """RSS with 1, …, N sessions open (each loads the map and stays), then after closing."""
    progress(f"memory {url}")
    contexts, figures = [], []
    for count in counts:
        while len(contexts) < count:
            context, _, _ = open_page(browser, url, "map")
            contexts.append(context)
        time.sleep(1)
        figures.append(rss_mb(pid))
    for context in contexts:
        context.close()
    time.sleep(settle_s)
    figures.append(rss_mb(pid))
    return figures


def machine() -> str:
    model = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")),
        "?",
    )  # fmt: skip
    now = datetime.datetime.now().astimezone().isoformat(timespec="minutes")
    return f"machine: {os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), {model}; {now}"


def spread(times: list[float]) -> str:
    return f"{min(times):.2f}–{max(times):.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--db", default=None, help="SQLite file (default: the ×1 bench database, made if missing)"
    )
    parser.add_argument("--quick", action="store_true", help="3 runs, 1 session")
    parser.add_argument("--runs", type=int, default=None)
    args = parser.parse_args()
    runs = args.runs or (3 if args.quick else 5)
    counts = (1,) if args.quick else (1, 20)
    settle_s = 3.0 if args.quick else 30.0
    pages = PAGES

    from playwright.sync_api import sync_playwright

    if args.db is None:
        args.db = shared_bench_database()
    with tempfile.TemporaryDirectory(prefix="bench-pages-") as temp:
        home = Path(temp)
        env = {
            **os.environ,
            "DASHBOARD_DB_PATH": str(Path(args.db).resolve()),
            "DASHBOARD_BOUNDARIES": str(BOUNDARIES),
            "DASHBOARD_CACHE_DIR": str(home / "boundaries"),
        }
        env.pop("DATABASE_URL", None)
        floor_dir = home / "floor"
        (floor_dir / ".streamlit").mkdir(parents=True)
        (floor_dir / ".streamlit" / "config.toml").write_text(FLOOR_CONFIG)
        (floor_dir / "floor.py").write_text(FLOOR_APP.replace("{path!r}", repr(str(BOUNDARIES))))
        floor_env = {**os.environ, "PYTHONPATH": str(ROOT)}
        sys.path.insert(0, str(ROOT))
        from geo.assets import install_leaflet_assets

        install_leaflet_assets(floor_dir / "static")  # before start: Streamlit looks for it then

        app, app_url = start_server("app.py", ROOT, env, home / "app.log")
        floor, floor_url = start_server("floor.py", floor_dir, floor_env, home / "floor.log")
        try:
            rss = {"app": [rss_mb(app.pid)], "floor": [rss_mb(floor.pid)]}
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
                )
                # Warm-up: every page once (the first start may generate the demo data).
                for _, path, kind in pages:
                    open_page(browser, app_url + path, kind, timeout_ms=400_000)[0].close()
                open_page(browser, floor_url, "map")[0].close()
                rss["app"].append(rss_mb(app.pid))
                rss["floor"].append(rss_mb(floor.pid))

                floor_times = page_ready(browser, floor_url, "map", runs)
                results = [
                    (name, page_ready(browser, app_url + path, kind, runs))
                    for name, path, kind in pages
                ]
                changes = [
                    (name, *filter_change(browser, app_url, label, max(3, runs)))
                    for name, label in INTERACTIONS
                ]
                rss["app"] += sessions_memory(browser, app_url, app.pid, counts, settle_s)
                rss["floor"] += sessions_memory(browser, floor_url, floor.pid, counts, settle_s)
                browser.close()
        finally:
            for process in (app, floor):
                process.terminate()
                process.wait(timeout=20)

    floor_median = statistics.median(floor_times)
    print(machine())
    print(f"database: {args.db}  runs: {runs}")
    print(f"{'page-ready (s)':<30}{'median':>8}{'min–max':>13}{'× floor':>9}")
    for name, times in [*results, ("floor (bare st_folium map)", floor_times)]:
        median = statistics.median(times)
        print(f"{name:<30}{median:>8.2f}{spread(times):>13}{median / floor_median:>9.1f}")
    print(f"{'filter change (s)':<30}{'median':>8}{'min–max':>13}{'× floor':>9}")
    for name, redrawn, script in changes:
        for what, times in (("→ map redrawn", redrawn), ("→ script run", script)):
            median = statistics.median(times)
            print(
                f"{name + ' ' + what:<30}{median:>8.2f}{spread(times):>13}"
                f"{median / floor_median:>9.1f}"
            )
    labels = ["after start", "after warm-up", *(f"{n} session(s) open" for n in counts),
              f"{settle_s:.0f} s after closing"]  # fmt: skip
    print(f"{'server RSS (MB)':<30}{'app':>8}{'floor':>13}{'× floor':>9}")
    for index, label in enumerate(labels):
        a, f = rss["app"][index], rss["floor"][index]
        print(f"{label:<30}{a:>8.0f}{f:>13.0f}{a / f:>9.1f}")


if __name__ == "__main__":
    main()
