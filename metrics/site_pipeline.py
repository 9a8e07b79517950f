"""The 5G rollout's rules: each site's stage at a day, which unit centres have 5G, the straight
glide path to the 2030 target, how long each stage takes, and when each unit's centre will get 5G.

Pure functions on frames; the sites and their dated history come from ``data.infrastructure``.
One computation for the page, the dossier's block and the score's indicators.

**A site's stage on day d** is the ``to_status`` of its last change dated on or before d (a
change counts from its own day: sites are tracked by the day). Two changes on one day: the later
record wins. A site with no change by d does not exist yet on d.

**A regression** is a change that moves a site back along the pipeline (on air → planned, say;
from ``blocked`` nothing is a regression, since blocked has no place in the order). Regressions
are accepted only with a reason (the change's note) and are listed as such.

**A unit's centre has 5G on d** when at least one 5G site serving its centre (the People's
Committee headquarters) is on air on d.

**The glide path** is a straight line from the covered share on the baseline day (1 July 2025,
the day the 102 units came into being) to 100 % on the target day (31 December 2030).

**Stage durations** are observed from the history: the days a site spent in a stage, counted
when it moved on to a later stage of the pipeline (time in a stage that ended in a block or a
regression, or that has not ended, is not a duration of that stage). Each stage has a median and
a quartile range over the observed sites.

**The forecast for a unit** whose centre has no 5G yet, from its 5G sites serving the centre:
for each such site not blocked, the days still to go are, for the stage it is in, what the
stage's duration has left beyond the days already spent in it (at least 0), plus the whole
duration of each later stage before on air; the low, middle and high estimates use the first
quartile, the median and the third quartile of every stage, rounded up to whole days. The unit's
forecast is its site with the earliest middle estimate. It has no forecast when the unit has no
such site, when every such site is blocked, or when a stage still ahead has no observed
duration.

**Will miss 2030** unless something changes: no forecast (no site, or all blocked), or a middle
estimate after the target day.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

import numpy as np
import pandas as pd

from common.site_stages import BLOCKED, ON_AIR, PIPELINE

BASELINE_DAY = date(2025, 7, 1)
TARGET_DAY = date(2030, 12, 31)
_ORDER = {stage: i for i, stage in enumerate(PIPELINE)}


class NoForecast(StrEnum):
    """Why a unit whose centre has no 5G gets no forecast date."""

    NO_SITE = "no_site"  # no 5G site serving its centre is in the pipeline
    ALL_BLOCKED = "all_blocked"  # every such site is blocked
    NO_OBSERVATIONS = "no_observations"  # a stage still ahead has never been seen to end


def _ordered(history: pd.DataFrame) -> pd.DataFrame:
    """The history by site, then day, then record order (the later record of a day wins)."""
    frame = history.reset_index(drop=True)
    frame = frame.assign(_record=np.arange(len(frame)))
    return frame.sort_values(["site_id", "changed_at", "_record"], kind="stable")


def stages_on(history: pd.DataFrame, day: date) -> pd.DataFrame:
    """Each site's stage on ``day``. ``history``: site_id, changed_at (date), to_status, note.

    Returns site_id, stage, since (the day of the change that put it there), note (that change's
    note: a blocked site's reason). Sites with no change by ``day`` are absent."""
    known = _ordered(history[history["changed_at"] <= day])
    last = known.groupby("site_id", sort=True).tail(1)
    return pd.DataFrame(
        {
            "site_id": last["site_id"].to_numpy(),
            "stage": last["to_status"].to_numpy(),
            "since": last["changed_at"].to_numpy(),
            "note": last["note"].to_numpy(),
        }
    ).reset_index(drop=True)


def on_air_spells(history: pd.DataFrame) -> pd.DataFrame:
    """Each stretch of days a site was on air: site_id, on_air_from (the day it went on air),
    off_air_from (the day a change took it off again; NaT while still on air). The same reading
    of the history as :func:`stages_on` — a change counts from its own day, the later record of
    a day wins — so a site is on air on day d exactly when on_air_from ≤ d < off_air_from."""
    ordered = _ordered(history)
    days = ordered.groupby(["site_id", "changed_at"], sort=False).tail(1)
    on = (days["to_status"] == ON_AIR).to_numpy()
    site = days["site_id"].to_numpy()
    same_site = np.r_[False, site[1:] == site[:-1]]
    was_on = np.r_[False, on[:-1]] & same_site
    starts = days.loc[on & ~was_on, ["site_id", "changed_at"]]
    ends = days.loc[~on & was_on, ["site_id", "changed_at"]]
    # On and off alternate within a site: the k-th end closes the k-th stretch.
    starts = starts.assign(k=starts.groupby("site_id").cumcount())
    ends = ends.assign(k=ends.groupby("site_id").cumcount())
    spells = starts.merge(ends, on=["site_id", "k"], how="left", suffixes=("", "_off"))
    return pd.DataFrame(
        {
            "site_id": spells["site_id"].to_numpy(),
            "on_air_from": spells["changed_at"].to_numpy(),
            "off_air_from": spells["changed_at_off"].to_numpy(),
        }
    )


def regressions(history: pd.DataFrame) -> pd.DataFrame:
    """Every change that moved a site back along the pipeline: site_id, changed_at, from_stage,
    to_stage, note (the reason given; None when none was)."""
    rows = []
    for site_id, changes in _ordered(history).groupby("site_id", sort=True):
        previous: str | None = None
        for changed_at, stage, note in zip(
            changes["changed_at"], changes["to_status"], changes["note"], strict=True
        ):
            if previous in _ORDER and stage in _ORDER and _ORDER[stage] < _ORDER[previous]:
                rows.append((site_id, changed_at, previous, stage, _text(note)))
            previous = stage
    return pd.DataFrame(rows, columns=["site_id", "changed_at", "from_stage", "to_stage", "note"])


def centres_covered(sites: pd.DataFrame, stages: pd.DataFrame) -> set[str]:
    """The units whose centre has 5G: a 5G site serving the centre on air. ``sites``: site_id,
    unit_code, technology, serves_centre; ``stages``: from :func:`stages_on`."""
    on_air = set(stages.loc[stages["stage"] == ON_AIR, "site_id"])
    serving = _centre_5g(sites)
    return set(serving.loc[serving["site_id"].isin(on_air), "unit_code"].astype(str))


def population_covered(sites: pd.DataFrame, stages: pd.DataFrame) -> pd.Series:
    """People covered by each unit's 5G sites on air (by unit_code; units with none absent).
    ``sites``: site_id, unit_code, technology, population_covered; ``stages``: from
    :func:`stages_on`. Sites overlap, so the sum can exceed the population: whoever shows a
    share caps it at 100 %."""
    on_air = set(stages.loc[stages["stage"] == ON_AIR, "site_id"])
    live = sites[(sites["technology"] == "5G") & sites["site_id"].isin(on_air)]
    return live.groupby(live["unit_code"].astype(str))["population_covered"].sum()


def glide_share(day: date, baseline_share: float) -> float:
    """The glide path's share (0–100) on ``day``: a straight line from ``baseline_share`` on the
    baseline day to 100 on the target day, flat before and after."""
    span = (TARGET_DAY - BASELINE_DAY).days
    done = min(max((day - BASELINE_DAY).days, 0), span) / span
    return baseline_share + (100.0 - baseline_share) * done


@dataclass(frozen=True)
class StageDuration:
    """Days spent in one stage by the sites seen to leave it for a later one."""

    stage: str
    observed: int
    low: float | None  # first quartile
    median: float | None
    high: float | None  # third quartile


def stage_durations(history: pd.DataFrame, day: date) -> dict[str, StageDuration]:
    """Each stage before on air: the days a site spent in it, counted when the site moved on to
    a later stage on or before ``day``."""
    ordered = _ordered(history[history["changed_at"] <= day])
    site = ordered["site_id"].to_numpy()
    rank = ordered["to_status"].map(_ORDER).fillna(-1).to_numpy(dtype=int)  # blocked: -1
    days = pd.to_datetime(ordered["changed_at"]).to_numpy()
    # Consecutive changes of one site where the first is a stage before on air and the second
    # a later stage of the pipeline: the days between are a duration of the first's stage.
    moved_on = (site[1:] == site[:-1]) & (rank[:-1] >= 0) & (rank[1:] > rank[:-1])
    elapsed = ((days[1:] - days[:-1]) // np.timedelta64(1, "D")).astype(int)
    spent: dict[str, list[int]] = {stage: [] for stage in PIPELINE[:-1]}
    for stage_rank, days_spent in zip(rank[:-1][moved_on], elapsed[moved_on], strict=True):
        spent[PIPELINE[stage_rank]].append(int(days_spent))
    durations = {}
    for stage, values in spent.items():
        if values:
            low, median, high = np.percentile(values, [25, 50, 75])
            durations[stage] = StageDuration(
                stage, len(values), float(low), float(median), float(high)
            )
        else:
            durations[stage] = StageDuration(stage, 0, None, None, None)
    return durations


@dataclass(frozen=True)
class UnitForecast:
    """When a unit's centre gets 5G: covered already, a dated range, or why there is none."""

    unit_code: str
    covered: bool
    low: date | None = None
    middle: date | None = None
    high: date | None = None
    site_id: int | None = None  # the site the forecast follows
    stage: str | None = None  # that site's stage now (or the blocked stage of a stuck unit)
    since: date | None = None  # …since this day
    why_none: NoForecast | None = None

    @property
    def will_miss(self) -> bool:
        """Will the centre still lack 5G on the target day unless something changes?"""
        if self.covered:
            return False
        return self.middle is None or self.middle > TARGET_DAY


def forecasts(
    units: Iterable[str],
    sites: pd.DataFrame,
    history: pd.DataFrame,
    day: date,
    durations: dict[str, StageDuration] | None = None,
) -> list[UnitForecast]:
    """One forecast per unit in ``units``, judged on ``day`` with the durations observed by then
    (``durations``: :func:`stage_durations` of the same history and day, when the caller has
    them already). ``sites``: site_id, unit_code, technology, serves_centre; ``history``: as in
    :func:`stages_on`."""
    stages = stages_on(history, day)
    where: dict[int, tuple[str, date]] = {
        int(site): (str(stage), since)
        for site, stage, since in zip(
            stages["site_id"], stages["stage"], stages["since"], strict=True
        )
    }
    durations = durations if durations is not None else stage_durations(history, day)
    covered = centres_covered(sites, stages)
    serving = _centre_5g(sites)
    by_unit: dict[str, list[int]] = {}
    for site, unit in zip(serving["site_id"], serving["unit_code"].astype(str), strict=True):
        by_unit.setdefault(unit, []).append(int(site))
    result = []
    for unit in units:
        if unit in covered:
            result.append(UnitForecast(unit, covered=True))
            continue
        candidates = {s: where[s] for s in by_unit.get(unit, []) if s in where}
        result.append(_unit_forecast(unit, candidates, durations, day))
    return result


def _unit_forecast(
    unit: str,
    candidates: dict[int, tuple[str, date]],
    durations: dict[str, StageDuration],
    day: date,
) -> UnitForecast:
    """``candidates``: the unit's 5G centre sites in the pipeline, each with (stage, since)."""
    if not candidates:
        return UnitForecast(unit, covered=False, why_none=NoForecast.NO_SITE)
    moving = {s: at for s, at in candidates.items() if at[0] != BLOCKED}
    if not moving:
        # Stuck: the site blocked the longest shows where and since when.
        site = min(candidates, key=lambda s: (candidates[s][1], s))
        return _without_date(unit, site, candidates[site], NoForecast.ALL_BLOCKED)
    estimates = []
    for site, (stage, since) in moving.items():
        left = _days_left(stage, (day - since).days, durations)
        if left is not None:
            estimates.append((left[1], site, left))
    if not estimates:
        site = min(moving)
        return _without_date(unit, site, moving[site], NoForecast.NO_OBSERVATIONS)
    _, site, (low, middle, high) = min(estimates)
    stage, since = moving[site]
    return UnitForecast(
        unit,
        covered=False,
        low=day + timedelta(days=math.ceil(low)),
        middle=day + timedelta(days=math.ceil(middle)),
        high=day + timedelta(days=math.ceil(high)),
        site_id=site,
        stage=stage,
        since=since,
    )


def _without_date(unit: str, site: int, at: tuple[str, date], why: NoForecast) -> UnitForecast:
    return UnitForecast(unit, covered=False, site_id=site, stage=at[0], since=at[1], why_none=why)


def _days_left(
    stage: str, spent: int, durations: dict[str, StageDuration]
) -> tuple[float, float, float] | None:
    """(low, middle, high) days until on air for a site ``spent`` days into ``stage``."""
    ahead = PIPELINE[_ORDER[stage] : -1]
    if any(durations[s].median is None for s in ahead):
        return None
    totals = []
    for pick in ("low", "median", "high"):
        first = max(getattr(durations[stage], pick) - spent, 0.0)
        totals.append(first + sum(getattr(durations[s], pick) for s in ahead[1:]))
    return totals[0], totals[1], totals[2]


def _centre_5g(sites: pd.DataFrame) -> pd.DataFrame:
    return sites[(sites["technology"] == "5G") & sites["serves_centre"].astype(bool)]


def _text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    return str(value)
