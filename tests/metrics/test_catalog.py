"""The catalog: the real one loads; a broken one reports every problem with its key."""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path

import pytest
import yaml

from metrics.catalog import (
    CATALOG_FILE,
    CatalogError,
    Indicator,
    TargetBasis,
    WeightBasis,
    load_catalog,
    parse_catalog,
)
from tests.metrics.conftest import FIXTURES
from tests.metrics.provenance import with_provenance


def small_catalog_data() -> dict:
    return yaml.safe_load((FIXTURES / "small_catalog.yaml").read_text(encoding="utf-8"))


def test_the_catalog_in_force_is_valid_and_complete() -> None:
    catalog = load_catalog(CATALOG_FILE)
    # The file read here on its own, without the loader: every entry must come through, in the
    # file's order, and the scored ones are exactly those not marked `scored: false`.
    raw = yaml.safe_load(CATALOG_FILE.read_text(encoding="utf-8"))
    # The provincial DTI's eight groups (awareness … digital society) are the pillars.
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
        assert indicator.sources, indicator.key
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


# --- provenance ---------------------------------------------------------------------------------

SMALL_DTI = {"gov": 7, "society": 3}  # the DTI's weights for the small catalog's two pillars


def cited_data() -> dict:
    return with_provenance(small_catalog_data(), SMALL_DTI)


def test_a_cited_catalog_parses_documents_sources_and_bases() -> None:
    data = cited_data()
    online = next(i for i in data["indicators"] if i["key"] == "online")
    online["sources"] = [
        {"document": "national_plan", "article": "Điều 2, khoản 1"},
        {"document": "other_city", "what": {"vi": "mức so sánh", "en": "compared level"}},
    ]
    online["target_basis"] = "national"
    catalog = parse_catalog(data)
    plan = catalog.document("national_plan")
    assert (plan.number, plan.date, plan.verified) == ("1/QĐ-TTg", date(2025, 1, 2), True)
    assert catalog.document("rumoured_plan").date is None
    assert catalog.document("other_city").comparison_only
    indicator = catalog.indicator("online")
    assert [s.document.id for s in indicator.sources] == ["national_plan", "other_city"]
    assert indicator.sources[0].article == "Điều 2, khoản 1"
    assert indicator.sources[0].what is None
    assert indicator.sources[1].article == ""  # not known: left empty, never guessed
    assert indicator.sources[1].what is not None
    assert indicator.sources[1].what.en == "compared level"
    assert indicator.target_basis is TargetBasis.NATIONAL
    assert catalog.indicator("wifi").target_basis is TargetBasis.COMPARISON
    gov = catalog.pillar("gov")
    assert (gov.weight, gov.weight_basis, gov.dti_922_weight) == (6, WeightBasis.PROVINCE_CHOICE, 7)
    assert catalog.dti_922_weights == {"gov": 7, "society": 3}


def test_a_catalog_without_documents_keeps_its_free_text_source() -> None:
    # As frozen in results published before the registry: it must still parse and score.
    catalog = parse_catalog(small_catalog_data())
    online = catalog.indicator("online")
    assert (online.source, online.sources, online.target_basis) == ("test", (), None)
    assert catalog.documents == ()
    assert catalog.dti_922_weights is None


def test_an_unknown_document_names_the_indicator_and_the_field() -> None:
    data = cited_data()
    by_key = {i["key"]: i for i in data["indicators"]}
    by_key["online"]["sources"].append({"document": "qd_2361_btttt"})
    by_key["plan"]["sources"] = [{"article": "mục 3"}]  # no document
    with pytest.raises(CatalogError) as caught:
        parse_catalog(data, "cited.yaml")
    assert caught.value.problems == [
        "indicator 'online': sources[2] cites unknown document 'qd_2361_btttt'",
        "indicator 'plan': sources[1] is missing its document",
    ]


