"""Shortest paths on directed links (private): Dijkstra with a binary heap."""

from __future__ import annotations

import heapq
from collections.abc import Callable, Mapping, Sequence

from smartlogistics.network.link import Link

__all__ = ["shortest_path"]


def shortest_path(
    adjacency: Mapping[str, Sequence[Link]],
    origin: str,
    destination: str,
    weight: Callable[[Link], float],
) -> tuple[Link, ...] | None:
    """Links of a minimum-weight path from ``origin`` to ``destination``.

    Returns ``()`` when origin equals destination and ``None`` when the destination is
    unreachable. Weights must be non-negative (distances and times are).
    """
    if origin == destination:
        return ()
    best: dict[str, float] = {origin: 0.0}
    via: dict[str, Link] = {}
    heap: list[tuple[float, int, str]] = [(0.0, 0, origin)]
    counter = 1  # tie-breaker: keeps heap entries comparable without comparing links
    done: set[str] = set()
    while heap:
        dist, _, node = heapq.heappop(heap)
        if node in done:
            continue
        if node == destination:
            break
        done.add(node)
        for link in adjacency.get(node, ()):
            nxt = link.destination
            cand = dist + weight(link)
            if cand < best.get(nxt, float("inf")):
                best[nxt] = cand
                via[nxt] = link
                heapq.heappush(heap, (cand, counter, nxt))
                counter += 1
    if destination not in via:
        return None
    path: list[Link] = []
    node = destination
    while node != origin:
        link = via[node]
        path.append(link)
        node = link.origin
    path.reverse()
    return tuple(path)
