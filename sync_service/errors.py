"""Errors of the sync service, answered as problem+json (RFC 9457)."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException
from starlette.routing import Match

PROBLEM = "application/problem+json"


class Problem(BaseModel):
    """RFC 9457 problem details; extension members depend on ``title`` (the stable code)."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(examples=["urn:oms:problem:insufficient_stock"])
    title: str = Field(examples=["insufficient_stock"])
    status: int = Field(examples=[409])
    detail: str = Field(examples=["not enough sellable stock for: TSHIRT-RED-M"])
    field: str | None = None


def problem_responses(*codes: tuple[int, str]) -> dict:
    """OpenAPI ``responses`` of problem+json answers: (status, when) each."""
    schema = {"schema": {"$ref": "#/components/schemas/Problem"}}
    return {
        status: {"model": Problem, "content": {PROBLEM: schema}, "description": text}
        for status, text in codes
    }


class SyncError(Exception):
    """Base of the sync service's errors: an HTTP status, a stable code, a message."""

    status_code = 500
    code = "internal_error"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class UnknownSource(SyncError):
    status_code = 404
    code = "unknown_source"


class BadSignature(SyncError):
    status_code = 401
    code = "bad_signature"


class PayloadTooLarge(SyncError):
    status_code = 413
    code = "payload_too_large"


class MalformedPayload(SyncError):
    status_code = 422
    code = "malformed_payload"


class InboxUnavailable(SyncError):
    status_code = 503
    code = "inbox_unavailable"


def problem(
    status: int,
    code: str,
    detail: str,
    field: str | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = {"type": f"urn:oms:problem:{code}", "title": code, "status": status, "detail": detail}
    if field:
        body["field"] = field
    headers = dict(headers or {})
    if status == 503:
        headers["Retry-After"] = "5"
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


async def sync_error_handler(_request: Request, exc: SyncError) -> JSONResponse:
    return problem(exc.status_code, exc.code, exc.message, exc.field)


HTTP_CODES = {404: "not_found", 405: "method_not_allowed"}


async def http_error_handler(request: Request, exc: HTTPException) -> JSONResponse:
    """Starlette's own refusals (no such path, method not allowed) as problem+json.

    A path served by several routes (GET and DELETE of a reservation are two routes) gets a
    405 whose ``Allow`` names what every one of them answers; Starlette names only the
    methods of the first route that matched the path."""
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        headers["Allow"] = ", ".join(allowed_methods(request))
    code = HTTP_CODES.get(exc.status_code, "http_error")
    return problem(exc.status_code, code, str(exc.detail), headers=headers)


def allowed_methods(request: Request) -> list[str]:
    """The methods some route fully matches for this path (asked of the routes themselves,
    so routers included in any way are seen)."""
    allowed = []
    for method in METHODS:
        scope = {**request.scope, "method": method}
        if any(route.matches(scope)[0] is Match.FULL for route in request.app.router.routes):
            allowed.append(method)
    return allowed


METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
