"""JSON-LD in and out of the hub: any document form in, one compacted form out.

- **Input**: expanded, compacted or flattened JSON-LD (the three forms a ONE Record server
  MUST accept, implementation-guidelines.md). :func:`normalise` expands it with PyLD,
  flattens it to a node map, finds the one root node (the node no other node refers to),
  re-embeds the nodes the document describes under the property that first refers to them,
  gives every blank node a stable embedded-object id and compacts the tree with the ONE
  Record context (:data:`ONE_RECORD_CONTEXT`, package data ``onerecord-context.jsonld``).
- **Embedded-object ids** follow the specification's recommendation
  (``internal:<uuid5>``): ``internal:`` + ``uuid5(EMBEDDED_ID_NAMESPACE, "<root id> <JSON
  path>")``, e.g. the ``grossWeight`` of piece ``P`` is ``uuid5(ns, "P grossWeight")``. They
  are deterministic (re-normalising the same document gives the same ids) and unique per
  server because the root id is; once stored, they are data and never recomputed, so later
  reordering does not change them. Ids the client gave (``internal:...`` or other IRIs) are
  kept.
- **No remote context is ever fetched**: the only document loader PyLD gets is
  :func:`document_loader`, which serves the local ONE Record context for the URLs in
  :data:`KNOWN_CONTEXTS` and refuses every other URL (``http://169.254.169.254/...``
  included) before any connection is attempted. The hub turns the resulting
  :class:`~smartlogistics.errors.InvalidInputError` into a 400.
- **Errors**: every JSON-LD processing error becomes an ``InvalidInputError`` naming the
  JSON-LD error code (``invalid IRI mapping``, ``loading remote context failed``, ...).
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Mapping
from typing import Any, Final

from smartlogistics.errors import InvalidInputError
from smartlogistics.hub._validator import KNOWN_CONTEXTS, local_context

__all__ = [
    "EMBEDDED_ID_NAMESPACE",
    "KNOWN_CONTEXTS",
    "ONE_RECORD_CONTEXT",
    "RemoteContextRefusedError",
    "canonical_nquads",
    "compact",
    "document_loader",
    "embedded_id",
    "expand",
    "flatten",
    "normalise",
]

EMBEDDED_ID_NAMESPACE: Final = uuid.UUID("8efaab7c-cfd5-11ed-9abe-325096b39f47")
"""uuid5 namespace of embedded-object ids (the one in the specification's example)."""


def _context() -> dict[str, Any]:
    ctx: dict[str, Any] = local_context("onerecord-context.jsonld")["@context"]
    return ctx


ONE_RECORD_CONTEXT: Final[dict[str, Any]] = dict(_context())
"""The ONE Record context of compacted output: prefixes ``cargo``, ``api``, ``xsd``,
``country`` (the namespaces of the ontologies and of the specification's examples)."""


class RemoteContextRefusedError(InvalidInputError):
    """A document named a context the hub does not serve locally."""

    def __init__(self, url: str) -> None:
        super().__init__(
            "@context",
            f"remote context {url!r} refused: only the ONE Record contexts are served "
            f"(from local copies: {', '.join(sorted(KNOWN_CONTEXTS))})",
        )
        self.url = url


def document_loader(url: str, options: dict[str, Any]) -> dict[str, Any]:
    """Serve the ONE Record contexts from package data; refuse every other URL.

    Parameters
    ----------
    url
        The context URL PyLD wants.
    options
        PyLD's loader options (ignored).

    Returns
    -------
    dict
        A PyLD ``RemoteDocument`` for a known URL.

    Raises
    ------
    RemoteContextRefusedError
        For any other URL; no network access is ever attempted.
    """
    name = KNOWN_CONTEXTS.get(url.rstrip("#/"))
    if name is None:
        raise RemoteContextRefusedError(url)
    return {
        "contentType": "application/ld+json",
        "contextUrl": None,
        "documentUrl": url,
        "document": copy.deepcopy(local_context(name)),
    }


def _converted(exc: Exception) -> InvalidInputError:
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, InvalidInputError):
            return cause
        cause = cause.__cause__ or cause.__context__
    code = getattr(exc, "code", None) or getattr(exc, "type", None) or "invalid JSON-LD"
    message = exc.args[0] if exc.args else str(exc)
    details = getattr(exc, "details", None)
    extra = ""
    if isinstance(details, Mapping):
        for key in ("url", "term", "iri", "context"):
            if key in details and isinstance(details[key], str | int):
                extra = f" ({key} {details[key]!r})"
                break
    return InvalidInputError("", f"malformed JSON-LD: {code}: {message}{extra}")


def _run(fn: Any, *args: Any) -> Any:
    from smartlogistics.hub import _rdf

    try:
        return fn(*args, document_loader)
    except _rdf.JsonLdError as exc:
        raise _converted(exc) from exc
    except InvalidInputError:
        raise
    except (TypeError, ValueError, KeyError, AttributeError, RecursionError) as exc:
        raise InvalidInputError("", f"malformed JSON-LD: {exc}") from exc


def expand(doc: Any) -> list[dict[str, Any]]:
    """Expand ``doc`` (any form); remote contexts refused, errors as ``InvalidInputError``."""
    from smartlogistics.hub import _rdf

    result: list[dict[str, Any]] = _run(_rdf.expand, _strip_ids(doc))
    return result


