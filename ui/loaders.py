"""Cached loaders for the pages. Keys are small (database URL, data version), never frames.

The engine itself is not cached here (see ``data.db``); every cache is cheap to rebuild.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import date

import pandas as pd
import streamlit as st

from data.db import get_engine
from data.queries import DatasetStatus, data_version, dataset_status, import_batches, read_units
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
from ui.heatmap import HomeView, home_view
from ui.text import current_language

log = logging.getLogger("dashboard")

CACHE_TTL_S = 300


# A data load shows on the pages within this many seconds. Asking the database for its version
# on every loader call cost 3 round trips each (pool ping, query, rollback), ~8 times per run:
# the largest cost of a page run when 102 viewers open the map at once.
DATA_VERSION_RECHECK_S = 2.0
_VERSION_MEMO: dict[str, tuple[float, int]] = {}  # engine URL -> (checked at, data version)


def _cache_key() -> tuple[str, int]:
    engine = get_engine()
    url = str(engine.url)
    now = time.monotonic()
    memo = _VERSION_MEMO.get(url)
    if memo is None or now - memo[0] >= DATA_VERSION_RECHECK_S:
        memo = (now, data_version(engine))
        _VERSION_MEMO[url] = memo  # a race only costs one more query
    return url, memo[1]


@st.cache_data(ttl=CACHE_TTL_S, max_entries=4, show_spinner=False)
def _units(url: str, version: int) -> pd.DataFrame:
    del url, version  # cache keys only: a new data load makes a new entry
    return read_units(get_engine())


@st.cache_data(ttl=CACHE_TTL_S, max_entries=4, show_spinner=False)
def _status(url: str, version: int) -> DatasetStatus:
    del url, version
    return dataset_status(get_engine())


def load_units() -> pd.DataFrame:
    return _units(*_cache_key())


def load_dataset_status() -> DatasetStatus:
    return _status(*_cache_key())


def load_import_batches() -> pd.DataFrame:
    return import_batches(get_engine())  # admin only, always fresh


@st.cache_data(ttl=CACHE_TTL_S, max_entries=4, show_spinner=False)
def _stability(url: str, version: int) -> Stability | None:
    del url, version
    try:
        return stability(get_engine())
    except UnknownPeriod:
        return None  # no scores stored yet


def load_stability() -> Stability | None:
    """Rank stability of the newest month, or None before any score is stored."""
    return _stability(*_cache_key())


@st.cache_data(ttl=CACHE_TTL_S, max_entries=4, show_spinner=False)
def _periods(url: str, version: int) -> list[date]:
    del url, version
    return available_periods(get_engine())


def load_periods() -> list[date]:
    """Months with stored scores, oldest first (empty before any score is computed)."""
    return _periods(*_cache_key())


@st.cache_data(ttl=CACHE_TTL_S, max_entries=32, show_spinner=False)
def _scorecard(url: str, version: int, period: date) -> pd.DataFrame:
    del url, version
    return scorecard(get_engine(), period)


def load_scorecard(period: date) -> pd.DataFrame:
    """One row per unit for ``period`` (a copy: callers may add columns)."""
    return _scorecard(*_cache_key(), period).copy()


def load_previous_scorecard(period: date) -> pd.DataFrame | None:
    periods = load_periods()
    index = periods.index(period)
    return load_scorecard(periods[index - 1]) if index > 0 else None


BOUNDARY_RECHECK_S = 10.0
_BOUNDARY_MEMO: dict[tuple, tuple[float, BoundaryState]] = {}
_BOUNDARY_LOCK = threading.Lock()


def load_boundaries() -> BoundaryState:
    """The configured boundaries (validated and cached by ``geo.boundaries``).

    The source is re-checked at most every ``BOUNDARY_RECHECK_S`` seconds per process: checking
    it (cache metadata, fingerprint, registry key) cost ≈ 10 ms of every heat-map run, and a new
    boundary file may well take ten seconds to show. A change of settings checks at once.
    """
    settings = load_settings()
    key = (settings.boundaries, settings.boundaries_code_field, str(settings.cache_dir))
    now = time.monotonic()
    with _BOUNDARY_LOCK:
        memo = _BOUNDARY_MEMO.get(key)
        if memo is not None and now - memo[0] < BOUNDARY_RECHECK_S:
            return memo[1]
    state = load_boundary_state(settings, cache_dir=settings.cache_dir)
    with _BOUNDARY_LOCK:
        _BOUNDARY_MEMO.clear()  # only the settings in use are remembered
        _BOUNDARY_MEMO[key] = (now, state)
    return state


@st.cache_resource(ttl=CACHE_TTL_S, max_entries=64, show_spinner=False)
def _home_view(
    url: str,
    version: int,
    period: date,
    pillar: str | None,
    peer: str | None,
    with_map: bool,
    language: str,
) -> HomeView:
    del url, version, language  # cache keys only
    return home_view(
        load_units(),
        load_scorecard(period),
        load_previous_scorecard(period),
        pillar,
        peer,
        with_map,
    )


def load_home_view(period: date, pillar: str | None, peer: str | None, with_map: bool) -> HomeView:
    """The home page's figures and texts, computed once per process for everyone who asks.

    When the Committee meets, every leader opens the same month and filters: a shared resource
    (not a per-session copy) makes that one computation instead of 102. Read-only.
    """
    return _home_view(*_cache_key(), period, pillar, peer, with_map, current_language())


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
def _unit_score(url: str, version: int, code: str, period: date) -> UnitScore:
    del url, version
    return unit_score(get_engine(), code, period)


def load_unit_score(code: str, period: date) -> UnitScore:
    return _unit_score(*_cache_key(), code, period)


@st.cache_data(ttl=CACHE_TTL_S, max_entries=64, show_spinner=False)
def _explanation(url: str, version: int, code: str, period: date) -> UnitExplanation:
    del url, version
    return explain_unit(get_engine(), code, period)


def load_explanation(code: str, period: date) -> UnitExplanation:
    return _explanation(*_cache_key(), code, period)
