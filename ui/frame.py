"""The app frame's pieces: language switch, database gate, navigation, demo-data banner."""

from __future__ import annotations

import logging
import time
from datetime import date

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from data.bootstrap import forget_readiness, is_ready
from data.db import check_connection, get_engine
from data.queries import SnapshotState
from data.settings import PROJECT_ROOT, Settings, load_settings
from geo.assets import install_leaflet_assets
from i18n import DEFAULT_LANGUAGE, LANGUAGES, normalise_language
from metrics import default_catalog
from metrics.api import default_period
from metrics.snapshots import scores_current, stored_history_complete
from ui.components import literal
from ui.kiosk import kiosk_requested
from ui.loaders import (
    STORE_RECHECK_S,
    forget_store_state,
    load_dataset_status,
    load_periods,
    store_state,
)
from ui.preparation import Status, Worker, worker_for
from ui.problems import STOPPING, readable_database_error, stop_with
from ui.text import LANG_KEY, day, num, t

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

_assets_ready = False


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


def kiosk_mode() -> bool:
    """A big-screen link (``?mode=kiosk``): no sidebar, no navigation, no period choice."""
    return kiosk_requested(st.query_params.to_dict())


def language_from_url() -> str:
    """The language of a screen with no controls: ``?lang=EN`` or Vietnamese."""
    choice = normalise_language(str(st.query_params.get(LANG_KEY, DEFAULT_LANGUAGE)).lower())
    st.session_state[LANG_KEY] = choice
    return choice


def serve_map_assets() -> None:
    """Copy Leaflet into ./static once per process: the map loads it from this server only."""
    global _assets_ready
    if not _assets_ready:
        install_leaflet_assets(PROJECT_ROOT / "static")
        _assets_ready = True


def database_gate() -> None:
    """Let the page run on the last complete scores, or stop it with one readable message, or
    (nothing to show yet: a first start) show how far the preparation is until it can run.

    The database work itself (schema, registry, demo data, scores) runs in the process's
    background worker (``ui.preparation``): no viewer waits for a recomputation, and a new data
    load is scored while the previous scores stay on screen with a note.
    """
    try:
        settings = load_settings()
        catalog = default_catalog()
        worker = worker_for(settings)
        version, state = _stored_state(settings, worker)
        if state is None and worker.status().running:
            version, state = _wait_with_progress(worker, settings)
        if not scores_current(state, version, catalog):
            if worker.refreshed_for != (catalog.version, version):
                worker.start()  # no-op while a run is going
            _scores_note(state)
    except STOPPING as exc:
        stop_with(exc)


def _stored_state(settings: Settings, worker: Worker) -> tuple[int, SnapshotState | None]:
    """(data version, stored scores' state); starts the worker when this process has not
    prepared the database yet. Raises what stops the page (an unreachable database, a failed
    preparation)."""
    engine = get_engine(settings)  # a bad URL or an uncreatable folder: DatabaseUnavailable
    error = worker.take_error()
    if error is not None:
        raise error
    if not is_ready(settings):
        check_connection(engine, settings.url_setting)  # unreachable: say so now, not later
        worker.start()
    try:
        return store_state()
    except SQLAlchemyError as exc:
        if is_ready(settings):  # it worked before: the database was lost or recreated
            forget_readiness()
            forget_store_state()
            problem = readable_database_error(exc)
            if problem.reason == "unreachable":
                raise problem from None
            worker.start()  # reachable again (maybe empty): prepare it again
        return 0, None  # no tables yet: the worker is building them


PROGRESS_POLL_S = 0.5
# Where each stage starts on the progress bar and how much of it it takes.
STAGE_SPAN = {
    "connect": (0.0, 0.02),
    "schema": (0.02, 0.03),
    "registry": (0.05, 0.02),
    "demo": (0.07, 0.73),
    "scores": (0.80, 0.20),
}


def _fraction(status: Status, previous: float) -> float:
    if status.stage not in STAGE_SPAN:  # waiting for another process: stay where it was
        return previous
    start, span = STAGE_SPAN[status.stage]
    share = status.done / status.total if status.total else 0.0
    return max(previous, min(1.0, start + span * share))


def _wait_with_progress(worker: Worker, settings: Settings) -> tuple[int, SnapshotState | None]:
    """Show the first start's progress until there are scores to show or the worker stops.

    Polled in this run (no reload, no rerun): the page turns into the dashboard by itself.
    """
    box = st.empty()
    fraction, checked = 0.0, time.monotonic()
    while (status := worker.status()).running:
        fraction = _fraction(status, fraction)
        with box.container():
            st.subheader(t("frame.preparing_title"))
            st.progress(fraction, text=t(f"frame.stage.{status.stage}", **_counts(status)))
            st.caption(t("frame.preparing_note"))
        # Scores may appear from this worker ("history": the newest months are stored) or from
        # another process doing the same work.
        if status.stage == "history" or time.monotonic() - checked >= STORE_RECHECK_S:
            checked = time.monotonic()
            try:
                if store_state(fresh=True)[1] is not None:
                    break
            except SQLAlchemyError:
                pass  # the schema is still being built
        time.sleep(PROGRESS_POLL_S)
    box.empty()
    error = worker.take_error()
    if error is not None:
        raise error
    forget_store_state()
    return _stored_state(settings, worker)


def _counts(status: Status) -> dict[str, str]:
    return {"done": num(status.done), "total": num(status.total)}


def _scores_note(state: SnapshotState | None) -> None:
    """A small note while the page shows scores that a running computation will replace."""
    if state is None:
        return
    if not stored_history_complete(state):
        st.caption(t("frame.history_updating", months=num(state.months)))
    else:
        st.caption(t("frame.scores_updating"))


PERIOD_KEY = "period"  # sidebar widget, session key and URL parameter (?period=10/2026)


def period_filter() -> date | None:
    """The shared period: the newest month by default; kept in the URL for shared links."""
    periods = load_periods()
    if not periods:
        return None
    from_url = st.query_params.get(PERIOD_KEY)
    if from_url and from_url not in {p.strftime("%m/%Y") for p in periods}:
        # The widget drops an unknown value silently; say so, then show the newest month.
        st.warning(t("frame.unknown_period", value=literal(from_url)), icon=":material/event_busy:")
    newest_first = list(reversed(periods))
    chosen = st.sidebar.selectbox(
        t("frame.period"),
        newest_first,
        index=newest_first.index(default_period(periods)),
        format_func=lambda p: p.strftime("%m/%Y"),  # language-neutral: it is also the URL value
        key=PERIOD_KEY,
        bind="query-params",
        help=t("frame.period_help"),
    )
    return chosen


def navigation(hidden: bool = False) -> st.navigation:  # type: ignore[valid-type]
    by_key = {
        key: st.Page(path, title=t(key), icon=icon, url_path=url or None, default=not url)
        for path, key, icon, url in PAGES
    }
    return st.navigation(
        {t(section): [by_key[k] for k in keys] for section, keys in SECTIONS},
        position="hidden" if hidden else "sidebar",
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
