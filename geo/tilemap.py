"""The tile map: one equal square per unit, laid out like the province, names readable."""

from __future__ import annotations

import html

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


def tile_figure(cells: pd.DataFrame, height: int = 820) -> go.Figure:
    """``cells``: code, col, row, band, label (short name), hover (formatted), in_view.

    Each band is its own trace so the legend shows colour and symbol together.
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
                marker={
                    "symbol": "square",
                    "size": 62,
                    "color": style.fill,
                    "line": {"color": style.line, "width": 2},
                    "opacity": [1.0 if v else FADED_OPACITY for v in part["in_view"]],
                },
                text=[f"{style.symbol}<br>{wrap_name(label)}" for label in part["label"]],
                textfont={"size": 12, "color": "#111"},
                textposition="middle center",
                customdata=part[["code"]].to_numpy(),
                hovertext=[plotly_text(h) for h in part["hover"]],
                hoverinfo="text",
                name=plotly_text(str(part["legend"].iloc[0])),
            )
        )
    figure.update_layout(
        height=height,
        margin={"l": 4, "r": 4, "t": 4, "b": 4},
        plot_bgcolor="white",
        clickmode="event+select",
        dragmode=False,
        legend={"orientation": "h", "y": -0.02, "font": {"size": 14}},
        xaxis={"visible": False, "fixedrange": True},
        yaxis={"visible": False, "fixedrange": True, "autorange": "reversed", "scaleanchor": "x"},
    )
    return figure
