"""Run the whole benchmark suite and print its tables: ``python -m bench [--quick]``.

1. scaling — scorecard and recomputation cost at several data scales, SQLite and PostgreSQL
   (``bench.bench_scaling``); 2. pages — page-ready time against a bare folium floor, a filter
   change, server memory with open sessions (``bench.bench_pages``). ``--quick`` runs smaller
   versions of both (about three minutes once the bench databases exist; the first run
   generates them). Figures only: nothing here passes or fails.
"""

from __future__ import annotations

import subprocess
import sys
import time


def main() -> int:
    quick = ["--quick"] if "--quick" in sys.argv[1:] else []
    started = time.monotonic()
    for module in ("bench.bench_scaling", "bench.bench_pages"):
        print(f"\n=== {module} {' '.join(quick)}", flush=True)
        result = subprocess.run([sys.executable, "-m", module, *quick], check=False)
        if result.returncode != 0:
            print(f"{module} exited with {result.returncode}", file=sys.stderr)
            return result.returncode
    print(f"\nsuite wall time {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
