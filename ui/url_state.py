"""Filters that live in the URL, so a copied link reproduces the view.

Streamlit's ``bind="query-params"`` writes a widget's *displayed* option into the URL, which
would make links depend on the reader's language. These filters write the option's raw value
instead (a pillar key, a peer-group key, a unit code) and remember it for the session, so
coming back to the page keeps the choice.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import streamlit as st

_MEMORY = "_url_filter_memory"  # plain session key: survives page switches, unlike widget keys
_DEFAULTS = "_url_filter_defaults"  # param -> the default of the previous run


def _remember() -> dict[str, str]:
    return st.session_state.setdefault(_MEMORY, {})


def url_selectbox(
    label: str,
    options: Sequence[str],
    *,
    param: str,
    labels: Mapping[str, str],
    default: str,
    container: object = st,
) -> str:
    """A selectbox whose raw value is mirrored in ``?param=…`` and remembered for the session.

    An unknown value in the URL is ignored (the default is shown); the caller may warn.
    """
    key = f"filter_{param}"
    if key not in st.session_state:
        from_url = st.query_params.get(param)
        remembered = _remember().get(param, default)
        st.session_state[key] = (
            from_url if from_url in options else (remembered if remembered in options else default)
        )
    elif st.session_state[key] not in options:  # e.g. the boundary map became unavailable
        st.session_state[key] = default
    elif _follows_default(param, st.session_state[key], default):
        # A value nobody chose follows the default: e.g. the tile map shown while the
        # boundaries were prepared gives way to the map once they are ready.
        st.session_state[key] = default
    st.session_state.setdefault(_DEFAULTS, {})[param] = default
    # Labels are computed before the call (not looked up lazily): a widget's format function
    # may be run again outside the script, where the session's language is not at hand.
    value = container.selectbox(  # type: ignore[attr-defined]
        label, list(options), format_func=dict(labels).__getitem__, key=key
    )
    _remember()[param] = value
    if value == default:
        if param in st.query_params:
            del st.query_params[param]
    else:
        st.query_params[param] = value
    return value


def _follows_default(param: str, value: str, default: str) -> bool:
    previous = st.session_state.get(_DEFAULTS, {}).get(param)
    return previous is not None and previous != default and value == previous


def unknown_url_value(param: str, options: Sequence[str]) -> str | None:
    """The URL's value for ``param`` when it is not one of ``options`` (for a warning)."""
    value = st.query_params.get(param)
    return value if value is not None and value not in options else None


def url_filter(
    label: str,
    choices: Sequence[str],
    *,
    param: str,
    labels: Mapping[str, str],
    container: object,
    notices: object,
    unknown: Callable[[str, str], str],
) -> str:
    """A page's filter: :func:`url_selectbox` with the first choice as its default, and, when
    the link holds a value that is not a choice, ``unknown(value, default label)`` as a warning
    in ``notices`` (the page says what it shows instead)."""
    default = choices[0]
    if (bad := unknown_url_value(param, choices)) is not None:
        notices.warning(unknown(bad, labels[default]), icon=":material/filter_alt_off:")  # type: ignore[attr-defined]
    return url_selectbox(
        label, choices, param=param, default=default, labels=labels, container=container
    )
