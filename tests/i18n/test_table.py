"""The translation table: complete in both languages, placeholders consistent."""

from __future__ import annotations

import string

import pytest

from i18n import TranslationError, table, translate


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_key_has_vietnamese_and_english_text() -> None:
    assert table(), "the translation table is empty: the loops below would check nothing"
    for key, entry in table().items():
        assert set(entry) == {"vi", "en"}, key
        assert entry["vi"].strip() and entry["en"].strip(), key


def test_both_languages_use_the_same_placeholders() -> None:
    with_placeholders = 0
    for key, entry in table().items():
        assert _placeholders(entry["vi"]) == _placeholders(entry["en"]), key
        with_placeholders += bool(_placeholders(entry["vi"]))
    assert with_placeholders, "no entry has a placeholder: nothing was compared"


def test_translate_fills_values_and_defaults_to_vietnamese() -> None:
    assert translate("unit.km2", "vi", value="18.096,4") == "18.096,4 km²"
    assert translate("page.home", "xx") == "Bản đồ nhiệt"  # unknown language → Vietnamese
    assert translate("page.home", "en") == "Heat map"


def test_unknown_key_names_the_key() -> None:
    with pytest.raises(TranslationError, match=r"no\.such\.key"):
        translate("no.such.key", "vi")
