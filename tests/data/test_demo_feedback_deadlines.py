"""The demo's stored ``due_at`` is the deadline the metrics rules compute as of the data's as-of.

The generator stands for the source systems, which apply the declared table
(metrics/feedback_deadlines.yaml) on the working calendar: an answer deadline from acceptance by
severity and category, moved by the holds waiting on the citizen that had ended by the snapshot,
and for a reopened case its new round's. A small demo data set (scale 0.05, up to 16 March 2026,
so Tết 2026 is inside), written to SQLite and PostgreSQL and read back, must agree exactly.
"""

from __future__ import annotations

from datetime import datetime, time

import pandas as pd
import pytest
from sqlalchemy import Engine

from data.demo import generate_into
from metrics.feedback import answer_due_at
from metrics.feedback_cases import case_deadlines, default_deadline_table
from tests.data.demo.conftest import END_DATE, module_engine  # noqa: F401 (the fixture, shared)

AS_OF = datetime.combine(END_DATE, time.min)  # the snapshot: every change happens before it


@pytest.fixture(scope="module")
def stored(module_engine: Engine) -> tuple[pd.DataFrame, pd.DataFrame]:  # noqa: F811
    """(cases, history) as the database gives them back (generated once per database kind)."""
    with module_engine.begin() as conn:
        generate_into(conn, seed=5, scale=0.05, end_date=END_DATE)
    with module_engine.connect() as conn:
        cases = pd.read_sql(
            "SELECT id, received_at, accepted_at, due_at, severity, category, category_group "
            "FROM feedback_cases ORDER BY id",
            conn,
            parse_dates=["received_at", "accepted_at", "due_at"],
        )
        history = pd.read_sql(
            "SELECT case_id, changed_at, to_status, note FROM feedback_status_history ORDER BY id",
            conn,
            parse_dates=["changed_at"],
        )
    return cases, history


def test_every_stored_deadline_is_the_computed_one(
    stored: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    cases, history = stored
    clocks = case_deadlines(cases, history, as_of=AS_OF)
    stored_due = cases.set_index("id")["due_at"]
    accepted = cases.set_index("id")["accepted_at"].notna()
    assert accepted.sum() > 1000
    computed = clocks["due_at"]
    assert (stored_due[accepted] == computed[accepted]).all(), pd.DataFrame(
        {"stored": stored_due, "computed": computed}
    )[accepted & (stored_due != computed)].head()
    # Not accepted (rejected, duplicate, not yet decided): no answer deadline, either way.
    assert stored_due[~accepted].isna().all() and computed[~accepted].isna().all()


def test_the_demo_exercises_every_rule_that_moves_a_deadline(
    stored: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    """The agreement above is not vacuous: the data hold pauses that moved a deadline, holds
    that did not, reopened rounds and category overrides."""
    cases, history = stored
    citizen = default_deadline_table().pause_reasons
    holds = history[history["to_status"] == "on_hold"]
    on_citizen = set(holds.loc[holds["note"].isin(citizen), "case_id"])
    on_other = set(holds.loc[~holds["note"].isin(citizen), "case_id"])
    reopened = set(history.loc[history["to_status"] == "reopened", "case_id"])
    cases = cases.set_index("id")
    # The deadline before any pause or reopening, by the calendar walk of metrics.feedback.
    accepted = cases[cases["accepted_at"].notna()]
    plain = pd.Series(
        [
            answer_due_at(
                row.accepted_at.to_pydatetime(),
                row.severity,
                category=row.category,
                group=row.category_group,
            )
            for row in accepted.itertuples()
        ],
        index=accepted.index,
    )
    moved = accepted.index[accepted["due_at"] != plain]
    assert set(moved) & on_citizen, "a citizen-wait pause moved a deadline"
    assert set(moved) & reopened, "a reopened round has its own deadline"
    # A hold for another reason never moves it (unless the case was reopened too).
    assert on_other - reopened and not (set(moved) & (on_other - reopened - on_citizen))
    # Every moved deadline is explained by a citizen pause or a reopening.
    assert set(moved) <= on_citizen | reopened
    assert (accepted["category_group"] == "Hỏi đáp, hướng dẫn").any()
