"""Published results: freeze a month's scores with everything that produced them, re-score them.

A published month keeps its scores, bands and ranks, the measures rows its scoring read (with
their evidence references), the catalog (YAML text, sha256 and version) and the data version.
Later data change only the stored snapshots, i.e. the *provisional* figure shown beside the
published one. Re-scoring runs the real scoring function (``score_period``) on the frozen inputs
under the frozen catalog, so it checks the published figures whatever the rules of the day are;
publishing itself refuses a month whose stored scores its own frozen inputs do not reproduce.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from sqlalchemy import Engine

from common.periods import FIRST_PERIOD, months_before
from data.publication import (
    INDICATOR_COLUMNS,
    PILLAR_COLUMNS,
    UNIT_COLUMNS,
    AlreadyPublished,
    PublicationHeader,
    PublishedTables,
    published_periods,
    read_publication,
    read_publication_header,
    read_publications,
    read_published_indicators,
    read_published_units,
    write_publication,
)
from data.queries import (
    read_indicator_snapshots,
    read_pillar_snapshots,
    read_snapshot_periods,
    read_unit_snapshots,
    snapshot_state,
)
from metrics.api import rank_denominators
from metrics.catalog import CATALOG_FILE, Catalog, parse_catalog
from metrics.scoring import PeriodScores, score_period
from metrics.snapshots import add_ranks, all_measures, refresh_snapshots

__all__ = [
    "AlreadyPublished",
    "NotPublished",
    "NotReproducible",
    "PublishResult",
    "PublishedBeside",
    "PublishedIndicators",
    "ScoresBusy",
    "UnknownPeriod",
    "VerifyResult",
    "differences",
    "publications",
    "publish_period",
    "publishable_months",
    "published_beside_current",
    "published_months",
    "published_scorecard",
    "published_unit_indicators",
    "published_vs_current",
    "rescore",
    "verify_period",
]

TOLERANCE = 1e-9  # scores are rounded to 9 decimals before they meet a threshold
TIME_COLUMNS = {"last_update", "value_period", "reported_at"}
KEYS = {
    "units": ["unit_code"],
    "pillars": ["unit_code", "pillar"],
    "indicators": ["unit_code", "indicator_key"],
}


class UnknownPeriod(LookupError):
    """A month with no stored scores: nothing to publish."""


class NotPublished(LookupError):
    """A month that was never published: nothing to verify."""


class ScoresBusy(RuntimeError):
    """Another process kept computing the scores for too long: try again later."""


class NotReproducible(RuntimeError):
    """The stored scores are not what the frozen inputs give: publishing them would freeze
    figures nobody could re-derive."""

    def __init__(self, period: date, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(f"{period:%m/%Y}: {len(problems)} difference(s); first: {problems[:3]}")


@dataclass(frozen=True)
class PublishResult:
    period: date
    units: int
    inputs: int
    catalog_version: str
    catalog_hash: str
    data_version: int


@dataclass(frozen=True)
class VerifyResult:
    period: date
    identical: bool
    catalog_intact: bool  # the frozen catalog text still has its frozen hash
    problems: list[str]
    units: int


def catalog_text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def catalog_from_text(text: str) -> Catalog:
    return parse_catalog(yaml.safe_load(text) or {}, source="published catalog")


# --- re-scoring from frozen inputs ---------------------------------------------------------------


def rescore(
    inputs: pd.DataFrame, catalog: Catalog, units: pd.DataFrame, period: date
) -> PeriodScores:
    """``period`` scored as the snapshots score it: its own scores, ranked, with the change on
    the month before (scored from the same inputs; none before the first month)."""
    ordered = units.sort_values("unit_code")
    codes = ordered["unit_code"].tolist()
    peers = ordered.set_index("unit_code")["peer_group"]
    previous = None
    if period > FIRST_PERIOD:
        previous = score_period(inputs, catalog, codes, months_before(period, 1)).units
    scores = score_period(inputs, catalog, codes, period)
    return PeriodScores(scores.indicators, scores.pillars, add_ranks(scores.units, previous, peers))


def _same(frozen: Any, fresh: Any, column: str) -> bool:
    """Equal as published: times to the microsecond, numbers within 1e-9, text exactly."""
    if column in TIME_COLUMNS:
        a, b = pd.to_datetime(frozen), pd.to_datetime(fresh)
        return bool((pd.isna(a) and pd.isna(b)) or a == b)
    if pd.isna(frozen) or pd.isna(fresh):
        return bool(pd.isna(frozen) and pd.isna(fresh))
    if isinstance(frozen, bool | str) or isinstance(fresh, bool | str):
        return str(frozen) == str(fresh)
    try:
        return math.isclose(float(frozen), float(fresh), rel_tol=0.0, abs_tol=TOLERANCE)
    except (TypeError, ValueError):
        return str(frozen) == str(fresh)


def _part_differences(part: str, frozen: pd.DataFrame, fresh: pd.DataFrame) -> list[str]:
    keys = KEYS[part]
    columns = [c for c in frozen.columns if c not in keys and c != "peer_group"]
    fresh = fresh.assign(**{c: None for c in columns if c not in fresh})
    merged = frozen.merge(
        fresh[[*keys, *columns]], on=keys, how="outer", suffixes=("", "!"), indicator=True
    )
    side = {"left_only": "frozen", "right_only": "re-scored"}
    problems = [
        f"{part} {tuple(row[k] for k in keys)}: only in the {side[row['_merge']]} rows"
        for _, row in merged[merged["_merge"] != "both"].iterrows()
    ]
    both = merged[merged["_merge"] == "both"]
    for column in columns:
        for _, row in both.iterrows():
            if not _same(row[column], row[f"{column}!"], column):
                where = tuple(row[k] for k in keys)
                problems.append(f"{part} {where} {column}: {row[column]!r} → {row[f'{column}!']!r}")
    return problems


def differences(frozen: dict[str, pd.DataFrame], fresh: PeriodScores) -> list[str]:
    """Every row or value where ``fresh`` differs from ``frozen`` (beyond 1e-9 for numbers)."""
    return [
        problem
        for part in ("units", "pillars", "indicators")
        for problem in _part_differences(part, frozen[part], getattr(fresh, part))
    ]


# --- publishing -------------------------------------------------------------------------------


def _frozen_scores(engine: Engine, period: date) -> dict[str, pd.DataFrame]:
    """The stored snapshot rows of ``period``, in the publication tables' columns."""
    units = read_unit_snapshots(engine, period)
    return {
        "units": units[UNIT_COLUMNS],
        "pillars": read_pillar_snapshots(engine, period)[PILLAR_COLUMNS],
        "indicators": read_indicator_snapshots(engine, period)[INDICATOR_COLUMNS],
    }


