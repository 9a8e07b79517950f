"""Cached loaders for the pages. Keys are small (database URL, a version), never frames.

Two kinds of key: what is read from the data (units, row counts) is keyed on the data version;
what is read from the stored scores (periods, scorecards, the home view, a unit's score) on the
identity of the stored scores themselves (``SnapshotState.identity``: catalog and data version
they were computed from, and when they were written). Right after a data load the data version
is already new while the stored scores are still the previous ones: keyed on the data version,
an entry would pair the new version with the old scores and keep them for the whole TTL.

The engine itself is not cached here (see ``data.db``); every cache is cheap to rebuild. A
database error in a loader stops the page with the one readable message (``ui.problems``).
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import ParamSpec, TypeVar

import pandas as pd
import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from data.bootstrap import forget_readiness
from data.db import get_engine
from data.feedback_stats import stats_state
from data.migrate import current_revision
from data.queries import (
    DatasetStatus,
    SnapshotState,
    dataset_status,
    import_batches,
    read_units,
    snapshot_state,
    store_versions,
)
from data.registry import load_units as load_registry_units
from data.settings import PROJECT_ROOT, load_settings
from geo.assets import publish_geometry
from geo.boundaries import BoundaryState
from geo.boundaries import load_boundaries as load_boundary_state
from geo.tiles import tile_layout
from metrics import (
    Stability,
    UnitExplanation,
    UnitScore,
    UnknownPeriod,
    available_periods,
    explain_unit,
    scorecard,
    stability,
    unit_score,
)
from metrics.feedback_board import (
    FeedbackBoard,
    FeedbackFilterOptions,
    FeedbackFilters,
    UnitFeedbackBlock,
    feedback_board,
    feedback_filter_options,
    unit_feedback_block,
)
from metrics.feedback_case import CaseDetail, case_detail
from metrics.feedback_cases import CaseState
from metrics.infra_board import (
    InfraBoard,
    InfraFilterOptions,
    InfraFilters,
    UnitInfraBlock,
    infra_board,
    infra_filter_options,
    unit_infra_block,
)
from metrics.publication import (
    PublishedBeside,
    PublishedIndicators,
    published_beside_current,
    published_months,
    published_unit_indicators,
)
from metrics.task_board import (
    TaskBoard,
    TaskBucket,
    TaskDetail,
    TaskFilterOptions,
    TaskFilters,
    UnitTaskBlock,
    task_board,
    task_detail,
    task_filter_options,
    unit_task_block,
)
from ui.heatmap import HomeView, home_view
from ui.problems import stop_on_database_error
from ui.text import current_language

log = logging.getLogger("dashboard")

CACHE_TTL_S = 300


# A data load shows on the pages within this many seconds. Asking the database for its version
# on every loader call cost 3 round trips each (pool ping, query, rollback), ~8 times per run:
# the largest cost of a page run when 102 viewers open the map at once.
STORE_RECHECK_S = 2.0
# engine URL -> (checked at, data version, stored scores' state)
_STORE_MEMO: dict[str, tuple[float, int, SnapshotState | None]] = {}
NO_SCORES: tuple[str, int, str] = ("", 0, "")  # the score key while none is stored
P = ParamSpec("P")
T = TypeVar("T")


def store_state(*, fresh: bool = False) -> tuple[int, SnapshotState | None]:
    """(data version, stored scores' state), asked of the database at most every
    ``STORE_RECHECK_S`` per process (one query for both). Database errors propagate."""
    engine = get_engine()
    url = str(engine.url)
    now = time.monotonic()
    memo = _STORE_MEMO.get(url)
    if fresh or memo is None or now - memo[0] >= STORE_RECHECK_S:
        memo = (now, *store_versions(engine))
        _STORE_MEMO[url] = memo  # a race only costs one more query
    return memo[1], memo[2]


def forget_store_state() -> None:
    """Ask the database again on the next call (after an error, or when scores were written)."""
    _STORE_MEMO.clear()
    _FEEDBACK_MEMO.clear()


def _identity(state: SnapshotState | None) -> tuple[str, int, str]:
    return NO_SCORES if state is None else state.identity


def _data_key() -> tuple[str, int]:
    """Key of what is read from the data: (database URL, data version)."""
    return str(get_engine().url), store_state()[0]


def _score_key() -> tuple[str, tuple[str, int, str]]:
    """Key of what is read from the stored scores: (database URL, their identity)."""
    return str(get_engine().url), _identity(store_state()[1])


class ScoresMoved(Exception):
    """The stored scores were replaced while a loader read them: nothing is cached."""


def _verified(identity: tuple[str, int, str], value: T) -> T:
    """``value``, read under the score key ``identity``, if those scores are still the stored
    ones. Checked after reading: the key may be up to ``STORE_RECHECK_S`` old, and a loader's
    queries may straddle a swap; an exception keeps the entry out of the cache."""
    if _identity(snapshot_state(get_engine())) != identity:
        raise ScoresMoved
    return value


SCORE_READ_ATTEMPTS = 3


def _from_scores(cached: Callable[..., T], *args: object) -> T:
    """``cached(url, identity, *args)`` under the current score key, tried again with a fresh
    key when the scores moved underneath (a new set committed meanwhile)."""
    for _ in range(SCORE_READ_ATTEMPTS - 1):
        try:
            return cached(*_score_key(), *args)
        except ScoresMoved:
            forget_store_state()
    return cached(*_score_key(), *args)


def page_loader(load: Callable[P, T]) -> Callable[P, T]:
    """A loader a page calls: a database error stops the page with the readable message (and
    makes the frame prepare the database again) instead of Streamlit's traceback."""

    @functools.wraps(load)
    def guarded(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return load(*args, **kwargs)
        except SQLAlchemyError as exc:
            forget_readiness()
            forget_store_state()
            stop_on_database_error(exc)

    return guarded


@st.cache_data(ttl=CACHE_TTL_S, max_entries=4, show_spinner=False)
def _units(url: str, version: int) -> pd.DataFrame:
    del url, version  # cache keys only: a new data load makes a new entry
    return read_units(get_engine())


@st.cache_data(ttl=CACHE_TTL_S, max_entries=4, show_spinner=False)
def _status(url: str, version: int) -> DatasetStatus:
    del url, version
    return dataset_status(get_engine())


@page_loader
def load_units() -> pd.DataFrame:
    return _units(*_data_key())


@page_loader
def load_dataset_status() -> DatasetStatus:
    return _status(*_data_key())


@page_loader
def load_import_batches() -> pd.DataFrame:
    return import_batches(get_engine())  # admin only, always fresh


@st.cache_data(ttl=CACHE_TTL_S, max_entries=4, show_spinner=False)
def _stability(url: str, identity: tuple[str, int, str]) -> Stability | None:
    del url
    try:
        return _verified(identity, stability(get_engine()))
    except UnknownPeriod:
        return None  # no scores stored yet


@page_loader
def load_stability() -> Stability | None:
    """Rank stability of the newest month, or None before any score is stored."""
    return _from_scores(_stability)


@st.cache_data(ttl=CACHE_TTL_S, max_entries=4, show_spinner=False)
def _periods(url: str, identity: tuple[str, int, str]) -> list[date]:
    del url
    return _verified(identity, available_periods(get_engine()))


@page_loader
def load_periods() -> list[date]:
    """Months with stored scores, oldest first (empty before any score is computed)."""
    return _from_scores(_periods)


@st.cache_data(ttl=CACHE_TTL_S, max_entries=32, show_spinner=False)
def _scorecard(url: str, identity: tuple[str, int, str], period: date) -> pd.DataFrame:
    del url
    return _verified(identity, scorecard(get_engine(), period))


@page_loader
def load_scorecard(period: date) -> pd.DataFrame:
    """One row per unit for ``period`` (a copy: callers may add columns)."""
    return _from_scores(_scorecard, period).copy()


@page_loader
def load_previous_scorecard(period: date) -> pd.DataFrame | None:
    periods = load_periods()
    index = periods.index(period)
    return load_scorecard(periods[index - 1]) if index > 0 else None


BOUNDARY_RECHECK_S = 10.0
# A new or changed source is processed by a worker thread; the run that started it waits this
# long (the reference file takes ~0.3 s, the detailed one ~3 s), then shows the tile map.
BOUNDARY_WAIT_S = 5.0
_BOUNDARY_MEMO: dict[tuple, tuple[float, BoundaryState]] = {}
_BOUNDARY_LOCK = threading.Lock()


def load_boundaries() -> BoundaryState:
    """The configured boundaries (validated and cached by ``geo.boundaries``).

    The source is re-checked at most every ``BOUNDARY_RECHECK_S`` seconds per process: checking
    it (cache metadata, fingerprint, registry key) cost ≈ 10 ms of every heat-map run, and a new
    boundary file may well take ten seconds to show. A change of settings checks at once.
    While the source is being prepared (``state.preparing``) nothing is remembered.
    """
    settings = load_settings()
    key = (
        settings.boundaries,
        settings.boundaries_code_field,
        str(settings.cache_dir),
        settings.boundaries_max_mb,
    )
    now = time.monotonic()
    with _BOUNDARY_LOCK:
        memo = _BOUNDARY_MEMO.get(key)
        if memo is not None and now - memo[0] < BOUNDARY_RECHECK_S:
            return memo[1]
    state = load_boundary_state(
        settings, cache_dir=settings.cache_dir, background=True, wait_s=BOUNDARY_WAIT_S
    )
    with _BOUNDARY_LOCK:
        _BOUNDARY_MEMO.clear()  # only the settings in use are remembered
        if not state.preparing:
            _BOUNDARY_MEMO[key] = (now, state)
    return state


@st.cache_resource(ttl=CACHE_TTL_S, max_entries=64, show_spinner=False)
def _home_view(
    url: str,
    identity: tuple[str, int, str],
    period: date,
    pillar: str | None,
    peer: str | None,
    with_map: bool,
    language: str,
) -> HomeView:
    del url, language  # cache keys only
    view = home_view(
        load_units(),
        load_scorecard(period),
        load_previous_scorecard(period),
        pillar,
        peer,
        with_map,
    )
    return _verified(identity, view)  # the scorecards above may come from a newer key


@page_loader
def load_home_view(period: date, pillar: str | None, peer: str | None, with_map: bool) -> HomeView:
    """The home page's figures and texts, computed once per process for everyone who asks.

    When the Committee meets, every leader opens the same month and filters: a shared resource
    (not a per-session copy) makes that one computation instead of 102. Read-only.
    """
    return _from_scores(_home_view, period, pillar, peer, with_map, current_language())


STATIC_DIR = PROJECT_ROOT / "static"  # served at /app/static (server.enableStaticServing)


def map_geometry_url(geojson: dict) -> str | None:
    """Where the browser fetches the boundaries' geometry (written under ./static once), or
    None when it cannot be written there (the page then says so and shows the tile map)."""
    try:
        return publish_geometry(geojson, STATIC_DIR)
    except OSError as exc:
        log.warning("cannot write the map's geometry under %s: %s", STATIC_DIR, exc)
        return None


@st.cache_data(ttl=CACHE_TTL_S, max_entries=2, show_spinner=False)
def load_tile_layout() -> pd.DataFrame:
    """The tile map's grid: one cell per unit, computed from the registry's centre points."""
    return tile_layout(load_registry_units())


@st.cache_data(ttl=CACHE_TTL_S, max_entries=64, show_spinner=False)
def _unit_score(url: str, identity: tuple[str, int, str], code: str, period: date) -> UnitScore:
    del url
    return _verified(identity, unit_score(get_engine(), code, period))


@page_loader
def load_unit_score(code: str, period: date) -> UnitScore:
    return _from_scores(_unit_score, code, period)


@st.cache_data(ttl=CACHE_TTL_S, max_entries=64, show_spinner=False)
def _explanation(
    url: str, identity: tuple[str, int, str], code: str, period: date
) -> UnitExplanation:
    del url
    return _verified(identity, explain_unit(get_engine(), code, period))


@page_loader
def load_explanation(code: str, period: date) -> UnitExplanation:
    return _from_scores(_explanation, code, period)


def map_tile_url() -> str | None:
    """The optional base-map tile URL (none by default: the map makes no outside request)."""
    return load_settings().tile_url


@dataclass(frozen=True)
class DatabaseInfo:
    """What the admin page may say about the database: its kind and schema, never its address."""

    backend: str  # SQLAlchemy dialect name: "sqlite", "postgresql", …
    schema_revision: str | None


@page_loader
def load_database_info() -> DatabaseInfo:
    engine = get_engine()
    return DatabaseInfo(engine.dialect.name, current_revision(engine))


def boundaries_preparing() -> bool:
    """Whether the configured boundaries are still being prepared in the background."""
    return load_boundaries().preparing


# --- published results beside the provisional figures ----------------------------------------


@st.cache_data(ttl=CACHE_TTL_S, max_entries=32, show_spinner=False)
def _published_beside(
    url: str, identity: tuple[str, int, str], published: tuple[date, ...], period: date
) -> PublishedBeside | None:
    del url, published  # the list of published months is part of the key: a new one shows
    return _verified(identity, published_beside_current(get_engine(), period))


@page_loader
def load_published_beside(period: date) -> PublishedBeside | None:
    """``period``'s published figures beside the current ones, or None when unpublished."""
    published = tuple(published_months(get_engine()))  # one small query: publishing is rare
    if period not in published:
        return None
    return _from_scores(_published_beside, published, period)


@st.cache_data(ttl=CACHE_TTL_S, max_entries=64, show_spinner=False)
def _published_indicators(
    url: str, published: tuple[date, ...], period: date, code: str
) -> PublishedIndicators | None:
    del url, published  # frozen rows never change; a new publication is a new key
    return published_unit_indicators(get_engine(), period, code)


@page_loader
def load_published_indicators(code: str, period: date) -> PublishedIndicators | None:
    """``code``'s indicator rows as published for ``period``, or None when unpublished."""
    published = tuple(published_months(get_engine()))
    if period not in published:
        return None
    return _published_indicators(str(get_engine().url), published, period, code)


# --- the tasks page (read from the data: keyed on the data version) ----------------------------


@st.cache_data(ttl=CACHE_TTL_S, max_entries=4, show_spinner=False)
def _task_options(url: str, version: int) -> TaskFilterOptions:
    del url, version
    return task_filter_options(get_engine())


@page_loader
def load_task_options() -> TaskFilterOptions:
    """The tasks page's filter choices: departments, pillars with tasks, the days covered."""
    return _task_options(*_data_key())


@st.cache_resource(ttl=CACHE_TTL_S, max_entries=16, show_spinner=False)
def _task_board(
    url: str,
    version: int,
    as_of: date,
    department: str | None,
    pillar: str | None,
    unit: str | None,
    status: str | None,
) -> TaskBoard:
    del url, version  # cache keys only
    filters = TaskFilters(
        as_of=as_of,
        department=department,
        pillar=pillar,
        unit=unit,
        status=None if status is None else TaskBucket(status),
    )
    return task_board(get_engine(), filters)


@page_loader
def load_task_board(filters: TaskFilters) -> TaskBoard:
    """The board for ``filters``, computed once per process for everyone who asks (the
    Committee opens the same day and filters together). Read-only: callers build new frames."""
    return _task_board(
        *_data_key(),
        filters.as_of,
        filters.department,
        filters.pillar,
        filters.unit,
        None if filters.status is None else str(filters.status),
    )


@st.cache_data(ttl=CACHE_TTL_S, max_entries=64, show_spinner=False)
def _task_detail(url: str, version: int, assignment_id: int, as_of: date) -> TaskDetail | None:
    del url, version
    return task_detail(get_engine(), assignment_id, as_of)


@page_loader
def load_task_detail(assignment_id: int, as_of: date) -> TaskDetail | None:
    return _task_detail(*_data_key(), assignment_id, as_of)


@st.cache_data(ttl=CACHE_TTL_S, max_entries=64, show_spinner=False)
def _unit_task_block(url: str, version: int, code: str, as_of: date) -> UnitTaskBlock:
    del url, version
    return unit_task_block(get_engine(), code, as_of)


@page_loader
def load_unit_task_block(code: str, as_of: date) -> UnitTaskBlock:
    """The dossier's task block: ``code``'s buckets, overdue tasks and escalations."""
    return _unit_task_block(*_data_key(), code, as_of)


# --- the infrastructure page (read from the data: keyed on the data version) -------------------


@st.cache_data(ttl=CACHE_TTL_S, max_entries=4, show_spinner=False)
def _infra_options(url: str, version: int) -> InfraFilterOptions:
    del url, version
    return infra_filter_options(get_engine())


@page_loader
def load_infra_options() -> InfraFilterOptions:
    """The infrastructure page's filter choices: operators, technologies, the days covered."""
    return _infra_options(*_data_key())


@st.cache_resource(ttl=CACHE_TTL_S, max_entries=16, show_spinner=False)
def _infra_board(
    url: str,
    version: int,
    as_of: date,
    operator: str | None,
    technology: str | None,
    peer_group: str | None,
    unit_codes: tuple[str, ...],
    stage: str | None,
) -> InfraBoard:
    del url, version  # cache keys only
    filters = InfraFilters(
        as_of=as_of,
        operator=operator,
        technology=technology,
        peer_group=peer_group,
        unit_codes=unit_codes,
        stage=stage,
    )
    return infra_board(get_engine(), filters)


@page_loader
def load_infra_board(filters: InfraFilters) -> InfraBoard:
    """The board for ``filters``, computed once per process for everyone who asks. Read-only:
    callers build new frames."""
    return _infra_board(
        *_data_key(),
        filters.as_of,
        filters.operator,
        filters.technology,
        filters.peer_group,
        tuple(filters.unit_codes),
        filters.stage,
    )


@st.cache_data(ttl=CACHE_TTL_S, max_entries=64, show_spinner=False)
def _unit_infra_block(url: str, version: int, code: str, as_of: date) -> UnitInfraBlock:
    del url, version
    return unit_infra_block(get_engine(), code, as_of)


@page_loader
def load_unit_infra_block(code: str, as_of: date) -> UnitInfraBlock:
    """The dossier's infrastructure block: ``code``'s centre, forecast, sites and fibre."""
    return _unit_infra_block(*_data_key(), code, as_of)


# --- the feedback page (read from the stored counts: keyed on their state) -------------------

# engine URL -> (checked at, identity of the stored feedback counts); asked at most every
# STORE_RECHECK_S, as the data version is.
_FEEDBACK_MEMO: dict[str, tuple[float, tuple[object, ...]]] = {}


def _feedback_key() -> tuple[str, int, tuple[object, ...]]:
    """Key of what the feedback views read: (database URL, data version, the stored counts'
    identity). The counts are refreshed after a data load: until then the key keeps naming the
    previous counts, and a view cached under it stays the one they make (the lists, read from
    the cases, follow the data version)."""
    engine = get_engine()
    url = str(engine.url)
    now = time.monotonic()
    memo = _FEEDBACK_MEMO.get(url)
    if memo is None or now - memo[0] >= STORE_RECHECK_S:
        state = stats_state(engine)
        identity: tuple[object, ...] = (
            ()
            if state is None
            else (state.data_version, state.rules_hash, state.as_of, state.computed_at)
        )
        memo = (now, identity)
        _FEEDBACK_MEMO[url] = memo
    return url, store_state()[0], memo[1]


@st.cache_data(ttl=CACHE_TTL_S, max_entries=4, show_spinner=False)
def _feedback_options(url: str, version: int, counts: tuple[object, ...]) -> FeedbackFilterOptions:
    del url, version, counts  # cache keys only
    return feedback_filter_options(get_engine())


@page_loader
def load_feedback_options() -> FeedbackFilterOptions:
    """The feedback page's choices: the months counted, the category tree, the data's as-of."""
    return _feedback_options(*_feedback_key())


@st.cache_resource(ttl=CACHE_TTL_S, max_entries=16, show_spinner=False)
def _feedback_board(
    url: str,
    version: int,
    counts: tuple[object, ...],
    period: date | None,
    unit: str | None,
    group: str | None,
    category: str | None,
    state: str | None,
) -> FeedbackBoard:
    del url, version, counts
    filters = FeedbackFilters(
        period=period,
        unit_code=unit,
        category_group=group,
        category=category,
        state=None if state is None else CaseState(state),
    )
    return feedback_board(get_engine(), filters)


@page_loader
def load_feedback_board(filters: FeedbackFilters) -> FeedbackBoard:
    """The board for ``filters``, computed once per process for everyone who asks (the
    Committee opens the same month together). Read-only: callers build new frames."""
    return _feedback_board(
        *_feedback_key(),
        filters.period,
        filters.unit_code,
        filters.category_group,
        filters.category,
        None if filters.state is None else str(filters.state),
    )


@st.cache_data(ttl=CACHE_TTL_S, max_entries=64, show_spinner=False)
def _case_detail(
    url: str, version: int, counts: tuple[object, ...], case_code: str
) -> CaseDetail | None:
    del url, version, counts
    return case_detail(get_engine(), case_code)


@page_loader
def load_case_detail(case_code: str) -> CaseDetail | None:
    """One case as the case view shows it (reporter fields masked), None for an unknown code."""
    return _case_detail(*_feedback_key(), case_code)


@st.cache_data(ttl=CACHE_TTL_S, max_entries=64, show_spinner=False)
def _unit_feedback_block(
    url: str, version: int, counts: tuple[object, ...], code: str, period: date | None
) -> UnitFeedbackBlock:
    del url, version, counts
    return unit_feedback_block(get_engine(), code, period)


@page_loader
def load_unit_feedback_block(code: str, period: date | None) -> UnitFeedbackBlock:
    """The dossier's feedback block: ``code``'s headline at ``period``, its overdue cases now."""
    return _unit_feedback_block(*_feedback_key(), code, period)
