"""Why a unit has its score, and what would move it up a band (pure functions).

Everything here reads a :class:`~metrics.scoring.PeriodScores` and the :class:`Catalog` it was
scored with; nothing reads a database or knows about Streamlit.

How much is one indicator point worth on the composite?
------------------------------------------------------
``scoring.composite_from_pillars`` computes, per unit, over the pillars ``p`` with any reported
scored indicator (available points ``A_p > 0``) and a weight ``w_p > 0``::

    C = Σ_p w_p · s_p / W,     s_p = 100 · E_p / A_p,     W = Σ_p w_p

where ``E_p`` is the pillar's points earned and ``A_p`` its points available, both read from
the scores' pillar rows, i.e. as the scoring rules in force count them (whether a missing value
leaves ``A_p`` or counts in it with 0 points is the rules' business). ``C`` is linear in each
reported indicator's points ``x_i`` as long as the set of reported indicators stays the same, so::

    ∂C/∂x_i = w_p · 100 / (A_p · W)          (the indicator's *composite factor* f_p)

and an indicator that earns ``x_i`` of its ``max_i`` points costs the composite exactly
``(max_i − x_i) · f_p`` points. With every indicator reported, ``A_p = w_p`` and
``W = total_points``, so ``f_p = 100 / total_points`` for every pillar (one point = one composite
point in the 100-point catalog); when missing values leave ``A_p``, an indicator in a thinly
reported pillar weighs more.

Advice that works as displayed
------------------------------
A plan is only as good as the values the reader copies from the dossier. Its targets are rounded
to the dossier's precision (:data:`DISPLAY_DECIMALS`, shared with ``ui.dossier``) in the
direction that keeps them sufficient, the unit is re-scored with those values by the scoring
functions themselves, and the composite must clear the threshold by :data:`CLEARANCE`. Only
levers are advised (:func:`is_lever`: no "have fewer incidents"), the unit's own
(:func:`is_controllable`) first.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

import pandas as pd

from metrics.bands import BAND_ORDER, Band
from metrics.catalog import Basis, Catalog, Direction, Indicator, RuleType
from metrics.scoring import (
    PeriodScores,
    indicator_points,
    score_pillars,
    score_units,
)

_EPS = 1e-9  # points or composite points below this are float noise, not a difference
_TIES = 6  # gains equal to this many decimals are ties
# Decimals the dossier shows per indicator unit; the dossier formats with this table and a plan
# rounds its targets with it, so the values a reader follows are the values that were checked.
DISPLAY_DECIMALS: dict[str, int] = {
    "percent": 1,
    "per_10k": 2,
    "count": 0,
    "count_per_month": 0,
    "flag": 0,
}
DEFAULT_DECIMALS = 1
# A plan must clear every threshold it needs by this much (composite points / pillar %), re-scored
# with the displayed values: a plan landing exactly on 80,00 is one late correction from yellow.
CLEARANCE = 0.05
# Extra margins (composite points / pillar %) the plan aims above a threshold, tried in turn until
# the re-score with the displayed values clears it: the plan's arithmetic is linear, the rules
# (steps, caps, rounding, whatever scoring rule is in force) need not be.
_MARGINS = (CLEARANCE, 0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0)
_NEXT_BAND: dict[str, Band] = {Band.RED: Band.YELLOW, Band.YELLOW: Band.GREEN}


def display_decimals(unit: str) -> int:
    """Decimals the dossier shows for an indicator measured in ``unit``."""
    return DISPLAY_DECIMALS.get(unit, DEFAULT_DECIMALS)


def displayed_target(indicator: Indicator, value: float) -> float:
    """``value`` rounded to the dossier's precision, in the direction that keeps it sufficient.

    A target is "at least" for a higher-is-better indicator (rounded up: 93,04 % → 93,1 %) and
    "at most" for a lower-is-better one (rounded down: 3,756 → 3,75). A value already at the
    displayed precision (to float noise) is kept: 80 must not become 80,1.
    """
    scale = 10 ** display_decimals(indicator.unit)
    scaled = value * scale
    if abs(scaled - round(scaled)) < 1e-6:
        return round(scaled) / scale
    if indicator.direction is Direction.HIGHER:
        return math.ceil(scaled) / scale
    return math.floor(scaled) / scale


def is_lever(indicator: Indicator) -> bool:
    """Whether improving the indicator is something a unit can be advised to *do*.

    Rule (by catalog fields): a lower-is-better count of events *in the month*
    (unit ``count_per_month``, e.g. security incidents) is an outcome, not an action — "have fewer
    incidents" is no advice; the actions behind it (anti-malware, drills) are indicators of their
    own. A lower-is-better *stock* (open overdue tasks, overdue feedback per 10,000 people) is a
    lever: the unit can close the cases. Tracked-only indicators earn nothing and are never levers.
    """
    if not indicator.scored:
        return False
    return not (indicator.direction is Direction.LOWER and indicator.unit == "count_per_month")


def is_controllable(indicator: Indicator) -> bool:
    """Whether the unit itself can move the indicator (False e.g. for an operator's 5G site)."""
    return indicator.controllable


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
    year-to-date indicator): at least this much for ``direction`` higher, at most for lower. It
    is rounded to the dossier's precision (:func:`displayed_target`), and ``points_after`` is what
    that displayed value earns. ``controllable`` is False when only others (an operator) can
    move the indicator.
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
    controllable: bool = True


