"""Why a unit has its score, and what would move it up a band (pure functions).

Everything here reads a :class:`~metrics.scoring.PeriodScores` and the :class:`Catalog` it was
scored with; nothing reads a database or knows about Streamlit.

How much is one indicator point worth on the composite?
------------------------------------------------------
``scoring.composite_from_pillars`` computes, per unit, over the pillars ``p`` with any reported
scored indicator (available points ``A_p > 0``) and a weight ``w_p > 0``::

    C = Σ_p w_p · s_p / W,     s_p = 100 · E_p / A_p,     W = Σ_p w_p

where ``E_p`` is the pillar's points earned and ``A_p`` its points available on *reported*
indicators (missing values are not filled in: they leave ``A_p`` and so re-normalise the
pillar's share over what was reported). ``C`` is linear in each reported indicator's points
``x_i`` as long as the set of reported indicators stays the same, so::

    ∂C/∂x_i = w_p · 100 / (A_p · W)          (the indicator's *composite factor* f_p)

and an indicator that earns ``x_i`` of its ``max_i`` points costs the composite exactly
``(max_i − x_i) · f_p`` points. With every indicator reported, ``A_p = w_p`` and
``W = total_points``, so ``f_p = 100 / total_points`` for every pillar (one point = one composite
point in the 100-point catalog); with missing values, an indicator in a thinly reported pillar
weighs more. The composite points lost over all reported indicators add up to ``100 − C``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

import numpy as np
import pandas as pd

from metrics.bands import BAND_ORDER, Band
from metrics.catalog import Basis, Catalog, Direction, Indicator, RuleType
from metrics.scoring import (
    PeriodScores,
    composite_from_pillars,
    indicator_points,
    score_pillars,
    unit_band,
)

_EPS = 1e-9  # points or composite points below this are float noise, not a difference
_TIES = 6  # gains equal to this many decimals are ties
# A strict plan aims this far above a threshold (composite points / pillar %), so that float
# noise in the re-score cannot leave the unit a hair below it (scoring compares exactly).
_MARGIN = 1e-9
# Plans tried in turn until the re-score confirms the band (see points_to_next_band):
# (strict, share of max points by which a partial ratio change is raised).
_ATTEMPTS = ((False, 0.0), (False, 1e-9), (True, 0.0))
_NEXT_BAND: dict[str, Band] = {Band.RED: Band.YELLOW, Band.YELLOW: Band.GREEN}


# --- results ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Drag:
    """A reported indicator below its full points, and what that costs the composite."""

    key: str
    pillar: str
    value: float
    points: float
    max_points: float
    composite_points_lost: float


@dataclass(frozen=True)
class Strength:
    """A reported indicator earning a large share of its points."""

    key: str
    pillar: str
    value: float
    points: float
    max_points: float
    share: float  # points / max_points, 0–1
    composite_points: float  # what these points contribute to the composite


@dataclass(frozen=True)
class Improvement:
    """Raise (or, for a lower-is-better indicator, lower) one indicator's value.

    ``needed_value`` is on the indicator's own reported scale (a year-to-date count for a
    year-to-date indicator): at least this much for ``direction`` higher, at most for lower.
    """

    key: str
    pillar: str
    direction: Direction
    value: float
    needed_value: float
    points: float
    points_after: float
    points_gained: float
    composite_gain: float


@dataclass(frozen=True)
class NextBand:
    """What would move a unit up one band, and what the result would be.

    * green: nothing to do (``target_band`` None, no improvements);
    * grey: the band is about data, not performance: ``to_report`` lists the scored indicators
      with no recent value, ``reports_needed`` how many of them must be reported to reach the
      minimum coverage, ``stale`` whether the newest report is too old (any fresh report then
      helps); no improvements are proposed;
    * red / yellow: ``improvements`` in the order they were chosen, and ``composite_after`` /
      ``band_after`` from re-scoring the unit with the needed values (a check, not a promise).

    ``to_report`` is filled for every band: reporting a missing value also changes the score,
    but in an unknown direction, so it is never counted as an improvement.
    """

    unit_code: str
    band: str
    target_band: str | None
    composite: float
    improvements: tuple[Improvement, ...]
    composite_after: float
    band_after: str
    to_report: tuple[str, ...]
    reports_needed: int
    stale: bool

    @property
    def composite_gain(self) -> float:
        return sum(i.composite_gain for i in self.improvements)


# --- inverting the rules ------------------------------------------------------------------


def best_points(indicator: Indicator) -> float:
    """The most points the indicator's rule can give (the top step for a step rule)."""
    if not indicator.scored:
        return 0.0
    if indicator.rule.type is RuleType.STEP:
        return indicator.rule.steps[0].points
    return indicator.max_points


