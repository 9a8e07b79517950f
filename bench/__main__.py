"""Run the whole benchmark suite and print its tables: ``python -m bench [--quick]``.

1. scaling — scorecard, page queries and recomputation cost at ×1, ×10, ×30 data, SQLite and
   PostgreSQL (``bench.bench_scaling``; it generates the bench databases it lacks, ≈ 30 min for
   all of them); 2. pages — page-ready time in Chromium against a bare folium floor, filter
   changes, server memory with 1 and 20 sessions (``bench.bench_pages``); 3. viewers — 102
   viewers opening the heat map at once on one process, and on one and two processes behind
   nginx, with memory at 102 sessions (``bench.bench_viewers``); 4. first start — a fresh clone
   → ``./run-app`` → the heat map in Chromium: install, server, first page
   (``bench.bench_first_start``; not in ``--quick``: it installs a whole venv, ≈ 1–2 min).
   ``--quick`` runs smaller versions of the first three (≈ 2 min 40 s once the bench databases
   exist). Figures only: nothing here passes or fails.
"""

from __future__ import annotations

import subprocess
import sys
import time


def main() -> int:
    quick = ["--quick"] if "--quick" in sys.argv[1:] else []
    started = time.monotonic()
    modules = ["bench.bench_scaling", "bench.bench_pages", "bench.bench_viewers"]
    if not quick:
        modules.append("bench.bench_first_start")  # it has no quick version
    for module in modules:
        print(f"\n=== {module} {' '.join(quick)}", flush=True)
        result = subprocess.run([sys.executable, "-m", module, *quick], check=False)
        if result.returncode != 0:
            print(f"{module} exited with {result.returncode}", file=sys.stderr)
            return result.returncode
    print(f"\nsuite wall time {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
