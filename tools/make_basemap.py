"""Make the dashboard's basemap from the npm ``world-atlas`` package (Natural Earth).

Usage (in a scratch directory; the npm package itself is not committed)::

    cd /tmp && npm pack world-atlas          # world-atlas-2.0.2.tgz
    python tools/make_basemap.py /tmp/world-atlas-2.0.2.tgz

It reads ``countries-10m.json`` (Natural Earth 1:10m admin-0 countries, v4.1.0, as
TopoJSON) from the tarball, decodes the countries the Amsterdam region's map shows (the
Netherlands, Belgium, Luxembourg, Germany, France), clips them to the map's frame, simplifies
them (Douglas-Peucker, about 200 m) and writes a small GeoJSON FeatureCollection to
``src/smartlogistics/web/static/basemap/benelux-west.geojson``. Only the Python standard
library is used, so the output is reproducible on any machine: run it again and the same
bytes come out.

Why the frame is a bit larger than the visible map: clipping cuts a polygon along the
frame, and the cut edges would be drawn as borders; a margin keeps them out of sight.
"""

from __future__ import annotations

import argparse
import json
import tarfile
from pathlib import Path
from typing import IO, Any

Point = tuple[float, float]
Ring = list[Point]

# ISO 3166 numeric id in world-atlas -> alpha-2 code shown on the map.
COUNTRIES = {"528": "NL", "056": "BE", "442": "LU", "276": "DE", "250": "FR"}
# Frame (lon_min, lat_min, lon_max, lat_max): the region's nodes span 2.5-8.6 E, 49-52.7 N
# (CDG to Frankfurt, Alkmaar); the dashboard shows about 1.5-10 E, 48.3-54 N.
FRAME = (0.5, 47.5, 11.0, 55.0)
TOLERANCE_DEG = 0.002
DIGITS = 3

OUT = Path(__file__).resolve().parents[1] / (
    "src/smartlogistics/web/static/basemap/benelux-west.geojson"
)


def _decode_arcs(topology: dict[str, Any]) -> list[list[Point]]:
    """Undo TopoJSON's quantisation and delta encoding of every arc."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs: list[list[Point]] = []
    for arc in topology["arcs"]:
        x = y = 0
        points: list[Point] = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def _ring(indexes: list[int], arcs: list[list[Point]]) -> Ring:
    """Join a ring's arcs (a negative index ``~i`` means arc ``i`` reversed)."""
    ring: Ring = []
    for index in indexes:
        points = arcs[index] if index >= 0 else arcs[~index][::-1]
        ring.extend(points if not ring else points[1:])
    return ring


def _clip(ring: Ring, frame: tuple[float, float, float, float]) -> Ring:
    """Clip a closed ring to a rectangle (Sutherland-Hodgman, one edge at a time)."""
    x0, y0, x1, y1 = frame

    def cut(points: Ring, inside: Any, cross: Any) -> Ring:
        out: Ring = []
        for i, current in enumerate(points):
            previous = points[i - 1]
            if inside(current):
                if not inside(previous):
                    out.append(cross(previous, current))
                out.append(current)
            elif inside(previous):
                out.append(cross(previous, current))
        return out

    def at_x(x: float) -> Any:
        return lambda a, b: (x, a[1] + (b[1] - a[1]) * (x - a[0]) / (b[0] - a[0]))

    def at_y(y: float) -> Any:
        return lambda a, b: (a[0] + (b[0] - a[0]) * (y - a[1]) / (b[1] - a[1]), y)

    points = ring[:-1] if ring and ring[0] == ring[-1] else list(ring)
    for inside, cross in (
        (lambda p: p[0] >= x0, at_x(x0)),
        (lambda p: p[0] <= x1, at_x(x1)),
        (lambda p: p[1] >= y0, at_y(y0)),
        (lambda p: p[1] <= y1, at_y(y1)),
    ):
        if not points:
            break
        points = cut(points, inside, cross)
    return points


