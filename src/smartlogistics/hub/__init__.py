"""The ONE Record hub: JSON-LD, ontology validation and authentication (the foundation).

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
    from smartlogistics.hub.security import (
        DEV_ISSUER,
        Authenticator,
        AuthError,
        AuthReason,
        DevSigningKey,
        Principal,
        TokenVerifier,
        bearer_token,
        check_agent_uri,
        check_bind_allowed,
        dev_signing_key,
        is_loopback_host,
        mint_token,
        www_authenticate,
    )

__all__ = [
    "DEV_ISSUER",
    "ONE_RECORD_CONTEXT",
    "AuthError",
    "AuthReason",
    "Authenticator",
    "CodeList",
    "DevSigningKey",
    "Ontology",
    "OntologyClass",
    "OntologyProperty",
    "Principal",
    "Problem",
    "PropertyRule",
    "RemoteContextRefusedError",
    "TokenVerifier",
    "bearer_token",
    "check_agent_uri",
    "check_bind_allowed",
    "dev_signing_key",
    "document_loader",
    "is_loopback_host",
    "load_ontology",
    "mint_token",
    "normalise",
    "validate_logistics_object",
    "validate_node",
    "www_authenticate",
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
    "AuthError": "smartlogistics.hub.security",
    "AuthReason": "smartlogistics.hub.security",
    "Authenticator": "smartlogistics.hub.security",
    "Principal": "smartlogistics.hub.security",
    "TokenVerifier": "smartlogistics.hub.security",
    "DevSigningKey": "smartlogistics.hub.security",
    "DEV_ISSUER": "smartlogistics.hub.security",
    "bearer_token": "smartlogistics.hub.security",
    "check_agent_uri": "smartlogistics.hub.security",
    "check_bind_allowed": "smartlogistics.hub.security",
    "dev_signing_key": "smartlogistics.hub.security",
    "is_loopback_host": "smartlogistics.hub.security",
    "mint_token": "smartlogistics.hub.security",
    "www_authenticate": "smartlogistics.hub.security",
}


def __getattr__(name: str) -> Any:
    """Import the public name ``name`` from its module on first use."""
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'smartlogistics.hub' has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value
    return value
