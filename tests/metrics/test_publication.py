"""Published results: frozen, re-scored identically from their frozen inputs, and left alone by
later data (which move only the provisional figure beside them). SQLite and PostgreSQL."""

from __future__ import annotations

import argparse
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest
import yaml
from sqlalchemy import Engine, update

from data.db import exclusive_write
from data.demo import generate_into
from data.models import ImportBatch, IndicatorValue, PublishedIndicatorScore, PublishedUnitScore
from data.queries import read_units
from metrics.catalog import load_catalog
from metrics.publication import (
    AlreadyPublished,
    NotPublished,
    UnknownPeriod,
    publish_period,
    published_scorecard,
    published_unit_indicators,
    published_vs_current,
    verify_period,
)
from metrics.publish import main, parse_month
from tests.metrics.conftest import FIXTURES
from tests.metrics.waiting import refresh_when_free

SMALL = FIXTURES / "small_catalog.yaml"
OCTOBER = date(2026, 10, 1)
FEBRUARY = date(2026, 2, 1)


# --- a hand-scorable database: one unit, the small catalog, October 2026 ------------------------


def add_values(engine: Engine, code: str, values: dict[str, float]) -> None:
    with engine.begin() as conn:
        batch = conn.execute(
            ImportBatch.__table__.insert().returning(ImportBatch.id),
            [
                {
                    "kind": "indicators",
                    "source_name": "test",
                    "imported_by": "test",
                    "imported_at": datetime(2026, 10, 26),
                    "row_count": len(values),
                }
            ],
        ).scalar_one()
        conn.execute(
            IndicatorValue.__table__.insert(),
            [
                {
                    "unit_code": code,
                    "indicator_key": key,
                    "period": OCTOBER,
                    "value": value,
                    "source_type": "self_reported",
                    "reported_at": datetime(2026, 10, 25, 10, 0),
                    "evidence_ref": f"BC-{key}",
                    "verified_by": None,
                    "verified_at": None,
                    "batch_id": batch,
                }
                for key, value in values.items()
            ],
        )


@pytest.fixture
def hand_engine(migrated_engine: Engine) -> tuple[Engine, str]:
    code = str(read_units(migrated_engine)["code"].iloc[0])
    # gov (weight 6): online 60 of target 80 → 3 × 60/80 = 2,25; incidents 1 → step 0,5;
    #   backlog 2,5 (worst 5, target 0) → 2 × 2,5/5 = 1,0   ⇒ 3,75 of 6 = 62,5 %
    # society (weight 4): meetings 4 by October, paced 4 × 12/10 = 4,8 ≥ 4 → 2; plan 1 → 2
    #   ⇒ 4 of 4 = 100 %
    # composite = (62,5 × 6 + 100 × 4) / 10 = 77,5; every value reported; green (≥ 70, gov
    # yellow, not red).
    add_values(
        migrated_engine,
        code,
        {"online": 60, "incidents": 1, "backlog": 2.5, "meetings": 4, "plan": 1},
    )
    return migrated_engine, code


def test_a_late_value_moves_the_provisional_figure_and_not_the_published_one(
    hand_engine: tuple[Engine, str],
) -> None:
    engine, code = hand_engine
    publish_period(engine, OCTOBER, by="Ban Chỉ đạo", catalog_file=SMALL)
    before = published_scorecard(engine, OCTOBER)
    assert before is not None
    row = before.set_index("unit_code").loc[code]
    assert row["composite"] == pytest.approx(77.5, abs=1e-9)
    assert row["band"] == "green"
    assert row["rank_level"] == 1

    # A late correction for October: online 80 → 3 points (was 2,25); gov 3 + 0,5 + 1 = 4,5
    # of 6 = 75 %; composite = (75 × 6 + 100 × 4) / 10 = (450 + 400) / 10 = 85.
    with engine.begin() as conn:
        conn.execute(
            update(IndicatorValue)
            .where(IndicatorValue.unit_code == code, IndicatorValue.indicator_key == "online")
            .values(value=80.0)
        )
    refresh_when_free(engine, load_catalog(SMALL), force=True)

    after = published_scorecard(engine, OCTOBER)
    assert after is not None
    pd.testing.assert_frame_equal(after, before)  # byte-identical, every column
    both = published_vs_current(engine, OCTOBER)
    assert both is not None
    mine = both.set_index("unit_code").loc[code]
    assert mine["composite_published"] == pytest.approx(77.5, abs=1e-9)
    assert mine["composite_current"] == pytest.approx(85.0, abs=1e-9)
    assert bool(mine["changed"])
    assert not both.set_index("unit_code").drop(index=code)["changed"].any()
    assert verify_period(engine, OCTOBER).identical  # still what its frozen inputs give


