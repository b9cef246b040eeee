"""Shortest routes: exact against brute force on random graphs, and metric properties."""

from __future__ import annotations

import itertools
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from smartlogistics.network import (
    Link,
    Location,
    LocationKind,
    Mode,
    NoRouteError,
    Region,
    load_region,
)

REGION = load_region()
FREIGHT = [loc.id for loc in REGION.freight_nodes]
CORRIDOR_MODES = [Mode.ROAD, Mode.INLAND_WATERWAY, Mode.RAIL]
EPS = 1e-9


@settings(max_examples=200)
@given(
    a=st.sampled_from(sorted(REGION.locations)),
    b=st.sampled_from(sorted(REGION.locations)),
    mode=st.sampled_from(CORRIDOR_MODES),
)
def test_route_never_longer_than_a_direct_link(a: str, b: str, mode: Mode) -> None:
    direct = REGION.link(a, b, mode)
    if direct is None:
        return
    assert REGION.route(a, b, mode).distance_km <= direct.distance_km + EPS
    assert REGION.route(a, b, mode, by="time").travel_time_h <= direct.travel_time_h + EPS


@settings(max_examples=200)
@given(a=st.sampled_from(FREIGHT), b=st.sampled_from(FREIGHT), c=st.sampled_from(FREIGHT))
def test_triangle_inequality_on_road_distances(a: str, b: str, c: str) -> None:
    def d(x: str, y: str) -> float:
        return REGION.route(x, y, Mode.ROAD).distance_km

    assert d(a, c) <= d(a, b) + d(b, c) + EPS


def test_route_to_itself() -> None:
    route = REGION.route("ACT", "ACT", Mode.RAIL)
    assert route.path == ("ACT",) and route.links == () and route.distance_km == 0


def test_by_time_can_differ_from_by_distance() -> None:
    by_km = REGION.route("ACT", "DUI", Mode.INLAND_WATERWAY)
    by_h = REGION.route("ACT", "DUI", Mode.INLAND_WATERWAY, by="time")
    assert by_h.travel_time_h <= by_km.travel_time_h + EPS
    assert by_km.distance_km <= by_h.distance_km + EPS


# -- random graphs against Floyd-Warshall -------------------------------------------------

NODES = ["N0", "N1", "N2", "N3", "N4", "N5"]
edges = st.dictionaries(
    keys=st.tuples(st.sampled_from(NODES), st.sampled_from(NODES)).filter(lambda e: e[0] != e[1]),
    values=st.floats(min_value=0.1, max_value=100, allow_nan=False),
    max_size=15,
)


def _random_region(graph: dict[tuple[str, str], float]) -> Region:
    locations = {
        n: Location(
            id=n,
            name=n,
            lat=52.0,
            lon=4.0 + i / 10,
            kind=LocationKind.INLAND_TERMINAL,
            country="NL",
            source="s",
        )
        for i, n in enumerate(NODES)
    }
    links = tuple(
        Link(origin=a, destination=b, mode=Mode.RAIL, distance_km=w, travel_time_h=1, source="s")
        for (a, b), w in graph.items()
    )
    return Region(name="random", locations=locations, links=links, terminals={})


@settings(max_examples=150)
@given(graph=edges)
def test_dijkstra_matches_floyd_warshall(graph: dict[tuple[str, str], float]) -> None:
    region = _random_region(graph)
    dist = {(a, b): (0.0 if a == b else graph.get((a, b), math.inf)) for a in NODES for b in NODES}
    for k, i, j in itertools.product(NODES, NODES, NODES):
        if dist[i, k] + dist[k, j] < dist[i, j]:
            dist[i, j] = dist[i, k] + dist[k, j]
    for a, b in itertools.product(NODES, NODES):
        if math.isinf(dist[a, b]):
            try:
                region.route(a, b, Mode.RAIL)
            except NoRouteError:
                continue
            raise AssertionError(f"route {a}->{b} found where none exists")
        route = region.route(a, b, Mode.RAIL)
        assert math.isclose(route.distance_km, dist[a, b], rel_tol=1e-9, abs_tol=1e-9)
        assert route.path[0] == a and route.path[-1] == b
        for link, nxt in zip(route.links, route.path[1:], strict=True):
            assert link.destination == nxt