def scoring_inputs(engine: Engine, period: date) -> pd.DataFrame:
    """The measures rows the scoring of ``period`` (and of the month before, for its change)
    can read: every row describing ``period`` or an earlier month. Scoring never reads a later
    month, and keeping the whole past (not only today's window) keeps the frozen inputs valid
    for any rule that looks further back."""
    measures = all_measures(engine)
    return measures[measures["period"] <= period].reset_index(drop=True)


def _refresh_waiting(engine: Engine, catalog: Catalog, wait_seconds: float) -> None:
    """Bring the stored scores up to date, waiting while another process computes them."""
    deadline = time.monotonic() + wait_seconds
    while refresh_snapshots(engine, catalog).busy:
        if time.monotonic() > deadline:
            raise ScoresBusy(f"scores still being computed after {wait_seconds:.0f} s")
        time.sleep(0.5)


def publish_period(
    engine: Engine,
    period: date,
    *,
    by: str,
    catalog_file: Path = CATALOG_FILE,
    now: datetime | None = None,
    wait_seconds: float = 300.0,
) -> PublishResult:
    """Freeze ``period``'s scores with their inputs, catalog and data version, in one
    transaction. Raises :class:`AlreadyPublished`, :class:`UnknownPeriod`,
    :class:`NotReproducible` or :class:`ScoresBusy` (another process kept computing the scores
    for more than ``wait_seconds``); on any of them nothing is written."""
    if read_published_units(engine, period) is not None:
        raise AlreadyPublished(period.isoformat())
    text = catalog_file.read_bytes().decode("utf-8")
    catalog = catalog_from_text(text)
    # a publication freezes current scores, never stale ones
    _refresh_waiting(engine, catalog, wait_seconds)
    if period not in read_snapshot_periods(engine):
        raise UnknownPeriod(period.isoformat())
    state = snapshot_state(engine)
    assert state is not None  # the period has stored scores
    frozen = _frozen_scores(engine, period)
    inputs = scoring_inputs(engine, period)
    problems = differences(frozen, rescore(inputs, catalog, frozen["units"], period))
    if problems:
        raise NotReproducible(period, problems)
    header = PublicationHeader(
        period=period,
        catalog_version=catalog.version,
        catalog_hash=catalog_text_hash(text),
        catalog_text=text,
        data_version=state.data_version,
        snapshot_computed_at=state.computed_at,
        published_by=by,
        published_at=now or datetime.now(),
    )
    write_publication(
        engine, header, frozen["units"], frozen["pillars"], frozen["indicators"], inputs
    )
    return PublishResult(
        period,
        len(frozen["units"]),
        len(inputs),
        catalog.version,
        header.catalog_hash,
        header.data_version,
    )


def verify_publication(published: PublishedTables) -> VerifyResult:
    """Re-score a publication from its frozen inputs under its frozen catalog."""
    header = published.header
    catalog = catalog_from_text(header.catalog_text)
    frozen = {
        "units": published.units,
        "pillars": published.pillars,
        "indicators": published.indicators,
    }
    fresh = rescore(published.inputs, catalog, published.units, header.period)
    problems = differences(frozen, fresh)
    return VerifyResult(
        header.period,
        not problems,
        catalog_text_hash(header.catalog_text) == header.catalog_hash,
        problems,
        len(published.units),
    )


