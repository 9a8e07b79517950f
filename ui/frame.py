"""The app frame's pieces: language switch, database gate, navigation, demo-data banner."""

from __future__ import annotations

import logging
import math
import threading
import time
from datetime import date

import streamlit as st
from sqlalchemy import Engine

from data.bootstrap import ensure_ready, is_ready
from data.db import DatabaseUnavailable
from data.registry import RegistryError
from data.settings import PROJECT_ROOT, SettingError
from geo.assets import install_leaflet_assets
from i18n import DEFAULT_LANGUAGE, LANGUAGES
from metrics import CatalogError, default_catalog, refresh_snapshots
from metrics.snapshots import snapshots_current
from ui.loaders import load_dataset_status, load_periods
from ui.text import LANG_KEY, day, t

log = logging.getLogger("dashboard")

# (file, title key, material icon, url path); the first is the home page.
PAGES: tuple[tuple[str, str, str, str], ...] = (
    ("app_pages/home.py", "page.home", ":material/map:", ""),
    ("app_pages/dossier.py", "page.dossier", ":material/location_city:", "dossier"),
    ("app_pages/tasks.py", "page.tasks", ":material/task_alt:", "tasks"),
    ("app_pages/feedback.py", "page.feedback", ":material/forum:", "feedback"),
    (
        "app_pages/infrastructure.py",
        "page.infrastructure",
        ":material/cell_tower:",
        "infrastructure",
    ),
    ("app_pages/methodology.py", "page.methodology", ":material/functions:", "methodology"),
    ("app_pages/presentation.py", "page.presentation", ":material/co_present:", "presentation"),
    ("app_pages/admin.py", "page.admin", ":material/settings:", "admin"),
)
SECTIONS = (
    ("nav.overview", ("page.home", "page.dossier")),
    ("nav.subjects", ("page.tasks", "page.feedback", "page.infrastructure")),
    ("nav.system", ("page.methodology", "page.presentation", "page.admin")),
)

_last_logged_problem: str | None = None
_refresh_lock = threading.Lock()
_assets_ready = False  # one recomputation per process, however many sessions ask


def language_switch() -> str:
    """The language control; its value lives in the URL (``?lang=EN``) so a copied link keeps it.

    A bound widget writes its *displayed* option to the URL, hence the short upper-case labels.
    """
    choice = st.sidebar.segmented_control(
        t("frame.language"),
        LANGUAGES,
        default=DEFAULT_LANGUAGE,
        required=True,
        format_func=str.upper,
        key=LANG_KEY,
        bind="query-params",
        help=t("frame.language_help"),
    )
    return str(choice)


def _log_once(message: str) -> None:
    # The gate runs on every rerun; log a problem when it appears or changes, not each time.
    global _last_logged_problem
    if message != _last_logged_problem:
        log.error(message)
        _last_logged_problem = message


def serve_map_assets() -> None:
    """Copy Leaflet into ./static once per process: the map loads it from this server only."""
    global _assets_ready
    if not _assets_ready:
        install_leaflet_assets(PROJECT_ROOT / "static")
        _assets_ready = True


def database_gate() -> None:
    """Stop the run with one readable message when the database or a setting is unusable."""
    try:
        if is_ready():
            engine = ensure_ready()
        else:  # the first start may build the schema and generate the demo data (~30 s)
            with st.spinner(t("frame.preparing_database")):
                engine = ensure_ready()
        _ensure_scores(engine)
    except CatalogError as exc:
        _log_once(str(exc))
        st.error(t("catalog_error", source=exc.source, problems="; ".join(exc.problems[:8])))
        st.stop()
    except DatabaseUnavailable as exc:
        _log_once(str(exc))
        st.error(
            t(f"db_error.{exc.reason}", setting=exc.setting, target=exc.target, detail=exc.detail),
            icon=":material/database_off:",
        )
        st.info(t("db_error.how_to_fix", setting=exc.setting))
        st.stop()
    except SettingError as exc:
        _log_once(str(exc))
        st.error(t("setting_error", setting=exc.setting, value=exc.value, problem=exc.problem))
        st.stop()
    except RegistryError as exc:
        _log_once(str(exc))
        st.error(t("registry_error", problems="; ".join(exc.problems[:5])))
        st.stop()


SCORES_RECHECK_S = 2.0  # stored scores are checked against the data at most this often
_scores_checked: dict[str, float] = {}  # engine URL -> when the scores were last found current


def _ensure_scores(engine: Engine) -> None:
    """Recompute the stored monthly scores once after data or the catalog changed.

    Checked at most every ``SCORES_RECHECK_S`` per process, outside the lock on the fast path:
    with the check under the lock on every run, 102 viewers opening the map queued behind it.
    """
    url = str(engine.url)
    if time.monotonic() - _scores_checked.get(url, -math.inf) < SCORES_RECHECK_S:
        return
    with _refresh_lock:
        if not snapshots_current(engine, default_catalog()):
            with st.spinner(t("frame.computing_scores")):
                refresh_snapshots(engine)
        _scores_checked[url] = time.monotonic()


PERIOD_KEY = "period"  # sidebar widget, session key and URL parameter (?period=10/2026)


def period_filter() -> date | None:
    """The shared period: the newest month by default; kept in the URL for shared links."""
    periods = load_periods()
    if not periods:
        return None
    from_url = st.query_params.get(PERIOD_KEY)
    if from_url and from_url not in {p.strftime("%m/%Y") for p in periods}:
        # The widget drops an unknown value silently; say so, then show the newest month.
        st.warning(t("frame.unknown_period", value=from_url), icon=":material/event_busy:")
    chosen = st.sidebar.selectbox(
        t("frame.period"),
        list(reversed(periods)),
        format_func=lambda p: p.strftime("%m/%Y"),  # language-neutral: it is also the URL value
        key=PERIOD_KEY,
        bind="query-params",
        help=t("frame.period_help"),
    )
    return chosen


def navigation() -> st.navigation:  # type: ignore[valid-type]
    by_key = {
        key: st.Page(path, title=t(key), icon=icon, url_path=url or None, default=not url)
        for path, key, icon, url in PAGES
    }
    return st.navigation(
        {t(section): [by_key[k] for k in keys] for section, keys in SECTIONS},
        position="sidebar",
    )


def demo_banner() -> None:
    """Say plainly, on every page, when the figures are demo data."""
    status = load_dataset_status()
    if status.has_demo_data:
        st.warning(
            t("frame.demo_banner", end_date=day(_iso_date(status.demo_parameters.get("end_date")))),
            icon=":material/science:",
        )


def _iso_date(iso: str | None) -> date | None:
    return date.fromisoformat(iso) if iso else None
