"""Reading the hashed lock files and pyproject.toml the way pip does, for the packaging tests."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]
RUNTIME_LOCK = ROOT / "requirements.lock"
DEV_LOCK = ROOT / "requirements-dev.lock"
UV_LOCK = ROOT / "requirements-uv.lock"
ALL_LOCKS = (RUNTIME_LOCK, DEV_LOCK, UV_LOCK)
HASH = re.compile(r"--hash=sha256:([0-9a-f]{64})$")


def normalise(name: str) -> str:
    """The PEP 503 name pip compares: PyYAML = pyyaml, typing_extensions = typing-extensions."""
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass
class Pin:
    name: str
    version: str
    marker: str
    hashes: set[str] = field(default_factory=set)


def read_lock(path: Path) -> dict[tuple[str, str], Pin]:
    """Pins by (normalised name, marker); raises on any line that is not a pin, hash or comment."""
    pins: dict[tuple[str, str], Pin] = {}
    current: Pin | None = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip().removesuffix("\\").strip()
        if not line or line.startswith("#"):
            continue
        found = HASH.fullmatch(line)
        if found and current is not None:
            current.hashes.add(found.group(1))
            continue
        spec, _, marker = line.partition(";")
        name, sep, version = spec.strip().partition("==")
        if not sep or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", name) or " " in version:
            raise ValueError(f"{path.name}:{number}: not an exact pin: {raw!r}")
        current = Pin(normalise(name), version.strip(), marker.strip())
        pins[(current.name, current.marker)] = current
    return pins


def versions(pins: dict[tuple[str, str], Pin]) -> dict[str, set[str]]:
    """Every pinned version of each name (one, unless a marker splits it)."""
    out: dict[str, set[str]] = {}
    for pin in pins.values():
        out.setdefault(pin.name, set()).add(pin.version)
    return out


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def runtime_requirements() -> list[Requirement]:
    return [Requirement(text) for text in pyproject()["project"]["dependencies"]]


def dev_requirements() -> list[Requirement]:
    return [Requirement(text) for text in pyproject()["project"]["optional-dependencies"]["dev"]]
