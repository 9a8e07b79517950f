"""Scorecard cost: cold (fresh process) and warm, against a floor measured in the same run.

    .venv/bin/python -m bench.bench_scorecard [--db PATH] [--repeat 20]

The floor is the cheapest read a scorecard could be: the 102 registry rows into pandas through
the same engine. Cold = a fresh Python process that imports the metrics layer and reads one
scorecard; its floor = a fresh process that imports pandas + SQLAlchemy and reads the registry.
Also prints the one-off cost of recomputing every month's snapshots. Prints figures; asserts
nothing.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

COLD_SCORECARD = """
import time; t0 = time.perf_counter()
from data.db import build_engine
from metrics import scorecard
card = scorecard(build_engine({url!r}, "bench"))
assert len(card) == 102
print(time.perf_counter() - t0)
"""
COLD_FLOOR = """
import time; t0 = time.perf_counter()
import pandas as pd
from sqlalchemy import create_engine
frame = pd.read_sql("SELECT * FROM units", create_engine({url!r}))
assert len(frame) == 102
print(time.perf_counter() - t0)
"""


def median_seconds(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def cold_seconds(template: str, url: str, repeat: int) -> float:
    runs = [
        float(
            subprocess.run(
                [sys.executable, "-c", template.format(url=url)],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
        )
        for _ in range(repeat)
    ]
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=str(ROOT / "var" / "dashboard.sqlite3"))
    parser.add_argument("--url", default=None, help="a database URL instead of --db")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    url = args.url or f"sqlite+pysqlite:///{args.db}"

    sys.path.insert(0, str(ROOT))
    from data.db import build_engine
    from data.queries import read_units
    from metrics import refresh_snapshots, scorecard

    engine = build_engine(url, "bench")
    started = time.perf_counter()
    refresh_snapshots(engine, force=True)
    refresh = time.perf_counter() - started

    scorecard(engine)  # warm the connection pool and the OS cache
    warm = median_seconds(lambda: scorecard(engine), args.repeat)
    warm_floor = median_seconds(lambda: read_units(engine), args.repeat)
    cold = cold_seconds(COLD_SCORECARD, url, max(3, args.repeat // 4))
    cold_floor = cold_seconds(COLD_FLOOR, url, max(3, args.repeat // 4))

    print(f"database: {engine.dialect.name}  ({url.split('@')[-1]})")
    print(f"{'measure':<34}{'seconds':>10}{'floor s':>10}{'ratio':>8}")
    for name, seconds, floor in (
        ("scorecard, warm (median)", warm, warm_floor),
        ("scorecard, cold process (median)", cold, cold_floor),
    ):
        print(f"{name:<34}{seconds:>10.4f}{floor:>10.4f}{seconds / floor:>8.1f}")
    print(f"{'recompute all monthly snapshots':<34}{refresh:>10.2f}")


if __name__ == "__main__":
    main()
