"""Evidence: a value that needs an evidence reference scores only with one; "verified" needs a
verifier and a date. Expected values worked out by hand on the small catalog."""

from __future__ import annotations

from datetime import datetime

import pytest
import yaml

from metrics.catalog import Catalog, parse_catalog
from metrics.scoring import score_period
from tests.metrics.conftest import FIXTURES, JUNE, measures

FULL_REPORT = [("online", 80), ("incidents", 0), ("backlog", 0), ("meetings", 2), ("plan", 1)]


@pytest.fixture
def plan_needs_evidence() -> Catalog:
    data = yaml.safe_load((FIXTURES / "small_catalog.yaml").read_text(encoding="utf-8"))
    for raw in data["indicators"]:
        if raw["key"] == "plan":
            raw["evidence_required"] = True
    return parse_catalog(data, "plan needs evidence")


def test_a_value_without_its_required_evidence_is_missing(plan_needs_evidence: Catalog) -> None:
    # Everything reported; plan 1 has no evidence reference: it earns nothing and counts as
    # missing. gov 6 of 6 = 100 %; society meetings 2 → 2, plan 0 of 2: 2 of 4 = 50 %.
    # composite (100 × 6 + 50 × 4)/10 = 80; coverage 4/5 = 0.8.
    data = measures([("A", key, value) for key, value in FULL_REPORT])
    data["evidence_ref"] = ["sys", "sys", "sys", "BB-01", None]
    scores = score_period(data, plan_needs_evidence, ["A"], JUNE)
    plan = scores.indicators.set_index("indicator_key").loc["plan"]
    assert plan["missing_evidence"] and not plan["reported"]
    assert plan["value"] == 1  # still shown
    unit = scores.units.iloc[0]
    assert unit["coverage"] == pytest.approx(0.8)
    assert unit["composite"] == pytest.approx(80.0)
    # With the reference the plan scores: 100.
    data["evidence_ref"] = ["sys", "sys", "sys", "BB-01", "KH-12/2026"]
    again = score_period(data, plan_needs_evidence, ["A"], JUNE)
    assert not again.indicators.set_index("indicator_key").loc["plan", "missing_evidence"]
    assert again.units.iloc[0]["composite"] == pytest.approx(100.0)


def test_a_blank_reference_is_no_evidence(plan_needs_evidence: Catalog) -> None:
    data = measures([("A", "plan", 1)]).assign(evidence_ref="  ")
    scores = score_period(data, plan_needs_evidence, ["A"], JUNE)
    assert scores.indicators.set_index("indicator_key").loc["plan", "missing_evidence"]


def test_verified_needs_a_verifier_and_a_date(small_catalog: Catalog) -> None:
    data = measures([("A", "plan", 1), ("A", "meetings", 2)]).assign(
        source_type="verified",
        evidence_ref="ref",
        verified_by=["Sở KH&CN", None],
        verified_at=[datetime(2026, 7, 8), datetime(2026, 7, 8)],
    )
    by_key = score_period(data, small_catalog, ["A"], JUNE).indicators.set_index("indicator_key")
    assert by_key.loc["plan", "source_type"] == "verified"
    assert by_key.loc["meetings", "source_type"] == "self_reported"  # no verifier
    assert by_key.loc["meetings", "reported"]  # it still scores, as a self-reported value
