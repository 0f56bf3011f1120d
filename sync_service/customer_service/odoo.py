"""The customer-service doors in Odoo (``oms.customer.service``), over JSON-RPC.

Async (one connection pool per app): a status lookup is one Odoo call on the request's path,
and the API's latency is mostly this call. The user is the customer-service user
(``OMS_CS_ODOO_LOGIN``, group "OMS Customer Service API"), logged in once.
"""

from __future__ import annotations

import itertools
import time
from typing import Any

import httpx

from sync_service.config import Settings
from sync_service.customer_service.config import CustomerServiceSettings
from sync_service.customer_service.exceptions import OdooUnavailable
from sync_service.metrics import ODOO_CALL_SECONDS

MODEL = "oms.customer.service"


class OdooDoorError(Exception):
    """Odoo answered the call with an error (not a refusal: those are answers)."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(f"{name}: {message}")
        self.name = name
        self.message = message


class CustomerServiceOdoo:
    def __init__(
        self,
        settings: Settings,
        cs: CustomerServiceSettings,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._db = settings.odoo_db
        self._login = cs.odoo_login or settings.odoo_login
        key = cs.odoo_api_key.get_secret_value() if cs.odoo_login else ""
        self._key = key or settings.odoo_api_key.get_secret_value()
        self._uid: int | None = None if self._login else settings.odoo_uid
        self._ids = itertools.count(1)
        self._http = httpx.AsyncClient(
            base_url=settings.odoo_url, timeout=cs.odoo_timeout_s, transport=transport
        )

    async def _post(self, service: str, method: str, args: list) -> dict:
        body = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": next(self._ids),
            "params": {"service": service, "method": method, "args": args},
        }
        try:
            reply = await self._http.post("/jsonrpc", json=body)
            reply.raise_for_status()
            return reply.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise OdooUnavailable(
                f"Odoo cannot be reached ({type(exc).__name__}); retry shortly"
            ) from exc

    async def _uid_of(self) -> int:
        if self._uid is None:
            answer = await self._post("common", "login", [self._db, self._login, self._key])
            if not answer.get("result"):
                raise OdooUnavailable("the customer-service user cannot log in to Odoo")
            self._uid = answer["result"]
        return self._uid

    async def call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        """``oms.customer.service.<method>(*args, **kwargs)`` as the customer-service user."""
        started = time.perf_counter()
        try:
            uid = await self._uid_of()
            answer = await self._post(
                "object",
                "execute_kw",
                [self._db, uid, self._key, MODEL, method, list(args), kwargs],
            )
        finally:
            ODOO_CALL_SECONDS.labels(MODEL, method).observe(time.perf_counter() - started)
        if answer.get("error"):
            data = answer["error"].get("data") or {}
            raise OdooDoorError(str(data.get("name") or ""), str(data.get("message") or ""))
        return answer.get("result")

    async def aclose(self) -> None:
        await self._http.aclose()
