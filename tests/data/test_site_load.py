"""The write path of imported sites: every problem collected and nothing written on any; a
stored site code replaced whole; one import batch per load. SQLite and PostgreSQL.

The reading of files and the location checks are tested with the command in
tests/geo/test_site_import.py; here, what the data layer itself decides.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

import data.site_load as site_load
from data.models import ImportBatch, InfraSite, InfraSiteStatusChange, InfraSiteUnchecked
from data.queries import data_version
from data.site_load import (
    InvalidSites,
    NewSite,
    NewSiteChange,
    NewUncheckedSite,
    record_sites,
)

NOW = datetime(2026, 11, 25, 9, 30)
PLANNED = NewSiteChange(date(2026, 3, 1), "planned")
AGREED = NewSiteChange(date(2026, 4, 1), "site_agreed")
ON_AIR = NewSiteChange(date(2026, 9, 1), "on_air")
BLOCKED = NewSiteChange(date(2026, 5, 1), "blocked", "Chưa có lưới điện tại vị trí trạm")


def site(code: str, *history: NewSiteChange, **extra: Any) -> NewSite:
    fields: dict[str, Any] = {
        "site_code": code,
        "unit_code": "24133",
        "operator": "Viettel",
        "technology": "5G",
        "serves_centre": True,
        "lat": 12.7009,
        "lon": 108.0222,
        "population_covered": 4000,
        "history": history or (PLANNED,),
        **extra,
    }
    return NewSite(**fields)


def unchecked(code: str, *history: NewSiteChange, **extra: Any) -> NewUncheckedSite:
    fields: dict[str, Any] = {
        "site_code": code,
        "reason": "unit_mismatch",
        "operator": "VNPT",
        "technology": "4G",
        "serves_centre": False,
        "history": history or (PLANNED,),
        "stated_unit": "24133",
        "located_unit": "24121",
        "lat": 12.6579,
        "lon": 108.1068,
        **extra,
    }
    return NewUncheckedSite(**fields)


def store(engine: Engine, *items: NewSite | NewUncheckedSite, name: str = "a.csv") -> Any:
    return record_sites(engine, items, source_name=name, imported_by="Lê Thị Hoa", now=NOW)


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            model.__tablename__: int(
                conn.execute(select(func.count()).select_from(model)).scalar_one()
            )
            for model in (ImportBatch, InfraSite, InfraSiteStatusChange, InfraSiteUnchecked)
        }


def rows(engine: Engine, model: Any) -> dict[str, Any]:
    with engine.connect() as conn:
        found = conn.execute(select(model.__table__)).mappings().all()
    return {row["site_code"]: row for row in found}


def changes(engine: Engine) -> list[tuple[Any, ...]]:
    query = (
        select(
            InfraSite.site_code,
            InfraSiteStatusChange.changed_at,
            InfraSiteStatusChange.from_status,
            InfraSiteStatusChange.to_status,
            InfraSiteStatusChange.note,
        )
        .join(InfraSite, InfraSite.id == InfraSiteStatusChange.site_id)
        .order_by(InfraSiteStatusChange.id)
    )
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(query)]


def test_sites_history_unchecked_sites_and_the_batch_are_written(migrated_engine: Engine) -> None:
    before = data_version(migrated_engine)
    result = store(
        migrated_engine,
        site("A", PLANNED, AGREED, ON_AIR),
        site("B", PLANNED, BLOCKED, unit_code="24121", serves_centre=False),
        unchecked("U", PLANNED, AGREED),
        unchecked("N", PLANNED, reason="no_location", lat=None, lon=None, located_unit=None),
    )
    assert (result.sites, result.unchecked, result.history, result.replaced) == (2, 2, 5, 0)
    assert result.by_reason == {
        "no_location": 1,
        "outside_province": 0,
        "unknown_unit": 0,
        "unit_mismatch": 1,
    }
    assert result.batch_id == data_version(migrated_engine) > before
    assert counts(migrated_engine) == {
        "import_batches": 1,
        "infra_sites": 2,
        "infra_site_status_history": 5,
        "infra_sites_unchecked": 2,
    }
    stored = rows(migrated_engine, InfraSite)
    a, b = stored["A"], stored["B"]
    assert (a["status"], a["planned_at"], a["on_air_at"], a["blocked_reason"]) == (
        "on_air",
        date(2026, 3, 1),
        date(2026, 9, 1),
        None,
    )
    assert (b["status"], b["planned_at"], b["on_air_at"], b["blocked_reason"]) == (
        "blocked",
        date(2026, 3, 1),
        None,
        "Chưa có lưới điện tại vị trí trạm",
    )
    assert (b["unit_code"], bool(b["serves_centre"]), b["population_covered"]) == (
        "24121",
        False,
        4000,
    )
    assert changes(migrated_engine) == [
        ("A", date(2026, 3, 1), None, "planned", None),
        ("A", date(2026, 4, 1), "planned", "site_agreed", None),
        ("A", date(2026, 9, 1), "site_agreed", "on_air", None),
        ("B", date(2026, 3, 1), None, "planned", None),
        ("B", date(2026, 5, 1), "planned", "blocked", "Chưa có lưới điện tại vị trí trạm"),
    ]
    kept = rows(migrated_engine, InfraSiteUnchecked)
    u, n = kept["U"], kept["N"]
    assert (u["reason"], u["stated_unit"], u["located_unit"], u["status"]) == (
        "unit_mismatch",
        "24133",
        "24121",
        "site_agreed",
    )
    assert json.loads(u["history_json"]) == [
        {"changed_at": "2026-03-01", "to_status": "planned", "note": None},
        {"changed_at": "2026-04-01", "to_status": "site_agreed", "note": None},
    ]
    assert (n["reason"], n["lat"], n["lon"], n["located_unit"]) == ("no_location", None, None, None)
    assert u["received_at"] == n["received_at"] == NOW
    with migrated_engine.connect() as conn:
        batch = conn.execute(select(ImportBatch.__table__)).mappings().one()
    assert (batch["id"], batch["kind"], batch["source_name"], batch["imported_by"]) == (
        result.batch_id,
        "infrastructure",
        "a.csv",
        "Lê Thị Hoa",
    )
    assert (batch["imported_at"], batch["row_count"]) == (NOW, 8)  # 5 + 3 stage changes
    assert json.loads(batch["parameters"]) == {
        "sites": 2,
        "unchecked": 2,
        "history": 5,
        "replaced": 0,
        "unchecked_by_reason": result.by_reason,
    }
    assert {a["batch_id"], b["batch_id"], u["batch_id"], n["batch_id"]} == {result.batch_id}


def test_every_problem_is_collected_by_item_and_field_and_nothing_is_written(
    migrated_engine: Engine,
) -> None:
    store(migrated_engine, site("KEEP", PLANNED, AGREED))
    before = counts(migrated_engine)
    items = [
        site("KEEP", PLANNED),  # would replace a stored site: not done either
        site("S-2", PLANNED, operator="Vinaphone", unit_code="24517", population_covered=-1),
        site(
            "S-3",
            PLANNED,
            NewSiteChange(date(2026, 4, 1), "live", "x" * 201),
            technology="3G",
        ),
        unchecked("S-3", PLANNED, reason="lost", stated_unit="2" * 21),
        site("x" * 31, PLANNED),
        site("S-6", history=()),
    ]
    with pytest.raises(InvalidSites) as caught:
        store(migrated_engine, *items)
    found = {(p.row, p.field, p.reason, p.same_as) for p in caught.value.problems}
    assert found == {
        (2, "operator", "unknown_operator", None),
        (2, "unit_code", "unknown_unit", None),
        (2, "population_covered", "negative", None),
        (3, "technology", "unknown_technology", None),
        (3, "to_status", "unknown_status", None),
        (3, "note", "too_long", None),
        (4, "reason", "unknown_reason", None),
        (4, "stated_unit", "too_long", None),
        (4, "site_code", "repeated", 3),
        (5, "site_code", "too_long", None),
        (6, "to_status", "no_history", None),
    }
    assert counts(migrated_engine) == before
    assert [c[3] for c in changes(migrated_engine)] == ["planned", "site_agreed"]  # KEEP's


def test_a_stored_site_code_is_replaced_whole_from_either_table(migrated_engine: Engine) -> None:
    first = store(
        migrated_engine,
        site("A", PLANNED, AGREED, ON_AIR),
        unchecked("U", PLANNED),
        site("OTHER", PLANNED),
    )
    # A comes back to be checked, U comes back located in its unit; OTHER is not in the load.
    second = store(
        migrated_engine,
        unchecked("A", PLANNED, reason="outside_province", located_unit=None),
        site("U", PLANNED, AGREED),
        name="b.csv",
    )
    assert second.replaced == 2 and second.batch_id > first.batch_id
    assert counts(migrated_engine) == {
        "import_batches": 2,
        "infra_sites": 2,
        "infra_site_status_history": 3,  # OTHER's 1 and U's 2; A's 3 are gone
        "infra_sites_unchecked": 1,
    }
    assert sorted(rows(migrated_engine, InfraSite)) == ["OTHER", "U"]
    assert rows(migrated_engine, InfraSite)["U"]["batch_id"] == second.batch_id
    assert rows(migrated_engine, InfraSite)["OTHER"]["batch_id"] == first.batch_id
    only = rows(migrated_engine, InfraSiteUnchecked)["A"]
    assert (only["reason"], only["batch_id"]) == ("outside_province", second.batch_id)
    assert [c[0] for c in changes(migrated_engine)] == ["OTHER", "U", "U"]


def test_a_write_that_fails_midway_leaves_the_stored_sites_as_they_were(
    migrated_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    store(migrated_engine, site("A", PLANNED, AGREED), unchecked("U", PLANNED))
    before = counts(migrated_engine)

    def broken(*_args: object) -> None:
        raise RuntimeError("the disk is full")

    # The old versions of A and U are deleted before the new rows go in: the failure must
    # roll the deletion back too.
    monkeypatch.setattr(site_load, "_write_sites", broken)
    with pytest.raises(RuntimeError, match="disk is full"):
        store(migrated_engine, site("A", PLANNED), unchecked("U", PLANNED, AGREED))
    assert counts(migrated_engine) == before
    assert [c[3] for c in changes(migrated_engine)] == ["planned", "site_agreed"]
    assert rows(migrated_engine, InfraSiteUnchecked)["U"]["status"] == "planned"
