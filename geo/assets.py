"""Leaflet served by the app itself, so that the map works on a network without internet.

Leaflet 1.9.4 comes from the installed wheel ``django-js-lib-leaflet`` (a plain copy of Leaflet's
``dist/`` files); :func:`install_leaflet_assets` copies it under ``static/leaflet/`` at app start
(generated, git-ignored), and Streamlit serves ``static/`` at ``/app/static/``
(``server.enableStaticServing = true``).

Of folium's default assets only Leaflet is needed for polygons with ``GeoJson`` (embedded data),
``GeoJsonTooltip`` and ``Tooltip``: their templates call ``L.*`` only. The rest is for other
features: jQuery for ``Popup`` (``$(`…`)``), ``GeoJson(embed=False)`` (``$.ajax``) and
``Map.keep_in_front``; Bootstrap, glyphicons, Font Awesome and Leaflet.awesome-markers for
``Marker`` icons. Those are left out, so using any of them needs its asset served here first.
"""

from __future__ import annotations

import filecmp
import hashlib
import json
import os
import tempfile
from importlib.resources import files
from pathlib import Path
from typing import Any

LEAFLET_VERSION = "1.9.4"
STATIC_URL = "/app/static"  # where Streamlit serves ./static (no server.baseUrlPath set)
LEAFLET_DIR = "leaflet"
GEOMETRY_DIR = "boundaries"  # content-addressed copies of the map's geometry
GEOMETRY_FILES_KEPT = 5  # older boundary versions stay a while for pages still open elsewhere
_PACKAGE_DIR = "static/js_lib_leaflet"
_FILES = (
    "leaflet.js",
    "leaflet.js.map",  # asked for by the browser's developer tools only; avoids a 404 there
    "leaflet.css",
    "images/layers.png",
    "images/layers-2x.png",
    "images/marker-icon.png",
    "images/marker-icon-2x.png",
    "images/marker-shadow.png",
)


def _package_root() -> Path:
    return Path(str(files("js_lib_leaflet").joinpath(_PACKAGE_DIR)))


def install_leaflet_assets(static_dir: Path) -> None:
    """Copy Leaflet's JS, CSS and images into ``static_dir/leaflet/``.

    Idempotent: a file is written only when it is missing or differs from the package's copy.
    """
    source_root = _package_root()
    target_root = Path(static_dir) / LEAFLET_DIR
    for relative in _FILES:
        source = source_root / relative
        target = target_root / relative
        if target.is_file() and filecmp.cmp(source, target, shallow=False):
            continue
        _write_atomically(target, source.read_bytes())


def local_folium_assets() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """``(default_js, default_css)`` for a ``folium.Map``, pointing at the local Leaflet only.

    Set them on the map instance (streamlit-folium reads the instance's lists too)::

        m = folium.Map(tiles=None, ...)
        m.default_js, m.default_css = local_folium_assets()

    The names are folium's own (``leaflet``, ``leaflet_css``), so nothing loads Leaflet twice.
    """
    base = f"{STATIC_URL}/{LEAFLET_DIR}"
    return [("leaflet", f"{base}/leaflet.js")], [("leaflet_css", f"{base}/leaflet.css")]


_PUBLISHED: dict[int, str] = {}


def publish_geometry(geojson: dict[str, Any], static_dir: Path) -> str:
    """The URL of the units' geometry (``code`` property only), written once per boundary set.

    The file name is the content's hash, so a browser never mixes two versions and a second app
    process with the same boundaries writes the same file. Cached per loaded boundary object:
    hashing 1 MB on every run would cost what serving the file separately saves.
    """
    key = id(geojson)
    if key not in _PUBLISHED:
        data = {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {"code": feature["properties"]["code"]},
                    "geometry": feature["geometry"],
                }
                for feature in geojson["features"]
            ],
        }
        content = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        name = hashlib.sha256(content).hexdigest()[:20] + ".json"
        folder = Path(static_dir) / GEOMETRY_DIR
        if not (folder / name).is_file():
            _write_atomically(folder / name, content)
            _prune(folder, keep=name)
        _PUBLISHED.clear()  # only the boundaries in use are kept
        _PUBLISHED[key] = f"{STATIC_URL}/{GEOMETRY_DIR}/{name}"
    return _PUBLISHED[key]


def _write_atomically(target: Path, content: bytes) -> None:
    """Write via a temporary file and a rename: a browser never gets a half-written file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        os.chmod(temp_name, 0o644)
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def _prune(folder: Path, keep: str) -> None:
    """Remove all but the newest ``GEOMETRY_FILES_KEPT`` geometry files (never ``keep``)."""
    files = sorted(folder.glob("*.json"), key=lambda f: f.stat().st_mtime, reverse=True)
    for old in [f for f in files if f.name != keep][GEOMETRY_FILES_KEPT - 1 :]:
        old.unlink(missing_ok=True)
