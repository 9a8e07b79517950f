"""The small catalog with a documents registry: what the provenance tests add to it."""

from __future__ import annotations

import copy
from typing import Any

# Three documents: a checked national one, one that could not be checked, one for comparison.
DOCUMENTS = [
    {
        "id": "national_plan",
        "short": {"vi": "QĐ 1/QĐ-TTg", "en": "Decision 1/QĐ-TTg"},
        "number": "1/QĐ-TTg",
        "date": "2025-01-02",
        "issuer": {"vi": "Thủ tướng Chính phủ", "en": "Prime Minister"},
        "title": {"vi": "Kế hoạch quốc gia", "en": "National plan"},
        "verified": True,
    },
    {
        "id": "rumoured_plan",
        "short": {"vi": "Quy hoạch X", "en": "Plan X"},
        "issuer": {"vi": "Bộ Y", "en": "Ministry Y"},
        "title": {"vi": "Quy hoạch X", "en": "Plan X"},
        "verified": False,
        "note": {"vi": "Chưa tìm thấy số, ngày", "en": "Number and date not found"},
    },
    {
        "id": "other_city",
        "short": {"vi": "Bộ chỉ số TP. Z", "en": "City Z index"},
        "number": "9/QĐ-UBND",
        "date": "2025-03-04",
        "issuer": {"vi": "UBND TP. Z", "en": "City Z"},
        "title": {"vi": "Bộ chỉ số", "en": "Index"},
        "verified": True,
        "comparison_only": True,
    },
]


def with_provenance(data: dict[str, Any], dti: dict[str, float]) -> dict[str, Any]:
    """``data`` (the small catalog) with the registry, every pillar's weight basis and DTI
    weight from ``dti``, and every indicator citing the national plan with a province-chosen
    target (wifi, tracked only: a comparison level from City Z)."""
    data = copy.deepcopy(data)
    data["documents"] = copy.deepcopy(DOCUMENTS)
    for pillar in data["pillars"]:
        pillar["weight_basis"] = "province_choice"
        pillar["dti_922_weight"] = dti[pillar["key"]]
    for indicator in data["indicators"]:
        del indicator["source"]
        indicator["sources"] = [{"document": "national_plan"}]
        indicator["target_basis"] = "province_choice"
    wifi = next(i for i in data["indicators"] if i["key"] == "wifi")
    wifi["sources"] = [{"document": "other_city", "what": {"vi": "để so sánh", "en": "to compare"}}]
    wifi["target_basis"] = "comparison"
    return data
