"""Meeting presentation mode: built by a later issue."""

from __future__ import annotations

from ui.components import not_built_yet, page_header

page_header("page.presentation", "presentation.caption")
not_built_yet("presentation.what")
