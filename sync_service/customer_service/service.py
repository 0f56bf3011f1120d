"""What the customer-service API does: Odoo's doors, with identity, idempotency and limits.

Odoo answers every door with data (``found``, ``not_found``, ``done``, ``refused``); this
turns them into answers and problems, counts failed identity proofs, and keeps every
change's answer under its idempotency key.
"""

from __future__ import annotations

import logging

from pydantic import BaseModel

from sync_service.customer_service import exceptions as exc
from sync_service.customer_service.config import CustomerServiceSettings
from sync_service.customer_service.idempotency import IdempotencyStore, check_key, fingerprint
from sync_service.customer_service.limits import RateLimits
from sync_service.customer_service.odoo import CustomerServiceOdoo, OdooDoorError

log = logging.getLogger("sync_service.customer_service")

PROBLEM = "urn:oms:problem:"


class CustomerService:
    def __init__(
        self,
        odoo: CustomerServiceOdoo,
        idempotency: IdempotencyStore,
        redis,
        settings: CustomerServiceSettings,
    ) -> None:
        self.odoo = odoo
        self.idempotency = idempotency
        self.limits = RateLimits(redis, settings.key_prefix)
        self.settings = settings

    # ------------------------------------------------------------------ reading
    async def read(self, caller, door: str, identity) -> dict:
        """``find_order`` / ``order_status`` / ``order_options``: the found answer, or
        :class:`OrderNotFound` (counted against the client's failed proofs)."""
        client = self.settings.clients[caller.client_id]
        await self.limits.check_failed(caller.client_id, client.failed_lookups_per_hour)
        answer = await self._call(door, identity.as_odoo(), client=caller.name, source=caller.door)
        log.info(
            "customer service %s",
            door,
            extra={"client": caller.client_id, "status": answer.get("status")},
        )
        if answer.get("status") != "found":
            await self.limits.count_failed(caller.client_id)
            raise exc.OrderNotFound(answer.get("message") or "no such order")
        return answer

    # ------------------------------------------------------------------ changing
    async def change(
        self, caller, door: str, idempotency_key: str | None, body: BaseModel, **arguments
    ) -> tuple[int, dict]:
        """Run Odoo's ``door`` once per idempotency key: ``(HTTP status, body)`` - the same
        pair again for a repeat of the key."""
        key = check_key(idempotency_key)
        client = self.settings.clients[caller.client_id]
        await self.limits.check_failed(caller.client_id, client.failed_lookups_per_hour)
        print_ = fingerprint(door, body.model_dump(mode="json"))
        stored = await self.idempotency.begin(caller.client_id, key, print_)
        if stored is not None:
            return stored
        try:
            answer = await self._call(
                door,
                body.identity.as_odoo(),
                **arguments,
                idempotency_key=f"{caller.client_id}:{key}",
                client=caller.name,
                source=caller.door,
            )
        except Exception:
            await self.idempotency.abandon(caller.client_id, key)
            raise
        log.info(
            "customer service %s",
            door,
            extra={"client": caller.client_id, "status": answer.get("status")},
        )
        if answer.get("status") == "not_found":
            await self.idempotency.abandon(caller.client_id, key)
            await self.limits.count_failed(caller.client_id)
            raise exc.OrderNotFound(answer.get("message") or "no such order")
        status, out = self._outcome(answer)
        await self.idempotency.finish(caller.client_id, key, print_, status, out)
        return status, out

    @staticmethod
    def _outcome(answer: dict) -> tuple[int, dict]:
        if answer.get("status") == "done":
            return 200, answer
        code = answer.get("code") or "refused"
        if code == "not_available":
            status = exc.NotAvailable.status_code
        elif code in exc.INVALID_CODES:
            status = exc.InvalidChange.status_code
        else:
            status = exc.ChangeRefused.status_code
        return status, {
            "type": PROBLEM + code,
            "title": code,
            "status": status,
            "detail": answer.get("message") or code,
        }

    # ------------------------------------------------------------------ Odoo
    async def _call(self, door: str, *args, **kwargs) -> dict:
        try:
            answer = await self.odoo.call(door, *args, **kwargs)
        except OdooDoorError as error:
            if error.name.endswith("AccessError"):
                log.error("customer-service user refused by Odoo: %s", error.message)
                raise exc.OdooUnavailable(
                    "the customer-service user may not call Odoo's customer-service doors "
                    "(group OMS Customer Service API)",
                    code="odoo_misconfigured",
                ) from None
            if error.name.endswith(("UserError", "ValidationError")):
                raise exc.InvalidChange(error.message) from None
            log.error("Odoo failed on %s: %s", door, error)
            raise exc.OdooUnavailable(f"Odoo failed: {error.name}") from None
        if not isinstance(answer, dict):
            raise exc.OdooUnavailable("Odoo answered something unexpected")
        return answer
