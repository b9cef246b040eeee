"""Validate a JSON-LD node tree against the ONE Record ontologies in one pass.

Public through :mod:`smartlogistics.hub` (``validate_logistics_object``, ``validate_node``,
``Problem``). The validator reads the document as it is — compacted with a context of
prefixes and simple term definitions (the ONE Record form, and what :func:`~smartlogistics.
hub.jsonld.normalise` produces) or expanded — and does dictionary look-ups only: no JSON-LD
processing, no RDF. Documents with richer contexts (scoped or protected terms, ``@vocab``
tricks, remote contexts) are for :func:`~smartlogistics.hub.jsonld.normalise` first.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from importlib import resources
from typing import Any, Final

from smartlogistics.errors import InvalidInputError
from smartlogistics.hub.ontology import (
    API,
    CARGO,
    LOGISTICS_OBJECT,
    XSD,
    Ontology,
    PropertyRule,
)

__all__ = ["KNOWN_CONTEXTS", "Problem", "validate_logistics_object", "validate_node"]

KNOWN_CONTEXTS: Final[dict[str, str]] = {
    "https://onerecord.iata.org/ns/cargo": "onerecord-context.jsonld",
    "https://onerecord.iata.org/ns/api": "onerecord-context.jsonld",
    "https://onerecord.iata.org/ns/cargo/context.jsonld": "onerecord-context.jsonld",
    "https://onerecord.iata.org/ns/api/context.jsonld": "onerecord-context.jsonld",
}
"""Context URLs served from package data (file name in ``hub/data``); nothing else is."""

_PREFIXES: Final = ((CARGO, "cargo:"), (API, "api:"), (XSD, "xsd:"))


@cache
def local_context(name: str) -> dict[str, Any]:
    """Return the packaged context document ``name`` (parsed once, do not mutate)."""
    text = (resources.files("smartlogistics.hub") / "data" / name).read_text(encoding="utf-8")
    doc: dict[str, Any] = json.loads(text)
    return doc


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a document.

    Attributes
    ----------
    path
        JSON path in the document as given: ``pieces[0].grossWeight.numericalValue``
        (property local names, list indexes where the document has a list).
    code
        What kind of problem: ``unknown-class``, ``abstract-class``, ``missing-type``,
        ``not-a-logistics-object``, ``wrong-class``, ``unknown-property``,
        ``undefined-term``, ``property-not-allowed``, ``wrong-datatype``,
        ``literal-expected``, ``object-expected``, ``unknown-code``, ``too-many-values``.
    message
        The problem in words.
    property
        IRI of the property concerned (``None`` for ``@type`` problems).
    name
        Compact name of the property (``cargo:grossWeight``), or ``@type``.
    """

    path: str
    code: str
    message: str
    property: str | None = None
    name: str | None = None

    def to_json(self) -> dict[str, Any]:
        """Return the problem as plain JSON types."""
        return {
            "path": self.path,
            "code": self.code,
            "message": self.message,
            "property": self.property,
            "name": self.name,
        }

    def to_error(self) -> InvalidInputError:
        """Return the platform's bad-input error for this problem."""
        return InvalidInputError(self.path, self.message)


def compact_name(iri: str) -> str:
    """Return ``cargo:grossWeight`` for the cargo IRI (also ``api:``, ``xsd:``)."""
    for ns, prefix in _PREFIXES:
        if iri.startswith(ns):
            return prefix + iri[len(ns) :]
    return iri


def _local(iri: str) -> str:
    return iri[max(iri.rfind("#"), iri.rfind("/"), iri.rfind(":")) + 1 :]


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


