"""A handful of received cases no unit could be given (``feedback_unrouted``).

The real system sees two kinds, and the feedback page lists them so that someone routes them by
hand:

* app and Zalo reports whose phone GPS fix lies outside the province — the reporter stood
  across the border in Gia Lai, Khánh Hòa or Lâm Đồng, the fix was taken at sea off the coast,
  or the phone still held a fix from a trip: about 1 in 2,000 located app reports (0.05 %);
* hotline calls where the operator typed a unit code that is not one of the 102: mostly the
  caller's old (pre-2025) commune code, now merged away, sometimes a typo — about 1 in 1,000
  hotline calls.

The volume follows the scale (about 310 cases a day at scale 1, ``data.demo.feedback``), from
the platform's launch to the end date, with at least one case of each kind; the rows come from
their own random stream, so adding them reshuffles no other subject. Outside points are
jittered around places at least ~10 km beyond the province (checked against the detailed
boundaries by the tests).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import numpy as np

from data.demo import feedback_catalog as cat
from data.demo.load import Rows
from data.demo.people import person_names, phone_numbers
from data.demo.world import PLATFORM_LAUNCH, World, stream
from data.models import FeedbackUnrouted
from data.registry import load_units

CASES_PER_DAY = 310  # at scale 1, the average of data.demo.feedback over its reference span
# Per day at scale 1: about half the cases come through the app, nearly all with a GPS fix;
# about 15 % through the hotline.
OUTSIDE_PER_DAY = CASES_PER_DAY * 0.5 * 0.0005
UNKNOWN_UNIT_PER_DAY = CASES_PER_DAY * 0.15 * 0.001
JITTER_DEG = 0.02  # about 2 km
# Places beyond the province where a fix lands: (latitude, longitude).
OUTSIDE_PLACES = (
    (13.9833, 108.0000),  # Pleiku, Gia Lai
    (13.7765, 109.2237),  # Quy Nhơn, Gia Lai (old Bình Định)
    (12.2388, 109.1967),  # Nha Trang, Khánh Hòa
    (12.0042, 107.6907),  # Gia Nghĩa, Lâm Đồng (old Đắk Nông)
    (12.4558, 107.1880),  # Sen Monorom, Mondulkiri (Cambodia)
    (13.0000, 109.6500),  # the sea off Tuy Hòa
)
_PLACE_WORDS = (
    "khu dân cư gần chợ",
    "xóm nơi tôi ở",
    "khu phố nhà tôi",
    "đoạn đường gần trường học",
)


def _arrival_days(world: World, per_day: float, rng: np.random.Generator) -> np.ndarray:
    """One datetime64[D] per case, in order: a Poisson count over the span from the launch to
    the end, at least one (so the page's list is never empty, even at a tiny scale), on days
    drawn uniformly."""
    days = np.arange(np.datetime64(PLATFORM_LAUNCH), np.datetime64(world.end_date))
    if not len(days):
        return days
    count = max(1, int(rng.poisson(per_day * world.scale * len(days))))
    return np.sort(days[rng.integers(0, len(days), count)])


def _moments(days: np.ndarray, first_hour: int, last_hour: int, rng: np.random.Generator) -> list:
    seconds = rng.integers(first_hour * 3600, last_hour * 3600, len(days))
    start = datetime.combine(PLATFORM_LAUNCH, datetime.min.time())
    offsets = (days - np.datetime64(PLATFORM_LAUNCH)).astype(np.int64)
    return [
        start + timedelta(days=int(day), seconds=int(second))
        for day, second in zip(offsets, seconds, strict=True)
    ]


def _wrong_codes(n: int, rng: np.random.Generator) -> list[str]:
    """Codes that are no unit: old commune codes merged away, or a current code mistyped."""
    units = load_units()
    current = {u.code for u in units}
    old = sorted(
        {c for u in units for c in u.formed_from_codes.split(";") if c and c not in current}
    )
    codes = []
    for _ in range(n):
        if rng.random() < 0.8 and old:
            codes.append(old[int(rng.integers(0, len(old)))])
            continue
        code = list(sorted(current)[int(rng.integers(0, len(current)))])
        i = int(rng.integers(0, 4))
        code[i], code[i + 1] = code[i + 1], code[i]  # two digits swapped
        typed = "".join(code)
        codes.append(typed if typed not in current else typed[:4])  # else a digit dropped
    return codes


def _topics(n: int, rng: np.random.Generator) -> tuple[list[str], list[str], list[str], list[str]]:
    """Group, category, severity and description of each case, from the feedback texts."""
    weights = np.array([c.weight for c in cat.CATEGORIES])
    chosen = rng.choice(len(cat.CATEGORIES), size=n, p=weights / weights.sum())
    groups, names, severities, texts = [], [], [], []
    for index in chosen:
        category = cat.CATEGORIES[int(index)]
        sentence = category.problems[int(rng.integers(0, len(category.problems)))]
        severity = ("urgent", "normal", "complex")[
            int(rng.choice(3, p=np.array(category.severity) / sum(category.severity)))
        ]
        text = sentence.format(
            place=_PLACE_WORDS[int(rng.integers(0, len(_PLACE_WORDS)))],
            procedure=cat.PROCEDURES[int(rng.integers(0, len(cat.PROCEDURES)))],
        )
        groups.append(category.group)
        names.append(category.name)
        severities.append(severity)
        texts.append(text[:1].upper() + text[1:])
    return groups, names, severities, texts


def _case_codes(received: list[datetime]) -> list[str]:
    """PAKN-2026-U00012: numbered from 1 every year in order of receipt, with a U so that they
    never meet the routed cases' numbers."""
    per_year: dict[int, int] = {}
    codes = []
    for moment in received:
        per_year[moment.year] = per_year.get(moment.year, 0) + 1
        codes.append(f"PAKN-{moment.year}-U{per_year[moment.year]:05d}")
    return codes


def generate(world: World, batch_id: int) -> Iterator[Rows]:
    """The unrouted cases of the data set (none before the platform's launch)."""
    rng = stream(world.seed, "feedback", "unrouted")
    outside_days = _arrival_days(world, OUTSIDE_PER_DAY, rng)
    unknown_days = _arrival_days(world, UNKNOWN_UNIT_PER_DAY, rng)
    n_out, n_unknown = len(outside_days), len(unknown_days)
    n = n_out + n_unknown
    if not n:
        return
    received = _moments(outside_days, 6, 22, rng) + _moments(unknown_days, 8, 17, rng)
    order = sorted(range(n), key=lambda i: (received[i], i))
    place = rng.integers(0, len(OUTSIDE_PLACES), n_out)
    lat = np.array([OUTSIDE_PLACES[p][0] for p in place]) + rng.uniform(-1, 1, n_out) * JITTER_DEG
    lon = np.array([OUTSIDE_PLACES[p][1] for p in place]) + rng.uniform(-1, 1, n_out) * JITTER_DEG
    channel = ["zalo" if rng.random() < 0.1 else "app" for _ in range(n_out)]
    groups, names, severities, texts = _topics(n, rng)
    columns: dict[str, list] = {
        "reason": ["outside_province"] * n_out + ["unknown_unit"] * n_unknown,
        "stated_unit": [None] * n_out + _wrong_codes(n_unknown, rng),
        "lat": [round(float(v), 6) for v in lat] + [None] * n_unknown,
        "lon": [round(float(v), 6) for v in lon] + [None] * n_unknown,
        "received_at": received,
        "channel": channel + ["hotline"] * n_unknown,
        "category_group": groups,
        "category": names,
        "severity": severities,
        "description": texts,
        "reporter_name": person_names(rng, np.full(n, 0.05)),
        "reporter_phone": phone_numbers(rng, n),
        "reporter_address": [None] * n,
    }
    ordered = {name: [values[i] for i in order] for name, values in columns.items()}
    ordered["case_code"] = _case_codes(ordered["received_at"])
    ordered["id"] = list(range(1, n + 1))
    ordered["batch_id"] = [batch_id] * n
    yield Rows(FeedbackUnrouted.__table__, ordered)
