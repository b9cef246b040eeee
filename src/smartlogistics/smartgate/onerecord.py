"""ONE Record 2.3 / cargo ontology 3.3 JSON-LD objects to a :class:`Consignment`.

The hub keeps shipments as ONE Record logistics objects; SmartGate screens its own typed
input. This adapter reads a ``Shipment`` (or a ``Waybill`` pointing at one, or a list /
``@graph`` of objects holding one) with its waybills, pieces, products and parties, and
returns the consignment. Properties (all ``https://onerecord.iata.org/ns/cargo#...``,
names checked against ``IATA-1R-DM-Ontology.ttl`` 3.3):

====================  ==================================================================
consignment field     ONE Record
====================  ==================================================================
house_awb             ``Shipment.waybill`` of ``waybillType`` HOUSE: ``waybillNumber``
master_awb            its ``masterWaybill`` (or a MASTER waybill): ``waybillPrefix``-
                      ``waybillNumber``; a DIRECT waybill is both house and master
pieces                number of ``Shipment.pieces``
gross_weight_kg       ``Shipment.totalGrossWeight``, else the sum of ``Piece.grossWeight``
                      (``Value``: ``numericalValue`` and ``unit`` KGM, GRM, LBR or TNE;
                      no unit is read as kg)
description           ``Shipment.goodsDescription``, else the pieces' ``goodsDescription``,
                      else the products' ``description`` / ``hsCommodityDescription`` /
                      ``hsCommodityName``
hs_code               first ``Piece.contentProducts`` ``Product.hsCode`` (a
                      ``CodeListElement`` ``code`` or an IRI), cut to 6 digits; the
                      pre-3.0 ``hsCommodityCode`` is read too
consignor_*, consignee_*, declarant
                      ``involvedParties`` (on the shipment, its waybills and pieces):
                      ``Party.partyRole`` SHP / CNE / DCL (``ParticipantIdentifier``),
                      ``partyDetails`` → ``Organization.name``, ``basedAtLocation`` →
                      ``Location.address`` → ``Address`` (``streetAddressLines``,
                      ``postalCode`` / ``textualPostCode``, ``cityName``, ``country``)
consignee_eori        the consignee organisation's ``otherIdentifiers`` whose
                      ``otherIdentifierType`` says EORI: ``textualValue``
declared_value,       ``Waybill.declaredValueForCustoms`` (``CurrencyValue``:
currency              ``numericalValue``, ``currencyUnit``)
origin_airport,       ``Waybill.departureLocation`` / ``arrivalLocation`` →
routing               ``Location.locationCodes`` (3-letter IATA codes)
====================  ==================================================================

Keys may be compacted with the document's ``@context`` prefixes (``cargo:pieces``), full
IRIs, or bare terms (as the ONE Record context compacts them); literal values may be plain
JSON or ``{"@value": ...}`` objects. References (``{"@id": ...}``) are resolved against
the objects embedded anywhere in the input and any ``objects`` passed in; nothing is
fetched from the network. A reference that cannot be resolved counts as a piece but adds
no data, so what is missing ends as an RFI naming the field, as for any filing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from smartlogistics.errors import InvalidInputError
from smartlogistics.smartgate.consignment import Consignment

__all__ = ["CARGO", "consignment_from_onerecord", "normalise_jsonld"]

CARGO = "https://onerecord.iata.org/ns/cargo#"
"""The cargo ontology's namespace."""

_KG_PER_UNIT = {"KGM": 1.0, "GRM": 0.001, "LBR": 0.45359237, "TNE": 1000.0}
_ROLES = {
    "SHP": "consignor",
    "SHIPPER": "consignor",
    "CONSIGNOR": "consignor",
    "CNE": "consignee",
    "CONSIGNEE": "consignee",
    "DCL": "declarant",
    "DECLARANT": "declarant",
}
_DIGITS = re.compile(r"\d+")

Node = dict[str, Any]


# -- JSON-LD normalisation --------------------------------------------------------------


