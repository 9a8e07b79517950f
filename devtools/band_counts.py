"""Band counts and the median composite of one month, scored from a database's raw tables by the
rules of the code tree this runs from — how the before → after figures of a rule change are
measured (metrics/rule_changes.yaml).

    DASHBOARD_DB_PATH=/tmp/demo.sqlite python -m data.demo --end-date 2026-12-02
    python devtools/band_counts.py sqlite:////tmp/demo.sqlite 10/2026
    # the rules before: the same file run with PYTHONPATH=<a checkout of the older commit>
"""

from __future__ import annotations

import argparse
from datetime import date

from sqlalchemy import create_engine

from common.periods import add_months
from data.queries import read_units
from metrics.catalog import default_catalog
from metrics.snapshots import all_measures, score_history


def band_counts(url: str, period: date) -> tuple[dict[str, int], float]:
    """Units per band in ``period`` and the median composite of the coloured (not grey) units."""
    engine = create_engine(url)
    measures = all_measures(engine)
    history = score_history(
        measures, default_catalog(), read_units(engine), [add_months(period, -1), period]
    )
    units = history[period].units
    bands = units["band"].astype(str)
    return bands.value_counts().to_dict(), float(units.loc[bands != "grey", "composite"].median())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="SQLAlchemy URL of the database")
    parser.add_argument("period", help="MM/YYYY")
    args = parser.parse_args()
    month, year = (int(part) for part in args.period.split("/"))
    counts, median = band_counts(args.url, date(year, month, 1))
    print(counts, f"median {median:.2f}")


if __name__ == "__main__":
    main()
