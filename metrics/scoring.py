"""Scoring as pure functions: measures → indicator points → pillar score → composite → band.

Every function takes plain values or DataFrames and the catalog; nothing here reads a database
or knows about Streamlit. Rules (see ``catalog.yaml`` for the numbers):

* an indicator's points come from its own value and target only (distance to target);
* a pillar's score is the points earned over the points of *all* its applicable scored
  indicators (0–100 %): a missing value earns 0 points and lowers the unit's coverage, so
  withholding a value never raises a score or a band (a not-applicable indicator counts
  neither as earned nor as available);
* the composite is the pillar scores weighted by the pillar weights (0–100; with every value
  reported it equals the sum of the points earned), shown to leaders also as 0–1;
* the band is green / yellow / red by the composite, except: grey when coverage or freshness is
  below the declared minimum, and never green while any pillar is red (non-compensatory);
  freshness is the unit's own newest report (self-reported and verified indicators), not the
  month-end stamp of automatic values.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from common.periods import months_before, period_end
from metrics.bands import Band
from metrics.catalog import Bands, Basis, Catalog, Direction, Indicator, RuleType, SourceType

# Scores are rounded before they meet a threshold, so float noise (49.99999999999999 for an
# exact 50) never drops a unit a band.
SCORE_DECIMALS = 9


# --- one indicator ------------------------------------------------------------------------


def annual_pace(value: float, period: date) -> float:
    """A year-to-date count projected to a full year (months elapsed counts the period's month)."""
    return value * 12 / period.month


def ratio_points(indicator: Indicator, value: float) -> float:
    """a/b × max, capped at the target; for lower-is-better, linear from ``worst`` to target."""
    if indicator.direction is Direction.HIGHER:
        share = value / indicator.target
    else:
        assert indicator.worst is not None  # guaranteed by catalog validation
        share = (indicator.worst - value) / (indicator.worst - indicator.target)
    return indicator.max_points * min(max(share, 0.0), 1.0)


def step_points(indicator: Indicator, value: float) -> float:
    """The first step (best first) the value reaches gives the points; below all steps, 0."""
    for step in indicator.rule.steps:
        reached = value >= step.at if indicator.direction is Direction.HIGHER else value <= step.at
        if reached:
            return step.points
    return 0.0


def indicator_points(indicator: Indicator, value: float, period: date) -> float:
    """Points an indicator earns for ``value`` in ``period`` (0 for a tracked-only indicator)."""
    if not indicator.scored or value is None or math.isnan(value):
        return 0.0
    if indicator.basis is Basis.YEAR_TO_DATE:
        value = annual_pace(value, period)
    if indicator.rule.type is RuleType.FLAG:
        return indicator.max_points if value >= 1 else 0.0
    if indicator.rule.type is RuleType.STEP:
        return step_points(indicator, value)
    return ratio_points(indicator, value)


# --- bands --------------------------------------------------------------------------------


def band_for(score: float, bands: Bands) -> Band:
    """Green / yellow / red for a 0–100 score (a composite, or a pillar's share)."""
    if score is None or math.isnan(score):
        return Band.GREY
    if score >= bands.green_at_least:
        return Band.GREEN
    if score >= bands.yellow_at_least:
        return Band.YELLOW
    return Band.RED


def unit_band(
    composite: float,
    pillar_bands: list[str],
    coverage: float,
    days_since_update: float,
    bands: Bands,
) -> Band:
    """The unit's band, with the grey and non-compensatory rules applied."""
    if coverage < bands.min_coverage or not days_since_update <= bands.max_days_since_update:
        return Band.GREY
    band = band_for(composite, bands)
    if band == Band.GREEN and Band.RED in pillar_bands:
        return Band.YELLOW  # a strong pillar must not hide a failing one
    return band


# --- a whole period -----------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodScores:
    """The scores of every unit for one period (one row per unit or per unit × pillar/indicator)."""

    indicators: pd.DataFrame  # unit_code, indicator_key, pillar, value, value_period, …, points
    pillars: pd.DataFrame  # unit_code, pillar, earned, available, score_pct, band
    units: pd.DataFrame  # unit_code, composite, composite_01, coverage, last_update, band, …


def latest_values(measures: pd.DataFrame, catalog: Catalog, period: date) -> pd.DataFrame:
    """Each unit's newest value per indicator that is recent enough to count for ``period``.

    ``measures``: unit_code, indicator_key, period, value, source_type, reported_at, and
    optionally applicable (False for a measure that does not apply to the unit that month).
    A value counts when it describes ``period``; a ``carry_forward`` indicator's value (a stock
    that stays valid) also counts for the months after it, up to ``max_age_months`` by its
    update frequency. A count or flow "in the month" not reported for ``period`` is missing.
    """
    max_age = {
        i.key: catalog.max_age_months[i.frequency] if i.carry_forward else 1
        for i in catalog.indicators
    }
    frame = measures[measures["indicator_key"].isin(max_age.keys())]
    oldest = frame["indicator_key"].map(lambda key: months_before(period, max_age[key] - 1))
    in_window = (frame["period"] <= period) & (frame["period"] >= oldest)
    frame = frame[in_window].sort_values(["unit_code", "indicator_key", "period"])
    return frame.groupby(["unit_code", "indicator_key"], as_index=False).tail(1)


def _blank(values: pd.Series) -> pd.Series:
    return values.isna() | (values.astype("string").str.strip() == "")


def _check_evidence(frame: pd.DataFrame, catalog: Catalog) -> pd.DataFrame:
    """Flag values without the evidence their indicator requires, and downgrade unattested
    "verified" values.

    A value of an ``evidence_required`` indicator with no evidence reference is kept for display
    but not scored: it counts as missing (``missing_evidence``). A "verified" value needs both a
    verifier and a verification date; without them it is treated as self-reported (it still
    scores if its evidence is there, it just does not claim a verification it lacks).
    """
    needs = frame["indicator_key"].map({i.key: i.evidence_required for i in catalog.indicators})
    evidence = frame["evidence_ref"] if "evidence_ref" in frame else pd.Series(pd.NA, frame.index)
    missing = needs.astype(bool) & frame["value"].notna() & _blank(evidence)
    frame = frame.assign(missing_evidence=missing.astype(bool))
    if "source_type" in frame:
        verifier = frame["verified_by"] if "verified_by" in frame else pd.Series(pd.NA, frame.index)
        when = frame["verified_at"] if "verified_at" in frame else pd.Series(pd.NA, frame.index)
        unattested = (frame["source_type"] == "verified") & (_blank(verifier) | when.isna())
        frame.loc[unattested, "source_type"] = "self_reported"
    return frame


def score_indicators(
    values: pd.DataFrame, catalog: Catalog, units: list[str], period: date
) -> pd.DataFrame:
    """One row per unit × catalog indicator: the value used (or NaN) and the points earned."""
    grid = pd.MultiIndex.from_product(
        [units, [i.key for i in catalog.indicators]], names=["unit_code", "indicator_key"]
    ).to_frame(index=False)
    frame = grid.merge(
        values.rename(columns={"period": "value_period"}),
        on=["unit_code", "indicator_key"],
        how="left",
    )
    by_key = {i.key: i for i in catalog.indicators}
    frame["pillar"] = frame["indicator_key"].map(lambda k: by_key[k].pillar)
    frame["scored"] = frame["indicator_key"].map(lambda k: by_key[k].scored)
    frame["max_points"] = frame["indicator_key"].map(lambda k: by_key[k].max_points)
    # A measure can be "not applicable" (e.g. no task of the unit was due yet): such rows carry
    # applicable=False and count neither as reported nor as expected.
    if "applicable" in frame:
        frame["applicable"] = frame["applicable"].astype("boolean").fillna(True).astype(bool)
    else:
        frame["applicable"] = True
    frame = _check_evidence(frame, catalog)
    frame["reported"] = frame["value"].notna() & frame["applicable"] & ~frame["missing_evidence"]
    # A year-to-date value is paced by the month it describes, not the month being scored
    # (December's count, still valid in January, is a full year's count).
    frame["points"] = [
        indicator_points(by_key[key], value, value_period) if reported else np.nan
        for key, value, value_period, reported in zip(
            frame["indicator_key"],
            frame["value"],
            frame["value_period"],
            frame["reported"],
            strict=True,
        )
    ]
    return frame


def score_pillars(indicators: pd.DataFrame, catalog: Catalog) -> pd.DataFrame:
    """Per unit × pillar: points earned and available on applicable scored indicators, share,
    band. A missing value's points stay available and unearned: the pillar share is never the
    average of what the unit chose to report."""
    scored = indicators[indicators["scored"] & indicators["applicable"]].assign(
        available=lambda f: f["max_points"],
        earned=lambda f: f["points"].fillna(0.0),
    )
    pillars = scored.groupby(["unit_code", "pillar"], as_index=False).agg(
        earned=("earned", "sum"),
        available=("available", "sum"),
        reported=("reported", "sum"),
        expected=("reported", "size"),
    )
    pillars["score_pct"] = np.where(
        pillars["available"] > 0,
        100 * pillars["earned"] / pillars["available"].where(pillars["available"] > 0, 1.0),
        np.nan,
    ).round(SCORE_DECIMALS)
    pillars["weight"] = pillars["pillar"].map({p.key: p.weight for p in catalog.pillars})
    pillars["band"] = [band_for(s, catalog.bands) for s in pillars["score_pct"]]
    return pillars


def composite_from_pillars(pillars: pd.DataFrame, weights: dict[str, float]) -> pd.Series:
    """Weighted mean of the pillar shares (0–100) per unit, over pillars with any data."""
    if pillars.empty:
        return pd.Series(dtype=float)
    frame = pillars.assign(weight=pillars["pillar"].map(weights))
    frame = frame[frame["score_pct"].notna() & (frame["weight"] > 0)]
    weighted = (frame["score_pct"] * frame["weight"]).groupby(frame["unit_code"]).sum()
    total = frame["weight"].groupby(frame["unit_code"]).sum()
    return (weighted / total).round(SCORE_DECIMALS)


def days_since_update(last_update: pd.Series, period: date) -> pd.Series:
    """Whole days from each last report to the end of ``period`` (NaN where never reported)."""
    end = pd.Timestamp(period_end(period))
    return (end - pd.to_datetime(last_update)).dt.days


def own_last_update(indicators: pd.DataFrame, catalog: Catalog) -> pd.Series:
    """Per unit, the newest ``reported_at`` of the values it reports itself (the catalog's
    self-reported and verified indicators) that count this period.

    Automatic values are stamped by their systems at the month's end, so counting them would make
    every unit look fresh whatever it last reported.
    """
    own_keys = {i.key for i in catalog.indicators if i.source_type is not SourceType.AUTO}
    own = indicators[indicators["reported"] & indicators["indicator_key"].isin(own_keys)]
    return pd.to_datetime(own["reported_at"]).groupby(own["unit_code"]).max()


def score_units(
    indicators: pd.DataFrame, pillars: pd.DataFrame, catalog: Catalog, period: date
) -> pd.DataFrame:
    """Per unit: composite (0–100 and 0–1), coverage, last update, band."""
    weights = {p.key: p.weight for p in catalog.pillars}
    scored = indicators[indicators["scored"] & indicators["applicable"]]
    per_unit = scored.groupby("unit_code").agg(
        reported=("reported", "sum"),
        expected=("reported", "size"),
    )
    per_unit["last_update"] = own_last_update(scored, catalog).reindex(per_unit.index)
    per_unit["composite"] = composite_from_pillars(pillars, weights)
    per_unit["composite_01"] = per_unit["composite"] / 100
    per_unit["coverage"] = per_unit["reported"] / per_unit["expected"]
    per_unit["days_since_update"] = days_since_update(per_unit["last_update"], period)
    pillar_bands = pillars.groupby("unit_code")["band"].agg(list)
    per_unit["band"] = [
        unit_band(
            row.composite,
            pillar_bands.get(code, []),
            row.coverage,
            row.days_since_update,
            catalog.bands,
        )
        for code, row in per_unit.iterrows()
    ]
    return per_unit.reset_index()


def score_period(
    measures: pd.DataFrame, catalog: Catalog, units: list[str], period: date
) -> PeriodScores:
    """Score every unit in ``units`` for ``period`` from its raw ``measures``."""
    values = latest_values(measures, catalog, period)
    indicators = score_indicators(values, catalog, units, period)
    pillars = score_pillars(indicators, catalog)
    return PeriodScores(indicators, pillars, score_units(indicators, pillars, catalog, period))
