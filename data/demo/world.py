"""What every subject of the demo data shares: the span, the random streams, the units' latent
development level, and the departments.

The latent level (0–1) is the one hidden cause behind everything a unit shows: its indicator
values, how fast it finishes tasks and handles feedback, how far its 5G rollout is. Wards start
highest, lowland communes in the middle, highland and border communes lowest, with unit-level
noise; every unit improves month by month at its own pace.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import numpy as np
from sqlalchemy import Connection, Row, select

from common.periods import FIRST_PERIOD
from common.workcalendar import VIETNAM_TZ
from data.models import Department, Unit

# The new province (and its 102 units) began on 1 July 2025.
SPAN_START = FIRST_PERIOD
# The Steering Committee launched the feedback system and the Đắk Lắk Số app on 10 July 2025.
PLATFORM_LAUNCH = date(2025, 7, 10)
# End dates beyond this would mean inventing the province's whole decade.
LATEST_END_DATE = date(2030, 12, 31)

# Starting level by peer group: the gap the Steering Committee wants to see narrowing.
_BASE_LEVEL = {"phuong": 0.72, "xa_lowland": 0.52, "xa_highland": 0.40}
LATE_REPORTERS = 10  # units with gaps in their monthly reports
BARELY_REPORTING = (2, 3)  # of those, how many hardly report at all (inclusive range)


def vietnam_today() -> date:
    """Today's date in Đắk Lắk (the machine may run on UTC)."""
    return datetime.now(VIETNAM_TZ).date()


def vietnam_now() -> datetime:
    """The local wall-clock time in Đắk Lắk, naive like every timestamp in the database."""
    return datetime.now(VIETNAM_TZ).replace(tzinfo=None, microsecond=0)


def stream(seed: int, *path: str) -> np.random.Generator:
    """An independent random stream for one subject (and sub-subject) of the data.

    Keyed by name through CRC-32 (stable across processes, unlike ``hash``), so adding rows to
    one subject or a new subject never reshuffles another.
    """
    key = tuple(zlib.crc32(part.encode("utf-8")) for part in path)
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=key))


@dataclass(frozen=True)
class Units:
    """The 102 units as parallel arrays, in registry code order."""

    code: np.ndarray  # str
    name: np.ndarray  # str, e.g. "Ea Kar"
    unit_type: np.ndarray  # "phuong" | "xa"
    peer_group: np.ndarray
    former_province: np.ndarray
    population: np.ndarray  # int
    area_km2: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    level0: np.ndarray  # latent development level on 1 July 2025
    pace: np.ndarray  # improvement of the level per month
    late_reporter: np.ndarray  # bool
    barely_reports: np.ndarray  # bool

    def __len__(self) -> int:
        return len(self.code)

    @property
    def is_phuong(self) -> np.ndarray:
        return self.unit_type == "phuong"

    @property
    def is_highland(self) -> np.ndarray:
        return self.peer_group == "xa_highland"

    @property
    def label(self) -> np.ndarray:
        """How running Vietnamese text names the unit: "xã Ea Kar", "phường Tân Lập"."""
        kind = np.where(self.is_phuong, "phường", "xã")
        return np.char.add(np.char.add(kind.astype(str), " "), self.name.astype(str))

    @property
    def radius_km(self) -> np.ndarray:
        """Radius of a disc with the unit's official area: where its cases and sites scatter."""
        return np.sqrt(self.area_km2 / np.pi)

    def level_at(self, months_since_start: np.ndarray | float) -> np.ndarray:
        """Level of every unit (rows) at each time (columns), in months since 1 July 2025."""
        months = np.atleast_1d(np.asarray(months_since_start, dtype=float))
        grown = self.level0[:, None] + self.pace[:, None] * months[None, :]
        return np.clip(grown, 0.05, 0.97)


@dataclass(frozen=True)
class Departments:
    id: np.ndarray
    code: np.ndarray
    name_vi: np.ndarray
    short_vi: np.ndarray

    def index_of(self, code: str) -> int:
        matches = np.flatnonzero(self.code == code)
        if not len(matches):
            raise KeyError(f"department {code!r} is not in the registry (data/reference)")
        return int(matches[0])


