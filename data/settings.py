"""Where the app's settings come from: environment variables with safe embedded defaults.

Every setting is named here once, so an error message can say exactly which one to fix.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

DATABASE_URL_VAR = "DATABASE_URL"
DB_PATH_VAR = "DASHBOARD_DB_PATH"
DEMO_SEED_VAR = "DASHBOARD_DEMO_SEED"
DEMO_SCALE_VAR = "DASHBOARD_DEMO_SCALE"
AUTO_DEMO_VAR = "DASHBOARD_AUTO_DEMO"
BOUNDARIES_VAR = "DASHBOARD_BOUNDARIES"  # path or http(s) URL: .geojson, .gpkg or zipped shapefile
BOUNDARIES_CODE_FIELD_VAR = "DASHBOARD_BOUNDARIES_CODE_FIELD"  # unset: auto-detected
TILE_URL_VAR = "DASHBOARD_TILE_URL"  # optional base-map tiles, e.g. an internal tile server
CACHE_DIR_VAR = "DASHBOARD_CACHE_DIR"  # processed boundaries; default var/boundaries
BOUNDARIES_MAX_MB_VAR = "DASHBOARD_BOUNDARIES_MAX_MB"  # largest boundary file read (MB)
# The full-resolution layer that routes cases by coordinates (geo.routing); unset: the reference
# communes_detailed.geojson beside the checkout, when present.
ROUTING_BOUNDARIES_VAR = "DASHBOARD_ROUTING_BOUNDARIES"

DEFAULT_DB_PATH = PROJECT_ROOT / "var" / "dashboard.sqlite3"
DEFAULT_DEMO_SEED = 20250701
DEFAULT_DEMO_SCALE = 1.0
DEFAULT_BOUNDARIES_MAX_MB = 50.0


class SettingError(ValueError):
    """A setting holds a value the app cannot use; the message names the setting."""

    def __init__(self, setting: str, value: str, problem: str) -> None:
        super().__init__(f"{setting}={value!r}: {problem}")
        self.setting = setting
        self.value = value
        self.problem = problem


@dataclass(frozen=True)
class Settings:
    database_url: str
    url_setting: str  # which setting the URL came from, for error messages
    demo_seed: int
    demo_scale: float
    auto_demo: bool
    # Read as given; geo.boundaries validates the source itself, so that a bad file keeps the
    # previous boundaries in use instead of stopping the app.
    boundaries: str | None = None
    boundaries_code_field: str | None = None
    cache_dir: Path = PROJECT_ROOT / "var" / "boundaries"
    tile_url: str | None = None  # none by default: the map must not call outside hosts
    # A 425 MB file took 159 s and 1.7 GB to read: larger files are refused before reading.
    boundaries_max_mb: float = DEFAULT_BOUNDARIES_MAX_MB
    routing_boundaries: str | None = None  # a local file: geo.routing validates it


def sqlite_url_for(path: Path) -> str:
    return f"sqlite+pysqlite:///{path}"


def _read_int(env: dict[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise SettingError(name, raw, "must be a whole number") from None


def _read_scale(env: dict[str, str]) -> float:
    raw = env.get(DEMO_SCALE_VAR, "").strip()
    if not raw:
        return DEFAULT_DEMO_SCALE
    try:
        scale = float(raw)
    except ValueError:
        raise SettingError(DEMO_SCALE_VAR, raw, "must be a number such as 1 or 10") from None
    if not 0 < scale <= 100:
        raise SettingError(DEMO_SCALE_VAR, raw, "must be greater than 0 and at most 100")
    return scale


def _read_max_mb(env: dict[str, str]) -> float:
    raw = env.get(BOUNDARIES_MAX_MB_VAR, "").strip()
    if not raw:
        return DEFAULT_BOUNDARIES_MAX_MB
    try:
        value = float(raw)
    except ValueError:
        raise SettingError(BOUNDARIES_MAX_MB_VAR, raw, "must be a number of megabytes") from None
    if not 0 < value < float("inf"):
        raise SettingError(BOUNDARIES_MAX_MB_VAR, raw, "must be greater than 0")
    return value


def _read_optional(env: dict[str, str], name: str) -> str | None:
    return env.get(name, "").strip() or None


def load_settings(env: dict[str, str] | None = None) -> Settings:
    """Read the settings from ``env`` (the process environment by default)."""
    env = dict(os.environ if env is None else env)
    url = env.get(DATABASE_URL_VAR, "").strip()
    if url:
        url_setting = DATABASE_URL_VAR
    else:
        raw_path = env.get(DB_PATH_VAR, "").strip()
        path = Path(raw_path).expanduser() if raw_path else DEFAULT_DB_PATH
        url = sqlite_url_for(path.resolve())
        url_setting = DB_PATH_VAR
    auto_demo = env.get(AUTO_DEMO_VAR, "1").strip().lower() not in {"0", "false", "no", "off"}
    return Settings(
        database_url=url,
        url_setting=url_setting,
        demo_seed=_read_int(env, DEMO_SEED_VAR, DEFAULT_DEMO_SEED),
        demo_scale=_read_scale(env),
        auto_demo=auto_demo,
        boundaries=_read_optional(env, BOUNDARIES_VAR),
        boundaries_code_field=_read_optional(env, BOUNDARIES_CODE_FIELD_VAR),
        tile_url=_read_optional(env, TILE_URL_VAR),
        boundaries_max_mb=_read_max_mb(env),
        routing_boundaries=_read_optional(env, ROUTING_BOUNDARIES_VAR),
        cache_dir=Path(env[CACHE_DIR_VAR]).expanduser()
        if env.get(CACHE_DIR_VAR, "").strip()
        else PROJECT_ROOT / "var" / "boundaries",
    )
