"""5G / digital-infrastructure rollout: built by a later issue."""

from __future__ import annotations

from ui.components import not_built_yet, page_header, records_in_store
from ui.loaders import load_dataset_status

page_header("page.infrastructure", "infrastructure.caption")
not_built_yet("infrastructure.what")
records_in_store(load_dataset_status().row_counts.get("infra_sites", 0), "infrastructure.records")
