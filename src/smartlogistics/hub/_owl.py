"""Read the OWL constructs of the ONE Record ontologies out of an rdflib graph.

Private to :mod:`smartlogistics.hub.ontology`, which documents what is read and why.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import Node

from smartlogistics.hub.ontology import (
    CARGO,
    CODE_LIST_ELEMENT,
    CODE_LISTS,
    CodeList,
    OntologyClass,
    OntologyProperty,
)

__all__ = ["Tables", "read_graph"]

_VIS_ELEMENT = URIRef(CARGO + "vis_element")
_OWL_COMMENT = URIRef("http://www.w3.org/2002/07/owl#comment")  # the ontology's domain note
_DOMAIN_NOTE = re.compile(r"Domain:?\s*(.*)", re.DOTALL)
_NAMES = re.compile(r"(owl:Thing|:[A-Za-z_][\w-]*|\b[A-Z][\w-]*)")


@dataclass(slots=True)
class Tables:
    """What :func:`read_graph` found."""

    classes: dict[str, OntologyClass]
    properties: dict[str, OntologyProperty]
    individuals: dict[str, frozenset[str]]
    versions: dict[str, str]
    restrictions: dict[str, dict[str, tuple[str | None, int | None]]]


def _label(graph: Graph, node: Node) -> str:
    for value in graph.objects(node, RDFS.label):
        return str(value)
    text = str(node)
    return text[max(text.rfind("#"), text.rfind("/")) + 1 :]


def _true(graph: Graph, node: Node, prop: URIRef) -> bool:
    return any(str(v).lower() == "true" for v in graph.objects(node, prop))


def _members(graph: Graph, node: Node) -> list[Node]:
    return list(Collection(graph, node))


def _class_refs(graph: Graph, node: Node) -> list[str]:
    """Named classes of ``node``: itself, or the members of its ``owl:unionOf``."""
    if isinstance(node, URIRef):
        return [str(node)]
    out: list[str] = []
    for union in graph.objects(node, OWL.unionOf):
        out.extend(str(m) for m in _members(graph, union) if isinstance(m, URIRef))
    return out


def _datatype(graph: Graph, node: Node) -> str | None:
    """Return the base datatype of a range node (a datatype IRI or an ``owl:onDatatype``)."""
    if isinstance(node, URIRef):
        return str(node)
    for base in graph.objects(node, OWL.onDatatype):
        return str(base)
    return None


def _domain_note(text: str) -> list[str]:
    match = _DOMAIN_NOTE.match(text.strip())
    if not match:
        return []
    names: list[str] = []
    for token in _NAMES.findall(match.group(1)):
        if token == "owl:Thing":
            names.append(str(OWL.Thing))
        else:
            names.append(CARGO + token.lstrip(":"))
    return names


def _closure(direct: dict[str, set[str]]) -> dict[str, frozenset[str]]:
    done: dict[str, frozenset[str]] = {}

    def visit(cls: str, path: frozenset[str]) -> frozenset[str]:
        if cls in done:
            return done[cls]
        out: set[str] = set()
        for sup in direct.get(cls, ()):
            if sup in path:
                continue
            out.add(sup)
            out |= visit(sup, path | {sup})
        result = frozenset(out - {cls})
        done[cls] = result
        return result

    for cls in direct:
        visit(cls, frozenset({cls}))
    return done


def read_graph(graph: Graph) -> Tables:
    """Turn the ontology graph into lookup tables."""
    named_classes = {
        str(c) for c in graph.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)
    } | {str(c) for c in graph.subjects(RDF.type, RDFS.Class) if isinstance(c, URIRef)}
    direct: dict[str, set[str]] = defaultdict(set)
    restrictions: dict[str, dict[str, tuple[str | None, int | None]]] = defaultdict(dict)
    restricted_on: dict[str, set[str]] = defaultdict(set)
    for cls in named_classes:
        node = URIRef(cls)
        direct[cls]
        for sup in graph.objects(node, RDFS.subClassOf):
            if isinstance(sup, URIRef):
                direct[cls].add(str(sup))
                continue
            if (sup, RDF.type, OWL.Restriction) not in graph:
                continue
            prop = graph.value(sup, OWL.onProperty)
            if not isinstance(prop, URIRef):
                continue
            rng_node = graph.value(sup, OWL.allValuesFrom)
            rng = None
            if rng_node is not None:
                rng = _datatype(graph, rng_node)
            count: int | None = None
            for card in (OWL.maxCardinality, OWL.qualifiedCardinality, OWL.cardinality):
                value = graph.value(sup, card)
                if isinstance(value, Literal):
                    count = int(value)
            old_rng, old_count = restrictions[cls].get(str(prop), (None, None))
            restrictions[cls][str(prop)] = (
                rng if rng is not None else old_rng,
                count if count is not None else old_count,
            )
            restricted_on[str(prop)].add(cls)
    for cls in named_classes:  # code lists of the code-lists ontology: CodeListElements
        if cls.startswith(CODE_LISTS) and cls != CODE_LIST_ELEMENT:
            direct[cls].add(CODE_LIST_ELEMENT)
    supers = _closure(direct)

    individuals: dict[str, set[str]] = defaultdict(set)
    for ind in graph.subjects(RDF.type, OWL.NamedIndividual):
        for typ in graph.objects(ind, RDF.type):
            if isinstance(typ, URIRef) and str(typ) in named_classes:
                individuals[str(ind)].add(str(typ))
    members_of: dict[str, set[str]] = defaultdict(set)
    for member, member_types in individuals.items():
        for member_type in member_types:
            members_of[member_type].add(member)

    classes: dict[str, OntologyClass] = {}
    for cls in named_classes:
        node = URIRef(cls)
        enumeration: set[str] | None = None
        for eq in graph.objects(node, OWL.equivalentClass):
            for one_of in graph.objects(eq, OWL.oneOf):
                enumeration = {str(m) for m in _members(graph, one_of)}
        code_list = None
        if enumeration is not None or CODE_LIST_ELEMENT in supers[cls]:
            members = set(members_of.get(cls, set()))
            for sub, sub_supers in supers.items():  # values of narrower lists count too
                if cls in sub_supers:
                    members |= members_of.get(sub, set())
            code_list = CodeList(
                cls,
                enumeration is not None,
                frozenset(enumeration if enumeration is not None else members),
            )
        classes[cls] = OntologyClass(
            iri=cls,
            label=_label(graph, node),
            superclasses=supers[cls],
            abstract=any(str(v) == "Abstract" for v in graph.objects(node, _VIS_ELEMENT)),
            deprecated=_true(graph, node, OWL.deprecated),
            code_list=code_list,
        )

    properties: dict[str, OntologyProperty] = {}
    for kind, owl_type in (("object", OWL.ObjectProperty), ("datatype", OWL.DatatypeProperty)):
        for prop in graph.subjects(RDF.type, owl_type):
            if not isinstance(prop, URIRef):
                continue
            iri = str(prop)
            domains: set[str] = set(restricted_on.get(iri, set()))
            for dom in graph.objects(prop, RDFS.domain):
                domains.update(_class_refs(graph, dom))
            for note in graph.objects(prop, _OWL_COMMENT):
                domains.update(_domain_note(str(note)))
            if len(domains) > 1:  # "Domain owl:Thing" notes a shared property; classes rule
                domains.discard(str(OWL.Thing))
            rng = None
            for rng_node in graph.objects(prop, RDFS.range):
                rng = _datatype(graph, rng_node) if kind == "datatype" else None
                if kind == "object" and isinstance(rng_node, URIRef):
                    rng = str(rng_node)
                if rng is not None:
                    break
            properties[iri] = OntologyProperty(
                iri=iri,
                label=_label(graph, prop),
                kind="object" if kind == "object" else "datatype",
                domains=frozenset(domains),
                range=rng,
                deprecated=_true(graph, prop, OWL.deprecated),
            )

    versions: dict[str, str] = {}
    for onto in graph.subjects(RDF.type, OWL.Ontology):
        for info in graph.objects(onto, OWL.versionInfo):
            versions[str(onto)] = str(info)
    return Tables(
        classes=classes,
        properties=properties,
        individuals={k: frozenset(v) for k, v in individuals.items()},
        versions=versions,
        restrictions={k: dict(v) for k, v in restrictions.items()},
    )
