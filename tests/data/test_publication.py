"""Published-result tables: one transaction, written once, read back as written (both databases)."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest
from alembic import command
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import IntegrityError

from data.bootstrap import sync_reference_data
from data.migrate import alembic_config, upgrade_to_head
from data.models import Publication, PublishedInput
from data.publication import (
    AlreadyPublished,
    PublicationHeader,
    is_published,
    published_periods,
    read_publication,
    read_published_units,
    write_publication,
)
from data.queries import read_units

OCTOBER = date(2026, 10, 1)


def header(period: date = OCTOBER) -> PublicationHeader:
    return PublicationHeader(
        period=period,
        catalog_version="test-1",
        catalog_hash="ab" * 32,
        catalog_text="version: test-1\n# Tiếng Việt có dấu\n",
        data_version=3,
        snapshot_computed_at=datetime(2026, 11, 2, 8, 0, 0),
        published_by="Ban Chỉ đạo",
        published_at=datetime(2026, 11, 5, 9, 30, 15),
    )


def tables(code: str) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    units = pd.DataFrame(
        [
            {
                "unit_code": code,
                "peer_group": "phuong",
                "composite": 71.234567891,
                "coverage": 0.8,
                "reported": 4,
                "expected": 5,
                "last_update": datetime(2026, 10, 25, 10, 0),
                "band": "yellow",
                "rank_level": 1,
                "rank_peer": 1,
                "delta": float("nan"),
                "rank_delta": float("nan"),
            }
        ]
    )
    pillars = pd.DataFrame(
        [{"unit_code": code, "pillar": "gov", "earned": 3.75, "available": 6.0}]
    ).assign(score_pct=62.5, band="yellow")
    indicators = pd.DataFrame(
        [
            {
                "unit_code": code,
                "indicator_key": "online",
                "value": 60.0,
                "value_period": OCTOBER,
                "source_type": "self_reported",
                "reported_at": datetime(2026, 10, 25, 10, 0),
                "evidence_ref": "QĐ 12/UBND",
                "applicable": True,
                "missing_evidence": False,
                "points": 2.25,
                "max_points": 3.0,
            },
            # a value whose required evidence reference is missing: kept, flagged, not scored
            {
                "unit_code": code,
                "indicator_key": "plan",
                "value": 1.0,
                "value_period": OCTOBER,
                "source_type": "self_reported",
                "reported_at": datetime(2026, 10, 20, 9, 0),
                "evidence_ref": None,
                "applicable": True,
                "missing_evidence": True,
                "points": None,
                "max_points": 2.0,
            },
        ]
    )
    # Two extra columns the scoring layer may read: a date and a text with a missing value.
    inputs = pd.DataFrame(
        [
            {
                "unit_code": code,
                "indicator_key": "online",
                "period": OCTOBER,
                "value": 60.0,
                "source_type": "self_reported",
                "reported_at": pd.Timestamp("2026-10-25 10:00"),
                "evidence_ref": "QĐ 12/UBND",
                "applicable": True,
                "verified_at": date(2026, 10, 28),
                "verified_by": "SNV",
            },
            {
                "unit_code": code,
                "indicator_key": "backlog",
                "period": date(2026, 9, 1),
                "value": 2.5,
                "source_type": "auto",
                "reported_at": pd.Timestamp("2026-09-30 23:59:59"),
                "evidence_ref": None,
                "applicable": False,
                "verified_at": None,
                "verified_by": None,
            },
        ]
    )
    return units, pillars, indicators, inputs


@pytest.fixture
def code(migrated_engine: Engine) -> str:
    return str(read_units(migrated_engine)["code"].iloc[0])


def test_a_publication_reads_back_exactly_as_written(migrated_engine: Engine, code: str) -> None:
    units, pillars, indicators, inputs = tables(code)
    write_publication(migrated_engine, header(), units, pillars, indicators, inputs)

    published = read_publication(migrated_engine, OCTOBER)
    assert published is not None
    assert published.header == header()
    assert published.units["composite"].tolist() == [71.234567891]
    assert published.units["band"].tolist() == ["yellow"]
    assert published.pillars["score_pct"].tolist() == [62.5]
    assert published.indicators["evidence_ref"].isna().tolist() == [False, True]
    assert published.indicators["missing_evidence"].tolist() == [False, True]
    restored = published.inputs.set_index("indicator_key")
    assert restored.loc["online", "verified_at"] == date(2026, 10, 28)
    assert restored.loc["online", "verified_by"] == "SNV"
    assert restored.loc["online", "period"] == OCTOBER
    assert restored.loc["backlog", "reported_at"] == pd.Timestamp("2026-09-30 23:59:59")
    assert not bool(restored.loc["backlog", "applicable"])
    assert restored["evidence_ref"].isna().tolist() == [False, True]
    assert published_periods(migrated_engine) == [OCTOBER]
    assert is_published(migrated_engine, OCTOBER)
    assert not is_published(migrated_engine, date(2026, 9, 1))
    assert read_published_units(migrated_engine, date(2026, 9, 1)) is None
    assert read_publication(migrated_engine, date(2026, 9, 1)) is None


def test_publishing_a_month_twice_is_refused_and_keeps_the_first(
    migrated_engine: Engine, code: str
) -> None:
    units, pillars, indicators, inputs = tables(code)
    write_publication(migrated_engine, header(), units, pillars, indicators, inputs)
    with pytest.raises(AlreadyPublished):
        write_publication(
            migrated_engine, header(), units.assign(composite=99.0), pillars, indicators, inputs
        )
    again = read_published_units(migrated_engine, OCTOBER)
    assert again is not None and again["composite"].tolist() == [71.234567891]
    with migrated_engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Publication)).scalar_one() == 1


def test_a_failing_write_leaves_no_publication(migrated_engine: Engine, code: str) -> None:
    units, pillars, indicators, inputs = tables(code)
    broken = indicators.assign(unit_code="99999")  # no such unit: the foreign key refuses it
    with pytest.raises(IntegrityError):
        write_publication(migrated_engine, header(), units, pillars, broken, inputs)
    assert not is_published(migrated_engine, OCTOBER)
    with migrated_engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(PublishedInput)).scalar_one() == 0


def test_months_published_before_0006_get_their_missing_evidence_flags(
    empty_engine: Engine,
) -> None:
    # A publication frozen at revision 0005 (no flag column): three indicator rows of one unit.
    #   online: value 60, applicable, 2,25 points   → scored: not missing
    #   plan:   value 1, applicable, no points      → a value that did not score: missing evidence
    #   wifi:   no value, applicable, no points     → not reported: not missing evidence
    config = alembic_config()
    with empty_engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0005")
    with empty_engine.begin() as conn:
        sync_reference_data(conn)
    code = str(read_units(empty_engine)["code"].iloc[0])
    with empty_engine.begin() as conn:
        publication = conn.execute(
            text(
                "INSERT INTO publications (period, catalog_version, catalog_hash, catalog_text,"
                " data_version, published_by, published_at, input_rows) VALUES"
                " (:period, 'v', 'h', 't', 1, 'x', :at, 0) RETURNING id"
            ),
            {"period": OCTOBER, "at": datetime(2026, 11, 5)},
        ).scalar_one()
        conn.execute(
            text(
                "INSERT INTO published_indicator_scores (publication_id, unit_code,"
                " indicator_key, value, applicable, points, max_points) VALUES"
                " (:pid, :code, :key, :value, :applicable, :points, 2)"
            ),
            [
                {"pid": publication, "code": code, "applicable": True, **row}
                for row in (
                    {"key": "online", "value": 60.0, "points": 2.25},
                    {"key": "plan", "value": 1.0, "points": None},
                    {"key": "wifi", "value": None, "points": None},
                )
            ],
        )
    upgrade_to_head(empty_engine)
    published = read_publication(empty_engine, OCTOBER)
    assert published is not None
    flags = published.indicators.set_index("indicator_key")["missing_evidence"]
    assert flags.astype(bool).to_dict() == {"online": False, "plan": True, "wifi": False}
