"""How much a unit's rank and band depend on the pillar weights (pure functions).

The OECD/JRC handbook asks a composite indicator to show how stable its ranking is under
reasonable alternative weights. Here the pillar shares stay exactly as scored; only the weights
that combine them into the composite change (``scoring.composite_from_pillars`` with the
scenario's weights), and the band is taken again by the same rules (``scoring.unit_band``): the
grey rule (coverage, freshness) and the non-compensatory rule (no green while a pillar is red,
by the pillar's own share) do not depend on the weights and are kept as they are — a pillar
left out of the composite still blocks green when it is red.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from metrics.bands import Band
from metrics.catalog import Catalog, Text
from metrics.scoring import PeriodScores, composite_from_pillars, unit_band

BASELINE = "baseline"
EQUAL = "equal"
DTI_922 = "dti_922"  # the provincial DTI's pillar weights (Decision 922/QĐ-BTTTT)
# Composites are rounded to this many decimals before they are ranked and banded, so that two
# units with the same composite by hand tie even when float sums differ in the last bit
# (e.g. 50 × 4.8 + 50 × 4 over 8.8 is 49.99999999999999 in floats, and would be red).
DECIMALS = 9
STEP = 0.2  # each pillar's weight is moved down and up by this share


@dataclass(frozen=True)
class Scenario:
    """An alternative set of pillar weights: a stable key, a label and the weights."""

    key: str
    label: Text
    weights: dict[str, float]


@dataclass(frozen=True)
class ScenarioShift:
    """How far one alternative weighting moves the ranked units from the province's weights."""

    key: str
    label: Text
    units: int  # units ranked (not grey)
    band_changes: int  # units whose band differs from the scored one
    median_rank_change: float  # of |scenario rank − baseline rank|
    max_rank_change: int


@dataclass(frozen=True)
class StabilitySummary:
    units: int  # units ranked (not grey)
    median_rank_range: float
    max_rank_range: int
    share_band_stable: float  # share of ranked units whose band is the same in every scenario


def alternative_weightings(catalog: Catalog) -> list[Scenario]:
    """Equal weights; the provincial DTI's weights when the catalog gives them; each pillar's
    weight × 0.8 and × 1.2 (the others unchanged); each pillar left out (weight 0). Keys:
    ``equal``, ``dti_922``, ``<pillar>-20``, ``<pillar>+20``, ``without:<pillar>``.
    """
    base = {p.key: p.weight for p in catalog.pillars}
    equal = catalog.total_points / len(catalog.pillars)
    scenarios = [
        Scenario(EQUAL, Text("Trọng số bằng nhau", "Equal weights"), dict.fromkeys(base, equal))
    ]
    dti = catalog.dti_922_weights
    if dti is not None:
        label = Text("Trọng số DTI cấp tỉnh (QĐ 922)", "Provincial DTI weights (Decision 922)")
        scenarios.append(Scenario(DTI_922, label, dti))
    percent = round(STEP * 100)
    for pillar in catalog.pillars:
        for sign, factor in (("-", 1 - STEP), ("+", 1 + STEP)):
            label = Text(
                f"{pillar.label.vi}: trọng số {sign}{percent}%",
                f"{pillar.label.en}: weight {sign}{percent}%",
            )
            weights = base | {pillar.key: round(pillar.weight * factor, DECIMALS)}
            scenarios.append(Scenario(f"{pillar.key}{sign}{percent}", label, weights))
    for pillar in catalog.pillars:
        label = Text(f"Không tính trụ cột {pillar.label.vi}", f"Without {pillar.label.en}")
        scenarios.append(Scenario(f"without:{pillar.key}", label, base | {pillar.key: 0.0}))
    return scenarios


def _ranks(composite: pd.Series) -> pd.Series:
    """1 = best; equal composites share the smallest rank; a unit left with no composite (no
    pillar with data and weight) ranks last."""
    return (
        composite.round(DECIMALS)
        .rank(method="min", ascending=False, na_option="bottom")
        .astype(int)
    )


