"""Commune boundaries from the configured source: validated, made web-ready and cached.

The source is the setting ``DASHBOARD_BOUNDARIES``: a path or an http(s) URL to a GeoJSON,
GeoPackage (.gpkg) or zipped shapefile (.zip) whose features carry the 5-digit unit code.
:func:`load_boundaries` checks it against the registry, collecting every problem; a good source is
converted to WGS84, simplified without opening gaps between neighbours, rounded, and written to
``var/boundaries/``. A bad source never replaces the cache: the previous boundaries stay in use and
the state carries both them and the error, so the page can say both.

Processing happens only when the source changes (size and modification time of a file, the
SHA-256 of a download); a cache hit reads the cached file once per process and then costs a
``stat`` and a small JSON read. A source larger than ``DASHBOARD_BOUNDARIES_MAX_MB`` (unpacked,
for a zip) is refused before it is read. The pages ask with ``background=True``: processing and
downloads then run in a worker thread, never in a page run (a 425 MB file once held the home
page blank for 159 s), and the state says ``preparing`` until the worker is done.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import re
import tempfile
import threading
import time
import urllib.request
import zipfile
from collections.abc import Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlparse

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from shapely.geometry import mapping

from data.registry import UnitRecord, load_units
from data.settings import (
    BOUNDARIES_CODE_FIELD_VAR,
    BOUNDARIES_MAX_MB_VAR,
    BOUNDARIES_VAR,
    PROJECT_ROOT,
    Settings,
)

log = logging.getLogger(__name__)

CACHE_DIR = PROJECT_ROOT / "var" / "boundaries"
META_FILE = "meta.json"
CODE_FIELDS = ("code", "ma_xa", "ma_dvhc", "MA_XA", "maXa")
FORMATS = {
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".gpkg": "GeoPackage",
    ".zip": "zipped shapefile",
}
PROCESSING_VERSION = 1  # bump when the output changes for the same input: forces re-processing

WGS84 = "EPSG:4326"
EQUAL_AREA = "+proj=laea +lat_0=13 +lon_0=108.6 +datum=WGS84"
# Longitude/latitude box of Vietnam with its islands: coordinates outside it are not lon/lat here.
VIETNAM_BOX = (102.0, 8.0, 118.0, 24.0)

# The web copy: under ~1 MB. About 21 bytes a vertex at 5 decimals, so simplify only above this
# many vertices; 0.0005° (~55 m) is the tolerance of the reference communes.geojson (39k vertices).
VERTEX_BUDGET = 45_000
MAX_BYTES = 1_000_000
TOLERANCES = (0.0005, 0.001, 0.002, 0.004)  # degrees, tried in turn until under budget
DECIMALS = 5  # ~1 m

# Plausibility of a feature against the registry (warnings: the registry centre lies inside each
# reference polygon; official areas differ from polygon areas by at most 9 % in the reference).
CENTRE_TOLERANCE_M = 1_000
AREA_RATIO_RANGE = (0.75, 1.33)

DOWNLOAD_TIMEOUT_S = 20
MB = 1_000_000  # the size setting counts in decimal megabytes, as file managers do
URL_RECHECK_S = 600  # a URL is fetched again at most this often per process (also after failing)


class BoundaryError(ValueError):
    """The configured boundaries cannot be used; ``problems`` lists every reason."""

    def __init__(self, problems: list[str], source: str) -> None:
        lines = "\n".join(f"- {problem}" for problem in problems)
        super().__init__(f"Boundaries from {source}: {len(problems)} problem(s)\n{lines}")
        self.problems = problems
        self.source = source


class BoundaryTooLarge(BoundaryError):
    """The source is larger than the setting DASHBOARD_BOUNDARIES_MAX_MB allows; not read.

    ``size_bytes`` is None when a download without a length was cut off at the limit.
    """

    def __init__(
        self, source: str, size_bytes: int | None, limit_bytes: int, *, unpacked: bool = False
    ) -> None:
        name = source_name(source)
        limit = f"{limit_bytes / MB:g} MB"
        what = "unpacked " if unpacked else ""
        size = f"{size_bytes / MB:.1f} MB" if size_bytes is not None else f"over {limit}"
        super().__init__(
            [
                f"{name} is {what}{size}, larger than the limit of {limit} "
                f"(setting {BOUNDARIES_MAX_MB_VAR}): not read"
            ],
            source,
        )
        self.file_name = name
        self.setting = BOUNDARIES_MAX_MB_VAR
        self.size_bytes = size_bytes
        self.limit_bytes = limit_bytes
        self.unpacked = unpacked


def source_name(source: str) -> str:
    """The file name of a path or URL, for messages a viewer reads (no folder, no server)."""
    path = urlparse(source).path if _is_url(source) else source
    return PurePosixPath(path.replace("\\", "/")).name or source


@dataclass(frozen=True)
class BoundaryState:
    """What the map can draw, and what went wrong with the configured source, if anything.

    ``geojson`` is the FeatureCollection in use (feature ``id`` and property ``code`` = unit code,
    plus ``name`` and ``full_name`` from the registry), or None when nothing is configured and
    nothing is cached. It is shared by every caller: treat it as read-only and use
    :meth:`feature_collection` to add values. ``source``, ``loaded_at`` and ``warnings`` describe
    those boundaries; ``error`` concerns the *configured* source, which may be another one (its
    ``error.source``). ``version`` (a digest of the geojson) is a small key for caches.
    """

    geojson: dict[str, Any] | None
    source: str | None
    loaded_at: datetime | None
    warnings: tuple[str, ...] = ()
    error: BoundaryError | None = None
    version: str | None = None
    preparing: bool = False  # the configured source is being processed in the background

    def feature_collection(
        self, properties: Mapping[str, Mapping[str, Any]] | None = None
    ) -> dict[str, Any]:
        """A fresh FeatureCollection whose features carry ``properties[code]`` as well.

        Geometries are shared, not copied (cheap); the properties dicts are new.
        """
        extra = properties or {}
        features = [
            {
                **feature,
                "properties": {
                    **feature["properties"],
                    **extra.get(feature["properties"]["code"], {}),
                },
            }
            for feature in (self.geojson or {}).get("features", [])
        ]
        return {"type": "FeatureCollection", "features": features}


# ------------------------------------------------------------------------------------------------
# Loading with the cache
# ------------------------------------------------------------------------------------------------

_LOCK = threading.Lock()  # the memos and the cache folder: held only briefly
_WORK_LOCK = threading.Lock()  # downloading and processing: one source at a time per process
_GEOJSON_MEMO: dict[str, dict[str, Any]] = {}  # digest of the cached file -> parsed geojson
_FAILED: dict[str, BoundaryError] = {}  # cache key of a bad source -> its error (no re-check)
_URL_CHECKS: dict[tuple[str, int], tuple[float, str | None, BoundaryError | None]] = {}
_UNWRITTEN: dict[str, dict[str, Any]] = {}  # cache key -> result kept in memory: cache not writable
_JOBS: dict[tuple[str | None, ...], tuple[float, threading.Thread]] = {}  # job -> (start, worker)
_JOB_FAILED: dict[tuple[str | None, ...], BoundaryError] = {}  # a worker that crashed


def load_boundaries(
    settings: Settings,
    cache_dir: Path = CACHE_DIR,
    units: Sequence[UnitRecord] | None = None,
    *,
    background: bool = False,
    wait_s: float = 0.0,
) -> BoundaryState:
    """The boundaries to draw: the configured source if it is good, else the cached ones.

    Never raises for a bad source: the problem is in ``state.error``. With ``background`` the
    caller never does the slow part itself (reading, validating and simplifying a new or changed
    source, or downloading a URL): a worker thread does it, once per source, and the caller waits
    for it at most ``wait_s`` seconds after the worker started; until it is done the state has
    ``preparing=True`` and carries the cached boundaries, if any.
    """
    if not settings.boundaries:
        with _LOCK:
            return _state(_read_cache(cache_dir))
    units = list(units) if units is not None else load_units()
    if not background:
        with _WORK_LOCK:
            state = _load(settings, cache_dir, units, work=True)
        assert state is not None  # with work=True every path returns a state
        return state
    state = _load(settings, cache_dir, units, work=False)
    if state is not None:
        return state
    job = (
        settings.boundaries,
        settings.boundaries_code_field,
        str(cache_dir),
        str(_max_bytes(settings)),
    )
    if job not in _JOB_FAILED:
        started, worker = _start_job(job, settings, cache_dir, units)
        worker.join(max(0.0, started + wait_s - time.monotonic()))
        state = _load(settings, cache_dir, units, work=False)
        if state is not None:
            return state
    with _LOCK:
        cached = _read_cache(cache_dir)
    if job in _JOB_FAILED:
        return _state(cached, _JOB_FAILED[job])
    return replace(_state(cached), preparing=True)


def _start_job(
    job: tuple[str | None, ...], settings: Settings, cache_dir: Path, units: list[UnitRecord]
) -> tuple[float, threading.Thread]:
    """The worker preparing ``job``, started unless one is already running."""
    with _LOCK:
        running = _JOBS.get(job)
        if running is not None and running[1].is_alive():
            return running
        worker = threading.Thread(
            target=_run_job,
            args=(job, settings, cache_dir, units),
            name="boundaries",
            daemon=True,  # a process that stops mid-way simply starts again next time
        )
        _JOBS.clear()  # only the configured source matters; an older worker just finishes
        _JOBS[job] = (time.monotonic(), worker)
        worker.start()
        return _JOBS[job]


def _run_job(
    job: tuple[str | None, ...], settings: Settings, cache_dir: Path, units: list[UnitRecord]
) -> None:
    try:
        with _WORK_LOCK:
            _load(settings, cache_dir, units, work=True)
    except Exception as exc:  # not retried on every page run: remembered until settings change
        log.exception("preparing the boundaries from %s failed", settings.boundaries)
        _JOB_FAILED[job] = BoundaryError([f"unexpected error while preparing: {exc}"], job[0] or "")


def _load(
    settings: Settings, cache_dir: Path, units: list[UnitRecord], *, work: bool
) -> BoundaryState | None:
    """The state for the configured source, or None when getting it needs slow work that
    ``work`` does not allow (a source to process, a URL to download)."""
    source = str(settings.boundaries)
    max_bytes = _max_bytes(settings)
    with _LOCK:
        cached = _read_cache(cache_dir)
    with ExitStack() as stack:
        work_dir = stack.enter_context(_work_dir()) if work and _is_url(source) else None
        try:
            found = _fingerprint(source, work_dir, max_bytes)
        except BoundaryError as error:
            return _state(cached, error)
        if found is None:
            return None
        fingerprint, local = found
        key = _cache_key(source, fingerprint, settings.boundaries_code_field, units)
        with _LOCK:
            if cached is not None and cached["meta"].get("key") == key:
                return _state(cached)
            if key in _FAILED:
                return _state(cached, _FAILED[key])
            if key in _UNWRITTEN:
                return _state(_UNWRITTEN[key])
        if not work:
            return None
        try:
            path = local or _download(source, str(work_dir), max_bytes)[0]
            geojson, warnings = process_boundaries(
                path, source, units, settings.boundaries_code_field
            )
        except BoundaryError as error:
            with _LOCK:
                _FAILED[key] = error
            return _state(cached, error)
    meta = {"key": key, "source": source, "source_fingerprint": fingerprint}
    with _LOCK:
        try:
            return _state(_write_cache(cache_dir, geojson, warnings, meta))
        except OSError as exc:  # e.g. a read-only deployment: draw them, say why it is slow
            warnings.append(f"boundaries not cached, processed again in each process: {exc}")
            _UNWRITTEN[key] = _as_cached(geojson, warnings, meta)[0]
            return _state(_UNWRITTEN[key])


def _max_bytes(settings: Settings) -> int:
    return int(settings.boundaries_max_mb * MB)


def _state(cached: dict[str, Any] | None, error: BoundaryError | None = None) -> BoundaryState:
    if cached is None:
        return BoundaryState(None, None, None, (), error, None)
    meta = cached["meta"]
    return BoundaryState(
        geojson=cached["geojson"],
        source=meta["source"],
        loaded_at=datetime.fromisoformat(meta["loaded_at"]),
        warnings=tuple(meta["warnings"]),
        error=error,
        version=meta["geojson_sha256"][:16],
    )


def _cache_key(
    source: str, fingerprint: str, code_field: str | None, units: Sequence[UnitRecord]
) -> str:
    """Everything the processed result depends on: a change in any of it re-processes."""
    registry = [(unit.code, unit.name, unit.full_name) for unit in units]
    payload = json.dumps(
        [PROCESSING_VERSION, source, fingerprint, code_field, registry], ensure_ascii=False
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def _read_cache(cache_dir: Path) -> dict[str, Any] | None:
    """The cached boundaries ({"meta", "geojson"}), or None when absent or unreadable."""
    meta = _read_meta(cache_dir)
    if not meta:
        return None
    try:
        digest = meta["geojson_sha256"]
        geojson = _GEOJSON_MEMO.get(digest)
        if geojson is None:
            raw = (cache_dir / meta["geojson_file"]).read_bytes()
            if hashlib.sha256(raw).hexdigest() != digest:
                return None  # damaged: treated as absent; the next good source rewrites it
            geojson = json.loads(raw)
            _GEOJSON_MEMO.clear()  # one set of boundaries in memory at a time
            _GEOJSON_MEMO[digest] = geojson
        return {"meta": meta, "geojson": geojson}
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write_atomically(path: Path, data: bytes) -> None:
    handle, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def _as_cached(
    geojson: dict[str, Any], warnings: list[str], meta: dict[str, Any]
) -> tuple[dict[str, Any], bytes]:
    """The processed result as the cache holds it, {"meta", "geojson"} (lists, not tuples), and
    the bytes of the geojson file."""
    raw = _dump(geojson)
    digest = hashlib.sha256(raw).hexdigest()
    meta = {
        **meta,
        "loaded_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "feature_count": len(geojson["features"]),
        "bytes": len(raw),
        "warnings": warnings,
        "processing_version": PROCESSING_VERSION,
        "geojson_file": f"boundaries-{digest[:16]}.geojson",
        "geojson_sha256": digest,
    }
    return {"meta": meta, "geojson": json.loads(raw)}, raw


def _write_cache(
    cache_dir: Path, geojson: dict[str, Any], warnings: list[str], meta: dict[str, Any]
) -> dict[str, Any]:
    """Write the geojson under its digest, then meta.json: the rename of meta.json commits."""
    result, raw = _as_cached(geojson, warnings, meta)
    meta, name = result["meta"], result["meta"]["geojson_file"]
    previous = _read_meta(cache_dir)
    cache_dir.mkdir(parents=True, exist_ok=True)
    _write_atomically(cache_dir / name, raw)
    _write_atomically(
        cache_dir / META_FILE, json.dumps(meta, ensure_ascii=False, indent=1).encode()
    )
    keep = {name, previous.get("geojson_file")}  # the previous file may still be being read
    for old in cache_dir.glob("boundaries-*.geojson"):
        if old.name not in keep:
            old.unlink(missing_ok=True)
    _GEOJSON_MEMO.clear()
    _GEOJSON_MEMO[meta["geojson_sha256"]] = result["geojson"]
    return result


def _read_meta(cache_dir: Path) -> dict[str, Any]:
    try:
        meta = json.loads((cache_dir / META_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return meta if isinstance(meta, dict) else {}


def _dump(geojson: dict[str, Any]) -> bytes:
    return json.dumps(geojson, ensure_ascii=False, separators=(",", ":")).encode()


# ------------------------------------------------------------------------------------------------
# The source: a file or a URL
# ------------------------------------------------------------------------------------------------


def _is_url(source: str) -> bool:
    return re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", source) is not None


def _suffix(source: str) -> str:
    name = urlparse(source).path if _is_url(source) else source
    return PurePosixPath(name).suffix.lower()


def _check_format(source: str) -> None:
    if _suffix(source) not in FORMATS:
        allowed = ", ".join(FORMATS)
        problem = f"unsupported file type {_suffix(source)!r} (setting {BOUNDARIES_VAR})"
        raise BoundaryError([f"{problem}: use {allowed}"], source)


def _work_dir() -> tempfile.TemporaryDirectory[str]:
    return tempfile.TemporaryDirectory(prefix="boundaries-")


def _fingerprint(
    source: str, work_dir: Path | str | None, max_bytes: int
) -> tuple[str, Path | None] | None:
    """(fingerprint, local path) of the source; a URL is fetched at most every URL_RECHECK_S.

    A fetched URL is left in ``work_dir``; when it was checked recently the path is None, and it
    is downloaded again only if it must be processed. Without a ``work_dir`` a URL that is due
    for a check gives None (downloading is slow work, for a worker). A file over ``max_bytes``
    raises :class:`BoundaryTooLarge` before anything is read.
    """
    _check_format(source)
    if _is_url(source):
        if urlparse(source).scheme not in {"http", "https"}:
            raise BoundaryError(
                [f"only http(s) URLs are supported (setting {BOUNDARIES_VAR})"], source
            )
        checked = _URL_CHECKS.get((source, max_bytes))
        downloaded = None
        if checked is None or time.monotonic() - checked[0] > URL_RECHECK_S:
            if work_dir is None:
                return None
            try:
                downloaded, digest = _download(source, Path(str(work_dir)), max_bytes)
                checked = (time.monotonic(), digest, None)
            except BoundaryError as error:
                checked = (time.monotonic(), None, error)
            _URL_CHECKS[(source, max_bytes)] = checked
        if checked[2] is not None:
            raise checked[2]
        return f"sha256={checked[1]}", downloaded
    path = Path(source).expanduser().resolve()
    if not path.is_file():
        raise BoundaryError([f"file not found: {path} (setting {BOUNDARIES_VAR})"], source)
    stat = path.stat()
    if stat.st_size > max_bytes:
        raise BoundaryTooLarge(source, stat.st_size, max_bytes)
    _check_unpacked_size(path, source, max_bytes)
    return f"size={stat.st_size};mtime_ns={stat.st_mtime_ns}", path


def _check_unpacked_size(path: Path, source: str, max_bytes: int) -> None:
    """A zipped shapefile is read unpacked: its unpacked size counts against the cap too (a few
    MB of zip can hold gigabytes). The zip's directory is read, not its contents."""
    if _suffix(source) != ".zip":
        return
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (OSError, zipfile.BadZipFile):
        return  # not a readable zip: the reader says so with the other problems
    if unpacked > max_bytes:
        raise BoundaryTooLarge(source, unpacked, max_bytes, unpacked=True)


