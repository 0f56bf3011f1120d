"""A recording sink at the Odoo boundary (``OdooGateway``), for worker tests without Odoo.

It is not a fake Odoo: it keeps no orders and applies no rules. It records every batch the
worker hands over at the JSON-RPC seam (in the test's Redis, so a Celery worker process and the
test see the same record) and answers receipt; tests script failures and per-order answers.
Load it in a worker with ``OMS_ODOO_GATEWAY=tests.sync.sinks:RecordingOdoo``.
"""

from __future__ import annotations

import json
import time

import redis

from sync_service.odoo_client import OdooError, OdooModelMissing, OdooUnavailable

CALLS = "oms:test:sink:calls"  # every ingest_orders batch, when the call starts
ORDERS = "oms:test:sink:orders"  # every order of a call that returned
TRACKING = "oms:test:sink:tracking"
REFUNDS = "oms:test:sink:refunds"  # every refund of an apply_refunds call that returned
OUTBOX = "oms:test:sink:outbox"  # scripted outbox events (JSON), served by fetch_outbox
ACKS = "oms:test:sink:acks"
SELLABLE = "oms:test:sink:sellable"
BLOCK = "oms:test:sink:block"  # while set, ingest_orders waits (a worker to kill mid-call)
FAIL = "oms:test:sink:fail"  # while set, every call raises OdooUnavailable (Odoo down)
ERROR = "oms:test:sink:error"  # while set, every call raises OdooError (Odoo answers an error)
PINGS = "oms:test:sink:pings"  # counts the probes
HEALTH_CALLS = "oms:test:sink:health-calls"  # counts the report_health calls, when they start
HEALTH = "oms:test:sink:health"  # every snapshot of a report_health call that returned
NO_MODEL = "oms:test:sink:no-model"  # while set, report_health: the addon is not installed


def reply_key(external_id: str) -> str:
    return f"oms:test:sink:reply:{external_id}"


class RecordingOdoo:
    def __init__(self, settings) -> None:
        self.redis = redis.Redis.from_url(settings.redis_url)

    def _gate(self) -> None:
        while self.redis.exists(BLOCK):
            time.sleep(0.02)
        if self.redis.exists(FAIL):
            raise OdooUnavailable("Odoo unreachable (scripted by the test)")
        if self.redis.exists(ERROR):
            raise OdooError("Odoo answered an error (scripted by the test)")

    def ping(self) -> None:
        self.redis.incr(PINGS)
        self._gate()

    def ingest_orders(self, orders: list[dict]) -> list[dict]:
        self.redis.rpush(CALLS, json.dumps([o["external_id"] for o in orders]))
        self._gate()
        results = []
        for order in orders:
            scripted = self.redis.get(reply_key(order["external_id"]))
            results.append(json.loads(scripted) if scripted else
                           {"channel": order["channel"], "external_id": order["external_id"],
                            "status": "created", "order_id": None, "order_name": None,
                            "error": None})  # fmt: skip
        # Recorded only once the call returns: what Odoo would have committed.
        self.redis.rpush(ORDERS, *[json.dumps(order) for order in orders])
        return results

    def apply_tracking(self, events: list[dict]) -> list[dict]:
        self._gate()
        self.redis.rpush(TRACKING, *[json.dumps(event) for event in events])
        return [{"status": "updated"} for _ in events]

    def apply_refunds(self, refunds: list[dict]) -> list[dict]:
        self._gate()
        results = []
        for refund in refunds:
            scripted = self.redis.get(reply_key(f"refund:{refund['refund_id']}"))
            results.append(json.loads(scripted) if scripted else
                           {"channel": refund["channel"], "external_id": refund["external_id"],
                            "refund_id": refund["refund_id"], "status": "created",
                            "record_id": None, "order_id": None, "order_name": None,
                            "error": None})  # fmt: skip
        self.redis.rpush(REFUNDS, *[json.dumps(refund) for refund in refunds])
        return results

    def fetch_outbox(self, cursor: int, limit: int = 500) -> dict:
        self._gate()
        events = [json.loads(raw) for raw in self.redis.lrange(OUTBOX, 0, -1)]
        events = [e for e in events if e["id"] > cursor][:limit]
        return {"events": events, "cursor": events[-1]["id"] if events else cursor}

    def ack_outbox(self, consumer: str, cursor: int) -> bool:
        self.redis.rpush(ACKS, json.dumps([consumer, cursor]))
        return True

    def export_sellable(self, channel: str, skus: list[str] | None = None) -> dict:
        self._gate()
        return json.loads(self.redis.get(SELLABLE) or '{"as_of": "", "stock": []}')

    def report_health(self, snapshot: dict) -> int:
        self.redis.incr(HEALTH_CALLS)
        self._gate()
        if self.redis.exists(NO_MODEL):
            raise OdooModelMissing(
                "oms.sync.health.report_health: odoo.exceptions.UserError: "
                "Object oms.sync.health doesn't exist (scripted by the test)"
            )
        return self.redis.rpush(HEALTH, json.dumps(snapshot))

    def close(self) -> None:
        self.redis.close()


def recorded_orders(client: redis.Redis) -> list[dict]:
    return [json.loads(raw) for raw in client.lrange(ORDERS, 0, -1)]
