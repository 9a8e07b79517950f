"""Guard: no user-visible text is written into the pages as a literal; it goes through t()."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
UI_FILES = [
    ROOT / "app.py",
    *sorted((ROOT / "app_pages").glob("*.py")),
    *(ROOT / "ui").glob("*.py"),
]
# Streamlit calls whose text arguments a person reads.
DISPLAY_CALLS = {
    "title",
    "header",
    "subheader",
    "markdown",
    "caption",
    "write",
    "text",
    "info",
    "warning",
    "error",
    "success",
    "toast",
    "metric",
    "button",
    "selectbox",
    "multiselect",
    "radio",
    "segmented_control",
    "pills",
    "checkbox",
    "toggle",
    "slider",
    "select_slider",
    "text_input",
    "number_input",
    "date_input",
    "expander",
    "tabs",
    "Page",
    "set_page_config",
    "download_button",
    "link_button",
    "page_link",
    "popover",
    "dialog",
}
TEXT_KEYWORDS = {"label", "help", "placeholder", "body", "title", "page_title", "caption"}


LOGGERS = {"log", "logger", "logging"}


def _has_words(node: ast.AST) -> bool:
    """A literal (or the literal parts of an f-string) containing letters."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return any(ch.isalpha() for ch in node.value)
    if isinstance(node, ast.JoinedStr):
        return any(_has_words(part) for part in node.values)
    return False


def literal_texts(path: Path, root: Path = ROOT) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr not in DISPLAY_CALLS:
            continue
        receiver = node.func.value
        if isinstance(receiver, ast.Name) and receiver.id in LOGGERS:
            continue  # log.warning(…) goes to the operator's log, not to the page
        args = list(node.args) + [k.value for k in node.keywords if k.arg in TEXT_KEYWORDS]
        found += [f"{path.relative_to(root)}:{arg.lineno}" for arg in args if _has_words(arg)]
    return found


def test_pages_pass_every_visible_text_through_the_translation_table() -> None:
    # The globs found the pages and the helpers (a moved folder would leave nothing to check).
    folders = {path.parent.name for path in UI_FILES}
    assert {"app_pages", "ui"} <= folders, folders
    offenders = [where for path in UI_FILES for where in literal_texts(path)]
    assert offenders == []


def test_the_guard_catches_a_literal(tmp_path: Path) -> None:
    sample = tmp_path / "page.py"
    sample.write_text(
        'import streamlit as st\nst.title(t("ok"))\nst.metric(label=f"Điểm {x}", value=1)\n'
        'log.warning("to the log only %s", x)\ncol.warning("Cảnh báo")\n',
        encoding="utf-8",
    )
    # The page's texts are caught, on st and on containers alike; the operator's log is not.
    assert literal_texts(sample, root=tmp_path) == ["page.py:3", "page.py:5"]
