"""A worker crash holds up intake for seconds, not for the claim-idle time (issue 13).

The real thing - the API under uvicorn, Celery workers with beat, redis-server as processes -
with the recording sink at the JSON-RPC seam; tests/sync/test_e2e_odoo_outage.py does the same
against a real Odoo 18.
"""

from __future__ import annotations

import json
import time

import pytest

from sync_service.inbox import keys
from tests.sync import helpers, sinks
from tests.sync.processes import start_worker, wait_until
from tests.sync.test_worker_celery import inbox_drained

pytestmark = pytest.mark.integration

# The dead worker's own events are taken over only after this (Odoo may still be working on
# its call): far longer than any wait below, so progress cannot come from that.
CLAIM_IDLE = {"OMS_CLAIM_IDLE_MS": "600000"}


def post_order(api, order_id: int) -> None:
    body, headers = helpers.shopify(helpers.shopify_order(order_id, "2026-11-26T10:00:00Z"))
    assert api.post("/webhooks/webshop", content=body, headers=headers).status_code == 202


def handed_over(client) -> list[str]:
    return [o["external_id"] for o in sinks.recorded_orders(client)]


def test_a_new_order_reaches_odoo_seconds_after_a_worker_is_killed(
    live_api, settings, redis_client, tmp_path
):
    post_order(live_api, 9100)
    redis_client.set(sinks.BLOCK, 1)  # the first worker hangs inside the Odoo call
    first = start_worker(settings, tmp_path, name="first", **CLAIM_IDLE)
    wait_until(lambda: redis_client.llen(sinks.CALLS) == 1, what="the first call", process=first)
    assert redis_client.exists(keys.INGEST_LEASE)
    first.kill()  # SIGKILL: its lease is no longer renewed
    redis_client.delete(sinks.BLOCK)

    second = start_worker(settings, tmp_path, name="second", **CLAIM_IDLE)
    try:
        post_order(live_api, 9101)
        wait_until(lambda: "9101" in handed_over(redis_client)
                   and redis_client.xlen(keys.STREAM) == 1,
                   what="the new order in Odoo and acknowledged", timeout=60,
                   process=second)  # fmt: skip
        # The killed worker's order still waits for the claim-idle time: the new one did not.
        assert redis_client.xpending(keys.STREAM, keys.GROUP)["pending"] == 1
        assert "9100" not in handed_over(redis_client)
    finally:
        second.stop()


def test_one_drain_at_a_time_even_when_an_odoo_call_outlasts_the_lease(
    live_api, settings, redis_client, tmp_path
):
    lease = {"OMS_INGEST_LEASE_S": "1", "OMS_CLAIM_IDLE_MS": "1000"}
    post_order(live_api, 9200)
    redis_client.set(sinks.BLOCK, 1)  # one long Odoo call: several times the lease
    worker = start_worker(settings, tmp_path, concurrency=2, **lease)
    try:
        wait_until(lambda: redis_client.llen(sinks.CALLS) == 1, what="the call", process=worker)
        post_order(live_api, 9201)
        busy_before = int(redis_client.hget("oms:stats", "ingest:lease_busy") or 0)
        time.sleep(3.5)  # the call lasts 3.5 leases; ticks of the other process come and go
        # The heartbeat kept the lease: no second drain read the new order or called Odoo.
        assert redis_client.llen(sinks.CALLS) == 1
        assert int(redis_client.hget("oms:stats", "ingest:lease_busy") or 0) > busy_before
        redis_client.delete(sinks.BLOCK)
        wait_until(lambda: inbox_drained(redis_client) and len(handed_over(redis_client)) == 2,
                   what="both orders in Odoo", process=worker)  # fmt: skip
    finally:
        worker.stop()
    calls = [json.loads(c) for c in redis_client.lrange(sinks.CALLS, 0, -1)]
    assert calls == [["9200"], ["9201"]]
