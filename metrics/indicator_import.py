"""Load indicator values from a CSV file: new values are added, corrections kept as revisions.

    python -m metrics.indicator_import FILE.csv --by NAME [--reason TEXT] [--lang vi|en]

The file has a header row and one value per row (UTF-8, comma- or semicolon-separated):

    unit_code, indicator_key, period (MM/YYYY), value, source_type   required
    evidence_ref, verified_by, verified_at (dd/mm/yyyy),
    reported_at (dd/mm/yyyy or dd/mm/yyyy HH:MM)                    optional

A value takes "." or "," as its decimal mark and no thousands separator (64.21 or 64,21). A
blank reported_at means the value is reported now, when the file is loaded. source_type is
auto, self_reported or verified; verified needs verified_by and verified_at.

All or nothing: any problem (named by file, row and column) and nothing is written. Loaded
values make a new import batch, so the dashboard recomputes the scores from them.

Exit status: 0 stored (or nothing to change), 2 bad input or arguments (nothing written).
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Engine

from common.import_files import BadFile, print_refusal
from common.periods import FIRST_PERIOD
from data.indicators import (
    InvalidIndicatorValues,
    NewIndicatorValue,
    RecordResult,
    RowProblem,
    check_indicator_values,
    record_indicator_values,
)
from i18n import DEFAULT_LANGUAGE, LANGUAGES, translate
from i18n.formats import format_number
from metrics.catalog import Catalog, default_catalog
from metrics.operational import operational_inputs, operational_measures

REQUIRED_COLUMNS = ("unit_code", "indicator_key", "period", "value", "source_type")
OPTIONAL_COLUMNS = ("evidence_ref", "verified_by", "verified_at", "reported_at")
HEADER_LINE = 1  # data rows are numbered as the file's lines: the first one is line 2
_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")
_MONTH = re.compile(r"^(\d{1,2})/(\d{4})$")
Fields = dict[str | None, str | list[str] | None]  # a csv.DictReader row (None: extra fields)
T = TypeVar("T")


@dataclass(frozen=True)
class ParsedFile:
    """The rows that could be read, each with its line in the file, and the problems of those
    that could not."""

    rows: list[NewIndicatorValue]
    lines: list[int]
    problems: list[RowProblem]  # ``row`` is the line in the file


# --- what may be loaded ----------------------------------------------------------------------


def importable_keys(engine: Engine, catalog: Catalog) -> set[str]:
    """The catalog's indicators, less those computed from the task, feedback and 5G-site
    records: a loaded value for one of those would stand beside the computed one."""
    computed = operational_measures(operational_inputs(engine), [FIRST_PERIOD])
    return {i.key for i in catalog.indicators} - set(computed["indicator_key"])


# --- reading the text of one field -----------------------------------------------------------


def parse_number(text: str) -> float | None:
    if not _NUMBER.match(text):
        return None
    return float(text.replace(",", "."))


def parse_month(text: str) -> date | None:
    """``10/2026`` → 1 October 2026; None when it is not a month written MM/YYYY."""
    match = _MONTH.match(text)
    if not match or not 1 <= int(match[1]) <= 12:
        return None
    return date(int(match[2]), int(match[1]), 1)


def _strptime(text: str, pattern: str) -> datetime | None:
    try:
        return datetime.strptime(text, pattern)
    except ValueError:
        return None


def parse_day(text: str) -> datetime | None:
    """``20/11/2026`` → that day at 00:00."""
    return _strptime(text, "%d/%m/%Y")


def parse_moment(text: str) -> datetime | None:
    """``20/11/2026 14:30`` or ``20/11/2026`` (00:00)."""
    return _strptime(text, "%d/%m/%Y %H:%M") or parse_day(text)


# --- reading the file ------------------------------------------------------------------------


def _delimiter(header: str) -> str:
    # Excel in Vietnamese settings writes ";" (the comma is its decimal mark).
    return ";" if header.count(";") > header.count(",") else ","


def _read_records(path: Path) -> list[tuple[int, Fields]]:
    """(line, fields) of each non-blank row. Raises :class:`BadFile`."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise BadFile("indicator_import.unreadable", file=str(path), error=str(exc)) from None
    first_line = text.split("\n", 1)[0]
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line))
    header = [name.strip() for name in reader.fieldnames or []]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    unknown = [c for c in header if c not in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)]
    if missing:
        raise BadFile(
            "indicator_import.missing_columns", file=str(path), columns=", ".join(missing)
        )
    if unknown:  # a misspelt optional column would silently drop its values
        raise BadFile(
            "indicator_import.unknown_columns", file=str(path), columns=", ".join(unknown)
        )
    reader.fieldnames = header
    records = []
    for fields in reader:
        values = [v for k, v in fields.items() if k is not None and isinstance(v, str)]
        if any(v.strip() for v in values) or None in fields:
            records.append((reader.line_num, dict(fields)))
    if not records:
        raise BadFile("indicator_import.empty", file=str(path))
    return records


def _text(fields: Fields, column: str) -> str:
    value = fields.get(column)
    return value.strip() if isinstance(value, str) else ""


def _read_field(
    fields: Fields, column: str, line: int, reader: tuple[str, Callable[[str], T | None]]
) -> tuple[T | None, list[RowProblem]]:
    """A field read by ``reader`` (problem reason, function); None when blank or unreadable,
    with the problem in the second case."""
    text = _text(fields, column)
    if not text:
        return None, []
    reason, read = reader
    value = read(text)
    return value, [] if value is not None else [RowProblem(line, column, reason, text)]


