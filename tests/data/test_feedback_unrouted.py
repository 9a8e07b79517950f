"""The unrouted list: newest first, limited, reporter fields masked before they leave data/.

SQLite and PostgreSQL. The expected masks follow common.masking's rules, worked out by hand:
a name keeps the first word's first two letters, a middle word's first letter and the last
word's first letter; a phone its first two and last two digits; an address its
administrative tail from the first level word.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine

from data.feedback_load import NewUnroutedCase, record_feedback
from data.feedback_unrouted import read_unrouted, unrouted_count


def unrouted(code: str, received_at: datetime, **extra: object) -> NewUnroutedCase:
    fields: dict[str, object] = {
        "case_code": code,
        "reason": "outside_province",
        "received_at": received_at,
        "channel": "app",
        "category_group": "Hạ tầng kỹ thuật",
        "category": "Đường hư hỏng",
        "severity": "normal",
        "description": "Ổ gà <img src=x onerror=alert(1)>",
        "lat": 13.9833,
        "lon": 108.0,
        **extra,
    }
    return NewUnroutedCase(**fields)  # type: ignore[arg-type]


def test_the_list_is_newest_first_limited_and_masks_the_reporter(migrated_engine: Engine) -> None:
    items = [
        unrouted(
            "U-1",
            datetime(2026, 11, 2, 8, 0),
            reporter_name="Nguyễn Văn An",
            reporter_phone="0912345612",
            reporter_address="12 Lê Duẩn, phường Tân Lợi, Đắk Lắk",
        ),
        unrouted("U-2", datetime(2026, 11, 3, 8, 0), reason="unknown_unit", stated_unit="24999"),
        unrouted("U-3", datetime(2026, 11, 1, 8, 0), reason="no_location", lat=None, lon=None),
    ]
    record_feedback(migrated_engine, items, source_name="t.json", imported_by="test")
    assert unrouted_count(migrated_engine) == 3

    frame = read_unrouted(migrated_engine, limit=2)
    assert frame["case_code"].tolist() == ["U-2", "U-1"]  # 3/11, then 2/11; 1/11 beyond the limit
    assert frame["reason"].tolist() == ["unknown_unit", "outside_province"]
    assert frame["stated_unit"].tolist() == ["24999", None]
    first = frame.set_index("case_code").loc["U-1"]
    assert first["reporter_name_masked"] == "Ng*** V** A"
    assert first["reporter_phone_masked"] == "09******12"
    assert first["reporter_address_masked"] == "***, phường Tân Lợi, Đắk Lắk"
    assert first["description"] == "Ổ gà <img src=x onerror=alert(1)>"  # text, escaped by the page
    assert not {"reporter_name", "reporter_phone", "reporter_address"} & set(frame.columns)
    raw = "Nguyễn Văn An", "0912345612"
    assert not any(value in str(cell) for value in raw for cell in frame.to_numpy().ravel())


def test_an_empty_list_has_the_columns_and_a_zero_count(migrated_engine: Engine) -> None:
    frame = read_unrouted(migrated_engine)
    assert frame.empty and unrouted_count(migrated_engine) == 0
    assert "reporter_phone_masked" in frame.columns and "received_at" in frame.columns
