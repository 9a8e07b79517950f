"""What changed in the scoring rules, with the band counts before and after on the demo data.

The figures live in ``rule_changes.yaml`` (one file, updated when the rules change) and are
checked on load like the catalog: every problem is listed before failing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from metrics.bands import DISPLAY_ORDER, Band
from metrics.catalog import CatalogError, Text

RULE_CHANGES_FILE = Path(__file__).resolve().parent / "rule_changes.yaml"


class RuleChangesError(CatalogError):
    """Every problem found in the rule-changes file (shown like a catalog error)."""


@dataclass(frozen=True)
class BandCounts:
    counts: dict[Band, int]  # units per band, in DISPLAY_ORDER
    median: float  # median composite (0–100) of the coloured units

    @property
    def units(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class RuleChanges:
    changed_on: date  # the day the rules changed (`date` in the file)
    period: date  # first of the month the counts are measured on
    dataset: Text  # what data the counts come from
    changes: tuple[Text, ...]
    before: BandCounts
    after: BandCounts


def _date(raw: Any, field: str, problems: list[str]) -> date:
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw))
    except ValueError:
        problems.append(f"{field}: {raw!r} is not a date (YYYY-MM-DD)")
        return date.min


def _month(raw: Any, problems: list[str]) -> date:
    """``period`` as YYYY-MM (its first day)."""
    try:
        year, month = (int(part) for part in str(raw).split("-"))
        return date(year, month, 1)
    except ValueError:
        problems.append(f"period: {raw!r} is not a month (YYYY-MM)")
        return date.min


def _text(raw: Any, field: str, problems: list[str]) -> Text:
    if not isinstance(raw, dict) or not raw.get("vi") or not raw.get("en"):
        problems.append(f"{field}: needs both vi and en text")
        return Text("", "")
    return Text(str(raw["vi"]), str(raw["en"]))


def _counts(raw: Any, field: str, problems: list[str]) -> BandCounts:
    raw = raw if isinstance(raw, dict) else {}
    counts = {}
    for band in DISPLAY_ORDER:
        value = raw.get(band.value)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            problems.append(f"{field}: {band.value} must be a count of units, not {value!r}")
            value = 0
        counts[band] = value
    median = raw.get("median")
    if isinstance(median, bool) or not isinstance(median, int | float) or not 0 <= median <= 100:
        problems.append(f"{field}: median must be a composite from 0 to 100, not {median!r}")
        median = 0
    return BandCounts(counts, float(median))


def parse_rule_changes(data: dict[str, Any], source: str = "rule changes") -> RuleChanges:
    """Build :class:`RuleChanges`; raise :class:`RuleChangesError` listing every problem."""
    problems: list[str] = []
    raw_changes = data.get("changes")
    if not isinstance(raw_changes, list) or not raw_changes:
        problems.append("changes: list at least one change")
        raw_changes = []
    changes = tuple(
        _text(item, f"changes[{number}]", problems)
        for number, item in enumerate(raw_changes, start=1)
    )
    before = _counts(data.get("before"), "before", problems)
    after = _counts(data.get("after"), "after", problems)
    if not problems and before.units != after.units:
        # The same units are counted twice, under two sets of rules.
        problems.append(f"before counts {before.units} units but after counts {after.units}")
    result = RuleChanges(
        changed_on=_date(data.get("date"), "date", problems),
        period=_month(data.get("period"), problems),
        dataset=_text(data.get("dataset"), "dataset", problems),
        changes=changes,
        before=before,
        after=after,
    )
    if problems:
        raise RuleChangesError(source, problems)
    return result


def load_rule_changes(path: Path = RULE_CHANGES_FILE) -> RuleChanges:
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    return parse_rule_changes(data, source=path.name)


@lru_cache(maxsize=1)
def default_rule_changes() -> RuleChanges:
    """The shipped record, loaded once per process."""
    return load_rule_changes()