def normalise_jsonld(doc: object) -> object:
    """Rewrite a JSON-LD document so cargo properties and types are bare local names.

    ``cargo:pieces``, ``https://onerecord.iata.org/ns/cargo#pieces`` and ``pieces`` all
    become ``pieces``; ``@type`` becomes a list of local names (``["Shipment"]``);
    ``{"@value": v}`` becomes ``v``; ``@id`` is stripped of spaces and expanded. Keys of
    other vocabularies (``api:hasRevision``) are dropped.

    Parameters
    ----------
    doc
        A parsed JSON-LD object or list; its ``@context`` (a mapping of prefixes, a URL or
        a list of both) defines the prefixes. Without a prefix mapping, bare terms are
        read as cargo terms (as the ONE Record context defines them).

    Returns
    -------
    object
        The same structure with normalised keys and values.
    """
    prefixes: dict[str, str] = {}
    _collect_prefixes(doc, prefixes)
    return _normalise(doc, prefixes)


def _collect_prefixes(doc: object, prefixes: dict[str, str]) -> None:
    if isinstance(doc, list):
        for item in doc:
            _collect_prefixes(item, prefixes)
        return
    if not isinstance(doc, dict):
        return
    contexts = doc.get("@context")
    for ctx in contexts if isinstance(contexts, list) else [contexts]:
        if isinstance(ctx, dict):
            for key, value in ctx.items():
                if isinstance(value, str):
                    prefixes[key] = value
    graph = doc.get("@graph")
    if isinstance(graph, list):
        _collect_prefixes(graph, prefixes)


def _expand(term: str, prefixes: Mapping[str, str]) -> str:
    if term.startswith(("http://", "https://")):
        return term
    prefix, sep, local = term.partition(":")
    if sep and prefix in prefixes:
        return prefixes[prefix] + local
    if not sep:
        return prefixes.get("@vocab", CARGO) + term
    return term


def _local(term: str, prefixes: Mapping[str, str]) -> str | None:
    full = _expand(term.strip(), prefixes)
    return full[len(CARGO) :] if full.startswith(CARGO) else None


def _normalise(value: object, prefixes: Mapping[str, str]) -> object:
    if isinstance(value, list):
        return [_normalise(v, prefixes) for v in value]
    if not isinstance(value, dict):
        return value
    if "@value" in value:
        return value["@value"]
    out: Node = {}
    for key, item in value.items():
        if key == "@context":
            continue
        if key == "@id" and isinstance(item, str):
            out["@id"] = _expand(item.strip(), prefixes)
        elif key == "@type":
            types = item if isinstance(item, list) else [item]
            out["@type"] = [
                local for t in types if isinstance(t, str) and (local := _local(t, prefixes))
            ]
        elif key == "@graph":
            out["@graph"] = _normalise(item, prefixes)
        elif not key.startswith("@"):
            local = _local(key, prefixes)
            if local is not None:
                out[local] = _normalise(item, prefixes)
    return out


# -- the graph --------------------------------------------------------------------------


class _Graph:
    """Objects by ``@id``, to resolve references without fetching anything."""

    def __init__(self, docs: Iterable[object]) -> None:
        self.by_id: dict[str, Node] = {}
        for doc in docs:
            self._index(doc)

    def _index(self, value: object) -> None:
        if isinstance(value, list):
            for v in value:
                self._index(v)
        elif isinstance(value, dict):
            ident = value.get("@id")
            if isinstance(ident, str) and len(value) > 1:
                known = self.by_id.get(ident)
                if known is None or len(value) > len(known):
                    self.by_id[ident] = value
            for key, v in value.items():
                if key != "@id":
                    self._index(v)

    def resolve(self, value: object) -> Node | None:
        """Return the object ``value`` is or refers to; ``None`` for an unresolvable reference."""
        if not isinstance(value, dict):
            return None
        ident = value.get("@id")
        if isinstance(ident, str) and len(value) == 1:
            return self.by_id.get(ident)
        return value

    def many(self, node: Node | None, key: str) -> list[tuple[int, object]]:
        """Return the values of ``node[key]`` as a list, with positions."""
        if node is None or key not in node:
            return []
        value = node[key]
        items = value if isinstance(value, list) else [value]
        return list(enumerate(items))

    def one(self, node: Node | None, key: str) -> Node | None:
        """Return the first object of ``node[key]``, resolved."""
        for _, value in self.many(node, key):
            found = self.resolve(value)
            if found is not None:
                return found
        return None


