"""The catalog and scoring rules put into words (translated) for the methodology page."""

from __future__ import annotations

import pandas as pd

from data.registry import load_departments
from metrics.api import Stability
from metrics.catalog import Catalog, Direction, Indicator, RuleType
from ui.text import current_language, num, rank_text, t


def describe_rule(indicator: Indicator) -> str:
    """One line a reader can check a score against, e.g. "4 × value / 80 (at most 4)"."""
    max_points = num(indicator.max_points, 2 if indicator.max_points % 1 else 0)
    if not indicator.scored:
        return t("rule.tracked")
    if indicator.rule.type is RuleType.FLAG:
        return t("rule.flag", max=max_points)
    if indicator.rule.type is RuleType.STEP:
        key = "rule.step_higher" if indicator.direction is Direction.HIGHER else "rule.step_lower"
        steps = "; ".join(
            t(key, at=num(step.at, 2 if step.at % 1 else 0), points=num(step.points, 2))
            for step in indicator.rule.steps
        )
        return t("rule.step", steps=steps)
    if indicator.direction is Direction.HIGHER:
        return t("rule.ratio_higher", max=max_points, target=num(indicator.target, 1))
    return t(
        "rule.ratio_lower",
        max=max_points,
        target=num(indicator.target, 1),
        worst=num(indicator.worst, 1),
    )


def department_names(language: str) -> dict[str, str]:
    """Department code (as the catalog's verifier field holds it) → its short name."""
    return {d.code: d.short_vi if language == "vi" else d.short_en for d in load_departments()}


def catalog_table(catalog: Catalog, pillar: str | None = None) -> pd.DataFrame:
    """The catalog as the rows of a DTI indicator sheet (STT = its number in the catalog), in
    the reader's language: no internal keys or department codes."""
    lang = current_language()
    pillar_labels = {p.key: p.label.in_language(lang) for p in catalog.pillars}
    verifiers = department_names(lang)
    rows = [
        {
            t("catalog.col.number"): number,
            t("catalog.col.indicator"): i.label.in_language(lang),
            t("catalog.col.pillar"): pillar_labels[i.pillar],
            t("catalog.col.definition"): i.definition.in_language(lang),
            t("catalog.col.direction"): t(f"direction.{i.direction.value}"),
            t("catalog.col.target"): num(i.target, 2 if i.target % 1 else 0),
            t("catalog.col.max_points"): num(i.max_points, 2 if i.max_points % 1 else 0),
            t("catalog.col.rule"): describe_rule(i)
            + (" " + t("rule.year_to_date") if i.basis.value == "year_to_date" else ""),
            t("catalog.col.source_type"): t(f"source_type.{i.source_type.value}"),
            t("catalog.col.evidence"): i.evidence.in_language(lang),
            t("catalog.col.verifier"): verifiers.get(i.verifier, i.verifier),
            t("catalog.col.frequency"): t(f"frequency.{i.frequency.value}"),
            t("catalog.col.source"): i.source,
        }
        for number, i in enumerate(catalog.indicators, start=1)
        if pillar is None or i.pillar == pillar
    ]
    return pd.DataFrame(rows)


def pillar_table(catalog: Catalog) -> pd.DataFrame:
    lang = current_language()
    return pd.DataFrame(
        [
            {
                t("catalog.col.pillar"): p.label.in_language(lang),
                t("catalog.col.weight"): num(p.weight),
                t("catalog.col.indicators"): num(
                    sum(1 for i in catalog.scored if i.pillar == p.key)
                ),
            }
            for p in catalog.pillars
        ]
    )


def stability_table(result: Stability, units: pd.DataFrame, rows: int = 15) -> pd.DataFrame:
    """The units whose rank moves most under the alternative weightings, least stable first."""
    names = units.set_index("code")["full_name"]
    frame = result.units.sort_values(["rank_range", "baseline_rank"], ascending=[False, True])
    frame = frame.head(rows)
    out_of = len(result.units)  # every coloured unit is ranked in each weighting
    return pd.DataFrame(
        {
            t("stability.col.unit"): frame["unit_code"].map(names),
            t("stability.col.rank"): frame["baseline_rank"].map(lambda v: rank_text(v, out_of)),
            t("stability.col.best"): frame["best_rank"].map(lambda v: rank_text(v, out_of)),
            t("stability.col.worst"): frame["worst_rank"].map(lambda v: rank_text(v, out_of)),
            t("stability.col.band"): frame["band"].map(lambda b: t(f"band.{b}")),
            t("stability.col.band_changes"): frame["scenarios_with_band_change"].map(
                lambda v: num(v)
            ),
        }
    )