def _pace_to_reported(indicator: Indicator, pace: float, period: date) -> float:
    """A year-to-date indicator is scored on value × 12 / month: undo that."""
    if indicator.basis is Basis.YEAR_TO_DATE:
        return pace * period.month / 12
    return pace


def value_for_points(indicator: Indicator, points: float, period: date) -> float:
    """The least demanding value that earns at least ``points`` in ``period``.

    The inverse of :func:`metrics.scoring.indicator_points`, rule by rule:

    * ratio, higher: ``points = max · value / target`` → ``value = target · points / max``;
    * ratio, lower: ``points = max · (worst − value) / (worst − target)`` →
      ``value = worst − (worst − target) · points / max`` (the value must not be exceeded);
    * step: the ``at`` of the lowest step giving at least ``points`` (the rule's points are
      discrete: asking 0.3 of a 0.5/1-point table gives the 0.5 step's value);
    * flag: 1.

    A year-to-date indicator is scored on its annual pace ``value × 12 / month``, so the needed
    pace is turned back into the count needed by the end of ``period``'s month:
    ``value = pace × month / 12``. ``points`` must be above 0 and at most :func:`best_points`.
    """
    if not indicator.scored:
        raise ValueError(f"{indicator.key}: a tracked-only indicator earns no points")
    top = best_points(indicator)
    if not 0 < points <= top + _EPS:
        raise ValueError(f"{indicator.key}: {points:g} points is outside (0, {top:g}]")
    points = min(points, top)
    rule = indicator.rule
    if rule.type is RuleType.FLAG:
        return 1.0  # a yes/no milestone is never paced
    if rule.type is RuleType.STEP:
        step = next(s for s in reversed(rule.steps) if s.points >= points - _EPS)
        pace = step.at
    elif indicator.direction is Direction.HIGHER:
        pace = indicator.target * points / indicator.max_points
    else:
        assert indicator.worst is not None  # guaranteed by catalog validation
        pace = (
            indicator.worst - (indicator.worst - indicator.target) * points / indicator.max_points
        )
    return _pace_to_reported(indicator, pace, period)


def _least_points_reaching(
    indicator: Indicator, current: float, wanted: float, tol: float = _EPS
) -> float | None:
    """The smallest points the rule can give that are ≥ ``wanted`` − ``tol`` (None if out of
    reach). A ratio can stop anywhere; a step rule only on one of its steps; a flag at full.
    """
    top = best_points(indicator)
    if wanted > top + tol:
        return None
    if wanted <= current:
        return current
    if indicator.rule.type is RuleType.RATIO:
        return min(wanted, top)
    if indicator.rule.type is RuleType.FLAG:
        return top
    return min(s.points for s in indicator.rule.steps if s.points >= wanted - tol)


# --- one unit's arithmetic ----------------------------------------------------------------


