"""The score's feedback inputs per unit and month, read from the stored feedback counts.

Feedback is the large table (~150,000 cases at scale 1, millions in benchmarks), so the score
never reads it: ``metrics.feedback_stats`` counts every case once per data load with the one
case-state computation (``metrics.feedback_cases``) into ``feedback_stats``, and these queries
sum those rows per unit and month in the database (a few thousand rows at any scale). The page,
the dossier and the score therefore read the same numbers. The rules (what counts as satisfied,
on time, overdue at a month's end) were applied when the counts were computed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from data.feedback_stats import StatsFilters, read_stats, stats_state

RESOLVED_COLUMNS = {
    "resolved": "resolved",
    "resolved_on_time": "on_time",
    "resolved_with_evidence": "with_evidence",
    "rated": "rated",
    "satisfied": "satisfied",
}
COUNT_COLUMNS = list(RESOLVED_COLUMNS.values())


def feedback_unit_months(engine: Engine) -> pd.DataFrame:
    """unit_code, month (datetime64, first day), resolved, on_time, with_evidence, rated,
    satisfied, open_overdue: the stored counts of every unit and month, summed over the
    categories in the database."""
    frame = read_stats(engine, StatsFilters(), ["period", "unit_code"])
    return pd.DataFrame(
        {
            "unit_code": frame["unit_code"].astype(str),
            "month": pd.to_datetime(frame["period"]),
            **{new: frame[old] for old, new in RESOLVED_COLUMNS.items()},
            "open_overdue": frame["open_overdue"],
        }
    )


def feedback_resolved_by_month(months: pd.DataFrame) -> pd.DataFrame:
    """unit_code, month and the resolution counts of :func:`feedback_unit_months`: the answers
    given in each month (a case reopened and resolved again counts twice; evidence and rating
    count on its last resolution)."""
    return months[["unit_code", "month", *COUNT_COLUMNS]].reset_index(drop=True)


def feedback_overdue_by_month(
    months: pd.DataFrame, as_of_month: pd.Timestamp | None
) -> pd.DataFrame:
    """unit_code, from_month, until_month, cases: the cases open past their deadline at each
    month's instant (its end, or the data's as-of instant in the month holding it), as spells
    of one month — except the as-of month's, which run on (NaT): a later month end than the
    data's as-of is judged on the cases as known at the as-of instant."""
    overdue = months[months["open_overdue"] > 0]
    until = (overdue["month"] + pd.DateOffset(months=1)).to_numpy(dtype="datetime64[ns]")
    if as_of_month is not None:
        until[(overdue["month"] == as_of_month).to_numpy()] = np.datetime64("NaT")
    return pd.DataFrame(
        {
            "unit_code": overdue["unit_code"].to_numpy(),
            "from_month": overdue["month"].to_numpy(),
            "until_month": until,
            "cases": overdue["open_overdue"].to_numpy(dtype="int64"),
        }
    )


def feedback_as_of_month(engine: Engine) -> pd.Timestamp | None:
    """The first day of the month holding the stored counts' as-of instant (None: none stored)."""
    state = stats_state(engine)
    if state is None:
        return None
    return pd.Timestamp(state.as_of.year, state.as_of.month, 1)
