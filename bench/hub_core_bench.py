"""Hub core: normalisation fast path vs PyLD, and in-process object creation on SQLite.

Prints medians of several runs:

- ``normalise`` of a Shipment with 100 embedded Pieces (each with a grossWeight Value):
  PyLD (``jsonld.normalise``) vs the fast compacted path (``_fastpath.fast_normalise``);
- ``HubStore.create_object`` of the specification's Piece, one transaction per object
  (what one POST costs below HTTP), and ``create_objects`` of 1,000 Pieces in one
  transaction, on a temporary SQLite file (WAL).

Run: ``.venv/bin/python bench/hub_core_bench.py``
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from smartlogistics.db import make_engine, upgrade
from smartlogistics.hub._fastpath import fast_normalise
from smartlogistics.hub.jsonld import normalise
from smartlogistics.hub.ontology import load_ontology
from smartlogistics.hub.store import HubStore

CTX = {"cargo": "https://onerecord.iata.org/ns/cargo#"}
PIECE: dict[str, Any] = {
    "@context": CTX,
    "@type": "cargo:Piece",
    "cargo:coload": False,
    "cargo:goodsDescription": "books",
}


def _shipment(n: int) -> dict[str, Any]:
    return {
        "@context": CTX,
        "@type": "cargo:Shipment",
        "cargo:goodsDescription": "mixed",
        "cargo:pieces": [
            {
                "@type": "cargo:Piece",
                "cargo:goodsDescription": f"piece {i}",
                "cargo:grossWeight": {"@type": "cargo:Value", "cargo:numericalValue": 10.0 + i},
            }
            for i in range(n)
        ],
    }


def _median(fn: Any, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    """Print the figures."""
    doc = _shipment(100)
    root = "http://127.0.0.1:8080/logistics-objects/s"
    assert fast_normalise(doc, object_id=root) == normalise(doc, object_id=root)
    slow = _median(lambda: normalise(doc, object_id=root), 5)
    fast = _median(lambda: fast_normalise(doc, object_id=root), 21)
    print(f"normalise Shipment+100 Pieces: PyLD {slow * 1e3:.1f} ms, fast path {fast * 1e3:.2f} ms")
    load_ontology()
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'hub.db'}")
        upgrade(engine)
        store = HubStore(engine, base_url="http://127.0.0.1:8080")
        agent = "http://127.0.0.1:8080/logistics-objects/agent"
        rates = []
        for _ in range(5):
            n = 500
            t = time.perf_counter()
            for _ in range(n):
                store.create_object(PIECE, agent)
            rates.append(n / (time.perf_counter() - t))
        print(f"create_object (one transaction each): {statistics.median(rates):,.0f} objects/s")
        bulk = _median(lambda: store.create_objects([PIECE] * 1000, agent), 5)
        print(f"create_objects 1,000 in one transaction: {1000 / bulk:,.0f} objects/s")
        engine.dispose()


if __name__ == "__main__":
    main()
