"""Regenerate the demo data set: ``python -m data.demo [--seed N] [--scale X] [--end-date D]``.

Defaults come from the settings (``DASHBOARD_DEMO_SEED``, ``DASHBOARD_DEMO_SCALE``) and today's
date in Đắk Lắk. A bad argument or setting, or a database that cannot be used, prints one line
naming it and exits with status 2.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from datetime import date
from typing import NoReturn

from sqlalchemy.exc import SQLAlchemyError

from data.db import DatabaseUnavailable, check_connection, get_engine, safe_url
from data.demo import MAX_SCALE, DemoSummary, regenerate
from data.demo.world import LATEST_END_DATE, SPAN_START, vietnam_today
from data.settings import SettingError, load_settings

PROG = "python -m data.demo"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # One line, no usage block: the message already names the argument.
        self.exit(2, f"{self.prog}: {message}\n")


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative, got {text!r}")
    return value


def _scale(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"must be a number such as 1 or 10, got {text!r}"
        ) from None
    if not 0 < value <= MAX_SCALE:
        raise argparse.ArgumentTypeError(
            f"must be greater than 0 and at most {MAX_SCALE:g}, got {text!r}"
        )
    return value


def _end_date(text: str) -> date:
    try:
        value = date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a date as YYYY-MM-DD, got {text!r}") from None
    if not SPAN_START < value <= LATEST_END_DATE:
        raise argparse.ArgumentTypeError(
            f"must be after {SPAN_START.isoformat()} and at most {LATEST_END_DATE.isoformat()}, "
            f"got {text!r}"
        )
    return value


def build_parser(default_seed: int, default_scale: float) -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="Replace the demo data set (all of it, in one transaction, or nothing).",
    )
    parser.add_argument("--seed", type=_seed, default=default_seed, help="random seed")
    parser.add_argument("--scale", type=_scale, default=default_scale, help="volume factor")
    parser.add_argument(
        "--end-date",
        type=_end_date,
        default=None,
        help="snapshot date, exclusive (default: today in Đắk Lắk)",
    )
    return parser


def _report(target: str, args: argparse.Namespace, summary: DemoSummary, seconds: float) -> None:
    print(
        f"Demo data written to {target} (seed {args.seed}, scale {args.scale:g}, "
        f"end date {args.end_date.isoformat()}):"
    )
    for table, count in summary.by_table().items():
        print(f"  {table:<28} {count:>10,}")
    print(f"  {'total':<28} {summary.total:>10,} rows in {seconds:.1f} s")


def main(argv: Sequence[str] | None = None) -> int:
    try:
        settings = load_settings()
    except SettingError as exc:
        print(f"{PROG}: setting {exc}", file=sys.stderr)
        return 2
    args = build_parser(settings.demo_seed, settings.demo_scale).parse_args(argv)
    args.end_date = args.end_date or vietnam_today()
    target = safe_url(settings.database_url)
    try:
        engine = get_engine(settings)
        check_connection(engine, settings.url_setting)
        started = time.perf_counter()
        summary = regenerate(engine, seed=args.seed, scale=args.scale, end_date=args.end_date)
    except DatabaseUnavailable as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 2
    except SQLAlchemyError as exc:
        detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        unusable = DatabaseUnavailable("schema", settings.url_setting, target, detail)
        print(f"{PROG}: {unusable}", file=sys.stderr)
        return 2
    _report(target, args, summary, time.perf_counter() - started)
    return 0


if __name__ == "__main__":
    sys.exit(main())
