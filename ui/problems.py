"""One readable message for a problem that stops the page: a setting, the catalog, the registry
or the database. Never a stack trace; a lost database is tried again by itself."""

from __future__ import annotations

import logging
import time
from typing import NoReturn

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from data.db import DatabaseUnavailable, check_connection, get_engine
from data.registry import RegistryError
from data.settings import SettingError, load_settings
from metrics import CatalogError
from ui.preparation import database_problem
from ui.text import t

log = logging.getLogger("dashboard")

# While the database is unusable the page asks again this often, and reruns once it answers.
RECONNECT_S = 10.0
STOPPING = (CatalogError, DatabaseUnavailable, SettingError, RegistryError)

_last_logged_problem: str | None = None


def _log_once(message: str) -> None:
    # The gate runs on every rerun; log a problem when it appears or changes, not each time.
    global _last_logged_problem
    if message != _last_logged_problem:
        log.error(message)
        _last_logged_problem = message


def show_problem(exc: Exception) -> None:
    """The translated message for ``exc`` (one of ``STOPPING``), also written to the log once."""
    _log_once(str(exc))
    if isinstance(exc, CatalogError):
        st.error(t("catalog_error", source=exc.source, problems="; ".join(exc.problems[:8])))
    elif isinstance(exc, DatabaseUnavailable):
        st.error(
            t(f"db_error.{exc.reason}", setting=exc.setting, target=exc.target, detail=exc.detail),
            icon=":material/database_off:",
        )
        st.info(t("db_error.how_to_fix", setting=exc.setting))
    elif isinstance(exc, SettingError):
        st.error(t("setting_error", setting=exc.setting, value=exc.value, problem=exc.problem))
    elif isinstance(exc, RegistryError):
        st.error(t("registry_error", problems="; ".join(exc.problems[:5])))
    else:
        raise exc


def stop_with(exc: Exception) -> NoReturn:
    """Show ``exc``'s message instead of the page; with the database unusable, keep asking."""
    show_problem(exc)
    if isinstance(exc, DatabaseUnavailable):
        _reconnect_when_back()
    st.stop()


def readable_database_error(exc: SQLAlchemyError) -> DatabaseUnavailable:
    """What a database error met while serving means: the server gone (``unreachable``), or
    reachable but its tables unusable (``schema``: dropped, recreated empty) or locked."""
    settings = load_settings()
    try:
        return database_problem(get_engine(settings), settings, exc)
    except DatabaseUnavailable as unavailable:
        return unavailable


def stop_on_database_error(exc: SQLAlchemyError) -> NoReturn:
    stop_with(readable_database_error(exc))


_ARMED_KEY = "_reconnect_armed_at"


def _reconnect_when_back() -> None:
    st.session_state[_ARMED_KEY] = time.monotonic()
    _reconnect_fragment()


@st.fragment(run_every=RECONNECT_S)
def _reconnect_fragment() -> None:
    """Rerun the whole page once the database answers again (no reload needed)."""
    armed = st.session_state.get(_ARMED_KEY, 0.0)
    if time.monotonic() - armed < RECONNECT_S / 2:
        return  # the run that showed the message: only the timer's runs may rerun the page
    try:
        settings = load_settings()
        check_connection(get_engine(settings), settings.url_setting)
    except (DatabaseUnavailable, SettingError):
        return
    st.rerun()
