"""Errors of the sync service, answered as problem+json (RFC 9457)."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import JSONResponse


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


def problem(status: int, code: str, detail: str, field: str | None = None) -> JSONResponse:
    body = {"type": f"urn:oms:problem:{code}", "title": code, "status": status, "detail": detail}
    if field:
        body["field"] = field
    headers = {"Retry-After": "5"} if status == 503 else None
    return JSONResponse(
        body, status_code=status, media_type="application/problem+json", headers=headers
    )


async def sync_error_handler(_request: Request, exc: SyncError) -> JSONResponse:
    return problem(exc.status_code, exc.code, exc.message, exc.field)