class _Context:
    """The little of a JSON-LD context the validator needs: prefixes and simple terms."""

    __slots__ = ("coerce", "language", "terms", "vocab")

    def __init__(self) -> None:
        self.terms: dict[str, str] = {}
        self.coerce: dict[str, str] = {}  # term or IRI -> "@id" / datatype IRI
        self.vocab: str | None = None
        self.language: str | None = None

    def child(self, spec: Any, path: str) -> _Context:
        ctx = _Context()
        ctx.terms = dict(self.terms)
        ctx.coerce = dict(self.coerce)
        ctx.vocab, ctx.language = self.vocab, self.language
        for item in spec if isinstance(spec, list) else [spec]:
            ctx._add(item, path)
        return ctx

    def _add(self, spec: Any, path: str) -> None:
        if spec is None:
            self.terms.clear()
            self.coerce.clear()
            self.vocab = self.language = None
            return
        if isinstance(spec, str):
            name = KNOWN_CONTEXTS.get(spec.rstrip("#/"))
            if name is None:
                raise InvalidInputError(
                    _join(path, "@context"),
                    f"remote context {spec!r} refused: only the ONE Record contexts are "
                    "served (from local copies)",
                )
            self._add(local_context(name)["@context"], path)
            return
        if not isinstance(spec, Mapping):
            raise InvalidInputError(_join(path, "@context"), "must be an object, URL or list")
        for key, value in spec.items():
            if key == "@vocab":
                self.vocab = value if isinstance(value, str) else None
            elif key == "@language":
                self.language = value if isinstance(value, str) else None
            elif key.startswith("@"):
                continue  # @version, @base: no bearing on validation
            elif isinstance(value, str):
                self.terms[key] = value
            elif isinstance(value, Mapping):
                iri = value.get("@id", key)
                if not isinstance(iri, str):
                    raise InvalidInputError(_join(path, f"@context.{key}"), "@id must be a string")
                if set(value) - {"@id", "@type", "@container", "@language"}:
                    raise InvalidInputError(
                        _join(path, f"@context.{key}"),
                        "term definition too rich for direct validation; normalise first",
                    )
                if iri != key:
                    self.terms[key] = iri
                typ = value.get("@type")
                if isinstance(typ, str):
                    self.coerce[self.expand(key)] = typ if typ.startswith("@") else self.expand(typ)
            elif value is None:
                self.terms.pop(key, None)

    def expand(self, name: str) -> str:
        """Expand a term, compact IRI or IRI (vocabulary-relative)."""
        term = self.terms.get(name)
        if term is not None:
            return self.expand(term) if term != name and ":" in term else term
        prefix, colon, rest = name.partition(":")
        if colon:
            if rest.startswith("//"):
                return name
            base = self.terms.get(prefix)
            if base is not None:
                return base + rest
            return name
        if self.vocab is not None:
            return self.vocab + name
        return name

    def expand_type(self, name: str) -> str:
        return self.expand(name)


_EMPTY = _Context()

_INTEGER_TYPES: Final = frozenset(
    XSD + t
    for t in ("integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger")
)
_FLOAT_TYPES: Final = frozenset(XSD + t for t in ("double", "float", "decimal"))
_NUMERIC: Final = _INTEGER_TYPES | _FLOAT_TYPES
_STRING_TYPES: Final = frozenset(
    {XSD + "string", "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"}
)

_RE_INT = re.compile(r"[+-]?\d+")
_RE_DOUBLE = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|[+-]?INF|NaN")
_RE_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_RE_DATETIME = re.compile(
    r"(-?\d{4,})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?"
)
_RE_DATE = re.compile(r"(-?\d{4,})-(\d{2})-(\d{2})(Z|[+-]\d{2}:\d{2})?")
_RE_DURATION = re.compile(
    r"-?P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?"
)