def _download(url: str, work_dir: Path | str, max_bytes: int) -> tuple[Path, str]:
    """Download ``url`` into ``work_dir``: (path, sha256). At most DOWNLOAD_TIMEOUT_S in all and
    ``max_bytes``: a larger announced size is refused before reading, a longer body is cut off."""
    target = Path(work_dir) / f"download{_suffix(url)}"
    digest = hashlib.sha256()
    deadline = time.monotonic() + DOWNLOAD_TIMEOUT_S
    size = 0
    request = urllib.request.Request(url, headers={"User-Agent": "daklak-dx-dashboard"})
    try:
        with urllib.request.urlopen(request, timeout=DOWNLOAD_TIMEOUT_S) as response:
            announced = _content_length(response.headers.get("Content-Length"))
            if announced is not None and announced > max_bytes:
                raise BoundaryTooLarge(url, announced, max_bytes)
            with target.open("wb") as out:
                while chunk := response.read(min(1 << 16, max_bytes + 1 - size)):
                    size += len(chunk)
                    if size > max_bytes:
                        raise BoundaryTooLarge(url, None, max_bytes)
                    if time.monotonic() > deadline:
                        raise BoundaryError([f"download took over {DOWNLOAD_TIMEOUT_S} s"], url)
                    digest.update(chunk)
                    out.write(chunk)
    except BoundaryError:
        raise
    except (OSError, ValueError) as exc:  # URLError, HTTPError and timeouts are OSErrors
        raise BoundaryError([f"could not download: {exc}"], url) from None
    _check_unpacked_size(target, url, max_bytes)
    return target, digest.hexdigest()


