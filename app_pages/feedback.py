"""Citizen feedback backlog: built by a later issue."""

from __future__ import annotations

from ui.components import not_built_yet, page_header, records_in_store
from ui.loaders import load_dataset_status

page_header("page.feedback", "feedback.caption")
not_built_yet("feedback.what")
records_in_store(load_dataset_status().row_counts.get("feedback_cases", 0), "feedback.records")
