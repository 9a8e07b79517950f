"""The demo Action Plan, read from ``plan_tasks.yaml`` and checked as it is read.

The known commitments of Kế hoạch 01-KH/BCĐ are there (≥ 3 % of the budget, 5G at every commune
centre by 2030, leaders trained as digital-transformation officers, one KOL channel per commune,
the 100-day "Bình dân học vụ số" movement) with the surrounding tasks a provincial plan of this
kind carries. The text lives in YAML so that people who know the plan can edit it without
touching code; loading reports every problem with the task and field it concerns.
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, fields
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from data.demo.indicators import INDICATOR_KEYS
from data.registry import load_departments

PLAN_FILE = Path(__file__).resolve().parent / "plan_tasks.yaml"
SCOPES = ("province", "all", "xa", "phuong", "highland")
EVIDENCE_KINDS = ("BC", "KH", "QĐ", "BB")


class PlanError(ValueError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class PlanTask:
    item: str  # the plan's section and item, e.g. "III.2"
    title_vi: str
    title_en: str
    lead: str  # department code (data/reference/departments.csv)
    coordinators: tuple[str, ...]
    scope: str
    start: date
    deadline: date
    output: str
    indicators: tuple[str, ...] = ()
    authority: str = "Ban Chỉ đạo tỉnh"
    difficulty: float = 0.0
    evidence: str = "BC"
    escalation: str | None = None

    @property
    def concerns_units(self) -> bool:
        return self.scope != "province"


_REQUIRED = tuple(f.name for f in fields(PlanTask) if f.default is MISSING)
_KNOWN = tuple(f.name for f in fields(PlanTask))


def _check(entry: dict[str, Any], where: str, departments: set[str]) -> list[str]:
    problems = [f"{where}: field {name} is missing" for name in _REQUIRED if name not in entry]
    problems += [f"{where}: unknown field {name}" for name in entry if name not in _KNOWN]
    if problems:
        return problems
    for code in (entry["lead"], *entry.get("coordinators", [])):
        if code not in departments:
            problems.append(f"{where}: department {code!r} is not in the registry")
    for key in entry.get("indicators", []):
        if key not in INDICATOR_KEYS:
            problems.append(f"{where}, field indicators: unknown indicator {key!r}")
    if entry["scope"] not in SCOPES:
        problems.append(f"{where}, field scope: {entry['scope']!r} not in {SCOPES}")
    if entry.get("evidence", "BC") not in EVIDENCE_KINDS:
        problems.append(f"{where}, field evidence: {entry['evidence']!r} not in {EVIDENCE_KINDS}")
    if not (isinstance(entry["start"], date) and isinstance(entry["deadline"], date)):
        problems.append(f"{where}: start and deadline must be dates (YYYY-MM-DD)")
    elif entry["deadline"] <= entry["start"]:
        problems.append(f"{where}: deadline {entry['deadline']} is not after start")
    if not 0 <= float(entry.get("difficulty", 0)) <= 1:
        problems.append(f"{where}, field difficulty: must lie between 0 and 1")
    return problems


def load_plan(path: Path = PLAN_FILE) -> tuple[PlanTask, ...]:
    """Every task of ``path``; raises :class:`PlanError` listing every problem found."""
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    departments = {d.code for d in load_departments()}
    problems: list[str] = []
    tasks: list[PlanTask] = []
    seen: set[str] = set()
    for number, entry in enumerate(entries, start=1):
        where = f"{path.name} task {number} ({entry.get('item', '?')})"
        found = _check(entry, where, departments)
        if entry.get("item") in seen:
            found.append(f"{where}: item repeats")
        seen.add(entry.get("item"))
        problems += found
        if not found:
            values = dict(entry)
            for name in ("coordinators", "indicators"):
                values[name] = tuple(values.get(name, ()))
            tasks.append(PlanTask(**values))
    if problems:
        raise PlanError(problems)
    return tuple(tasks)


@lru_cache(maxsize=1)
def plan_tasks() -> tuple[PlanTask, ...]:
    """The plan of ``plan_tasks.yaml`` (read once per process)."""
    return load_plan()