def _content_length(header: str | None) -> int | None:
    try:
        return int(header) if header is not None else None
    except ValueError:
        return None  # a malformed header is ignored: the streamed read still stops at the cap


# ------------------------------------------------------------------------------------------------
# Reading and validating
# ------------------------------------------------------------------------------------------------


def process_boundaries(
    path: Path, source: str, units: Sequence[UnitRecord], code_field: str | None = None
) -> tuple[dict[str, Any], list[str]]:
    """Read, validate and simplify the file at ``path``: (FeatureCollection, warnings).

    ``source`` names the file in messages (the URL for a download). Raises :class:`BoundaryError`
    listing every problem found.
    """
    warnings: list[str] = []
    frame, field, fields = _read(Path(path), source, code_field, warnings)
    problems: list[str] = []
    codes = _codes(frame, field, problems, warnings) if field else [None] * len(frame)
    labels = [_label(i, code) for i, code in enumerate(codes)]
    if field is None:
        problems.append(_missing_field_message(fields, code_field))
    _check_geometry(frame.geometry, labels, problems)
    frame = _to_wgs84(frame, problems, warnings)
    if field is not None:
        _check_codes(codes, units, problems)
    if problems:
        raise BoundaryError(problems, source)
    by_code = dict(zip(codes, frame.geometry.values, strict=True))
    ordered = sorted(units, key=lambda unit: unit.code)
    geometries = np.array([by_code[unit.code] for unit in ordered], dtype=object)
    warnings += _plausibility(geometries, ordered)
    geometries = _web_geometries(geometries, [unit.code for unit in ordered], warnings)
    features = [
        {
            "type": "Feature",
            "id": unit.code,
            "properties": {"code": unit.code, "name": unit.name, "full_name": unit.full_name},
            "geometry": mapping(geometry),
        }
        for unit, geometry in zip(ordered, geometries, strict=True)
    ]
    return {"type": "FeatureCollection", "features": features}, warnings


