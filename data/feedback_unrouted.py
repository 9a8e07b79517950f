"""Cases no unit could be given (``feedback_unrouted``): kept, listed, never dropped.

A received case lands here instead of ``feedback_cases`` when its coordinates lie outside the
province (``outside_province``), when it has no coordinates and its stated unit is not one of
the 102 (``unknown_unit``), or when it has neither (``no_location``). The feedback page lists
them so that someone routes them by hand.

INTERFACE: :func:`read_unrouted(engine, limit)` → DataFrame: case_code, reason, stated_unit,
lat, lon, received_at, channel, category_group, category, severity, description, and the
reporter's fields masked (``reporter_name_masked``, ``reporter_phone_masked``,
``reporter_address_masked``) — the raw ones never leave this module;
:func:`unrouted_count(engine)` → int.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, func, select

from common.masking import mask_address, mask_name, mask_phone
from data.models import FeedbackUnrouted

REASONS = ("outside_province", "unknown_unit", "no_location")
COLUMNS = [
    "case_code",
    "reason",
    "stated_unit",
    "lat",
    "lon",
    "received_at",
    "channel",
    "category_group",
    "category",
    "severity",
    "description",
]
MASKED = {
    "reporter_name": ("reporter_name_masked", mask_name),
    "reporter_phone": ("reporter_phone_masked", mask_phone),
    "reporter_address": ("reporter_address_masked", mask_address),
}


def read_unrouted(engine: Engine, limit: int = 200) -> pd.DataFrame:
    """The ``limit`` most recently received unrouted cases, newest first (a tie broken by case
    code), reporter fields masked. Newest first: the list is a tray to clear, and the total is
    :func:`unrouted_count`."""
    table = FeedbackUnrouted.__table__
    query = (
        select(*(table.c[name] for name in [*COLUMNS, *MASKED]))
        .order_by(table.c.received_at.desc(), table.c.case_code)
        .limit(max(0, int(limit)))
    )
    with engine.connect() as conn:
        rows = [row._mapping for row in conn.execute(query)]
    # Built column by column from the rows, not by pandas inference: pandas 3 would turn the
    # text columns into its string dtype with NaN for a missing value, and the masking
    # functions (and the page) expect None.
    frame = pd.DataFrame(
        {name: pd.Series([row[name] for row in rows], dtype=object) for name in COLUMNS}
    )
    frame["received_at"] = pd.to_datetime(frame["received_at"])
    frame["lat"] = frame["lat"].astype(float)
    frame["lon"] = frame["lon"].astype(float)
    for raw, (masked, mask) in MASKED.items():
        frame[masked] = pd.Series([mask(row[raw]) for row in rows], dtype=object)
    return frame


def unrouted_count(engine: Engine) -> int:
    with engine.connect() as conn:
        count = conn.execute(select(func.count()).select_from(FeedbackUnrouted)).scalar_one()
    return int(count)