def test_missing_provenance_fields_are_each_named() -> None:
    data = cited_data()
    by_key = {i["key"]: i for i in data["indicators"]}
    del by_key["online"]["sources"]
    del by_key["incidents"]["target_basis"]
    by_key["backlog"]["source"] = "free text"  # the old field beside the new one
    del data["pillars"][0]["dti_922_weight"]
    data["pillars"][1]["weight_basis"] = "guess"
    documents = {d["id"]: d for d in data["documents"]}
    del documents["national_plan"]["date"]  # verified, so its date must be known
    del documents["rumoured_plan"]["note"]  # unverified, so it must say why
    with pytest.raises(CatalogError) as caught:
        parse_catalog(data)
    problems = caught.value.problems
    assert "document 'national_plan': a verified document needs its date" in problems
    assert "document 'rumoured_plan': an unverified document needs a note saying why" in problems
    assert "pillar 'gov': missing dti_922_weight" in problems
    assert any(
        p.startswith("pillar 'society': weight_basis 'guess' is not one of") for p in problems
    )
    assert "indicator 'online': sources must cite at least one document" in problems
    assert any(
        p.startswith("indicator 'incidents': target_basis None is not one of") for p in problems
    )
    assert "indicator 'backlog': free-text 'source' is replaced by 'sources'" in problems
    assert len(problems) == 7


def test_a_national_target_needs_a_checked_document_that_is_not_a_comparison() -> None:
    data = cited_data()
    by_key = {i["key"]: i for i in data["indicators"]}
    by_key["online"]["target_basis"] = "national"
    by_key["online"]["sources"] = [{"document": "rumoured_plan"}, {"document": "other_city"}]
    by_key["meetings"]["target_basis"] = "comparison"  # scored: a comparison is not a target
    with pytest.raises(CatalogError) as caught:
        parse_catalog(data)
    assert caught.value.problems == [
        "indicator 'online': target_basis national needs a verified document among its sources "
        "(not one cited for comparison only)",
        "indicator 'meetings': target_basis comparison is for tracked-only indicators",
    ]
    # The same target with the checked national plan beside the other two is accepted.
    by_key["online"]["sources"].append({"document": "national_plan"})
    by_key["meetings"]["target_basis"] = "province_choice"
    assert parse_catalog(data).indicator("online").target_basis is TargetBasis.NATIONAL


def test_dti_weights_add_up_to_the_declared_total() -> None:
    data = with_provenance(small_catalog_data(), {"gov": 7, "society": 4})  # 11, not 10
    with pytest.raises(CatalogError) as caught:
        parse_catalog(data)
    assert caught.value.problems == ["dti_922_weight sums to 11, not the declared total 10"]


def test_a_document_is_part_of_the_content_hash() -> None:
    data = cited_data()
    edited = copy.deepcopy(data)
    edited["documents"][0]["date"] = "2025-01-03"
    assert parse_catalog(data).content_hash != parse_catalog(edited).content_hash


# The shipped catalog, read from the file with yaml alone (not through the parser).
RAW = yaml.safe_load(CATALOG_FILE.read_text(encoding="utf-8"))


def test_every_shipped_indicator_cites_a_registered_document() -> None:
    registry = {d["id"] for d in RAW["documents"]}
    for indicator in RAW["indicators"]:
        cited = [s["document"] for s in indicator["sources"]]
        assert cited, indicator["key"]
        assert set(cited) <= registry, indicator["key"]
        assert "source" not in indicator, indicator["key"]  # no free text left over


def test_no_shipped_national_target_rests_on_an_unchecked_or_comparison_document() -> None:
    documents = {d["id"]: d for d in RAW["documents"]}
    national = [i for i in RAW["indicators"] if i["target_basis"] == "national"]
    assert national  # the property is not vacuous: the 3% budget share is national
    for indicator in national:
        cited = [documents[s["document"]] for s in indicator["sources"]]
        citable = [d for d in cited if d["verified"] and not d.get("comparison_only", False)]
        assert citable, indicator["key"]


def test_shipped_documents_are_citable_or_say_why_not() -> None:
    for document in RAW["documents"]:
        if document["verified"]:
            assert document["number"] and document["date"], document["id"]
        else:
            assert document["note"]["vi"] and document["note"]["en"], document["id"]
    ids = {d["id"] for d in RAW["documents"]}
    assert not any("2361" in i for i in ids)  # the decision that could not be found is gone
    hcm = next(d for d in RAW["documents"] if d["id"] == "hcm_dti_xa_2025")
    assert hcm["comparison_only"] and not hcm["verified"]