def _types(node: Node | None) -> list[str]:
    types = node.get("@type", []) if node is not None else []
    return types if isinstance(types, list) else []


def _code(value: object) -> str | None:
    """Read a code from a plain string, a ``CodeListElement`` or an IRI (``...#EUR``)."""
    if isinstance(value, list):
        for item in value:
            code = _code(item)
            if code:
                return code
        return None
    if isinstance(value, dict):
        if "code" in value:
            return _code(value["code"])
        ident = value.get("@id")
        return _code(ident) if isinstance(ident, str) else None
    if isinstance(value, str):
        text = value.strip()
        for sep in ("#", "/"):
            if text.startswith(("http://", "https://")) and sep in text:
                text = text.rsplit(sep, 1)[1]
                break
        return text or None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def _text(value: object) -> str | None:
    if isinstance(value, list):
        parts = [t for v in value if (t := _text(v))]
        return ", ".join(parts) if parts else None
    if isinstance(value, str):
        return value.strip() or None
    return None


def _number(value: object, path: str) -> float:
    if isinstance(value, bool):
        raise InvalidInputError(path, "expected a number, not a boolean")
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            pass
    raise InvalidInputError(path, f"expected a number, not {value!r}")


# -- the adapter ------------------------------------------------------------------------


def consignment_from_onerecord(
    doc: object,
    *,
    objects: Sequence[object] = (),
    id: str | None = None,
    filed_at: datetime | None = None,
) -> Consignment:
    """Build the consignment SmartGate screens from ONE Record JSON-LD.

    Parameters
    ----------
    doc
        A ``Shipment`` object (embedded objects allowed), a ``Waybill`` whose ``shipment``
        is one, or a list / ``{"@graph": [...]}`` of objects that holds one.
    objects
        Further JSON-LD objects (as fetched from the hub) to resolve ``@id`` references.
    id
        The consignment id; by default the house AWB number, else the shipment's ``@id``.
    filed_at
        When the data was filed (not a property of these objects).

    Returns
    -------
    Consignment
        With whatever the objects hold; missing 7+1 elements are left missing.

    Raises
    ------
    InvalidInputError
        ``onerecord`` when no Shipment is found; a path into the objects
        (``pieces[1].grossWeight.unit``) for a malformed value there; a consignment field
        (``hs_code: ... (from pieces[0].contentProducts[0].hsCode)``) when a value
        read is not valid for it.
    """
    docs = [normalise_jsonld(doc), *(normalise_jsonld(o) for o in objects)]
    graph = _Graph(docs)
    shipment, via = _find_shipment(docs[0], graph)
    if shipment is None:
        raise InvalidInputError("onerecord", "no cargo:Shipment found (nor a Waybill with one)")
    data: dict[str, Any] = {}
    origin: dict[str, str] = {}

    def put(field: str, value: object, path: str) -> None:
        if value is not None and field not in data:
            data[field] = value
            origin[field] = path

    waybills = [(i, graph.resolve(v)) for i, v in graph.many(shipment, "waybill")]
    if via is not None and all(w is not via for _, w in waybills):
        waybills.append((len(waybills), via))  # the Waybill the input started from
    _read_waybills(graph, [(i, w) for i, w in waybills if w is not None], put)
    pieces = graph.many(shipment, "pieces")
    resolved = [(i, graph.resolve(p)) for i, p in pieces]
    if pieces:
        put("pieces", len(pieces), "pieces")
    _read_weight(graph, shipment, resolved, put)
    put("description", _text(shipment.get("goodsDescription")), "goodsDescription")
    piece_texts = [(i, _text(p.get("goodsDescription"))) for i, p in resolved if p is not None]
    unique = list(dict.fromkeys(t for _, t in piece_texts if t))
    if unique:
        put("description", "; ".join(unique), "pieces[].goodsDescription")
    _read_products(graph, resolved, put)
    holders: list[tuple[str, Node]] = [("", shipment)]
    holders += [(f"waybill[{i}].", w) for i, w in waybills if w is not None]
    holders += [(f"pieces[{i}].", p) for i, p in resolved if p is not None]
    for prefix, holder in holders:
        _read_parties(graph, holder, prefix, put)
    if id is None:
        id = data.get("house_awb") or shipment.get("@id") or None
    if id is None:
        raise InvalidInputError("id", "the shipment has no @id and no house waybill number")
    data["id"] = id
    if filed_at is not None:
        data["filed_at"] = filed_at
    try:
        return Consignment(**data)
    except InvalidInputError as exc:
        where = origin.get(exc.field.split("[")[0].split(".")[0])
        note = f" (from ONE Record {where})" if where else ""
        raise InvalidInputError(exc.field, f"{exc.problem}{note}") from None