@dataclass(frozen=True)
class _Unit:
    """One unit's reported scored indicators and its pillars' totals."""

    rows: pd.DataFrame  # the unit's rows of scores.indicators (all of them)
    reported: pd.DataFrame  # scored, applicable and reported rows, in catalog order
    earned: dict[str, float]  # per pillar with any reported indicator
    available: dict[str, float]
    factor: dict[str, float]  # composite points per indicator point, per pillar (f_p above)


def _unit(scores: PeriodScores, catalog: Catalog, unit_code: str) -> _Unit:
    rows = scores.indicators[scores.indicators["unit_code"] == unit_code]
    if rows.empty:
        raise KeyError(f"unit {unit_code!r} is not in these scores")
    order = {ind.key: n for n, ind in enumerate(catalog.indicators)}
    reported = rows[rows["scored"] & rows["applicable"] & rows["reported"]]
    reported = reported.sort_values("indicator_key", key=lambda keys: keys.map(order))
    earned = _per_pillar(reported.groupby("pillar")["points"].sum())
    available = _per_pillar(reported.groupby("pillar")["max_points"].sum())
    weights = {p.key: p.weight for p in catalog.pillars}
    with_data = [  # in catalog order
        p.key for p in catalog.pillars if available.get(p.key, 0) > 0 and p.weight > 0
    ]
    total_weight = sum(weights[p] for p in with_data)
    factor = {p: 100 * weights[p] / (available[p] * total_weight) for p in with_data}
    return _Unit(rows, reported, earned, available, factor)


def _per_pillar(totals: pd.Series) -> dict[str, float]:
    return {str(pillar): float(total) for pillar, total in totals.items()}


@dataclass(frozen=True)
class _Reported:
    """One reported indicator's row, typed (pandas rows are not)."""

    key: str
    pillar: str
    value: float
    points: float
    max_points: float


def _reported_rows(frame: pd.DataFrame) -> list[_Reported]:
    columns = ("indicator_key", "pillar", "value", "points", "max_points")
    return [
        _Reported(str(key), str(pillar), float(value), float(points), float(max_points))
        for key, pillar, value, points, max_points in zip(*(frame[c] for c in columns), strict=True)
    ]


def _unit_row(scores: PeriodScores, unit_code: str) -> pd.Series:
    units = scores.units.set_index("unit_code")
    if unit_code not in units.index:
        raise KeyError(f"unit {unit_code!r} is not in these scores")
    row = units.loc[unit_code]
    if not isinstance(row, pd.Series):  # a unit scored twice: the scores are broken
        raise ValueError(f"unit {unit_code!r} appears more than once in these scores")
    return row


def drags(scores: PeriodScores, catalog: Catalog, unit_code: str, n: int = 5) -> list[Drag]:
    """The ``n`` reported indicators that cost the unit's composite the most points.

    An indicator earning ``x`` of ``max`` points in pillar ``p`` costs the composite
    ``(max − x) · w_p · 100 / (A_p · W)`` points (derivation in the module docstring: the
    pillar's share is re-normalised over its reported indicators, and the composite over the
    pillars with data). Indicators at full points are left out; ties go in catalog order.
    """
    unit = _unit(scores, catalog, unit_code)
    found = []
    for row in _reported_rows(unit.reported):
        if row.pillar not in unit.factor:
            continue
        lost = (row.max_points - row.points) * unit.factor[row.pillar]
        if lost > _EPS:
            found.append(
                Drag(
                    key=row.key,
                    pillar=row.pillar,
                    value=row.value,
                    points=row.points,
                    max_points=row.max_points,
                    composite_points_lost=lost,
                )
            )
    # sort is stable: ties (to float noise) stay in catalog order
    found.sort(key=lambda d: -round(d.composite_points_lost, 9))
    return found[:n]


