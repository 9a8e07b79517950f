"""The exports' charts as PNG bytes: pillar bars, the heat map, 5G coverage against the glide path.

matplotlib's own ``Figure`` and Agg canvas, never ``pyplot``: no global figure state, so two
downloads built at once in Streamlit's threads cannot draw into each other's figure, and no
display or GUI backend is needed. Text is DejaVu Sans (matplotlib ships it; every Vietnamese
diacritic) and every number is written with the reader's separators (``72,4`` in Vietnamese).
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import matplotlib
import matplotlib.dates as mdates
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import FuncFormatter

from geo.palette import BAND_STYLES
from i18n import translate
from i18n.formats import format_number
from metrics.bands import DISPLAY_ORDER, Band

FONT_FAMILY = "DejaVu Sans"
INK = "#1f2933"  # body text: near-black reads better than pure black on a projector
MUTED = "#5f6b7a"
GRID = "#d5dae1"
LINE_BLUE = "#0b5394"  # the dashboard's own line colour (ui.dossier's trend)
PNG_DPI = 200  # sharp when printed at the size the PDFs place them


def _style() -> Any:  # matplotlib types rcParams as literal keys; these are all valid ones
    """rcParams for every chart: matplotlib's bundled DejaVu Sans, nothing from the system."""
    return {
        "font.family": FONT_FAMILY,
        "font.size": 9,
        "axes.edgecolor": GRID,
        "axes.labelcolor": INK,
        "xtick.color": MUTED,
        "ytick.color": INK,
        "svg.fonttype": "none",
    }


def _png(figure: Figure, dpi: int = PNG_DPI) -> bytes:
    buffer = io.BytesIO()
    FigureCanvasAgg(figure)
    figure.savefig(buffer, format="png", dpi=dpi, facecolor="white")
    return buffer.getvalue()


def _number_axis(lang: str, decimals: int = 0, suffix: str = "") -> FuncFormatter:
    return FuncFormatter(lambda value, _pos: format_number(value, lang, decimals) + suffix)


# --- the pillar chart ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PillarBar:
    """One pillar of a unit: its label in the reader's language, its score (0–100 % of its
    points, None when nothing in it was reported) and its band."""

    label: str
    score: float | None
    band: str


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def pillar_chart_png(
    bars: Sequence[PillarBar],
    lang: str,
    *,
    green_at: float,
    yellow_at: float,
    size_in: tuple[float, float] = (4.6, 3.0),
) -> bytes:
    """Horizontal bars, one per pillar in catalog order (top to bottom), each in its band's
    colour with the value written at its end, the green and yellow thresholds dashed."""
    with matplotlib.rc_context(_style()):
        figure = Figure(figsize=size_in, layout="constrained")
        axes = figure.add_subplot()
        rows = list(range(len(bars)))[::-1]  # the first pillar on top, as the catalog lists it
        for row, bar in zip(rows, bars, strict=True):
            style = BAND_STYLES.get(bar.band, BAND_STYLES[Band.GREY])
            value = 0.0 if _missing(bar.score) else float(bar.score or 0.0)
            axes.barh(row, value, color=style.fill, edgecolor=style.line, height=0.62)
            text = "–" if _missing(bar.score) else format_number(value, lang, 1)
            axes.text(
                min(value, 100) + 1.5,
                row,
                text,
                va="center",
                ha="left",
                fontsize=7.5,
                color=INK,
                zorder=4,  # above the threshold lines, on a white ground so they stay legible
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.6, "alpha": 0.9},
            )
        for level, band in ((yellow_at, Band.YELLOW), (green_at, Band.GREEN)):
            axes.axvline(level, color=BAND_STYLES[band].line, linestyle=(0, (4, 3)), linewidth=1)
        axes.set_yticks(rows, [_wrapped(bar.label, 30) for bar in bars], fontsize=7.5)
        axes.set_xlim(0, 112)  # room for "100,0" after a full bar
        axes.set_xticks([0, 25, 50, 75, 100])
        axes.xaxis.set_major_formatter(_number_axis(lang, suffix="%"))
        axes.tick_params(axis="x", labelsize=7)
        axes.tick_params(axis="y", length=0)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        axes.grid(axis="x", color=GRID, linewidth=0.5)
        axes.set_axisbelow(True)
        return _png(figure)


