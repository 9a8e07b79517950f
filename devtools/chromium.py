"""Debian's Chromium, as every browser-driving tool here launches it (Playwright never downloads
a browser of its own).

The background-networking flags matter: without them Chromium tries to reach outside hosts at
start, which this project's offline test would (rightly) count against the page.
"""

from __future__ import annotations

import os
from pathlib import Path

CHROMIUM = Path(os.environ.get("DASHBOARD_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
