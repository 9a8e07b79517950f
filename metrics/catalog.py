"""The indicator catalog: typed definitions read from ``catalog.yaml`` and validated on load.

Validation collects every problem (with the indicator's or pillar's key) before failing, so one
edit-and-reload shows all that is wrong with a catalog.

Provenance: a catalog with a ``documents`` registry cites, for every indicator, the documents it
rests on (``sources``) and says whether its target is national or the province's own choice
(``target_basis``); every pillar says whether its weight is (``weight_basis``) and carries the
national DTI weight beside it (``dti_922_weight``). A catalog without the registry is the format
frozen in results published before it (a free-text ``source`` per indicator): it still parses, so
those results can always be re-scored from their own catalog text.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from enum import StrEnum
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any

import yaml

CATALOG_FILE = Path(__file__).resolve().parent / "catalog.yaml"
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
POINTS_TOLERANCE = 1e-9


class Direction(StrEnum):
    HIGHER = "higher"
    LOWER = "lower"


class RuleType(StrEnum):
    RATIO = "ratio"
    STEP = "step"
    FLAG = "flag"


class SourceType(StrEnum):
    AUTO = "auto"
    SELF_REPORTED = "self_reported"
    VERIFIED = "verified"


class Frequency(StrEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    YEARLY = "yearly"


class Basis(StrEnum):
    CURRENT = "current"  # the value describes the period itself (or the state at its end)
    YEAR_TO_DATE = "year_to_date"  # counts from 1 January; scored on its annual pace


class TargetBasis(StrEnum):
    """Where an indicator's target figure comes from."""

    NATIONAL = "national"  # set for every locality by a national document it cites
    PROVINCE_CHOICE = "province_choice"  # the province's own choice (its plan, or this catalog)
    COMPARISON = "comparison"  # tracked only: a comparable index's level, shown for comparison


class WeightBasis(StrEnum):
    NATIONAL = "national"
    PROVINCE_CHOICE = "province_choice"


@dataclass(frozen=True)
class Text:
    vi: str
    en: str

    def in_language(self, lang: str) -> str:
        return self.en if lang == "en" else self.vi


@dataclass(frozen=True)
class Document:
    """A document the catalog cites. ``verified``: its number, date and issuer were checked
    against the document or a published report of it; otherwise ``note`` says what could not
    be checked."""

    id: str
    short: Text  # how a citation names it, e.g. "KH 01-KH/BCĐ"
    number: str  # "" when not known
    date: date | None  # None when not known
    issuer: Text
    title: Text
    verified: bool
    note: Text | None = None
    issuer_short: Text | None = None  # the issuer as a citation names it ("BCĐ tỉnh")
    # Cited to compare with (another locality's index), never as the basis of a target.
    comparison_only: bool = False


@dataclass(frozen=True)
class Source:
    """One citation of an indicator: the document, the article or section when known (never
    guessed: "" when not known) and what the indicator takes from it."""

    document: Document
    article: str = ""
    what: Text | None = None


@dataclass(frozen=True)
class Step:
    at: float
    points: float


@dataclass(frozen=True)
class Rule:
    type: RuleType
    steps: tuple[Step, ...] = ()


@dataclass(frozen=True)
class Indicator:
    key: str
    pillar: str
    label: Text
    definition: Text
    unit: str
    direction: Direction
    target: float
    max_points: float
    rule: Rule
    source_type: SourceType
    evidence: Text
    verifier: str
    frequency: Frequency
    basis: Basis = Basis.CURRENT
    worst: float | None = None  # lower-is-better ratio: the value that earns 0 points
    scored: bool = True
    # The commune itself can move the value (False: an operator's site, population coverage).
    controllable: bool = True
    # A value stays valid until replaced (a stock); False for counts and flows of one month.
    carry_forward: bool = False
    # Scores only with an evidence reference (else it counts as missing).
    evidence_required: bool = False
    sources: tuple[Source, ...] = ()
    target_basis: TargetBasis | None = None  # None only in a catalog without documents
    source: str = ""  # free-text source of a catalog without documents (as published before)


@dataclass(frozen=True)
class Pillar:
    key: str
    weight: float
    label: Text
    weight_basis: WeightBasis | None = None  # None only in a catalog without documents
    # The provincial DTI's weight for this pillar (Decision 922/QĐ-BTTTT), scaled to 100.
    dti_922_weight: float | None = None


