"""Save a screenshot of a running dashboard page with Debian's Chromium (no browser download).

python scripts/screenshot.py http://localhost:8501/ docs/screenshot-home.png [1920x1080]
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from devtools.chromium import CHROMIUM, CHROMIUM_ARGS


def main(url: str, target: str, size: str = "1920x1080", full_page: str = "") -> None:
    width, height = (int(v) for v in size.split("x"))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": width, "height": height})
        page.goto(url)
        # Streamlit marks its root with the script's run state; "notRunning" = the run finished.
        page.wait_for_selector(
            '[data-testid="stApp"][data-test-script-state="notRunning"] h1', timeout=120_000
        )
        page.wait_for_timeout(2500)  # code-split widgets (tables, metrics) load after the run
        page.screenshot(path=target, full_page=bool(full_page))
        browser.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
