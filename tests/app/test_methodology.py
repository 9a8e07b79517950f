"""The methodology page renders the catalog itself, what it rests on and what changed in the
rules, in both languages."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml
from streamlit.testing.v1 import AppTest

from metrics import default_catalog
from metrics.rule_changes import RULE_CHANGES_FILE, RuleChangesError
from tests.app.conftest import open_app
from tests.reference import CATALOG_YAML, catalog_entries

PAGE = "app_pages/methodology.py"


def table_with(at: AppTest, column: str) -> pd.DataFrame:
    """The static table (st.table) that has ``column``."""
    return next(table.value for table in at.table if column in table.value.columns)


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
    assert "Mục tiêu do" in sheet.columns
    pillars = table_with(at, "Trọng số (điểm)")
    assert list(pillars["Trụ cột"]) == [p.label.vi for p in catalog.pillars]


def test_the_province_weights_stand_beside_the_dti_weights(app_env: Path) -> None:
    at = open_app(PAGE)
    pillars = table_with(at, "Trọng số (điểm)")
    # Decision 922's provincial DTI, scaled to 100, in the catalog's pillar order: awareness,
    # institutions, infrastructure, human resources, cyber-security 10 each; government 20;
    # economy 15; society 15 — next to the province's own 8/10/16/10/8/24/12/12.
    assert list(pillars["Trọng số (điểm)"]) == ["8", "10", "16", "10", "8", "24", "12", "12"]
    dti = "Trọng số DTI tỉnh (QĐ 922, quy về 100)"
    assert list(pillars[dti]) == ["10", "10", "10", "10", "10", "20", "15", "15"]
    assert set(pillars["Trọng số do"]) == {"Tỉnh tự chọn"}
    assert any("lựa chọn của tỉnh" in caption.value for caption in at.caption)
    # The sensitivity to those weights: equal and DTI weights against the province's.
    shifts = table_with(at, "Cách đặt trọng số")
    assert list(shifts["Cách đặt trọng số"]) == [
        "Trọng số bằng nhau",
        "Trọng số DTI cấp tỉnh (QĐ 922)",
    ]
    for cell in shifts["Xã, phường đổi màu"]:
        changed, units = (int(part) for part in cell.split("/"))
        assert 0 <= changed <= units


def test_every_indicator_shows_its_citations_and_who_set_its_target(app_env: Path) -> None:
    at = open_app(PAGE)
    provenance = table_with(at, "Căn cứ")
    entries = catalog_entries()
    assert list(provenance["Chỉ số"]) == [e["label"]["vi"] for e in entries]
    basis = dict(zip(provenance["Chỉ số"], provenance["Mục tiêu do"], strict=True))
    expected = {"national": "Quốc gia", "province_choice": "Tỉnh tự chọn"}
    for entry in entries:
        if entry["target_basis"] in expected:
            assert basis[entry["label"]["vi"]] == expected[entry["target_basis"]]
    budget = next(e["label"]["vi"] for e in entries if e["key"] == "dx_budget_share_pct")
    cited = provenance.set_index("Chỉ số").loc[budget, "Căn cứ"]
    # Number, date and issuer of each document, then what the indicator takes from it.
    assert "**NQ 57-NQ/TW** ngày 22/12/2024 của Bộ Chính trị: ít nhất 3%" in cited
    assert "**KH 01-KH/BCĐ** ngày 11/07/2025 của BCĐ tỉnh" in cited
    assert "2361" not in " ".join(provenance["Căn cứ"])


def test_the_documents_cited_say_whether_they_were_checked(app_env: Path) -> None:
    at = open_app(PAGE)
    documents = table_with(at, "Số hiệu")
    registry = yaml.safe_load(CATALOG_YAML.read_text(encoding="utf-8"))["documents"]
    assert len(documents) == len(registry)
    rows = documents.set_index("Số hiệu")
    assert rows.loc["922/QĐ-BTTTT", "Ngày ban hành"] == "20/05/2022"
    assert rows.loc["922/QĐ-BTTTT", "Kiểm tra"] == "Đã kiểm tra"
    assert rows.loc["01-KH/BCĐ", "Ngày ban hành"] == "11/07/2025"
    hcm = documents[documents["Cơ quan ban hành"] == "UBND TP. Hồ Chí Minh"].iloc[0]
    assert (hcm["Số hiệu"], hcm["Ngày ban hành"]) == ("chưa rõ", "chưa rõ")
    assert hcm["Kiểm tra"] == "Chưa kiểm tra được · chỉ để so sánh"


def test_the_rule_changes_with_band_counts_before_and_after(app_env: Path) -> None:
    at = open_app(PAGE)
    assert any(h.value == "Quy tắc chấm điểm thay đổi ngày 02/12/2026" for h in at.subheader)
    counts = table_with(at, "Trước")
    record = yaml.safe_load(RULE_CHANGES_FILE.read_text(encoding="utf-8"))
    rows = counts.set_index("Màu")
    for band, label in (("green", "Xanh"), ("yellow", "Vàng"), ("red", "Đỏ")):
        assert rows.loc[label, "Trước"] == str(record["before"][band]), band
        assert rows.loc[label, "Sau"] == str(record["after"][band]), band
    # The median in Vietnamese: one decimal, decimal comma (79.3 → "79,3").
    median = rows.loc["Điểm tổng hợp (trung vị)"]
    assert median["Trước"] == f"{record['before']['median']:.1f}".replace(".", ",")
    assert median["Sau"] == f"{record['after']['median']:.1f}".replace(".", ",")


def test_catalog_table_in_english(app_env: Path) -> None:
    at = open_app(PAGE, lang="EN")
    sheet = next(frame.value for frame in at.dataframe if "Indicator" in frame.value.columns)
    assert default_catalog().indicator("online_dossier_pct").label.en in set(sheet["Indicator"])
    assert "Higher is better" in set(sheet["Direction"])
    assert any(m.label == "Median rank range" for m in at.metric)
    pillars = table_with(at, "Weight (points)")
    assert "Provincial DTI weight (Decision 922, scaled to 100)" in pillars.columns
    assert set(pillars["Weight set by"]) == {"Province's choice"}
    documents = table_with(at, "Number")
    assert "Decision 922/QĐ-BTTTT" not in set(documents["Number"])  # the number alone
    assert "922/QĐ-BTTTT" in set(documents["Number"])
    assert any(h.value == "What changed in the scoring rules on 02/12/2026" for h in at.subheader)


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
    assert list(table_with(at, "Căn cứ")["Chỉ số"]) == expected  # the citations follow


def test_a_broken_rule_change_record_leaves_the_rest_of_the_page(
    app_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken() -> None:
        raise RuleChangesError("rule_changes.yaml", ["before: red must be a count of units"])

    # The page imports the loader on each run, so the patched one is what it calls.
    monkeypatch.setattr("metrics.rule_changes.default_rule_changes", broken)
    at = open_app(PAGE)
    assert not at.exception
    assert any("rule_changes.yaml" in w.value for w in at.warning)
    assert not any(h.value.startswith("Quy tắc chấm điểm thay đổi") for h in at.subheader)
    assert len(table_with(at, "Số hiệu"))  # the documents are still listed
