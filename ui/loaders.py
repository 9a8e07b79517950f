"""Cached loaders for the pages. Keys are small (database URL, data version), never frames.

The engine itself is not cached here (see ``data.db``); every cache is cheap to rebuild.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from data.db import get_engine
from data.queries import DatasetStatus, data_version, dataset_status, import_batches, read_units
from metrics import Stability, UnknownPeriod, stability

CACHE_TTL_S = 300


def _cache_key() -> tuple[str, int]:
    engine = get_engine()
    return str(engine.url), data_version(engine)


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
