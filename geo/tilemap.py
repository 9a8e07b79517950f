"""The tile map: one equal square per unit, laid out like the province, names readable."""

from __future__ import annotations

import html
from dataclasses import dataclass, replace

import pandas as pd
import plotly.graph_objects as go

from geo.palette import BAND_STYLES, FADED_OPACITY


def plotly_text(text: str) -> str:
    """``text`` for a Plotly label, hover text or legend entry, shown exactly as written.

    Plotly reads these strings as its own small HTML (``<br>``, ``<b>``, ``<a href>``), so ``<``,
    ``>`` and ``&`` must become entities. Quotes must not: Plotly decodes only ``&amp;``, ``&lt;``,
    ``&gt;``, a few other named entities and numeric ones, and shows ``&quot;`` as it stands
    (``html.escape``'s default turned ``Ea "A"`` into ``Ea &quot;A&quot;`` on the tile map).
    """
    return html.escape(text, quote=False)


def wrap_name(name: str, width: int = 8) -> str:
    """Break a name into short lines so it stays inside its square ("Buôn Ma<br>Thuột")."""
    lines: list[str] = []
    for word in name.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(plotly_text(line) for line in lines)


# Half the side of a square, in grid units: squares are drawn in the axes' own coordinates, so
# they grow and shrink with the width the page gives the map and never overlap (fixed-size
# markers overlapped at 1366 px and left a wide empty band above the grid).
HALF_SIDE = 0.47
HIT_SIZE = 40  # px: the invisible marker under each name that takes the hover and the click


def _squares(cells: pd.DataFrame) -> list[dict]:
    shapes = []
    for col, row, band, in_view in zip(
        cells["col"], cells["row"], cells["band"], cells["in_view"], strict=True
    ):
        style = BAND_STYLES[band]
        shapes.append(
            {
                "type": "rect",
                "xref": "x",
                "yref": "y",
                "x0": col - HALF_SIDE,
                "x1": col + HALF_SIDE,
                "y0": row - HALF_SIDE,
                "y1": row + HALF_SIDE,
                "fillcolor": style.fill,
                "line": {"color": style.line, "width": 2, "dash": "dash" if style.dash else None},
                "opacity": 1.0 if in_view else FADED_OPACITY,
                "layer": "below",
            }
        )
    return shapes


@dataclass(frozen=True)
class TileLook:
    """How the tile map is drawn: the page's (light) or the big screen's (dark, large names)."""

    label_size: int = 11
    wrap_width: int = 8  # characters per line of a name
    legend_size: int = 14
    background: str = "white"
    legend_colour: str = "#111"
    legend: bool = True  # the big screen's band cards beside the map carry the legend instead
    symbol_inline: bool = False  # the band's symbol before the name, not on a line of its own


PAGE_LOOK = TileLook()
# The meeting-room screen: names read from 5 m on 1920×1080 (see ui/kiosk.py).
BIG_SCREEN_LOOK = TileLook(
    label_size=18,
    wrap_width=7,
    symbol_inline=True,
    legend_size=22,
    background="#0d1117",
    legend_colour="#f0f3f6",
    legend=False,
)
SHORT_SCREEN_LOOK = replace(BIG_SCREEN_LOOK, label_size=13)  # a 1366×768 projector


def _label(symbol: str, name: str, look: TileLook) -> str:
    if look.symbol_inline:  # one line fewer: room for larger names on the big screen
        # The symbol leads the first line and counts in its width, but never stands on a line
        # of its own ("! Krông" / "Búk", not "!" / "Krông" / "Búk").
        lines = wrap_name(f"{symbol} {name}", look.wrap_width).split("<br>")
        if len(lines) > 1 and lines[0] == plotly_text(symbol):
            lines[:2] = [f"{lines[0]} {lines[1]}"]
        return "<br>".join(lines)
    return f"{plotly_text(symbol)}<br>{wrap_name(name, look.wrap_width)}"


def tile_figure(cells: pd.DataFrame, height: int = 640, look: TileLook = PAGE_LOOK) -> go.Figure:
    """``cells``: code, col, row, band, label (short name), hover (formatted), in_view.

    Each band has one trace of names (hover and click, no legend entry) and one legend entry
    that shows its colour and symbol together.
    """
    figure = go.Figure()
    for band, style in BAND_STYLES.items():
        part = cells[cells["band"] == band]
        if part.empty:
            continue
        figure.add_trace(
            go.Scatter(
                x=part["col"],
                y=part["row"],
                mode="markers+text",
                marker={"symbol": "square", "size": HIT_SIZE, "opacity": 0},
                text=[_label(style.symbol, label, look) for label in part["label"]],
                textfont={"size": look.label_size, "color": "#111"},
                textposition="middle center",
                customdata=part[["code"]].to_numpy(),
                hovertext=[plotly_text(h) for h in part["hover"]],
                hoverinfo="text",
                name=plotly_text(str(part["legend"].iloc[0])),
                showlegend=False,
            )
        )
        figure.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                marker={
                    "symbol": "square",
                    "size": 16,
                    "color": style.fill,
                    "line": {"color": style.line, "width": 2},
                },
                name=plotly_text(f"{style.symbol} {part['legend'].iloc[0]}"),
                hoverinfo="skip",
            )
        )
    figure.update_layout(
        height=height,
        margin={"l": 4, "r": 4, "t": 4, "b": 4},
        showlegend=look.legend,
        plot_bgcolor=look.background,
        paper_bgcolor=look.background,
        shapes=_squares(cells),
        clickmode="event+select",
        dragmode=False,
        legend={
            "orientation": "h",
            "y": -0.02,
            "font": {"size": look.legend_size, "color": look.legend_colour},
        },
        xaxis={"visible": False, "fixedrange": True},
        yaxis={"visible": False, "fixedrange": True, "autorange": "reversed", "scaleanchor": "x"},
    )
    return figure
