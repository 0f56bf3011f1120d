# ruff: noqa: F811  (pytest fixtures imported from checkout_conftest)
"""The hooks the sync service's workers and beat call."""

from __future__ import annotations

from sync_service.checkout import jobs
from sync_service.checkout.projection import read_projection
from sync_service.checkout.reservations import HoldLine, new_reservation_id, wall_clock_ms
from sync_service.checkout.scripts import pool_prefix
from tests.sync.checkout_conftest import (  # noqa: F401
    CHANNEL,
    OTHER_CHANNEL,
    checkout_redis_server,
    ck_settings,
    clock,
    rds,
    run_store,
    seed,
)


def test_orders_accepted_by_odoo_convert_their_holds_only(rds, ck_settings, clock, run_store):
    seed(rds, ck_settings, [("A", "DC1", 5)])
    clock.now = wall_clock_ms()  # the hook converts on the wall clock
    kept, refused, converted = (new_reservation_id(CHANNEL) for _ in range(3))

    async def reserve(store):
        for rid in (kept, refused, converted):
            await store.reserve(CHANNEL, rid, [HoldLine("A", 1)], 60_000)

    run_store(reserve)
    unknown = new_reservation_id(CHANNEL)
    orders = [
        {"channel": CHANNEL, "external_id": "1", "reservation_id": converted},
        {"channel": CHANNEL, "external_id": "2", "reservation_id": refused},
        {"channel": CHANNEL, "external_id": "3", "reservation_id": None},
        {"channel": CHANNEL, "external_id": "4", "reservation_id": unknown},
    ]
    results = [
        {"status": "created", "order_name": "S1"},
        {"status": "error", "order_name": None},
        {"status": "created", "order_name": "S3"},
        {"status": "unchanged", "order_name": "S4"},
    ]
    outcome = jobs.on_orders_ingested(orders, results, rds, ck_settings)
    assert outcome == {converted: "converted", unknown: "unknown_reservation"}

    async def states(store):
        return [(await store.get(rid)).state for rid in (kept, refused, converted)]

    assert run_store(states) == ["active", "active", "converted"]


class ExportingGateway:
    """Odoo's export_sellable as the gateway returns it, per channel (one channel down)."""

    def export_sellable(self, channel, skus=None):
        if channel == OTHER_CHANNEL:
            raise ConnectionError("odoo timed out")
        return {"as_of": "2026-11-26T10:00:00Z",
                "stock": [{"sku": "A", "warehouse": "DC1", "sellable": 4.0}]}  # fmt: skip


def test_rebuild_all_goes_on_when_one_channel_fails(rds, ck_settings):
    reports = jobs.rebuild_all(ExportingGateway(), rds, ck_settings)
    assert [(r["channel"], r["status"]) for r in reports] == [
        (CHANNEL, "ok"),
        (OTHER_CHANNEL, "failed"),
    ]
    assert read_projection(CHANNEL, redis=rds, settings=ck_settings) == {"A": {"DC1": 4}}


def test_outbox_batch_and_sweep(rds, ck_settings, run_store):
    seed(rds, ck_settings, [("A", "DC1", 5)])
    event = {"id": 9, "topic": "stock.changed", "channel_code": CHANNEL,
             "payload": {"sku": "A", "warehouse": "DC1", "sellable": 2.0},
             "create_date": "2026-11-26 10:00:00"}  # fmt: skip
    assert jobs.on_outbox_batch([event, {"id": 10, "topic": "order.accepted"}], rds,
                                ck_settings) == {CHANNEL: [1, 0, 0]}  # fmt: skip

    async def reserve(store):  # the tests' clock is long past: these holds are expired
        await store.reserve(CHANNEL, new_reservation_id(CHANNEL), [HoldLine("A", 2)], 1000)

    run_store(reserve)
    prefix = pool_prefix(ck_settings)
    assert rds.zcard(prefix + "exp") == 1
    jobs.sweep_all(rds, ck_settings)
    assert rds.zcard(prefix + "exp") == 0 and not rds.exists(prefix + "h:A")


def test_order_accepted_in_the_outbox_converts_its_hold(rds, ck_settings, clock, run_store):
    """The ingest worker may die between Odoo's answer and its convert call: the order's
    order.accepted event (which names the reservation) converts the hold too, once."""
    seed(rds, ck_settings, [("A", "DC1", 5)])
    clock.now = wall_clock_ms()
    rid = new_reservation_id(CHANNEL)

    async def reserve(store):
        await store.reserve(CHANNEL, rid, [HoldLine("A", 2)], 60_000)

    run_store(reserve)
    accepted = {"id": 77, "topic": "order.accepted", "channel_code": CHANNEL,
                "payload": {"external_id": "1", "order_name": "S00077", "order_id": 77,
                            "reservation_id": rid, "shipments": []}}  # fmt: skip
    jobs.on_outbox_batch([accepted], rds, ck_settings)
    jobs.on_outbox_batch([accepted], rds, ck_settings)  # redelivered: same order, no conflict

    async def state(store):
        hold = await store.get(rid)
        return hold.state, hold.order_ref, (await store.read(CHANNEL, ["A"]))["A"].available

    assert run_store(state) == ("converted", "S00077", 3)
