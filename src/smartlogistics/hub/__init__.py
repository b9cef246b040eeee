"""The ONE Record 2.3.0 hub: API, storage, subscriptions and notifications, in-process bus.

The hub stands on its own: it imports only ``errors``, ``values``, ``config`` and ``db`` of
the platform. :func:`create_hub_app` is the ONE Record server; :class:`HubStore` and
:class:`EventStore` are its in-process API (the twin and the bridges write through them);
:class:`HubBus` is the publish/subscribe interface other parts register with.

Importing this package loads neither rdflib, PyLD, FastAPI nor SQLAlchemy; the names below
resolve on first use (PEP 562), and the ontology is parsed on the first
:func:`load_ontology` call.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from smartlogistics.hub._validator import Problem, validate_logistics_object, validate_node
    from smartlogistics.hub.app import create_hub_app, default_base_url
    from smartlogistics.hub.bus import BusSubscription, Change, HubBus, ReceivedNotification
    from smartlogistics.hub.events import EventList, EventStore, EventView
    from smartlogistics.hub.jsonld import (
        ONE_RECORD_CONTEXT,
        RemoteContextRefusedError,
        document_loader,
        normalise,
    )
    from smartlogistics.hub.notify import (
        NotificationService,
        pending_deliveries,
        serve_notifications,
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
    from smartlogistics.hub.store import (
        ActionHandler,
        ActionRequestView,
        HubStore,
        ObjectMeta,
        ObjectView,
    )
    from smartlogistics.hub.subscriptions import SubscriptionService

__all__ = [
    "DEV_ISSUER",
    "ONE_RECORD_CONTEXT",
    "ActionHandler",
    "ActionRequestView",
    "AuthError",
    "AuthReason",
    "Authenticator",
    "BusSubscription",
    "Change",
    "CodeList",
    "DevSigningKey",
    "EventList",
    "EventStore",
    "EventView",
    "HubBus",
    "HubStore",
    "NotificationService",
    "ObjectMeta",
    "ObjectView",
    "Ontology",
    "OntologyClass",
    "OntologyProperty",
    "Principal",
    "Problem",
    "PropertyRule",
    "ReceivedNotification",
    "RemoteContextRefusedError",
    "SubscriptionService",
    "TokenVerifier",
    "bearer_token",
    "check_agent_uri",
    "check_bind_allowed",
    "create_hub_app",
    "default_base_url",
    "dev_signing_key",
    "document_loader",
    "is_loopback_host",
    "load_ontology",
    "mint_token",
    "normalise",
    "pending_deliveries",
    "serve_notifications",
    "validate_logistics_object",
    "validate_node",
    "www_authenticate",
]

_HOME = {
    "HubStore": "smartlogistics.hub.store",
    "ObjectView": "smartlogistics.hub.store",
    "ObjectMeta": "smartlogistics.hub.store",
    "ActionRequestView": "smartlogistics.hub.store",
    "ActionHandler": "smartlogistics.hub.store",
    "create_hub_app": "smartlogistics.hub.app",
    "default_base_url": "smartlogistics.hub.app",
    "EventStore": "smartlogistics.hub.events",
    "EventView": "smartlogistics.hub.events",
    "EventList": "smartlogistics.hub.events",
    "HubBus": "smartlogistics.hub.bus",
    "Change": "smartlogistics.hub.bus",
    "ReceivedNotification": "smartlogistics.hub.bus",
    "BusSubscription": "smartlogistics.hub.bus",
    "NotificationService": "smartlogistics.hub.notify",
    "pending_deliveries": "smartlogistics.hub.notify",
    "serve_notifications": "smartlogistics.hub.notify",
    "SubscriptionService": "smartlogistics.hub.subscriptions",
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
