"""The public view of the metrics layer: what pages ask for, read from the stored snapshots."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import Engine

from common.periods import month_end
from data.indicators import read_revisions
from data.queries import (
    read_indicator_snapshots,
    read_pillar_snapshots,
    read_snapshot_periods,
    read_unit_history,
    read_unit_snapshots,
)
from metrics.bands import DISPLAY_ORDER
from metrics.catalog import Catalog, default_catalog
from metrics.explain import Drag, NextBand, Strength, drags, points_to_next_band, strengths
from metrics.scoring import PeriodScores, days_since_update
from metrics.stability import (
    Scenario,
    ScenarioShift,
    StabilitySummary,
    alternative_weightings,
    compared_weightings,
    rank_stability,
    scenario_shifts,
    stability_summary,
)

PILLAR_COLUMN = "pillar.{}"  # a scorecard column holding a pillar's score (0–100 %)
PILLAR_BAND_COLUMN = "pillar_band.{}"


class UnknownPeriod(LookupError):
    """A period with no stored scores (e.g. from an old link)."""


class UnknownUnit(LookupError):
    """A unit code that is not one of the 102."""


def available_periods(engine: Engine) -> list[date]:
    """Months with stored scores, oldest first."""
    return read_snapshot_periods(engine)


# Units file a month's reports in the first days of the next month (DOMAIN: "a few days into
# the next month"); until this many days after a month's end it is still being reported, and a
# missing value there is a report not yet due, not a gap. Pages open on the newest closed month.
REPORTING_WINDOW_DAYS = 10


def default_period(periods: list[date], today: date | None = None) -> date | None:
    """The month pages open on: the newest whose reporting window has closed (the newest of
    all when none has closed yet). A month still being reported stays selectable."""
    if not periods:
        return None
    today = today or date.today()
    closed = [p for p in periods if month_end(p) + timedelta(days=REPORTING_WINDOW_DAYS) < today]
    return closed[-1] if closed else periods[-1]


def resolve_period(engine: Engine, period: date | None) -> date:
    periods = available_periods(engine)
    if not periods:
        raise UnknownPeriod("no scores stored yet")
    if period is None:
        return periods[-1]
    if period not in periods:
        raise UnknownPeriod(period.isoformat())
    return period


def scorecard(engine: Engine, period: date | None = None) -> pd.DataFrame:
    """One row per unit for ``period`` (the newest by default).

    Columns: unit_code, name, full_name, unit_type, peer_group, population, period, composite
    (0–100), composite_01 (0–1), band, coverage, reported, expected, last_update, rank_level,
    rank_peer, rank_level_of and rank_peer_of (how many units each rank is out of), delta,
    rank_delta, catalog_version, and per pillar ``pillar.<key>`` (score %)
    and ``pillar_band.<key>``.
    """
    period = resolve_period(engine, period)
    units = read_unit_snapshots(engine, period)
    units["composite_01"] = units["composite"] / 100
    pillars = read_pillar_snapshots(engine, period=period)
    scores = pillars.pivot(index="unit_code", columns="pillar", values="score_pct")
    bands = pillars.pivot(index="unit_code", columns="pillar", values="band")
    scores.columns = [PILLAR_COLUMN.format(c) for c in scores.columns]
    bands.columns = [PILLAR_BAND_COLUMN.format(c) for c in bands.columns]
    return rank_denominators(units).join(scores, on="unit_code").join(bands, on="unit_code")


def rank_denominators(card: pd.DataFrame) -> pd.DataFrame:
    """How many units each stored rank is out of: ``rank_level_of`` (every coloured unit) and
    ``rank_peer_of`` (the coloured units of the unit's peer group). Grey units are not ranked."""
    ranked = card["rank_level"].notna()
    return card.assign(
        rank_level_of=int(ranked.sum()),
        rank_peer_of=ranked.groupby(card["peer_group"]).transform("sum").astype(int),
    )


def period_scores(engine: Engine, period: date, catalog: Catalog | None = None) -> PeriodScores:
    """The stored scores of ``period`` in the shape the scoring functions produce."""
    catalog = catalog or default_catalog()
    by_key = {i.key: i for i in catalog.indicators}
    indicators = read_indicator_snapshots(engine, period)
    indicators = indicators[indicators["indicator_key"].isin(by_key)].assign(
        pillar=lambda f: f["indicator_key"].map(lambda k: by_key[k].pillar),
        scored=lambda f: f["indicator_key"].map(lambda k: by_key[k].scored),
        # a value without its required evidence is shown but counts as missing
        reported=lambda f: (
            f["value"].notna() & f["applicable"].astype(bool) & ~f["missing_evidence"].astype(bool)
        ),
    )
    pillars = read_pillar_snapshots(engine, period=period)
    pillars["weight"] = pillars["pillar"].map({p.key: p.weight for p in catalog.pillars})
    units = read_unit_snapshots(engine, period)
    units["composite_01"] = units["composite"] / 100
    units["days_since_update"] = days_since_update(units["last_update"], period)
    return PeriodScores(indicators, pillars, units)


@dataclass(frozen=True)
class UnitScore:
    """Everything the dossier shows about one unit's score in one period."""

    period: date
    summary: pd.Series  # the unit's scorecard row
    pillars: pd.DataFrame  # pillar, score_pct, band, earned, available, weight
    indicators: pd.DataFrame  # one row per catalog indicator: value, points, source, evidence
    history: pd.DataFrame  # composite and band in every period


def unit_score(
    engine: Engine, unit_code: str, period: date | None = None, catalog: Catalog | None = None
) -> UnitScore:
    catalog = catalog or default_catalog()
    period = resolve_period(engine, period)
    card = scorecard(engine, period).set_index("unit_code")
    if unit_code not in card.index:
        raise UnknownUnit(unit_code)
    scores = period_scores(engine, period, catalog)
    pillars = scores.pillars[scores.pillars["unit_code"] == unit_code]
    indicators = scores.indicators[scores.indicators["unit_code"] == unit_code]
    summary = card.loc[unit_code]
    if not isinstance(summary, pd.Series):  # the scorecard holds one row per unit
        raise ValueError(f"unit {unit_code!r} appears more than once in the scorecard")
    return UnitScore(
        period=period,
        summary=summary,
        pillars=pillars.reset_index(drop=True),
        indicators=indicators.reset_index(drop=True),
        history=read_unit_history(engine, unit_code),
    )


def unit_revisions(engine: Engine, unit_code: str, period: date) -> pd.DataFrame:
    """The corrections made to ``unit_code``'s values for ``period``, oldest first: old → new
    value and evidence, when, by whom, why, and the import batch (``data.indicators``). Read
    from the data, not the stored scores: a correction shows before the scores are recomputed."""
    return read_revisions(engine, unit_code, period)


def band_counts(card: pd.DataFrame) -> dict[str, int]:
    """Units per band, every band present (0 where none)."""
    counts = card["band"].value_counts()
    return {band: int(counts.get(band, 0)) for band in DISPLAY_ORDER}


@dataclass(frozen=True)
class UnitExplanation:
    """Why a unit has its score: what drags it down, its strengths, how to reach the next band."""

    period: date
    drags: list[Drag]
    strengths: list[Strength]
    next_band: NextBand


def explain_unit(
    engine: Engine, unit_code: str, period: date | None = None, catalog: Catalog | None = None
) -> UnitExplanation:
    catalog = catalog or default_catalog()
    period = resolve_period(engine, period)
    scores = period_scores(engine, period, catalog)
    if unit_code not in set(scores.units["unit_code"]):
        raise UnknownUnit(unit_code)
    return UnitExplanation(
        period=period,
        drags=drags(scores, catalog, unit_code),
        strengths=strengths(scores, catalog, unit_code),
        next_band=points_to_next_band(scores, catalog, unit_code, period),
    )


@dataclass(frozen=True)
class Stability:
    period: date
    units: pd.DataFrame  # unit_code, baseline_rank, best_rank, worst_rank, rank_range, …
    summary: StabilitySummary
    scenarios: list[Scenario]
    # Equal and the provincial DTI's weights against the province's (metrics.stability).
    shifts: list[ScenarioShift]


def stability(
    engine: Engine, period: date | None = None, catalog: Catalog | None = None
) -> Stability:
    """Ranks and bands under the alternative pillar weightings, for every coloured unit."""
    catalog = catalog or default_catalog()
    period = resolve_period(engine, period)
    scenarios = alternative_weightings(catalog)
    scores = period_scores(engine, period, catalog)
    frame = rank_stability(scores, catalog, scenarios)
    shifts = scenario_shifts(scores, catalog, compared_weightings(scenarios))
    return Stability(period, frame, stability_summary(frame), scenarios, shifts)