@dataclass(frozen=True)
class World:
    seed: int
    scale: float
    end_date: date
    units: Units
    departments: Departments

    @property
    def as_of(self) -> datetime:
        """The snapshot instant: 00:00 on ``end_date``; every event happens before it."""
        return datetime.combine(self.end_date, time.min)

    @property
    def last_day(self) -> date:
        """The last day on which anything happens (the day before ``end_date``)."""
        return self.end_date - timedelta(days=1)


def _draw_levels(units: Sequence[Row], rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    population = np.array([u.population for u in units], dtype=float)
    area = np.array([u.area_km2_official for u in units], dtype=float)
    density = population / area
    base = np.array([_BASE_LEVEL[u.peer_group] for u in units])
    # Denser units are better connected and staffed; remote, thinly settled ones lag behind.
    density_effect = np.clip(0.06 * np.log10(density / np.median(density)), -0.08, 0.08)
    noise = rng.normal(0.0, 0.07, len(units))
    level0 = np.clip(base + density_effect + noise, 0.12, 0.92)
    # Everyone improves; weaker units catch up a little faster (the province's support goes
    # there first), but with a wide spread of individual paces.
    pace = rng.uniform(0.004, 0.016, len(units)) + 0.008 * (1.0 - level0)
    return level0, pace


def _draw_late_reporters(level0: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    weights = (1.0 - level0) ** 2
    late = rng.choice(len(level0), size=LATE_REPORTERS, replace=False, p=weights / weights.sum())
    barely_count = int(rng.integers(BARELY_REPORTING[0], BARELY_REPORTING[1] + 1))
    barely = rng.choice(late, size=barely_count, replace=False)
    late_mask = np.zeros(len(level0), dtype=bool)
    late_mask[late] = True
    barely_mask = np.zeros(len(level0), dtype=bool)
    barely_mask[barely] = True
    return late_mask, barely_mask


def load_world(conn: Connection, *, seed: int, scale: float, end_date: date) -> World:
    """Read the registry from the database and draw the units' latent levels."""
    units = conn.execute(select(Unit.__table__).order_by(Unit.code)).all()
    if not units:
        raise ValueError("the units table is empty: load the registry before generating demo data")
    departments = conn.execute(select(Department.__table__).order_by(Department.id)).all()
    rng = stream(seed, "units")
    level0, pace = _draw_levels(units, rng)
    late, barely = _draw_late_reporters(level0, rng)
    return World(
        seed=seed,
        scale=scale,
        end_date=end_date,
        units=Units(
            code=np.array([u.code for u in units]),
            name=np.array([u.name for u in units]),
            unit_type=np.array([u.unit_type for u in units]),
            peer_group=np.array([u.peer_group for u in units]),
            former_province=np.array([u.former_province for u in units]),
            population=np.array([u.population for u in units], dtype=np.int64),
            area_km2=np.array([u.area_km2_official for u in units], dtype=float),
            lat=np.array([u.centre_lat for u in units], dtype=float),
            lon=np.array([u.centre_lon for u in units], dtype=float),
            level0=level0,
            pace=pace,
            late_reporter=late,
            barely_reports=barely,
        ),
        departments=Departments(
            id=np.array([d.id for d in departments], dtype=np.int64),
            code=np.array([d.code for d in departments]),
            name_vi=np.array([d.name_vi for d in departments]),
            short_vi=np.array([d.short_vi for d in departments]),
        ),
    )


def months_since_start(moments: np.ndarray) -> np.ndarray:
    """Fractional months from 1 July 2025 to each of ``moments`` (datetime64)."""
    days = (np.asarray(moments).astype("datetime64[D]") - np.datetime64(SPAN_START)).astype(float)
    return days / 30.44


def scatter_around(
    rng: np.random.Generator,
    lat: np.ndarray,
    lon: np.ndarray,
    radius_km: np.ndarray,
    spread: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Points around each centre: normal with sd ``spread`` × radius, kept inside the radius.

    Settlements (and so cases and sites) concentrate near the commune centre, thinning out
    towards the edge of its area.
    """
    east = rng.normal(0.0, spread, len(lat)) * radius_km
    north = rng.normal(0.0, spread, len(lat)) * radius_km
    distance = np.hypot(east, north)
    limit = 0.9 * radius_km
    shrink = np.where(distance > limit, limit / np.maximum(distance, 1e-9), 1.0)
    east, north = east * shrink, north * shrink
    new_lat = lat + north / 110.57
    new_lon = lon + east / (111.32 * np.cos(np.radians(lat)))
    return np.round(new_lat, 6), np.round(new_lon, 6)
