"""The registry of the 102 units, checked against the published facts."""

from __future__ import annotations

import csv
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from data.registry import (
    UNITS_FILE,
    RegistryError,
    load_departments,
    load_units,
    normalise_name,
)
from tests.reference import registry_rows

SHARED_LIST = Path(__file__).resolve().parents[3] / "shared" / "geo" / "communes.csv"


def test_there_are_102_units_with_unique_five_digit_codes() -> None:
    units = load_units()
    codes = [u.code for u in units]
    assert len(units) == 102
    assert len(set(codes)) == 102
    assert all(len(c) == 5 and c.isdigit() for c in codes)


def test_14_wards_and_88_communes() -> None:
    types = [u.unit_type for u in load_units()]
    assert types.count("phuong") == 14
    assert types.count("xa") == 88


def test_population_sums_to_the_province_total() -> None:
    # Resolution 202/2025/QH15: the merged province has 3,346,853 people.
    assert sum(u.population for u in load_units()) == 3_346_853


def test_known_unit_facts() -> None:
    by_code = {u.code: u for u in load_units()}
    assert by_code["22015"].full_name == "Phường Tuy Hòa"
    assert by_code["22015"].unit_type == "phuong"
    assert by_code["22015"].peer_group == "phuong"


def _plain(text: str) -> str:
    """Lower case without tone marks, so "Sơn Hoà" and "Sơn Hòa" read alike."""
    decomposed = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


HIGHLAND_PHU_YEN = {"huyen song hinh", "huyen son hoa", "huyen dong xuan"}


def _rule_peer_group(unit_type: str, formed_from: str) -> str:
    """SOURCES.md's rule, applied to the merger table: every phường is a ward; a xã formed from
    any old unit of old Đắk Lắk or of Phú Yên's mountainous districts is highland; else lowland."""
    if unit_type == "phuong":
        return "phuong"
    # Each old unit reads "Xã X (Huyện Y, Tỉnh Z)".
    places = [_plain(part.split("(", 1)[1]) for part in formed_from.split(";")]
    highland = any(
        "tinh dak lak" in place or place.split(",")[0].strip() in HIGHLAND_PHU_YEN
        for place in places
    )
    return "xa_highland" if highland else "xa_lowland"


def test_peer_groups_follow_the_documented_rule() -> None:
    by_rule = {
        row["code"]: _rule_peer_group(row["unit_type"], row["formed_from"])
        for row in registry_rows()
    }
    assert {u.code: u.peer_group for u in load_units()} == by_rule
    # The counts SOURCES.md states follow from the rule: 14 phường, 73 highland xã, 15 lowland.
    counts = Counter(by_rule.values())
    assert counts == {"phuong": 14, "xa_highland": 73, "xa_lowland": 15}


def test_every_centre_point_lies_in_the_province_extent() -> None:
    # SOURCES.md extent: 107.484–109.459 °E, 12.161–13.695 °N.
    for unit in load_units():
        assert 12.161 <= unit.centre_lat <= 13.695, unit.code
        assert 107.484 <= unit.centre_lon <= 109.459, unit.code


@pytest.mark.skipif(not SHARED_LIST.exists(), reason="needs ../shared/geo beside the checkout")
def test_registry_matches_the_authoritative_list() -> None:
    with SHARED_LIST.open(encoding="utf-8") as handle:
        published = {row["code"]: row for row in csv.DictReader(handle)}
    for unit in load_units():
        row = published[unit.code]
        assert unit.full_name == row["full_name"]
        assert unit.population == int(row["population_official"])
        assert unit.area_km2_official == float(row["area_km2_official"])
        assert unit.unit_type == row["type"]
    assert len(published) == 102


def test_names_match_through_normalisation_only() -> None:
    # Ea H’Leo is written with U+2019 in the official list; imports may use a plain apostrophe.
    assert normalise_name("Ea H’Leo") == normalise_name("ea h'leo")
    assert normalise_name("Cư  M’gar") == normalise_name("CƯ M'GAR")


def test_bad_rows_are_all_reported_with_row_and_field(tmp_path: Path) -> None:
    with UNITS_FILE.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    rows[0]["code"] = "2201"  # row 2 in the file (line 1 is the header)
    rows[4]["population"] = "many"  # row 6
    rows[9]["code"] = rows[8]["code"]  # row 11 repeats row 10
    bad = tmp_path / "units.csv"
    with bad.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    with pytest.raises(RegistryError) as caught:
        load_units(bad)
    problems = caught.value.problems
    assert "units.csv row 2, field code: '2201' is not a 5-digit code" in problems
    assert any(p.startswith("units.csv row 6, field population") for p in problems)
    assert any(p.startswith("units.csv row 11, field code") and "row 10" in p for p in problems)


def test_departments_have_unique_codes_and_both_names() -> None:
    departments = load_departments()
    assert len({d.code for d in departments}) == len(departments)
    assert "SKHCN" in {d.code for d in departments}
    assert all(d.name_vi and d.name_en for d in departments)
