"""Compile the project's registry of the 102 units from the shared authoritative list.

    python scripts/build_unit_registry.py [communes.csv [communes_detailed.geojson]]

Reads ``../shared/geo/communes.csv`` (see its SOURCES.md) and writes ``data/reference/units.csv``:
the official facts (code, names, type, official area, population, the old units each was formed
from) plus two derived columns, ``former_province`` and ``peer_group`` (rule in
``data/reference/SOURCES.md``). Geometry is never copied.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = ROOT.parent / "shared" / "geo" / "communes.csv"
# Only to place one reference point per unit (its centre, for demo data and the tile layout);
# no geometry is copied.
DEFAULT_SHAPES = ROOT.parent / "shared" / "geo" / "communes_detailed.geojson"
TARGET = ROOT / "data" / "reference" / "units.csv"

# Old districts of Phú Yên classified as mountainous (huyện miền núi); every old district of
# Đắk Lắk lies in the Central Highlands. A xã formed only from lowland districts is "xa_lowland".
PHU_YEN_MOUNTAIN_DISTRICTS = {"Huyện Sông Hinh", "Huyện Sơn Hòa", "Huyện Đồng Xuân"}
OLD_UNIT_PATTERN = re.compile(r"\(([^,()]+), Tỉnh ([^()]+)\)")

FIELDS = [
    "code",
    "name",
    "full_name",
    "name_ascii",
    "unit_type",
    "area_km2_official",
    "population",
    "peer_group",
    "former_province",
    "centre_lat",
    "centre_lon",
    "formed_from",
    "formed_from_codes",
]


def old_districts(formed_from: str) -> set[tuple[str, str]]:
    """(old district, old province) pairs named in a ``formed_from`` cell."""
    return {(d.strip(), p.strip()) for d, p in OLD_UNIT_PATTERN.findall(formed_from)}


def derive_peer_group(unit_type: str, districts: set[tuple[str, str]]) -> str:
    if unit_type == "phuong":
        return "phuong"
    highland = any(
        province == "Đắk Lắk" or district in PHU_YEN_MOUNTAIN_DISTRICTS
        for district, province in districts
    )
    return "xa_highland" if highland else "xa_lowland"


def former_province(districts: set[tuple[str, str]]) -> str:
    provinces = sorted({p for _, p in districts})
    return " + ".join(provinces)


def reference_points(shapes: Path) -> dict[str, tuple[float, float]]:
    """A point inside each unit (shapely's representative point), rounded to ~10 m."""
    import geopandas as gpd

    frame = gpd.read_file(shapes)
    points = frame.geometry.representative_point()
    return {
        str(code): (round(point.y, 4), round(point.x, 4))
        for code, point in zip(frame["code"], points, strict=True)
    }


def compile_rows(source: Path, shapes: Path) -> list[dict[str, str]]:
    with source.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    centres = reference_points(shapes)
    compiled = []
    for row in rows:
        districts = old_districts(row["formed_from"])
        compiled.append(
            {
                "code": row["code"],
                "name": row["name"],
                "full_name": row["full_name"],
                "name_ascii": row["name_ascii"],
                "unit_type": row["type"],
                "area_km2_official": row["area_km2_official"],
                "population": row["population_official"],
                "peer_group": derive_peer_group(row["type"], districts),
                "former_province": former_province(districts),
                "centre_lat": str(centres[row["code"]][0]),
                "centre_lon": str(centres[row["code"]][1]),
                "formed_from": row["formed_from"],
                "formed_from_codes": row["formed_from_codes"],
            }
        )
    return compiled


def main(argv: list[str]) -> int:
    source = Path(argv[1]) if len(argv) > 1 else DEFAULT_SOURCE
    shapes = Path(argv[2]) if len(argv) > 2 else DEFAULT_SHAPES
    rows = compile_rows(source, shapes)
    with TARGET.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} units to {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