def _find_shipment(doc: object, graph: _Graph) -> tuple[Node | None, Node | None]:
    """Return the Shipment and the Waybill it was reached through (``None`` if direct)."""
    candidates: list[object]
    if isinstance(doc, dict) and isinstance(doc.get("@graph"), list):
        candidates = doc["@graph"]
    elif isinstance(doc, list):
        candidates = doc
    else:
        candidates = [doc]
    nodes = [n for c in candidates if (n := graph.resolve(c)) is not None]
    for node in nodes:
        if "Shipment" in _types(node):
            return node, None
    for node in nodes:
        if "Waybill" in _types(node) or "shipment" in node:
            found = graph.one(node, "shipment")
            if found is not None:
                return found, node
    return None, None


def _waybill_number(waybill: Node, master: bool) -> str | None:
    number = _code(waybill.get("waybillNumber"))
    if number is None:
        return None
    prefix = _code(waybill.get("waybillPrefix"))
    if master and prefix and _DIGITS.fullmatch(prefix) and _DIGITS.fullmatch(number):
        return f"{prefix}-{number}"
    return number


def _read_waybills(graph: _Graph, waybills: list[tuple[int, Node]], put: Any) -> None:
    for i, wb in waybills:
        kind = (_code(wb.get("waybillType")) or "").upper()
        path = f"waybill[{i}]"
        if not kind:
            kind = "MASTER" if "houseWaybills" in wb else "HOUSE"
        if kind == "DIRECT":
            put("house_awb", _waybill_number(wb, master=False), f"{path}.waybillNumber")
            put("master_awb", _waybill_number(wb, master=True), f"{path}.waybillNumber")
        elif kind == "MASTER":
            put("master_awb", _waybill_number(wb, master=True), f"{path}.waybillNumber")
        else:
            put("house_awb", _waybill_number(wb, master=False), f"{path}.waybillNumber")
            master = graph.one(wb, "masterWaybill")
            if master is not None:
                put(
                    "master_awb",
                    _waybill_number(master, master=True),
                    f"{path}.masterWaybill.waybillNumber",
                )
    ordered = sorted(waybills, key=lambda iw: (_code(iw[1].get("waybillType")) or "") != "HOUSE")
    for i, wb in ordered:
        path = f"waybill[{i}]"
        value = graph.one(wb, "declaredValueForCustoms")
        if value is not None and "numericalValue" in value:
            amount = _number(value["numericalValue"], f"{path}.declaredValueForCustoms")
            put("declared_value", amount, f"{path}.declaredValueForCustoms")
            put("currency", _code(value.get("currencyUnit")), f"{path}.declaredValueForCustoms")
        departure = _airport(graph.one(wb, "departureLocation"))
        arrival = _airport(graph.one(wb, "arrivalLocation"))
        put("origin_airport", departure, f"{path}.departureLocation")
        route = [code for code in (departure, arrival) if code]
        if route:
            put("routing", route, f"{path}.departureLocation")


def _airport(location: Node | None) -> str | None:
    if location is None:
        return None
    codes = location.get("locationCodes")
    for item in codes if isinstance(codes, list) else [codes]:
        code = _code(item)
        if code and len(code) == 3 and code.isalpha():
            return code.upper()
    return None


