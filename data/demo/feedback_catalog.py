"""What citizens report and what the commune answers, read from ``feedback_texts.yaml``.

Category groups follow the province's feedback system (urban order and security,
infrastructure, environment and sanitation, traffic safety, land, social services,
administrative procedures) plus questions asking for guidance, kept apart from problem reports
(``is_question``). The text lives in YAML so that it can be edited without touching code; it is
checked as it is read, every problem reported at once.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

TEXTS_FILE = Path(__file__).resolve().parent / "feedback_texts.yaml"
DEFAULT_SEVERITY = (0.06, 0.84, 0.10)  # urgent, normal, complex
EVIDENCE_FORMS = ("photo", "BB", "CV", "TB")  # photos, or a record, letter, notice
_PLACE_FIELDS = {"street", "street2", "alley", "n", "hamlet", "hamlet2", "unit"}


class TextsError(ValueError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Category:
    group: str
    name: str
    problems: tuple[str, ...]  # sentences with {place} or {procedure}
    severity: tuple[float, float, float] = DEFAULT_SEVERITY
    weight: float = 1.0


@dataclass(frozen=True)
class Group:
    name: str
    weight_phuong: float
    weight_xa: float
    office_phuong: str  # who the case is passed to
    office_xa: str
    actions: tuple[str, ...]  # what the response says was done


def _fields_of(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _check(doc: dict[str, Any], where: str) -> list[str]:
    problems: list[str] = []
    groups = {g["name"] for g in doc["groups"]}
    if doc["question_group"] not in groups:
        problems.append(f"{where}: question_group {doc['question_group']!r} is not a group")
    for category in doc["categories"]:
        label = f"{where}, category {category['name']!r}"
        if category["group"] not in groups:
            problems.append(f"{label}: unknown group {category['group']!r}")
        severity = category.get("severity", DEFAULT_SEVERITY)
        if len(severity) != 3 or abs(sum(severity) - 1) > 1e-9:
            problems.append(f"{label}: severity must be three shares adding up to 1")
        for sentence in category["problems"]:
            if not _fields_of(sentence) <= {"place", "procedure"}:
                problems.append(f"{label}: {sentence!r} uses a field other than place/procedure")
    for group in groups - {c["group"] for c in doc["categories"]}:
        problems.append(f"{where}: group {group!r} has no category")
    for key in ("place_forms_phuong", "place_forms_xa"):
        for form in doc[key]:
            if not _fields_of(form) <= _PLACE_FIELDS:
                problems.append(f"{where}, {key}: {form!r} uses an unknown field")
    return problems


@dataclass(frozen=True)
class FeedbackTexts:
    question_group: str
    groups: tuple[Group, ...]
    categories: tuple[Category, ...]
    procedures: tuple[str, ...]
    place_forms_phuong: tuple[str, ...]
    place_forms_xa: tuple[str, ...]
    durations: tuple[str, ...]
    requests: tuple[str, ...]
    channel_labels: dict[str, str]
    reject_reasons: tuple[str, ...]
    hold_reasons: tuple[str, ...]
    resolved_note: str
    reopened_note: str


def load_texts(path: Path = TEXTS_FILE) -> FeedbackTexts:
    """The texts of ``path``; raises :class:`TextsError` listing every problem found."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    problems = _check(doc, path.name)
    if problems:
        raise TextsError(problems)
    return FeedbackTexts(
        question_group=doc["question_group"],
        groups=tuple(Group(**{**g, "actions": tuple(g["actions"])}) for g in doc["groups"]),
        categories=tuple(
            Category(
                group=c["group"],
                name=c["name"],
                problems=tuple(c["problems"]),
                severity=tuple(c.get("severity", DEFAULT_SEVERITY)),
                weight=float(c.get("weight", 1.0)),
            )
            for c in doc["categories"]
        ),
        procedures=tuple(doc["procedures"]),
        place_forms_phuong=tuple(doc["place_forms_phuong"]),
        place_forms_xa=tuple(doc["place_forms_xa"]),
        # YAML drops trailing spaces in plain scalars; a duration is followed by the request.
        durations=tuple(f"{d} " if d else "" for d in doc["durations"]),
        requests=tuple(doc["requests"]),
        channel_labels=dict(doc["channel_labels"]),
        reject_reasons=tuple(doc["reject_reasons"]),
        hold_reasons=tuple(doc["hold_reasons"]),
        resolved_note=doc["notes"]["resolved"],
        reopened_note=doc["notes"]["reopened"],
    )


# Read once on import: the file ships with the code, and a broken file should fail loudly.
_TEXTS = load_texts()
QUESTION_GROUP = _TEXTS.question_group
GROUPS = _TEXTS.groups
CATEGORIES = _TEXTS.categories
PROCEDURES = _TEXTS.procedures
PLACE_FORMS_PHUONG = _TEXTS.place_forms_phuong
PLACE_FORMS_XA = _TEXTS.place_forms_xa
DURATIONS = _TEXTS.durations
REQUESTS = _TEXTS.requests
CHANNEL_LABELS = _TEXTS.channel_labels
REJECT_REASONS = _TEXTS.reject_reasons
HOLD_REASONS = _TEXTS.hold_reasons
RESOLVED_NOTE = _TEXTS.resolved_note
REOPEN_NOTE = _TEXTS.reopened_note