def compact(doc: Any) -> dict[str, Any]:
    """Compact ``doc`` with the ONE Record context."""
    from smartlogistics.hub import _rdf

    result: dict[str, Any] = _run(_rdf.compact, doc, {"@context": ONE_RECORD_CONTEXT})
    return result


def flatten(doc: Any) -> dict[str, Any]:
    """Flatten ``doc`` and compact the node list with the ONE Record context."""
    from smartlogistics.hub import _rdf

    result: dict[str, Any] = _run(_rdf.flatten, doc, {"@context": ONE_RECORD_CONTEXT})
    return result


def canonical_nquads(doc: Any) -> str:
    """Return the canonical N-Quads (URDNA2015) of ``doc``: equal strings, equal graphs."""
    from smartlogistics.hub import _rdf

    result: str = _run(_rdf.canonical_nquads, doc)
    return result


def embedded_id(root_id: str, path: str) -> str:
    """Return the embedded-object id for the node at JSON ``path`` under ``root_id``."""
    return f"internal:{uuid.uuid5(EMBEDDED_ID_NAMESPACE, f'{root_id} {path}')}"


def _strip_ids(doc: Any) -> Any:
    """Copy ``doc`` with surrounding white space removed from ``@id`` values.

    The specification's own examples carry ``"@id": " https://1r.example.com/..."``; a
    leading space is never part of an IRI, and JSON-LD would otherwise treat the value as
    a relative reference and drop the node from the graph.
    """
    if isinstance(doc, list):
        return [_strip_ids(v) for v in doc]
    if isinstance(doc, dict):
        out: dict[str, Any] = {}
        for key, value in doc.items():
            if key == "@id" and isinstance(value, str):
                out[key] = value.strip()
            elif key == "@context":
                out[key] = value
            else:
                out[key] = _strip_ids(value)
        return out
    return doc


def _local(iri: str) -> str:
    return iri[max(iri.rfind("#"), iri.rfind("/")) + 1 :]


def normalise(doc: Any, *, object_id: str | None = None) -> dict[str, Any]:
    """Bring a JSON-LD document of any form into the hub's compacted form.

    Parameters
    ----------
    doc
        Expanded, compacted or flattened JSON-LD describing one root node (a logistics
        object, event or API object), with embedded or referenced nodes.
    object_id
        The id to give the root node when it has none (the server-assigned logistics
        object URI at creation). A root that has an ``@id`` keeps it.

    Returns
    -------
    dict
        Compacted with :data:`ONE_RECORD_CONTEXT`: ``@context``, ``@id`` and ``@type`` on
        the root, every described node embedded with an ``@id`` (blank nodes get
        :func:`embedded_id`), references as ``{"@id": ...}``.

    Raises
    ------
    InvalidInputError
        Malformed JSON-LD, a refused remote context, no or several root nodes, a root
        without ``@type``, or a root without ``@id`` when ``object_id`` is not given.
    """
    expanded = expand(doc)
    from smartlogistics.hub import _rdf

    flat: list[dict[str, Any]] = _run(_rdf.flatten, expanded, None)
    nodes = {n["@id"]: n for n in flat if "@id" in n}
    referenced: set[str] = set()
    for node in nodes.values():
        for key, values in node.items():
            if key.startswith("@"):
                continue
            for value in values:
                if isinstance(value, dict) and "@id" in value and "@value" not in value:
                    referenced.add(value["@id"])
    described = {i for i, n in nodes.items() if any(not k.startswith("@") for k in n)}
    roots = [i for i in nodes if i not in referenced and (i in described or len(nodes) == 1)]
    if len(roots) != 1:
        what = "no root node" if not roots else f"{len(roots)} unconnected root nodes"
        raise InvalidInputError(
            "", f"the document must describe one object; it has {what} (embed or link them)"
        )
    root_key = roots[0]
    root_id = root_key
    if root_key.startswith("_:"):
        if object_id is None:
            raise InvalidInputError("@id", "the object has no @id")
        root_id = object_id
    if "@type" not in nodes[root_key]:
        raise InvalidInputError("@type", "the object has no @type")

    ids: dict[str, str] = {root_key: root_id}
    placed: set[str] = set()

    def build(key: str, path: str) -> dict[str, Any]:
        placed.add(key)
        node = nodes[key]
        out: dict[str, Any] = {"@id": ids[key]}
        for prop, values in node.items():
            if prop == "@id":
                continue
            if prop.startswith("@"):
                out[prop] = values
                continue
            name = _local(prop)
            items: list[Any] = []
            many = len(values) > 1
            for i, value in enumerate(values):
                if not (isinstance(value, dict) and "@id" in value and "@value" not in value):
                    items.append(value)
                    continue
                ref = value["@id"]
                if ref not in ids:
                    sub = f"{path}.{name}" if path else name
                    ids[ref] = (
                        embedded_id(root_id, f"{sub}[{i}]" if many else sub)
                        if (ref.startswith("_:"))
                        else ref
                    )
                if (
                    ref in nodes
                    and ref not in placed
                    and (ref in described or "@type" in nodes[ref])
                ):
                    sub = f"{path}.{name}" if path else name
                    items.append(build(ref, f"{sub}[{i}]" if many else sub))
                else:
                    items.append({"@id": ids[ref]})
            out[prop] = items
        return out

    tree = build(root_key, "")
    result = compact(tree)
    result["@context"] = ONE_RECORD_CONTEXT
    return result
