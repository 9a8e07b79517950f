"""The heat map and the dossier say whether they show published or provisional figures, and the
dossier shows a published composite beside the one newer data give. Own database: this test
publishes a month and changes its data, which the shared app database must not see."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import update
from streamlit.testing.v1 import AppTest

from data.db import get_engine
from data.models import IndicatorValue
from i18n.formats import format_date, format_number
from metrics import default_catalog, refresh_snapshots
from metrics.api import default_period
from metrics.publication import publish_period, published_beside_current
from tests.app.conftest import APP_FILE, open_app
from ui.loaders import forget_store_state, load_periods
from ui.selection import SELECTED_UNIT_KEY

DOSSIER = "app_pages/dossier.py"
CHANGED, UNCHANGED = "22015", "22045"


def captions(at: AppTest) -> list[str]:
    return [c.value for c in at.caption]


def dossier(code: str) -> AppTest:
    at = AppTest.from_file(APP_FILE, default_timeout=120)
    at.session_state[SELECTED_UNIT_KEY] = code
    return at.switch_page(DOSSIER).run()


def test_published_and_provisional_figures_are_named_on_both_pages(own_app: Path) -> None:
    at = open_app()  # the first start builds the database, the demo data and the scores
    assert not at.exception
    assert any("số liệu tạm tính, kỳ này chưa công bố" in c for c in captions(at))

    engine = get_engine()
    period = default_period(load_periods())  # the month the pages open on
    assert period is not None
    publish_period(engine, period, by="Ban Chỉ đạo")
    # Late data for one unit: every value it reported for the month set to 0 (its composite
    # moves: not all of its indicators are "lower is better"), the scores recomputed.
    with engine.begin() as conn:
        conn.execute(
            update(IndicatorValue)
            .where(IndicatorValue.unit_code == CHANGED, IndicatorValue.period == period)
            .values(value=0.0)
        )
    refresh_snapshots(engine, default_catalog(), force=True)
    forget_store_state()
    beside = published_beside_current(engine, period)
    assert beside is not None
    assert beside.units.loc[beside.units["changed"], "unit_code"].tolist() == [CHANGED]
    row = beside.unit(CHANGED)
    assert row is not None
    published_on = format_date(beside.published_at, "vi")

    at = open_app()
    assert not at.exception
    expected = (
        f"số liệu tạm tính theo dữ liệu mới; kết quả công bố ngày {published_on} khác ở 1 đơn vị"
    )
    assert any(expected in c for c in captions(at)), captions(at)

    at = dossier(CHANGED)
    assert not at.exception
    published = format_number(row["composite_published"], "vi", 1)
    current = format_number(row["composite_current"], "vi", 1)
    assert f"công bố {published} · theo số liệu mới {current}" in captions(at)
    # The metric itself is the provisional figure the note names second.
    composite = next(m for m in at.metric if m.label == "Điểm tổng hợp (0–100)")
    assert composite.value == current

    at = dossier(UNCHANGED)
    assert not at.exception
    assert f"đã công bố ngày {published_on}; số liệu mới chưa làm thay đổi" in captions(at)
