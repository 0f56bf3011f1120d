"""Errors of the supplier stock endpoint, answered as problem+json (RFC 9457) by its router."""

from __future__ import annotations

from typing import Any

from sync_service.customer_service.exceptions import CustomerServiceError

# What the supplier is told to wait before sending again when Odoo cannot take the feed.
RETRY_AFTER_S = 30


class SupplierError(CustomerServiceError):
    """Base; the same problem shape as the customer-service API's (``extensions`` become
    extra members of the body), answered by the same ``problem_response``."""

    status_code = 400
    code = "supplier_error"


class MissingApiKey(SupplierError):
    status_code = 401
    code = "missing_api_key"


class BadApiKey(SupplierError):
    """Unknown or revoked (``code`` says which); the same status for both."""

    status_code = 401
    code = "bad_api_key"


class TooManyBadKeys(SupplierError):
    status_code = 429
    code = "rate_limited"


class StockRefused(SupplierError):
    """Lines Odoo cannot apply, each with its reason (``errors``); nothing was changed."""

    status_code = 422
    code = "stock_refused"


class InvalidFeed(SupplierError):
    status_code = 422
    code = "invalid_request"


class FeedTooLarge(SupplierError):
    status_code = 413
    code = "payload_too_large"


class IdempotencyConflict(SupplierError):
    status_code = 409
    code = "idempotency_conflict"


class OdooUnavailable(SupplierError):
    status_code = 503
    code = "odoo_unavailable"

    def __init__(self, message: str, **kwargs: Any) -> None:
        kwargs.setdefault("retry_after", RETRY_AFTER_S)
        super().__init__(message, **kwargs)
