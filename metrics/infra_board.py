"""The 5G / digital-infrastructure board: the site rollout judged at the end of one day.

One computation for the infrastructure page and the unit dossier's infrastructure block. Every
rule comes from ``metrics.site_pipeline`` — a site's stage (:func:`stages_on`), which centres
have 5G now and each unit's forecast (:func:`forecasts`, whose ``covered`` flag is
:func:`centres_covered`), the people covered (:func:`population_covered`), the glide path
(:func:`glide_share`), the stage durations (:func:`stage_durations`), the regressions
(:func:`regressions`); this module picks the sites the filters ask for, counts and lays out.
The month-by-month coverage reads each centre site's on-air stretches once
(:func:`on_air_spells`, the same reading of the history as stages_on) rather than calling
stages_on once a month; the tests hold the two equal day by day.

INTERFACE (agreed between the metrics work and the page and dossier work; keep the names):

* :func:`infra_filter_options(engine)` → :class:`InfraFilterOptions`;
* :func:`infra_board(engine, filters)` → :class:`InfraBoard`;
* :func:`unit_infra_block(engine, unit_code, as_of)` → :class:`UnitInfraBlock`.

The rules of the figures (each a sentence a Committee member can check):

* everything is judged at the end of ``as_of``: a site with no stage change by then did not
  exist yet and is in no count;
* **which sites count**: those of the chosen units (peer group, unit codes) and, when one is
  chosen, of that operator only — with an operator chosen, a centre is covered when *that
  operator's* 5G site serving it is on air, and the unit's forecast follows that operator's
  sites, with the stage durations its sites were seen to take;
* **coverage is about 5G** whatever the technology filter: the centres share, the baseline and
  the glide path, the forecasts, the will-miss list and the population share count 5G sites
  only (a centre has 5G when a 5G site serving it is on air). The technology filter narrows
  the site counts, the funnel, the stage durations, the blocked and regression lists, the site
  list and the map;
* **the stage filter** narrows the site list and the map only (``sites``);
* **stage durations** are observed over the whole province's sites (of the chosen operator and
  technology), not only the chosen units': the forecasts take the province's durations too, so
  a unit's forecast is the same on the page and in its dossier. With no technology chosen the
  durations table is exactly what the forecasts used;
* **fibre** is each unit's latest month known at ``as_of``: a month's row (stored under its
  first day) gives the households at the month's end, so it counts from its last day on (on
  31/03 the March row, on 30/03 still February's). The province's shares sum the households of
  the units that have such a month. A unit with no fibre month has no fibre figure (None/NA,
  not 0). Fibre knows no operator or technology: those filters leave it alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from common.periods import add_months, month_end, month_range, month_start
from common.site_stages import BLOCKED, ON_AIR, PIPELINE, SITE_STATES
from data.infrastructure import (
    fibre_by_unit,
    pipeline_history,
    pipeline_sites,
    unchecked_site_count,
    unchecked_sites,
)
from data.models import PEER_GROUPS
from data.queries import read_units
from metrics.site_pipeline import (
    BASELINE_DAY,
    TARGET_DAY,
    UnitForecast,
    forecasts,
    glide_share,
    on_air_spells,
    population_covered,
    regressions,
    stage_durations,
    stages_on,
)

LIST_LENGTH = 15  # the slowest blocked sites shown (the total is given beside them)
STAGES = SITE_STATES  # the funnel's rows: the pipeline in order, then "blocked"
_RANK = {stage: i for i, stage in enumerate(PIPELINE)}

SITE_COLUMNS = [
    "site_id",
    "site_code",
    "unit_code",
    "unit_name",
    "operator",
    "technology",
    "serves_centre",
    "lat",
    "lon",
    "stage",
    "since",
    "note",
]
BLOCKED_COLUMNS = [
    "site_code",
    "unit_code",
    "unit_name",
    "operator",
    "technology",
    "serves_centre",
    "since",
    "days",
    "reason",
]
REGRESSION_COLUMNS = [
    "site_id",
    "site_code",
    "unit_code",
    "unit_name",
    "operator",
    "technology",
    "changed_at",
    "from_stage",
    "to_stage",
    "note",
    "regressed_now",
]
UNIT_COLUMNS = [
    "unit_code",
    "unit_name",
    "peer_group",
    "population",
    "centre_covered",
    "sites",
    "sites_on_air",
    "population_5g_pct",
    "households",
    "households_passed",
    "households_connected",
    "fibre_passed_pct",
    "fibre_connected_pct",
    "forecast_low",
    "forecast_middle",
    "forecast_high",
    "stage",
    "since",
    "why_none",
    "will_miss",
]
WILL_MISS_COLUMNS = [
    "unit_code",
    "unit_name",
    "stage",
    "since",
    "days_stuck",
    "why_none",
    "forecast_middle",
]
FIBRE_COUNTS = ("households", "households_passed", "households_connected")


# --- the interface -----------------------------------------------------------------------------


@dataclass(frozen=True)
class InfraFilterOptions:
    operators: list[str]  # operators that have sites, sorted
    technologies: list[str]  # technologies that have sites, sorted ("4G", "5G")
    peer_groups: list[str]  # the registry's peer groups present, in data.models.PEER_GROUPS order
    first_day: date  # the earliest stage change (today without any)
    last_day: date  # the newest stage change: the newest day the site records describe


@dataclass(frozen=True)
class InfraFilters:
    """What the viewer chose; None (or an empty tuple) = all. ``as_of``: the board is judged at
    the end of that day."""

    as_of: date
    operator: str | None = None  # which sites count, coverage included (see the module)
    technology: str | None = None  # narrows the funnel, durations, lists, map — not coverage
    peer_group: str | None = None
    unit_codes: tuple[str, ...] = ()  # empty = every unit
    stage: str | None = None  # narrows the site list and the map only


@dataclass(frozen=True)
class InfraHeadline:
    units: int  # the chosen units
    centres_covered: int  # of them, centres with a 5G site on air
    covered_pct: float | None  # centres_covered / units × 100 (None without units)
    baseline_pct: float | None  # the same share at the end of BASELINE_DAY
    glide_pct: float | None  # glide_share(as_of, baseline_pct): where the straight line is
    gap_pts: float | None  # covered_pct − glide_pct (negative: behind the line)
    sites: int  # sites existing at as_of (technology filter applied)
    on_air: int
    blocked: int
    # sites whose current stage is the work of a regression: a regression not regained since
    # (the site has not been back at the stage it fell from), as ``regressions`` marks it
    regressed_now: int
    will_miss: int  # the chosen units whose centre will miss 2030 at the current pace
    population_5g_pct: float | None  # Σ min(covered, population) / Σ population × 100
    fibre_connected_pct: float | None  # Σ connected / Σ households (latest month ended)
    fibre_passed_pct: float | None  # Σ passed / Σ households
    unchecked: int  # imported sites no unit could be given (never counted above)


@dataclass(frozen=True)
class InfraBoard:
    """Everything the infrastructure page shows for one :class:`InfraFilters`.

    ``coverage`` — month (date, the 1st), day (the day it is judged at: the month's last day,
      or as_of for as_of's month), covered, units, covered_pct, glide_pct, gap_pts
      (covered_pct − glide_pct): every month from July 2025 to as_of's month.
    ``glide_to_target`` — day, glide_pct: (BASELINE_DAY, baseline_pct) and (TARGET_DAY, 100),
      the line to 2030 (empty without units).
    ``funnel`` — stage (:data:`STAGES` order), sites (in that stage now), reached (sites whose
      stage now is that stage or a later pipeline stage; for "blocked", the blocked sites: a
      blocked site has reached none of the pipeline's stages in this count), reached_pct (reached
      / every site × 100; NaN for "blocked" and without sites).
    ``by_operator`` — operator, stage, sites: every operator with a site × every stage.
    ``durations`` — stage, observed, low, median, high (days; the stages before on air).
    ``slowest_blocked`` — the sites blocked now, longest first (up to :data:`LIST_LENGTH`;
      ``blocked_total`` of them in all): :data:`BLOCKED_COLUMNS`; days = as_of − since. Not
      narrowed by the stage filter.
    ``units`` — one row per chosen unit, by code: :data:`UNIT_COLUMNS`. The site counts follow
      the technology filter; population_5g_pct is 5G, capped at 100; the fibre columns are the
      latest month ended by as_of's end, NA for a unit with no such month; the forecast
      columns are ``forecasts[unit]``'s (dates or None; why_none a
      :class:`~metrics.site_pipeline.NoForecast` value or None).
    ``will_miss`` — the will-miss units: :data:`WILL_MISS_COLUMNS`, days_stuck (as_of − since)
      longest first; units without a site in the pipeline (no stage to be stuck in) last.
    ``regressions`` — every regression up to as_of: :data:`REGRESSION_COLUMNS`, newest first;
      regressed_now: the site has not been back at from_stage (or past it) since.
    ``unchecked`` — ``data.infrastructure.unchecked_sites`` (all of them; not filtered).
    ``sites`` — for the map and the site list, every filter applied: :data:`SITE_COLUMNS`.
    ``forecasts`` — unit_code → its :class:`~metrics.site_pipeline.UnitForecast`.
    ``has_sites`` — False when the store holds no site at all (the page says "no data" rather
      than "every centre will miss").
    """

    as_of: date
    headline: InfraHeadline
    coverage: pd.DataFrame
    glide_to_target: pd.DataFrame
    funnel: pd.DataFrame
    by_operator: pd.DataFrame
    durations: pd.DataFrame
    slowest_blocked: pd.DataFrame
    blocked_total: int
    units: pd.DataFrame
    will_miss: pd.DataFrame
    regressions: pd.DataFrame
    unchecked: pd.DataFrame
    sites: pd.DataFrame
    forecasts: dict[str, UnitForecast]
    filters: InfraFilters
    has_sites: bool


@dataclass(frozen=True)
class UnitInfraBlock:
    """The dossier's infrastructure block: one unit's row of the board (no other filter)."""

    unit_code: str
    as_of: date
    centre_covered: bool
    forecast: UnitForecast
    sites: pd.DataFrame  # the unit's sites existing at as_of: SITE_COLUMNS
    stage_counts: dict[str, int]  # every stage of STAGES → the unit's sites in it
    population_5g_pct: float | None
    fibre_connected_pct: float | None
    fibre_passed_pct: float | None
    regressions: pd.DataFrame  # the unit's: REGRESSION_COLUMNS


def infra_filter_options(engine: Engine) -> InfraFilterOptions:
    """The choices the page offers: operators and technologies with sites, the peer groups,
    the span of days the stage history covers."""
    sites = pipeline_sites(engine)
    days = pipeline_history(engine)["changed_at"]
    groups = set(read_units(engine)["peer_group"].astype(str))
    first = min(days) if len(days) else None
    last = max(days) if len(days) else None
    today = date.today()
    return InfraFilterOptions(
        operators=sorted(set(sites["operator"].astype(str))),
        technologies=sorted(set(sites["technology"].astype(str))),
        peer_groups=[g for g in PEER_GROUPS if g in groups] + sorted(groups - set(PEER_GROUPS)),
        first_day=first or today,
        last_day=last or first or today,
    )


def infra_board(engine: Engine, filters: InfraFilters) -> InfraBoard:
    """The board for ``filters``, every figure judged at the end of ``filters.as_of``."""
    return _board(_read(engine), filters)


def unit_infra_block(engine: Engine, unit_code: str, as_of: date) -> UnitInfraBlock:
    """The dossier's block: the board of that one unit. KeyError for a code not in the
    registry."""
    board = infra_board(engine, InfraFilters(as_of=as_of, unit_codes=(unit_code,)))
    if unit_code not in board.forecasts:
        raise KeyError(f"unit {unit_code!r} is not in the registry")
    row = board.units.iloc[0]
    return UnitInfraBlock(
        unit_code=unit_code,
        as_of=as_of,
        centre_covered=bool(row["centre_covered"]),
        forecast=board.forecasts[unit_code],
        sites=board.sites,
        stage_counts=dict(zip(board.funnel["stage"], board.funnel["sites"], strict=True)),
        population_5g_pct=_number(row["population_5g_pct"]),
        fibre_connected_pct=_number(row["fibre_connected_pct"]),
        fibre_passed_pct=_number(row["fibre_passed_pct"]),
        regressions=board.regressions,
    )


# --- reading and choosing ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Store:
    units: pd.DataFrame  # unit_code, unit_name, peer_group, population (the registry)
    sites: pd.DataFrame  # data.infrastructure.pipeline_sites
    history: pd.DataFrame  # data.infrastructure.pipeline_history
    fibre: pd.DataFrame  # data.infrastructure.fibre_by_unit
    unchecked: pd.DataFrame
    unchecked_count: int


def _read(engine: Engine) -> _Store:
    registry = read_units(engine)
    units = pd.DataFrame(
        {
            "unit_code": registry["code"].astype(str),
            "unit_name": registry["name"].astype(str),
            "peer_group": registry["peer_group"].astype(str),
            "population": registry["population"].astype("int64"),
        }
    )
    return _Store(
        units=units,
        sites=pipeline_sites(engine),
        history=pipeline_history(engine),
        fibre=fibre_by_unit(engine),
        unchecked=unchecked_sites(engine),
        unchecked_count=unchecked_site_count(engine),
    )


def _chosen_units(units: pd.DataFrame, filters: InfraFilters) -> pd.DataFrame:
    keep = pd.Series(True, index=units.index)
    if filters.peer_group is not None:
        keep &= units["peer_group"] == filters.peer_group
    if filters.unit_codes:
        keep &= units["unit_code"].isin(list(filters.unit_codes))
    return units[keep].reset_index(drop=True)


def _of_sites(history: pd.DataFrame, sites: pd.DataFrame) -> pd.DataFrame:
    """The history rows of ``sites`` (record order kept: it decides a day's last change)."""
    return history[history["site_id"].isin(sites["site_id"])]


# --- the board ---------------------------------------------------------------------------------


def _board(store: _Store, filters: InfraFilters) -> InfraBoard:
    as_of = filters.as_of
    chosen = _chosen_units(store.units, filters)
    codes = chosen["unit_code"].tolist()
    names = dict(zip(chosen["unit_code"], chosen["unit_name"], strict=True))

    # The sites that count: the chosen operator's, in every unit (for the durations) …
    counting = store.sites
    if filters.operator is not None:
        counting = counting[counting["operator"] == filters.operator]
    counting_history = _of_sites(store.history, counting)
    # … and those of the chosen units that exist at as_of, each with its stage then.
    now = stages_on(counting_history, as_of)
    placed = counting.merge(now, on="site_id", how="inner")
    in_units = placed[placed["unit_code"].isin(codes)]
    in_units = in_units.assign(unit_name=in_units["unit_code"].map(names))
    shown = in_units
    if filters.technology is not None:
        shown = shown[shown["technology"] == filters.technology]

    centre_sites = counting[counting["unit_code"].isin(codes)]
    # The forecasts' durations are every counted site's; the table's are the same unless a
    # technology is chosen (computed once: it is most of the board's time).
    observed = stage_durations(counting_history, as_of)
    predicted = {
        f.unit_code: f
        for f in forecasts(codes, centre_sites, counting_history, as_of, durations=observed)
    }
    people = population_covered(in_units, now)
    durations = observed
    if filters.technology is not None:
        technology_sites = counting[counting["technology"] == filters.technology]
        durations = stage_durations(_of_sites(counting_history, technology_sites), as_of)

    judged = _judged_days(as_of)
    covered_counts = _centres_covered_on(
        [BASELINE_DAY, *judged],
        centre_sites,
        counting_history[counting_history["changed_at"] <= as_of],
    )
    baseline = _pct(covered_counts[0], len(codes))
    fibre = _latest_fibre(store.fibre, as_of)
    units = _unit_rows(chosen, shown, people, fibre, predicted)
    found = _regressions(counting_history, shown, as_of)
    blocked = _blocked(shown, as_of)
    headline = _headline(
        chosen, people, shown, found, predicted, fibre, baseline, as_of, store.unchecked_count
    )
    return InfraBoard(
        as_of=as_of,
        headline=headline,
        coverage=_coverage(judged, covered_counts[1:], len(codes), baseline),
        glide_to_target=_glide_to_target(baseline),
        funnel=_funnel(shown),
        by_operator=_by_operator(shown),
        durations=pd.DataFrame(
            [
                {
                    "stage": d.stage,
                    "observed": d.observed,
                    "low": d.low,
                    "median": d.median,
                    "high": d.high,
                }
                for d in durations.values()
            ],
            columns=["stage", "observed", "low", "median", "high"],
        ),
        slowest_blocked=blocked.head(LIST_LENGTH).reset_index(drop=True),
        blocked_total=len(blocked),
        units=units,
        will_miss=_will_miss(units, as_of),
        regressions=found,
        unchecked=store.unchecked,
        sites=_site_list(shown, filters.stage),
        forecasts=predicted,
        filters=filters,
        has_sites=not store.sites.empty,
    )


def _headline(
    chosen: pd.DataFrame,
    people: pd.Series,
    shown: pd.DataFrame,
    found: pd.DataFrame,
    predicted: dict[str, UnitForecast],
    fibre: pd.DataFrame,
    baseline: float | None,
    as_of: date,
    unchecked: int,
) -> InfraHeadline:
    covered = sum(f.covered for f in predicted.values())
    covered_pct = _pct(covered, len(chosen))
    glide = None if baseline is None else glide_share(as_of, baseline)
    population = chosen["population"].to_numpy(float)
    # Sites overlap: a unit's covered people can exceed its population, so cap each unit.
    covered_people = np.minimum(
        chosen["unit_code"].map(people).fillna(0).to_numpy(float), population
    )
    with_fibre = fibre[fibre.index.isin(chosen["unit_code"])]
    households = int(with_fibre["households"].sum())
    stages = shown["stage"]
    return InfraHeadline(
        units=len(chosen),
        centres_covered=covered,
        covered_pct=covered_pct,
        baseline_pct=baseline,
        glide_pct=glide,
        gap_pts=None if covered_pct is None or glide is None else covered_pct - glide,
        sites=len(shown),
        on_air=int((stages == ON_AIR).sum()),
        blocked=int((stages == BLOCKED).sum()),
        regressed_now=found.loc[found["regressed_now"], "site_id"].nunique(),
        will_miss=sum(f.will_miss for f in predicted.values()),
        population_5g_pct=_pct(float(covered_people.sum()), float(population.sum())),
        fibre_connected_pct=_pct(int(with_fibre["households_connected"].sum()), households),
        fibre_passed_pct=_pct(int(with_fibre["households_passed"].sum()), households),
        unchecked=unchecked,
    )


# --- coverage month by month -------------------------------------------------------------------


def _judged_days(as_of: date) -> list[date]:
    """The day each month from July 2025 is judged at: its last day, as_of for as_of's month."""
    return [min(month_end(m), as_of) for m in month_range(BASELINE_DAY, as_of)]


def _centres_covered_on(
    days: Sequence[date], sites: pd.DataFrame, history: pd.DataFrame
) -> list[int]:
    """How many units' centres have 5G at the end of each of ``days``: the rule of
    :func:`~metrics.site_pipeline.centres_covered` (a 5G site serving the centre on air), read
    from each such site's on-air stretches (:func:`~metrics.site_pipeline.on_air_spells`, the
    same reading of the history as stages_on) once for every day."""
    serving = sites[(sites["technology"] == "5G") & sites["serves_centre"].astype(bool)]
    if not days:
        return []
    spells = on_air_spells(history[history["site_id"].isin(serving["site_id"])])
    unit_of = dict(zip(serving["site_id"], serving["unit_code"].astype(str), strict=True))
    unit = spells["site_id"].map(unit_of).to_numpy(object)
    start = _days64(spells["on_air_from"])
    end = _days64(spells["off_air_from"])
    end = np.where(np.isnat(end), np.datetime64("9999-12-31", "D"), end)
    judged = np.array(days, dtype="datetime64[D]")
    live = (start[None, :] <= judged[:, None]) & (judged[:, None] < end[None, :])
    return [len(set(unit[row])) for row in live]


def _coverage(
    days: list[date], covered: list[int], units: int, baseline: float | None
) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "month": [month_start(d) for d in days],
            "day": days,
            "covered": pd.Series(covered, dtype="int64"),
            "units": pd.Series([units] * len(days), dtype="int64"),
            "covered_pct": pd.Series([_pct(c, units) for c in covered], dtype=float),
            "glide_pct": pd.Series(
                [None if baseline is None else glide_share(d, baseline) for d in days],
                dtype=float,
            ),
        }
    )
    return frame.assign(gap_pts=frame["covered_pct"] - frame["glide_pct"])


