"""Downloads of a table as CSV and as .xlsx, each opening with a title block that says which
figures it holds: the table, the month, published or provisional, the catalog version, the data
the scores were computed from, and when it was exported.

Two formats for two readers. The .xlsx keeps numbers as numbers (a spreadsheet can sum them)
with a display format of the page's precision; Excel writes the separators of the reader's own
settings (1.234,5 on a computer set to Vietnamese: a number format cannot fix them). The CSV
(UTF-8 with a byte-order mark, so Excel reads the Vietnamese letters) holds every cell as the
page writes it in the reader's language: "71,2" rather than 71.2, which a Vietnamese-set Excel
would otherwise read as 712. Every text cell passes through ``neutralise_formulas`` (a unit name
or an evidence reference starting with "=" stays text), and the .xlsx types every text cell as
a string, so no cell can become a formula.

The files are built only when a button is pressed (``st.download_button`` with a callable), so
showing the buttons costs a page run almost nothing. The heat map, the dossier and the tasks
page use them; a list judged at one day under the viewer's filters (the operational pages) gets
its filters and its data-as-of day in the title block (:func:`filtered_export`).
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from common.spreadsheet import neutralise_cell, neutralise_formulas
from i18n.formats import format_date, format_datetime, format_number
from metrics.bands import Band
from metrics.catalog import Catalog
from metrics.explain import display_decimals
from metrics.publication import PublishedBeside
from reports.text import Words
from ui.loaders import store_state
from ui.text import current_language, t

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIME = "text/csv"
MAX_COLUMN_WIDTH = 48  # characters: a long evidence reference wraps rather than widening a sheet


# --- the table and its two writers (no Streamlit) ---------------------------------------------


@dataclass(frozen=True)
class NumberFormat:
    """How a number column is shown: ``decimals`` places; ``share`` for a 0–1 value shown as a
    percentage; ``suffix`` for text after the number (a 0–100 value shown with "%")."""

    decimals: int = 0
    share: bool = False
    suffix: str = ""

    def xlsx(self) -> str:
        places = "." + "0" * self.decimals if self.decimals else ""
        if self.share:
            return f"0{places}%"
        return f'#,##0{places}"{self.suffix}"' if self.suffix else f"#,##0{places}"

    def text(self, value: float, lang: str) -> str:
        shown = value * 100 if self.share else value
        sign = "%" if self.share else self.suffix
        return format_number(shown, lang, self.decimals) + sign


@dataclass(frozen=True)
class ExportTable:
    """A table ready for download. ``frame`` holds its headed columns: numbers as numbers, text
    as text, missing values as None/NaN; ``formats`` gives a number column one format, or one
    per row (indicators in different units); ``lines`` follow ``name`` in the title block."""

    name: str
    lines: tuple[str, ...]
    frame: pd.DataFrame
    file_stem: str
    lang: str
    exported_label: str  # "Xuất lúc" / "Exported at": the time is the moment of the download
    formats: Mapping[str, NumberFormat | Sequence[NumberFormat]] = field(default_factory=dict)

    def title(self, exported_at: datetime) -> list[str]:
        stamp = f"{self.exported_label}: {format_datetime(exported_at, self.lang)}"
        return [neutralise_cell(line) for line in (self.name, *self.lines, stamp)]

    def number_format(self, column: str, row: int) -> NumberFormat | None:
        spec = self.formats.get(column)
        if spec is None or isinstance(spec, NumberFormat):
            return spec
        return spec[row]


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _is_missing(value: Any) -> bool:
    return value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def _cells(table: ExportTable) -> tuple[list[str], list[list[Any]]]:
    """Headings and rows with formula text neutralised; numbers turned into plain Python ones."""
    safe = neutralise_formulas(table.frame)
    headings = [str(c) for c in safe.columns]
    rows = [
        [value.item() if isinstance(value, np.generic) else value for value in row]
        for row in safe.astype(object).itertuples(index=False, name=None)
    ]
    return headings, rows


def csv_text_cell(value: Any, number: NumberFormat | None, lang: str) -> str:
    """A cell as the page writes it: numbers in the reader's language (with the column's
    places; two when it has no format and is not whole), days dd/mm/yyyy, missing ones empty."""
    if _is_missing(value):
        return ""
    if _is_number(value):
        if number is None:
            number = NumberFormat(0 if float(value).is_integer() else 2)
        return number.text(float(value), lang)
    if isinstance(value, date):
        return format_date(value, lang)
    return str(value)


def csv_bytes(table: ExportTable, exported_at: datetime | None = None) -> bytes:
    """The title block (one line each), an empty line, the headings and the rows."""
    headings, rows = _cells(table)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    for line in table.title(exported_at or datetime.now()):
        writer.writerow([line])
    writer.writerow([])
    writer.writerow(headings)
    for index, row in enumerate(rows):
        writer.writerow(
            csv_text_cell(value, table.number_format(column, index), table.lang)
            for column, value in zip(headings, row, strict=True)
        )
    return buffer.getvalue().encode("utf-8-sig")


def xlsx_bytes(table: ExportTable, exported_at: datetime | None = None) -> bytes:
    """One sheet: the title block in bold, an empty row, bold headings (frozen), the rows."""
    headings, rows = _cells(table)
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has one sheet
    sheet.title = _sheet_title(table.name)
    title = table.title(exported_at or datetime.now())
    for number, line in enumerate(title, start=1):
        cell = sheet.cell(row=number, column=1)
        _set_text(cell, line)
        cell.font = Font(bold=True, size=13 if number == 1 else 11)
    header_row = len(title) + 2
    for col, heading in enumerate(headings, start=1):
        cell = sheet.cell(row=header_row, column=col)
        _set_text(cell, heading)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for index, row in enumerate(rows):
        for col, (heading, value) in enumerate(zip(headings, row, strict=True), start=1):
            _write_cell(
                sheet.cell(row=header_row + 1 + index, column=col),
                value,
                table.number_format(heading, index),
            )
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    for col, heading in enumerate(headings, start=1):
        cells = [str(row[col - 1]) for row in rows if not _is_missing(row[col - 1])]
        longest = max(len(text) for text in [heading, *cells])
        sheet.column_dimensions[get_column_letter(col)].width = min(longest + 2, MAX_COLUMN_WIDTH)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sheet_title(name: str) -> str:
    # Excel allows 31 characters and none of []:*?/\ in a sheet's name.
    return re.sub(r"[\[\]:*?/\\]", " ", name)[:31].strip() or "Sheet"


def _set_text(cell: Any, text: str) -> None:
    cell.value = text
    cell.data_type = "s"  # never a formula, whatever the text starts with


def _write_cell(cell: Any, value: Any, number: NumberFormat | None) -> None:
    if _is_missing(value):
        return
    if _is_number(value):
        cell.value = value
        if number is not None:
            cell.number_format = number.xlsx()
    elif isinstance(value, datetime | date):
        cell.value = value
        cell.number_format = "dd/mm/yyyy"
    else:
        _set_text(cell, str(value))


# --- text in one language, off the page's thread ----------------------------------------------


# ``Words`` (imported above from ``reports.text``, where the PDF exports need it too): the
# builders below run when a button is pressed, in a thread of the download's own that has no
# session (so no ``ui.text``, which reads the language from the session): the page hands them
# its language instead.


# --- the title block's lines -------------------------------------------------------------------


@dataclass(frozen=True)
class ScoresSource:
    """What a set of scores was computed from: the catalog version, the data load (the data
    version is the newest import batch's number) and when the scores were computed."""

    catalog_version: str
    data_version: int
    scored_at: datetime | None


def provisional_source() -> ScoresSource | None:
    """The stored (provisional) scores' source, None before any score is stored."""
    state = store_state()[1]
    if state is None:
        return None
    return ScoresSource(state.catalog_version, state.data_version, state.computed_at)


def published_source(beside: PublishedBeside) -> ScoresSource:
    return ScoresSource(beside.catalog_version, beside.data_version, beside.scored_at)


def source_lines(
    source: ScoresSource | None, words: Words, *, provisional_beside: bool = False
) -> list[str]:
    """ "Bộ chỉ số: phiên bản …" and "Dữ liệu: lần nạp số …, điểm tính lúc …"; for the
    provisional columns beside published ones, one line naming them."""
    if source is None:
        return []
    if provisional_beside:
        return [
            words.t(
                "export.source_provisional_columns",
                version=source.catalog_version,
                load=source.data_version,
                when=words.when(source.scored_at),
            )
        ]
    return [
        words.t("export.catalog", version=source.catalog_version),
        words.t("export.data", load=source.data_version, when=words.when(source.scored_at)),
    ]


def figures_line(beside: PublishedBeside | None, words: Words, *, published: bool) -> str:
    """ "Số liệu: công bố ngày dd/mm/yyyy" for published figures; for provisional ones, that
    the month is not published, or that it is and these are the newer data's figures."""
    if published and beside is not None:
        return words.t("export.figures_published", date=words.day(beside.published_at))
    if beside is not None:
        return words.t("export.figures_provisional_newer", date=words.day(beside.published_at))
    return words.t("export.figures_provisional")


def file_stem(stem: str, period: date) -> str:
    return f"{stem}-{period:%Y-%m}"


def _export_table(
    words: Words,
    name: str,
    period: date,
    lines: list[str],
    frame: pd.DataFrame,
    stem: str,
    formats: Mapping[str, NumberFormat | Sequence[NumberFormat]],
) -> ExportTable:
    return ExportTable(
        name=name,
        lines=(words.t("export.period", period=words.month(period)), *lines),
        frame=frame,
        file_stem=file_stem(stem, period),
        lang=words.lang,
        exported_label=words.t("export.exported_at"),
        formats=formats,
    )


# --- the heat map's scorecard ------------------------------------------------------------------

SCORECARD_STEM = "bang-diem"
SCORE = NumberFormat(1)
COUNT = NumberFormat(0)
COVERAGE = NumberFormat(1, share=True)


def _rank(rank: Any, out_of: Any, words: Words) -> str | None:
    """ "3/95", as the pages write a rank; None for a grey (unranked) unit."""
    if _is_missing(rank) or _is_missing(out_of):
        return None
    return f"{words.num(rank)}/{words.num(out_of)}"


def _heading(words: Words, key: str, suffix: str) -> str:
    return f"{words.t(key)} {suffix}".strip()


def _figure_columns(rows: pd.DataFrame, words: Words, suffix: str) -> dict[str, list[Any]]:
    """A unit's figures (score, band in words, ranks, coverage) under headings ending in
    ``suffix`` (empty, or "(công bố)" / "(tạm tính)")."""

    def heading(key: str) -> str:
        return _heading(words, key, suffix)

    def ranks(rank: str, out_of: str) -> list[str | None]:
        return [_rank(r, o, words) for r, o in zip(rows[rank], rows[out_of], strict=True)]

    return {
        heading("export.col.score"): rows["composite"].tolist(),
        heading("export.col.band"): [words.t(f"band.{b}") for b in rows["band"].fillna(Band.GREY)],
        heading("export.col.rank_level"): ranks("rank_level", "rank_level_of"),
        heading("export.col.rank_peer"): ranks("rank_peer", "rank_peer_of"),
        heading("export.col.reported"): rows["reported"].tolist(),
        heading("export.col.expected"): rows["expected"].tolist(),
        heading("export.col.coverage"): rows["coverage"].tolist(),
    }


def _figure_formats(words: Words, suffix: str) -> dict[str, NumberFormat]:
    return {
        _heading(words, "export.col.score", suffix): SCORE,
        _heading(words, "export.col.reported", suffix): COUNT,
        _heading(words, "export.col.expected", suffix): COUNT,
        _heading(words, "export.col.coverage", suffix): COVERAGE,
    }


def _identity_columns(units: pd.DataFrame, words: Words) -> dict[str, list[Any]]:
    """Code, name and peer group of ``units`` (indexed by unit code)."""
    return {
        words.t("export.col.code"): units.index.astype(str).tolist(),
        words.t("export.col.unit"): units["full_name"].tolist(),
        words.t("export.col.peer_group"): [words.t(f"peer_group.{g}") for g in units["peer_group"]],
    }


def scorecard_export(
    card: pd.DataFrame,
    period: date,
    beside: PublishedBeside | None,
    current: ScoresSource | None,
    words: Words,
) -> ExportTable:
    """The scorecard of every unit for ``period``: code, name, peer group, then its score,
    band, ranks "x/y" and coverage. For a published month the published figures come first,
    the provisional ones (the newer data) beside them, and a column says where they differ.
    Ordered by rank (the published one for a published month), unranked units last."""
    name = words.t("export.scorecard_name", n=words.num(len(card)))
    if beside is None or beside.frozen.empty:
        units = card.sort_values(["rank_level", "unit_code"], na_position="last")
        units = units.set_index("unit_code")
        frame = pd.DataFrame(
            {**_identity_columns(units, words), **_figure_columns(units, words, "")}
        )
        lines = [words.t("export.figures_provisional"), *source_lines(current, words)]
        formats = _figure_formats(words, "")
        return _export_table(words, name, period, lines, frame, SCORECARD_STEM, formats)

    frozen = beside.frozen.sort_values(["rank_level", "unit_code"], na_position="last")
    order = [*frozen["unit_code"], *sorted(set(card["unit_code"]) - set(frozen["unit_code"]))]
    units = card.set_index("unit_code").reindex(order)
    published_rows = frozen.set_index("unit_code").reindex(order)
    changed = beside.units.set_index("unit_code")["changed"].reindex(order)
    published = words.t("export.published_suffix")
    provisional = words.t("export.provisional_suffix")
    frame = pd.DataFrame(
        {
            **_identity_columns(units, words),
            **_figure_columns(published_rows, words, published),
            **_figure_columns(units, words, provisional),
            words.t("export.col.changed"): [
                words.t("common.yes") if bool(c) else None for c in changed.fillna(False)
            ],
        }
    )
    lines = [
        words.t("export.figures_published_beside", date=words.day(beside.published_at)),
        *source_lines(published_source(beside), words),
        *source_lines(current, words, provisional_beside=True),
    ]
    formats = {**_figure_formats(words, published), **_figure_formats(words, provisional)}
    return _export_table(words, name, period, lines, frame, SCORECARD_STEM, formats)


# --- the dossier's indicator table -------------------------------------------------------------


def _status(row: pd.Series | None, scored: bool, words: Words) -> str:
    """Reported, tracked only, missing evidence ("thiếu minh chứng"), not applicable or not
    reported: what the dossier's value column says beside (or instead of) the value."""
    if row is not None and not bool(row["applicable"]):
        return words.t("dossier.not_applicable")
    if row is not None and bool(row["reported"]):
        return words.t("export.status.reported") if scored else words.t("rule.tracked")
    if row is not None and bool(row.get("missing_evidence", False)):
        return words.t("export.status.missing_evidence")
    return words.t("dossier.not_reported")


def _value_format(unit: str) -> NumberFormat:
    return NumberFormat(display_decimals(unit), suffix="%" if unit == "percent" else "")


def _shown(value: Any, unit: str, words: Words) -> Any:
    """A value as the dossier shows it: a flag as "Có"/"Chưa", anything else as a number."""
    if _is_missing(value):
        return None
    if unit == "flag":
        return words.t("common.yes") if value >= 1 else words.t("common.no")
    return float(value)


def _present(row: pd.Series | None, column: str) -> Any:
    """``row[column]``, or None when there is no row or no value."""
    if row is None or _is_missing(row[column]):
        return None
    return row[column]


def indicator_frame(
    indicators: pd.DataFrame, catalog: Catalog, words: Words
) -> tuple[pd.DataFrame, dict[str, list[NumberFormat]]]:
    """The dossier's indicator table in typed columns, in catalog order, and the number format
    of each value and target (each indicator has its own unit)."""
    by_key = indicators.set_index("indicator_key")
    rows, formats = [], []
    for indicator in catalog.indicators:
        row = by_key.loc[indicator.key] if indicator.key in by_key.index else None
        reported = row is not None and bool(row["reported"])
        points = _present(row, "points") if reported and indicator.scored else None
        source, evidence = _present(row, "source_type"), _present(row, "evidence_ref")
        value_period, reported_at = _present(row, "value_period"), _present(row, "reported_at")
        rows.append(
            {
                words.t("catalog.col.indicator"): indicator.label.in_language(words.lang),
                words.t("catalog.col.pillar"): catalog.pillar(indicator.pillar).label.in_language(
                    words.lang
                ),
                words.t("export.col.status"): _status(row, indicator.scored, words),
                # shown even without its evidence: the status says it does not score
                words.t("dossier.col.value"): _shown(_present(row, "value"), indicator.unit, words),
                words.t("dossier.col.target"): _shown(indicator.target, indicator.unit, words),
                words.t("export.col.points"): None if points is None else float(points),
                words.t("catalog.col.max_points"): float(indicator.max_points),
                words.t("dossier.col.period"): None
                if value_period is None
                else words.month(value_period),
                words.t("catalog.col.source_type"): None
                if source is None
                else words.t(f"source_type.{source}"),
                words.t("catalog.col.evidence"): evidence,
                words.t("dossier.col.reported_at"): None
                if reported_at is None
                else pd.Timestamp(reported_at).date(),
            }
        )
        formats.append(_value_format(indicator.unit))
    points_format = [NumberFormat(2)] * len(rows)
    return pd.DataFrame(rows), {
        words.t("dossier.col.value"): formats,
        words.t("dossier.col.target"): formats,
        words.t("export.col.points"): points_format,
        words.t("catalog.col.max_points"): points_format,
    }


def indicator_export(
    indicators: pd.DataFrame,
    catalog: Catalog,
    words: Words,
    *,
    unit_name: str,
    code: str,
    period: date,
    figures: str,
    source: ScoresSource | None,
) -> ExportTable:
    """One unit's indicator table, titled with its name and which figures it holds
    (``figures``: one of :func:`figures_line`'s texts)."""
    frame, formats = indicator_frame(indicators, catalog, words)
    name = words.t("export.indicators_name", unit=unit_name, code=code)
    lines = [figures, *source_lines(source, words)]
    return _export_table(words, name, period, lines, frame, indicator_stem(code), formats)


def indicator_stem(code: str) -> str:
    return f"chi-so-{code}"


# --- a list judged at one day, under the viewer's filters (the operational pages) ------------


def filters_line(filters: Sequence[tuple[str, str]], words: Words) -> str:
    """ "Bộ lọc: Đơn vị chủ trì: Sở Nội vụ; Trạng thái: ✕ Quá hạn" — the filters the rows were
    chosen by, so a file read away from the page says which rows it holds."""
    if not filters:
        return words.t("export.filters_none")
    chosen = "; ".join(f"{name}: {value}" for name, value in filters)
    return words.t("export.filters", filters=chosen)


def chosen_filter_pairs(
    chosen: Sequence[tuple[str, object, Mapping[str, str]]], words: Words
) -> list[tuple[str, str]]:
    """(heading, value) for each filter that is set, out of (label key, value, value labels):
    the value in words where ``value labels`` name it, else as given. The title block of an
    export lists these, so the reader sees what the rows were narrowed to."""
    return [
        (words.t(key), labels.get(str(value), str(value)))
        for key, value, labels in chosen
        if value is not None
    ]


def filtered_export(
    words: Words,
    *,
    name: str,
    filters: Sequence[tuple[str, str]],
    data_as_of: date | None,
    frame: pd.DataFrame,
    stem: str,
    formats: Mapping[str, NumberFormat | Sequence[NumberFormat]],
) -> ExportTable:
    """A list under the viewer's filters: its name, the filters, the day the data run to,
    then the rows."""
    lines = [filters_line(filters, words)]
    if data_as_of is not None:
        lines.append(words.t("export.data_as_of", date=words.day(data_as_of)))
    return ExportTable(
        name=name,
        lines=tuple(lines),
        frame=frame,
        file_stem=stem,
        lang=words.lang,
        exported_label=words.t("export.exported_at"),
        formats=formats,
    )


# --- the buttons --------------------------------------------------------------------------------


def download_buttons(
    build: Callable[[], ExportTable],
    stem: str,
    key: str,
    caption: str | None = None,
    help_text: str | None = None,
    folded: bool = False,
) -> None:
    """Two small buttons, "Excel" and "CSV", side by side under an optional caption (above
    them, not beside: the heat map's side column at 1366 px has no room for all three). The
    table is built and written only on a click, in the download's own thread, and the page does
    not rerun: showing the buttons costs a page run next to nothing. ``help_text``: what the
    title block holds, when it is not the scores' (the operational pages' lists).

    ``folded``: behind one "Tải xuống" button that opens them, with the help as text. A page
    of nine tables drew eighteen buttons and their tooltips before its first table showed; the
    browser mounts a closed popover's content only when it opens."""
    help_text = help_text or t("export.help")
    if caption:
        st.caption(caption)
    if folded:
        with st.popover(t("export.download"), icon=":material/download:", type="tertiary"):
            st.caption(help_text)
            _excel_and_csv(build, stem, key, help_text=None)
    else:
        _excel_and_csv(build, stem, key, help_text)


def _excel_and_csv(
    build: Callable[[], ExportTable], stem: str, key: str, help_text: str | None
) -> None:
    with st.container(horizontal=True, gap="small", vertical_alignment="center"):
        for label, write, suffix, mime in (
            ("export.xlsx", xlsx_bytes, "xlsx", XLSX_MIME),
            ("export.csv", csv_bytes, "csv", CSV_MIME),
        ):
            st.download_button(
                t(label),
                data=lambda write=write: write(build()),
                file_name=f"{stem}.{suffix}",
                mime=mime,
                key=f"{key}_{suffix}",
                help=help_text,
                on_click="ignore",
                icon=":material/download:",
                type="tertiary",
            )


def scorecard_download(card: pd.DataFrame, period: date, beside: PublishedBeside | None) -> None:
    """The heat map's download of every unit's scorecard for ``period``."""
    words, current = Words(current_language()), provisional_source()
    download_buttons(
        lambda: scorecard_export(card, period, beside, current, words),
        file_stem(SCORECARD_STEM, period),
        key="scorecard",
        caption=t("export.scorecard_download"),
    )


def indicator_download(
    indicators: pd.DataFrame,
    catalog: Catalog,
    *,
    unit_name: str,
    code: str,
    period: date,
    beside: PublishedBeside | None,
    published: bool,
) -> None:
    """The dossier's download of one unit's indicator table: the provisional one (``published``
    False) or the one frozen at the month's publication."""
    words = Words(current_language())
    source = published_source(beside) if published and beside else provisional_source()
    figures = figures_line(beside, words, published=published)
    download_buttons(
        lambda: indicator_export(
            indicators,
            catalog,
            words,
            unit_name=unit_name,
            code=code,
            period=period,
            figures=figures,
            source=source,
        ),
        file_stem(indicator_stem(code), period),
        key="dossier_published_indicators" if published else "dossier_indicators",
    )