def _label(index: int, code: str | None) -> str:
    return f"feature {index + 1}" + (f" (code {code})" if code else "")


def _read(
    path: Path, source: str, code_field: str | None, warnings: list[str]
) -> tuple[gpd.GeoDataFrame, str | None, list[str]]:
    """The layer's code field and geometry, the code field's name (None: not found) and all
    the layer's field names."""
    kind = FORMATS[_suffix(source)]
    try:
        layer = _pick_layer(path, source, warnings)
        fields = [str(name) for name in pyogrio.read_info(path, layer=layer)["fields"]]
        field = _find_code_field(fields, code_field)
        frame = gpd.read_file(path, layer=layer, columns=[field] if field else [], engine="pyogrio")
    except BoundaryError:
        raise
    except Exception as exc:  # pyogrio/GDAL raise many types for a corrupt or foreign file
        raise BoundaryError([f"cannot be read as a {kind}: {exc}"], source) from None
    if len(frame) == 0:
        raise BoundaryError(["the file holds no features"], source)
    return frame, field, fields


def _pick_layer(path: Path, source: str, warnings: list[str]) -> str:
    layers = [(str(name), str(kind)) for name, kind in pyogrio.list_layers(path)]
    if len(layers) == 1:
        return layers[0][0]
    polygonal = [name for name, kind in layers if "polygon" in kind.lower()]
    if len(polygonal) == 1:
        others = ", ".join(name for name, _ in layers if name != polygonal[0])
        warnings.append(f"layer {polygonal[0]!r} used; the other layers ignored: {others}")
        return polygonal[0]
    listed = ", ".join(f"{name} ({kind})" for name, kind in layers)
    raise BoundaryError(
        [f"{len(layers)} layers ({listed}): keep only the unit boundaries in the file"], source
    )


