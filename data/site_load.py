"""The write path of imported mobile sites (``python -m geo.site_import``): each site whole,
with its dated stage changes, all or nothing.

A site the import could give to its unit (its coordinates lie in the unit it states) becomes an
``infra_sites`` row with its ``infra_site_status_history``; one it could not (no coordinates,
outside the province, an unknown unit code, or coordinates in another unit) becomes an
``infra_sites_unchecked`` row, its history kept as JSON text, until someone checks it.

A site code already stored, in either table, is replaced whole by the load's version: its old
row and history are deleted in the same transaction. Every value is checked against the schema
first — enumerations, text lengths, the unit — collecting every problem; with any, nothing is
written. A load makes one new ``import_batches`` row (kind ``infrastructure``): the newest
batch id is the data version, so the dashboard recomputes what depends on the sites.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select

from common.site_stages import BLOCKED, ON_AIR, SITE_STATES
from data.db import exclusive_write
from data.feedback_load import _unit_codes
from data.indicators import RowProblem
from data.models import (
    OPERATORS,
    SITE_TECHNOLOGIES,
    ImportBatch,
    InfraSite,
    InfraSiteStatusChange,
    InfraSiteUnchecked,
)

IMPORT_KIND = "infrastructure"
# Why a site needs checking, in the order the import decides it (the first that applies).
UNCHECKED_REASONS = ("no_location", "outside_province", "unknown_unit", "unit_mismatch")
# Text lengths of the schema, checked here: SQLite would keep a longer text PostgreSQL refuses.
TEXT_LIMITS = {"site_code": 30, "stated_unit": 20, "note": 200}
_CHUNK = 500  # codes per IN list, within every driver's limit


@dataclass(frozen=True)
class NewSiteChange:
    changed_at: date
    to_status: str  # one of common.site_stages.SITE_STATES
    note: str | None = None  # the reason of a block or of a step back


@dataclass(frozen=True)
class NewSite:
    """A site given to its unit, with its whole stage history (oldest first)."""

    site_code: str
    unit_code: str
    operator: str
    technology: str
    serves_centre: bool
    lat: float
    lon: float
    population_covered: int
    history: tuple[NewSiteChange, ...]

    @property
    def status(self) -> str:
        return self.history[-1].to_status

    @property
    def blocked_reason(self) -> str | None:
        return self.history[-1].note if self.status == BLOCKED else None

    @property
    def planned_at(self) -> date:
        return self.history[0].changed_at

    @property
    def on_air_at(self) -> date | None:
        return self.history[-1].changed_at if self.status == ON_AIR else None


@dataclass(frozen=True)
class NewUncheckedSite:
    """A site no unit could be given, kept whole with the reason until someone checks it."""

    site_code: str
    reason: str  # one of UNCHECKED_REASONS
    operator: str
    technology: str
    serves_centre: bool
    history: tuple[NewSiteChange, ...]
    stated_unit: str | None = None
    located_unit: str | None = None  # the unit holding its coordinates, if any
    lat: float | None = None
    lon: float | None = None

    @property
    def status(self) -> str:
        return self.history[-1].to_status


NewSiteRecord = NewSite | NewUncheckedSite


class InvalidSites(ValueError):
    """Sites that cannot be stored (``row`` counts the sites given, from 1); nothing of the
    load was written."""

    def __init__(self, problems: Sequence[RowProblem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class SiteLoadResult:
    batch_id: int
    sites: int
    unchecked: int
    history: int  # stage changes written to infra_site_status_history
    replaced: int  # site codes stored before, replaced whole
    by_reason: dict[str, int] = field(default_factory=dict)  # unchecked sites per reason


def history_json(history: Iterable[NewSiteChange]) -> str:
    """The history as an unchecked site keeps it: a JSON list of changed_at (ISO day),
    to_status and note."""
    return json.dumps(
        [
            {"changed_at": c.changed_at.isoformat(), "to_status": c.to_status, "note": c.note}
            for c in history
        ],
        ensure_ascii=False,
    )


# --- checks ------------------------------------------------------------------------------------


def _too_long(row: int, name: str, value: str | None) -> list[RowProblem]:
    if value is not None and len(value) > TEXT_LIMITS[name]:
        return [RowProblem(row, name, "too_long", value)]
    return []


def _item_problems(row: int, item: NewSiteRecord, units: set[str]) -> list[RowProblem]:
    found = []
    if not item.site_code.strip():
        found.append(RowProblem(row, "site_code", "missing"))
    found += _too_long(row, "site_code", item.site_code)
    if item.operator not in OPERATORS:
        found.append(RowProblem(row, "operator", "unknown_operator", item.operator))
    if item.technology not in SITE_TECHNOLOGIES:
        found.append(RowProblem(row, "technology", "unknown_technology", item.technology))
    if not item.history:
        found.append(RowProblem(row, "to_status", "no_history"))
    for change in item.history:
        if change.to_status not in SITE_STATES:
            found.append(RowProblem(row, "to_status", "unknown_status", change.to_status))
        found += _too_long(row, "note", change.note)
    if isinstance(item, NewUncheckedSite):
        if item.reason not in UNCHECKED_REASONS:
            found.append(RowProblem(row, "reason", "unknown_reason", item.reason))
        return found + _too_long(row, "stated_unit", item.stated_unit)
    if item.unit_code not in units:
        found.append(RowProblem(row, "unit_code", "unknown_unit", item.unit_code))
    if item.population_covered < 0:
        found.append(
            RowProblem(row, "population_covered", "negative", str(item.population_covered))
        )
    return found


def find_problems(items: Sequence[NewSiteRecord], *, units: set[str]) -> list[RowProblem]:
    """Every problem of ``items`` against the schema and the registry (rows from 1)."""
    problems: list[RowProblem] = []
    first_row: dict[str, int] = {}
    for row, item in enumerate(items, start=1):
        problems += _item_problems(row, item, units)
        earlier = first_row.setdefault(item.site_code, row)
        if earlier != row and item.site_code.strip():
            problems.append(RowProblem(row, "site_code", "repeated", item.site_code, earlier))
    return problems


def check_sites(engine: Engine, items: Sequence[NewSiteRecord]) -> list[RowProblem]:
    """The problems :func:`record_sites` would refuse ``items`` for (nothing written)."""
    with engine.connect() as conn:
        return find_problems(items, units=_unit_codes(conn))


# --- writing -----------------------------------------------------------------------------------


def _chunks(codes: Iterable[str]) -> Iterable[list[str]]:
    unique = sorted(set(codes))
    for start in range(0, len(unique), _CHUNK):
        yield unique[start : start + _CHUNK]


def _replace_stored(conn: Connection, codes: Iterable[str]) -> int:
    """Delete the stored sites (and their history) of ``codes``: how many codes were stored."""
    stored: set[str] = set()
    for chunk in _chunks(codes):
        for column in (InfraSite.site_code, InfraSiteUnchecked.site_code):
            stored |= set(conn.execute(select(column).where(column.in_(chunk))).scalars())
        old_ids = select(InfraSite.id).where(InfraSite.site_code.in_(chunk))
        conn.execute(
            delete(InfraSiteStatusChange).where(InfraSiteStatusChange.site_id.in_(old_ids))
        )
        conn.execute(delete(InfraSite).where(InfraSite.site_code.in_(chunk)))
        conn.execute(delete(InfraSiteUnchecked).where(InfraSiteUnchecked.site_code.in_(chunk)))
    return len(stored)


def _site_row(site: NewSite, batch_id: int) -> dict[str, Any]:
    names = ("site_code", "unit_code", "operator", "technology", "serves_centre", "lat", "lon")
    return {
        **{name: getattr(site, name) for name in names},
        "status": site.status,
        "blocked_reason": site.blocked_reason,
        "planned_at": site.planned_at,
        "on_air_at": site.on_air_at,
        "population_covered": site.population_covered,
        "batch_id": batch_id,
    }


def _write_sites(conn: Connection, sites: Sequence[NewSite], batch_id: int) -> None:
    if not sites:
        return
    conn.execute(insert(InfraSite), [_site_row(site, batch_id) for site in sites])
    query = select(InfraSite.site_code, InfraSite.id).where(InfraSite.batch_id == batch_id)
    new_ids = {str(code): int(site_id) for code, site_id in conn.execute(query)}
    changes = []
    for site in sites:
        before: str | None = None
        for change in site.history:
            changes.append(
                {
                    "site_id": new_ids[site.site_code],
                    "changed_at": change.changed_at,
                    "from_status": before,
                    "to_status": change.to_status,
                    "note": change.note,
                }
            )
            before = change.to_status
    conn.execute(insert(InfraSiteStatusChange), changes)


def _unchecked_row(site: NewUncheckedSite, batch_id: int, received_at: datetime) -> dict[str, Any]:
    names = ("site_code", "reason", "stated_unit", "located_unit", "operator", "technology")
    return {
        **{name: getattr(site, name) for name in names},
        "serves_centre": site.serves_centre,
        "lat": site.lat,
        "lon": site.lon,
        "status": site.status,
        "history_json": history_json(site.history),
        "received_at": received_at,
        "batch_id": batch_id,
    }


def record_sites(
    engine: Engine,
    items: Sequence[NewSiteRecord],
    *,
    source_name: str,
    imported_by: str,
    now: datetime,
) -> SiteLoadResult:
    """Store ``items`` as one import batch made at ``now`` (Vietnam local time, naive: also
    the receipt time of the unchecked sites), replacing any stored site of the same code.
    Raises :class:`InvalidSites` (nothing written) when any item cannot be stored; checked and
    written in one transaction, with no other load between."""
    sites = [i for i in items if isinstance(i, NewSite)]
    unchecked = [i for i in items if isinstance(i, NewUncheckedSite)]
    with exclusive_write(engine) as conn:
        problems = find_problems(items, units=_unit_codes(conn))
        if problems:
            raise InvalidSites(problems)
        replaced = _replace_stored(conn, [i.site_code for i in items])
        by_reason = {r: sum(u.reason == r for u in unchecked) for r in UNCHECKED_REASONS}
        history = sum(len(s.history) for s in sites)
        counts = {
            "sites": len(sites),
            "unchecked": len(unchecked),
            "history": history,
            "replaced": replaced,
            "unchecked_by_reason": by_reason,
        }
        batch = {
            "kind": IMPORT_KIND,
            "source_name": source_name[:300],
            "imported_by": imported_by[:120],
            "imported_at": now,
            "row_count": sum(len(i.history) for i in items),  # the stage changes given
            "parameters": json.dumps(counts, ensure_ascii=False, sort_keys=True),
        }
        batch_id = int(
            conn.execute(insert(ImportBatch).returning(ImportBatch.id), [batch]).scalar_one()
        )
        _write_sites(conn, sites, batch_id)
        if unchecked:
            conn.execute(
                insert(InfraSiteUnchecked),
                [_unchecked_row(u, batch_id, now) for u in unchecked],
            )
    return SiteLoadResult(batch_id, len(sites), len(unchecked), history, replaced, by_reason)
