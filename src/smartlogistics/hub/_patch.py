"""ONE Record ``api:Change`` documents: parse, check, and apply to a compacted object.

A Change lists operations (``api:op`` ADD or DELETE, subject ``api:s``, predicate
``api:p``, objects ``api:o`` = ``OperationObject(hasDatatype, hasValue)``). The
specification (logistics-objects.md, "Update a Logistics Object") fixes:

- ``hasLogisticsObject`` MUST match the PATCHed URI (400 otherwise);
- operations on ``cargo:events`` MUST be rejected (400);
- the subject of every operation MUST be the object or one of its embedded objects (or a
  blank node introduced by this very Change as a new embedded object) — PATCH never
  creates logistics objects (400);
- a datatype that is a cargo class which is not a logistics object makes the value a new
  embedded object, and the server generates its embedded-object id;
- application is atomic: all DELETEs, then all ADDs; any failure fails the whole Change.

:func:`parse_change` reads the expanded form (any JSON-LD form in, via PyLD ``expand``),
:func:`apply_change` works on the hub's stored compacted body and returns the new body and
the changed property IRIs, or raises :class:`ChangeFailedError` with the reasons.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final

from smartlogistics.hub._errors import Detail, HubError
from smartlogistics.hub._validator import compact_name
from smartlogistics.hub.jsonld import embedded_id
from smartlogistics.hub.ontology import API, CARGO, LOGISTICS_OBJECT, XSD, Ontology

__all__ = ["Change", "ChangeFailedError", "Operation", "apply_change", "parse_change"]

_OP_ADD: Final = API + "ADD"
_OP_DELETE: Final = API + "DELETE"
_EVENTS: Final = CARGO + "events"
_BOOL: Final = XSD + "boolean"
_FLOATS: Final = frozenset(XSD + t for t in ("double", "float", "decimal"))
_INTS: Final = frozenset(
    XSD + t
    for t in (
        "integer",
        "int",
        "long",
        "short",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "unsignedInt",
        "unsignedLong",
    )
)


@dataclass(frozen=True, slots=True)
class Operation:
    """One ADD or DELETE: subject id, predicate IRI, (datatype IRI, value) pairs."""

    op: str
    s: str
    p: str
    o: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Change:
    """A parsed ``api:Change``."""

    logistics_object: str
    revision: int
    operations: tuple[Operation, ...]
    description: str | None
    notify: bool


class ChangeFailedError(Exception):
    """Applying the Change failed; ``details`` say why (nothing was applied)."""

    def __init__(self, title: str, details: list[Detail]) -> None:
        super().__init__(title)
        self.title = title
        self.details = details


def _one(node: Mapping[str, Any], iri: str) -> Any:
    values = node.get(iri)
    if not values:
        return None
    return values[0]


def _literal(item: Any) -> str | None:
    if isinstance(item, Mapping) and "@value" in item:
        raw = item["@value"]
        if isinstance(raw, bool):
            return "true" if raw else "false"
        return str(raw)
    if isinstance(item, Mapping) and "@id" in item:
        return str(item["@id"])
    return None


def _bad(message: str, prop: str | None = None, resource: str | None = None) -> HubError:
    return HubError(400, message, title="Invalid resource", property=prop, resource=resource)


def parse_change(doc: Any, *, target_uri: str) -> Change:
    """Parse and check a Change document (any JSON-LD form) aimed at ``target_uri``.

    Raises
    ------
    HubError
        400 for malformed JSON-LD, a non-Change, a missing or wrong
        ``hasLogisticsObject``, a missing revision, unknown operations, or operations on
        ``cargo:events``.
    """
    from smartlogistics.errors import InvalidInputError
    from smartlogistics.hub.jsonld import expand

    try:
        expanded = expand(doc)
    except InvalidInputError as exc:
        raise HubError(400, exc.problem, property=exc.field or None) from exc
    nodes = [n for n in expanded if isinstance(n, Mapping)]
    if len(nodes) != 1:
        raise _bad("the body must be one api:Change object")
    node = nodes[0]
    if API + "Change" not in node.get("@type", []):
        raise _bad("the body must be an api:Change", "@type")
    lo = _one(node, API + "hasLogisticsObject")
    lo_uri = lo.get("@id") if isinstance(lo, Mapping) else None
    if not isinstance(lo_uri, str):
        raise _bad("api:hasLogisticsObject is required", API + "hasLogisticsObject")
    if lo_uri.strip() != target_uri:
        raise HubError(
            400,
            "LogisticsObject URI in Change does not match requested Logistics Object URI",
            title="Logistics Object URI does not match",
            property=API + "hasLogisticsObject",
            resource=target_uri,
        )
    rev_text = _literal(_one(node, API + "hasRevision"))
    try:
        revision = int(rev_text) if rev_text is not None else 0
    except ValueError:
        revision = 0
    if revision < 1:
        raise _bad("api:hasRevision must be a positive integer", API + "hasRevision")
    ops: list[Operation] = []
    for raw in node.get(API + "hasOperation", []):
        op_ref = _one(raw, API + "op")
        op = op_ref.get("@id") if isinstance(op_ref, Mapping) else None
        if op not in (_OP_ADD, _OP_DELETE):
            raise _bad("api:op must be api:ADD or api:DELETE", API + "op")
        s = _literal(_one(raw, API + "s"))
        p = _literal(_one(raw, API + "p"))
        if not s or not p:
            raise _bad("every operation needs api:s and api:p", API + "s")
        s, p = s.strip(), p.strip()
        if p == _EVENTS:
            raise HubError(
                400,
                "Logistics Events of a Logistics Object can not be updated using PATCH",
                title="Logistics Events can not be updated",
                property=_EVENTS,
                resource=target_uri,
            )
        objects: list[tuple[str, str]] = []
        for obj in raw.get(API + "o", []):
            if not isinstance(obj, Mapping):
                continue
            if "@value" in obj:  # a plain literal as o (allowed by the ontology: string)
                objects.append((XSD + "string", str(obj["@value"])))
                continue
            dtype = _literal(_one(obj, API + "hasDatatype"))
            value = _literal(_one(obj, API + "hasValue"))
            if dtype is None or value is None:
                raise _bad("every api:o needs api:hasDatatype and api:hasValue", API + "o")
            objects.append((dtype.strip(), value))
        if not objects:
            raise _bad("every operation needs at least one api:o", API + "o")
        ops.append(Operation(op, s, p, tuple(objects)))
    if not ops:
        raise _bad("a Change needs at least one api:hasOperation", API + "hasOperation")
    description = _literal(_one(node, API + "hasDescription"))
    notify = (_literal(_one(node, API + "notifyRequestStatusChange")) or "false") == "true"
    return Change(lo_uri.strip(), revision, tuple(ops), description, notify)


def change_to_jsonld(change: Change, change_id: str) -> dict[str, Any]:
    """Return the Change as compacted JSON-LD (for the ChangeRequest body)."""
    return {
        "@id": change_id,
        "@type": "api:Change",
        "api:hasLogisticsObject": {"@id": change.logistics_object},
        **({"api:hasDescription": change.description} if change.description else {}),
        "api:hasOperation": [
            {
                "@id": f"{change_id}-op{i}",
                "@type": "api:Operation",
                "api:op": {"@id": compact_name(op.op)},
                "api:s": op.s,
                "api:p": {"@type": "xsd:anyURI", "@value": op.p},
                "api:o": [
                    {
                        "@id": f"{change_id}-op{i}-o{j}",
                        "@type": "api:OperationObject",
                        "api:hasDatatype": {"@type": "xsd:anyURI", "@value": d},
                        "api:hasValue": v,
                    }
                    for j, (d, v) in enumerate(op.o)
                ],
            }
            for i, op in enumerate(change.operations)
        ],
        "api:hasRevision": {"@type": "xsd:positiveInteger", "@value": str(change.revision)},
        "api:notifyRequestStatusChange": change.notify,
    }


def _walk_nodes(tree: Any) -> Iterator[dict[str, Any]]:
    stack = [tree]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            if "@value" in item:
                continue
            if ("@id" in item and any(not k.startswith("@") for k in item)) or "@type" in item:
                yield item
            stack.extend(v for k, v in item.items() if not k.startswith("@"))


def _expand_id(ident: str) -> str:
    for prefix, ns in (("cargo:", CARGO), ("api:", API)):
        if ident.startswith(prefix):
            return ns + ident[len(prefix) :]
    return ident


def node_index(body: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Map each node id of the compacted tree (root and embedded objects) to its dict."""
    return {_expand_id(str(n["@id"])): n for n in _walk_nodes(body) if "@id" in n}