@dataclass(frozen=True)
class Bands:
    green_at_least: float
    yellow_at_least: float
    min_coverage: float
    max_days_since_update: int


@dataclass(frozen=True)
class Catalog:
    version: str
    total_points: float
    bands: Bands
    max_age_months: dict[Frequency, int]
    pillars: tuple[Pillar, ...]
    indicators: tuple[Indicator, ...]
    documents: tuple[Document, ...] = ()
    # sha256 of the validated content: any edit to a weight, threshold or rule changes it, so
    # stored scores are judged by what the catalog says, not by whether its version was bumped.
    content_hash: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if not self.content_hash:
            object.__setattr__(self, "content_hash", content_hash(self))

    def pillar(self, key: str) -> Pillar:
        return next(p for p in self.pillars if p.key == key)

    def indicator(self, key: str) -> Indicator:
        return next(i for i in self.indicators if i.key == key)

    @property
    def scored(self) -> tuple[Indicator, ...]:
        return tuple(i for i in self.indicators if i.scored)

    def document(self, document_id: str) -> Document:
        return next(d for d in self.documents if d.id == document_id)

    @property
    def dti_922_weights(self) -> dict[str, float] | None:
        """Pillar → the provincial DTI weight, or None when the catalog does not give them."""
        weights = {p.key: p.dti_922_weight for p in self.pillars}
        if any(w is None for w in weights.values()):
            return None
        return {key: float(w or 0.0) for key, w in weights.items()}

    def with_weights(self, weights: dict[str, float]) -> Catalog:
        """The same catalog with other pillar weights (for rank-stability checks)."""
        pillars = tuple(replace(p, weight=weights.get(p.key, p.weight)) for p in self.pillars)
        return replace(
            self, total_points=sum(p.weight for p in pillars), pillars=pillars, content_hash=""
        )


def content_hash(catalog: Catalog) -> str:
    """sha256 of a canonical JSON dump of everything the catalog declares (hash excluded)."""
    content = asdict(catalog)
    content.pop("content_hash", None)
    # default=str: a document's date is written as its ISO form.
    canonical = json.dumps(
        content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class CatalogError(ValueError):
    """Every problem found in a catalog, each naming its indicator or pillar."""

    def __init__(self, source: str, problems: list[str]) -> None:
        super().__init__(f"{source}: {len(problems)} problem(s)\n- " + "\n- ".join(problems))
        self.source = source
        self.problems = problems


# --- parsing ------------------------------------------------------------------------------


class _Problems(list[str]):
    def need(self, condition: bool, message: str) -> bool:
        if not condition:
            self.append(message)
        return condition


def _text(raw: Any, where: str, field: str, problems: _Problems) -> Text:
    if not isinstance(raw, dict) or not raw.get("vi") or not raw.get("en"):
        problems.append(f"{where}: {field} needs both vi and en text")
        return Text("", "")
    return Text(str(raw["vi"]), str(raw["en"]))


def _enum(kind: type[StrEnum], raw: Any, where: str, field: str, problems: _Problems) -> Any:
    try:
        return kind(raw)
    except ValueError:
        allowed = ", ".join(m.value for m in kind)
        problems.append(f"{where}: {field} {raw!r} is not one of {allowed}")
        return next(iter(kind))


def _number(raw: Any, where: str, field: str, problems: _Problems) -> float | None:
    if raw is None:
        problems.append(f"{where}: missing {field}")
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        problems.append(f"{where}: {field} {raw!r} is not a number")
        return None
    return float(raw)


def _steps_problems(steps: tuple[Step, ...], direction: Direction, max_points: float) -> list[str]:
    """A step table runs from the best value down; values and points must both be monotonic."""
    problems = []
    if not steps:
        return ["a step rule needs at least one step"]
    for better, worse in pairwise(steps):
        value_ok = better.at > worse.at if direction is Direction.HIGHER else better.at < worse.at
        if not value_ok:
            order = "decreasing" if direction is Direction.HIGHER else "increasing"
            problems.append(f"step table is not monotonic: 'at' must be strictly {order}")
            break
        if not better.points > worse.points:
            problems.append("step table is not monotonic: points must strictly decrease")
            break
    if steps[0].points > max_points + POINTS_TOLERANCE:
        problems.append(f"step points {steps[0].points:g} exceed max_points {max_points:g}")
    return problems


def _flag(raw: Any, where: str, field: str, problems: _Problems, default: bool | None) -> bool:
    """A yes/no field; ``default`` None means the catalog must say it on every indicator."""
    if raw is None and default is not None:
        return default
    if not isinstance(raw, bool):
        problems.append(f"{where}: {field} must be true or false, not {raw!r}")
        return False
    return raw


def _rule(raw: Any, where: str, problems: _Problems) -> Rule:
    if not isinstance(raw, dict):
        problems.append(f"{where}: missing rule")
        return Rule(RuleType.RATIO)
    rule_type = _enum(RuleType, raw.get("type"), where, "rule type", problems)
    steps = []
    for step in raw.get("steps") or []:
        at = _number(step.get("at"), where, "step 'at'", problems)
        points = _number(step.get("points"), where, "step points", problems)
        if at is not None and points is not None:
            steps.append(Step(at, points))
    return Rule(rule_type, tuple(steps))


def _document_date(raw: Any, where: str, problems: _Problems) -> date | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw))
    except ValueError:
        problems.append(f"{where}: date {raw!r} is not a date (YYYY-MM-DD)")
        return None