def _weight_kg(value: Node, path: str) -> float:
    amount = _number(value.get("numericalValue"), f"{path}.numericalValue")
    unit = (_code(value.get("unit")) or "KGM").upper()
    if unit not in _KG_PER_UNIT:
        raise InvalidInputError(
            f"{path}.unit", f"unknown weight unit {unit!r} (expected KGM, GRM, LBR or TNE)"
        )
    return amount * _KG_PER_UNIT[unit]


def _read_weight(
    graph: _Graph, shipment: Node, pieces: list[tuple[int, Node | None]], put: Any
) -> None:
    total = graph.one(shipment, "totalGrossWeight")
    if total is not None:
        put("gross_weight_kg", _weight_kg(total, "totalGrossWeight"), "totalGrossWeight")
        return
    weights: list[float] = []
    for i, piece in pieces:
        value = graph.one(piece, "grossWeight") if piece is not None else None
        if value is None:
            return  # a piece without its weight: the total is unknown
        weights.append(_weight_kg(value, f"pieces[{i}].grossWeight"))
    if weights:
        put("gross_weight_kg", sum(weights), "pieces[].grossWeight")


def _read_products(graph: _Graph, pieces: list[tuple[int, Node | None]], put: Any) -> None:
    texts: list[str] = []
    for i, piece in pieces:
        for j, ref in graph.many(piece, "contentProducts"):
            product = graph.resolve(ref)
            if product is None:
                continue
            path = f"pieces[{i}].contentProducts[{j}]"
            for key in ("hsCode", "hsCommodityCode"):
                code = _code(product.get(key))
                if code:
                    digits = code.replace(".", "").replace(" ", "")
                    hs = digits[:6] if digits.isdigit() and len(digits) > 6 else digits
                    put("hs_code", hs, f"{path}.{key}")
                    break
            for key in ("description", "hsCommodityDescription", "hsCommodityName"):
                text = _text(product.get(key))
                if text:
                    texts.append(text)
                    break
    unique = list(dict.fromkeys(texts))
    if unique:
        put("description", "; ".join(unique), "pieces[].contentProducts[].description")


def _address(graph: _Graph, organisation: Node) -> tuple[str | None, str | None]:
    location = graph.one(organisation, "basedAtLocation")
    address = graph.one(location, "address") if location is not None else None
    if address is None:
        return None, None
    street = _text(address.get("streetAddressLines"))
    postcode = _code(address.get("postalCode")) or _text(address.get("textualPostCode"))
    city = _text(address.get("cityName"))
    town = " ".join(part for part in (postcode, city) if part) or None
    country = _code(address.get("country"))
    text = ", ".join(part for part in (street, town) if part) or None
    return text, country.upper() if country else None


def _eori(graph: _Graph, organisation: Node) -> str | None:
    for _, ref in graph.many(organisation, "otherIdentifiers"):
        ident = graph.resolve(ref)
        if ident is None:
            continue
        kind = _code(ident.get("otherIdentifierType")) or ""
        if "EORI" in kind.upper():
            return _text(ident.get("textualValue"))
    return None


def _name(agent: Node) -> str | None:
    name = _text(agent.get("name"))
    if name:
        return name
    person = " ".join(p for k in ("firstName", "lastName") if (p := _text(agent.get(k))))
    return person or None


def _read_parties(graph: _Graph, holder: Node, prefix: str, put: Any) -> None:
    for i, ref in graph.many(holder, "involvedParties"):
        party = graph.resolve(ref)
        if party is None:
            continue
        role = _ROLES.get((_code(party.get("partyRole")) or "").upper())
        agent = graph.one(party, "partyDetails")
        if role is None or agent is None:
            continue
        path = f"{prefix}involvedParties[{i}].partyDetails"
        if role == "declarant":
            put("declarant", _name(agent), f"{path}.name")
            continue
        put(f"{role}_name", _name(agent), f"{path}.name")
        address, country = _address(graph, agent)
        put(f"{role}_address", address, f"{path}.basedAtLocation.address")
        put(f"{role}_country", country, f"{path}.basedAtLocation.address.country")
        if role == "consignee":
            put("consignee_eori", _eori(graph, agent), f"{path}.otherIdentifiers")
