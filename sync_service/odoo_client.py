"""The one door to Odoo: JSON-RPC ``/jsonrpc`` ``execute_kw`` as a dedicated user + API key.

Workers talk to Odoo only through :class:`OdooGateway`, the coarse, batched, idempotent
methods of docs/contracts.md. ``Settings.odoo_gateway`` names the implementation
(``module:attr``); production uses :class:`JsonRpcOdoo`. Tests that do not run Odoo put a
recording sink at this boundary (the JSON-RPC seam), never a fake Odoo behind it.
"""

from __future__ import annotations

import importlib
import itertools
import time
from typing import Any, Protocol

import httpx

from sync_service.config import Settings
from sync_service.metrics import ODOO_CALL_SECONDS


class OdooError(Exception):
    """Odoo could not be reached or answered an error; the caller retries later."""


class OdooGateway(Protocol):
    def ingest_orders(self, orders: list[dict]) -> list[dict]: ...

    def apply_tracking(self, events: list[dict]) -> list[dict]: ...

    def apply_refunds(self, refunds: list[dict]) -> list[dict]: ...

    def apply_returns(self, returns: list[dict]) -> list[dict]: ...

    def apply_labels(self, labels: list[dict]) -> list[dict]: ...

    def fetch_outbox(self, cursor: int, limit: int = 500) -> dict: ...

    def ack_outbox(self, consumer: str, cursor: int) -> bool: ...

    def export_sellable(self, channel: str, skus: list[str] | None = None) -> dict: ...

    def close(self) -> None: ...


class JsonRpcOdoo:
    """``OdooGateway`` over Odoo's external JSON-RPC API."""

    def __init__(self, settings: Settings, transport: httpx.BaseTransport | None = None) -> None:
        self._db = settings.odoo_db
        self._uid: int | None = None if settings.odoo_login else settings.odoo_uid
        self._login = settings.odoo_login
        self._key = settings.odoo_api_key
        self._ids = itertools.count(1)
        self._http = httpx.Client(
            base_url=settings.odoo_url, timeout=settings.odoo_timeout_s, transport=transport
        )

    def _post(self, service: str, method: str, args: list) -> Any:
        request = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": next(self._ids),
            "params": {"service": service, "method": method, "args": args},
        }
        reply = self._http.post("/jsonrpc", json=request)
        reply.raise_for_status()
        return reply.json()

    def uid(self) -> int:
        if self._uid is None:
            try:
                secret = self._key.get_secret_value()
                body = self._post("common", "login", [self._db, self._login, secret])
            except (httpx.HTTPError, ValueError) as exc:
                raise OdooError(f"login: {type(exc).__name__}: {exc}") from exc
            if not body.get("result"):
                raise OdooError(f"login of {self._login!r} to {self._db!r} refused")
            self._uid = body["result"]
        return self._uid

    def call(self, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        call_args = [self._db, self.uid(), self._key.get_secret_value(), model, method,
                     list(args), kwargs]  # fmt: skip
        started = time.perf_counter()
        try:
            body = self._post("object", "execute_kw", call_args)
        except (httpx.HTTPError, ValueError) as exc:
            raise OdooError(f"{model}.{method}: {type(exc).__name__}: {exc}") from exc
        finally:
            ODOO_CALL_SECONDS.labels(model, method).observe(time.perf_counter() - started)
        if body.get("error"):
            data = body["error"].get("data") or {}
            raise OdooError(f"{model}.{method}: {data.get('name')}: {data.get('message')}")
        return body.get("result")

    def ingest_orders(self, orders: list[dict]) -> list[dict]:
        return self.call("oms.intake", "ingest_orders", orders)

    def apply_tracking(self, events: list[dict]) -> list[dict]:
        return self.call("oms.intake", "apply_tracking", events)

    def apply_refunds(self, refunds: list[dict]) -> list[dict]:
        return self.call("oms.intake", "apply_refunds", refunds)

    def apply_returns(self, returns: list[dict]) -> list[dict]:
        return self.call("oms.intake", "apply_returns", returns)

    def apply_labels(self, labels: list[dict]) -> list[dict]:
        return self.call("oms.intake", "apply_labels", labels)

    def fetch_outbox(self, cursor: int, limit: int = 500) -> dict:
        return self.call("oms.outbox.event", "fetch_since", cursor, limit=limit)

    def ack_outbox(self, consumer: str, cursor: int) -> bool:
        return self.call("oms.outbox.event", "ack", consumer, cursor)

    def export_sellable(self, channel: str, skus: list[str] | None = None) -> dict:
        return self.call("oms.channel", "export_sellable", channel, skus)

    def close(self) -> None:
        self._http.close()


def load_gateway(settings: Settings) -> OdooGateway:
    """The gateway named by ``settings.odoo_gateway`` (``module:attr``), built with settings."""
    module_name, _, attr = settings.odoo_gateway.partition(":")
    factory = getattr(importlib.import_module(module_name), attr)
    return factory(settings)
