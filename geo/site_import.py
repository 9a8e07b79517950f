"""Load operators' mobile-site stage changes: the 4G/5G build pipeline, site by site.

    python -m geo.site_import FILE.csv --by NAME [--boundaries FILE] [--lang vi|en]

FILE.csv (UTF-8, comma- or semicolon-separated, a header row naming these columns in any order)
holds one row per stage change of a site. The site's own columns repeat on each of its rows and
must agree between them (numbers and yes/no compared by value):

==================  =============================================================================
column              meaning
==================  =============================================================================
site_code           the operator's code of the site (required, at most 30 characters)
operator            Viettel, VNPT or MobiFone (required)
technology          4G or 5G (required)
unit_code           the commune or ward the operator files the site under: its 5-digit code
                    (required)
lat, long           WGS84 degrees (both or neither; decimal point or comma)
serves_centre       whether it covers the unit's People's Committee headquarters: yes/no,
                    có/không, 1/0, true/false (required)
population_covered  people it covers: a whole number, 0 or more (required)
changed_at          the day of the change: dd/mm/yyyy or yyyy-mm-dd, not after today (required)
to_status           the stage reached: planned, site_agreed, permitted, power_ready, built,
                    integrated, on_air, or blocked (required)
note                the reason (at most 200 characters): required for ``blocked``, and for a
                    change back along the pipeline (on_air → planned, say; from blocked nothing
                    is a step back)
==================  =============================================================================

A site's changes are taken in the order of their days (two on one day: in the file's order);
its status is its last change's. The location is checked by point in polygon against the
detailed boundaries (``geo.routing``; ``--boundaries`` names another layer). A site with no
coordinates, coordinates outside the province, a unit code not in the registry, or coordinates
in another unit than its ``unit_code`` (the first of these that applies) is not an error: it
goes whole into ``infra_sites_unchecked`` with that reason, to be checked by hand, and is not
counted in the coverage. The others go into ``infra_sites`` and their history.

A site code stored by an earlier import (either table) is replaced whole by the file's version.

All or nothing: every problem is named by file, line and column, with the value; with any,
nothing is written. A good file is one transaction and one new import batch (kind
``infrastructure``), so the dashboard recomputes what depends on the sites.

Exit status: 0 stored, 2 bad input or arguments (nothing written).
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from common.import_files import BadFile, print_refusal
from common.site_stages import BLOCKED, PIPELINE, SITE_STATES
from data.feedback_load import known_unit_codes
from data.indicators import RowProblem
from data.models import OPERATORS, SITE_TECHNOLOGIES
from data.settings import load_settings
from data.site_load import (
    TEXT_LIMITS,
    InvalidSites,
    NewSite,
    NewSiteChange,
    NewSiteRecord,
    NewUncheckedSite,
    SiteLoadResult,
    record_sites,
)
from geo.boundaries import BoundaryError
from geo.feedback_import import (
    SourceFile,
    SourceRecord,
    _coordinates,
    _delimiter,
    _Reader,
    parse_boolean,
    parse_whole,
    vietnam_now,
)
from geo.routing import RoutingBoundaries, load_routing_boundaries, route_points, routing_source
from i18n import DEFAULT_LANGUAGE, LANGUAGES, translate
from i18n.formats import format_number

# The site's own columns: the same on every row of one site.
SITE_COLUMNS = (
    "operator",
    "technology",
    "unit_code",
    "lat",
    "long",
    "serves_centre",
    "population_covered",
)
COLUMNS = ("site_code", *SITE_COLUMNS, "changed_at", "to_status", "note")  # the file's order
# The data layer names its columns; a person fixing the file needs the file's column names.
FILE_FIELD = {"stated_unit": "unit_code", "lon": "long"}
FILE_LIMITS = {FILE_FIELD.get(name, name): limit for name, limit in TEXT_LIMITS.items()}
_DAY_PATTERNS = ("%d/%m/%Y", "%Y-%m-%d")
_SHOWN = 40  # characters of a too-long value shown in its problem


@dataclass(frozen=True)
class SiteRow:
    """One row read: the site's columns that could be read, and its stage change (None when
    the day or the stage could not be read)."""

    line: int
    site_code: str
    site: dict[str, Any]  # column → value, for the SITE_COLUMNS read without a problem
    change: NewSiteChange | None
    cells: dict[str, str]  # column → the text as written


@dataclass(frozen=True)
class ParsedSite:
    """A site of the file, its rows gathered and checked, before its location is."""

    site_code: str
    line: int  # its first row in the file
    operator: str
    technology: str
    unit_code: str
    lat: float | None
    lon: float | None
    serves_centre: bool
    population_covered: int
    history: tuple[NewSiteChange, ...]  # by day
    regressions: int  # changes back along the pipeline (each with its reason)


# --- reading -----------------------------------------------------------------------------------


def parse_day(text: str) -> date | None:
    """``dd/mm/yyyy`` or ``yyyy-mm-dd``; None when it is neither."""
    for pattern in _DAY_PATTERNS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def moves_back(previous: str | None, stage: str) -> bool:
    """Whether going from ``previous`` to ``stage`` moves a site back along the pipeline (the
    definition of ``metrics.site_pipeline.regressions``: blocked has no place in the order)."""
    return (
        previous in PIPELINE
        and stage in PIPELINE
        and PIPELINE.index(stage) < PIPELINE.index(previous)
    )


def read_source(path: Path) -> SourceFile:
    """The file's rows, each numbered by its line. Raises :class:`BadFile`."""
    if path.suffix.lower() != ".csv":
        raise BadFile("site_import.unsupported", file=path.name, suffix=path.suffix or "—")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise BadFile("site_import.unreadable", file=path.name, error=str(exc)) from None
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text.split("\n", 1)[0]))
    header = [name.strip() for name in next(rows, [])]
    checks = (
        ("site_import.missing_columns", [c for c in COLUMNS if c not in header]),
        ("site_import.unknown_columns", [c for c in header if c not in COLUMNS]),
        ("site_import.repeated_columns", sorted({c for c in header if header.count(c) > 1})),
    )
    for key, columns in checks:
        if columns:
            raise BadFile(key, file=path.name, columns=", ".join(columns))
    records = []
    for cells in rows:
        if any(cell.strip() for cell in cells):
            shape = "extra_fields" if len(cells) > len(header) else None
            fields = dict(zip(header, cells, strict=False))  # a short row lacks its last cells
            records.append(SourceRecord(rows.line_num, fields, shape))
    if not records:
        raise BadFile("site_import.empty", file=path.name)
    return SourceFile("line", records)


