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
from httpx import USE_CLIENT_DEFAULT as USE_DEFAULT

from sync_service.config import Settings
from sync_service.metrics import ODOO_CALL_SECONDS


class OdooError(Exception):
    """Odoo could not be reached or answered an error; the caller retries later."""


class OdooUnavailable(OdooError):
    """Odoo cannot be used right now, whatever was asked: not reachable (refused, timed out),
    an HTTP error from its web layer or a proxy, its database down, or our key refused.
    None of it is the fault of the orders in the call: the ingest drain holds them until
    Odoo answers again (worker/breaker.py) instead of spending their attempts."""


class OdooModelMissing(OdooError):
    """Odoo has no such model: the addon that brings it is not installed in that database.
    Asking again will not help until someone installs it."""


# Errors Odoo answers in a JSON-RPC body that concern every call alike, not the call's data.
UNAVAILABLE_ERRORS = {
    "odoo.exceptions.AccessDenied",  # the API key or login is refused
    "psycopg2.OperationalError",  # its database is down or refuses connections
    "psycopg2.InterfaceError",
}


class OdooGateway(Protocol):
    def ping(self) -> None: ...

    def ingest_orders(self, orders: list[dict]) -> list[dict]: ...

    def apply_tracking(self, events: list[dict]) -> list[dict]: ...

    def apply_refunds(self, refunds: list[dict]) -> list[dict]: ...

    def apply_returns(self, returns: list[dict]) -> list[dict]: ...

    def apply_labels(self, labels: list[dict]) -> list[dict]: ...

    def fetch_outbox(self, cursor: int, limit: int = 500) -> dict: ...

    def ack_outbox(self, consumer: str, cursor: int) -> bool: ...

    def export_sellable(self, channel: str, skus: list[str] | None = None) -> dict: ...

    def report_health(self, snapshot: dict) -> int: ...

    def close(self) -> None: ...


class JsonRpcOdoo:
    """``OdooGateway`` over Odoo's external JSON-RPC API."""

    def __init__(self, settings: Settings, transport: httpx.BaseTransport | None = None) -> None:
        self._db = settings.odoo_db
        self._uid: int | None = None if settings.odoo_login else settings.odoo_uid
        self._login = settings.odoo_login
        self._key = settings.odoo_api_key
        self._ids = itertools.count(1)
        self._report_timeout = settings.health_report_timeout_s
        self._http = httpx.Client(
            base_url=settings.odoo_url, timeout=settings.odoo_timeout_s, transport=transport
        )

    def _post(self, service: str, method: str, args: list, timeout: Any = USE_DEFAULT) -> Any:
        request = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": next(self._ids),
            "params": {"service": service, "method": method, "args": args},
        }
        reply = self._http.post("/jsonrpc", json=request, timeout=timeout)
        reply.raise_for_status()
        return reply.json()

    def uid(self) -> int:
        if self._uid is None:
            try:
                secret = self._key.get_secret_value()
                body = self._post("common", "login", [self._db, self._login, secret])
            except (httpx.HTTPError, ValueError) as exc:
                raise OdooUnavailable(f"login: {type(exc).__name__}: {exc}") from exc
            if body.get("error"):
                raise _answered_error("login", body["error"])
            if not body.get("result"):
                raise OdooUnavailable(f"login of {self._login!r} to {self._db!r} refused")
            self._uid = body["result"]
        return self._uid

    def call(self, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        return self._execute(model, method, list(args), kwargs)

    def _execute(self, model: str, method: str, args: list, kwargs: dict,
                 timeout: Any = USE_DEFAULT) -> Any:  # fmt: skip
        call_args = [self._db, self.uid(), self._key.get_secret_value(), model, method,
                     args, kwargs]  # fmt: skip
        started = time.perf_counter()
        try:
            body = self._post("object", "execute_kw", call_args, timeout)
        except (httpx.HTTPError, ValueError) as exc:
            # Refused, timed out, cut off, a 5xx of its web layer or a proxy, not JSON-RPC.
            raise OdooUnavailable(f"{model}.{method}: {type(exc).__name__}: {exc}") from exc
        finally:
            ODOO_CALL_SECONDS.labels(model, method).observe(time.perf_counter() - started)
        if body.get("error"):
            raise _answered_error(f"{model}.{method}", body["error"], model)
        return body.get("result")

    def ping(self) -> None:
        """Is Odoo usable: our key accepted, its database answering? The cheapest call any
        user may make (its own language and time zone; checking the key reads the database),
        raising :class:`OdooUnavailable` if not."""
        self.call("res.users", "context_get")

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

    def report_health(self, snapshot: dict) -> int:
        """The control tower's door (addon oms_control_tower); a short timeout: a report
        that cannot be delivered now is replaced by the next one, it must not hold a worker."""
        return self._execute("oms.sync.health", "report_health", [snapshot], {},
                             timeout=self._report_timeout)  # fmt: skip

    def close(self) -> None:
        self._http.close()


def _answered_error(what: str, error: dict, model: str = "") -> OdooError:
    data = error.get("data") or {}
    name = data.get("name") or ""
    message = str(data.get("message") or "")
    kind = OdooUnavailable if name in UNAVAILABLE_ERRORS else OdooError
    # execute_kw on a model the registry lacks answers UserError "Object <model> doesn't
    # exist" (odoo/service/model.py), worded in the user's language: the technical name
    # is what stays. No door's own UserError names its model that way.
    if model and name == "odoo.exceptions.UserError" and f"{model} " in f"{message} ":
        kind = OdooModelMissing
    return kind(f"{what}: {name}: {message}")


def load_gateway(settings: Settings) -> OdooGateway:
    """The gateway named by ``settings.odoo_gateway`` (``module:attr``), built with settings."""
    module_name, _, attr = settings.odoo_gateway.partition(":")
    factory = getattr(importlib.import_module(module_name), attr)
    return factory(settings)
