"""Errors of the customer-service API, answered as problem+json (RFC 9457) by its router."""

from __future__ import annotations

from typing import Any

from sync_service.errors import SyncError


class CustomerServiceError(SyncError):
    """Base; ``extensions`` become extra members of the problem body."""

    status_code = 400
    code = "customer_service_error"

    def __init__(
        self, message: str, *, field: str | None = None, code: str | None = None, **extensions: Any
    ) -> None:
        super().__init__(message, field=field)
        if code:
            self.code = code
        self.extensions = extensions


class MissingApiKey(CustomerServiceError):
    status_code = 401
    code = "missing_api_key"


class BadApiKey(CustomerServiceError):
    status_code = 401
    code = "bad_api_key"


class MissingScope(CustomerServiceError):
    status_code = 403
    code = "missing_scope"


class RateLimited(CustomerServiceError):
    status_code = 429
    code = "rate_limited"


class OrderNotFound(CustomerServiceError):
    """No order, or the identity proof does not match it: the same answer for both."""

    status_code = 404
    code = "not_found"


class ChangeRefused(CustomerServiceError):
    """The order cannot take the change now (shipped, being prepared, already cancelled)."""

    status_code = 409
    code = "refused"


class InvalidChange(CustomerServiceError):
    """The change itself is wrong (a quantity below zero, an unknown store, a bad address)."""

    status_code = 422
    code = "invalid_request"


class IdempotencyConflict(CustomerServiceError):
    status_code = 409
    code = "idempotency_conflict"


class NotAvailable(CustomerServiceError):
    status_code = 501
    code = "not_available"


class OdooUnavailable(CustomerServiceError):
    status_code = 503
    code = "odoo_unavailable"


# Odoo's refusal codes that say the *request* is wrong (422); the others say the order's
# state does not allow it (409).
INVALID_CODES = frozenset(
    {
        "invalid_quantity",
        "invalid_address",
        "invalid_mode",
        "invalid_store",
        "unknown_line",
        "unknown_product",
        "no_carrier",
        "nothing_to_change",
    }
)