def _document(raw: Any, problems: _Problems) -> Document:
    raw = raw if isinstance(raw, dict) else {}
    doc_id = str(raw.get("id", ""))
    where = f"document {doc_id!r}"
    problems.need(bool(KEY_PATTERN.match(doc_id)), f"{where}: id must match [a-z][a-z0-9_]*")
    verified = _flag(raw.get("verified"), where, "verified", problems, None)
    number = str(raw.get("number") or "")
    doc_date = _document_date(raw.get("date"), where, problems)
    note = None if raw.get("note") is None else _text(raw.get("note"), where, "note", problems)
    issuer_short = raw.get("issuer_short")
    if verified:
        # A document said to be checked must be citable: its number and date are known.
        problems.need(bool(number), f"{where}: a verified document needs its number")
        problems.need(doc_date is not None, f"{where}: a verified document needs its date")
    else:
        problems.need(note is not None, f"{where}: an unverified document needs a note saying why")
    return Document(
        id=doc_id,
        short=_text(raw.get("short"), where, "short", problems),
        number=number,
        date=doc_date,
        issuer=_text(raw.get("issuer"), where, "issuer", problems),
        title=_text(raw.get("title"), where, "title", problems),
        verified=verified,
        note=note,
        issuer_short=(
            None if issuer_short is None else _text(issuer_short, where, "issuer_short", problems)
        ),
        comparison_only=_flag(
            raw.get("comparison_only"), where, "comparison_only", problems, False
        ),
    )


def _documents(raw: Any, problems: _Problems) -> tuple[Document, ...]:
    if not isinstance(raw, list) or not raw:
        problems.append("documents: the registry must list at least one document")
        return ()
    documents = tuple(_document(item, problems) for item in raw)
    problems += [f"document {k!r}: duplicate id" for k in _duplicates([d.id for d in documents])]
    return documents


def _sources(
    raw: Any, where: str, documents: dict[str, Document], problems: _Problems
) -> tuple[Source, ...]:
    if not isinstance(raw, list) or not raw:
        problems.append(f"{where}: sources must cite at least one document")
        return ()
    sources = []
    for number, item in enumerate(raw, start=1):
        item = item if isinstance(item, dict) else {}
        field_name = f"sources[{number}]"
        doc_id = item.get("document")
        if doc_id is None:
            problems.append(f"{where}: {field_name} is missing its document")
            continue
        if str(doc_id) not in documents:
            problems.append(f"{where}: {field_name} cites unknown document {doc_id!r}")
            continue
        what = item.get("what")
        sources.append(
            Source(
                document=documents[str(doc_id)],
                article=str(item.get("article") or ""),
                what=None if what is None else _text(what, where, f"{field_name} what", problems),
            )
        )
    return tuple(sources)


def _target_problems(
    where: str, basis: TargetBasis, sources: tuple[Source, ...], scored: bool
) -> list[str]:
    """A national target must rest on a checked national-level citation; a comparison level is
    never a scored target."""
    problems = []
    if basis is TargetBasis.NATIONAL and sources:
        citable = [s for s in sources if s.document.verified and not s.document.comparison_only]
        if not citable:
            problems.append(
                f"{where}: target_basis national needs a verified document among its sources "
                "(not one cited for comparison only)"
            )
    if basis is TargetBasis.COMPARISON and scored:
        problems.append(f"{where}: target_basis comparison is for tracked-only indicators")
    return problems


