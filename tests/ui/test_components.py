"""literal(): a foreign value shown as text in a Markdown message, never as a link or image."""

from __future__ import annotations

import re

import pytest

from ui.components import literal


def code_spans(markdown: str) -> tuple[list[str], str]:
    """CommonMark code spans of ``markdown`` (contents, one stripped space each side) and the
    text outside them: a backtick run opens a span closed by the next run of the same length."""
    spans, outside, pos = [], [], 0
    for opening in re.finditer(r"`+", markdown):
        if opening.start() < pos:
            continue
        run = opening.group()
        closing = re.compile(rf"(?<!`){run}(?!`)").search(markdown, opening.end())
        if closing is None:
            continue
        outside.append(markdown[pos : opening.start()])
        content = markdown[opening.end() : closing.start()]
        if content.startswith(" ") and content.endswith(" ") and content.strip(" "):
            content = content[1:-1]
        spans.append(content)
        pos = closing.end()
    outside.append(markdown[pos:])
    return spans, "".join(outside)


@pytest.mark.parametrize(
    ("value", "markdown"),
    [
        ("[link](http://evil)", "` [link](http://evil) `"),
        ("![](http://evil/x.png)", "` ![](http://evil/x.png) `"),
        ("a`b", "`` a`b ``"),
        ("``x``", "``` ``x`` ```"),
        ("`", "`` ` ``"),
        ("line\nbreak", "` line\N{REPLACEMENT CHARACTER}break `"),
    ],
)
def test_literal_is_one_code_span(value: str, markdown: str) -> None:
    assert literal(value) == markdown


@pytest.mark.parametrize(
    "value",
    [
        "[link](http://evil.example)",
        "![](http://evil.example/pixel.png)",
        "`` ` [x](http://evil.example) ` ``",
        "x` [x](http://evil.example) `y",
        ":material/warning: :red[alarm] $x^2$ **bold** <img src=x>",
        "\n\n[x](http://evil.example)",
    ],
)
def test_hostile_values_stay_inside_the_code_span(value: str) -> None:
    message = f"The link names the period {literal(value)}, which has no data."
    spans, outside = code_spans(message)
    assert outside == "The link names the period , which has no data."
    assert spans == [value.replace("\n", "\N{REPLACEMENT CHARACTER}")]


def test_long_values_are_cut() -> None:
    shown = literal("x" * 500, limit=10)
    assert shown == "` xxxxxxxxxx… `"
