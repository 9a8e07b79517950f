"""Facts counted straight from the reference files, without the project's own loaders.

Expected values in tests come from here (or from a hand computation), so that a test compares
what the code does with what the file says rather than with what the code said last time.
"""

from __future__ import annotations

import csv
from collections import Counter
from functools import cache
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
UNITS_CSV = ROOT / "data" / "reference" / "units.csv"
CATALOG_YAML = ROOT / "metrics" / "catalog.yaml"
# The eight measures metrics/operational.py documents (tasks 2, feedback 4, 5G 2), written out
# here so that a measure lost or renamed in the code shows up as a difference.
OPERATIONAL_KEYS = frozenset(
    {
        "task_on_time_pct",
        "task_overdue_count",
        "feedback_on_time_pct",
        "feedback_evidence_pct",
        "feedback_satisfaction_pct",
        "feedback_backlog_per_10k",
        "centre_5g_on_air",
        "population_5g_pct",
    }
)


@cache
def registry_rows() -> tuple[dict[str, str], ...]:
    """The rows of data/reference/units.csv, read with the csv module alone."""
    with UNITS_CSV.open(encoding="utf-8", newline="") as handle:
        return tuple(csv.DictReader(handle))


def registry_count() -> int:
    return len(registry_rows())


def registry_types() -> Counter[str]:
    """How many units of each type (phuong / xa) the file lists."""
    return Counter(row["unit_type"] for row in registry_rows())


def registry_population() -> int:
    return sum(int(row["population"]) for row in registry_rows())


@cache
def catalog_entries() -> tuple[dict, ...]:
    """The indicator entries of metrics/catalog.yaml, read with yaml alone."""
    data = yaml.safe_load(CATALOG_YAML.read_text(encoding="utf-8"))
    return tuple(data["indicators"])


def catalog_keys(pillar: str | None = None) -> list[str]:
    """Indicator keys in file order, of one pillar or of all."""
    return [i["key"] for i in catalog_entries() if pillar is None or i["pillar"] == pillar]
