"""Odoo's supplier door (``oms.dropship.supplier.api.supply_stock``, addon oms_dropship).

Called as the service's integration user, which may change no stock by itself: Odoo finds
the node from the supplier's key (stored there as a hash only) and applies the feed to that
node alone. The service never names a node, so it cannot send a key's stock anywhere else.
The JSON-RPC gateway is the worker's (blocking), run in a thread off the event loop.
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool

from sync_service.config import Settings
from sync_service.odoo_client import JsonRpcOdoo, OdooError, OdooModelMissing, OdooUnavailable
from sync_service.suppliers import exceptions as exc

MODEL = "oms.dropship.supplier.api"


class SupplierOdoo:
    def __init__(self, settings: Settings, gateway: JsonRpcOdoo | None = None) -> None:
        self._odoo = gateway or JsonRpcOdoo(settings)

    async def supply_stock(
        self, api_key: str, idempotency_key: str, feed_format: str, payload: Any
    ) -> dict:
        """Odoo's answer (``{"status": ...}``), or :class:`exc.OdooUnavailable`."""
        try:
            answer = await run_in_threadpool(
                self._odoo.call, MODEL, "supply_stock", api_key, idempotency_key, feed_format,
                payload,
            )  # fmt: skip
        except OdooModelMissing:
            raise exc.OdooUnavailable(
                "the retailer's Odoo does not take supplier stock feeds (addon oms_dropship "
                "not installed)",
                code="not_available",
            ) from None
        except OdooUnavailable:
            raise exc.OdooUnavailable(
                "the retailer's system cannot take the stock right now; nothing was changed: "
                "send the same request again later"
            ) from None
        except OdooError as error:
            raise exc.OdooUnavailable(
                f"the retailer's system refused the call ({error}); nothing was changed",
                code="odoo_error",
            ) from None
        if not isinstance(answer, dict) or "status" not in answer:
            raise exc.OdooUnavailable("the retailer's system answered something unexpected")
        return answer

    def close(self) -> None:
        self._odoo.close()