def _parse_record(
    line: int, fields: Fields, now: datetime
) -> tuple[NewIndicatorValue | None, list[RowProblem]]:
    """The row as a value to store, or None with the problems of the fields that cannot be read
    (the data layer checks the rest: known unit and indicator, source type, verification)."""
    problems: list[RowProblem] = []
    if None in fields:  # more fields than the header has columns
        problems.append(RowProblem(line, "", "extra_fields", str(len(fields[None] or []))))
    problems.extend(
        RowProblem(line, c, "missing") for c in REQUIRED_COLUMNS if not _text(fields, c)
    )
    period, found = _read_field(fields, "period", line, ("bad_month", parse_month))
    problems.extend(found)
    value, found = _read_field(fields, "value", line, ("not_a_number", parse_number))
    problems.extend(found)
    verified_at, found = _read_field(fields, "verified_at", line, ("bad_date", parse_day))
    problems.extend(found)
    reported_at, found = _read_field(fields, "reported_at", line, ("bad_moment", parse_moment))
    problems.extend(found)
    if problems or period is None or value is None:
        return None, problems
    row = NewIndicatorValue(
        unit_code=_text(fields, "unit_code"),
        indicator_key=_text(fields, "indicator_key"),
        period=period,
        value=value,
        source_type=_text(fields, "source_type"),
        reported_at=reported_at or now,
        evidence_ref=_text(fields, "evidence_ref") or None,
        verified_by=_text(fields, "verified_by") or None,
        verified_at=verified_at,
    )
    return row, []


def parse_file(path: Path, now: datetime) -> ParsedFile:
    """Every row of ``path`` read as far as its text goes. Raises :class:`BadFile`."""
    rows: list[NewIndicatorValue] = []
    lines: list[int] = []
    problems: list[RowProblem] = []
    for line, fields in _read_records(path):
        row, found = _parse_record(line, fields, now)
        problems.extend(found)
        if row is not None:
            rows.append(row)
            lines.append(line)
    return ParsedFile(rows, lines, problems)


def _on_lines(problems: Sequence[RowProblem], lines: list[int]) -> list[RowProblem]:
    """The data layer's problems (rows counted from 1) renumbered as lines of the file."""
    return [
        RowProblem(
            lines[p.row - 1],
            p.field,
            p.reason,
            p.detail,
            None if p.same_as is None else lines[p.same_as - 1],
        )
        for p in problems
    ]


# --- the command -----------------------------------------------------------------------------


def problem_text(problem: RowProblem, file: str, lang: str) -> str:
    detail = str(problem.same_as) if problem.same_as is not None else problem.detail
    what = translate(f"indicator_import.problem.{problem.reason}", lang, detail=detail)
    if not problem.field:
        return translate(
            "indicator_import.row_problem", lang, file=file, line=problem.row, problem=what
        )
    return translate(
        "indicator_import.field_problem",
        lang,
        file=file,
        line=problem.row,
        field=problem.field,
        problem=what,
    )


def _report_problems(problems: list[RowProblem], file: str, lang: str) -> int:
    heading = translate("indicator_import.refused", lang, file=file, count=len(problems))
    return print_refusal(problems, heading, lambda p: problem_text(p, file, lang))


def _report_result(result: RecordResult, file: str, lang: str) -> int:
    def n(count: int) -> str:
        return format_number(count, lang)

    if result.batch_id is None:
        print(
            translate(
                "indicator_import.nothing_changed", lang, file=file, unchanged=n(result.unchanged)
            )
        )
        return 0
    print(
        translate(
            "indicator_import.stored",
            lang,
            file=file,
            batch=result.batch_id,
            inserted=n(result.inserted),
            revised=n(result.revised),
            unchanged=n(result.unchanged),
        )
    )
    return 0


def import_file(
    engine: Engine,
    path: Path,
    *,
    by: str,
    reason: str | None = None,
    lang: str = DEFAULT_LANGUAGE,
    catalog: Catalog | None = None,
    now: datetime | None = None,
) -> int:
    """Load ``path``; print what was done or every problem. The exit status (0 or 2)."""
    now = now or datetime.now()
    file = path.name
    try:
        parsed = parse_file(path, now)
    except BadFile as exc:
        print(translate(exc.key, lang, **{**exc.values, "file": file}))
        return 2
    keys = importable_keys(engine, catalog or default_catalog())
    if parsed.problems:  # report the data layer's findings on the readable rows too
        found = check_indicator_values(engine, parsed.rows, known_keys=keys)
        return _report_problems([*parsed.problems, *_on_lines(found, parsed.lines)], file, lang)
    try:
        result = record_indicator_values(
            engine,
            parsed.rows,
            known_keys=keys,
            source_name=file,
            imported_by=by,
            reason=reason,
            now=now,
        )
    except InvalidIndicatorValues as exc:
        return _report_problems(_on_lines(exc.problems, parsed.lines), file, lang)
    return _report_result(result, file, lang)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m metrics.indicator_import",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,  # keep the column list
    )
    parser.add_argument("file", type=Path, help="the CSV file (see above)")
    parser.add_argument("--by", required=True, help="who loads it (kept with every revision)")
    parser.add_argument("--reason", default=None, help="why (kept with every revision)")
    parser.add_argument("--lang", choices=LANGUAGES, default=DEFAULT_LANGUAGE)
    return parser


def main(argv: Sequence[str] | None = None, engine: Engine | None = None) -> int:
    args = _parser().parse_args(argv)
    if not args.by.strip():
        print(translate("indicator_import.no_name", args.lang))
        return 2
    if engine is None:
        from data.db import get_engine
        from data.migrate import upgrade_to_head

        engine = get_engine()
        upgrade_to_head(engine)
    return import_file(engine, args.file, by=args.by.strip(), reason=args.reason, lang=args.lang)


if __name__ == "__main__":
    sys.exit(main())