def _provenance(
    raw: dict[str, Any],
    where: str,
    scored: bool,
    documents: dict[str, Document] | None,
    problems: _Problems,
) -> dict[str, Any]:
    """The indicator's provenance fields: structured sources and target basis when the catalog
    has a documents registry, else its free-text ``source`` (the format published before)."""
    if documents is None:
        return {"source": str(raw.get("source", ""))}
    if "source" in raw:
        problems.append(f"{where}: free-text 'source' is replaced by 'sources'")
    sources = _sources(raw.get("sources"), where, documents, problems)
    basis = _enum(TargetBasis, raw.get("target_basis"), where, "target_basis", problems)
    problems += _target_problems(where, basis, sources, scored)
    return {"sources": sources, "target_basis": basis}


def _indicator(
    raw: dict[str, Any],
    pillar_keys: set[str],
    documents: dict[str, Document] | None,
    problems: _Problems,
) -> Indicator:
    key = str(raw.get("key", ""))
    where = f"indicator {key!r}"
    problems.need(bool(KEY_PATTERN.match(key)), f"{where}: key must match [a-z][a-z0-9_]*")
    pillar = str(raw.get("pillar", ""))
    problems.need(pillar in pillar_keys, f"{where}: unknown pillar {pillar!r}")
    direction = _enum(Direction, raw.get("direction"), where, "direction", problems)
    target = _number(raw.get("target"), where, "target", problems)
    max_points = _number(raw.get("max_points"), where, "max_points", problems)
    rule = _rule(raw.get("rule"), where, problems)
    scored = bool(raw.get("scored", True))
    worst = raw.get("worst")
    worst_value = None if worst is None else _number(worst, where, "worst", problems)
    if max_points is not None:
        if scored:
            problems.need(max_points > 0, f"{where}: a scored indicator needs max_points > 0")
        else:
            problems.need(max_points == 0, f"{where}: a tracked-only indicator has max_points 0")
    if rule.type is RuleType.STEP and max_points is not None:
        problems += [f"{where}: {p}" for p in _steps_problems(rule.steps, direction, max_points)]
    if rule.type is RuleType.RATIO and target is not None:
        if direction is Direction.HIGHER:
            problems.need(target > 0, f"{where}: a ratio rule needs a target above 0")
        elif worst_value is None:
            problems.append(f"{where}: a lower-is-better ratio needs 'worst'")
        else:
            problems.need(worst_value > target, f"{where}: 'worst' must be above the target")
    return Indicator(
        key=key,
        pillar=pillar,
        label=_text(raw.get("label"), where, "label", problems),
        definition=_text(raw.get("definition"), where, "definition", problems),
        unit=str(raw.get("unit", "")),
        direction=direction,
        target=target or 0.0,
        max_points=max_points or 0.0,
        rule=rule,
        source_type=_enum(SourceType, raw.get("source_type"), where, "source_type", problems),
        evidence=_text(raw.get("evidence"), where, "evidence", problems),
        verifier=str(raw.get("verifier", "")),
        frequency=_enum(Frequency, raw.get("frequency"), where, "frequency", problems),
        basis=_enum(Basis, raw.get("basis", "current"), where, "basis", problems),
        worst=worst_value,
        scored=scored,
        controllable=_flag(raw.get("controllable"), where, "controllable", problems, None),
        carry_forward=_flag(raw.get("carry_forward"), where, "carry_forward", problems, None),
        evidence_required=_flag(
            raw.get("evidence_required"), where, "evidence_required", problems, False
        ),
        **_provenance(raw, where, scored, documents, problems),
    )


def _weight_provenance(
    item: dict[str, Any], where: str, with_documents: bool, problems: _Problems
) -> dict[str, Any]:
    if not with_documents:
        return {}
    dti = _number(item.get("dti_922_weight"), where, "dti_922_weight", problems)
    if dti is not None:
        problems.need(dti >= 0, f"{where}: dti_922_weight must not be negative")
    return {
        "weight_basis": _enum(
            WeightBasis, item.get("weight_basis"), where, "weight_basis", problems
        ),
        "dti_922_weight": dti,
    }


