"""The SmartGate Cargo HTTP API (issue 4, item 8): screen, record outcomes, look up, report.

Routes, mounted under ``/smartgate``:

- ``POST /smartgate/screen``: one consignment object → its decision (``Decision.to_json()``)
  with ``id``, the decision's id in the log;
- ``POST /smartgate/screen-batch``: a list of consignments (or ``{"consignments": [...]}``)
  → the list of decisions, logged in one transaction;
- ``POST /smartgate/outcomes``: one inspection outcome or a list → the recorded outcomes;
- ``GET /smartgate/decisions/{decision_id}``: a logged decision with its outcomes;
- ``GET /smartgate/report[?since=ISO 8601]``: lanes, inspection rate, hits, precision,
  recall.

Every input is validated completely before anything is stored, so a rejected request
leaves the log as it was. Screening is CPU work, so the endpoints are plain ``def``
functions that FastAPI runs in its threadpool; the event loop keeps accepting requests
while a model scores.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StrictBool, ValidationError
from sqlalchemy import select

from smartlogistics.db import smartgate_decisions
from smartlogistics.errors import InvalidInputError
from smartlogistics.smartgate import Consignment, parse_consignments
from smartlogistics.web._deps import SmartGate
from smartlogistics.web._errors import NotFoundError, rebase_field

__all__ = ["OutcomeIn", "router"]

router = APIRouter(prefix="/smartgate", tags=["smartgate"])

_CONSIGNMENT_SCHEMA = Consignment.model_json_schema()
_BATCH_SCHEMA = {"type": "array", "items": _CONSIGNMENT_SCHEMA}


def _body_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """OpenAPI request body for a route that validates its raw JSON body itself."""
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


class OutcomeIn(BaseModel):
    """An inspection outcome recorded against a decision.

    Attributes
    ----------
    decision_id
        The decision's id (``id`` of a screening answer).
    illicit
        Whether the inspection found a violation.
    value_at_stake
        Duty or value at stake, EUR, at least 0.
    agency
        Agency that inspected (up to 50 characters).
    notes
        Free text.
    inspected_at
        When the inspection took place (ISO 8601 with offset).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    decision_id: str = Field(min_length=1, max_length=36)
    illicit: StrictBool
    value_at_stake: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    agency: str | None = Field(default=None, min_length=1, max_length=50)
    notes: str | None = Field(default=None, max_length=10_000)
    inspected_at: AwareDatetime | None = None


# -- bodies ------------------------------------------------------------------------------


def _not_text(body: object) -> None:
    """Refuse a body FastAPI did not parse as JSON (no JSON content type: it is text)."""
    if isinstance(body, str | bytes):
        raise InvalidInputError("body", "expected a JSON body (Content-Type: application/json)")


def _one_consignment(body: object) -> Consignment:
    _not_text(body)
    if not isinstance(body, dict):
        raise InvalidInputError("body", "expected one consignment object")
    try:
        return parse_consignments([body], ignore_columns=())[0]
    except InvalidInputError as exc:
        field = rebase_field(rebase_field(exc.field, "consignments[0]", "body"), "file", "body")
        raise InvalidInputError(field, exc.problem) from None


def _consignment_batch(body: object) -> list[Consignment]:
    _not_text(body)
    wrapped = isinstance(body, dict)
    if not wrapped and not isinstance(body, list):
        raise InvalidInputError("body", "expected a list of consignments")
    try:
        return parse_consignments(body, ignore_columns=())
    except InvalidInputError as exc:
        root = "body.consignments" if wrapped else "body"
        field = rebase_field(rebase_field(exc.field, "consignments", root), "file", "body")
        raise InvalidInputError(field, exc.problem) from None


def _outcomes(body: object) -> tuple[list[OutcomeIn], list[tuple[str | int, ...]]]:
    _not_text(body)
    items: list[object] = body if isinstance(body, list) else [body]
    locs: list[tuple[str | int, ...]] = (
        [("body", i) for i in range(len(items))] if isinstance(body, list) else [("body",)]
    )
    parsed: list[OutcomeIn] = []
    errors: list[dict[str, Any]] = []
    for item, loc in zip(items, locs, strict=True):
        try:
            parsed.append(OutcomeIn.model_validate(item))
        except ValidationError as exc:
            for error in json.loads(exc.json(include_url=False)):
                errors.append({**error, "loc": [*loc, *error["loc"]]})
    if errors:
        raise RequestValidationError(errors)
    return parsed, locs


