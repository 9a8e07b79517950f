"""How the cost grows with the data: demo data at several scales, on SQLite and PostgreSQL.

    .venv/bin/python -m bench.bench_scaling [--quick] [--scales 1,10,30]
                                            [--backends sqlite,postgresql] [--prepare-only]

For each scale the demo generator (seed 20250701, end date 2026-11-22) builds one database:
``var/bench/scale-<S>.sqlite3`` on SQLite, a dedicated database ``bench_scale_<S>`` on the
PostgreSQL server (created here through an AUTOCOMMIT connection to ``postgres``; no other
database is touched). A database whose newest import batch has the same parameters is reused.

Measured per backend and scale: row counts; ``refresh_snapshots(force=True)`` (the recomputation
after a data load, the stored feedback counts included), split into its sub-steps; the
operational-inputs query alone (``metrics.operational.operational_inputs``); the
scorecard warm (median of ``--repeat`` calls) and cold (fresh process, median of 3), each against
its floor measured in the same run (the 102 registry rows warm; a fresh process importing
pandas + SQLAlchemy and reading them cold). Growth factors are relative to scale 1 (or the
smallest scale measured) and sit next to the growth of the feedback row count. Prints figures;
asserts nothing. ``--quick``: scales 0.1 and 1, fewer repeats (about 40 s with both backends).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bench.bench_scorecard import COLD_FLOOR, COLD_SCORECARD, cold_seconds, median_seconds

ROOT = Path(__file__).resolve().parent.parent

SEED = 20250701
END_DATE = date(2026, 11, 22)
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432"
COUNTED = (
    ("feedback_cases", "feedback"),
    ("feedback_status_history", "fb history"),
    ("tasks", "tasks"),
    ("infra_sites", "sites"),
    ("indicator_values", "indicators"),
)
# The sub-steps of metrics.refresh_snapshots, timed by wrapping the names it calls.
REFRESH_STEPS = (
    "refresh_feedback_stats",
    "read_indicator_measures",
    "operational_inputs",
    "operational_measures",
    "score_history",
    "write_snapshots",
)

DOSSIER_UNIT = "22015"  # Phường Tuy Hòa, the registry's first unit
PAGE_QUERIES = ("heat map", "dossier", "tasks", "feedback", "feedback counts", "row counts")

# The queries of metrics.operational.operational_inputs, timed one by one (one call each).
INPUT_PARTS = (
    "unit_populations",
    "feedback_unit_months",
    "feedback_as_of_month",
    "unit_task_assignments",
    "unit_task_extensions",
    "five_g_site_history",
)


@dataclass
class Result:
    backend: str
    scale: float
    counts: dict[str, int]
    generated_s: float | None
    refresh_s: float
    refresh_steps: dict[str, float]
    inputs_s: float
    warm_s: float
    warm_floor_s: float
    cold_s: float
    cold_floor_s: float
    inputs_parts: dict[str, float]
    page_queries: dict[str, float]  # what each page asks the database for, median seconds
    load: tuple[float, float] = (0.0, 0.0)  # 1-minute load average before / after measuring


def scale_label(scale: float) -> str:
    return f"{scale:g}"


def expected_parameters(scale: float) -> dict[str, Any]:
    from data.demo import GENERATOR_VERSION

    return {
        "seed": SEED,
        "scale": float(scale),
        "end_date": END_DATE.isoformat(),
        "generator_version": GENERATOR_VERSION,
    }


def stored_parameters(engine) -> dict[str, Any] | None:
    """The parameters of the newest import batch, or None (no schema, no batch, not JSON)."""
    from sqlalchemy import inspect, select

    from data.models import ImportBatch

    if not inspect(engine).has_table(ImportBatch.__tablename__):
        return None
    with engine.connect() as conn:
        raw = conn.execute(
            select(ImportBatch.parameters).order_by(ImportBatch.id.desc()).limit(1)
        ).scalar_one_or_none()
    try:
        params = json.loads(raw) if raw else None
    except ValueError:
        return None
    if isinstance(params, dict) and "scale" in params:
        params["scale"] = float(params["scale"])
    return params


def database_url(backend: str, scale: float, pg_server: str) -> str:
    if backend == "sqlite":
        return (
            f"sqlite+pysqlite:///{ROOT / 'var' / 'bench' / f'scale-{scale_label(scale)}.sqlite3'}"
        )
    return f"{pg_server}/{pg_database_name(scale)}"


def pg_database_name(scale: float) -> str:
    return "bench_scale_" + scale_label(scale).replace(".", "_")


def ensure_pg_database(pg_server: str, name: str) -> None:
    """Create database ``name`` when missing, through an AUTOCOMMIT maintenance connection."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    for maintenance in ("postgres", "test"):
        admin = create_engine(f"{pg_server}/{maintenance}", isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                exists = conn.execute(
                    text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
                ).first()
                if not exists:
                    conn.execute(text(f'CREATE DATABASE "{name}"'))
            return
        except OperationalError:
            continue
        finally:
            admin.dispose()
    raise SystemExit(f"cannot reach the PostgreSQL server {pg_server} (databases postgres, test)")


def prepare(backend: str, scale: float, pg_server: str) -> tuple[Any, float | None]:
    """The engine of the bench database for (backend, scale), generated when needed."""
    from data.db import build_engine
    from data.demo import regenerate
    from data.migrate import upgrade_to_head

    if backend == "postgresql":
        ensure_pg_database(pg_server, pg_database_name(scale))
    url = database_url(backend, scale, pg_server)
    engine = build_engine(url, "bench")
    if stored_parameters(engine) == expected_parameters(scale):
        upgrade_to_head(engine)  # a database generated before a schema change is reused too
        return engine, None
    print(f"  generating demo data ×{scale_label(scale)} on {backend} …", flush=True)
    started = time.perf_counter()
    regenerate(engine, seed=SEED, scale=scale, end_date=END_DATE)
    return engine, time.perf_counter() - started


def row_counts(engine) -> dict[str, int]:
    from sqlalchemy import text

    with engine.connect() as conn:
        return {
            table: int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
            for table, _ in COUNTED
        }


@contextmanager
def timed_steps(module: Any, names: tuple[str, ...]) -> Iterator[dict[str, float]]:
    """Wrap ``module.<name>`` for each name; yields the accumulated seconds per name."""
    spent = dict.fromkeys(names, 0.0)
    originals = {name: getattr(module, name) for name in names}

    def wrap(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[name] += time.perf_counter() - started

        return timed

    for name, function in originals.items():
        setattr(module, name, wrap(name, function))
    try:
        yield spent
    finally:
        for name, function in originals.items():
            setattr(module, name, function)


def seconds_of(query: Callable[[Any], object], engine: Any) -> float:
    started = time.perf_counter()
    query(engine)
    return time.perf_counter() - started


def measure(backend: str, scale: float, args: argparse.Namespace) -> Result:
    import metrics.snapshots
    from data.queries import read_units
    from metrics import refresh_snapshots, scorecard
    from metrics.operational import input_queries, operational_inputs

    print(f"- {backend} ×{scale_label(scale)}", flush=True)
    engine, generated = prepare(backend, scale, args.pg_server)
    url = engine.url.render_as_string(hide_password=False)
    counts = row_counts(engine)
    load_before = os.getloadavg()[0]

    with timed_steps(metrics.snapshots, REFRESH_STEPS) as steps:  # force: the feedback counts too
        started = time.perf_counter()
        refresh_snapshots(engine, force=True)
        refresh = time.perf_counter() - started
    steps = dict(steps)

    operational_inputs(engine)  # warm the OS / buffer cache for the query alone
    inputs = median_seconds(lambda: operational_inputs(engine), args.inputs_repeat)
    queries = input_queries()
    inputs_parts = {name: seconds_of(queries[name], engine) for name in INPUT_PARTS}

    scorecard(engine)  # warm the connection pool and the OS cache
    warm = median_seconds(lambda: scorecard(engine), args.repeat)
    page_queries = page_query_seconds(engine, max(3, args.repeat // 4))
    warm_floor = median_seconds(lambda: read_units(engine), args.repeat)
    cold = cold_seconds(COLD_SCORECARD, url, args.cold_repeat)
    cold_floor = cold_seconds(COLD_FLOOR, url, args.cold_repeat)
    engine.dispose()
    load = (load_before, os.getloadavg()[0])
    result = Result(
        backend,
        scale,
        counts,
        generated,
        refresh,
        steps,
        inputs,
        warm,
        warm_floor,
        cold,
        cold_floor,
        inputs_parts,
        page_queries,
        load,
    )
    print(
        f"  rows {counts['feedback_cases']:,} feedback; refresh {refresh:.2f} s; "
        f"inputs {inputs:.2f} s; warm {warm * 1000:.1f} ms; cold {cold:.2f} s",
        flush=True,
    )
    return result


def page_query_seconds(engine: Any, repeat: int) -> dict[str, float]:
    """The database reads behind each page for the newest month (each page caches them per data
    version, so this is what the first viewer after a data load waits for).

    Heat map: this month's and last month's scorecards and the list of months; dossier: one
    unit's score (with its history) and explanation; tasks: the filter options, the whole board
    at the newest day and one task's drill-down; feedback: the filter options and the whole
    board with the default filters (the newest month: stored counts, short lists, map points);
    feedback counts: the stored-count reads alone (the newest month by unit and by category, and
    26 weeks); infrastructure (still a placeholder): the dataset status with its row counts.
    """
    from data.feedback_stats import StatsFilters, read_stats, read_weekly, stats_periods
    from data.queries import dataset_status
    from metrics import available_periods, explain_unit, scorecard, unit_score
    from metrics.feedback_board import FeedbackFilters, feedback_board, feedback_filter_options
    from metrics.task_board import TaskFilters, task_board, task_detail, task_filter_options

    periods = available_periods(engine)
    period, previous = periods[-1], periods[-2]

    def heat_map() -> None:
        available_periods(engine)
        scorecard(engine, period)
        scorecard(engine, previous)

    def dossier() -> None:
        unit_score(engine, DOSSIER_UNIT, period)
        explain_unit(engine, DOSSIER_UNIT, period)

    def tasks() -> None:
        options = task_filter_options(engine)
        board = task_board(engine, TaskFilters(as_of=options.last_day))
        task_detail(engine, int(board.register["assignment_id"].iloc[0]), options.last_day)

    def feedback() -> None:
        feedback_filter_options(engine)
        feedback_board(engine, FeedbackFilters())

    def feedback_counts() -> None:
        newest = stats_periods(engine)[-1]
        read_stats(engine, StatsFilters(period=newest), ["unit_code"])
        read_stats(engine, StatsFilters(period=newest), ["category_group", "category"])
        read_weekly(engine, StatsFilters(), since=newest - timedelta(weeks=26))

    return {
        "heat map": median_seconds(heat_map, repeat),
        "dossier": median_seconds(dossier, repeat),
        "tasks": median_seconds(tasks, repeat),
        "feedback": median_seconds(feedback, repeat),
        "feedback counts": median_seconds(feedback_counts, repeat),
        "row counts": median_seconds(lambda: dataset_status(engine), repeat),
    }


def query_cell(seconds: float, base: float) -> str:
    return f"{seconds * 1000:.0f} ({growth(seconds, base)})"


def growth(value: float, base: float | None) -> str:
    return f"×{value / base:.1f}" if base else "—"


def print_report(results: list[Result]) -> None:
    print()
    print(
        f"seed {SEED}, end date {END_DATE.isoformat()}; growth = figure / figure at the base scale"
    )
    header = (
        f"{'backend':<11}{'scale':>6}{'feedback rows':>15}{'growth':>8}"
        f"{'refresh s':>11}{'growth':>8}{'op-inputs s':>13}{'growth':>8}"
        f"{'scorecard warm ms (ratio)':>27}{'growth':>8}"
        f"{'scorecard cold s (ratio)':>26}{'growth':>8}"
    )
    print(header)
    print("-" * len(header))
    for backend in dict.fromkeys(r.backend for r in results):
        rows = sorted((r for r in results if r.backend == backend), key=lambda r: r.scale)
        base = next((r for r in rows if r.scale == 1), rows[0])
        for r in rows:
            warm = f"{r.warm_s * 1000:.1f} ({r.warm_s / r.warm_floor_s:.1f})"
            cold = f"{r.cold_s:.2f} ({r.cold_s / r.cold_floor_s:.1f})"
            print(
                f"{backend:<11}{scale_label(r.scale):>6}{r.counts['feedback_cases']:>15,}"
                f"{growth(r.counts['feedback_cases'], base.counts['feedback_cases']):>8}"
                f"{r.refresh_s:>11.2f}{growth(r.refresh_s, base.refresh_s):>8}"
                f"{r.inputs_s:>13.2f}{growth(r.inputs_s, base.inputs_s):>8}"
                f"{warm:>27}{growth(r.warm_s, base.warm_s):>8}"
                f"{cold:>26}{growth(r.cold_s, base.cold_s):>8}"
            )

    print()
    print("floors (same run): registry read warm ms, fresh process pandas+SQLAlchemy+registry s;")
    print(
        f"1-minute load average on {os.cpu_count()} CPUs (other work on the machine skews timings)"
    )
    print(
        f"{'backend':<11}{'scale':>6}{'floor warm ms':>15}{'floor cold s':>14}{'generated s':>13}"
        f"{'load before/after':>19}"
    )
    for r in results:
        generated = f"{r.generated_s:.0f}" if r.generated_s is not None else "reused"
        print(
            f"{r.backend:<11}{scale_label(r.scale):>6}{r.warm_floor_s * 1000:>15.2f}"
            f"{r.cold_floor_s:>14.2f}{generated:>13}"
            f"{f'{r.load[0]:.1f} / {r.load[1]:.1f}':>19}"
        )

    print()
    print("row counts")
    print(f"{'backend':<11}{'scale':>6}" + "".join(f"{label:>13}" for _, label in COUNTED))
    for r in results:
        print(
            f"{r.backend:<11}{scale_label(r.scale):>6}"
            + "".join(f"{r.counts[table]:>13,}" for table, _ in COUNTED)
        )

    print()
    print("refresh_snapshots(force=True), seconds per sub-step (rest = catalog, units, ranks glue)")
    print(
        f"{'backend':<11}{'scale':>6}"
        + "".join(f"{name:>25}" for name in REFRESH_STEPS)
        + f"{'rest':>8}"
    )
    for r in results:
        rest = r.refresh_s - sum(r.refresh_steps.values())
        print(
            f"{r.backend:<11}{scale_label(r.scale):>6}"
            + "".join(f"{r.refresh_steps[name]:>25.2f}" for name in REFRESH_STEPS)
            + f"{rest:>8.2f}"
        )

    print()
    print("page queries, ms (median; growth against the base scale)")
    print(f"{'backend':<11}{'scale':>6}" + "".join(f"{name:>20}" for name in PAGE_QUERIES))
    for backend in dict.fromkeys(r.backend for r in results):
        rows = sorted((r for r in results if r.backend == backend), key=lambda r: r.scale)
        base = next((r for r in rows if r.scale == 1), rows[0])
        for r in rows:
            cells = "".join(
                f"{query_cell(r.page_queries[n], base.page_queries[n]):>20}" for n in PAGE_QUERIES
            )
            print(f"{backend:<11}{scale_label(r.scale):>6}{cells}")

    print()
    print("operational_inputs, seconds per query (one call each)")
    print(f"{'backend':<11}{'scale':>6}" + "".join(f"{name:>28}" for name in INPUT_PARTS))
    for r in results:
        print(
            f"{r.backend:<11}{scale_label(r.scale):>6}"
            + "".join(f"{r.inputs_parts[name]:>28.2f}" for name in INPUT_PARTS)
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="scales 0.1 and 1, fewer repeats")
    parser.add_argument("--scales", default=None, help="comma-separated, default 1,10,30")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--pg-server", default=DEFAULT_PG, help="URL without database name")
    parser.add_argument("--repeat", type=int, default=None, help="warm calls per median (20)")
    parser.add_argument(
        "--prepare-only",
        action="store_true",
        help="generate the missing bench databases and stop (no timing)",
    )
    args = parser.parse_args()
    scales = [float(s) for s in (args.scales or ("0.1,1" if args.quick else "1,10,30")).split(",")]
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    unknown = set(backends) - {"sqlite", "postgresql"}
    if unknown:
        parser.error(f"unknown backend(s): {', '.join(sorted(unknown))}")
    args.cold_repeat = 1 if args.quick else 3
    args.inputs_repeat = 1 if args.quick else 3
    args.repeat = args.repeat or (8 if args.quick else 20)

    started = time.perf_counter()
    if args.prepare_only:
        for backend in backends:
            for scale in scales:
                engine, generated = prepare(backend, scale, args.pg_server)
                engine.dispose()
                took = f"generated in {generated:.0f} s" if generated is not None else "reused"
                print(f"- {backend} ×{scale_label(scale)}: {took}", flush=True)
        return
    results = [measure(backend, scale, args) for backend in backends for scale in scales]
    print_report(results)
    print(f"\nbench wall time {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
