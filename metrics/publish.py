"""Publish a month's results, or re-score a published month from its frozen inputs.

    python -m metrics.publish --period 10/2026 [--by NAME]
    python -m metrics.publish --verify 10/2026

Exit status: 0 done / identical, 1 refused or different, 2 bad arguments.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Sequence
from datetime import date

from sqlalchemy import Engine

from metrics.publication import (
    AlreadyPublished,
    NotPublished,
    NotReproducible,
    ScoresBusy,
    UnknownPeriod,
    publish_period,
    verify_period,
)


def parse_month(text: str) -> date:
    """``10/2026`` → 1 October 2026 (the month as the dashboard writes it)."""
    try:
        month, year = (int(part) for part in text.strip().split("/"))
        return date(year, month, 1)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a month written mm/yyyy") from exc


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m metrics.publish",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,  # keep the usage lines
    )
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--period", type=parse_month, help="publish this month (mm/yyyy)")
    action.add_argument("--verify", type=parse_month, help="re-score this published month")
    parser.add_argument("--by", default=None, help="who publishes (default: the OS user)")
    return parser


def publish(engine: Engine, period: date, by: str) -> int:
    try:
        result = publish_period(engine, period, by=by)
    except AlreadyPublished:
        print(f"{period:%m/%Y} is already published; a published result never changes.")
        return 1
    except UnknownPeriod:
        print(f"{period:%m/%Y} has no scores: nothing to publish (is there data for it?).")
        return 1
    except ScoresBusy:
        print(f"{period:%m/%Y} not published: the scores are being recomputed; try again later.")
        return 1
    except NotReproducible as exc:
        print(f"{period:%m/%Y} not published: its stored scores do not re-score identically.")
        print("\n".join(exc.problems[:20]))
        return 1
    print(
        f"published {period:%m/%Y} by {by}: {result.units} units, {result.inputs} input rows, "
        f"catalog {result.catalog_version} (sha256 {result.catalog_hash[:12]}…), "
        f"data version {result.data_version}"
    )
    return 0


def verify(engine: Engine, period: date) -> int:
    try:
        result = verify_period(engine, period)
    except NotPublished:
        print(f"{period:%m/%Y} is not published: nothing to re-score.")
        return 1
    if not result.catalog_intact:
        print(f"{period:%m/%Y}: the frozen catalog text no longer matches its frozen hash.")
    if result.identical and result.catalog_intact:
        print(f"{period:%m/%Y}: re-scored {result.units} units from the frozen inputs: identical.")
        return 0
    print(f"{period:%m/%Y}: {len(result.problems)} difference(s) from the published result:")
    print("\n".join(result.problems[:20]))
    return 1


def main(argv: Sequence[str] | None = None, engine: Engine | None = None) -> int:
    args = _parser().parse_args(argv)
    if engine is None:
        from data.db import get_engine
        from data.migrate import upgrade_to_head

        engine = get_engine()
        upgrade_to_head(engine)
    if args.verify is not None:
        return verify(engine, args.verify)
    return publish(engine, args.period, args.by or getpass.getuser())


if __name__ == "__main__":
    sys.exit(main())
