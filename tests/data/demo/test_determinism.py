"""Same seed, scale and end date → the same rows, in two separate databases."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine

from data.demo import generate_into
from data.demo.world import stream
from data.models import IndicatorValueRevision
from tests.data.demo.conftest import SHORT_END, SMALL, dump
from tests.reference import registry_count


def _generate(engine: Engine, seed: int, end_date: date = SHORT_END) -> dict[str, list[tuple]]:
    with engine.begin() as conn:
        generate_into(conn, seed=seed, scale=SMALL, end_date=end_date)
    return dump(engine)


def test_the_same_seed_gives_identical_rows_in_every_table(
    migrated_engine: Engine, second_engine: Engine
) -> None:
    first = _generate(migrated_engine, seed=11)
    second = _generate(second_engine, seed=11)
    assert first.keys() == second.keys()
    for table, rows in first.items():
        # Revisions come from corrections through data.indicators, never from the generator.
        assert rows or table == IndicatorValueRevision.__tablename__, f"{table} is empty"
        assert rows == second[table], table


def test_another_seed_gives_other_feedback(migrated_engine: Engine, second_engine: Engine) -> None:
    first = _generate(migrated_engine, seed=11)
    second = _generate(second_engine, seed=12)
    assert first["feedback_cases"] != second["feedback_cases"]
    # The registry is the same, so both have one centre site per unit of units.csv, and more.
    units = registry_count()
    assert len(first["infra_sites"]) > units and len(second["infra_sites"]) > units


def test_a_later_end_date_keeps_earlier_cases(
    migrated_engine: Engine, second_engine: Engine
) -> None:
    # Each month's cases come from their own stream: extending the span by a month must not
    # reshuffle the cases received before (their status may move on, their content may not).
    def received(rows: list[tuple]) -> list[tuple]:
        # id, case code, channel, category group, category, question, severity, description,
        # lat, lon, unit, received_at
        return [row[:12] for row in rows]

    shorter = _generate(migrated_engine, seed=11, end_date=date(2025, 9, 1))
    longer = _generate(second_engine, seed=11, end_date=date(2025, 10, 1))
    before = received(shorter["feedback_cases"])
    assert before == received(longer["feedback_cases"])[: len(before)]


def test_streams_are_independent_of_the_order_they_are_asked_for() -> None:
    a = stream(5, "feedback", "2025-08-01").random(3)
    stream(5, "tasks", "I.1").random(10)  # asking for another subject in between
    b = stream(5, "feedback", "2025-08-01").random(3)
    assert (a == b).all()
    assert not (a == stream(6, "feedback", "2025-08-01").random(3)).all()
