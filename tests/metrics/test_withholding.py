"""Invariant: withholding a value never raises a unit's composite or improves its band.

Withholding an indicator means the unit reports nothing for it that could count this period (no
value of the month and none carried forward). Checked on seeded random units over the small
catalog, and on every unit of the demo database's newest month.
"""

from __future__ import annotations

import random
from datetime import date, datetime

import pandas as pd
import pytest
from sqlalchemy import Engine

from common.periods import months_before
from data.db import exclusive_write
from data.demo import generate_into
from metrics.catalog import Catalog, default_catalog
from metrics.scoring import score_period
from metrics.snapshots import all_measures, scoring_periods
from tests.metrics.conftest import JUNE

# Better band = higher number; grey is never better than anything.
BAND_RANK = {"grey": -1, "red": 0, "yellow": 1, "green": 2}
VALUE_RANGES = {
    "online": (0, 100),
    "incidents": (0, 3),
    "backlog": (0, 6),
    "meetings": (0, 4),
    "plan": (0, 1),
    "wifi": (0, 8),
}


def not_better(before: pd.Series, after: pd.Series) -> bool:
    """After withholding: composite not above, band not better (grey is not better)."""
    composite_ok = not (after["composite"] > before["composite"] + 1e-9)
    if after["band"] == "grey":
        return composite_ok
    if before["band"] == "grey":
        return False  # grey → coloured would be a gain
    return composite_ok and BAND_RANK[after["band"]] <= BAND_RANK[before["band"]]


def random_unit(rng: random.Random, unit: str) -> pd.DataFrame:
    """One unit's values: each indicator reported this month, last month (carried only where
    the catalog allows), or not at all; reported on a random day of the following month."""
    rows = []
    for key, (low, high) in VALUE_RANGES.items():
        choice = rng.random()
        if choice < 0.2:
            continue
        period = JUNE if choice < 0.8 else date(2026, 5, 1)
        value = rng.randint(low, high) if key in ("plan", "incidents") else rng.uniform(low, high)
        rows.append(
            {
                "unit_code": unit,
                "indicator_key": key,
                "period": period,
                "value": value,
                "source_type": "self_reported" if key in ("meetings", "plan") else "auto",
                "reported_at": datetime(2026, 7, rng.randint(1, 10)),
                "evidence_ref": "ref",
                "applicable": rng.random() > 0.05,
            }
        )
    return pd.DataFrame(rows)


def withheld_scores(
    data: pd.DataFrame, catalog: Catalog, unit: str, period: date
) -> list[tuple[str, pd.Series]]:
    """The unit's score with each reported indicator withheld in turn."""
    scores = score_period(data, catalog, [unit], period)
    reported = scores.indicators.loc[scores.indicators["reported"], "indicator_key"]
    results = []
    for key in reported:
        kept = data[data["indicator_key"] != key]
        results.append((key, score_period(kept, catalog, [unit], period).units.iloc[0]))
    return results


def test_withholding_never_helps_on_random_units(small_catalog: Catalog) -> None:
    rng = random.Random(20261202)
    checked = 0
    for index in range(120):
        unit = f"U{index}"
        data = random_unit(rng, unit)
        if data.empty:
            continue
        before = score_period(data, small_catalog, [unit], JUNE).units.iloc[0]
        for key, after in withheld_scores(data, small_catalog, unit, JUNE):
            assert not_better(before, after), (unit, key, before.to_dict(), after.to_dict())
            checked += 1
    assert checked > 200  # the loop really withheld values


def test_a_withheld_weak_value_lowers_the_pillar_instead_of_taking_its_average(
    small_catalog: Catalog,
) -> None:
    # gov: online 80 → 3, incidents 0 → 1, backlog 5 (= worst) → 0: 4 of 6 = 66.67 %.
    # Withholding backlog: still 4 of 6 (it earns 0 either way); under the old rule it was
    # 4 of 4 = 100 %. Coverage drops from 5/5 to 4/5.
    rows = [("online", 80), ("incidents", 0), ("backlog", 5), ("meetings", 2), ("plan", 1)]
    data = pd.DataFrame(
        [
            {
                "unit_code": "A",
                "indicator_key": key,
                "period": JUNE,
                "value": value,
                "source_type": "self_reported",
                "reported_at": datetime(2026, 7, 5),
            }
            for key, value in rows
        ]
    )
    full = score_period(data, small_catalog, ["A"], JUNE)
    withheld = score_period(data[data["indicator_key"] != "backlog"], small_catalog, ["A"], JUNE)
    for scores in (full, withheld):
        gov = scores.pillars.set_index("pillar").loc["gov"]
        assert gov["score_pct"] == pytest.approx(400 / 6)
    # composite (66.67 × 6 + 100 × 4)/10 = 80 both ways; coverage 1.0 → 0.8
    assert full.units.iloc[0]["composite"] == pytest.approx(80.0)
    assert withheld.units.iloc[0]["composite"] == pytest.approx(80.0)
    assert withheld.units.iloc[0]["coverage"] == pytest.approx(0.8)


@pytest.fixture
def demo_engine(migrated_engine: Engine) -> Engine:
    with exclusive_write(migrated_engine) as conn:
        generate_into(conn, seed=11, scale=0.02, end_date=date(2026, 3, 16))
    return migrated_engine


def test_withholding_never_helps_on_the_demo_data(demo_engine: Engine) -> None:
    catalog = default_catalog()
    measures = all_measures(demo_engine)
    period = scoring_periods(measures)[-1]
    # Only values that could count this period (none is older than a year); a seeded sample of
    # units keeps the loop short (each withheld value is a re-score).
    recent = measures[measures["period"] >= months_before(period, 12)]
    sample = random.Random(7).sample(sorted(recent["unit_code"].unique()), 12)
    checked = 0
    for unit, data in recent[recent["unit_code"].isin(sample)].groupby("unit_code"):
        before = score_period(data, catalog, [str(unit)], period).units.iloc[0]
        for key, after in withheld_scores(data, catalog, str(unit), period):
            assert not_better(before, after), (unit, key, before.to_dict(), after.to_dict())
            checked += 1
    assert checked > 200