# The weights, targets and rules before provenance was recorded (catalog 2026.1 as committed),
# written out by hand: recording sources must not change a single score.
PILLAR_WEIGHTS = {
    "awareness": (8, 10),  # (the province's weight, the provincial DTI's, scaled to 100)
    "institutions": (10, 10),
    "digital_infrastructure": (16, 10),
    "digital_human_resources": (10, 10),
    "cybersecurity": (8, 10),
    "digital_government": (24, 20),
    "digital_economy": (12, 15),
    "digital_society": (12, 15),
}
# key: (target, max_points, rule); a rule is "ratio", "flag", "ratio, worst W" or its steps.
SCORING = {
    "dx_steering_meetings": (4, 3, [(4, 3), (3, 2.25), (2, 1.5), (1, 0.75)]),
    "dx_plan_issued": (1, 2, "flag"),
    "dx_communication_posts": (12, 3, "ratio"),
    "dx_budget_share_pct": (3, 3, "ratio"),
    "dx_regulations_issued": (3, 2, [(3, 2), (2, 1.5), (1, 1)]),
    "task_on_time_pct": (100, 3, "ratio"),
    "task_overdue_count": (0, 2, [(0, 2), (1, 1.2), (2, 0.6)]),
    "fibre_household_pct": (100, 4, "ratio"),
    "mobile_broadband_village_pct": (100, 3, "ratio"),
    "public_wifi_points": (5, 0, "ratio"),
    "centre_5g_on_air": (1, 5, "flag"),
    "population_5g_pct": (99, 4, "ratio"),
    "officials_dx_trained_pct": (100, 4, "ratio"),
    "community_tech_team_village_pct": (100, 3, "ratio"),
    "leader_dx_certified": (1, 3, "flag"),
    "antimalware_device_pct": (100, 4, "ratio"),
    "security_incidents": (0, 2, [(0, 2), (1, 1), (2, 0.5)]),
    "security_drill_done": (1, 2, "flag"),
    "online_dossier_pct": (80, 4, "ratio"),
    "digitised_results_pct": (100, 3, "ratio"),
    "e_payment_pct": (80, 2, "ratio"),
    "e_document_signed_pct": (100, 2, "ratio"),
    "dossier_on_time_pct": (100, 3, "ratio"),
    "feedback_on_time_pct": (100, 4, "ratio"),
    "feedback_backlog_per_10k": (0, 2, "ratio, worst 5"),
    "feedback_satisfaction_pct": (90, 2, "ratio"),
    "feedback_evidence_pct": (100, 2, "ratio"),
    "kol_channel_active": (1, 3, "flag"),
    "kol_livestreams": (4, 2, "ratio"),
    "ocop_products_online": (5, 2, [(5, 2), (3, 1.5), (1, 1)]),
    "cashless_merchant_pct": (80, 3, "ratio"),
    "ecommerce_household_pct": (30, 2, "ratio"),
    "vneid_level2_pct": (100, 3, "ratio"),
    "digital_literacy_trained_pct": (80, 3, "ratio"),
    "daklakso_app_user_pct": (50, 3, "ratio"),
    "payment_account_adult_pct": (90, 3, "ratio"),
}


def _rule_summary(indicator: Indicator) -> object:
    if indicator.rule.type.value == "step":
        return [(s.at, s.points) for s in indicator.rule.steps]
    if indicator.worst is not None:
        return f"ratio, worst {indicator.worst:g}"
    return indicator.rule.type.value


def test_recording_provenance_changed_no_weight_target_or_rule() -> None:
    catalog = load_catalog(CATALOG_FILE)
    assert {p.key: (p.weight, p.dti_922_weight) for p in catalog.pillars} == PILLAR_WEIGHTS
    assert all(p.weight_basis is WeightBasis.PROVINCE_CHOICE for p in catalog.pillars)
    assert {
        i.key: (i.target, i.max_points, _rule_summary(i)) for i in catalog.indicators
    } == SCORING
    assert (catalog.bands.green_at_least, catalog.bands.yellow_at_least) == (80, 65)
    assert (catalog.bands.min_coverage, catalog.bands.max_days_since_update) == (0.8, 62)
    assert not catalog.indicator("public_wifi_points").scored