@dataclass(frozen=True)
class NextBand:
    """What would move a unit up one band, and what the result would be.

    * green: nothing to do (``target_band`` None, no improvements);
    * grey: the band is about data, not performance: ``to_report`` lists the scored indicators
      with no recent value, ``reports_needed`` how many of them must be reported to reach the
      minimum coverage, ``stale`` whether the newest report is too old (any fresh report then
      helps); no improvements are proposed;
    * red / yellow: ``improvements`` in the order they were chosen, and ``composite_after`` /
      ``band_after`` from re-scoring the unit with the needed values *as displayed* (rounded to
      the dossier's precision). ``needs_others`` lists the improvements the unit does not control
      (only used when its own levers cannot reach the band); ``reached`` is False when even
      every lever at full points cannot lift the unit (the improvements are then the best try).

    ``to_report`` is filled for every band. Where the rules count a missing value as 0 of its
    points, reporting it (with the needed value) is an improvement like any other and may be
    in the plan (``value`` NaN); where they leave it out, its effect is unknown and it is not.
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
    needs_others: tuple[str, ...] = ()
    reached: bool = True

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
    # the rows that can gain points, in catalog order: the reported ones, and the missing ones
    # where the rules count a missing value as 0 of its points (reporting it is then a gain)
    improvable: pd.DataFrame
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
    # The pillar totals as the scoring rules in force made them (what a missing value adds to the
    # available points is the rules' business, not the explanation's).
    pillars = scores.pillars[scores.pillars["unit_code"] == unit_code]
    earned = _per_pillar(pillars.groupby("pillar")["earned"].sum())
    available = _per_pillar(pillars.groupby("pillar")["available"].sum())
    weights = {p.key: p.weight for p in catalog.pillars}
    with_data = [  # in catalog order
        p.key for p in catalog.pillars if available.get(p.key, 0) > 0 and p.weight > 0
    ]
    total_weight = sum(weights[p] for p in with_data)
    factor = {p: 100 * weights[p] / (available[p] * total_weight) for p in with_data}
    return _Unit(rows, reported, _improvable(rows, available, order), earned, available, factor)


def _improvable(
    rows: pd.DataFrame, available: dict[str, float], order: dict[str, int]
) -> pd.DataFrame:
    """Reported rows, plus missing ones in pillars whose available points count them."""
    scored = rows[rows["scored"] & rows["applicable"]]
    all_points = _per_pillar(scored.groupby("pillar")["max_points"].sum())
    counted = {p for p, total in all_points.items() if abs(available.get(p, 0.0) - total) < 1e-6}
    frame = scored[scored["reported"] | scored["pillar"].isin(counted)]
    frame = frame.assign(points=frame["points"].fillna(0.0))
    return frame.sort_values("indicator_key", key=lambda keys: keys.map(order))


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
    pillar's points available ``A_p`` as the rules count them). A missing value the rules count
    as 0 points is a drag too (``value`` NaN). Indicators at full points are left out; ties go
    in catalog order.
    """
    unit = _unit(scores, catalog, unit_code)
    found = []
    for row in _reported_rows(unit.improvable):
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

    def __init__(self, unit: _Unit, catalog: Catalog, levers: set[str]) -> None:
        self.unit = unit
        self.levers = levers  # the indicators the plan may change
        self.stuck = False  # no lever left and the thresholds still out of reach
        self.indicators = {
            key: catalog.indicator(key)
            for key, pillar in zip(
                unit.improvable["indicator_key"], unit.improvable["pillar"], strict=True
            )
            if pillar in unit.factor
        }
        keys = unit.improvable["indicator_key"]
        self.start = dict(zip(keys, unit.improvable["points"].astype(float), strict=True))
        self.values = dict(zip(keys, unit.improvable["value"].astype(float), strict=True))
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

    def full_gain(self, key: str) -> float:
        return self.gain(key, self.best(key))

    def candidates(self, pillar: str | None = None) -> list[str]:
        return [
            key
            for key, ind in self.indicators.items()
            if key in self.levers
            and self.headroom(key) > _EPS
            and (pillar is None or ind.pillar == pillar)
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


def _plan_improvements(
    unit: _Unit, catalog: Catalog, target: str, margin: float, levers: set[str]
) -> _Plan:
    """Greedy choice of improvements until the unit would reach ``target`` (yellow or green)
    with ``margin`` to spare on every threshold, changing only the indicators in ``levers``.

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
    and red pillars to fix, it is a heuristic. When no lever is left before the thresholds are
    met, the plan is returned with ``stuck`` set.
    """
    bands = catalog.bands
    plan = _Plan(unit, catalog, levers)
    needed_composite = margin + (
        bands.green_at_least if target == Band.GREEN else bands.yellow_at_least
    )
    # A pillar need only meet its threshold (the band rule); it gets a margin too only once the
    # first plan's re-score has failed.
    needed_share = bands.yellow_at_least + max(margin - CLEARANCE, 0.0)
    for _ in range(4 * len(plan.indicators) + 1):
        gap = needed_composite - plan.composite()
        reds = []
        if target == Band.GREEN:
            reds = [p for p in unit.factor if plan.share(p) < needed_share]
        if gap <= 0 and not reds:
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
            keys = in_pillar
            size: Callable[[str], float] = plan.headroom
        else:  # 3. the largest composite gain
            keys = plan.candidates()
            size = plan.full_gain
        if not keys:
            plan.stuck = True
            return plan
        key = _largest(plan, keys, size)
        plan.raise_to(key, plan.best(key))
    raise AssertionError("improvement plan did not converge")  # every step raises some points


def _largest(plan: _Plan, keys: list[str], size: Callable[[str], float]) -> str:
    """The key with the largest ``size`` (ties: the unit's own lever, then catalog order)."""
    return max(
        keys,
        key=lambda k: (round(size(k), _TIES), is_controllable(plan.indicators[k]), -plan.rank[k]),
    )


def _smallest_change(plan: _Plan, wanted: dict[str, float]) -> tuple[str, float] | None:
    """The change of one indicator gaining at least ``wanted[key]`` points for the fewest
    composite points (ties: the unit's own, more headroom, catalog order), as (key, new points)."""
    options = []
    for key, points in wanted.items():
        current = plan.points[key]
        new = _least_points_reaching(plan.indicators[key], current, current + points)
        if new is not None:
            rank = (
                round(plan.gain(key, new), _TIES),
                not is_controllable(plan.indicators[key]),  # an operator's lever last
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
    unit: _Unit, catalog: Catalog, values: dict[str, float], period: date
) -> tuple[float, str]:
    """The unit's composite and band, by the scoring functions in force, with ``values``
    reported for ``period`` in place of its current ones."""
    indicators = unit.rows.copy()
    by_key = {i.key: i for i in catalog.indicators}
    for key, value in values.items():
        at = indicators["indicator_key"] == key
        indicators.loc[at, "value"] = value
        indicators.loc[at, "points"] = indicator_points(by_key[key], value, period)
        indicators.loc[at, "reported"] = True  # a missing value reported as planned
        if "value_period" in indicators:
            indicators.loc[at, "value_period"] = period
    pillars = score_pillars(indicators, catalog)
    units = score_units(indicators, pillars, catalog, period)
    row = units.iloc[0]
    return float(row["composite"]), str(row["band"])


def _clears(composite: float, band: str, target: str, catalog: Catalog) -> bool:
    """The band reached by every rule, and the composite above its threshold by CLEARANCE."""
    bands = catalog.bands
    threshold = bands.green_at_least if target == Band.GREEN else bands.yellow_at_least
    return _reaches(band, target) and composite >= threshold + CLEARANCE - _EPS


def _lever_sets(unit: _Unit, catalog: Catalog) -> list[set[str]]:
    """The unit's own levers first; every lever (an operator's too) only if that differs."""
    levers = [catalog.indicator(str(key)) for key in unit.improvable["indicator_key"]]
    everything = {i.key for i in levers if is_lever(i)}
    own = {i.key for i in levers if is_lever(i) and is_controllable(i)}
    return [own] if own == everything else [own, everything]


def points_to_next_band(
    scores: PeriodScores, catalog: Catalog, unit_code: str, period: date
) -> NextBand:
    """The smallest improvements, by the catalog's rules, that lift the unit one band.

    red → yellow needs the composite at ``yellow_at_least``; yellow → green needs the composite
    at ``green_at_least`` *and* every pillar's share at ``yellow_at_least`` (no green while a
    pillar is red). The improvements are chosen greedily (see :func:`_plan_improvements`): the
    largest composite gains first, each in full, and the last one only as far as needed. Only
    indicators that can gain points (see ``_improvable``) and are levers (:func:`is_lever`)
    are improved; values are inverted with :func:`value_for_points` (year-to-date counts by the
    end of ``period``'s month, ``period`` being the scored month).

    The plan must work *as displayed*: each needed value is rounded to the dossier's precision
    in the direction that helps (:func:`displayed_target`), the unit is re-scored with those
    values by the scoring functions, and the composite must clear its threshold by
    :data:`CLEARANCE` with every band rule met. If it does not, the plan aims a larger margin
    above the thresholds and is checked again. Levers the unit controls are tried first; an
    operator's indicator enters the plan only when the unit's own levers cannot reach the band
    (``needs_others`` then names it).
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
    attempt = result
    for levers in _lever_sets(unit, catalog):
        for margin in _MARGINS:
            plan = _plan_improvements(unit, catalog, result.target_band, margin, levers)
            attempt = _attempt(result, plan, catalog, period)
            if attempt.reached or plan.stuck:
                break
        if attempt.reached:
            return attempt
    return attempt  # out of reach even with every lever: the best try, reached False


def _attempt(result: NextBand, plan: _Plan, catalog: Catalog, period: date) -> NextBand:
    """``plan`` as displayed values, re-scored and judged against the target band."""
    assert result.target_band is not None
    items = tuple(_improvement(plan, key, period) for key in plan.order)
    composite_after, band_after = _rescore(
        plan.unit, catalog, {i.key: i.needed_value for i in items}, period
    )
    return replace(
        result,
        improvements=items,
        composite_after=composite_after,
        band_after=band_after,
        needs_others=tuple(i.key for i in items if not i.controllable),
        reached=_clears(composite_after, band_after, result.target_band, catalog),
    )


def _improvement(plan: _Plan, key: str, period: date) -> Improvement:
    """The planned change of ``key`` as the dossier shows it, its points re-scored from that."""
    ind = plan.indicators[key]
    needed = displayed_target(ind, value_for_points(ind, plan.points[key], period))
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
        controllable=is_controllable(ind),
    )


def _reaches(band: str, target: str) -> bool:
    return band != Band.GREY and BAND_ORDER.index(Band(band)) >= BAND_ORDER.index(Band(target))