def _wrapped(text: str, width: int) -> str:
    """``text`` on lines of at most ``width`` characters, broken at spaces."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "\n".join(lines)


# --- the heat map -------------------------------------------------------------------------------


def _legend(bands: Mapping[str, str], lang: str) -> list[Patch]:
    """One entry per band, best first, with its symbol and how many units are in it."""
    counts = pd.Series(list(bands.values()), dtype=object).value_counts()
    handles = []
    for band in DISPLAY_ORDER:
        style = BAND_STYLES[band]
        label = translate(
            "report.chart.legend_entry",
            lang,
            symbol=style.symbol,
            band=translate(f"band.{band}", lang),
            n=format_number(int(counts.get(band, 0)), lang),
        )
        handles.append(
            Patch(
                facecolor=style.fill,
                edgecolor=style.line,
                label=label,
                hatch="///" if band == Band.GREY else None,
            )
        )
    return handles


def heat_map_png(
    bands: Mapping[str, str],
    lang: str,
    *,
    shapes: Any | None = None,
    cells: pd.DataFrame | None = None,
    names: Mapping[str, str] | None = None,
    faded: frozenset[str] = frozenset(),
    size_in: tuple[float, float] = (7.2, 6.2),
) -> bytes:
    """The units coloured by band: their boundaries when ``shapes`` (a GeoDataFrame with
    ``code`` and ``geometry`` in EPSG:4326) is given, else the tile map's ``cells`` (``code``,
    ``col``, ``row``, as ``geo.tiles.tile_layout`` lays them) with each unit's short name.
    Grey units are hatched as well as grey (shape as well as colour); ``faded`` units (outside
    a chosen peer group) are drawn pale."""
    if shapes is None and cells is None:
        raise ValueError("heat_map_png needs shapes or cells")
    with matplotlib.rc_context(_style()):
        figure = Figure(figsize=size_in, layout="constrained")
        axes = figure.add_subplot()
        if shapes is not None:
            _draw_shapes(axes, shapes, bands, faded)
        else:
            assert cells is not None
            _draw_cells(axes, cells, bands, names or {}, faded)
        axes.set_axis_off()
        axes.legend(
            handles=_legend(bands, lang),
            loc="upper center",
            bbox_to_anchor=(0.5, 0.0),
            ncol=2,
            frameon=False,
            fontsize=9,
        )
        return _png(figure)


def _band_style(code: str, bands: Mapping[str, str]) -> Any:
    return BAND_STYLES.get(bands.get(code, Band.GREY), BAND_STYLES[Band.GREY])


def _draw_shapes(axes: Any, shapes: Any, bands: Mapping[str, str], faded: frozenset[str]) -> None:
    codes = shapes["code"].astype(str)
    fills = [_band_style(c, bands).fill for c in codes]
    edges = [_band_style(c, bands).line for c in codes]
    alpha = [0.2 if c in faded else 1.0 for c in codes]
    shapes.plot(ax=axes, color=fills, edgecolor=edges, linewidth=0.4, alpha=alpha)
    grey = shapes[[bands.get(c, Band.GREY) == Band.GREY for c in codes]]
    if not grey.empty:  # hatched as well as grey: colour alone does not survive a projector
        grey.plot(ax=axes, facecolor="none", edgecolor=BAND_STYLES[Band.GREY].line, hatch="///")
    # Degrees of longitude are shorter than degrees of latitude this far from the equator.
    middle = float(shapes.total_bounds[1] + shapes.total_bounds[3]) / 2
    axes.set_aspect(1 / math.cos(math.radians(middle)))


@dataclass(frozen=True)
class _Cell:
    code: str
    col: float
    row: float


def _draw_cells(
    axes: Any,
    cells: pd.DataFrame,
    bands: Mapping[str, str],
    names: Mapping[str, str],
    faded: frozenset[str],
) -> None:
    for row in cells.itertuples(index=False):
        cell = _Cell(str(row.code), float(row.col), float(row.row))  # type: ignore[arg-type]
        code = cell.code
        style = _band_style(code, bands)
        grey = bands.get(code, Band.GREY) == Band.GREY
        axes.add_patch(
            Rectangle(
                (cell.col, -cell.row - 1),
                0.94,
                0.94,
                facecolor=style.fill,
                edgecolor=style.line,
                linewidth=0.6,
                hatch="///" if grey else None,
                alpha=0.2 if code in faded else 1.0,
            )
        )
        label = f"{style.symbol}\n{_wrapped(names.get(code, code), 9)}"
        axes.text(
            cell.col + 0.47,
            -cell.row - 0.53,
            label,
            ha="center",
            va="center",
            fontsize=4.2,
            color=INK,
            linespacing=1.0,
        )
    cols, rows = cells["col"].to_numpy(dtype=float), cells["row"].to_numpy(dtype=float)
    axes.set_xlim(cols.min() - 0.2, cols.max() + 1.2)
    axes.set_ylim(-rows.max() - 1.2, -rows.min() + 0.2)
    axes.set_aspect("equal")


# --- 5G at the centres against the glide path to 2030 -------------------------------------------


def coverage_chart_png(
    coverage: pd.DataFrame,
    lang: str,
    *,
    target_day: date,
    size_in: tuple[float, float] = (7.0, 3.2),
) -> bytes:
    """The share of centres with 5G month by month and where the straight line from the
    baseline to 100 % on ``target_day`` stands each month (``coverage``: day, covered_pct,
    glide_pct, as ``metrics.infra_board`` computes them), the glide path dashed.

    Drawn up to the last month with data: drawn to 2030, the months observed would be squeezed
    into a fifth of the width; the legend names the target instead."""
    with matplotlib.rc_context(_style()):
        figure = Figure(figsize=size_in, layout="constrained")
        axes = figure.add_subplot()
        days = pd.to_datetime(coverage["day"])
        axes.plot(
            days,
            coverage["covered_pct"],
            color=LINE_BLUE,
            marker="o",
            markersize=3,
            linewidth=1.8,
            label=translate("report.chart.coverage", lang),
        )
        axes.plot(
            days,
            coverage["glide_pct"],
            color=BAND_STYLES[Band.GREEN].line,
            linestyle=(0, (5, 3)),
            linewidth=1.4,
            label=translate(
                "report.chart.glide",
                lang,
                target=format_number(100, lang),
                date=f"{target_day:%d/%m/%Y}",
            ),
        )
        axes.set_ylim(0, 100)
        axes.yaxis.set_major_formatter(_number_axis(lang, suffix="%"))
        axes.xaxis.set_major_formatter(FuncFormatter(_month_tick))
        axes.tick_params(axis="x", labelsize=7)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        axes.grid(axis="y", color=GRID, linewidth=0.5)
        axes.legend(loc="upper left", frameon=False, fontsize=8)
        return _png(figure)


def _month_tick(value: float, _pos: int) -> str:
    """mm/yyyy ticks (the province's month notation in both languages)."""
    return f"{mdates.num2date(value):%m/%Y}"