def _glide_to_target(baseline: float | None) -> pd.DataFrame:
    if baseline is None:
        return pd.DataFrame({"day": [], "glide_pct": pd.Series([], dtype=float)})
    return pd.DataFrame({"day": [BASELINE_DAY, TARGET_DAY], "glide_pct": [baseline, 100.0]})


# --- the funnel and the lists ------------------------------------------------------------------


def _funnel(shown: pd.DataFrame) -> pd.DataFrame:
    counts = shown["stage"].value_counts()
    sites = [int(counts.get(stage, 0)) for stage in STAGES]
    reached = [sum(sites[i : len(PIPELINE)]) for i in range(len(PIPELINE))]
    reached.append(sites[-1])
    total = sum(sites)
    share = [100 * r / total if total else np.nan for r in reached[:-1]] + [np.nan]
    return pd.DataFrame(
        {"stage": list(STAGES), "sites": sites, "reached": reached, "reached_pct": share}
    )


def _by_operator(shown: pd.DataFrame) -> pd.DataFrame:
    counts = shown.groupby(["operator", "stage"]).size()
    operators = sorted(set(shown["operator"].astype(str)))
    grid = pd.MultiIndex.from_product([operators, list(STAGES)], names=["operator", "stage"])
    table = counts.reindex(grid, fill_value=0).rename("sites").reset_index()
    return table.astype({"sites": "int64"})


