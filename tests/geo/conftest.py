"""Fixtures for geo/: the shared reference boundaries and a clean in-process cache per test."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest

import geo.boundaries as boundaries
from data.registry import UnitRecord, load_units

SHARED_GEO = Path(__file__).resolve().parents[3] / "shared" / "geo"
REFERENCE = SHARED_GEO / "communes.geojson"
DETAILED = SHARED_GEO / "communes_detailed.geojson"


@cache
def _reference() -> dict[str, Any]:
    return json.loads(REFERENCE.read_text(encoding="utf-8"))


@pytest.fixture
def reference() -> dict[str, Any]:
    """A private, editable copy of the simplified reference FeatureCollection."""
    return copy.deepcopy(_reference())


@pytest.fixture(scope="session")
def units() -> list[UnitRecord]:
    return load_units()


@pytest.fixture(autouse=True)
def _fresh_memory() -> Iterator[None]:
    """Each test starts as a new process would: nothing remembered in the module, no worker."""
    for _started, worker in list(boundaries._JOBS.values()):
        worker.join(timeout=60)
    for memo in (
        boundaries._GEOJSON_MEMO,
        boundaries._FAILED,
        boundaries._URL_CHECKS,
        boundaries._UNWRITTEN,
        boundaries._JOBS,
        boundaries._JOB_FAILED,
    ):
        memo.clear()
    yield
    for _started, worker in list(boundaries._JOBS.values()):
        worker.join(timeout=60)
