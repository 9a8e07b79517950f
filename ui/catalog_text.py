"""The catalog and scoring rules put into words (translated) for the methodology page."""

from __future__ import annotations

import pandas as pd

from data.registry import load_departments
from metrics.api import Stability
from metrics.bands import DISPLAY_ORDER
from metrics.catalog import Catalog, Direction, Document, Indicator, RuleType, Source
from metrics.rule_changes import RuleChanges
from metrics.stability import ScenarioShift
from ui.text import current_language, day, num, rank_text, t


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


def document_name(document: Document) -> str:
    """How a citation names a document: "KH 01-KH/BCĐ ngày 11/07/2025 của …", and says so
    when its number or date could not be checked."""
    lang = current_language()
    issuer = document.issuer_short or document.issuer
    values = {"short": document.short.in_language(lang), "issuer": issuer.in_language(lang)}
    if document.date is None:
        name = t("citation.undated", **values)
    else:
        name = t("citation.dated", date=day(document.date), **values)
    return name if document.verified else f"{name} {t('citation.unverified')}"


def citation(source: Source) -> str:
    """One source of an indicator: the document, the article when known, what it supports."""
    text = document_name(source.document)
    if source.article:
        text = t("citation.article", citation=text, article=source.article)
    if source.what is not None:
        text = t("citation.what", citation=text, what=source.what.in_language(current_language()))
    return text


def citations(indicator: Indicator) -> str:
    """All of an indicator's sources; the free text of a catalog without documents."""
    if not indicator.sources:
        return indicator.source
    return "; ".join(citation(source) for source in indicator.sources)


def target_basis_text(indicator: Indicator) -> str:
    if indicator.target_basis is None:
        return ""
    return t(f"target_basis.{indicator.target_basis.value}")


def _number_text(value: float) -> str:
    return num(value, 2 if value % 1 else 0)


def catalog_table(catalog: Catalog, pillar: str | None = None) -> pd.DataFrame:
    """The catalog as the rows of a DTI indicator sheet (STT = its number in the catalog), in
    the reader's language: no internal keys or department codes. The sources are in
    :func:`provenance_table`, where a citation has the width to be read."""
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
            t("catalog.col.target"): _number_text(i.target),
            t("catalog.col.target_basis"): target_basis_text(i),
            t("catalog.col.max_points"): num(i.max_points, 2 if i.max_points % 1 else 0),
            t("catalog.col.rule"): describe_rule(i)
            + (" " + t("rule.year_to_date") if i.basis.value == "year_to_date" else ""),
            t("catalog.col.source_type"): t(f"source_type.{i.source_type.value}"),
            t("catalog.col.evidence"): i.evidence.in_language(lang),
            t("catalog.col.verifier"): verifiers.get(i.verifier, i.verifier),
            t("catalog.col.frequency"): t(f"frequency.{i.frequency.value}"),
        }
        for number, i in enumerate(catalog.indicators, start=1)
        if pillar is None or i.pillar == pillar
    ]
    return pd.DataFrame(rows)


def provenance_table(catalog: Catalog, pillar: str | None = None) -> pd.DataFrame:
    """Per indicator (numbered as in the sheet): its target, who set it, and its citations."""
    lang = current_language()
    rows = [
        {
            t("catalog.col.number"): number,
            t("catalog.col.indicator"): i.label.in_language(lang),
            t("catalog.col.target"): _number_text(i.target),
            t("catalog.col.target_basis"): target_basis_text(i),
            t("catalog.col.source"): citations(i),
        }
        for number, i in enumerate(catalog.indicators, start=1)
        if pillar is None or i.pillar == pillar
    ]
    return pd.DataFrame(rows)


def _checked_text(document: Document) -> str:
    text = t("document.verified" if document.verified else "document.unverified")
    return f"{text} · {t('document.comparison_only')}" if document.comparison_only else text


def documents_table(catalog: Catalog) -> pd.DataFrame:
    """The documents the catalog cites, as a reader would look them up."""
    lang = current_language()
    unknown = t("document.unknown")
    return pd.DataFrame(
        [
            {
                t("document.col.number"): d.number or unknown,
                t("document.col.date"): day(d.date) if d.date else unknown,
                t("document.col.issuer"): d.issuer.in_language(lang),
                t("document.col.title"): d.title.in_language(lang),
                t("document.col.checked"): _checked_text(d),
                t("document.col.note"): d.note.in_language(lang) if d.note else "",
            }
            for d in catalog.documents
        ]
    )


def pillar_table(catalog: Catalog) -> pd.DataFrame:
    """Each pillar's weight, who chose it, and the provincial DTI's weight beside it."""
    lang = current_language()
    return pd.DataFrame(
        [
            {
                t("catalog.col.pillar"): p.label.in_language(lang),
                t("catalog.col.weight"): num(p.weight),
                t("catalog.col.weight_basis"): (
                    t(f"weight_basis.{p.weight_basis.value}") if p.weight_basis else ""
                ),
                t("catalog.col.dti_922_weight"): (
                    "" if p.dti_922_weight is None else num(p.dti_922_weight)
                ),
                t("catalog.col.indicators"): num(
                    sum(1 for i in catalog.scored if i.pillar == p.key)
                ),
            }
            for p in catalog.pillars
        ]
    )


def shifts_table(shifts: list[ScenarioShift]) -> pd.DataFrame:
    """Per compared weighting: units changing band, median and largest change of rank."""
    lang = current_language()
    return pd.DataFrame(
        [
            {
                t("shift.col.scenario"): s.label.in_language(lang),
                t("shift.col.band_changes"): t(
                    "shift.band_changes", changed=num(s.band_changes), units=num(s.units)
                ),
                t("shift.col.median"): num(
                    s.median_rank_change, 1 if s.median_rank_change % 1 else 0
                ),
                t("shift.col.max"): num(s.max_rank_change),
            }
            for s in shifts
        ]
    )


def rule_change_table(changes: RuleChanges) -> pd.DataFrame:
    """Units per band (and the median composite) before → after the rule change."""
    rows = [
        {
            t("rule_change.col.band"): t(f"band.{band}"),
            t("rule_change.col.before"): num(changes.before.counts[band]),
            t("rule_change.col.after"): num(changes.after.counts[band]),
        }
        for band in DISPLAY_ORDER
    ]
    rows.append(
        {
            t("rule_change.col.band"): t("rule_change.median"),
            t("rule_change.col.before"): num(changes.before.median, 1),
            t("rule_change.col.after"): num(changes.after.median, 1),
        }
    )
    return pd.DataFrame(rows)


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
