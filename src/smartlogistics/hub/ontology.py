"""The ONE Record ontologies as lookup tables: classes, properties, code lists.

The cargo ontology 3.3.0, the code lists 1.1.0 and the API ontology 2.3.0 (package data,
copied unchanged, see ``data/PROVENANCE.md``) are parsed once with rdflib into plain
dictionaries of frozen records, so that validation is dictionary look-ups only.
:func:`load_ontology` builds the process-wide :class:`Ontology` on first use (about 0.8 s
of Turtle parsing on one core, measured; no on-disk cache is kept, which would only be one
more artefact to keep in step with the ``.ttl`` files).

How the ontologies say things, and how they are read here
----------------------------------------------------------
- **Allowed properties of a class.** The cargo ontology states no ``rdfs:domain``; it
  attaches properties to classes with ``owl:Restriction`` blank nodes in ``rdfs:subClassOf``
  (``owl:allValuesFrom`` for the range on that class, ``owl:maxCardinality`` for "at most
  one") and repeats the domain as an annotation, ``owl:comment "Domain :Piece"``. The API
  ontology uses ``rdfs:domain`` (sometimes an ``owl:unionOf`` list) and
  ``owl:qualifiedCardinality`` restrictions. A property is allowed on a class when the class
  or one of its superclasses carries a restriction on it, or is named by its domain (any of
  the three forms). The note ``Domain owl:Thing`` marks a property shared by several
  classes: when restrictions or other domain statements name classes, those rule; only a
  property with no class named at all (or no domain information) is allowed everywhere.
- **Ranges.** ``rdfs:range`` is a class (object property) or an XSD datatype (datatype
  property; a ``rdfs:Datatype`` with ``owl:onDatatype`` counts as its base type). A
  restriction's ``owl:allValuesFrom`` on the class (or the nearest superclass that has one)
  overrides the global range: ``StatusUpdateEvent`` narrows ``eventCode`` to ``StatusCode``.
- **Code lists.** A code list is a class whose values are IRIs of ``owl:NamedIndividual``
  instances: the classes of the code-lists ontology (``https://onerecord.iata.org/ns/
  code-lists/SpecialHandlingCode``, individuals ``...SpecialHandlingCode#VAL``) and the
  cargo classes derived from ``cargo:CodeListElement`` (``EventTimeType`` with ``ACTUAL``,
  ``SensorType`` with ``THERMOMETER``). A list is **closed** when the class is
  ``owl:equivalentClass`` to an ``owl:oneOf`` enumeration (the ontology's "Restricted code
  list") and **open** otherwise. Code-list classes of the code-lists ontology count as
  subclasses of ``cargo:CodeListElement`` (they are in spirit; the file does not import the
  cargo ontology, so it cannot say so).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:  # rdflib loads only when the ontology is built
    from rdflib import Graph

__all__ = [
    "API",
    "CARGO",
    "CODE_LISTS",
    "CODE_LIST_ELEMENT",
    "LOGISTICS_OBJECT",
    "OWL_THING",
    "XSD",
    "CodeList",
    "Ontology",
    "OntologyClass",
    "OntologyProperty",
    "PropertyRule",
    "build_ontology",
    "load_ontology",
]

CARGO = "https://onerecord.iata.org/ns/cargo#"
API = "https://onerecord.iata.org/ns/api#"
CODE_LISTS = "https://onerecord.iata.org/ns/code-lists/"
XSD = "http://www.w3.org/2001/XMLSchema#"
OWL_THING = "http://www.w3.org/2002/07/owl#Thing"
LOGISTICS_OBJECT = CARGO + "LogisticsObject"
CODE_LIST_ELEMENT = CARGO + "CodeListElement"

ONTOLOGY_FILES = (
    "IATA-1R-DM-Ontology.ttl",
    "IATA-1R-CL-Ontology.ttl",
    "ONE-Record-API-Ontology.ttl",
)
"""Package data files parsed into the :class:`Ontology`, in this order."""

# Properties the API specification puts on every logistics object it returns
# (logistics-objects.md: "The JSON payload of the logistics object MUST include ...
# hasRevision and hasLatestRevision"), although the API ontology gives them the domains
# ChangeRequest and AuditTrail.
SERVER_MANAGED = (API + "hasRevision", API + "hasLatestRevision")

_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


@dataclass(frozen=True, slots=True)
class CodeList:
    """The values a code-list class admits.

    Attributes
    ----------
    iri
        The code-list class.
    closed
        True when the ontology enumerates the values (``owl:oneOf``); an open list also
        admits IRIs from outside its own namespace.
    members
        IRIs of the named individuals of the class (for a closed list: the enumeration).
    """

    iri: str
    closed: bool
    members: frozenset[str]

    def admits(self, value: str) -> bool:
        """Return whether ``value`` (an IRI) is an acceptable code of this list.

        A closed list admits its members only. An open list admits its members and any IRI
        outside the namespaces the list's own codes live in: an unknown code *inside* them
        (``SpecialHandlingCode#VALX``, ``cargo#THERMOMETR``) is a typo, not an extension.
        """
        if value in self.members:
            return True
        if self.closed:
            return False
        return not value.startswith(_own_namespaces(self))


@cache
def _own_namespaces(code_list: CodeList) -> tuple[str, ...]:
    spaces = {code_list.iri + "#"}
    for member in code_list.members:
        cut = max(member.rfind("#"), member.rfind("/"))
        spaces.add(member[: cut + 1])
    return tuple(sorted(spaces))


@dataclass(frozen=True, slots=True)
class OntologyClass:
    """A class of the ontologies.

    Attributes
    ----------
    iri, label
        Its IRI and ``rdfs:label``.
    superclasses
        All named superclasses, transitively, without the class itself.
    abstract
        The cargo ontology marks it ``vis_element "Abstract"`` (e.g. ``LogisticsObject``).
    deprecated
        ``owl:deprecated true``.
    code_list
        The code list it is, if it is one.
    """

    iri: str
    label: str
    superclasses: frozenset[str]
    abstract: bool = False
    deprecated: bool = False
    code_list: CodeList | None = None


@dataclass(frozen=True, slots=True)
class OntologyProperty:
    """A property of the ontologies.

    Attributes
    ----------
    iri, label
        Its IRI and ``rdfs:label``.
    kind
        ``"object"`` (values are nodes or IRIs) or ``"datatype"`` (values are literals).
    domains
        Classes it is declared for (``rdfs:domain`` incl. ``owl:unionOf`` members, the
        ``owl:comment "Domain ..."`` annotation, and the classes restricting it); empty when
        it is allowed on every class.
    range
        Its global range: a class IRI or an XSD datatype IRI; ``None`` when unstated.
    deprecated
        ``owl:deprecated true``.
    """

    iri: str
    label: str
    kind: Literal["object", "datatype"]
    domains: frozenset[str]
    range: str | None
    deprecated: bool = False


@dataclass(frozen=True, slots=True)
class PropertyRule:
    """A property as it applies to one class.

    Attributes
    ----------
    property
        The property.
    range
        Its range on that class: the class's (or nearest superclass's) restriction, else
        the property's global range.
    max_count
        At most this many values (``owl:maxCardinality`` / ``owl:qualifiedCardinality``),
        or ``None``.
    """

    property: OntologyProperty
    range: str | None
    max_count: int | None = None


@dataclass(slots=True)
class Ontology:
    """Lookup tables of the ONE Record ontologies (build with :func:`load_ontology`).

    Attributes
    ----------
    classes
        Class IRI → :class:`OntologyClass`.
    properties
        Property IRI → :class:`OntologyProperty`.
    individuals
        Named individual IRI → the classes it is an instance of.
    versions
        Ontology IRI → ``owl:versionInfo`` (e.g. ``https://onerecord.iata.org/ns/cargo`` →
        ``3.3.0``).
    """

    classes: dict[str, OntologyClass]
    properties: dict[str, OntologyProperty]
    individuals: dict[str, frozenset[str]]
    versions: dict[str, str]
    _restrictions: dict[str, dict[str, tuple[str | None, int | None]]] = field(repr=False)
    _rules: dict[str, Mapping[str, PropertyRule]] = field(default_factory=dict, repr=False)

    def is_subclass(self, sub: str, sup: str) -> bool:
        """Return whether class ``sub`` is ``sup`` or one of its subclasses.

        Every class is a subclass of ``owl:Thing``; an unknown ``sub`` is a subclass of
        nothing else.
        """
        if sub == sup or sup == OWL_THING:
            return True
        cls = self.classes.get(sub)
        return cls is not None and sup in cls.superclasses

    def property(self, iri: str) -> OntologyProperty | None:
        """Return the property ``iri``, or ``None`` when the ontologies do not define it."""
        return self.properties.get(iri)

    def code_list(self, iri: str) -> CodeList | None:
        """Return the code list class ``iri`` is, or ``None``."""
        cls = self.classes.get(iri)
        return cls.code_list if cls is not None else None

    def properties_of(self, cls: str) -> Mapping[str, PropertyRule]:
        """Return the properties allowed on class ``cls`` (its own and inherited).

        Parameters
        ----------
        cls
            A class IRI; an unknown class has only the properties allowed everywhere.

        Returns
        -------
        Mapping[str, PropertyRule]
            Property IRI → how it applies to ``cls`` (range, cardinality). Built on first
            use and kept.
        """
        rules = self._rules.get(cls)
        if rules is None:
            rules = self._build_rules(cls)
            self._rules[cls] = rules
        return rules

    def _build_rules(self, cls: str) -> Mapping[str, PropertyRule]:
        known = self.classes.get(cls)
        lineage = [cls, *sorted(known.superclasses, key=self._depth, reverse=True)] if known else []
        lineage_set = set(lineage)
        rules: dict[str, PropertyRule] = {}
        for prop in self.properties.values():
            if prop.domains and not (prop.domains & lineage_set) and OWL_THING not in prop.domains:
                continue
            rng, max_count = prop.range, None
            ranged = counted = False
            for ancestor in lineage:  # most specific first
                restriction = self._restrictions.get(ancestor, {}).get(prop.iri)
                if restriction is None:
                    continue
                if restriction[0] is not None and not ranged:
                    rng, ranged = restriction[0], True
                if restriction[1] is not None and not counted:
                    max_count, counted = restriction[1], True
            rules[prop.iri] = PropertyRule(prop, rng, max_count)
        if self.is_subclass(cls, LOGISTICS_OBJECT):
            for iri in SERVER_MANAGED:
                if iri not in rules and iri in self.properties:
                    prop = self.properties[iri]
                    rules[iri] = PropertyRule(prop, prop.range, 1)
        return rules

    def _depth(self, cls: str) -> int:
        known = self.classes.get(cls)
        return len(known.superclasses) if known else 0


@cache
def load_ontology() -> Ontology:
    """Return the process-wide :class:`Ontology`, parsing the package data on first call."""
    from rdflib import Graph

    graph = Graph()
    data = resources.files("smartlogistics.hub") / "data"
    for name in ONTOLOGY_FILES:
        graph.parse(data=(data / name).read_text(encoding="utf-8"), format="turtle")
    return build_ontology(graph)


def build_ontology(graph: Graph) -> Ontology:
    """Build the lookup tables from an rdflib graph holding the three ontologies.

    Parameters
    ----------
    graph
        The parsed ontologies (see :data:`ONTOLOGY_FILES`).

    Returns
    -------
    Ontology
        The tables; see the module docstring for how each OWL construct is read.
    """
    from smartlogistics.hub._owl import read_graph

    tables = read_graph(graph)
    return Ontology(
        classes=tables.classes,
        properties=tables.properties,
        individuals=tables.individuals,
        versions=tables.versions,
        _restrictions=tables.restrictions,
    )