def strengths(scores: PeriodScores, catalog: Catalog, unit_code: str, n: int = 3) -> list[Strength]:
    """The ``n`` reported indicators earning the largest share of their max points.

    Ties go to the indicator worth more points (``max_points``), then catalog order. Indicators
    earning nothing are never a strength.
    """
    unit = _unit(scores, catalog, unit_code)
    found = []
    for row in _reported_rows(unit.reported):
        if row.points <= _EPS or row.pillar not in unit.factor:
            continue
        found.append(
            Strength(
                key=row.key,
                pillar=row.pillar,
                value=row.value,
                points=row.points,
                max_points=row.max_points,
                share=row.points / row.max_points,
                composite_points=row.points * unit.factor[row.pillar],
            )
        )
    found.sort(key=lambda s: (-round(s.share, 9), -s.max_points))
    return found[:n]


# --- what it takes to move up a band ------------------------------------------------------


class _Plan:
    """Planned points per indicator, with the pillar totals and composite they give."""

    def __init__(self, unit: _Unit, catalog: Catalog, tol: float) -> None:
        self.unit = unit
        self.tol = tol  # how far short of a threshold still counts as reaching it
        self.indicators = {
            key: catalog.indicator(key)
            for key, pillar in zip(
                unit.reported["indicator_key"], unit.reported["pillar"], strict=True
            )
            if pillar in unit.factor
        }
        keys = unit.reported["indicator_key"]
        self.start = dict(zip(keys, unit.reported["points"].astype(float), strict=True))
        self.values = dict(zip(keys, unit.reported["value"].astype(float), strict=True))
        self.points = dict(self.start)
        self.earned = dict(unit.earned)
        self.rank = {key: n for n, key in enumerate(self.indicators)}  # catalog order
        self.order: list[str] = []  # indicators in the order they were first improved
        self.weights = {p.key: p.weight for p in catalog.pillars}

    def share(self, pillar: str) -> float:
        return 100 * self.earned[pillar] / self.unit.available[pillar]

    def composite(self) -> float:
        total = sum(self.weights[p] for p in self.unit.factor)
        return sum(self.weights[p] * self.share(p) for p in self.unit.factor) / total

    def best(self, key: str) -> float:
        return best_points(self.indicators[key])

    def headroom(self, key: str) -> float:
        return self.best(key) - self.points[key]

    def gain(self, key: str, new_points: float) -> float:
        """Composite points gained by moving ``key`` to ``new_points``."""
        return (new_points - self.points[key]) * self.unit.factor[self.indicators[key].pillar]

    def candidates(self, pillar: str | None = None) -> list[str]:
        return [
            key
            for key, ind in self.indicators.items()
            if self.headroom(key) > _EPS and (pillar is None or ind.pillar == pillar)
        ]

    def raise_to(self, key: str, new_points: float) -> None:
        pillar = self.indicators[key].pillar
        self.earned[pillar] += new_points - self.points[key]
        self.points[key] = new_points
        if key not in self.order:
            self.order.append(key)


def _points_gap(plan: _Plan, pillar: str, share_needed: float) -> float:
    """Points the pillar must gain for its share to reach ``share_needed`` (0–100)."""
    return max(share_needed * plan.unit.available[pillar] / 100 - plan.earned[pillar], 0.0)