def scenario_ranks(
    scores: PeriodScores, catalog: Catalog, scenarios: list[Scenario] | None = None
) -> pd.DataFrame:
    """One row per ranked unit × scenario (the first being ``baseline``): unit_code, scenario,
    composite (rounded to ``DECIMALS``), rank, band. Grey units are not ranked. The baseline
    band is the scored one; a scenario's band follows from its composite by ``unit_band``."""
    scenarios = alternative_weightings(catalog) if scenarios is None else scenarios
    units = scores.units[scores.units["band"] != Band.GREY].set_index("unit_code")
    if units.empty:
        return pd.DataFrame(columns=["unit_code", "scenario", "composite", "rank", "band"])
    pillars = scores.pillars[scores.pillars["unit_code"].isin(units.index)]
    pillar_bands = pillars.groupby("unit_code")["band"].agg(list)
    frames = [_scenario_frame(BASELINE, units["composite"].round(DECIMALS), units["band"])]
    for scenario in scenarios:
        composite = composite_from_pillars(pillars, scenario.weights).reindex(units.index)
        composite = composite.round(DECIMALS)
        bands = [
            unit_band(value, pillar_bands.get(code, []), coverage, age, catalog.bands)
            for code, value, coverage, age in zip(
                composite.index,
                composite.to_numpy(dtype=float),
                units["coverage"].to_numpy(dtype=float),
                units["days_since_update"].to_numpy(dtype=float),
                strict=True,
            )
        ]
        frames.append(_scenario_frame(scenario.key, composite, bands))
    return pd.concat(frames, ignore_index=True)


def _scenario_frame(key: str, composite: pd.Series, bands: Iterable[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "unit_code": composite.index.astype(str),
            "scenario": key,
            "composite": composite.to_numpy(dtype=float),
            "rank": _ranks(composite).to_numpy(),
            "band": list(bands),
        }
    )


def rank_stability(
    scores: PeriodScores, catalog: Catalog, scenarios: list[Scenario] | None = None
) -> pd.DataFrame:
    """Per ranked (non-grey) unit: unit_code, baseline_rank, best_rank, worst_rank, rank_range
    (worst − best, over the baseline and every scenario), band (the scored one), band_changes
    (the band differs in any scenario) and scenarios_with_band_change. Sorted by baseline rank.
    """
    long = scenario_ranks(scores, catalog, scenarios)
    columns = [
        "unit_code",
        "baseline_rank",
        "best_rank",
        "worst_rank",
        "rank_range",
        "band",
        "band_changes",
        "scenarios_with_band_change",
    ]
    if long.empty:
        return pd.DataFrame(columns=columns)
    baseline = long[long["scenario"] == BASELINE].set_index("unit_code")
    others = long[long["scenario"] != BASELINE]
    changed = others["band"].to_numpy() != baseline.loc[others["unit_code"], "band"].to_numpy()
    per_unit = long.groupby("unit_code")["rank"].agg(best_rank="min", worst_rank="max")
    frame = baseline[["rank", "band"]].rename(columns={"rank": "baseline_rank"}).join(per_unit)
    frame["rank_range"] = frame["worst_rank"] - frame["best_rank"]
    counts = pd.Series(changed, index=others["unit_code"]).groupby(level=0).sum()
    frame["scenarios_with_band_change"] = counts.reindex(frame.index, fill_value=0).astype(int)
    frame["band_changes"] = frame["scenarios_with_band_change"] > 0
    frame = frame.reset_index().sort_values(["baseline_rank", "unit_code"], ignore_index=True)
    return frame[columns]


def stability_summary(stability: pd.DataFrame) -> StabilitySummary:
    """Median and largest rank range, and the share of units whose band never changes, from a
    :func:`rank_stability` frame (NaN when no unit is ranked)."""
    if stability.empty:
        return StabilitySummary(0, float("nan"), 0, float("nan"))
    return StabilitySummary(
        units=len(stability),
        median_rank_range=float(stability["rank_range"].median()),
        max_rank_range=int(stability["rank_range"].max()),
        share_band_stable=float((~stability["band_changes"].astype(bool)).mean()),
    )


def scenario_shifts(
    scores: PeriodScores, catalog: Catalog, scenarios: list[Scenario]
) -> list[ScenarioShift]:
    """For each of ``scenarios``: how many ranked units change band against the scored one, and
    the median and largest change of rank against the province's weights."""
    long = scenario_ranks(scores, catalog, scenarios)
    if long.empty:
        return [ScenarioShift(s.key, s.label, 0, 0, float("nan"), 0) for s in scenarios]
    baseline = long[long["scenario"] == BASELINE].set_index("unit_code")
    shifts = []
    for scenario in scenarios:
        rows = long[long["scenario"] == scenario.key].set_index("unit_code")
        change = (rows["rank"] - baseline.loc[rows.index, "rank"]).abs()
        changed_band = rows["band"] != baseline.loc[rows.index, "band"]
        shifts.append(
            ScenarioShift(
                key=scenario.key,
                label=scenario.label,
                units=len(rows),
                band_changes=int(changed_band.sum()),
                median_rank_change=float(change.median()),
                max_rank_change=int(change.max()),
            )
        )
    return shifts


def compared_weightings(scenarios: list[Scenario]) -> list[Scenario]:
    """The weightings set beside the province's on the methodology page: equal and the DTI's."""
    return [s for s in scenarios if s.key in (EQUAL, DTI_922)]
