"""A small hand-scorable catalog and a helper to build measures frames."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest

from metrics.catalog import Catalog, load_catalog

FIXTURES = Path(__file__).resolve().parent / "fixtures"
JUNE = date(2026, 6, 1)


@pytest.fixture
def small_catalog() -> Catalog:
    return load_catalog(FIXTURES / "small_catalog.yaml")


def measures(rows: list[tuple[str, str, float]], period: date = JUNE) -> pd.DataFrame:
    """(unit, indicator, value) rows for ``period``, reported on the 5th of the next month."""
    reported = datetime(period.year + period.month // 12, period.month % 12 + 1, 5)
    return pd.DataFrame(
        [
            {
                "unit_code": unit,
                "indicator_key": key,
                "period": period,
                "value": value,
                "source_type": "auto",
                "reported_at": reported,
            }
            for unit, key, value in rows
        ]
    )
