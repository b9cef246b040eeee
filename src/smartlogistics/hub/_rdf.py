"""Typed wrappers around the untyped parts of PyLD (the hub's one door to it).

PyLD ships no type information; everything the hub needs from it passes through the few
functions here, so ``# type: ignore`` lives in this module only. rdflib is typed and is
used directly by :mod:`smartlogistics.hub.ontology`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from pyld import jsonld  # type: ignore[import-untyped]

__all__ = [
    "DocumentLoader",
    "JsonLdError",
    "canonical_nquads",
    "compact",
    "expand",
    "flatten",
]

JsonLdError: type[Exception] = jsonld.JsonLdError
"""PyLD's error type (syntax errors, refused or invalid contexts, ...)."""

DocumentLoader = Callable[[str, dict[str, Any]], dict[str, Any]]
"""A PyLD document loader: ``(url, options) -> RemoteDocument``."""


def expand(doc: Any, loader: DocumentLoader) -> list[dict[str, Any]]:
    """Expand ``doc`` with ``loader`` as the only way to resolve remote contexts."""
    return cast("list[dict[str, Any]]", jsonld.expand(doc, {"documentLoader": loader}))


def compact(doc: Any, context: dict[str, Any], loader: DocumentLoader) -> dict[str, Any]:
    """Compact ``doc`` with ``context`` (an inline context object)."""
    return cast("dict[str, Any]", jsonld.compact(doc, context, {"documentLoader": loader}))


def flatten(doc: Any, context: dict[str, Any] | None, loader: DocumentLoader) -> Any:
    """Flatten ``doc``; compacted with ``context`` when one is given."""
    return jsonld.flatten(doc, context, {"documentLoader": loader})


def canonical_nquads(doc: Any, loader: DocumentLoader) -> str:
    """Return the RDF Dataset Canonicalization (URDNA2015) of ``doc`` as N-Quads."""
    return cast(
        "str",
        jsonld.normalize(
            doc,
            {
                "algorithm": "URDNA2015",
                "format": "application/n-quads",
                "documentLoader": loader,
            },
        ),
    )
