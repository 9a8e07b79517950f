"""Clone → first page: what a new user waits for, from ``git clone`` to the heat map on screen.

    .venv/bin/python -m bench.bench_first_start [--installer uv|pip] [--cold-cache] [--worktree]
                                                [--timeout S] [--keep]

Clones this checkout into a new folder in its parent (``/work/first-start-…``, so that
``../shared`` with the reference boundaries sits beside the clone exactly as for a developer),
then runs the README's first command, ``./run-app``, on a free local port with no database
settings (SQLite, demo data made on first start), and times from the start of the clone:

- clone — ``git clone`` of the committed HEAD (``--worktree`` also copies this checkout's
  uncommitted and untracked files over it, to measure work in progress);
- install — until ``./run-app`` prints its "Dashboard:" line, i.e. ``scripts/ensure-venv``
  made ``.venv`` from ``requirements.lock`` (runtime only);
- server answers — until ``/_stcore/health`` answers 200;
- first text — Chromium (Debian's, launched as ``devtools.chromium`` says) opened ``/`` when the
  server answered, as a person would; until the page's main area shows any text;
- heat map — until the run is over and the map frame holds the 102 units' shapes (the
  ``bench.bench_pages`` ready test). The page is never reloaded: whatever the first start
  shows must turn into the heat map by itself.

``--installer pip`` forces ensure-venv's pip fallback; ``--cold-cache`` gives uv and pip empty
caches, so every file is downloaded again (the machine's pip configuration is left as it is).
Prints figures; asserts nothing. The clone is deleted afterwards unless ``--keep``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from bench.bench_pages import READY_JS, free_port, machine
from devtools.chromium import CHROMIUM, CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parent.parent
# Any visible text in the page's main area: the first thing a person reads.
FIRST_TEXT_JS = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  return !!main && main.innerText.trim().length > 0;
}"""
# Settings that would point the clone away from a new user's defaults.
CLEARED_ENV = ("DATABASE_URL", "VIRTUAL_ENV", "PYTHONPATH")


@dataclass
class Timeline:
    """Seconds since the start of the clone, per milestone (None: not reached)."""

    started: float = field(default_factory=time.monotonic)
    marks: dict[str, float | None] = field(default_factory=dict)

    def mark(self, name: str) -> None:
        self.marks.setdefault(name, time.monotonic() - self.started)

    def get(self, name: str) -> float | None:
        return self.marks.get(name)


def clone(dest: Path, worktree: bool) -> None:
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(dest)], check=True)
    if worktree:
        overlay_worktree(dest)


def overlay_worktree(dest: Path) -> None:
    """Copy the checkout's changed and new (not ignored) files over the clone, drop deleted ones."""

    def listed(*flags: str) -> list[str]:
        out = subprocess.run(
            ["git", "ls-files", "-z", *flags], cwd=ROOT, check=True, capture_output=True
        ).stdout.decode()
        return [name for name in out.split("\0") if name]

    deleted = set(listed("--deleted"))
    for name in listed("--cached", "--others", "--exclude-standard"):
        source, target = ROOT / name, dest / name
        if name in deleted or not source.exists():
            target.unlink(missing_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)


def clone_env(installer: str | None, caches: Path | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in CLEARED_ENV}
    for key in list(env):
        if key.startswith("DASHBOARD_"):
            del env[key]
    if installer:
        env["DASHBOARD_INSTALLER"] = installer
    if caches is not None:
        env["UV_CACHE_DIR"] = str(caches / "uv")
        env["PIP_CACHE_DIR"] = str(caches / "pip")
    return env


def follow_output(process: subprocess.Popen[bytes], timeline: Timeline, log: list[str]) -> None:
    """Keep ./run-app's output and mark when the install is over."""
    assert process.stdout is not None
    for raw in process.stdout:
        line = raw.decode(errors="replace").rstrip()
        log.append(f"{time.monotonic() - timeline.started:7.1f}s  {line}")
        if line.startswith("Dashboard:"):
            timeline.mark("install")