def _lexical_ok(datatype: str, text: str) -> bool:
    """Return whether ``text`` is a valid lexical form of ``datatype`` (XSD 1.1)."""
    if datatype in _INTEGER_TYPES:
        if not _RE_INT.fullmatch(text):
            return False
        number = int(text)
        if datatype == XSD + "nonNegativeInteger":
            return number >= 0
        if datatype == XSD + "positiveInteger":
            return number > 0
        return True
    if datatype == XSD + "decimal":
        return bool(_RE_DECIMAL.fullmatch(text))
    if datatype in _FLOAT_TYPES:
        return bool(_RE_DOUBLE.fullmatch(text))
    if datatype == XSD + "boolean":
        return text in ("true", "false", "1", "0")
    if datatype == XSD + "dateTime":
        m = _RE_DATETIME.fullmatch(text)
        if not m:
            return False
        year, month, day, hour, minute, second = (int(m.group(i)) for i in range(1, 7))
        if hour == 24 and minute == 0 and second == 0 and not m.group(7):
            hour = 0  # XSD allows 24:00:00 for the end of a day
        try:
            datetime(max(year, 1), month, day, hour, minute, second)
        except ValueError:
            return False
        return True
    if datatype == XSD + "date":
        m = _RE_DATE.fullmatch(text)
        if not m:
            return False
        try:
            date(max(int(m.group(1)), 1), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return False
        return True
    if datatype == XSD + "duration":
        return bool(_RE_DURATION.fullmatch(text))
    if datatype == XSD + "anyURI":
        return not any(c.isspace() for c in text)
    return True


def _type_compatible(given: str, expected: str) -> bool:
    if given == expected:
        return True
    if expected in _NUMERIC:
        return given in _INTEGER_TYPES or (given in _FLOAT_TYPES and expected in _FLOAT_TYPES)
    if expected in _STRING_TYPES:
        return given in _STRING_TYPES
    return False


class _Walker:
    """One validation run; collects problems."""

    __slots__ = ("ontology", "problems")

    def __init__(self, ontology: Ontology) -> None:
        self.ontology = ontology
        self.problems: list[Problem] = []

    def add(self, path: str, code: str, message: str, prop: str | None = None) -> None:
        name = compact_name(prop) if prop else "@type"
        self.problems.append(Problem(path, code, message, prop, name))

    # -- nodes ---------------------------------------------------------------------------
    def node_types(self, node: Mapping[str, Any], ctx: _Context, path: str) -> list[str]:
        raw = node.get("@type")
        if raw is None:
            return []
        items = raw if isinstance(raw, list) else [raw]
        types: list[str] = []
        for item in items:
            if not isinstance(item, str):
                self.add(_join(path, "@type"), "unknown-class", "@type must be an IRI string")
                continue
            iri = ctx.expand_type(item)
            if iri not in self.ontology.classes:
                self.add(
                    _join(path, "@type"),
                    "unknown-class",
                    f"unknown class {compact_name(iri)!r}: not in the ONE Record ontologies",
                )
                continue
            types.append(iri)
        return types

    def node(
        self,
        node: Mapping[str, Any],
        ctx: _Context,
        path: str,
        inferred: str | None,
    ) -> list[str]:
        """Validate a node object; return its classes (explicit, else inferred)."""
        if "@context" in node:
            ctx = ctx.child(node["@context"], path)
        types = self.node_types(node, ctx, path)
        classes = types or ([inferred] if inferred else [])
        if types and all(self.ontology.classes[t].abstract for t in types):
            self.add(
                _join(path, "@type"),
                "abstract-class",
                f"{compact_name(types[0])} is abstract; give the specific class",
            )
        rules = self._rules(classes)
        what = ", ".join(compact_name(c) for c in classes) or "an untyped node"
        for key, value in node.items():
            if key.startswith("@"):
                continue
            iri = ctx.expand(key)
            kpath = _join(path, _local(iri) if ":" in iri else key)
            if ":" not in iri:
                self.add(kpath, "undefined-term", f"term {key!r} is not defined by the context")
                continue
            rule = rules.get(iri)
            if rule is None:
                prop = self.ontology.properties.get(iri)
                if prop is None:
                    self.add(
                        kpath,
                        "unknown-property",
                        f"unknown property {compact_name(iri)}: not in the ONE Record ontologies",
                        iri,
                    )
                elif classes:
                    self.add(
                        kpath,
                        "property-not-allowed",
                        f"property {compact_name(iri)} is not allowed on {what}",
                        iri,
                    )
                continue
            self.values(value, rule, ctx, kpath, ctx.coerce.get(iri))
        return classes

    def _rules(self, classes: list[str]) -> Mapping[str, PropertyRule]:
        if not classes:
            return {}
        if len(classes) == 1:
            return self.ontology.properties_of(classes[0])
        merged: dict[str, PropertyRule] = {}
        for cls in classes:
            for iri, rule in self.ontology.properties_of(cls).items():
                merged.setdefault(iri, rule)
        return merged

    # -- values --------------------------------------------------------------------------
    def values(
        self, value: Any, rule: PropertyRule, ctx: _Context, path: str, coerce: str | None
    ) -> None:
        prop = rule.property
        if isinstance(value, Mapping) and "@list" in value:
            value = value["@list"]
        if isinstance(value, list):
            count = sum(1 for v in value if v is not None)
            if rule.max_count is not None and count > rule.max_count:
                self.add(
                    path,
                    "too-many-values",
                    f"{compact_name(prop.iri)} takes at most {rule.max_count} value(s), "
                    f"got {count}",
                    prop.iri,
                )
            for i, item in enumerate(value):
                self.value(item, rule, ctx, f"{path}[{i}]", coerce)
        elif value is not None:
            self.value(value, rule, ctx, path, coerce)

    def value(
        self, item: Any, rule: PropertyRule, ctx: _Context, path: str, coerce: str | None
    ) -> None:
        prop = rule.property
        if prop.kind == "datatype":
            self.literal(item, rule, path, coerce)
            return
        rng = rule.range
        if isinstance(item, str) and coerce in ("@id", "@vocab"):
            self.reference(ctx.expand(item), rule, path)
            return
        if not isinstance(item, Mapping) or "@value" in item:
            shown = item.get("@value") if isinstance(item, Mapping) else item
            self.add(
                path,
                "object-expected",
                f"{compact_name(prop.iri)} takes a node (an object with @id or properties) of "
                f"class {compact_name(rng or '?')}, not the literal {shown!r}",
                prop.iri,
            )
            return
        ident = item.get("@id")
        if ident is not None and not isinstance(ident, str):
            self.add(_join(path, "@id"), "object-expected", "@id must be an IRI string", prop.iri)
            return
        has_properties = any(not k.startswith("@") for k in item)
        if ident is not None and rng is not None:
            self.reference(ctx.expand(ident), rule, path, check_code=True)
        if not has_properties:
            types = self.node_types(item, ctx, path)
            self._check_class(types, rule, path)
            return
        classes = self.node(item, ctx, path, rng)
        if "@type" in item:
            self._check_class(classes, rule, path)

    def _check_class(self, types: list[str], rule: PropertyRule, path: str) -> None:
        rng = rule.range
        if not types or rng is None:
            return
        if any(self.ontology.is_subclass(t, rng) for t in types):
            return
        self.add(
            _join(path, "@type"),
            "wrong-class",
            f"{compact_name(rule.property.iri)} takes {compact_name(rng)}, "
            f"not {compact_name(types[0])}",
            rule.property.iri,
        )

    def reference(
        self, iri: str, rule: PropertyRule, path: str, *, check_code: bool = True
    ) -> None:
        rng = rule.range
        if rng is None or not check_code:
            return
        code_list = self.ontology.code_list(rng)
        if code_list is not None and not code_list.admits(iri):
            kind = "closed" if code_list.closed else "open"
            self.add(
                path,
                "unknown-code",
                f"{iri!r} is not a code of the {kind} code list {compact_name(rng)}",
                rule.property.iri,
            )

    def literal(self, item: Any, rule: PropertyRule, path: str, coerce: str | None) -> None:
        prop = rule.property
        expected = rule.range
        name = compact_name(prop.iri)
        if isinstance(item, Mapping):
            if "@value" not in item:
                self.add(
                    path,
                    "literal-expected",
                    f"{name} takes a literal ({compact_name(expected or 'rdfs:Literal')}), "
                    "not a node",
                    prop.iri,
                )
                return
            raw = item["@value"]
            given = item.get("@type")
            if given is not None and not isinstance(given, str):
                self.add(path, "wrong-datatype", "@type of a value must be an IRI", prop.iri)
                return
            given_iri = _expand_datatype(given) if isinstance(given, str) else None
        else:
            raw = item
            given_iri = coerce if coerce and not coerce.startswith("@") else None
        if expected is None:
            return
        if given_iri is not None and not _type_compatible(given_iri, expected):
            self.add(
                path,
                "wrong-datatype",
                f"{name} takes {compact_name(expected)}, not {compact_name(given_iri)}",
                prop.iri,
            )
            return
        problem = _native_problem(raw, expected)
        if problem:
            self.add(
                path,
                "wrong-datatype",
                f"{name} takes {compact_name(expected)}: {problem}",
                prop.iri,
            )


def _expand_datatype(name: str) -> str:
    if name.startswith("xsd:"):
        return XSD + name[4:]
    return name


def _native_problem(raw: Any, expected: str) -> str | None:
    """Say what is wrong with a JSON value for ``expected``, or return ``None``."""
    if isinstance(raw, bool):
        return None if expected == XSD + "boolean" else f"got the boolean {raw!r}"
    if isinstance(raw, int):
        if expected in _NUMERIC:
            return (
                None
                if _lexical_ok(expected, str(raw)) or expected in _FLOAT_TYPES
                else (f"{raw} is out of range")
            )
        return f"got the number {raw}"
    if isinstance(raw, float):
        if expected in _FLOAT_TYPES:
            return None
        if expected in _INTEGER_TYPES and raw.is_integer():
            return None if _lexical_ok(expected, str(int(raw))) else f"{raw} is out of range"
        return f"got the number {raw}"
    if isinstance(raw, str):
        if _lexical_ok(expected, raw):
            return None
        return f"{raw!r} is not a valid {compact_name(expected)}"
    return f"got {type(raw).__name__}"


def _top(doc: Any) -> tuple[Mapping[str, Any], _Context]:
    if isinstance(doc, list):
        if len(doc) != 1 or not isinstance(doc[0], Mapping):
            raise InvalidInputError("", "expected one JSON-LD node object")
        doc = doc[0]
    if not isinstance(doc, Mapping):
        raise InvalidInputError("", "expected a JSON-LD node object")
    if "@graph" in doc:
        raise InvalidInputError("@graph", "a @graph is not one object; normalise it first")
    return doc, _EMPTY


def validate_node(
    doc: Mapping[str, Any] | list[Any], *, ontology: Ontology, expected: str | None = None
) -> list[Problem]:
    """Validate a JSON-LD node (compacted or expanded) against the ontologies.

    Parameters
    ----------
    doc
        The node: a JSON object (or a one-element expanded list). Its ``@context`` may be
        prefixes and simple term definitions or the known ONE Record context URLs.
    ontology
        The lookup tables (:func:`~smartlogistics.hub.ontology.load_ontology`).
    expected
        Class the node must be an instance of (e.g. ``api:Subscription``), if any.

    Returns
    -------
    list[Problem]
        Empty when the node is valid; else every problem found, in document order.

    Raises
    ------
    InvalidInputError
        When the document is not a node object, or its context is remote or too rich to
        read without JSON-LD processing.
    """
    node, ctx = _top(doc)
    walker = _Walker(ontology)
    if "@context" in node:
        ctx = ctx.child(node["@context"], "")
    if "@type" not in node:
        walker.add("@type", "missing-type", "@type is required")
    classes = walker.node(node, ctx, "", None)
    if (
        expected is not None
        and classes
        and not any(ontology.is_subclass(c, expected) for c in classes)
    ):
        walker.add(
            "@type",
            "wrong-class",
            f"expected {compact_name(expected)}, got {compact_name(classes[0])}",
        )
    return walker.problems


def validate_logistics_object(
    doc: Mapping[str, Any] | list[Any], *, ontology: Ontology
) -> list[Problem]:
    """Validate a logistics object (or logistics event) against the cargo ontology.

    As :func:`validate_node`, and the top node must be a ``cargo:LogisticsObject`` or a
    ``cargo:LogisticsEvent`` (which 3.3.0 does not derive from ``LogisticsObject``, but
    which the API stores and serves the same way).
    """
    problems = validate_node(doc, ontology=ontology)
    node, _ = _top(doc)
    ctx = _EMPTY.child(node["@context"], "") if "@context" in node else _EMPTY
    raw = node.get("@type")
    types = [ctx.expand(t) for t in (raw if isinstance(raw, list) else [raw]) if isinstance(t, str)]
    known = [t for t in types if t in ontology.classes]
    if known and not any(
        ontology.is_subclass(t, LOGISTICS_OBJECT) or ontology.is_subclass(t, _EVENT) for t in known
    ):
        problems.append(
            Problem(
                "@type",
                "not-a-logistics-object",
                f"{compact_name(known[0])} is not a logistics object class",
                None,
                "@type",
            )
        )
    return problems


_EVENT: Final = CARGO + "LogisticsEvent"