def _find_code_field(fields: list[str], wanted: str | None) -> str | None:
    names = (wanted,) if wanted else CODE_FIELDS
    for name in names:
        if name in fields:
            return name
    folded = {field.casefold(): field for field in fields}
    return next((folded[name.casefold()] for name in names if name.casefold() in folded), None)


def _missing_field_message(fields: list[str], wanted: str | None) -> str:
    present = ", ".join(fields) or "no fields at all"
    if wanted:
        return (
            f"code field {wanted!r} (setting {BOUNDARIES_CODE_FIELD_VAR}) is not in the file; "
            f"its fields: {present}"
        )
    return (
        f"no code field: none of {', '.join(CODE_FIELDS)} is in the file (its fields: "
        f"{present}); name the field with the setting {BOUNDARIES_CODE_FIELD_VAR}"
    )


def _codes(
    frame: gpd.GeoDataFrame, field: str, problems: list[str], warnings: list[str]
) -> list[str | None]:
    """Each feature's code as a 5-digit string (None when unusable, with a problem)."""
    values = frame[field].tolist()
    numeric = pd.api.types.is_numeric_dtype(frame[field])
    codes: list[str | None] = []
    padded = []
    for index, value in enumerate(values):
        text = _code_text(value)
        if text is not None and text.isdigit() and len(text) < 5:
            padded.append(f"{text}→{text.zfill(5)}")
            text = text.zfill(5)
        if text is None or not (len(text) == 5 and text.isdigit()):
            problems.append(f"feature {index + 1}: field {field} = {value!r} is not a 5-digit code")
            text = None
        codes.append(text)
    if numeric:
        warnings.append(
            f"field {field} holds numbers, not text: read as 5-digit codes"
            + (f", {len(padded)} zero-padded ({', '.join(padded[:5])})" if padded else "")
        )
    elif padded:
        warnings.append(
            f"{len(padded)} codes in field {field} zero-padded: {', '.join(padded[:5])}"
        )
    return codes


