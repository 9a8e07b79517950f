"""The exports' PDF page: A4, DejaVu Sans from matplotlib's data, the footer, small text helpers.

fpdf2 embeds a subset of each TrueType font it is given, so the Vietnamese letters print on any
reader without a font installed there; the files are matplotlib's (``mpl-data/fonts/ttf``), so
nothing is committed to the repository and no system font is needed.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import matplotlib
from fpdf import FPDF

FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf"}
FAMILY = "DejaVu"
ELLIPSIS = "…"

# Colours (RGB) of the printed page: a dark blue title bar as on the province's documents,
# near-black text, a muted grey for captions and rules.
NAVY = (11, 51, 94)
INK = (31, 41, 51)
MUTED = (95, 107, 122)
RULE = (200, 206, 214)
PALE = (243, 245, 248)


def clean(text: object) -> str:
    """Text as the PDF gets it: NFC (a decomposed "ế" would print as e + two loose marks)."""
    return unicodedata.normalize("NFC", str(text))


def hex_rgb(colour: str) -> tuple[int, int, int]:
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


@dataclass(frozen=True)
class PageText:
    """What every page prints in its footer: who made it, when, and the page number."""

    left: str  # e.g. "Ban Chỉ đạo … · Tạo lúc 10:15 03/12/2026"
    page: str  # a translated "Trang {page}/{total}" with the placeholders still in


class Document(FPDF):
    """An A4 page in DejaVu Sans with the exports' footer; no automatic page breaks (every page
    is laid out to fit, and a page break in the middle of a block would hide the overflow)."""

    def __init__(self, orientation: str, footer: PageText, title: str, lang: str) -> None:
        super().__init__(orientation=orientation, unit="mm", format="A4")
        for style, name in FONT_FILES.items():
            self.add_font(FAMILY, style, str(FONT_DIR / name))
        self.footer_text = footer
        self.set_auto_page_break(False)
        self.set_margins(14, 12, 14)
        self.set_title(clean(title))
        self.set_author(clean(footer.left.split(" · ")[0]))
        self.set_creator("daklak-dx-dashboard")
        self.set_lang(lang)
        self.set_text_color(*INK)

    def footer(self) -> None:
        self.set_y(-11)
        self.set_draw_color(*RULE)
        self.set_line_width(0.2)
        self.line(self.l_margin, self.get_y() - 1, self.w - self.r_margin, self.get_y() - 1)
        self.font(7)
        self.set_text_color(*MUTED)
        width = self.w - self.l_margin - self.r_margin
        page = self.footer_text.page.format(page=self.page_no(), total="{nb}")
        self.cell(width * 0.8, 5, self.fit(self.footer_text.left, width * 0.8))
        self.cell(width * 0.2, 5, page, align="R")
        self.set_text_color(*INK)

    def font(self, size: float, style: str = "") -> None:
        self.set_font(FAMILY, style, size)

    def fit(self, text: object, width: float) -> str:
        """``text`` cut with "…" to fit ``width`` mm in the current font (a long task title
        must not push a table past the page)."""
        value = clean(text)
        if self.get_string_width(value) <= width:
            return value
        while value and self.get_string_width(value + ELLIPSIS) > width:
            value = value[:-1]
        return value.rstrip() + ELLIPSIS

    def heading(self, text: str, width: float | None = None) -> None:
        """A section heading: bold navy text over a thin rule."""
        width = width or (self.w - self.l_margin - self.r_margin)
        x = self.get_x()
        self.font(10, "B")
        self.set_text_color(*NAVY)
        self.cell(width, 6, self.fit(text, width), new_x="LEFT", new_y="NEXT")
        self.set_draw_color(*NAVY)
        self.set_line_width(0.4)
        self.line(x, self.get_y(), x + width, self.get_y())
        self.set_text_color(*INK)
        self.set_xy(x, self.get_y() + 1.5)

    def line_of_text(
        self, text: str, width: float, size: float = 8.5, style: str = "", height: float = 4.6
    ) -> None:
        """One line of text, cut to ``width``, the cursor on the next line at the same x."""
        self.font(size, style)
        self.cell(width, height, self.fit(text, width), new_x="LEFT", new_y="NEXT")

    def paragraph(
        self,
        text: str,
        width: float,
        size: float = 8.5,
        style: str = "",
        max_lines: int = 3,
        height: float | None = None,
    ) -> int:
        """Wrapped text of at most ``max_lines`` lines (the last one cut with "…"); returns
        how many lines it took."""
        self.font(size, style)
        height = height or size * 0.52
        lines = cast(
            "list[str]",
            self.multi_cell(width, height, clean(text), dry_run=True, output="LINES"),
        )
        shown = list(lines[:max_lines])
        if len(lines) > max_lines:
            shown[-1] = self.fit(shown[-1] + " " + ELLIPSIS, width)
        for line in shown:
            self.cell(width, height, line, new_x="LEFT", new_y="NEXT")
        return len(shown)
