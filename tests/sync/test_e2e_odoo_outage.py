"""Outages on a real Odoo 18 (issue 13): Odoo down dead-letters nothing and the inbox drains
as soon as it answers; a killed worker holds up new orders for seconds, not minutes.

Everything is real except the shop: redis-server, the API under uvicorn, Celery workers with
beat, odoo-bin on its own fresh copy of the demo database (this module stops, pauses and
restarts it). Skipped, loudly, when Odoo 18 is not importable (docs/sync_service.md).
"""

from __future__ import annotations

import httpx
import pytest

from sync_service.inbox import keys
from tests.sync import helpers
from tests.sync.processes import start_api, start_worker, wait_until
from tests.sync.test_e2e_odoo import integration_settings, running_odoo

pytestmark = [pytest.mark.integration, pytest.mark.slow]

JSON_RPC = {"OMS_ODOO_GATEWAY": "sync_service.odoo_client:JsonRpcOdoo"}


@pytest.fixture(scope="module")
def odoo(tmp_path_factory):
    with running_odoo(tmp_path_factory.mktemp("odoo-outage")) as client:
        yield client


def shopify_order(order_id: int, currency: str) -> dict:
    order = helpers.shopify_order(order_id, "2026-11-26T10:00:00Z", currency=currency)
    order["shipping_address"].update(address1="Torstr. 120", city="Berlin", zip="10119",
                                     country_code="DE", country="Germany")  # fmt: skip
    order["line_items"][0].update(sku="MUG-STONE", price="12.50", quantity=1)
    return order


def in_odoo(odoo, order_ids) -> dict[str, int]:
    """How many sale orders Odoo holds per shop order id."""
    found = odoo.admin("sale.order", "search_read",
                       [["oms_external_id", "in", [str(n) for n in order_ids]]],
                       fields=["oms_external_id"])  # fmt: skip
    counts: dict[str, int] = {}
    for row in found:
        counts[row["oms_external_id"]] = counts.get(row["oms_external_id"], 0) + 1
    return counts


def stat(client, name: str) -> int:
    return int(client.hget("oms:stats", name) or 0)


def test_odoo_down_dead_letters_nothing_and_the_inbox_drains_once_it_answers(
    odoo, redis_server, redis_client, tmp_path
):
    settings, currency = integration_settings(odoo, redis_server.url)
    # A retry budget Odoo being away would spend in about a second.
    budget = {"OMS_INGEST_MAX_ATTEMPTS": "3", "OMS_RETRY_BASE_S": "0.1", "OMS_RETRY_MAX_S": "0.5",
              "OMS_ODOO_PROBE_INTERVAL_S": "0.5", "OMS_ALERT_ODOO_HELD_S": "2"}  # fmt: skip
    api, url = start_api(settings, tmp_path, **budget)
    worker = start_worker(settings, tmp_path, **JSON_RPC, **budget)
    client = httpx.Client(base_url=url, timeout=30)

    def send(order_id: int) -> None:
        body, headers = helpers.shopify(shopify_order(order_id, currency))
        assert client.post("/webhooks/webshop", content=body, headers=headers).status_code == 202

    try:
        send(7400000101)
        wait_until(lambda: in_odoo(odoo, [7400000101]), what="the first order in Odoo",
                   timeout=120, process=worker)  # fmt: skip
        odoo.stop()  # Odoo down: connections refused
        held = list(range(7400000102, 7400000112))
        for order_id in held:
            send(order_id)
        # Odoo is tried many more times than the 3 attempts an order has.
        wait_until(lambda: stat(redis_client, "odoo:unavailable") >= 8
                   or redis_client.xlen(keys.DEAD), what="Odoo tried again and again",
                   timeout=120, process=worker)  # fmt: skip
        assert redis_client.xlen(keys.DEAD) == 0
        assert redis_client.xlen(keys.STREAM) == len(held)  # all waiting in the inbox
        wait_until(lambda: "odoo_unreachable" in alerts(client), what="the alert", timeout=30)
        assert client.get("/health").json()["status"] == "attention"

        odoo.start()
        wait_until(lambda: len(in_odoo(odoo, held)) == len(held)
                   and redis_client.xlen(keys.STREAM) == 0,
                   what="every held order in Odoo", timeout=180, process=worker)  # fmt: skip
        assert in_odoo(odoo, held) == {str(n): 1 for n in held}
        assert redis_client.xlen(keys.DEAD) == 0
        # Not one order waited for a backoff: Odoo being away spent no attempt.
        assert stat(redis_client, "retry:order") == stat(redis_client, "dead:order") == 0
        assert alerts(client) == set()
    finally:
        client.close()
        worker.stop()
        api.stop()
        if odoo.server is None:  # failed during the outage: the next test needs Odoo
            odoo.start()


def alerts(client: httpx.Client) -> set[str]:
    return {alert["alert"] for alert in client.get("/health").json()["alerts"]}


def test_a_new_order_reaches_odoo_seconds_after_a_worker_is_killed(
    odoo, redis_server, redis_client, tmp_path
):
    settings, currency = integration_settings(odoo, redis_server.url)
    # A dead worker's own events are taken over after 10 minutes: progress below cannot
    # come from that.
    env = {**JSON_RPC, "OMS_CLAIM_IDLE_MS": "600000"}
    api, url = start_api(settings, tmp_path)
    client = httpx.Client(base_url=url, timeout=30)

    def send(order_id: int) -> None:
        body, headers = helpers.shopify(shopify_order(order_id, currency))
        assert client.post("/webhooks/webshop", content=body, headers=headers).status_code == 202

    first = start_worker(settings, tmp_path, name="first", **env)
    second = None
    try:
        send(7400000201)
        wait_until(lambda: in_odoo(odoo, [7400000201]), what="the first order in Odoo",
                   timeout=120, process=first)  # fmt: skip
        odoo.pause()  # the next Odoo call hangs
        send(7400000202)
        wait_until(lambda: redis_client.xpending(keys.STREAM, keys.GROUP)["pending"] == 1,
                   what="the worker inside the Odoo call", timeout=60, process=first)  # fmt: skip
        assert redis_client.exists(keys.INGEST_LEASE)
        first.kill()  # SIGKILL inside the call, holding the lease
        odoo.resume()

        second = start_worker(settings, tmp_path, name="second", **env)
        send(7400000203)
        wait_until(lambda: in_odoo(odoo, [7400000203]) and redis_client.xlen(keys.STREAM) == 1,
                   what="a new order in Odoo and acknowledged", timeout=90,
                   process=second)  # fmt: skip
        # The killed worker's event is still its own: the new order did not wait for it.
        assert redis_client.xpending(keys.STREAM, keys.GROUP)["pending"] == 1
    finally:
        client.close()
        first.kill()
        if second is not None:
            second.stop()
        api.stop()