def _code_text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return str(int(value)) if float(value).is_integer() else None
    return str(value).strip() or None


def _check_geometry(geometry: gpd.GeoSeries, labels: list[str], problems: list[str]) -> None:
    values = geometry.values
    for index, geom in enumerate(values):
        label = labels[index]
        if geom is None or geom.is_empty:
            problems.append(f"{label}: empty geometry")
        elif geom.geom_type not in {"Polygon", "MultiPolygon"}:
            problems.append(f"{label}: {geom.geom_type}, not a polygon")
        elif not geom.is_valid:
            reason = shapely.is_valid_reason(geom)
            problems.append(f"{label}: invalid geometry, {reason}")


def _plausible_lon_lat(frame: gpd.GeoDataFrame) -> bool:
    if frame.geometry.is_empty.all() or frame.geometry.isna().all():
        return False
    x0, y0, x1, y1 = frame.geometry.total_bounds
    west, south, east, north = VIETNAM_BOX
    return west <= x0 and x1 <= east and south <= y0 and y1 <= north


def _bounds_text(frame: gpd.GeoDataFrame) -> str:
    x0, y0, x1, y1 = frame.geometry.total_bounds
    return f"x {x0:.6g}…{x1:.6g}, y {y0:.6g}…{y1:.6g}"


