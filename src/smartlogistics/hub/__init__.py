"""The ONE Record hub: JSON-LD processing and ontology validation (the foundation).

The hub stands on its own: it imports only ``errors``, ``values`` and ``config`` of the
platform. Importing this package loads neither rdflib nor PyLD; the names below resolve on
first use (PEP 562), and the ontology is parsed on the first :func:`load_ontology` call.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from smartlogistics.hub._validator import Problem, validate_logistics_object, validate_node
    from smartlogistics.hub.jsonld import (
        ONE_RECORD_CONTEXT,
        RemoteContextRefusedError,
        document_loader,
        normalise,
    )
    from smartlogistics.hub.ontology import (
        CodeList,
        Ontology,
        OntologyClass,
        OntologyProperty,
        PropertyRule,
        load_ontology,
    )

__all__ = [
    "ONE_RECORD_CONTEXT",
    "CodeList",
    "Ontology",
    "OntologyClass",
    "OntologyProperty",
    "Problem",
    "PropertyRule",
    "RemoteContextRefusedError",
    "document_loader",
    "load_ontology",
    "normalise",
    "validate_logistics_object",
    "validate_node",
]

_HOME = {
    "Problem": "smartlogistics.hub._validator",
    "validate_logistics_object": "smartlogistics.hub._validator",
    "validate_node": "smartlogistics.hub._validator",
    "ONE_RECORD_CONTEXT": "smartlogistics.hub.jsonld",
    "RemoteContextRefusedError": "smartlogistics.hub.jsonld",
    "document_loader": "smartlogistics.hub.jsonld",
    "normalise": "smartlogistics.hub.jsonld",
    "CodeList": "smartlogistics.hub.ontology",
    "Ontology": "smartlogistics.hub.ontology",
    "OntologyClass": "smartlogistics.hub.ontology",
    "OntologyProperty": "smartlogistics.hub.ontology",
    "PropertyRule": "smartlogistics.hub.ontology",
    "load_ontology": "smartlogistics.hub.ontology",
}


def __getattr__(name: str) -> Any:
    """Import the public name ``name`` from its module on first use."""
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'smartlogistics.hub' has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value
    return value
