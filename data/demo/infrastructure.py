"""Mobile base-station sites moving through the build pipeline, and their stage history.

Three kinds of site make up the rollout:

* one **centre site** per unit: the 5G site covering the People's Committee headquarters.
  Strong units planned it first and mostly have it on air; weak highland units planned it
  later, build slower, and some are blocked (land, grid power, permits, residents' objection);
* **wave one**: Viettel's 2025 upgrades of existing towers to 5G — quick, since tower, power and
  transmission exist. The real-world anchor: about 700 5G sites on air in the province by the
  end of 2025;
* **new builds** through 2026, 5G mostly, plus 4G infill for villages still without coverage
  (more of those in the highland).

Sites cluster by population (and more in wards). Each unit's 5G sites together cover about 92 %
of its population once all are on air, so summing ``population_covered`` over on-air 5G sites
estimates 5G population coverage.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import numpy as np

from common.site_stages import PIPELINE
from data.demo.load import Rows
from data.demo.world import SPAN_START, World, scatter_around, stream
from data.models import InfraSite, InfraSiteStatusChange, InfraSiteUnchecked

SITES_AT_SCALE_1 = 1500
WAVE_ONE_AT_SCALE_1 = 680
REGRESSIONS_AT_SCALE_1 = 9
# Days each stage takes (uniform between the bounds) before slowness is applied.
_NEW_BUILD_DAYS = ((10, 45), (10, 60), (7, 45), (15, 45), (3, 14), (2, 10))
_UPGRADE_DAYS = ((2, 7), (3, 10), (2, 7), (5, 15), (2, 6), (1, 4))
# Why a site stops, by the stage it cannot reach.
_BLOCK_REASONS = {
    "site_agreed": (
        "Vướng giải phóng mặt bằng, chưa thỏa thuận được vị trí đặt trạm",
        "Người dân không đồng thuận vị trí đặt trạm",
    ),
    "permitted": (
        "Chờ cấp giấy phép xây dựng công trình trạm",
        "Vị trí trạm nằm trong đất rừng, chờ chuyển đổi mục đích sử dụng",
    ),
    "power_ready": (
        "Chưa có lưới điện tại vị trí trạm",
        "Chưa có tuyến truyền dẫn cáp quang đến vị trí trạm",
    ),
}
_RESUMED_NOTE = "Đã tháo gỡ vướng mắc, tiếp tục triển khai"
# What sends a working site back along the pipeline: (the stage it falls back to, why).
_REGRESSION_CAUSES = {
    "on_air": (
        ("built", "Thiết bị trạm bị sét đánh hỏng, dừng phát sóng chờ thay thế"),
        ("power_ready", "Cột anten đổ sau mưa bão, phải dựng lại trạm"),
        ("planned", "Chủ đất thu hồi mặt bằng cho thuê, trạm phải dỡ bỏ và tìm vị trí mới"),
        ("integrated", "Mất kết nối truyền dẫn với mạng lõi, phải tích hợp lại"),
    ),
    "integrated": (("site_agreed", "Giấy phép bị thu hồi do trạm xây lệch vị trí được cấp phép"),),
    "built": (("power_ready", "Thiết bị vô tuyến giao sai chủng loại, phải lắp đặt lại"),),
}
_OLD_CODE, _MERGED_INTO = "24517", "24505"  # an old commune code and the unit it is part of now
_OPERATOR_CODES = {"Viettel": "VTL", "VNPT": "VNP", "MobiFone": "MBF"}


@dataclass
class _Plan:
    """The sites to simulate, as parallel lists (one entry per site)."""

    unit: list[int] = field(default_factory=list)
    operator: list[str] = field(default_factory=list)
    technology: list[str] = field(default_factory=list)
    centre: list[bool] = field(default_factory=list)
    upgrade: list[bool] = field(default_factory=list)
    planned: list[date] = field(default_factory=list)
    lead_days: list[int] = field(default_factory=list)  # waiting before the site is agreed
    block_p: list[float] = field(default_factory=list)

    def add(self, **site: object) -> None:
        for name, value in site.items():
            getattr(self, name).append(value)


def _day(offset_days: float) -> date:
    return SPAN_START + timedelta(days=int(offset_days))


def _plan_sites(world: World, rng: np.random.Generator) -> _Plan:
    units = world.units
    plan = _Plan()
    operators = np.array(["Viettel", "VNPT", "MobiFone"])
    for u in range(len(units)):
        # Every centre is in the province's plan from the second half of 2025; strong units
        # upgrade an existing tower at once, weak ones spend months finding and agreeing a site.
        weak = 1.0 - units.level0[u]
        upgrade = bool(units.level0[u] > 0.6)
        plan.add(
            unit=u,
            operator=str(operators[rng.choice(3, p=[0.7, 0.2, 0.1])]),
            technology="5G",
            centre=True,
            upgrade=upgrade,
            planned=min(_day(14 + rng.uniform(0, 150)), world.last_day),
            lead_days=0 if upgrade else int(600 * weak**2 * rng.uniform(0.3, 1.5)),
            block_p=0.45 * weak**2,
        )
    weights = units.population**0.9 * np.where(units.is_phuong, 1.6, 1.0)
    weights = weights / weights.sum()
    wave_one = round(WAVE_ONE_AT_SCALE_1 * world.scale)
    for unit in np.repeat(np.arange(len(units)), rng.multinomial(wave_one, weights)):
        plan.add(
            unit=int(unit),
            operator="Viettel",
            technology="5G",
            centre=False,
            upgrade=True,
            planned=_day(rng.uniform(0, 106)),
            lead_days=0,
            block_p=0.02,
        )
    new_builds = max(round(SITES_AT_SCALE_1 * world.scale) - len(units) - wave_one, 0)
    infill_p = {"phuong": 0.12, "xa_lowland": 0.30, "xa_highland": 0.45}
    for drawn in np.repeat(np.arange(len(units)), rng.multinomial(new_builds, weights)):
        u = int(drawn)
        weak = 1.0 - units.level0[u]
        four_g = rng.random() < infill_p[str(units.peer_group[u])]
        plan.add(
            unit=u,
            operator=str(operators[rng.choice(3, p=[0.45, 0.35, 0.2])]),
            technology="4G" if four_g else "5G",
            centre=False,
            upgrade=False,
            planned=_day(rng.uniform(31, 548)),
            lead_days=0,
            block_p=0.04 + 0.25 * weak**2,
        )
    return plan


@dataclass
class _Life:
    """The stage events a site goes through (before the snapshot cuts them)."""

    events: list[tuple[date, str | None, str, str | None]]  # (day, from, to, note)


def _simulate(plan: _Plan, i: int, world: World, rng: np.random.Generator) -> _Life:
    level = float(world.units.level0[plan.unit[i]])
    slowness = 1.0 if plan.upgrade[i] else 1.6 - level
    durations = _UPGRADE_DAYS if plan.upgrade[i] else _NEW_BUILD_DAYS
    day = plan.planned[i]
    lead = timedelta(days=plan.lead_days[i])
    events: list[tuple[date, str | None, str, str | None]] = [(day, None, "planned", None)]
    blocked_at = None
    if rng.random() < plan.block_p[i]:
        blocked_at = ("site_agreed", "permitted", "power_ready")[int(rng.integers(0, 3))]
    current = "planned"
    for stage, (low, high) in zip(PIPELINE[1:], durations, strict=True):
        if stage == blocked_at:
            day += timedelta(days=int(rng.integers(5, 41)))
            reasons = _BLOCK_REASONS[stage]
            events.append((day, current, "blocked", reasons[int(rng.integers(len(reasons)))]))
            if rng.random() >= 0.4:
                break  # still blocked
            day += timedelta(days=int(rng.integers(30, 151)))
            events.append((day, "blocked", current, _RESUMED_NOTE))
        day += timedelta(days=max(1, int(rng.uniform(low, high) * slowness))) + lead
        lead = timedelta()
        events.append((day, current, stage, None))
        current = stage
    return _Life(events)


def _regress(plan: _Plan, lives: list[_Life], world: World, rng: np.random.Generator) -> None:
    """Send a few working sites back along the pipeline, each with its reason; about half are
    repaired and move on again (possibly after the snapshot). One centre site on air falls back
    and is still down at the snapshot, so a covered centre loses its 5G."""
    last_day = world.last_day
    candidates: list[int] = []
    on_air: set[int] = set()
    for i, life in enumerate(lives):
        seen = [e for e in life.events if e[0] <= last_day]
        if plan.planned[i] > last_day or seen[-1][2] not in _REGRESSION_CAUSES:
            continue
        if (last_day - seen[-1][0]).days >= 45:  # long enough to fall back and maybe recover
            candidates.append(i)
            if seen[-1][2] == "on_air":
                on_air.add(i)
    if not candidates:
        return
    count = min(max(1, round(REGRESSIONS_AT_SCALE_1 * world.scale)), len(candidates))
    centres = [i for i in candidates if plan.centre[i] and i in on_air]
    stays_down = int(rng.choice(centres)) if centres else None
    others = [i for i in candidates if i != stays_down]
    picked = list(
        rng.choice(others, size=min(count - (stays_down is not None), len(others)), replace=False)
    )
    for i in ([stays_down] if stays_down is not None else []) + [int(p) for p in picked]:
        events = [e for e in lives[i].events if e[0] <= last_day]
        reached, current = events[-1][0], events[-1][2]
        causes = _REGRESSION_CAUSES[current]
        to, why = causes[int(rng.integers(len(causes)))]
        day = reached + timedelta(days=int(rng.integers(15, (last_day - reached).days - 14)))
        events.append((day, current, to, why))
        if i != stays_down and rng.random() < 0.5:
            position = PIPELINE.index(to)
            for stage, (low, high) in zip(
                PIPELINE[position + 1 :], _UPGRADE_DAYS[position:], strict=True
            ):
                day += timedelta(days=int(rng.integers(low, high + 1)))
                events.append((day, to, stage, None))
                to = stage
        lives[i] = _Life(events)


def _coverage(plan: _Plan, world: World, rng: np.random.Generator) -> np.ndarray:
    """Population each site covers: a unit's 5G sites share ~92 % of its people."""
    unit = np.array(plan.unit)
    population = world.units.population[unit].astype(float)
    is_5g = np.array(plan.technology) == "5G"
    weight = rng.uniform(0.5, 1.5, len(unit)) * np.where(np.array(plan.centre), 3.0, 1.0)
    totals = np.bincount(unit[is_5g], weights=weight[is_5g], minlength=len(world.units))
    share_5g = 0.92 * weight / np.maximum(totals[unit], 1e-9)
    share_4g = rng.uniform(0.01, 0.04, len(unit))  # a few villages each
    return np.round(population * np.where(is_5g, share_5g, share_4g), -1).astype(np.int64)


