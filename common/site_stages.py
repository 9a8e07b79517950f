"""The stages of a mobile site's build pipeline, in order (DOMAIN.md §4), and "blocked", which
stands outside the order. One list for the schema's checks, the demo data and the rollout rules
(``metrics.site_pipeline``)."""

from __future__ import annotations

PIPELINE: tuple[str, ...] = (
    "planned",
    "site_agreed",  # thỏa thuận được vị trí
    "permitted",  # có giấy phép xây dựng
    "power_ready",  # có điện và truyền dẫn
    "built",
    "integrated",  # hòa mạng, tích hợp
    "on_air",  # phát sóng
)
ON_AIR = PIPELINE[-1]
BLOCKED = "blocked"  # with a reason; the site goes back into the pipeline when unblocked
SITE_STATES: tuple[str, ...] = (*PIPELINE, BLOCKED)
