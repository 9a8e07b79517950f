"""The dossier's indicator table says when a value is not scored for missing evidence."""

from __future__ import annotations

import yaml

from metrics.catalog import parse_catalog
from metrics.scoring import score_period
from tests.metrics.conftest import FIXTURES, JUNE, measures
from ui.dossier import indicator_table


def test_a_value_without_evidence_reads_thieu_minh_chung() -> None:
    data = yaml.safe_load((FIXTURES / "small_catalog.yaml").read_text(encoding="utf-8"))
    for raw in data["indicators"]:
        raw["evidence_required"] = raw["key"] == "plan"
    catalog = parse_catalog(data)
    values = measures([("A", "plan", 1), ("A", "meetings", 2)]).assign(evidence_ref=[None, "BB-01"])
    indicators = score_period(values, catalog, ["A"], JUNE).indicators
    table = indicator_table(indicators[indicators["unit_code"] == "A"], catalog)
    cells = table.iloc[:, 2].tolist()  # the value column, in catalog order
    keys = [i.key for i in catalog.indicators]
    assert "thiếu minh chứng" in cells[keys.index("plan")]
    assert "thiếu minh chứng" not in cells[keys.index("meetings")]
    assert cells[keys.index("online")] == "Chưa báo cáo"