@dataclass
class _Tables:
    sites: dict[str, list] = field(default_factory=dict)
    history: dict[str, list] = field(default_factory=dict)

    def append(self, target: dict[str, list], **row: object) -> None:
        for name, value in row.items():
            target.setdefault(name, []).append(value)


def generate(world: World, batch_id: int) -> Iterator[Rows]:
    """Rows of ``infra_sites`` and ``infra_site_status_history`` planned before the snapshot."""
    rng = stream(world.seed, "infrastructure", "plan")
    plan = _plan_sites(world, rng)
    coverage = _coverage(plan, world, rng)
    units = world.units
    unit = np.array(plan.unit)
    lat, lon = scatter_around(
        rng,
        units.lat[unit],
        units.lon[unit],
        units.radius_km[unit],
        0.3,
    )
    # The centre site stands next to the People's Committee, not somewhere in the commune.
    centre = np.array(plan.centre)
    near_lat, near_lon = scatter_around(
        rng, units.lat[unit], units.lon[unit], units.radius_km[unit], 0.01
    )
    lat, lon = np.where(centre, near_lat, lat), np.where(centre, near_lon, lon)
    life_rng = stream(world.seed, "infrastructure", "pipeline")
    lives = [_simulate(plan, i, world, life_rng) for i in range(len(unit))]
    _regress(plan, lives, world, stream(world.seed, "infrastructure", "regressions"))
    # Ids in registry order, then by planning date; centre site first on a tie.
    order = sorted(
        range(len(unit)), key=lambda i: (plan.unit[i], plan.planned[i], not plan.centre[i])
    )
    tables = _Tables()
    sequence: dict[int, int] = {}
    for i in order:
        if plan.planned[i] > world.last_day:
            continue  # not planned yet at the snapshot
        events = [e for e in lives[i].events if e[0] <= world.last_day]
        site_id = len(tables.sites.get("id", [])) + 1
        sequence[plan.unit[i]] = sequence.get(plan.unit[i], 0) + 1
        status = events[-1][2]
        tables.append(
            tables.sites,
            id=site_id,
            site_code=(
                f"{_OPERATOR_CODES[plan.operator[i]]}-{units.code[plan.unit[i]]}-"
                f"{plan.technology[i]}-{sequence[plan.unit[i]]:03d}"
            ),
            unit_code=str(units.code[plan.unit[i]]),
            operator=plan.operator[i],
            technology=plan.technology[i],
            serves_centre=plan.centre[i],
            lat=float(lat[i]),
            lon=float(lon[i]),
            status=status,
            blocked_reason=events[-1][3] if status == "blocked" else None,
            planned_at=plan.planned[i],
            on_air_at=events[-1][0] if status == "on_air" else None,
            population_covered=int(coverage[i]),
            batch_id=batch_id,
        )
        for day, from_status, to_status, note in events:
            tables.append(
                tables.history,
                id=len(tables.history.get("id", [])) + 1,
                site_id=site_id,
                changed_at=day,
                from_status=from_status,
                to_status=to_status,
                note=note,
            )
    yield Rows(InfraSite.__table__, tables.sites)
    yield Rows(InfraSiteStatusChange.__table__, tables.history)


