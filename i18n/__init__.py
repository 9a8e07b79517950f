"""The one translation table and vi-VN/en formats. Imports no Streamlit.

Every user-visible string has a key in ``strings.yaml`` with a Vietnamese and an English text;
Vietnamese is the default. Placeholders use ``str.format`` names (``{count}``), and both
languages of a key must use the same ones (checked by the tests).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"
TABLE_FILE = Path(__file__).resolve().parent / "strings.yaml"


class TranslationError(KeyError):
    pass


@lru_cache(maxsize=1)
def table() -> dict[str, dict[str, str]]:
    with TABLE_FILE.open(encoding="utf-8") as handle:
        loaded: dict[str, dict[str, str]] = yaml.safe_load(handle)
    return loaded


def normalise_language(lang: str | None) -> str:
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def translate(key: str, lang: str, /, **values: Any) -> str:
    """The text for ``key`` in ``lang``, with ``values`` filled in."""
    try:
        entry = table()[key]
    except KeyError:
        raise TranslationError(f"no translation for key {key!r} in {TABLE_FILE.name}") from None
    text = entry[normalise_language(lang)]
    return text.format(**values) if values else text