def _choice(r: _Reader, name: str, allowed: Sequence[str], reason: str) -> str | None:
    """One of ``allowed``, whatever the letter case ("viettel" is Viettel)."""
    text = r.required(name)
    value = {option.casefold(): option for option in allowed}.get(text.casefold())
    if text and value is None:
        r.problem(name, reason, text)
    return value


def _limited(r: _Reader, name: str, text: str) -> str:
    if len(text) > FILE_LIMITS[name]:
        r.problem(name, "too_long", text)
    return text


def _required_read(r: _Reader, name: str, reason: str, parse: Any) -> Any:
    return r.read(name, reason, parse) if r.required(name) else None


def parse_row(record: SourceRecord, today: date) -> tuple[SiteRow, list[RowProblem]]:
    """The row as far as its text goes, and the problems of its fields."""
    r = _Reader(record.number, record.fields)
    cells = {name: str(value or "").strip() for name, value in record.fields.items()}
    if record.shape is not None:  # kept with its site, whose history it then breaks
        r.problem("", record.shape)
        return SiteRow(record.number, cells.get("site_code", ""), {}, None, cells), r.problems
    code = _limited(r, "site_code", r.required("site_code"))
    lat, lon = _coordinates(r)
    site: dict[str, Any] = {
        "operator": _choice(r, "operator", OPERATORS, "unknown_operator"),
        "technology": _choice(r, "technology", SITE_TECHNOLOGIES, "unknown_technology"),
        "unit_code": _limited(r, "unit_code", r.required("unit_code")),
        "lat": lat,
        "long": lon,
        "serves_centre": _required_read(r, "serves_centre", "bad_boolean", parse_boolean),
    }
    people = _required_read(r, "population_covered", "not_a_whole_number", parse_whole)
    if people is not None and people < 0:
        r.problem("population_covered", "negative", cells["population_covered"])
    site["population_covered"] = people
    day = _required_read(r, "changed_at", "bad_day", parse_day)
    if day is not None and day > today:
        r.problem("changed_at", "in_future", cells["changed_at"])
    stage = r.required("to_status").casefold()
    if stage and stage not in SITE_STATES:
        r.problem("to_status", "unknown_status", cells["to_status"])
    note = r.optional("note")
    if note is not None:
        _limited(r, "note", note)
    unread = {p.field for p in r.problems}
    if unread & {"lat", "long"}:
        unread |= {"lat", "long"}
    change = None
    if day is not None and not unread & {"changed_at", "to_status", "note"}:
        change = NewSiteChange(day, stage, note)
    readable = {name: value for name, value in site.items() if name not in unread}
    return SiteRow(record.number, code, readable, change, cells), r.problems


