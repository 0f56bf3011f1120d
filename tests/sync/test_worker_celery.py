"""The real thing: uvicorn API, a Celery worker (with beat) and redis-server as processes.

Odoo's side is the recording sink at the JSON-RPC seam (tests/sync/sinks.py).
"""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest

from sync_service.inbox import keys
from tests.sync import helpers, sinks
from tests.sync.processes import start_api, start_worker, wait_until

pytestmark = pytest.mark.integration


def inbox_drained(client) -> bool:
    if client.xlen(keys.STREAM) or client.zcard(keys.RETRY):
        return False
    try:
        return client.xpending(keys.STREAM, keys.GROUP)["pending"] == 0
    except Exception:
        return False


@pytest.fixture
def api(settings, tmp_path):
    process, url = start_api(settings, tmp_path)
    yield url
    process.stop()


def test_duplicate_storm_gives_one_event_and_one_order(api, settings, redis_client, tmp_path):
    body, headers = helpers.shopify(webhook_id="storm-1")

    async def storm():
        async with httpx.AsyncClient(base_url=api, timeout=30) as client:
            return await asyncio.gather(*[
                client.post("/webhooks/webshop", content=body, headers=headers)
                for _ in range(100)])  # fmt: skip

    replies = asyncio.run(storm())
    codes = sorted(reply.status_code for reply in replies)
    assert codes == [200] * 99 + [202]
    assert {r.json()["status"] for r in replies if r.status_code == 200} == {"duplicate"}
    assert redis_client.xlen(keys.STREAM) == 1

    worker = start_worker(settings, tmp_path)
    try:
        wait_until(
            lambda: redis_client.llen(sinks.ORDERS) >= 1 and inbox_drained(redis_client),
            what="the order handed to Odoo",
            process=worker,
        )
    finally:
        worker.stop()
    assert [o["external_id"] for o in sinks.recorded_orders(redis_client)] == ["5678901234"]


def test_worker_killed_mid_task_loses_nothing_and_doubles_nothing(
    api, settings, redis_client, tmp_path
):
    ids = [str(8000 + n) for n in range(20)]
    with httpx.Client(base_url=api) as client:
        for external_id in ids:
            body, headers = helpers.shopify(
                helpers.shopify_order(int(external_id), "2026-11-26T10:00:00Z")
            )
            assert (
                client.post("/webhooks/webshop", content=body, headers=headers).status_code == 202
            )
    redis_client.set(sinks.BLOCK, 1)  # the first worker hangs inside the Odoo call
    first = start_worker(settings, tmp_path, name="first")
    wait_until(
        lambda: redis_client.llen(sinks.CALLS) >= 1, what="the first Odoo call", process=first
    )
    first.kill()
    assert redis_client.llen(sinks.ORDERS) == 0  # the killed call never returned
    assert redis_client.xpending(keys.STREAM, keys.GROUP)["pending"] == 20
    redis_client.delete(sinks.BLOCK)

    second = start_worker(settings, tmp_path, name="second")
    try:
        wait_until(
            lambda: inbox_drained(redis_client) and redis_client.llen(sinks.ORDERS) >= 20,
            what="the reclaimed batch ingested",
            process=second,
        )
    finally:
        second.stop()
    recorded = [o["external_id"] for o in sinks.recorded_orders(redis_client)]
    assert sorted(recorded) == ids  # every order once: nothing lost, nothing doubled
    assert redis_client.xlen(keys.DEAD) == 0
    calls = [json.loads(c) for c in redis_client.lrange(sinks.CALLS, 0, -1)]
    assert sorted(calls[0]) == sorted(calls[-1]) == ids  # the same batch, handed over again


def test_accepted_events_survive_a_redis_crash(api, settings, redis_server, redis_client, tmp_path):
    accepted = []
    with httpx.Client(base_url=api) as client:
        for n in range(30):
            body, headers = helpers.woocommerce(
                {**helpers.fixture("woocommerce_order.json"), "id": 100 + n}, delivery_id=f"d-{n}"
            )
            reply = client.post("/webhooks/woo", content=body, headers=headers)
            assert reply.status_code == 202
            accepted.append((body, headers))
    redis_server.stop(hard=True)  # SIGKILL: only the append-only file is left
    with httpx.Client(base_url=api) as client:
        body, headers = accepted[0]
        assert client.post("/webhooks/woo", content=body, headers=headers).status_code == 503
    redis_server.start()
    assert redis_client.xlen(keys.STREAM) == 30

    with httpx.Client(base_url=api) as client:
        wait_until(lambda: client.get("/health").status_code == 200, what="API sees Redis")
        body, headers = accepted[7]
        again = client.post("/webhooks/woo", content=body, headers=headers)
        assert (again.status_code, again.json()["status"]) == (200, "duplicate")

    worker = start_worker(settings, tmp_path)
    try:
        wait_until(
            lambda: inbox_drained(redis_client) and redis_client.llen(sinks.ORDERS) >= 30,
            what="the surviving events ingested",
            process=worker,
        )
    finally:
        worker.stop()
    assert sorted(int(o["external_id"]) for o in sinks.recorded_orders(redis_client)) == list(
        range(100, 130)
    )
