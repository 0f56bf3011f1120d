"""Errors of the checkout APIs, answered as problem+json (RFC 9457) by the router."""

from __future__ import annotations

from typing import Any

from sync_service.errors import SyncError


class CheckoutError(SyncError):
    """Base of the checkout errors; ``extensions`` become extra members of the problem body."""

    status_code = 400
    code = "checkout_error"

    def __init__(self, message: str, *, field: str | None = None, **extensions: Any) -> None:
        super().__init__(message, field=field)
        self.extensions = extensions


class MalformedBody(CheckoutError):
    """A body that cannot be parsed at all (not UTF-8, nested too deep)."""

    status_code = 400
    code = "malformed_body"


class MissingApiKey(CheckoutError):
    status_code = 401
    code = "missing_api_key"


class BadApiKey(CheckoutError):
    status_code = 401
    code = "bad_api_key"


class UnknownChannel(CheckoutError):
    status_code = 404
    code = "unknown_channel"


class UnknownSku(CheckoutError):
    status_code = 404
    code = "unknown_sku"


class UnknownNode(CheckoutError):
    status_code = 404
    code = "unknown_store"


class UnknownReservation(CheckoutError):
    status_code = 404
    code = "unknown_reservation"


class InvalidPostalCode(CheckoutError):
    status_code = 422
    code = "invalid_postal_code"


class InvalidRequest(CheckoutError):
    status_code = 422
    code = "invalid_request"


class InsufficientStock(CheckoutError):
    """Some lines cannot be reserved; ``lines`` names each with what is available."""

    status_code = 409
    code = "insufficient_stock"


class ReservationConflict(CheckoutError):
    status_code = 409
    code = "reservation_conflict"


class ProjectionNotReady(CheckoutError):
    """No projection yet for the channel (first rebuild not done): retry shortly."""

    status_code = 503
    code = "projection_not_ready"


class StoreUnavailable(CheckoutError):
    """Redis cannot be reached: nothing can be promised or held, retry shortly."""

    status_code = 503
    code = "store_unavailable"


class NetworkUnavailable(CheckoutError):
    """The network could not be loaded from Odoo for a promise: retry shortly."""

    status_code = 503
    code = "network_unavailable"