def _decision_json(decision_id: str, decision: dict[str, Any]) -> dict[str, Any]:
    return {"id": decision_id, **decision}


# -- routes ------------------------------------------------------------------------------


@router.post(
    "/screen",
    summary="Screen one consignment",
    openapi_extra=_body_schema(_CONSIGNMENT_SCHEMA),
    responses={422: {"description": "The consignment is malformed (fields named)"}},
)
def screen(service: SmartGate, body: Annotated[Any, Body()]) -> JSONResponse:
    """Decide one consignment and append the decision to the log.

    The answer is ``Decision.to_json()`` with ``id``, the decision's id in the log.
    """
    consignment = _one_consignment(body)
    decision = service.screener.screen(consignment).to_json()
    [decision_id] = service.log.append([decision], [consignment.to_record()])
    return JSONResponse(_decision_json(decision_id, decision))


@router.post(
    "/screen-batch",
    summary="Screen a batch of consignments",
    openapi_extra=_body_schema(_BATCH_SCHEMA),
    responses={422: {"description": "A consignment is malformed (fields named); none stored"}},
)
def screen_batch(service: SmartGate, body: Annotated[Any, Body()]) -> JSONResponse:
    """Decide a batch (the batch's own capacity threshold) and log it in one transaction.

    Either every decision is stored or, when any consignment is malformed, none.
    """
    consignments = _consignment_batch(body)
    decisions = [d.to_json() for d in service.screener.screen_batch(consignments)]
    ids = service.log.append(decisions, [c.to_record() for c in consignments])
    return JSONResponse([_decision_json(i, d) for i, d in zip(ids, decisions, strict=True)])


@router.post(
    "/outcomes",
    summary="Record inspection outcomes",
    status_code=201,
    openapi_extra=_body_schema(
        {
            "oneOf": [
                OutcomeIn.model_json_schema(),
                {"type": "array", "items": OutcomeIn.model_json_schema()},
            ]
        }
    ),
    responses={
        404: {"description": "A decision_id names no decision; nothing stored"},
        422: {"description": "An outcome is malformed (fields named); nothing stored"},
    },
)
def record_outcomes(service: SmartGate, body: Annotated[Any, Body()]) -> JSONResponse:
    """Record one outcome (object in, object out) or several (list in, list out).

    Every outcome is checked, and every decision looked up, before any is recorded.
    """
    outcomes, locs = _outcomes(body)
    wanted = {o.decision_id for o in outcomes}
    with service.engine.connect() as conn:
        known = set(
            conn.execute(
                select(smartgate_decisions.c.id).where(smartgate_decisions.c.id.in_(wanted))
            ).scalars()
        )
    for outcome, loc in zip(outcomes, locs, strict=True):
        if outcome.decision_id not in known:
            path = "".join(f"[{p}]" if isinstance(p, int) else p for p in loc)
            raise NotFoundError(f"{path}.decision_id", f"no decision {outcome.decision_id!r}")
    recorded = service.log.record_outcomes(
        [
            {
                "decision_id": o.decision_id,
                "illicit": o.illicit,
                "value_at_stake": o.value_at_stake,
                "agency": o.agency,
                "notes": o.notes,
                "inspected_at": o.inspected_at,
            }
            for o in outcomes
        ]
    )
    return JSONResponse(recorded if isinstance(body, list) else recorded[0], status_code=201)


@router.get(
    "/decisions/{decision_id}",
    summary="A logged decision with its outcomes",
    responses={404: {"description": "No decision with this id"}},
)
def get_decision(service: SmartGate, decision_id: str) -> JSONResponse:
    """Return the logged decision (with its input and outcomes, oldest first)."""
    stored = service.log.get(decision_id) if len(decision_id) <= 36 else None
    if stored is None:
        raise NotFoundError("path.decision_id", f"no decision {decision_id!r}")
    return JSONResponse(stored)


@router.get("/report", summary="Hit rate, precision and recall of the logged decisions")
def report(
    service: SmartGate,
    since: Annotated[
        AwareDatetime | None, Query(description="Only decisions at or after (ISO 8601).")
    ] = None,
) -> JSONResponse:
    """Report lanes, inspection rate, hits, precision and recall (``DecisionLog.report``)."""
    moment: datetime | None = since
    body = service.log.report(since=moment)
    body["since"] = moment.isoformat() if moment is not None else None
    return JSONResponse(body)
