"""The locks: exact pins with hashes, runtime apart from development, in step with pyproject."""

from __future__ import annotations

import re

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

from tests.packaging.locks import (
    ALL_LOCKS,
    DEV_LOCK,
    ROOT,
    RUNTIME_LOCK,
    UV_LOCK,
    dev_requirements,
    normalise,
    pyproject,
    read_lock,
    runtime_requirements,
    versions,
)

# What the issue says a production install must not get, written out rather than read from
# pyproject, so that moving one of them into the runtime dependencies fails here.
DEVELOPMENT_ONLY = {"pytest", "playwright", "ruff", "mypy", "import-linter", "pip", "setuptools"}


@pytest.mark.parametrize("lock", ALL_LOCKS, ids=lambda p: p.name)
def test_every_entry_is_an_exact_pin_with_sha256_hashes(lock):
    pins = read_lock(lock)
    assert pins, f"{lock.name} pins nothing"
    unhashed = sorted(pin.name for pin in pins.values() if not pin.hashes)
    assert unhashed == [], f"{lock.name}: no --hash for {unhashed}"


@pytest.mark.parametrize("lock", ALL_LOCKS, ids=lambda p: p.name)
def test_locks_name_no_index_or_local_mirror(lock):
    # A lock must resolve on a fresh machine: no index, find-links or file: lines from this one.
    text = lock.read_text(encoding="utf-8")
    assert not re.search(r"^\s*(-i|--index-url|--extra-index-url|-f|--find-links)\b", text, re.M)
    assert "file:" not in text


def test_the_line_reader_refuses_what_is_not_an_exact_pin(tmp_path):
    bad = tmp_path / "bad.lock"
    bad.write_text("streamlit>=1.0 \\\n    --hash=sha256:" + "0" * 64 + "\n")
    with pytest.raises(ValueError, match="not an exact pin"):
        read_lock(bad)


def _unmet(requirements: list[Requirement], pinned: dict[str, set[str]]) -> list[str]:
    problems = []
    for requirement in requirements:
        got = pinned.get(normalise(requirement.name))
        if not got:
            problems.append(f"{requirement.name}: not in the lock")
        elif not all(requirement.specifier.contains(v, prereleases=True) for v in got):
            problems.append(f"{requirement}: lock has {sorted(got)}")
    return problems


def test_runtime_lock_pins_every_runtime_dependency_as_pyproject_says():
    assert _unmet(runtime_requirements(), versions(read_lock(RUNTIME_LOCK))) == []


def test_dev_lock_pins_runtime_and_development_dependencies_as_pyproject_says():
    wanted = runtime_requirements() + dev_requirements()
    assert _unmet(wanted, versions(read_lock(DEV_LOCK))) == []


def test_runtime_lock_holds_no_development_tool():
    runtime_names = {pin.name for pin in read_lock(RUNTIME_LOCK).values()}
    dev_extra = {normalise(r.name) for r in dev_requirements()}
    assert runtime_names & (DEVELOPMENT_ONLY | dev_extra) == set()


def test_dev_lock_repeats_every_runtime_pin_exactly():
    # ./run-tests installs the dev lock alone: it must give the same runtime as ./run-app's lock.
    runtime, dev = read_lock(RUNTIME_LOCK), read_lock(DEV_LOCK)
    differ = [
        key
        for key, pin in runtime.items()
        if key not in dev or (dev[key].version, dev[key].hashes) != (pin.version, pin.hashes)
    ]
    assert differ == []


def test_dev_lock_adds_the_development_tools():
    dev_names = {pin.name for pin in read_lock(DEV_LOCK).values()}
    assert dev_names >= DEVELOPMENT_ONLY


def test_installer_lock_pins_the_uv_that_scripts_lock_names():
    pins = read_lock(UV_LOCK)
    script = (ROOT / "scripts" / "lock").read_text(encoding="utf-8")
    named = re.search(r"^UV_VERSION=(\S+)$", script, re.M)
    assert named is not None
    assert [(p.name, p.version) for p in pins.values()] == [("uv", named.group(1))]


def test_build_system_is_setuptools_and_the_dev_lock_satisfies_it():
    # The packaging test builds with --no-build-isolation, i.e. with the dev lock's setuptools.
    build = pyproject()["build-system"]
    assert build["build-backend"] == "setuptools.build_meta"
    requires = [Requirement(text) for text in build["requires"]]
    assert [normalise(r.name) for r in requires] == ["setuptools"]
    locked = versions(read_lock(DEV_LOCK))["setuptools"]
    specifier: SpecifierSet = requires[0].specifier
    assert all(specifier.contains(v) for v in locked)