def verify_period(engine: Engine, period: date) -> VerifyResult:
    published = read_publication(engine, period)
    if published is None:
        raise NotPublished(period.isoformat())
    return verify_publication(published)


# --- published beside provisional ---------------------------------------------------------------


def published_scorecard(engine: Engine, period: date) -> pd.DataFrame | None:
    """The frozen unit rows of ``period`` (composite, band, ranks…), or None if unpublished."""
    return read_published_units(engine, period)


def published_vs_current(engine: Engine, period: date) -> pd.DataFrame | None:
    """Per unit: the published composite and band beside the current (provisional) ones from
    the stored snapshots, and whether they differ; None when ``period`` is unpublished."""
    published = read_published_units(engine, period)
    if published is None:
        return None
    current = read_unit_snapshots(engine, period)[["unit_code", "composite", "band"]]
    frame = published[["unit_code", "composite", "band"]].merge(
        current, on="unit_code", how="left", suffixes=("_published", "_current")
    )
    same_band = frame["band_published"] == frame["band_current"]
    same_score = [
        _same(a, b, "composite")
        for a, b in zip(frame["composite_published"], frame["composite_current"], strict=True)
    ]
    return frame.assign(changed=~(same_band & pd.Series(same_score, index=frame.index)))


@dataclass(frozen=True)
class PublishedBeside:
    """A published month for the pages: who published it, when, under which catalog and data,
    and per unit the published figure beside the current (provisional) one."""

    period: date
    published_at: datetime
    published_by: str
    units: pd.DataFrame  # published_vs_current's rows
    catalog_version: str = ""
    catalog_hash: str = ""
    data_version: int = 0
    scored_at: datetime | None = None  # when the frozen scores were computed
    # the frozen unit rows (ranks, coverage…) with rank_level_of / rank_peer_of
    frozen: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def changed_units(self) -> int:
        return int(self.units["changed"].sum())

    def unit(self, code: str) -> pd.Series | None:
        rows = self.units[self.units["unit_code"] == code]
        return None if rows.empty else rows.iloc[0]


def published_months(engine: Engine) -> list[date]:
    """Every published month, oldest first."""
    return published_periods(engine)


def published_beside_current(engine: Engine, period: date) -> PublishedBeside | None:
    header = read_publication_header(engine, period)
    units = published_vs_current(engine, period)
    frozen = read_published_units(engine, period)
    if header is None or units is None or frozen is None:
        return None
    return PublishedBeside(
        period,
        header.published_at,
        header.published_by,
        units,
        catalog_version=header.catalog_version,
        catalog_hash=header.catalog_hash,
        data_version=header.data_version,
        scored_at=header.snapshot_computed_at,
        frozen=rank_denominators(frozen),
    )


# --- the admin page: what is published, what could be -----------------------------------------


def publications(engine: Engine) -> pd.DataFrame:
    """Every published month, oldest first: period, published_by, published_at,
    catalog_version, catalog_hash, data_version, snapshot_computed_at, input_rows, units."""
    return read_publications(engine)


def publishable_months(engine: Engine) -> list[date]:
    """Months with stored scores that are not published yet, oldest first."""
    published = set(published_periods(engine))
    return [p for p in read_snapshot_periods(engine) if p not in published]


@dataclass(frozen=True)
class PublishedIndicators:
    """One unit's indicator rows as published, with the catalog they were scored under (its
    labels, targets and evidence rules are the ones of the publication, not today's)."""

    period: date
    published_at: datetime
    catalog: Catalog
    indicators: pd.DataFrame  # as metrics.api.UnitScore.indicators: reported, pillar, scored…


def published_unit_indicators(
    engine: Engine, period: date, unit_code: str
) -> PublishedIndicators | None:
    """The frozen indicator rows of ``unit_code`` in ``period``, None when unpublished. A value
    frozen without its required evidence keeps ``missing_evidence`` and is not ``reported``."""
    header = read_publication_header(engine, period)
    rows = read_published_indicators(engine, period, unit_code)
    if header is None or rows is None:
        return None
    catalog = catalog_from_text(header.catalog_text)
    by_key = {i.key: i for i in catalog.indicators}
    rows = rows[rows["indicator_key"].isin(by_key)]
    indicators = rows.assign(
        pillar=rows["indicator_key"].map(lambda k: by_key[k].pillar),
        scored=rows["indicator_key"].map(lambda k: by_key[k].scored),
        # the scoring's own rule (metrics.scoring.score_indicators), on the frozen flags
        reported=rows["value"].notna()
        & rows["applicable"].astype(bool)
        & ~rows["missing_evidence"].astype(bool),
    )
    return PublishedIndicators(
        period, header.published_at, catalog, indicators.reset_index(drop=True)
    )