def _plan_improvements(unit: _Unit, catalog: Catalog, target: str, strict: bool) -> _Plan:
    """Greedy choice of improvements until the unit would reach ``target`` (yellow or green).

    At every step:

    1. if one change alone would finish the job, take the one that gains the fewest composite
       points (a ratio only as far as needed, a step rule up to the lowest step that suffices,
       a flag in full); ties: the indicator with more headroom, then catalog order;
    2. otherwise, aiming at green with a red pillar left (non-compensatory rule: no green while
       a pillar's share is below the yellow threshold): in the first red pillar (catalog
       order), if one change lifts the pillar to the yellow threshold, take the smallest such
       change; else raise the indicator with the most points to gain to its full points;
    3. otherwise raise the indicator with the largest composite gain (points to gain × its
       composite factor) to its full points.

    Taking the largest gains first uses as few indicators as possible for one threshold (any
    ``k`` indicators gain at most the sum of the ``k`` largest gains); with both the composite
    and red pillars to fix, it is a heuristic.

    The arithmetic is the rules' own (a threshold met to 10⁻⁹ is met). ``strict`` aims
    ``_MARGIN`` above every threshold instead and allows no tolerance, for the unit whose
    re-score lands a float hair below a threshold the rules meet exactly.
    """
    bands = catalog.bands
    plan = _Plan(unit, catalog, tol=0.0 if strict else _EPS)
    margin = _MARGIN if strict else 0.0
    needed_composite = margin + (
        bands.green_at_least if target == Band.GREEN else bands.yellow_at_least
    )
    needed_share = margin + bands.yellow_at_least
    for _ in range(4 * len(plan.indicators) + 1):
        gap = needed_composite - plan.composite()
        reds = []
        if target == Band.GREEN:
            reds = [p for p in unit.factor if plan.share(p) < needed_share - plan.tol]
        if gap <= plan.tol and not reds:
            return plan
        if len(reds) <= 1:  # 1. one change that finishes the job?
            red_gap = _points_gap(plan, reds[0], needed_share) if reds else 0.0
            wanted = {
                k: max(max(gap, 0.0) / unit.factor[plan.indicators[k].pillar], red_gap)
                for k in plan.candidates(reds[0] if reds else None)
            }
            finish = _smallest_change(plan, wanted)
            if finish is not None:
                plan.raise_to(*finish)
                return plan
        if reds:  # 2. the first red pillar up to the yellow threshold
            in_pillar = plan.candidates(reds[0])
            red_gap = _points_gap(plan, reds[0], needed_share)
            closing = _smallest_change(plan, dict.fromkeys(in_pillar, red_gap))
            if closing is not None:
                plan.raise_to(*closing)
                continue
            key = _largest(plan, in_pillar, plan.headroom)
        else:  # 3. the largest composite gain
            key = _largest(plan, plan.candidates(), lambda k: plan.gain(k, plan.best(k)))
        plan.raise_to(key, plan.best(key))
    raise AssertionError("improvement plan did not converge")  # every step raises some points


def _largest(plan: _Plan, keys: list[str], size: Callable[[str], float]) -> str:
    """The key with the largest ``size`` (ties: catalog order)."""
    return max(keys, key=lambda k: (round(size(k), _TIES), -plan.rank[k]))


def _smallest_change(plan: _Plan, wanted: dict[str, float]) -> tuple[str, float] | None:
    """The change of one indicator gaining at least ``wanted[key]`` points for the fewest
    composite points (ties: more headroom, then catalog order), as (key, new points)."""
    options = []
    for key, points in wanted.items():
        current = plan.points[key]
        new = _least_points_reaching(plan.indicators[key], current, current + points, plan.tol)
        if new is not None:
            rank = (
                round(plan.gain(key, new), _TIES),
                -round(plan.headroom(key), _TIES),
                plan.rank[key],
            )
            options.append((rank, key, new))
    if not options:
        return None
    _, key, new = min(options)
    return key, new


def _missing(unit: _Unit, catalog: Catalog) -> tuple[str, ...]:
    rows = unit.rows
    missing = set(
        rows.loc[rows["scored"] & rows["applicable"] & ~rows["reported"], "indicator_key"]
    )
    return tuple(i.key for i in catalog.indicators if i.key in missing)


def _reports_needed(reported: int, expected: int, min_coverage: float) -> int:
    """How many more values must be reported for reported / expected ≥ min_coverage."""
    if expected == 0:
        return 0
    more = 0
    while (reported + more) / expected < min_coverage and reported + more < expected:
        more += 1
    return more


