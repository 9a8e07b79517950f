"""How wide a text is in Arial, without the font: its advance widths, and greedy word wrap.

python-pptx cannot measure text, and the PowerPoint pack must not overflow its boxes on a
projector, so a text is fitted from Arial's own advance widths (thousandths of an em, from the
font's metrics; Liberation Sans has the same). A Vietnamese letter is as wide as its base
letter (diacritics sit above or below it); the two horned letters ơ and ư are a little wider.
A character outside the table counts as a digit's width.
"""

from __future__ import annotations

import unicodedata

_REGULAR = dict(
    zip(
        " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`"
        "abcdefghijklmnopqrstuvwxyz{|}~",
        (
            278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
            *([556] * 10),
            278, 278, 584, 584, 584, 556, 1015,
            667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833,
            722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611,
            278, 278, 278, 469, 556, 333,
            556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833,
            556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500,
            334, 260, 334, 584,
        ),
        strict=True,
    )
)  # fmt: skip
_BOLD_CHANGES = dict(
    zip(
        "!\"&':;?@JKLbdfghijklmnopqrtuvwxy[]^{|}",
        (
            333, 474, 722, 238, 333, 333, 611, 975, 556, 722, 611,
            611, 611, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611, 611, 611, 389, 333,
            611, 556, 778, 556, 556, 333, 333, 584, 389, 280, 389,
        ),
        strict=True,
    )
)  # fmt: skip
_BOLD = {**_REGULAR, "A": 722, "B": 722, "c": 556, "k": 556, "s": 556, **_BOLD_CHANGES}
_OTHER = {
    **{"Đ": 722, "đ": 556, "ơ": 600, "ư": 600, "Ơ": 800, "Ư": 760},
    **{"…": 1000, "—": 1000, "–": 556, "·": 278, "−": 584, "±": 584},
    **{"✓": 900, "✕": 900},  # from a symbol font: Arial has neither
}
_OTHER_BOLD = {**_OTHER, "đ": 611, "ơ": 650, "ư": 650}
_DEFAULT = 556


def _base(char: str) -> str:
    """The letter under the diacritics: "ế" → "e" (ơ, ư and đ have widths of their own)."""
    return unicodedata.normalize("NFD", char)[0]


def text_width(text: str, size_pt: float, bold: bool = False) -> float:
    """The width of ``text`` in inches at ``size_pt`` points."""
    table, other = (_BOLD, _OTHER_BOLD) if bold else (_REGULAR, _OTHER)
    units = 0
    for char in unicodedata.normalize("NFC", text):
        if char in other:
            units += other[char]
        else:
            units += table.get(_base(char), _DEFAULT)
    return units / 1000 * size_pt / 72


def wrap(text: str, width: float, size_pt: float, bold: bool = False) -> list[str]:
    """``text`` broken into lines of at most ``width`` inches at the spaces, as PowerPoint
    breaks a wrapped text (a word longer than a line is a line of its own)."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if line and text_width(candidate, size_pt, bold) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    if line or not lines:
        lines.append(line)
    return lines


def fit_lines(text: str, width: float, size_pt: float, bold: bool = False, lines: int = 1) -> str:
    """``text`` as it is when it fits in ``lines`` lines of ``width`` inches, else cut at a
    word (or inside a word too long for the line) and ended with "…"."""
    value = " ".join(text.split())
    if len(wrap(value, width, size_pt, bold)) <= lines and _widest(value, size_pt, bold) <= width:
        return value
    while value:
        value = value[:-1].rstrip()
        candidate = value + "…"
        fits = len(wrap(candidate, width, size_pt, bold)) <= lines
        if fits and _widest(candidate, size_pt, bold) <= width:
            return candidate
    return "…"


def _widest(text: str, size_pt: float, bold: bool) -> float:
    return max((text_width(word, size_pt, bold) for word in text.split()), default=0.0)