def _to_wgs84(
    frame: gpd.GeoDataFrame, problems: list[str], warnings: list[str]
) -> gpd.GeoDataFrame:
    if frame.crs is None:
        if _plausible_lon_lat(frame):
            warnings.append(
                "the file declares no coordinate reference system; its coordinates look like "
                "longitude/latitude, taken as WGS84 (EPSG:4326)"
            )
            return frame.set_crs(WGS84)
        problems.append(
            "the file declares no coordinate reference system and its coordinates "
            f"({_bounds_text(frame)}) are not longitude/latitude in Vietnam: "
            "add the CRS (a .prj file for a shapefile) or export in EPSG:4326"
        )
        return frame
    crs_name = frame.crs.to_string()
    try:
        converted = frame.to_crs(WGS84)
    except Exception as exc:  # pyproj raises CRSError/ProjError for unknown systems
        problems.append(
            f"coordinate reference system {crs_name} cannot be converted to WGS84: {exc}"
        )
        return frame
    if not _plausible_lon_lat(converted):
        problems.append(
            f"in the declared coordinate reference system {crs_name} the coordinates "
            f"({_bounds_text(frame)}) do not fall in Vietnam: the CRS does not match the data"
        )
        return frame
    if not frame.crs.equals(WGS84):
        warnings.append(f"converted from {crs_name} to WGS84 (EPSG:4326)")
    return converted


def _check_codes(codes: list[str | None], units: Sequence[UnitRecord], problems: list[str]) -> None:
    names = {unit.code: unit.name for unit in units}
    where: dict[str, list[int]] = {}
    for index, code in enumerate(codes):
        if code is not None:
            where.setdefault(code, []).append(index + 1)
    missing = sorted(set(names) - set(where))
    if missing:
        listed = ", ".join(f"{code} ({names[code]})" for code in missing)
        problems.append(f"{len(missing)} registry units have no feature: {listed}")
    extra = sorted(set(where) - set(names))
    if extra:
        listed = ", ".join(f"{code} (feature {', '.join(map(str, where[code]))})" for code in extra)
        problems.append(f"{len(extra)} codes are not in the registry of units: {listed}")
    for code, features in sorted(where.items()):
        if len(features) > 1:
            problems.append(
                f"code {code} ({names.get(code, 'not in the registry')}) is on "
                f"{len(features)} features: {', '.join(map(str, features))}"
            )


