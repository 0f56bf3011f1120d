"""Inbox -> Odoo boundary, in-process against the real redis-server.

The Odoo side is the recording sink of tests/sync/sinks.py at the JSON-RPC seam; the Celery
worker itself is exercised in test_worker_celery.py.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from sync_service.inbox import keys
from sync_service.inbox.consumer import InboxEvent
from sync_service.worker.ingest import Ingestor, make_consumer, split_by_skus
from tests.sync import helpers, sinks


def post(api, signer_result, channel="webshop"):
    body, headers = signer_result
    reply = api.post(f"/webhooks/{channel}", content=body, headers=headers)
    assert reply.status_code in (200, 202), reply.text
    return reply


def test_orders_are_handed_over_in_batches_and_acknowledged(api, ingestor, redis_client):
    for n in range(25):
        post(api, helpers.shopify(helpers.shopify_order(9000 + n, "2026-11-26T10:00:00Z")))
    assert ingestor.drain() == 25
    calls = [json.loads(c) for c in redis_client.lrange(sinks.CALLS, 0, -1)]
    # A batch is 10 orders per lane; the fixture's orders all share a SKU, so two lanes send
    # each batch in one call.
    assert [len(c) for c in calls] == ([10, 10, 5] if ingestor.lanes == 1 else [20, 5])
    assert sorted(o["external_id"] for o in sinks.recorded_orders(redis_client)) == [
        str(9000 + n) for n in range(25)
    ]
    assert redis_client.xlen(keys.STREAM) == 0
    assert redis_client.xpending(keys.STREAM, keys.GROUP)["pending"] == 0


def test_update_arriving_before_create_ends_as_one_order_at_the_update(api, ingestor, redis_client):
    update = helpers.shopify_order(
        4242, "2026-11-26T10:05:00Z", financial_status="paid", total_price="50.00"
    )
    create = helpers.shopify_order(4242, "2026-11-26T10:00:00Z", financial_status="pending")
    post(api, helpers.shopify(update, topic="orders/updated"))
    stale = post(api, helpers.shopify(create, topic="orders/create"))
    assert stale.json()["status"] == "stale"
    ingestor.drain()
    [order] = sinks.recorded_orders(redis_client)
    assert order["external_id"] == "4242"
    assert order["payment"]["status"] == "paid"  # the update's content, creating the order
    assert order["external_version"] == 1795687500000


def test_odoo_answering_errors_retries_with_backoff_then_dead_letters_then_replays(
    api, ingestor, fast_settings, redis_client
):
    post(api, helpers.shopify(helpers.shopify_order(5001, "2026-11-26T10:00:00Z")))
    redis_client.set(sinks.ERROR, 1)
    for _attempt in range(3):
        ingestor.drain()
    assert redis_client.xlen(keys.STREAM) == 0
    assert redis_client.zcard(keys.RETRY) == 0
    [(dead_id, dead)] = redis_client.xrange(keys.DEAD)
    assert dead[b"attempts"] == b"3"
    assert b"Odoo answered an error" in dead[b"last_error"]
    assert sinks.recorded_orders(redis_client) == []

    redis_client.delete(sinks.ERROR)
    env = {
        "OMS_REDIS_URL": fast_settings.redis_url,
        "OMS_ENVIRONMENT": "test",
        "PATH": "/usr/bin:/bin",
    }
    out = subprocess.run([sys.executable, "-m", "sync_service", "replay-dead-letters",
                          "--id", dead_id.decode()], env=env, capture_output=True, text=True,
                         check=True)  # fmt: skip
    assert "replayed 1" in out.stdout
    ingestor.drain()
    assert [o["external_id"] for o in sinks.recorded_orders(redis_client)] == ["5001"]
    assert redis_client.xlen(keys.DEAD) == 0


def test_odoo_unreachable_holds_the_drain_without_spending_attempts(
    api, fast_settings, redis_client
):
    ids = ["5101", "5102", "5103"]
    for external_id in ids:
        post(api, helpers.shopify(helpers.shopify_order(int(external_id), "2026-11-26T10:00:00Z")))
    consumer = make_consumer(redis_client, fast_settings, "held")
    ingestor = Ingestor(consumer, sinks.RecordingOdoo(fast_settings), 10, probe_interval_s=0.001)
    redis_client.set(sinks.FAIL, 1)
    assert ingestor.drain() == 3  # read, handed over, Odoo away: the breaker opens
    post(api, helpers.shopify(helpers.shopify_order(5104, "2026-11-26T10:00:00Z")))
    for _tick in range(10):  # far more ticks than the 3 attempts of fast_settings
        time.sleep(0.002)
        assert ingestor.drain() == 0  # held: only probes, no event read
    assert redis_client.llen(sinks.CALLS) == 1
    assert int(redis_client.get(sinks.PINGS)) == 10
    assert redis_client.exists(keys.ODOO_BREAKER)
    # Nothing went to the retry set or the dead letters; the events wait in the stream.
    assert redis_client.zcard(keys.RETRY) == redis_client.xlen(keys.DEAD) == 0
    assert redis_client.xlen(keys.STREAM) == 4
    assert redis_client.scard(keys.PARKED) == 3

    redis_client.delete(sinks.FAIL)  # Odoo answers again: the next drain probes and drains
    assert ingestor.drain() == 4
    assert not redis_client.exists(keys.ODOO_BREAKER)
    calls = [json.loads(c) for c in redis_client.lrange(sinks.CALLS, 0, -1)]
    assert calls == [ids, [*ids, "5104"]]  # the held ones first, in their order, then the new
    assert redis_client.xlen(keys.STREAM) == redis_client.scard(keys.PARKED) == 0
    assert redis_client.xpending(keys.STREAM, keys.GROUP)["pending"] == 0
    stats = redis_client.hgetall("oms:stats")
    assert b"retry:order" not in stats and b"dead:order" not in stats


def test_backoff_grows_between_attempts(ingestor, fast_settings, redis_client):
    consumer = make_consumer(
        redis_client,
        fast_settings.model_copy(
            update={"retry_base_s": 100.0, "retry_max_s": 1000.0, "ingest_max_attempts": 6}
        ),
        "c2",
    )
    consumer.ensure_group()
    redis_client.xadd(keys.STREAM, {"event_id": "x:1", "kind": "order", "attempts": "3",
                                    "data": "{}"})  # fmt: skip
    [event] = consumer.read(10)
    before_ms = int(time.time() * 1000)
    assert consumer.fail(event, "boom") == "retry"
    after_ms = int(time.time() * 1000)
    [(_member, due_ms)] = redis_client.zrange(keys.RETRY, 0, -1, withscores=True)
    # 4th attempt: 100 s * 2**3 = 800 s, jittered into [400 s, 800 s] after the failure
    assert before_ms + 400_000 <= due_ms <= after_ms + 800_000
    assert consumer.promote_due() == 0  # not due yet


def test_one_bad_order_does_not_hold_back_the_batch(api, ingestor, redis_client):
    redis_client.set(
        sinks.reply_key("6002"),
        json.dumps(
            {
                "channel": "webshop",
                "external_id": "6002",
                "status": "error",
                "error": {
                    "code": "unknown_sku",
                    "message": "no product NOPE",
                    "field": "lines[0].sku",
                },
            }
        ),
    )
    for n in (6001, 6002, 6003):
        post(api, helpers.shopify(helpers.shopify_order(n, "2026-11-26T10:00:00Z")))
    ingestor.drain()
    assert redis_client.xlen(keys.STREAM) == 0
    [member] = redis_client.zrange(keys.RETRY, 0, -1)
    assert b"unknown_sku" in member


def test_permanent_error_goes_straight_to_the_dead_letters(api, ingestor, redis_client):
    redis_client.set(
        sinks.reply_key("6100"),
        json.dumps({"status": "error", "error": {"code": "not_cancellable", "message": "shipped"}}),
    )
    post(api, helpers.shopify(helpers.shopify_order(6100, "2026-11-26T10:00:00Z")))
    ingestor.drain()
    [(_id, dead)] = redis_client.xrange(keys.DEAD)
    assert dead[b"attempts"] == b"1"


def test_entries_of_a_dead_consumer_are_reclaimed(api, fast_settings, redis_client):
    post(api, helpers.shopify(helpers.shopify_order(7100, "2026-11-26T10:00:00Z")))
    dead = make_consumer(redis_client, fast_settings, "died")
    dead.ensure_group()
    assert len(dead.read(10)) == 1  # read, then the process died before acking
    survivor = make_consumer(
        redis_client, fast_settings.model_copy(update={"claim_idle_ms": 0}), "survivor"
    )
    Ingestor(survivor, sinks.RecordingOdoo(fast_settings), 10).drain()
    assert [o["external_id"] for o in sinks.recorded_orders(redis_client)] == ["7100"]
    assert redis_client.xpending(keys.STREAM, keys.GROUP)["pending"] == 0


def test_one_drain_at_a_time_and_a_dead_holder_blocks_only_until_its_lease_lapses(
    api, fast_settings, redis_client
):
    post(api, helpers.shopify(helpers.shopify_order(7200, "2026-11-26T10:00:00Z")))
    # Another worker is draining (it holds the lease): this drain leaves the inbox alone.
    redis_client.set(keys.INGEST_LEASE, "someone-else", px=300)
    consumer = make_consumer(
        redis_client, fast_settings.model_copy(update={"claim_idle_ms": 0}), "second"
    )
    ingestor = Ingestor(consumer, sinks.RecordingOdoo(fast_settings), 10)
    assert ingestor.drain() == 0
    assert sinks.recorded_orders(redis_client) == []
    assert redis_client.get(keys.INGEST_LEASE) == b"someone-else"  # not taken from its holder
    # The holder died: its lease lapses (here after 300 ms) and the next drain proceeds.
    time.sleep(0.4)
    assert ingestor.drain() == 1
    assert [o["external_id"] for o in sinks.recorded_orders(redis_client)] == ["7200"]
    assert redis_client.get(keys.INGEST_LEASE) is None  # released when the drain ends


def order_of(order_id, *skus):
    """A Shopify order of one line per SKU."""
    order = helpers.shopify_order(order_id, "2026-11-26T10:00:00Z")
    line = order["line_items"][0]
    order["line_items"] = [dict(line, id=n + 1, sku=sku) for n, sku in enumerate(skus)]
    return order


class BarrierOdoo(sinks.RecordingOdoo):
    """Records like the sink, and answers an ingest call only once ``parties`` calls are in
    flight together: calls made one after the other break the barrier."""

    def __init__(self, settings, parties: int) -> None:
        super().__init__(settings)
        self.barrier = threading.Barrier(parties, timeout=5)
        self.calls = []

    def ingest_orders(self, orders):
        self.calls.append(orders)
        self.barrier.wait()
        return super().ingest_orders(orders)


def test_orders_sharing_no_sku_go_to_odoo_in_concurrent_calls(api, fast_settings, redis_client):
    orders = [order_of(7300, "MUG-STONE", "TSHIRT-BLK-M"), order_of(7301, "CAP-GREY"),
              order_of(7302, "TSHIRT-BLK-M"), order_of(7303, "SOCKS-3", "CAP-GREY"),
              order_of(7304, "SCARF")]  # fmt: skip
    for order in orders:
        post(api, helpers.shopify(order))
    consumer = make_consumer(redis_client, fast_settings, "lanes")
    odoo = BarrierOdoo(fast_settings, 2)
    assert Ingestor(consumer, odoo, 10, lanes=2).drain() == 5
    calls = odoo.calls
    assert len(calls) == 2
    skus = [{line["sku"] for order in call for line in order["lines"]} for call in calls]
    assert not skus[0] & skus[1]
    by_call = sorted(sorted(order["external_id"] for order in call) for call in calls)
    # Linked orders stay together (7300 and 7302 by the T-shirt, 7301 and 7303 by the cap),
    # and the last one evens it out.
    assert by_call in (
        [["7300", "7302"], ["7301", "7303", "7304"]],
        [["7300", "7302", "7304"], ["7301", "7303"]],
    )
    assert redis_client.xlen(keys.STREAM) == 0
    assert redis_client.xpending(keys.STREAM, keys.GROUP)["pending"] == 0


def event(n, channel, external_id, *skus):
    data = {"channel": channel, "external_id": external_id,
            "lines": [{"sku": sku} for sku in skus]}  # fmt: skip
    return InboxEvent(f"{n}-0", {"kind": b"order", "data": json.dumps(data).encode()})


@settings(max_examples=300, deadline=None)
@given(
    orders=st.lists(
        st.tuples(st.integers(0, 5), st.lists(st.sampled_from("ABCDEFGHIJ"), max_size=4)),
        max_size=30,
    ),
    lanes=st.integers(1, 4),
)
def test_lanes_share_no_sku_and_no_order_and_lose_nothing(orders, lanes):
    events = [event(n, "shop", str(order), *skus) for n, (order, skus) in enumerate(orders)]
    groups = split_by_skus(events, lanes)
    assert len(groups) <= lanes
    assert all(groups)
    # Every order once, each group in the inbox's order.
    assert sorted(e.stream_id for g in groups for e in g) == sorted(e.stream_id for e in events)
    for group in groups:
        ids = [int(e.stream_id.split("-")[0]) for e in group]
        assert ids == sorted(ids)
    owners = {}
    for number, group in enumerate(groups):
        for e in group:
            data = json.loads(e.fields["data"])
            for link in [data["external_id"], *(f"sku:{line['sku']}" for line in data["lines"])]:
                assert owners.setdefault(link, number) == number


def test_a_popular_sku_gathers_its_orders_and_the_rest_fill_the_other_lane():
    events = [event(n, "shop", str(n), "HOT", f"TAIL-{n}") for n in range(6)]
    events += [event(n, "shop", str(n), f"TAIL-{n}") for n in range(6, 12)]
    groups = split_by_skus(events, 2)
    assert [[e.stream_id for e in g] for g in groups] == [
        [f"{n}-0" for n in range(6)],
        [f"{n}-0" for n in range(6, 12)],
    ]
    # A malformed order is on its own (Odoo answers for it), not lost.
    broken = InboxEvent("99-0", {"kind": b"order", "data": b"{not json"})
    assert sum(len(g) for g in split_by_skus([*events, broken], 3)) == 13


def scan(tag, event_id):
    """A signed AfterShip tracking webhook of the fixture's parcel."""
    payload = helpers.fixture("aftership_tracking_update.json")
    payload["event_id"] = event_id
    payload["msg"]["tag"] = tag
    return helpers.aftership(payload)