def check_subjects(change: Change, body: Mapping[str, Any]) -> None:
    """Raise a 400 unless every subject is the object, an embedded object, or new."""
    index = node_index(body)
    new = {v for op in change.operations if op.op == _OP_ADD for d, v in op.o if v.startswith("_:")}
    for op in change.operations:
        if op.s not in index and op.s not in new:
            raise _bad(
                f"operation subject {op.s!r} is neither the logistics object nor one of its "
                "embedded objects (PATCH cannot create logistics objects)",
                API + "s",
                change.logistics_object,
            )


def _num(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _matches(stored: Any, dtype: str, value: str) -> bool:
    if isinstance(stored, dict):
        if "@value" in stored:
            raw = stored["@value"]
        elif "@id" in stored:
            return _expand_id(str(stored["@id"])) == value
        else:
            return False
    else:
        raw = stored
    if isinstance(raw, bool) or dtype == _BOOL:
        text = ("true" if raw else "false") if isinstance(raw, bool) else str(raw).lower()
        return text == value.strip().lower()
    if isinstance(raw, int | float) or dtype in _FLOATS or dtype in _INTS:
        a, b = _num(str(raw)), _num(value)
        return a is not None and a == b
    return str(raw) == value


def _new_value(dtype: str, value: str) -> Any:
    if dtype == _BOOL and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    if dtype in _FLOATS and _num(value) is not None:
        return float(value)
    if dtype == XSD + "integer":
        try:
            return int(value)
        except ValueError:
            pass
    if dtype == XSD + "string":
        return value
    return {"@type": compact_name(dtype), "@value": value}


def _values(node: dict[str, Any], key: str) -> list[Any]:
    if key not in node:
        return []
    raw = node[key]
    return list(raw) if isinstance(raw, list) else [raw]


def _store(node: dict[str, Any], key: str, values: list[Any]) -> None:
    if not values:
        node.pop(key, None)
    else:
        node[key] = values[0] if len(values) == 1 else values


def apply_change(
    body: Mapping[str, Any],
    change: Change,
    *,
    ontology: Ontology,
    change_id: str,
) -> tuple[dict[str, Any], list[str]]:
    """Apply ``change`` to a copy of the compacted ``body``.

    Returns
    -------
    tuple
        The new body and the changed property IRIs (sorted, unique).

    Raises
    ------
    ChangeFailedError
        A DELETE finds no such value, a subject does not exist; nothing is applied.
    """
    new = copy.deepcopy(dict(body))
    index = node_index(new)
    root = change.logistics_object
    failures: list[Detail] = []
    changed: set[str] = set()
    blanks: dict[str, str] = {}
    for op in change.operations:
        if op.op != _OP_ADD:
            continue
        for _dtype, value in op.o:
            if value.startswith("_:") and value not in blanks:
                blanks[value] = embedded_id(root, f"{change_id} {value}")
    adds = [o for o in change.operations if o.op == _OP_ADD]
    ordered = (
        [o for o in change.operations if o.op == _OP_DELETE]
        + [o for o in adds if any(v in blanks for _, v in o.o)]
        + [o for o in adds if not any(v in blanks for _, v in o.o)]
    )
    for op in ordered:
        subject = blanks.get(op.s, op.s)
        node = index.get(subject)
        if node is None:
            failures.append(
                Detail(f"subject {op.s!r} does not exist", property=op.p, resource=root)
            )
            continue
        key = compact_name(op.p)
        current = _values(node, key)
        if op.op == _OP_DELETE:
            for dtype, value in op.o:
                hit = next((i for i, v in enumerate(current) if _matches(v, dtype, value)), None)
                if hit is None:
                    failures.append(
                        Detail(
                            f"DELETE: {compact_name(op.p)} of {op.s} has no value {value!r}",
                            property=op.p,
                            resource=root,
                        )
                    )
                    continue
                current.pop(hit)
        else:
            for dtype, value in op.o:
                if value in blanks:
                    child: dict[str, Any] = {"@id": blanks[value], "@type": compact_name(dtype)}
                    index[blanks[value]] = child
                    current.append(child)
                elif dtype.startswith(XSD):
                    current.append(_new_value(dtype, value))
                elif _is_embedded_class(ontology, dtype) and value in index:
                    current.append(index[value])
                else:
                    current.append({"@id": compact_name(value)})
        _store(node, key, current)
        changed.add(op.p)
    if failures:
        raise ChangeFailedError("Change could not be applied", failures)
    return new, sorted(changed)


def _is_embedded_class(ontology: Ontology, iri: str) -> bool:
    return iri in ontology.classes and not ontology.is_subclass(iri, LOGISTICS_OBJECT)