def _plausibility(geometries: np.ndarray, units: Sequence[UnitRecord]) -> list[str]:
    """Warnings for polygons that look attached to the wrong code (swapped codes, wrong file)."""
    projected = gpd.GeoSeries(geometries, crs=WGS84).to_crs(EQUAL_AREA)
    centres = gpd.GeoSeries.from_xy(
        [unit.centre_lon for unit in units], [unit.centre_lat for unit in units], crs=WGS84
    ).to_crs(EQUAL_AREA)
    distances = projected.distance(centres, align=False).to_numpy()
    ratios = projected.area.to_numpy() / 1e6 / np.array([u.area_km2_official for u in units])
    warnings = []
    far = [
        f"{u.code} ({d / 1000:.1f} km)"
        for u, d in zip(units, distances, strict=True)
        if d > CENTRE_TOLERANCE_M
    ]
    if far:
        warnings.append(
            f"{len(far)} polygons lie away from their unit's registry centre (codes swapped?): "
            + ", ".join(far)
        )
    low, high = AREA_RATIO_RANGE
    odd = [
        f"{u.code} ({r:.0%})" for u, r in zip(units, ratios, strict=True) if not low <= r <= high
    ]
    if odd:
        warnings.append(
            f"{len(odd)} polygons differ in area from the official figure by over a quarter: "
            + ", ".join(odd)
        )
    return warnings


# ------------------------------------------------------------------------------------------------
# The web copy
# ------------------------------------------------------------------------------------------------


def _web_geometries(geometries: np.ndarray, codes: list[str], warnings: list[str]) -> np.ndarray:
    """Simplified (if over budget), rounded, RFC 7946-oriented copies of ``geometries``.

    A valid coverage is simplified with ``shapely.coverage_simplify`` so that neighbours keep
    exactly shared edges; rounding moves a shared vertex the same way in both neighbours.
    """
    coverage = bool(shapely.coverage_is_valid(geometries))
    if not coverage:
        edges = shapely.coverage_invalid_edges(geometries)
        bad = [code for code, edge in zip(codes, edges, strict=True) if not edge.is_empty]
        warnings.append(
            f"neighbouring polygons overlap or do not share their edges exactly "
            f"({len(bad)} units: {', '.join(bad)}); simplified one by one"
        )
    result = _rounded(geometries)
    if int(shapely.get_num_coordinates(result).sum()) > VERTEX_BUDGET:
        result = _simplified(geometries, coverage, warnings)
    broken = [code for code, ok in zip(codes, shapely.is_valid(result), strict=True) if not ok]
    if broken:
        warnings.append(
            f"rounding to {DECIMALS} decimals made invalid polygons: {', '.join(broken)}"
        )
    return result


def _simplified(geometries: np.ndarray, coverage: bool, warnings: list[str]) -> np.ndarray:
    """The first of TOLERANCES that brings the file under the vertex and byte budgets."""
    for tolerance in TOLERANCES:
        if coverage:
            simplified = shapely.coverage_simplify(geometries, tolerance)
        else:
            simplified = shapely.simplify(geometries, tolerance, preserve_topology=True)
        result = _rounded(simplified)
        vertices = int(shapely.get_num_coordinates(result).sum())
        if vertices <= VERTEX_BUDGET and len(_dump_geometries(result)) <= MAX_BYTES:
            return result
    warnings.append(f"still {vertices} vertices after simplifying at {TOLERANCES[-1]}°")
    return result


def _rounded(geometries: np.ndarray) -> np.ndarray:
    rounded = shapely.transform(geometries, lambda xy: np.round(xy, DECIMALS))
    return shapely.orient_polygons(shapely.remove_repeated_points(rounded, 0.0))


def _dump_geometries(geometries: np.ndarray) -> bytes:
    return _dump({"features": [mapping(geometry) for geometry in geometries]})
