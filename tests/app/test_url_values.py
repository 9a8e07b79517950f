"""Values from a shared link are shown as literal text: no link, image or icon from the URL."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import open_app
from tests.ui.test_components import code_spans

HOSTILE = (
    "[Bấm vào đây](http://evil.example/login)",
    "![](http://evil.example/pixel.png)",
    "`` ` [x](http://evil.example) ` ``",
)


def messages(at: AppTest) -> list[str]:
    return [str(e.value) for kind in ("warning", "error", "info", "markdown") for e in at.get(kind)]


def assert_only_literal(at: AppTest, value: str) -> None:
    """The value appears, and only as the content of a code span: nothing of it is Markdown."""
    shown = [m for m in messages(at) if "evil.example" in m]
    assert shown, "the hostile value is not mentioned at all"
    for message in shown:
        spans, outside = code_spans(message)
        assert value in spans
        assert "evil.example" not in outside
        assert "](" not in outside and "![" not in outside


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize("param", ["pillar", "peer"])
def test_home_filter_values_are_literal(app_env: Path, param: str, value: str) -> None:
    at = open_app(**{param: value})
    assert not at.exception
    assert_only_literal(at, value)


@pytest.mark.parametrize("value", HOSTILE)
def test_unknown_period_is_literal(app_env: Path, value: str) -> None:
    at = open_app(period=value)
    assert not at.exception
    assert_only_literal(at, value)


@pytest.mark.parametrize("value", HOSTILE)
def test_unknown_unit_is_literal(app_env: Path, value: str) -> None:
    at = open_app("app_pages/dossier.py", unit=value)
    assert not at.exception
    assert_only_literal(at, value)


@pytest.mark.parametrize("param", ["view", "lang"])
def test_other_url_values_never_reach_a_message(app_env: Path, param: str) -> None:
    at = open_app(**{param: HOSTILE[0]})
    assert not at.exception
    assert not [m for m in messages(at) if "evil.example" in m]
