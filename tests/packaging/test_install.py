"""`pip install -e .` and a wheel build work from the project's own files, offline.

Both build with the development venv's setuptools (``--no-build-isolation --no-index``): nothing
is downloaded, and a broken ``[build-system]`` or package list fails here. They build a copy of
the files git knows (a fresh clone's content, uncommitted work included), so the checkout gets
no ``build/`` or ``*.egg-info``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from tests.packaging.locks import ROOT

pytestmark = pytest.mark.slow

# The dashboard's packages as the README's architecture names them (``common``: the bottom of
# the flow); tests/, bench/, devtools/ and scripts/ are not installed.
PACKAGES = ("app_pages", "data", "metrics", "geo", "reports", "ui", "i18n", "common")
NOT_INSTALLED = ("tests", "bench", "devtools", "scripts", "docs", "static")
DIST = "daklak-dx-dashboard"


def _run(*command: str | Path, cwd: Path | None = None) -> str:
    env = {**os.environ, "PIP_CONFIG_FILE": os.devnull, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    for key in ("PYTHONPATH", "PIP_FIND_LINKS", "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL"):
        env.pop(key, None)
    done = subprocess.run(
        [str(part) for part in command], cwd=cwd, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, (
        f"{command[:4]} failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}"
    )
    return done.stdout


def _pip(*args: str | Path) -> str:
    return _run(sys.executable, "-m", "pip", *args, "--no-index", "--no-build-isolation", "-q")


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Path:
    """A copy of every file git knows in the checkout (tracked or new, not ignored)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, check=True, capture_output=True,
    ).stdout.decode()  # fmt: skip
    copy = tmp_path_factory.mktemp("source")
    for name in filter(None, listed.split("\0")):
        if (ROOT / name).is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, copy / name)
    return copy


def _package_files(source: Path) -> set[str]:
    present = [name for name in PACKAGES if (source / name).is_dir()]
    assert set(present) >= set(PACKAGES) - {"common"}, f"packages missing: {present}"
    return {
        path.relative_to(source).as_posix()
        for name in present
        for path in (source / name).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }


def test_wheel_ships_every_module_and_data_file_and_nothing_else(source, tmp_path):
    _pip("wheel", "--no-deps", "-w", tmp_path, source)
    (wheel,) = tmp_path.glob("daklak_dx_dashboard-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {n for n in names if ".dist-info/" not in n}
    missing = sorted(_package_files(source) - shipped)
    assert missing == [], "not in the wheel (add a package-data glob?)"
    top_level = {n.split("/", 1)[0] for n in shipped}
    assert top_level <= set(PACKAGES), f"unexpected in the wheel: {top_level - set(PACKAGES)}"
    assert not top_level & set(NOT_INSTALLED)


CHECK = """
import importlib.metadata, importlib.util, json, os, sys, sysconfig
names = json.loads(sys.argv[1])
dist = importlib.metadata.distribution("daklak-dx-dashboard")
out = {"dist": str(dist.locate_file("")), "site": sysconfig.get_paths()["purelib"]}
# Folders only: a namespace package's path also holds the editable finder's path-hook entry.
out["packages"] = {
    n: [p for p in importlib.util.find_spec(n).submodule_search_locations if os.path.isdir(p)]
    for n in names
}
out["page"] = importlib.util.find_spec("app_pages.home").origin
import metrics.catalog
out["catalog"] = str(metrics.catalog.CATALOG_FILE)
print(json.dumps(out))
"""


def test_editable_install_into_a_fresh_venv_imports_from_the_source(source, tmp_path):
    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    # The new venv sees the development venv's packages (setuptools for the build, pandas …
    # for the import) through a .pth file, but not the project: only the install can bring it.
    site = Path(
        _run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").strip()
    )
    (site / "dev-venv.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")

    _pip("--python", python, "install", "--no-deps", "-e", source)

    present = [name for name in PACKAGES if (source / name).is_dir()]
    # -I: no PYTHONPATH, no current folder on the path; run from elsewhere than the source.
    found = json.loads(_run(python, "-I", "-c", CHECK, json.dumps(present), cwd=tmp_path))
    assert Path(found["dist"]).resolve() == Path(found["site"]).resolve() == site.resolve()
    assert found["packages"] == {name: [str(source / name)] for name in present}
    assert Path(found["page"]) == source / "app_pages" / "home.py"
    assert Path(found["catalog"]) == source / "metrics" / "catalog.yaml"
