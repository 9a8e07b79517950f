"""Action-Plan task progress (01-KH/BCĐ): built by a later issue."""

from __future__ import annotations

from ui.components import not_built_yet, page_header, records_in_store
from ui.loaders import load_dataset_status

page_header("page.tasks", "tasks.caption")
not_built_yet("tasks.what")
records_in_store(load_dataset_status().row_counts.get("tasks", 0), "tasks.records")