# --- one site from its rows --------------------------------------------------------------------


def _disagreements(rows: Sequence[SiteRow]) -> list[RowProblem]:
    """The site's columns on a later row that differ from the first row that has them."""
    found = []
    first: dict[str, tuple[Any, int]] = {}
    for row in rows:
        for name, value in row.site.items():
            if name not in first:
                first[name] = (value, row.line)
            elif value != first[name][0]:
                shown = row.cells.get(name, "")
                reason = "differs_from_site" if shown else "blank_differs_from_site"
                found.append(RowProblem(row.line, name, reason, shown, first[name][1]))
    return found


def _history(
    rows: Sequence[SiteRow],
) -> tuple[list[tuple[int, NewSiteChange]], int, list[RowProblem]]:
    """The site's changes by day (with their lines), how many step back, and the changes
    that lack the reason they need."""
    dated = sorted(
        ((row.line, row.change) for row in rows if row.change is not None),
        key=lambda pair: pair[1].changed_at,
    )
    found = []
    steps_back = 0
    previous: str | None = None
    whole = len(dated) == len(rows)  # a row that could not be read breaks the chain
    for line, change in dated:
        if change.to_status == BLOCKED and change.note is None:
            found.append(RowProblem(line, "note", "blocked_needs_note", BLOCKED))
        if whole and moves_back(previous, change.to_status):
            if change.note is None:
                step = f"{previous} → {change.to_status}"
                found.append(RowProblem(line, "note", "regression_needs_note", step))
            steps_back += 1
        previous = change.to_status
    return dated, steps_back, found


def gather_sites(rows: Sequence[SiteRow]) -> tuple[list[ParsedSite], list[RowProblem]]:
    """The rows gathered by site code (sites in the order of their first row), and the
    problems between rows: columns that disagree, changes without the reason they need. A
    site is built only when all of its rows could be read."""
    by_code: dict[str, list[SiteRow]] = {}
    for row in rows:
        if row.site_code:
            by_code.setdefault(row.site_code, []).append(row)
    sites, problems = [], []
    for code, own in by_code.items():
        dated, steps_back, found = _history(own)
        found = _disagreements(own) + found
        problems += found
        site = own[0].site
        if found or len(site) < len(SITE_COLUMNS) or len(dated) < len(own):
            continue
        sites.append(
            ParsedSite(
                site_code=code,
                line=own[0].line,
                operator=site["operator"],
                technology=site["technology"],
                unit_code=site["unit_code"],
                lat=site["lat"],
                lon=site["long"],
                serves_centre=site["serves_centre"],
                population_covered=site["population_covered"],
                history=tuple(change for _, change in dated),
                regressions=steps_back,
            )
        )
    return sites, problems