def unchecked(world: World, batch_id: int) -> Iterator[Rows]:
    """Rows of ``infra_sites_unchecked``: three sites from an operator's file that no unit
    could be given — one outside the province (in Pleiku, Gia Lai), one filed under a commune
    code from before the 2025 merger, and one whose coordinates lie in another unit than the
    one stated. They are what ``geo.site_import`` sets aside for someone to check."""
    if world.last_day < SPAN_START + timedelta(days=60):
        return
    rng = stream(world.seed, "infrastructure", "unchecked")
    units = world.units
    stated, elsewhere = (int(u) for u in rng.choice(len(units), size=2, replace=False))
    # Xã Hòa Đông (24517) merged into xã Ea Knuếc (24505) in 2025; operators' files still use
    # the old commune codes now and then.
    merged_into = int(np.flatnonzero(units.code == _MERGED_INTO)[0])
    received = [
        datetime.combine(world.last_day - timedelta(days=int(d)), time(8))
        + timedelta(minutes=int(m))
        for d, m in zip(rng.integers(1, 30, 3), rng.integers(0, 540, 3), strict=True)
    ]
    rows = (
        # (code, reason, stated unit, located unit, lat, lon)
        ("VTL-GL-5G-017", "outside_province", str(units.code[stated]), None, 13.9833, 108.0),
        (
            "VNP-5G-2024-031",
            "unknown_unit",
            _OLD_CODE,
            _MERGED_INTO,
            float(units.lat[merged_into]) + 0.004,
            float(units.lon[merged_into]) - 0.003,
        ),
        (
            f"MBF-{units.code[stated]}-5G-090",
            "unit_mismatch",
            str(units.code[stated]),
            str(units.code[elsewhere]),
            float(units.lat[elsewhere]) - 0.002,
            float(units.lon[elsewhere]) + 0.004,
        ),
    )
    columns: dict[str, list] = {}
    for number, (code, reason, stated_unit, located, lat, lon) in enumerate(rows, start=1):
        day = received[number - 1].date()
        history = [
            {"changed_at": (day - timedelta(days=40)).isoformat(), "to_status": "planned"},
            {"changed_at": (day - timedelta(days=12)).isoformat(), "to_status": "site_agreed"},
        ]
        row = {
            "id": number,
            "site_code": code,
            "reason": reason,
            "stated_unit": stated_unit,
            "located_unit": located,
            "operator": next(o for o, short in _OPERATOR_CODES.items() if code.startswith(short)),
            "technology": "5G",
            "serves_centre": False,
            "lat": lat,
            "lon": lon,
            "status": "site_agreed",
            "history_json": json.dumps(history, ensure_ascii=False),
            "received_at": received[number - 1],
            "batch_id": batch_id,
        }
        for name, value in row.items():
            columns.setdefault(name, []).append(value)
    yield Rows(InfraSiteUnchecked.__table__, columns)