def wait_healthy(url: str, process: subprocess.Popen[bytes], deadline: float) -> bool:
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return True
        except OSError:
            time.sleep(0.2)
    return False


def watch_first_page(url: str, timeline: Timeline, deadline: float) -> str:
    """Open the home page once and mark the first text and the drawn heat map; the page's text."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
            page.goto(url + "/", wait_until="commit")
            for name, script, arg in (
                ("first text", FIRST_TEXT_JS, None),
                ("heat map", READY_JS, "map"),
            ):
                left_ms = max(1.0, (deadline - time.monotonic()) * 1000)
                try:
                    page.wait_for_function(script, arg=arg, timeout=left_ms, polling=100)
                except PlaywrightError:
                    break
                timeline.mark(name)
            return page.inner_text("body")[:600] if timeline.get("heat map") is None else ""
        finally:
            browser.close()


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def run(args: argparse.Namespace) -> tuple[Timeline, list[str], str]:
    dest = Path(tempfile.mkdtemp(prefix="first-start-", dir=ROOT.parent))
    caches = Path(tempfile.mkdtemp(prefix="first-start-caches-")) if args.cold_cache else None
    log: list[str] = []
    page_text = ""
    timeline = Timeline()
    try:
        clone(dest, args.worktree)
        timeline.mark("clone")
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        process = subprocess.Popen(
            ["./run-app", "--server.port", str(port), "--server.address", "127.0.0.1"],
            cwd=dest, env=clone_env(args.installer, caches), stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        reader = threading.Thread(target=follow_output, args=(process, timeline, log), daemon=True)
        reader.start()
        deadline = timeline.started + args.timeout
        try:
            if wait_healthy(url, process, deadline):
                timeline.mark("server answers")
                page_text = watch_first_page(url, timeline, deadline)
        finally:
            stop(process)
            reader.join(timeout=5)
    finally:
        if args.keep:
            print(f"clone kept: {dest}")
        else:
            shutil.rmtree(dest, ignore_errors=True)
        if caches is not None:
            shutil.rmtree(caches, ignore_errors=True)
    return timeline, log, page_text


def seconds(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} s"


def report(args: argparse.Namespace, timeline: Timeline, log: list[str], page_text: str) -> None:
    print(machine())
    print(f"load average before: {args.load_before}; after: {os.getloadavg()[0]:.1f}")
    cache = "empty uv/pip caches" if args.cold_cache else "the machine's uv/pip caches"
    source = "HEAD + uncommitted work" if args.worktree else "committed HEAD"
    print(f"installer: {args.installer or 'uv (default)'}; {cache}; clone of {source}\n")
    print("| step | at (from start of clone) | step alone |")
    print("|---|---|---|")
    previous = 0.0
    for name in ("clone", "install", "server answers", "first text", "heat map"):
        at = timeline.get(name)
        alone = None if at is None else at - previous
        print(f"| {name} | {seconds(at)} | {seconds(alone)} |")
        previous = at if at is not None else previous
    total = timeline.get("heat map")
    print(f"\nclone → first page (heat map drawn): {seconds(total)}")
    installed = [line for line in log if "Installed with" in line or "not usable" in line]
    for line in installed:
        print(f"  {line.strip()}")
    if total is None:
        print(f"\nheat map not drawn within {args.timeout:.0f} s. Page text:\n{page_text}")
        print("run-app output (last lines):\n" + "\n".join(log[-25:]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--installer", choices=("uv", "pip"), default=None)
    parser.add_argument("--cold-cache", action="store_true", help="empty uv and pip caches")
    parser.add_argument(
        "--worktree", action="store_true", help="also copy uncommitted and untracked files"
    )
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds for the whole run")
    parser.add_argument("--keep", action="store_true", help="keep the clone afterwards")
    args = parser.parse_args()
    args.load_before = f"{os.getloadavg()[0]:.1f}"
    timeline, log, page_text = run(args)
    report(args, timeline, log, page_text)


if __name__ == "__main__":
    sys.exit(main())
