"""The record of rule changes: the shipped one loads and agrees with the README; a broken one
lists every problem."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
import yaml

from metrics.bands import Band
from metrics.rule_changes import (
    RULE_CHANGES_FILE,
    RuleChangesError,
    load_rule_changes,
    parse_rule_changes,
)

README = Path(__file__).resolve().parents[2] / "README.md"


def good_data() -> dict:
    return {
        "date": "2026-12-02",
        "period": "2026-10",
        "dataset": {"vi": "dữ liệu minh họa", "en": "the demo data"},
        "changes": [{"vi": "Một thay đổi", "en": "One change"}],
        "before": {"green": 5, "yellow": 3, "red": 1, "grey": 1, "median": 70.5},
        "after": {"green": 4, "yellow": 3, "red": 2, "grey": 1, "median": 68},
    }


def test_a_record_parses() -> None:
    changes = parse_rule_changes(good_data())
    assert changes.changed_on == date(2026, 12, 2)
    assert changes.period == date(2026, 10, 1)
    assert changes.changes[0].en == "One change"
    assert changes.before.counts == {Band.GREEN: 5, Band.YELLOW: 3, Band.RED: 1, Band.GREY: 1}
    assert changes.before.units == changes.after.units == 10  # 5 + 3 + 1 + 1, 4 + 3 + 2 + 1
    assert changes.after.median == 68


def test_a_broken_record_lists_every_problem() -> None:
    data = good_data()
    data["period"] = "October"
    data["changes"].append({"vi": "chỉ tiếng Việt"})
    data["before"]["red"] = -1
    del data["after"]["median"]
    with pytest.raises(RuleChangesError) as caught:
        parse_rule_changes(data, "broken.yaml")
    assert caught.value.problems == [
        "changes[2]: needs both vi and en text",
        "before: red must be a count of units, not -1",
        "after: median must be a composite from 0 to 100, not None",
        "period: 'October' is not a month (YYYY-MM)",
    ]
    assert "broken.yaml" in str(caught.value)


def test_before_and_after_count_the_same_units() -> None:
    data = good_data()
    data["after"]["grey"] = 2  # 4 + 3 + 2 + 2 = 11 units after, 10 before
    with pytest.raises(RuleChangesError) as caught:
        parse_rule_changes(data)
    assert caught.value.problems == ["before counts 10 units but after counts 11"]


def test_the_shipped_record_agrees_with_the_readme() -> None:
    changes = load_rule_changes(RULE_CHANGES_FILE)
    raw = yaml.safe_load(RULE_CHANGES_FILE.read_text(encoding="utf-8"))
    assert changes.before.units == changes.after.units == 102  # every unit, both times
    # The README's sentence: "green 30 → 18, yellow 66 → 72, red 3 → 9, grey 3 → 3; median
    # composite 79,3 → 77,0" (Vietnamese decimal comma).
    text = " ".join(README.read_text(encoding="utf-8").split())
    for band in ("green", "yellow", "red", "grey"):
        found = re.search(rf"{band} (\d+) → (\d+)", text)
        assert found, band
        assert (int(found[1]), int(found[2])) == (raw["before"][band], raw["after"][band]), band
    median = re.search(r"median composite (\d+,\d) → (\d+,\d)", text)
    assert median
    assert float(median[1].replace(",", ".")) == raw["before"]["median"]
    assert float(median[2].replace(",", ".")) == raw["after"]["median"]
    assert f"what changed on {changes.changed_on:%d/%m/%Y}" in text