def test_tracking_never_moves_a_parcel_backwards(api, ingestor, redis_client):
    post(api, scan("OutForDelivery", "e1"), channel="carriers/dhl-de")
    ingestor.drain()
    post(api, scan("InTransit", "e0-late"), channel="carriers/dhl-de")
    ingestor.drain()
    post(api, scan("Delivered", "e2"), channel="carriers/dhl-de")
    ingestor.drain()
    forwarded = [json.loads(e)["status"] for e in redis_client.lrange(sinks.TRACKING, 0, -1)]
    assert forwarded == ["out_for_delivery", "delivered"]
    assert (
        redis_client.hget(keys.tracking_status("dhl-de", "00340434161094042557"), "status")
        == b"delivered"
    )
    # After the delivery only a return can follow: later trouble is dropped here.
    post(api, scan("Exception", "e3"), channel="carriers/dhl-de")
    ingestor.drain()
    assert len(redis_client.lrange(sinks.TRACKING, 0, -1)) == 2


def test_a_failed_attempt_then_the_delivery_both_reach_odoo(api, ingestor, redis_client):
    for tag, event_id in (("OutForDelivery", "a1"), ("AttemptFail", "a2"), ("Delivered", "a3")):
        post(api, scan(tag, event_id), channel="carriers/dhl-de")
        ingestor.drain()
    forwarded = [json.loads(e)["status"] for e in redis_client.lrange(sinks.TRACKING, 0, -1)]
    assert forwarded == ["out_for_delivery", "failure", "delivered"]


def test_consumers_of_gone_workers_are_forgotten_unless_they_hold_events(
    api, fast_settings, redis_client
):
    post(api, helpers.shopify(helpers.shopify_order(7200, "2026-11-26T10:00:00Z")))
    holder = make_consumer(redis_client, fast_settings, "gone-with-event")
    holder.ensure_group()
    assert len(holder.read(10)) == 1
    redis_client.xgroup_createconsumer(keys.STREAM, keys.GROUP, "gone-empty")
    current = make_consumer(redis_client, fast_settings, "current")
    assert current.prune_consumers(idle_ms=-1) == 1
    names = {c["name"] for c in redis_client.xinfo_consumers(keys.STREAM, keys.GROUP)}
    assert names == {b"gone-with-event"} | ({b"current"} & names)
