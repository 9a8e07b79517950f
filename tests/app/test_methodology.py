"""The methodology page renders the catalog itself, in both languages."""

from __future__ import annotations

from pathlib import Path

from metrics import default_catalog
from tests.app.conftest import open_app
from tests.reference import catalog_entries

PAGE = "app_pages/methodology.py"


def test_catalog_table_has_every_indicator_in_vietnamese(app_env: Path) -> None:
    at = open_app(PAGE)
    assert not at.exception
    catalog = default_catalog()
    tables = [frame.value for frame in at.dataframe]
    sheet = next(table for table in tables if "Chỉ số" in table.columns)
    assert len(sheet) == len(catalog.indicators)
    # Numbered like a DTI sheet, labelled in Vietnamese; no internal key or department code.
    assert list(sheet["STT"]) == list(range(1, len(catalog.indicators) + 1))
    assert list(sheet["Chỉ số"]) == [i.label.vi for i in catalog.indicators]
    cells = {str(v) for column in sheet.columns for v in sheet[column]}
    assert not cells & {i.key for i in catalog.indicators}
    assert not cells & {i.verifier for i in catalog.indicators}
    pillars = next(table for table in tables if "Trọng số (điểm)" in table.columns)
    assert list(pillars["Trụ cột"]) == [p.label.vi for p in catalog.pillars]


def test_catalog_table_in_english(app_env: Path) -> None:
    at = open_app(PAGE, lang="EN")
    sheet = next(frame.value for frame in at.dataframe if "Indicator" in frame.value.columns)
    assert default_catalog().indicator("online_dossier_pct").label.en in set(sheet["Indicator"])
    assert "Higher is better" in set(sheet["Direction"])
    assert any(m.label == "Median rank range" for m in at.metric)


def test_filter_by_pillar(app_env: Path) -> None:
    at = open_app(PAGE)
    at.selectbox(key="methodology_pillar").select("cybersecurity").run()
    sheet = next(frame.value for frame in at.dataframe if "Chỉ số" in frame.value.columns)
    # The cybersecurity entries of catalog.yaml, counted in the file itself.
    expected = [
        entry["label"]["vi"] for entry in catalog_entries() if entry["pillar"] == "cybersecurity"
    ]
    assert expected  # the filter has something to show
    assert list(sheet["Chỉ số"]) == expected