def _rescore(
    unit: _Unit, catalog: Catalog, row: pd.Series, values: dict[str, float], period: date
) -> tuple[float, str]:
    """The unit's composite and band with ``values`` in place of its reported ones."""
    indicators = unit.rows.copy()
    by_key = {i.key: i for i in catalog.indicators}
    for key, value in values.items():
        at = indicators["indicator_key"] == key
        indicators.loc[at, "value"] = value
        indicators.loc[at, "points"] = indicator_points(by_key[key], value, period)
    pillars = score_pillars(indicators, catalog)
    weights = {p.key: p.weight for p in catalog.pillars}
    composite = float(composite_from_pillars(pillars, weights).get(row.name, np.nan))
    band = unit_band(
        composite, list(pillars["band"]), row["coverage"], row["days_since_update"], catalog.bands
    )
    return composite, band


def points_to_next_band(
    scores: PeriodScores, catalog: Catalog, unit_code: str, period: date
) -> NextBand:
    """The smallest improvements, by the catalog's rules, that lift the unit one band.

    red → yellow needs the composite at ``yellow_at_least``; yellow → green needs the composite
    at ``green_at_least`` *and* every pillar's share at ``yellow_at_least`` (no green while a
    pillar is red). The improvements are chosen greedily (see :func:`_plan_improvements`): the
    largest composite gains first, each in full, and the last one only as far as needed. Only
    reported indicators are improved; values are inverted with :func:`value_for_points`
    (year-to-date counts by the end of ``period``'s month, ``period`` being the scored month).

    The result is checked by re-scoring the unit with the needed values (``composite_after``,
    ``band_after``). Scoring compares with the thresholds exactly, and a composite that is 50
    by the rules can come out as 49.99999999999999 (red) in floats. When the re-score does not
    confirm the band, partial ratio changes are raised by a hair (10⁻⁹ of their max points);
    if that is not enough, a strict plan aiming 10⁻⁹ above every threshold is made instead.
    """
    unit = _unit(scores, catalog, unit_code)
    row = _unit_row(scores, unit_code)
    band, composite = str(row["band"]), float(row["composite"])
    stale = not row["days_since_update"] <= catalog.bands.max_days_since_update
    result = NextBand(
        unit_code=unit_code,
        band=band,
        target_band=_NEXT_BAND.get(band),
        composite=composite,
        improvements=(),
        composite_after=composite,
        band_after=band,
        to_report=_missing(unit, catalog),
        reports_needed=_reports_needed(
            int(row["reported"]), int(row["expected"]), catalog.bands.min_coverage
        ),
        stale=bool(stale),
    )
    if result.target_band is None:  # green: nothing to do; grey: report first
        return result
    for strict, bump in _ATTEMPTS:
        plan = _plan_improvements(unit, catalog, result.target_band, strict)
        items = tuple(_improvement(plan, key, bump, period) for key in plan.order)
        composite_after, band_after = _rescore(
            unit, catalog, row, {i.key: i.needed_value for i in items}, period
        )
        if _reaches(band_after, result.target_band):
            break
    return replace(
        result, improvements=items, composite_after=composite_after, band_after=band_after
    )


def _improvement(plan: _Plan, key: str, bump: float, period: date) -> Improvement:
    """The planned change of ``key`` as values, the points re-scored from the needed value."""
    ind = plan.indicators[key]
    points = plan.points[key]
    if ind.rule.type is RuleType.RATIO and points < plan.best(key):
        points = min(points + bump * ind.max_points, plan.best(key))
    needed = value_for_points(ind, points, period)
    after = indicator_points(ind, needed, period)
    before = plan.start[key]
    return Improvement(
        key=key,
        pillar=ind.pillar,
        direction=ind.direction,
        value=plan.values[key],
        needed_value=needed,
        points=before,
        points_after=after,
        points_gained=after - before,
        composite_gain=(after - before) * plan.unit.factor[ind.pillar],
    )


def _reaches(band: str, target: str) -> bool:
    return band != Band.GREY and BAND_ORDER.index(Band(band)) >= BAND_ORDER.index(Band(target))
