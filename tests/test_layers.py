"""The layers are enforced: import-linter's contracts (pyproject.toml) hold on the real tree and
fail, naming the contract, on a copy of the tree with one deliberate bad import."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]
PACKAGES = CONFIG["importlinter"]["root_packages"]
CONTRACT_NAMES = {c["id"]: c["name"] for c in CONFIG["importlinter"]["contracts"]}


def lint(tree: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo", str(tree / "pyproject.toml")],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_real_tree_keeps_every_contract() -> None:
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    for name in CONTRACT_NAMES.values():
        assert f"{name} KEPT" in result.stdout


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of the project's packages (Python files only) and its pyproject.toml."""
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package,
            tmp_path / package,
            ignore=lambda folder, names: (
                [n for n in names if not n.endswith(".py") and not (Path(folder) / n).is_dir()]
                + ["__pycache__"]
            ),
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


@pytest.mark.parametrize(
    ("module", "source", "broken"),
    [
        ("metrics/bad.py", "import streamlit\n", ["metrics-without-streamlit"]),
        ("metrics/bad.py", "from ui import text\n", ["metrics-without-streamlit", "layers"]),
        ("data/bad.py", "from metrics import scoring\n", ["data-is-storage", "layers"]),
        ("data/bad.py", "import streamlit\n", ["data-is-storage"]),
        ("app_pages/bad.py", "from data import queries\n", ["pages-without-data"]),
        ("common/bad.py", "from data import models\n", ["common-is-the-bottom", "layers"]),
        ("data/demo/bad.py", "from data.bootstrap import ensure_ready\n", ["demo-below-bootstrap"]),
        ("metrics/tasks_extra.py", "from data import queries\n", []),  # allowed: not a rule module
        ("geo/bad.py", "from ui import text\n", ["layers"]),
        ("reports/bad.py", "import streamlit\n", ["reports-without-streamlit"]),
        ("reports/bad.py", "from ui import text\n", ["reports-without-streamlit", "layers"]),
        ("geo/bad.py", "from reports import brief\n", ["layers"]),
    ],
)
def test_a_bad_import_breaks_its_contract(
    tree: Path, module: str, source: str, broken: list[str]
) -> None:
    (tree / module).write_text(source, encoding="utf-8")
    result = lint(tree)
    for contract_id, name in CONTRACT_NAMES.items():
        state = "BROKEN" if contract_id in broken else "KEPT"
        assert f"{name} {state}" in result.stdout, (contract_id, result.stdout)
    assert (result.returncode != 0) == bool(broken), result.stdout


def test_a_rule_module_that_reaches_the_database_breaks_purity(tree: Path) -> None:
    rules = tree / "metrics" / "feedback.py"
    rules.write_text(rules.read_text(encoding="utf-8") + "\nimport data.queries\n")
    result = lint(tree)
    assert result.returncode != 0
    assert f"{CONTRACT_NAMES['pure-subject-rules']} BROKEN" in result.stdout
    # The fault is the rule module's, not the demo generator's (its one import of metrics is
    # declared): the storage contract still holds.
    assert f"{CONTRACT_NAMES['data-is-storage']} KEPT" in result.stdout