# --- where each site is ------------------------------------------------------------------------


def _unchecked_reason(
    site: ParsedSite, has_point: bool, unit: str | None, units: set[str]
) -> str | None:
    """Why the site needs checking (the first of UNCHECKED_REASONS that applies), or None:
    ``unit`` is the one its point lies in, ``units`` the registry's."""
    if not has_point:
        return "no_location"
    if unit is None:
        return "outside_province"
    if site.unit_code not in units:
        return "unknown_unit"
    return "unit_mismatch" if unit != site.unit_code else None


def locate_sites(
    sites: Sequence[ParsedSite], boundaries: RoutingBoundaries | None, units: set[str]
) -> list[NewSiteRecord]:
    """Each site as stored: given to its unit when its coordinates lie in the unit it states
    (one of ``units``), else unchecked with the first reason of UNCHECKED_REASONS that applies."""
    placed = [s for s in sites if s.lat is not None and s.lon is not None]
    if placed and boundaries is None:
        raise ValueError("sites with coordinates need the routing boundaries")
    located: dict[str, str | None] = {}
    if placed and boundaries is not None:
        codes = route_points([s.lat for s in placed], [s.lon for s in placed], boundaries)
        located = {s.site_code: code for s, code in zip(placed, codes, strict=True)}
    out: list[NewSiteRecord] = []
    for s in sites:
        unit = located.get(s.site_code)
        reason = _unchecked_reason(s, s.site_code in located, unit, units)
        if reason is None and s.lat is not None and s.lon is not None:
            out.append(
                NewSite(
                    site_code=s.site_code,
                    unit_code=s.unit_code,
                    operator=s.operator,
                    technology=s.technology,
                    serves_centre=s.serves_centre,
                    lat=s.lat,
                    lon=s.lon,
                    population_covered=s.population_covered,
                    history=s.history,
                )
            )
        else:
            out.append(
                NewUncheckedSite(
                    site_code=s.site_code,
                    reason=reason or "no_location",
                    operator=s.operator,
                    technology=s.technology,
                    serves_centre=s.serves_centre,
                    history=s.history,
                    stated_unit=s.unit_code,
                    located_unit=unit,
                    lat=s.lat,
                    lon=s.lon,
                )
            )
    return out


# --- the command -------------------------------------------------------------------------------


def problem_text(problem: RowProblem, file: str, lang: str) -> str:
    detail = problem.detail
    if problem.reason == "too_long" and len(detail) > _SHOWN:
        detail = detail[:_SHOWN] + "…"
    what = translate(
        f"site_import.problem.{problem.reason}",
        lang,
        detail=detail,
        line=problem.same_as if problem.same_as is not None else "",
        limit=FILE_LIMITS.get(problem.field, ""),
    )
    if not problem.field:
        return translate("site_import.row_problem", lang, file=file, line=problem.row, problem=what)
    return translate(
        "site_import.field_problem",
        lang,
        file=file,
        line=problem.row,
        field=problem.field,
        problem=what,
    )


def _renumbered(problems: Sequence[RowProblem], sites: Sequence[ParsedSite]) -> list[RowProblem]:
    """The data layer's problems (sites counted from 1) named by the site's first line."""
    return [
        RowProblem(
            sites[p.row - 1].line,
            FILE_FIELD.get(p.field, p.field),
            p.reason,
            p.detail,
            None if p.same_as is None else sites[p.same_as - 1].line,
        )
        for p in problems
    ]


def _refuse(problems: Sequence[RowProblem], file: str, lang: str) -> int:
    unique = list(dict.fromkeys(problems))
    heading = translate(
        "site_import.refused", lang, file=file, count=format_number(len(unique), lang)
    )
    return print_refusal(unique, heading, lambda p: problem_text(p, file, lang))


