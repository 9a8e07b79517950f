"""The stored scores are the scores: every stored row equals a fresh computation from the raw
tables, and SQLite and PostgreSQL give the same scorecards for the same data.

One small demo data set (seed 7, scale 0.02, up to 16 March 2026: July 2025 to February 2026),
generated once per database for the module. Bands, ranks, counts, flags, texts and times must be
equal; numbers within 1e-9 (the scores are rounded to 9 decimals before a threshold).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Engine, select

from data.bootstrap import sync_reference_data
from data.db import exclusive_write
from data.demo import generate_into
from data.feedback_stats import (
    COUNT_COLUMNS,
    KEY_COLUMNS,
    StatsFilters,
    read_stats,
    read_weekly,
    stats_state,
)
from data.migrate import upgrade_to_head
from data.models import FeedbackCase, FeedbackOpenCase
from data.queries import (
    read_indicator_snapshots,
    read_pillar_snapshots,
    read_snapshot_periods,
    read_unit_snapshots,
    read_units,
)
from metrics import default_catalog, scorecard
from metrics.feedback_stats import compute_all_feedback_stats, feedback_stats_current
from metrics.snapshots import all_measures, score_history, scoring_periods
from tests.conftest import drop_schema, postgres_engine_in_fresh_schema, require_postgres
from tests.conftest import sqlite_engine as new_sqlite_engine
from tests.metrics.waiting import refresh_when_free

SEED, SCALE, END = 7, 0.02, date(2026, 3, 16)
TOLERANCE = 1e-9
TIMES = {"last_update", "value_period", "reported_at"}
# Per part of the scores: the key columns, the numbers (compared within 1e-9) and the columns
# that must be equal exactly (bands, ranks, counts, flags, texts, times).
PARTS = {
    "units": (
        ["unit_code"],
        ["composite", "coverage", "delta"],
        ["reported", "expected", "last_update", "band", "rank_level", "rank_peer", "rank_delta"],
    ),
    "pillars": (["unit_code", "pillar"], ["earned", "available", "score_pct"], ["band"]),
    "indicators": (
        ["unit_code", "indicator_key"],
        ["value", "points", "max_points"],
        [
            "value_period",
            "source_type",
            "reported_at",
            "evidence_ref",
            "applicable",
            "missing_evidence",
        ],
    ),
}


def _demo(engine: Engine) -> Engine:
    upgrade_to_head(engine)
    with engine.begin() as conn:
        sync_reference_data(conn)
    with exclusive_write(engine) as conn:
        generate_into(conn, seed=SEED, scale=SCALE, end_date=END)
    # a first start: the newest months first, then all of them
    assert refresh_when_free(engine).rebuilt
    return engine


@pytest.fixture(scope="module")
def sqlite_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    engine = new_sqlite_engine(tmp_path_factory.mktemp("consistency") / "demo.sqlite3")
    yield _demo(engine)
    engine.dispose()


@pytest.fixture(scope="module")
def postgres_demo() -> Iterator[Engine]:
    require_postgres()
    engine, schema = postgres_engine_in_fresh_schema()
    try:
        yield _demo(engine)
    finally:
        engine.dispose()
        drop_schema(schema)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def demo(request: pytest.FixtureRequest) -> Engine:
    name = "sqlite_demo" if request.param == "sqlite" else "postgres_demo"
    engine: Engine = request.getfixturevalue(name)
    return engine


def _column_mismatches(left: pd.Series, right: pd.Series, column: str, exact: bool) -> np.ndarray:
    """Where two aligned columns differ; a value missing on both sides is equal."""
    if column in TIMES:
        left, right = pd.to_datetime(left), pd.to_datetime(right)
    if not exact:
        a = pd.to_numeric(left).to_numpy(dtype=float)
        b = pd.to_numeric(right).to_numpy(dtype=float)
        return ~np.isclose(a, b, rtol=0.0, atol=TOLERANCE, equal_nan=True)
    both_missing = left.isna().to_numpy() & right.isna().to_numpy()
    same = np.array(
        [bool(a == b) for a, b in zip(left.astype(object), right.astype(object), strict=True)],
        dtype=bool,
    )
    return ~(same | both_missing)


def mismatches(part: str, left: pd.DataFrame, right: pd.DataFrame, names: str) -> list[str]:
    """Every row only on one side, and every value that differs, as readable lines."""
    keys, numbers, exact = PARTS[part]
    columns = numbers + exact
    merged = left[keys + columns].merge(
        right[keys + columns], on=keys, how="outer", suffixes=("_1", "_2"), indicator=True
    )
    problems = [
        f"{part} {tuple(row[k] for k in keys)}: only in the {names} {row['_merge']}"
        for _, row in merged[merged["_merge"] != "both"].iterrows()
    ]
    both = merged[merged["_merge"] == "both"]
    for column in columns:
        wrong = _column_mismatches(
            both[f"{column}_1"], both[f"{column}_2"], column, exact=column in exact
        )
        for _, row in both[wrong].head(5).iterrows():
            where = tuple(row[k] for k in keys)
            problems.append(
                f"{part} {where} {column}: {row[f'{column}_1']!r} ≠ {row[f'{column}_2']!r}"
            )
    return problems


def test_the_comparison_catches_a_difference_of_more_than_1e_9() -> None:
    # The comparison itself: 2e-9 apart is a difference, 5e-10 is not; NaN equals NaN; a band
    # differs exactly; a row on one side only is named.
    keys = ["unit_code"]
    base = pd.DataFrame(
        {
            "unit_code": ["A", "B", "C"],
            "composite": [70.0, float("nan"), 50.0],
            "coverage": [0.8, 0.5, 1.0],
            "delta": [1.0, float("nan"), -2.0],
            "reported": [8, 5, 10],
            "expected": [10, 10, 10],
            "last_update": pd.to_datetime(["2026-01-05", None, "2026-01-06"]),
            "band": ["yellow", "grey", "red"],
            "rank_level": [1.0, float("nan"), 2.0],
            "rank_peer": [1.0, float("nan"), 1.0],
            "rank_delta": [1.0, float("nan"), 2.0],
        }
    )
    assert mismatches("units", base, base.copy(), "stored/fresh") == []
    nudged = base.assign(composite=[70.0 + 5e-10, float("nan"), 50.0 + 2e-9])
    problems = mismatches("units", base, nudged, "stored/fresh")
    assert len(problems) == 1 and "('C',) composite" in problems[0]
    other_band = base.assign(band=["yellow", "grey", "grey"])
    assert len(mismatches("units", base, other_band, "stored/fresh")) == 1
    fewer = base[base[keys[0]] != "B"]
    assert mismatches("units", base, fewer, "stored/fresh") == [
        "units ('B',): only in the stored/fresh left_only"
    ]


def test_every_stored_score_equals_a_fresh_computation_from_the_raw_tables(
    demo: Engine,
) -> None:
    catalog = default_catalog()
    measures = all_measures(demo)
    periods = scoring_periods(measures)
    # July 2025 to February 2026 (the last month that ended before 16 March): 8 months.
    assert periods[0] == date(2025, 7, 1) and len(periods) == 8
    assert read_snapshot_periods(demo) == periods
    fresh = score_history(measures, catalog, read_units(demo), periods)
    readers = {
        "units": read_unit_snapshots,
        "pillars": read_pillar_snapshots,
        "indicators": read_indicator_snapshots,
    }
    problems: list[str] = []
    rows = 0
    for period in periods:
        for part, read in readers.items():
            stored = read(demo, period)
            rows += len(stored)
            problems += mismatches(part, stored, getattr(fresh[period], part), "stored/fresh")
    assert problems == [], problems[:10]
    # Something was compared: every unit × (1 + pillars + indicators) in each month.
    units = len(read_units(demo))
    per_month = units * (1 + len(catalog.pillars) + len(catalog.indicators))
    assert rows == per_month * len(periods)


def _scorecard_mismatches(left: pd.DataFrame, right: pd.DataFrame) -> list[str]:
    """Every column of two scorecards, but when each was written: numbers within 1e-9 (the
    pillar scores and the composite), everything else exactly."""
    columns = [c for c in left.columns if c != "computed_at"]
    assert sorted(columns) == sorted(c for c in right.columns if c != "computed_at")
    merged = left[columns].merge(right[columns], on="unit_code", suffixes=("_1", "_2"))
    assert len(merged) == len(left) == len(right)
    problems = []
    for column in (c for c in columns if c != "unit_code"):
        number = pd.api.types.is_float_dtype(left[column]) and not column.startswith("rank")
        wrong = _column_mismatches(
            merged[f"{column}_1"], merged[f"{column}_2"], column, exact=not number
        )
        problems += [
            f"{row['unit_code']} {column}: {row[f'{column}_1']!r} ≠ {row[f'{column}_2']!r}"
            for _, row in merged[wrong].head(5).iterrows()
        ]
    return problems


@pytest.mark.postgres
def test_sqlite_and_postgresql_give_the_same_scorecards_for_the_same_data(
    sqlite_demo: Engine, postgres_demo: Engine
) -> None:
    periods = read_snapshot_periods(sqlite_demo)
    assert periods == read_snapshot_periods(postgres_demo) and len(periods) == 8
    problems: list[str] = []
    for period in periods:
        on_sqlite, on_postgres = scorecard(sqlite_demo, period), scorecard(postgres_demo, period)
        assert len(on_sqlite) == 102
        problems += [f"{period:%m/%Y} {p}" for p in _scorecard_mismatches(on_sqlite, on_postgres)]
    assert problems == [], problems[:10]


def _stored_counts(engine: Engine) -> tuple[pd.DataFrame, pd.DataFrame]:
    stats = read_stats(engine, StatsFilters(), list(KEY_COLUMNS))
    weekly = read_weekly(engine, StatsFilters(), since=date(2000, 1, 1))
    return stats, weekly


def test_the_stored_feedback_counts_equal_a_fresh_count_of_the_cases(demo: Engine) -> None:
    # The refresh that came with the scores stored them; counting every case again now (read
    # in chunks, nothing written) gives the same rows.
    assert feedback_stats_current(demo)
    counted, as_of = compute_all_feedback_stats(demo)
    fresh, fresh_weekly = counted.stats, counted.weekly
    state = stats_state(demo)
    assert state is not None and state.as_of == as_of
    stored, stored_weekly = _stored_counts(demo)
    keys = list(KEY_COLUMNS)
    fresh = fresh.sort_values(keys, ignore_index=True)
    assert len(stored) == len(fresh) > 0
    assert stored[keys].astype(str).values.tolist() == fresh[keys].astype(str).values.tolist()
    assert (stored[list(COUNT_COLUMNS)].to_numpy() == fresh[list(COUNT_COLUMNS)].to_numpy()).all()
    # The weekly rows, summed over units and categories, per week.
    by_week = fresh_weekly.groupby("week_start", as_index=False)[["opened", "closed"]].sum()
    assert (
        stored_weekly[["opened", "closed"]].values.tolist()
        == by_week[["opened", "closed"]].values.tolist()
    )
    # Every case received is counted once: the months' received add up to the cases.
    assert int(stored["received"].sum()) == int(stored_weekly["opened"].sum())
    # The open cases stored for the lists and the map: the fresh ones, as many per state as
    # the newest period counts, and exactly the cases whose recorded status is an open one
    # (the as-of is one second after the newest change, so no later change can close them).
    with demo.connect() as conn:
        stored_open = {
            row.case_id: row.state
            for row in conn.execute(select(FeedbackOpenCase.case_id, FeedbackOpenCase.state))
        }
        open_by_status = set(
            conn.execute(
                select(FeedbackCase.id).where(
                    FeedbackCase.status.not_in(("resolved", "rejected", "duplicate"))
                )
            ).scalars()
        )
    fresh_open = counted.open_cases
    assert stored_open == dict(zip(fresh_open["case_id"], fresh_open["state"], strict=True))
    assert set(stored_open) == open_by_status and len(open_by_status) > 10
    newest = stored[stored["period"] == stored["period"].max()]
    for state in ("open_within", "open_overdue", "paused"):
        assert sum(1 for s in stored_open.values() if s == state) == int(newest[state].sum())


@pytest.mark.postgres
def test_sqlite_and_postgresql_store_the_same_feedback_counts(
    sqlite_demo: Engine, postgres_demo: Engine
) -> None:
    on_sqlite, on_postgres = _stored_counts(sqlite_demo), _stored_counts(postgres_demo)
    for left, right in zip(on_sqlite, on_postgres, strict=True):
        assert len(left) > 0
        pd.testing.assert_frame_equal(left, right)
    assert stats_state(sqlite_demo).as_of == stats_state(postgres_demo).as_of  # type: ignore[union-attr]


def test_each_sites_stored_stage_is_the_one_its_history_gives(demo: Engine) -> None:
    from data.infrastructure import pipeline_history, pipeline_sites
    from data.models import InfraSite
    from metrics.site_pipeline import forecasts, stages_on

    with demo.connect() as conn:
        stored = dict(conn.execute(select(InfraSite.id, InfraSite.status)).all())
    sites, history = pipeline_sites(demo), pipeline_history(demo)
    stages = stages_on(history, END)
    assert len(stages) == len(stored) > 0  # every site has a history by the data's end
    assert dict(zip(stages["site_id"], stages["stage"], strict=True)) == stored
    # One forecast per unit, and a covered unit is exactly one with a 5G centre site on air.
    units = [str(u) for u in read_units(demo)["code"]]
    judged = forecasts(units, sites, history, END)
    assert [f.unit_code for f in judged] == units
    on_air = set(stages.loc[stages["stage"] == "on_air", "site_id"])
    centre_5g = sites[(sites["technology"] == "5G") & sites["serves_centre"]]
    covered = set(centre_5g.loc[centre_5g["site_id"].isin(on_air), "unit_code"])
    assert {f.unit_code for f in judged if f.covered} == covered
