"""Normalise plain compacted ONE Record JSON-LD without PyLD (the hub's common case).

:func:`~smartlogistics.hub.jsonld.normalise` runs PyLD's expansion, flattening and
compaction: correct for every document form, but ≈430 ms for a Shipment with 100 Pieces.
Most clients send compacted JSON-LD whose ``@context`` only declares the ONE Record
prefixes (``cargo``, ``api``, ``xsd``, ``country``) or names a known ONE Record context
URL. For such a document the three PyLD steps reduce to a walk of the tree: expand each
key and ``@type`` through the prefixes, compact it back with :data:`ONE_RECORD_CONTEXT`,
unwrap one-element lists, give blank (id-less) nested nodes the embedded-object id
``embedded_id(root, path)`` that :func:`normalise` would give them, and sort keys as PyLD
does (by expanded IRI). :func:`fast_normalise` does that walk, and returns ``None``
whenever the document uses anything else (other context entries, ``@language``, ``@list``,
``@graph``, blank-node ids, repeated ``@id`` s, duplicate or null values, nested lists,
undefined terms...), so the caller falls back to PyLD; a test shows both give the same
result for every logistics-object example of the specification.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from smartlogistics.hub.jsonld import KNOWN_CONTEXTS, ONE_RECORD_CONTEXT, embedded_id

__all__ = ["fast_normalise"]

_PREFIXES: Final[dict[str, str]] = {k: v for k, v in ONE_RECORD_CONTEXT.items()}
#: (namespace, prefix) longest namespace first, for compaction.
_BY_NS: Final = sorted(((v, k) for k, v in _PREFIXES.items()), key=lambda t: -len(t[0]))


class _NotFastError(Exception):
    """The document needs the full JSON-LD algorithms."""


def _declared(ctx: Any) -> dict[str, str] | None:
    """Return the prefixes the context declares, or ``None`` when it is not plain."""
    declared: dict[str, str] = {}
    items = ctx if isinstance(ctx, list) else [ctx]
    for item in items:
        if isinstance(item, str):
            if item.rstrip("#/") not in KNOWN_CONTEXTS:
                return None
            declared.update(_PREFIXES)
            continue
        if not isinstance(item, Mapping):
            return None
        for key, value in item.items():
            if _PREFIXES.get(key) != value:
                return None
            declared[key] = value
    return declared


def _expand(term: str, prefixes: Mapping[str, str] | None = None) -> str:
    prefix, sep, rest = term.partition(":")
    if not sep:
        raise _NotFastError
    if prefix in _PREFIXES:
        ns = (prefixes if prefixes is not None else _PREFIXES).get(prefix)
        if ns is None or not rest or rest.startswith("//"):
            raise _NotFastError  # an undeclared ONE Record prefix: PyLD decides
        return ns + rest
    if prefix == "_" or (not rest.startswith("//") and prefix not in ("urn", "internal")):
        # a blank node or an unknown prefix: PyLD decides what that means
        raise _NotFastError
    return term


def _compact(iri: str) -> str:
    for ns, prefix in _BY_NS:
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


def _local(iri: str) -> str:
    return iri[max(iri.rfind("#"), iri.rfind("/")) + 1 :]


def _id(value: Any, prefixes: Mapping[str, str]) -> str:
    if not isinstance(value, str):
        raise _NotFastError
    text = value.strip()
    if not text or text.startswith("_:"):
        raise _NotFastError
    if ":" not in text:
        raise _NotFastError  # relative IRI
    prefix = text.partition(":")[0]
    if prefix in _PREFIXES:
        return _expand(text, prefixes)
    return text


class _Walk:
    __slots__ = ("prefixes", "root_id", "seen")

    def __init__(self, root_id: str, prefixes: Mapping[str, str]) -> None:
        self.root_id = root_id
        self.prefixes = prefixes
        self.seen: set[str] = set()

    def types(self, raw: Any) -> Any:
        items = raw if isinstance(raw, list) else [raw]
        if not items:
            raise _NotFastError
        out: list[str] = []
        for item in items:
            if not isinstance(item, str):
                raise _NotFastError
            iri = _expand(item, self.prefixes) if ":" in item else None
            if iri is None:
                raise _NotFastError
            out.append(_compact(iri))
        if len(set(out)) != len(out):
            raise _NotFastError
        return out[0] if len(out) == 1 else out

    def node(self, node: Mapping[str, Any], ident: str, path: str) -> dict[str, Any]:
        if ident in self.seen:
            raise _NotFastError
        self.seen.add(ident)
        entries: list[tuple[str, str, Any]] = []
        typed: Any = None
        for key, value in node.items():
            if key == "@id":
                continue
            if key == "@type":
                typed = self.types(value)
                continue
            if key.startswith("@"):
                raise _NotFastError
            iri = _expand(key, self.prefixes)
            entries.append((iri, _compact(iri), value))
        out: dict[str, Any] = {"@id": _compact(ident)}
        if typed is not None:
            out["@type"] = typed
        entries.sort(key=lambda e: e[0])
        for iri, name, value in entries:
            items = value if isinstance(value, list) else [value]
            if not items:
                raise _NotFastError  # PyLD keeps [] only in some forms; let it decide
            many = len(items) > 1
            sub = f"{path}.{_local(iri)}" if path else _local(iri)
            converted = [
                self.value(item, f"{sub}[{i}]" if many else sub) for i, item in enumerate(items)
            ]
            if many and len({repr(c) for c in converted}) != len(converted):
                raise _NotFastError  # JSON-LD merges duplicate values
            out[name] = converted[0] if len(converted) == 1 else converted
        return out

    def value(self, item: Any, path: str) -> Any:
        if isinstance(item, bool | str):
            return item
        if isinstance(item, int | float):
            if isinstance(item, float) and item != item:  # NaN
                raise _NotFastError
            return item
        if not isinstance(item, Mapping):
            raise _NotFastError
        if "@value" in item:
            if set(item) - {"@value", "@type"}:
                raise _NotFastError
            raw = item["@value"]
            if not isinstance(raw, str | int | float | bool):
                raise _NotFastError
            if "@type" not in item:
                return raw
            dtype = item["@type"]
            if not isinstance(dtype, str) or ":" not in dtype:
                raise _NotFastError
            return {"@type": _compact(_expand(dtype, self.prefixes)), "@value": raw}
        if "@context" in item:
            raise _NotFastError
        has_props = any(not k.startswith("@") for k in item)
        if "@id" in item:
            ident = _id(item["@id"], self.prefixes)
            if not has_props and "@type" not in item:
                if set(item) != {"@id"}:
                    raise _NotFastError
                if ident in self.seen:
                    raise _NotFastError  # a back-reference: PyLD's embedding order decides
                return {"@id": _compact(ident)}
            return self.node(item, ident, path)
        if not has_props and "@type" not in item:
            raise _NotFastError  # an empty node
        return self.node(item, embedded_id(self.root_id, path), path)


def fast_normalise(doc: Any, *, object_id: str | None = None) -> dict[str, Any] | None:
    """Return what :func:`normalise` returns for ``doc``, or ``None`` when not eligible.

    Parameters
    ----------
    doc
        A compacted JSON-LD node object.
    object_id
        The id for a root without ``@id`` (as :func:`normalise`).
    """
    if not isinstance(doc, Mapping) or "@type" not in doc:
        return None
    prefixes = _declared(doc["@context"]) if "@context" in doc else {}
    if prefixes is None:
        return None
    try:
        if "@id" in doc:
            root = _id(doc["@id"], prefixes)
        elif object_id is not None:
            root = object_id
        else:
            return None
        body = {k: v for k, v in doc.items() if k != "@context"}
        walk = _Walk(root, prefixes)
        out = walk.node(body, root, "")
        referenced = _references(out)
        if referenced & (walk.seen - {root}) or root in referenced:
            return None  # nodes referenced from elsewhere: PyLD re-embeds differently
    except (_NotFastError, RecursionError):
        return None
    return {"@context": ONE_RECORD_CONTEXT, **out}


def _references(tree: Any) -> set[str]:
    found: set[str] = set()
    stack = [tree]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            if set(item) == {"@id"}:
                found.add(_expand(item["@id"]) if ":" in item["@id"] else item["@id"])
            else:
                stack.extend(v for k, v in item.items() if not k.startswith("@"))
    return found
