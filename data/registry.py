"""The registry of the 102 units and the departments, read from ``data/reference/``.

Reading validates every row and reports every problem with its file, row and field.
"""

from __future__ import annotations

import csv
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from data.models import PEER_GROUPS, UNIT_TYPES

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"
UNITS_FILE = REFERENCE_DIR / "units.csv"
DEPARTMENTS_FILE = REFERENCE_DIR / "departments.csv"
EXPECTED_UNITS = 102


class RegistryError(ValueError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class UnitRecord:
    code: str
    name: str
    full_name: str
    name_ascii: str
    unit_type: str
    area_km2_official: float
    population: int
    peer_group: str
    former_province: str
    centre_lat: float
    centre_lon: float
    formed_from: str
    formed_from_codes: str


@dataclass(frozen=True)
class DepartmentRecord:
    code: str
    name_vi: str
    name_en: str
    short_vi: str
    short_en: str


def normalise_name(name: str) -> str:
    """A name for matching only (never a key): NFC, ’ and ' alike, case and spaces folded."""
    folded = unicodedata.normalize("NFC", name).replace("\u2019", "'").replace("\u2018", "'")
    return " ".join(folded.casefold().split())


def fold_for_search(text: str) -> str:
    """Text as a search compares it: no tone or vowel marks, đ → d, ’ and ' alike, case and
    spaces folded. "Ea Súp", "ea sup" and "EA SUP" fold alike, and so do the old and the new
    tone placement ("Hoà" / "Hòa"), since both lose the mark."""
    decomposed = unicodedata.normalize("NFD", normalise_name(text))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return bare.replace("đ", "d")


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _parse_unit(row: dict[str, str], where: str, problems: list[str]) -> UnitRecord | None:
    code = row.get("code", "")
    before = len(problems)
    if not (len(code) == 5 and code.isdigit()):
        problems.append(f"{where}, field code: {code!r} is not a 5-digit code")
    if row.get("unit_type") not in UNIT_TYPES:
        problems.append(f"{where}, field unit_type: {row.get('unit_type')!r} not in {UNIT_TYPES}")
    if row.get("peer_group") not in PEER_GROUPS:
        problems.append(
            f"{where}, field peer_group: {row.get('peer_group')!r} not in {PEER_GROUPS}"
        )
    for field in ("name", "full_name"):
        if not row.get(field, "").strip():
            problems.append(f"{where}, field {field}: empty")
    try:
        population = int(row.get("population", ""))
        if population <= 0:
            raise ValueError
    except ValueError:
        problems.append(
            f"{where}, field population: {row.get('population')!r} is not a positive integer"
        )
    try:
        area = float(row.get("area_km2_official", ""))
        if area <= 0:
            raise ValueError
    except ValueError:
        problems.append(
            f"{where}, field area_km2_official: "
            f"{row.get('area_km2_official')!r} is not a positive number"
        )
    if len(problems) > before:
        return None
    return UnitRecord(
        code=code,
        name=row["name"].strip(),
        full_name=row["full_name"].strip(),
        name_ascii=row["name_ascii"].strip(),
        unit_type=row["unit_type"],
        area_km2_official=area,
        population=population,
        peer_group=row["peer_group"],
        former_province=row["former_province"],
        centre_lat=float(row["centre_lat"]),
        centre_lon=float(row["centre_lon"]),
        formed_from=row["formed_from"],
        formed_from_codes=row["formed_from_codes"],
    )


def load_units(path: Path = UNITS_FILE) -> list[UnitRecord]:
    """Every unit in ``path``; raises :class:`RegistryError` listing every bad row and field."""
    problems: list[str] = []
    units: list[UnitRecord] = []
    seen: dict[str, int] = {}
    for line, row in enumerate(_read_csv(path), start=2):  # line 1 is the header
        where = f"{path.name} row {line}"
        unit = _parse_unit(row, where, problems)
        if unit is None:
            continue
        if unit.code in seen:
            problems.append(f"{where}, field code: {unit.code} repeats row {seen[unit.code]}")
            continue
        seen[unit.code] = line
        units.append(unit)
    if not problems and len(units) != EXPECTED_UNITS:
        problems.append(f"{path.name}: {len(units)} units, expected {EXPECTED_UNITS}")
    if problems:
        raise RegistryError(problems)
    return units


def load_departments(path: Path = DEPARTMENTS_FILE) -> list[DepartmentRecord]:
    problems: list[str] = []
    departments: list[DepartmentRecord] = []
    for line, row in enumerate(_read_csv(path), start=2):
        empty = [
            f for f in ("code", "name_vi", "name_en", "short_vi", "short_en") if not row.get(f)
        ]
        if empty:
            problems.append(f"{path.name} row {line}, field {empty[0]}: empty")
            continue
        departments.append(DepartmentRecord(**{k: row[k].strip() for k in row}))
    codes = [d.code for d in departments]
    problems += [
        f"{path.name}: code {c} repeats" for c in sorted({c for c in codes if codes.count(c) > 1})
    ]
    if problems:
        raise RegistryError(problems)
    return departments
