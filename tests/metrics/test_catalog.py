"""The catalog: the real one loads; a broken one reports every problem with its key."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from metrics.catalog import CATALOG_FILE, CatalogError, load_catalog, parse_catalog
from tests.metrics.conftest import FIXTURES


def small_catalog_data() -> dict:
    return yaml.safe_load((FIXTURES / "small_catalog.yaml").read_text(encoding="utf-8"))


def test_the_catalog_in_force_is_valid_and_complete() -> None:
    catalog = load_catalog(CATALOG_FILE)
    # The file read here on its own, without the loader: every entry must come through, in the
    # file's order, and the scored ones are exactly those not marked `scored: false`.
    raw = yaml.safe_load(CATALOG_FILE.read_text(encoding="utf-8"))
    # QĐ 2361's eight groups (awareness … digital society) are the pillars.
    assert len(raw["pillars"]) == 8
    assert [p.key for p in catalog.pillars] == [p["key"] for p in raw["pillars"]]
    assert [i.key for i in catalog.indicators] == [i["key"] for i in raw["indicators"]]
    assert {i.key for i in catalog.scored} == {
        i["key"] for i in raw["indicators"] if i.get("scored", True)
    }
    # Points add up: 100 in all (the DTI's scale), each pillar's scored indicators to the
    # pillar's weight — summed from the file, not from the parsed catalog.
    assert catalog.total_points == raw["total_points"] == 100
    for pillar in raw["pillars"]:
        points = sum(
            i["max_points"]
            for i in raw["indicators"]
            if i["pillar"] == pillar["key"] and i.get("scored", True)
        )
        assert points == pytest.approx(pillar["weight"]), pillar["key"]
        assert catalog.pillar(pillar["key"]).weight == pillar["weight"]
    assert sum(i.max_points for i in catalog.scored) == pytest.approx(100)
    for indicator in catalog.indicators:
        assert indicator.source, indicator.key
        assert indicator.label.vi and indicator.label.en, indicator.key


def test_the_operational_measures_are_in_the_catalog() -> None:
    keys = {i.key for i in load_catalog(CATALOG_FILE).indicators}
    assert {
        "task_on_time_pct",
        "task_overdue_count",
        "feedback_on_time_pct",
        "feedback_backlog_per_10k",
        "feedback_satisfaction_pct",
        "feedback_evidence_pct",
        "centre_5g_on_air",
        "population_5g_pct",
        "fibre_household_pct",
    } <= keys


def test_a_broken_catalog_lists_every_problem_with_its_key() -> None:
    data = small_catalog_data()
    by_key = {i["key"]: i for i in data["indicators"]}
    del by_key["online"]["target"]  # missing target
    by_key["plan"]["pillar"] = "happiness"  # unknown pillar
    by_key["meetings"]["rule"]["steps"] = [{"at": 2, "points": 1}, {"at": 4, "points": 2}]
    data["indicators"].append(copy.deepcopy(by_key["incidents"]))  # duplicate key
    with pytest.raises(CatalogError) as caught:
        parse_catalog(data, "broken.yaml")
    problems = caught.value.problems
    assert "indicator 'online': missing target" in problems
    assert "indicator 'plan': unknown pillar 'happiness'" in problems
    assert any(p.startswith("indicator 'meetings': step table is not monotonic") for p in problems)
    assert "indicator 'incidents': duplicate key" in problems
    assert len(problems) == 4
    assert "broken.yaml" in str(caught.value)


def test_pillar_weights_must_sum_to_the_declared_total() -> None:
    data = small_catalog_data()
    data["pillars"][0]["weight"] = 7  # 7 + 4 = 11, declared 10
    with pytest.raises(CatalogError) as caught:
        parse_catalog(data)
    assert "pillar weights sum to 11, not the declared total 10" in caught.value.problems
    # …and gov's indicators (3 + 1 + 2 = 6) no longer add up to its weight either.
    assert any(
        p.startswith("pillar 'gov': indicators' max_points sum to 6") for p in caught.value.problems
    )


def test_lower_is_better_ratio_needs_worst_and_bad_enums_are_named() -> None:
    data = small_catalog_data()
    by_key = {i["key"]: i for i in data["indicators"]}
    del by_key["backlog"]["worst"]
    by_key["online"]["source_type"] = "rumour"
    with pytest.raises(CatalogError) as caught:
        parse_catalog(data)
    assert "indicator 'backlog': a lower-is-better ratio needs 'worst'" in caught.value.problems
    assert any(
        p.startswith("indicator 'online': source_type 'rumour'") for p in caught.value.problems
    )


def test_loading_from_a_file(tmp_path: Path) -> None:
    data = small_catalog_data()
    data["version"] = ""
    broken = tmp_path / "catalog.yaml"
    broken.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CatalogError, match="missing catalog version"):
        load_catalog(broken)


def test_controllable_and_carry_forward_must_be_said_on_every_indicator() -> None:
    data = small_catalog_data()
    by_key = {i["key"]: i for i in data["indicators"]}
    del by_key["online"]["controllable"]
    by_key["plan"]["carry_forward"] = "yes"  # a string is not a yes/no
    with pytest.raises(CatalogError) as caught:
        parse_catalog(data)
    problems = caught.value.problems
    assert "indicator 'online': controllable must be true or false, not None" in problems
    assert "indicator 'plan': carry_forward must be true or false, not 'yes'" in problems
    assert len(problems) == 2


def test_the_catalog_marks_what_the_commune_controls_and_what_stays_valid() -> None:
    catalog = load_catalog(CATALOG_FILE)
    # An operator builds the network: the commune cannot move these itself.
    for key in ("centre_5g_on_air", "population_5g_pct", "fibre_household_pct"):
        assert not catalog.indicator(key).controllable, key
    assert not catalog.indicator("security_incidents").controllable  # not a lever to advise
    assert catalog.indicator("officials_dx_trained_pct").controllable
    # A stock stays valid until replaced; a count "in the month" describes that month only.
    assert catalog.indicator("officials_dx_trained_pct").carry_forward
    in_the_month = [i for i in catalog.indicators if "in the month" in i.definition.en]
    assert {i.key for i in in_the_month} == {
        "dx_communication_posts",
        "security_incidents",
        "kol_livestreams",
    }
    assert not any(i.carry_forward for i in in_the_month)
    assert not any(i.carry_forward for i in catalog.indicators if i.unit == "count_per_month")
