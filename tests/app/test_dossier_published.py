"""The dossier of a published month shows the indicators as frozen at publication: a value
frozen without its required evidence reads "thiếu minh chứng". Own database: this test
publishes a month, which the shared app database must not see."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from data.db import get_engine
from data.publication import read_publication
from metrics.api import default_period
from metrics.publication import publish_period
from tests.app.conftest import APP_FILE, open_app
from ui.loaders import load_periods
from ui.selection import SELECTED_UNIT_KEY

DOSSIER = "app_pages/dossier.py"


def test_a_published_dossier_shows_missing_evidence_from_the_frozen_rows(own_app: Path) -> None:
    at = open_app()  # the first start builds the database, the demo data and the scores
    assert not at.exception
    engine = get_engine()
    period = default_period(load_periods())  # the month the dossier opens on
    assert period is not None
    publish_period(engine, period, by="Ban Chỉ đạo")
    published = read_publication(engine, period)
    assert published is not None
    frozen = published.indicators
    flagged = frozen[frozen["missing_evidence"].astype(bool)]
    assert not flagged.empty  # the demo data leave evidence out of many self-reported values
    code = str(flagged["unit_code"].iloc[0])
    flagged_here = int((flagged["unit_code"] == code).sum())

    at = AppTest.from_file(APP_FILE, default_timeout=120)
    at.session_state[SELECTED_UNIT_KEY] = code
    at = at.switch_page(DOSSIER).run()
    assert not at.exception
    title = f"Các chỉ số như đã công bố ngày {published.header.published_at:%d/%m/%Y}"
    expander = next(e for e in at.expander if e.label == title)
    # The frozen table's value column says "thiếu minh chứng" once per frozen row flagged for
    # this unit.
    table = expander.dataframe[0].value
    values = table["Giá trị"].tolist()
    assert sum("thiếu minh chứng" in str(v) for v in values) == flagged_here