def _pillars(
    raw: list[dict[str, Any]], with_documents: bool, problems: _Problems
) -> tuple[Pillar, ...]:
    pillars = []
    for item in raw:
        key = str(item.get("key", ""))
        where = f"pillar {key!r}"
        problems.need(bool(KEY_PATTERN.match(key)), f"{where}: key must match [a-z][a-z0-9_]*")
        weight = _number(item.get("weight"), where, "weight", problems)
        if weight is not None:
            problems.need(weight > 0, f"{where}: weight must be above 0")
        pillars.append(
            Pillar(
                key,
                weight or 0.0,
                _text(item.get("label"), where, "label", problems),
                **_weight_provenance(item, where, with_documents, problems),
            )
        )
    return tuple(pillars)


def _duplicates(keys: list[str]) -> list[str]:
    return sorted({k for k in keys if keys.count(k) > 1})


def _bands(raw: dict[str, Any], problems: _Problems) -> Bands:
    values = {
        name: _number(raw.get(name), "bands", name, problems)
        for name in ("green_at_least", "yellow_at_least", "min_coverage", "max_days_since_update")
    }
    green, yellow = values["green_at_least"], values["yellow_at_least"]
    if green is not None and yellow is not None:
        problems.need(green > yellow, "bands: green_at_least must be above yellow_at_least")
    coverage = values["min_coverage"]
    if coverage is not None:
        problems.need(0 < coverage <= 1, "bands: min_coverage must be in (0, 1]")
    return Bands(
        green_at_least=green or 0.0,
        yellow_at_least=yellow or 0.0,
        min_coverage=coverage or 0.0,
        max_days_since_update=int(values["max_days_since_update"] or 0),
    )


def _totals_problems(
    total: float, pillars: tuple[Pillar, ...], indicators: tuple[Indicator, ...]
) -> list[str]:
    problems = []
    weights = sum(p.weight for p in pillars)
    if abs(weights - total) > POINTS_TOLERANCE:
        problems.append(f"pillar weights sum to {weights:g}, not the declared total {total:g}")
    dti = [p.dti_922_weight for p in pillars if p.dti_922_weight is not None]
    if dti and abs(sum(dti) - total) > POINTS_TOLERANCE:
        # The DTI's weights are compared scaled to the same total as the province's.
        problems.append(f"dti_922_weight sums to {sum(dti):g}, not the declared total {total:g}")
    for pillar in pillars:
        points = sum(i.max_points for i in indicators if i.pillar == pillar.key and i.scored)
        if abs(points - pillar.weight) > POINTS_TOLERANCE:
            problems.append(
                f"pillar {pillar.key!r}: indicators' max_points sum to {points:g}, "
                f"not its weight {pillar.weight:g}"
            )
    return problems


def parse_catalog(data: dict[str, Any], source: str = "catalog") -> Catalog:
    """Build a :class:`Catalog` from parsed YAML; raise :class:`CatalogError` with every problem."""
    problems = _Problems()
    version = str(data.get("version") or "")
    problems.need(bool(version), "missing catalog version")
    total = _number(data.get("total_points"), "catalog", "total_points", problems) or 0.0
    bands = _bands(data.get("bands") or {}, problems)
    with_documents = "documents" in data
    documents = _documents(data.get("documents"), problems) if with_documents else ()
    registry = {d.id: d for d in documents} if with_documents else None
    pillars = _pillars(data.get("pillars") or [], with_documents, problems)
    pillar_keys = {p.key for p in pillars}
    problems += [f"pillar {k!r}: duplicate key" for k in _duplicates([p.key for p in pillars])]
    indicators = tuple(
        _indicator(raw, pillar_keys, registry, problems) for raw in data.get("indicators") or []
    )
    problems += [
        f"indicator {k!r}: duplicate key" for k in _duplicates([i.key for i in indicators])
    ]
    if not problems:
        problems += _totals_problems(total, pillars, indicators)
    ages = {
        _enum(Frequency, k, "max_age_months", "frequency", problems): int(v)
        for k, v in (data.get("max_age_months") or {}).items()
    }
    problems += [f"max_age_months: missing {f.value}" for f in Frequency if f not in ages]
    if problems:
        raise CatalogError(source, list(problems))
    return Catalog(version, total, bands, ages, pillars, indicators, documents)


def load_catalog(path: Path = CATALOG_FILE) -> Catalog:
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    return parse_catalog(data, source=path.name)


@lru_cache(maxsize=1)
def default_catalog() -> Catalog:
    """The catalog in force, loaded once per process."""
    return load_catalog()