def test_a_value_without_its_required_evidence_is_frozen_as_missing_evidence(
    hand_engine: tuple[Engine, str], tmp_path: Path
) -> None:
    engine, code = hand_engine
    # The small catalog with "plan" requiring an evidence reference, and the unit's plan value
    # reported without one.
    raw = yaml.safe_load(SMALL.read_text(encoding="utf-8"))
    for indicator in raw["indicators"]:
        if indicator["key"] == "plan":
            indicator["evidence_required"] = True
    catalog_file = tmp_path / "plan_needs_evidence.yaml"
    catalog_file.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with engine.begin() as conn:
        conn.execute(
            update(IndicatorValue)
            .where(IndicatorValue.unit_code == code, IndicatorValue.indicator_key == "plan")
            .values(evidence_ref=None)
        )
    # (publishing brings the stored scores up to date under its own catalog first)
    publish_period(engine, OCTOBER, by="Ban Chỉ đạo", catalog_file=catalog_file)

    # gov as before: 3,75 of 6 = 62,5 %; society: meetings 2 of 2, plan not scored (missing):
    # 2 of 4 = 50 %; composite (62,5 × 6 + 50 × 4) / 10 = (375 + 200) / 10 = 57,5; coverage
    # 4 of 5 values = 0,8 (≥ 0,75: coloured): yellow (50 ≤ 57,5 < 70).
    frozen = published_scorecard(engine, OCTOBER)
    assert frozen is not None
    unit = frozen.set_index("unit_code").loc[code]
    assert unit["composite"] == pytest.approx(57.5, abs=1e-9)
    assert (unit["reported"], unit["expected"], unit["band"]) == (4, 5, "yellow")

    published = published_unit_indicators(engine, OCTOBER, code)
    assert published is not None
    plan = published.indicators.set_index("indicator_key").loc["plan"]
    assert bool(plan["missing_evidence"]) and not bool(plan["reported"])
    assert plan["value"] == 1  # still shown, beside "thiếu minh chứng"
    others = published.indicators[published.indicators["indicator_key"] != "plan"]
    assert not others["missing_evidence"].astype(bool).any()
    assert published.catalog.indicator("plan").evidence_required  # the frozen catalog's rule
    assert verify_period(engine, OCTOBER).identical


def test_the_re_score_compares_the_missing_evidence_flag(hand_engine: tuple[Engine, str]) -> None:
    # A frozen flag altered behind the publication's back is one difference, named by column.
    engine, code = hand_engine
    publish_period(engine, OCTOBER, by="Ban Chỉ đạo", catalog_file=SMALL)
    with engine.begin() as conn:
        conn.execute(
            update(PublishedIndicatorScore)
            .where(
                PublishedIndicatorScore.unit_code == code,
                PublishedIndicatorScore.indicator_key == "online",
            )
            .values(missing_evidence=True)
        )
    result = verify_period(engine, OCTOBER)
    assert not result.identical
    assert len(result.problems) == 1 and "missing_evidence" in result.problems[0]


def test_an_unpublished_period_has_no_published_figures(hand_engine: tuple[Engine, str]) -> None:
    engine, code = hand_engine
    assert published_scorecard(engine, OCTOBER) is None
    assert published_vs_current(engine, OCTOBER) is None
    assert published_unit_indicators(engine, OCTOBER, code) is None
    with pytest.raises(NotPublished):
        verify_period(engine, OCTOBER)


# --- the demo database: publish, re-score, refuse ---------------------------------------------


@pytest.fixture
def demo_engine(migrated_engine: Engine) -> Engine:
    with exclusive_write(migrated_engine) as conn:
        generate_into(conn, seed=7, scale=0.02, end_date=date(2026, 3, 16))
    return migrated_engine


def test_a_published_demo_month_re_scores_identically_and_is_never_republished(
    demo_engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--period", "02/2026", "--by", "Ban Chỉ đạo"], engine=demo_engine) == 0
    assert "published 02/2026 by Ban Chỉ đạo: 102 units" in capsys.readouterr().out

    result = verify_period(demo_engine, FEBRUARY)
    assert result.identical, result.problems[:5]
    assert result.catalog_intact and result.units == 102
    assert main(["--verify", "02/2026"], engine=demo_engine) == 0
    assert "identical" in capsys.readouterr().out

    assert main(["--period", "02/2026"], engine=demo_engine) == 1
    assert "already published" in capsys.readouterr().out
    with pytest.raises(AlreadyPublished):
        publish_period(demo_engine, FEBRUARY, by="someone else")

    # A frozen figure altered behind the publication's back is caught by the re-score.
    frozen = published_scorecard(demo_engine, FEBRUARY)
    assert frozen is not None
    rated = frozen[frozen["composite"].notna()].iloc[0]
    with demo_engine.begin() as conn:
        conn.execute(
            update(PublishedUnitScore)
            .where(PublishedUnitScore.unit_code == rated["unit_code"])
            .values(composite=rated["composite"] + 1e-6)
        )
    tampered = verify_period(demo_engine, FEBRUARY)
    assert not tampered.identical
    assert len(tampered.problems) == 1 and "composite" in tampered.problems[0]
    assert main(["--verify", "02/2026"], engine=demo_engine) == 1


def test_unknown_and_unpublished_months_are_named(
    demo_engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(UnknownPeriod):
        publish_period(demo_engine, date(2030, 5, 1), by="x")
    assert main(["--period", "05/2030"], engine=demo_engine) == 1
    assert "05/2030 has no scores" in capsys.readouterr().out
    assert main(["--verify", "01/2026"], engine=demo_engine) == 1
    assert "01/2026 is not published" in capsys.readouterr().out


def test_months_are_read_as_written_on_the_dashboard() -> None:
    assert parse_month("10/2026") == OCTOBER
    assert parse_month(" 7/2025 ") == date(2025, 7, 1)
    with pytest.raises(argparse.ArgumentTypeError):
        parse_month("2026-10")
    with pytest.raises(argparse.ArgumentTypeError):
        parse_month("13/2026")