def _report(result: SiteLoadResult, rows: int, regressions: int, file: str, lang: str) -> int:
    def n(count: int) -> str:
        return format_number(count, lang)

    print(
        translate(
            "site_import.stored",
            lang,
            file=file,
            batch=result.batch_id,
            rows=n(rows),
            sites=n(result.sites),
            history=n(result.history),
            unchecked=n(result.unchecked),
            regressions=n(regressions),
        )
    )
    reasons = [
        f"{translate(f'site_import.reason.{reason}', lang)}: {n(count)}"
        for reason, count in result.by_reason.items()
        if count
    ]
    if reasons:
        print(translate("site_import.unchecked", lang, reasons="; ".join(reasons)))
    if result.replaced:
        print(translate("site_import.replaced", lang, count=n(result.replaced)))
    return 0


def _routing_layer(source: str | None, lang: str) -> RoutingBoundaries | str:
    """The detailed boundaries, or the message saying why they cannot be had."""
    source = source or routing_source(load_settings())
    if source is None:
        return translate("site_import.no_boundaries", lang)
    try:
        return load_routing_boundaries(source)
    except BoundaryError as exc:
        name = Path(exc.source).name
        return translate(
            "site_import.bad_boundaries", lang, file=name, problems="; ".join(exc.problems)
        )


def import_file(
    engine: Engine,
    path: Path,
    *,
    by: str,
    lang: str = DEFAULT_LANGUAGE,
    boundaries_source: str | None = None,
    now: datetime | None = None,
) -> int:
    """Load ``path``; print what was done or every problem. The exit status (0 or 2)."""
    now = now or vietnam_now()
    file = path.name
    try:
        source = read_source(path)
    except BadFile as exc:
        print(translate(exc.key, lang, **{**exc.values, "file": file}))
        return 2
    rows, problems = [], []
    for record in source.records:
        row, found = parse_row(record, now.date())
        rows.append(row)
        problems += found
    sites, found = gather_sites(rows)
    problems += found
    if problems:
        return _refuse(problems, file, lang)
    boundaries = None
    if any(site.lat is not None for site in sites):
        layer = _routing_layer(boundaries_source, lang)
        if isinstance(layer, str):
            print(layer)
            return 2
        boundaries = layer
    items = locate_sites(sites, boundaries, known_unit_codes(engine))
    try:
        result = record_sites(engine, items, source_name=file, imported_by=by, now=now)
    except InvalidSites as exc:
        return _refuse(_renumbered(exc.problems, sites), file, lang)
    regressions = sum(site.regressions for site in sites)
    return _report(result, len(source.records), regressions, file, lang)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m geo.site_import",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,  # keep the column table
    )
    parser.add_argument("file", type=Path, help="the CSV file (see above)")
    parser.add_argument("--by", required=True, help="who loads it (kept with the import batch)")
    parser.add_argument(
        "--boundaries",
        default=None,
        help="the detailed boundary layer to locate sites with (default: "
        "DASHBOARD_ROUTING_BOUNDARIES, else ../shared/geo/communes_detailed.geojson)",
    )
    parser.add_argument("--lang", choices=LANGUAGES, default=DEFAULT_LANGUAGE)
    return parser


def _database() -> Engine:
    """The configured database at the newest schema, with the registry the sites need."""
    from data.db import get_engine
    from data.migrate import upgrade_to_head
    from data.reference_data import sync_reference_data

    engine = get_engine()
    upgrade_to_head(engine)
    with engine.begin() as conn:
        sync_reference_data(conn)
    return engine


def main(
    argv: Sequence[str] | None = None,
    engine: Engine | None = None,
    now: datetime | None = None,
) -> int:
    args = _parser().parse_args(argv)
    by = args.by.strip()
    if not by:
        print(translate("site_import.no_name", args.lang))
        return 2
    return import_file(
        engine or _database(),
        args.file,
        by=by,
        lang=args.lang,
        boundaries_source=args.boundaries,
        now=now,
    )


if __name__ == "__main__":
    sys.exit(main())