def _simplify(points: Ring, tolerance: float) -> Ring:
    """Douglas-Peucker on an open polyline (iterative, so long coasts do not recurse)."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        dx, dy = bx - ax, by - ay
        norm = (dx * dx + dy * dy) ** 0.5
        worst, where = -1.0, -1
        for i in range(first + 1, last):
            px, py = points[i]
            if norm == 0:
                dist = ((px - ax) ** 2 + (py - ay) ** 2) ** 0.5
            else:
                dist = abs(dy * px - dx * py + bx * ay - by * ax) / norm
            if dist > worst:
                worst, where = dist, i
        if where > 0 and worst > tolerance:
            keep[where] = True
            stack.extend([(first, where), (where, last)])
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def _finish(ring: Ring) -> list[list[float]] | None:
    """Simplify, round and close a clipped ring; ``None`` when too little is left."""
    if len(ring) < 3:
        return None
    # Simplify the ring as two halves so both ends stay fixed.
    half = len(ring) // 2
    simple = _simplify(ring[: half + 1], TOLERANCE_DEG)[:-1] + _simplify(
        [*ring[half:], ring[0]], TOLERANCE_DEG
    )
    rounded: list[list[float]] = []
    for x, y in simple:
        point = [round(x, DIGITS), round(y, DIGITS)]
        if not rounded or point != rounded[-1]:
            rounded.append(point)
    if rounded[0] != rounded[-1]:
        rounded.append(rounded[0])
    return rounded if len(rounded) >= 4 else None


def _member(archive: tarfile.TarFile, name: str) -> IO[bytes]:
    member = archive.extractfile(name)
    if member is None:
        raise SystemExit(f"{name} is not a file in the tarball")
    return member


def build(tarball: Path) -> dict[str, Any]:
    """Return the basemap FeatureCollection from a ``world-atlas`` npm tarball."""
    with tarfile.open(tarball) as archive:
        topology = json.load(_member(archive, "package/countries-10m.json"))
        version = str(json.load(_member(archive, "package/package.json"))["version"])
    arcs = _decode_arcs(topology)
    features: list[dict[str, Any]] = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        code = COUNTRIES.get(geometry.get("id", ""))
        if code is None:
            continue
        polygons = [geometry["arcs"]] if geometry["type"] == "Polygon" else list(geometry["arcs"])
        out_polygons = []
        for polygon in polygons:
            rings = [_finish(_clip(_ring(r, arcs), FRAME)) for r in polygon]
            if rings[0] is None:
                continue
            out_polygons.append([r for r in rings if r is not None])
        features.append(
            {
                "type": "Feature",
                "properties": {"iso_a2": code, "name": geometry["properties"]["name"]},
                "geometry": {"type": "MultiPolygon", "coordinates": out_polygons},
            }
        )
    features.sort(key=lambda f: f["properties"]["iso_a2"])
    return {
        "type": "FeatureCollection",
        "source": (
            f"Natural Earth 1:10m admin-0 countries v4.1.0 (public domain) via npm world-atlas "
            f"{version} (ISC); clipped to {list(FRAME)}, Douglas-Peucker {TOLERANCE_DEG} deg, "
            f"{DIGITS} decimals, by tools/make_basemap.py"
        ),
        "bbox": list(FRAME),
        "features": features,
    }


def main() -> None:
    """Write the basemap GeoJSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tarball", type=Path, help="world-atlas-*.tgz from 'npm pack'")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    collection = build(args.tarball)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(collection, separators=(",", ":")) + "\n"
    args.out.write_text(text, encoding="utf-8")
    points = sum(
        len(ring)
        for f in collection["features"]
        for polygon in f["geometry"]["coordinates"]
        for ring in polygon
    )
    print(f"wrote {args.out} ({len(text):,} bytes, {points:,} points)")


if __name__ == "__main__":
    main()