def _blocked(shown: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """The sites blocked now, blocked the longest first."""
    blocked = shown[shown["stage"] == BLOCKED]
    blocked = blocked.assign(
        days=_days_between(blocked["since"], as_of), reason=_texts(blocked["note"])
    )
    ordered = blocked.sort_values(["days", "site_code"], ascending=[False, True], kind="stable")
    return ordered[BLOCKED_COLUMNS].reset_index(drop=True)


def _site_list(shown: pd.DataFrame, stage: str | None) -> pd.DataFrame:
    sites = shown if stage is None else shown[shown["stage"] == stage]
    sites = sites.assign(note=_texts(sites["note"]))
    return sites.sort_values(["unit_code", "site_code"], kind="stable")[SITE_COLUMNS].reset_index(
        drop=True
    )


def _regressions(history: pd.DataFrame, shown: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """The regressions of ``shown``'s sites up to ``as_of``, newest first, with whether the
    site has been back at the stage it fell from (or past it) since."""
    known = _of_sites(history, shown)
    known = known[known["changed_at"] <= as_of]
    ordered = _in_order(known)
    # Only a site that stepped down between two pipeline stages can hold a regression: the
    # rule itself (site_pipeline.regressions, a loop per site) runs on those alone.
    steps = ordered[ordered["_rank"] >= 0]
    down = steps.groupby("site_id")["_rank"].diff() < 0
    candidates = set(steps.loc[down, "site_id"])
    found = regressions(known[known["site_id"].isin(candidates)])
    if found.empty:
        return pd.DataFrame(columns=REGRESSION_COLUMNS).astype({"regressed_now": bool})
    # Where each regression sits in its site's history, and the best stage reached after it.
    ordered = ordered[ordered["site_id"].isin(candidates)]
    ordered = ordered.assign(
        _from=ordered.groupby("site_id")["to_status"].shift(1),
        _best_after=_best_later_rank(ordered),
    )
    # (The same step twice in one day is matched to the later one: the one judged by less.)
    steps_taken = ordered[["site_id", "changed_at", "_from", "to_status", "_best_after"]]
    steps_taken = steps_taken.drop_duplicates(
        subset=["site_id", "changed_at", "_from", "to_status"], keep="last"
    )
    located = found.merge(
        steps_taken,
        left_on=["site_id", "changed_at", "from_stage", "to_stage"],
        right_on=["site_id", "changed_at", "_from", "to_status"],
        how="left",
    )
    regained = located["_best_after"].to_numpy(float) >= located["from_stage"].map(_RANK)
    info = shown.set_index("site_id")
    table = pd.DataFrame(
        {
            "site_id": located["site_id"].to_numpy(),
            "changed_at": located["changed_at"].to_numpy(),
            "from_stage": located["from_stage"].to_numpy(),
            "to_stage": located["to_stage"].to_numpy(),
            "note": _texts(located["note"]).reset_index(drop=True),
            "regressed_now": ~np.asarray(regained, dtype=bool),
        }
    )
    for column in ("site_code", "unit_code", "unit_name", "operator", "technology"):
        table[column] = table["site_id"].map(info[column])
    table = table.sort_values(["changed_at", "site_id"], ascending=[False, True], kind="stable")
    return table[REGRESSION_COLUMNS].reset_index(drop=True)


def _in_order(history: pd.DataFrame) -> pd.DataFrame:
    """stages_on's order: by site, then day, then record; with each change's pipeline rank
    (-1 for blocked)."""
    frame = history.reset_index(drop=True)
    frame = frame.assign(
        _record=np.arange(len(frame)),
        _rank=frame["to_status"].map(_RANK).fillna(-1).astype("int64"),
    )
    return frame.sort_values(["site_id", "changed_at", "_record"], kind="stable")


def _best_later_rank(ordered: pd.DataFrame) -> pd.Series:
    """For each change, the highest pipeline rank among its site's later changes (-1: none)."""
    backwards = ordered.iloc[::-1]
    best_from_here = backwards.groupby("site_id")["_rank"].cummax().iloc[::-1]
    return best_from_here.groupby(ordered["site_id"]).shift(-1).fillna(-1)


# --- the units ---------------------------------------------------------------------------------


def _latest_fibre(fibre: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Each unit's latest fibre month ended by the end of ``as_of``, indexed by unit_code."""
    latest_known = month_start(as_of) if as_of == month_end(as_of) else add_months(as_of, -1)
    known = fibre[fibre["month"] <= latest_known] if len(fibre) else fibre
    latest = known.sort_values(["unit_code", "month"], kind="stable").groupby("unit_code").tail(1)
    return latest.set_index("unit_code")[list(FIBRE_COUNTS)]


def _unit_rows(
    chosen: pd.DataFrame,
    shown: pd.DataFrame,
    people: pd.Series,
    fibre: pd.DataFrame,
    predicted: dict[str, UnitForecast],
) -> pd.DataFrame:
    codes = chosen["unit_code"]
    table = chosen.copy()
    table["centre_covered"] = [predicted[c].covered for c in codes]
    table["sites"] = codes.map(shown.groupby("unit_code").size()).fillna(0).astype("int64")
    on_air = shown[shown["stage"] == ON_AIR].groupby("unit_code").size()
    table["sites_on_air"] = codes.map(on_air).fillna(0).astype("int64")
    population = chosen["population"].to_numpy(float)
    covered = codes.map(people).fillna(0).to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(population > 0, np.minimum(100.0 * covered / population, 100.0), np.nan)
    table["population_5g_pct"] = share
    for column in FIBRE_COUNTS:
        table[column] = codes.map(fibre[column]).astype("Int64")
    households = table["households"].astype(float)
    for column, count in (
        ("fibre_passed_pct", "households_passed"),
        ("fibre_connected_pct", "households_connected"),
    ):
        table[column] = (100.0 * table[count].astype(float) / households).where(households > 0)
    forecast = [predicted[c] for c in codes]
    table["forecast_low"] = pd.Series([f.low for f in forecast], dtype=object)
    table["forecast_middle"] = pd.Series([f.middle for f in forecast], dtype=object)
    table["forecast_high"] = pd.Series([f.high for f in forecast], dtype=object)
    table["stage"] = pd.Series([f.stage for f in forecast], dtype=object)
    table["since"] = pd.Series([f.since for f in forecast], dtype=object)
    why = [None if f.why_none is None else f.why_none.value for f in forecast]
    table["why_none"] = pd.Series(why, dtype=object)
    table["will_miss"] = pd.Series([f.will_miss for f in forecast], dtype=bool)
    return table[UNIT_COLUMNS]


def _will_miss(units: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """The will-miss units, stuck the longest first (no stage to be stuck in: last)."""
    missing = units[units["will_miss"]]
    missing = missing.assign(days_stuck=_days_between(missing["since"], as_of))
    ordered = missing.sort_values(
        ["days_stuck", "unit_code"], ascending=[False, True], na_position="last", kind="stable"
    )
    return ordered[WILL_MISS_COLUMNS].reset_index(drop=True)


# --- small helpers -----------------------------------------------------------------------------


def _pct(part: float, whole: float) -> float | None:
    return 100.0 * part / whole if whole else None


def _days64(days: pd.Series) -> np.ndarray:
    return pd.to_datetime(days).to_numpy(dtype="datetime64[D]")


def _days_between(since: pd.Series, as_of: date) -> pd.Series:
    """as_of − since in whole days (NA where since is missing)."""
    start = pd.to_datetime(since)
    return (pd.Timestamp(as_of) - start).dt.days.astype("Int64")


def _texts(values: pd.Series) -> pd.Series:
    """Notes as text, None where there is none (not NaN: pandas' str dtype would make it so)."""
    return pd.Series(
        [None if pd.isna(v) else str(v) for v in values], index=values.index, dtype=object
    )


def _number(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)
