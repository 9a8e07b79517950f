"""A small demo database with stored scores, and the poppler tools that read the PDFs back.

One database for the whole package (SQLite, demo scale 0.02, ≈ 10 s): the exports only read it.
One unit's stored score is pinned to hand-chosen figures so that the texts a brief must print
are written in the tests by hand, not copied from what the code produced.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from data.bootstrap import sync_reference_data
from data.db import exclusive_write
from data.demo import generate_into
from data.migrate import upgrade_to_head
from data.settings import DEFAULT_DEMO_SEED
from metrics import refresh_snapshots
from tests.conftest import sqlite_engine

DEMO_END = date(2026, 11, 16)  # data up to 15/11/2026: October 2026 is the newest whole month
OCTOBER = date(2026, 10, 1)
PINNED = "24505"  # Xã Ea Knuếc: a name with "ế"
PINNED_COMPOSITE = 72.44  # written "72,4" in Vietnamese, "72.4" in English
PINNED_DELTA = 2.44  # "+2,4" on September
POPPLER = ("pdftoppm", "pdftotext", "pdfinfo")


def require_poppler() -> None:
    """Skip (fail under CI) without poppler-utils; ``scripts/ensure-poppler`` installs it."""
    missing = [tool for tool in POPPLER if shutil.which(tool) is None]
    if not missing:
        return
    message = f"{', '.join(missing)} missing (poppler-utils; scripts/ensure-poppler)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def demo_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    engine = sqlite_engine(tmp_path_factory.mktemp("reports") / "demo.sqlite3")
    upgrade_to_head(engine)
    with engine.begin() as conn:
        sync_reference_data(conn)
    with exclusive_write(engine) as conn:
        generate_into(conn, seed=DEFAULT_DEMO_SEED, scale=0.02, end_date=DEMO_END)
    refresh_snapshots(engine)
    with engine.begin() as conn:
        # Yellow with 72.44 (yellow from 65, green from 80): the figures the tests expect.
        conn.execute(
            text(
                "UPDATE score_snapshots SET composite = :c, delta = :d, band = 'yellow' "
                "WHERE unit_code = :u AND period = :p"
            ),
            {"c": PINNED_COMPOSITE, "d": PINNED_DELTA, "u": PINNED, "p": OCTOBER},
        )
    yield engine
    engine.dispose()


def pdf_pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    line = next(line for line in info.stdout.splitlines() if line.startswith("Pages:"))
    return int(line.split()[1])


def pdf_text(pdf: Path, page: int | None = None) -> str:
    pages = [] if page is None else ["-f", str(page), "-l", str(page)]
    done = subprocess.run(
        ["pdftotext", "-layout", *pages, str(pdf), "-"], capture_output=True, check=True
    )
    return done.stdout.decode("utf-8")


def to_pngs(pdf: Path, dpi: int = 60) -> list[Path]:
    """Every page of ``pdf`` as a PNG beside it (pdftoppm), in page order."""
    stem = pdf.with_suffix("")
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(stem)], check=True)
    return sorted(pdf.parent.glob(f"{stem.name}-*.png"))
