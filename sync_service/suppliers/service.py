"""What the supplier stock endpoint does: check the caller, hand the feed to Odoo's supplier
door, turn Odoo's answer into the supplier's.

Idempotency lives in Odoo, in the same transaction as the stock (``oms.dropship.stock.upload``
keyed by node and Idempotency-Key): a retry whose first answer was lost still applies once.
When Odoo is away the feed is refused with 503 and Retry-After, not queued: a stock feed is
a snapshot the supplier's system still holds and sends again; a queued one would be applied
later over newer stock (a sale, a newer feed) and its refused lines could be told to nobody.
"""

from __future__ import annotations

import logging
from typing import Any

from sync_service.suppliers import exceptions as exc
from sync_service.suppliers.odoo import SupplierOdoo
from sync_service.suppliers.store import FailedKeys

log = logging.getLogger("sync_service.suppliers")
# Keys Odoo issues (oms.dropship.api.key): "dsk_" and 43 URL-safe characters. Anything else
# is refused here, without asking Odoo.
KEY_START, KEY_LENGTH = "dsk_", 47


class SupplierStockService:
    def __init__(self, odoo: SupplierOdoo, failed: FailedKeys) -> None:
        self.odoo = odoo
        self.failed = failed

    async def supply_stock(
        self, caller: str, api_key: str, idempotency_key: str, feed_format: str, payload: Any
    ) -> dict:
        """The applied feed's summary, or the problem to answer (raised)."""
        if await self.failed.too_many(caller):
            raise exc.TooManyBadKeys(
                "too many calls with a wrong API key this hour; try again next hour",
                retry_after=3600,
            )
        if not api_key.startswith(KEY_START) or len(api_key) != KEY_LENGTH:
            await self.failed.count(caller)
            raise exc.BadApiKey("this is not a supplier API key")
        answer = await self.odoo.supply_stock(api_key, idempotency_key, feed_format, payload)
        status = answer.get("status")
        message = str(answer.get("message") or status)
        log.info("supplier stock feed", extra={"status": status, "format": feed_format})
        if status == "applied":
            return {
                "status": "applied",
                "lines": answer.get("lines", 0),
                "changed": answer.get("changed", 0),
                "replayed": bool(answer.get("replayed")),
            }
        if status in ("bad_api_key", "revoked_api_key"):
            await self.failed.count(caller)
            raise exc.BadApiKey(message, code=status)
        if status == "refused":
            raise exc.StockRefused(message, errors=answer.get("errors") or [])
        if status == "idempotency_conflict":
            raise exc.IdempotencyConflict(message)
        if status == "in_progress":
            raise exc.IdempotencyConflict(message, code="idempotency_in_progress", retry_after=5)
        if status == "invalid_request":
            raise exc.InvalidFeed(message)
        raise exc.OdooUnavailable(f"the retailer's system answered {status!r}", code="odoo_error")
