# ruff: noqa: F811  (pytest fixtures imported from checkout_conftest)
"""Random sequences of checkouts against a plain-Python model of what must happen.

Reservations (channel-wide and at a store), releases, conversions, stock changes from the
outbox and the clock moving: after every step the accept/refuse decision and every figure
the API would show must equal the model's. Real Redis, the real scripts."""

from __future__ import annotations

import asyncio

import redis.asyncio as aioredis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sync_service.checkout import exceptions as exc
from sync_service.checkout.projection import apply_stock_changes
from sync_service.checkout.reservations import (
    CheckoutStore,
    HoldLine,
    convert_hold,
    new_reservation_id,
)
from tests.sync.checkout_conftest import (  # noqa: F401
    CHANNEL,
    T0,
    Clock,
    checkout_redis_server,
    ck_settings,
    rds,
    seed,
)

SKUS = ("A", "B")
NODES = ("DC1", "ST1")
START = {("A", "DC1"): 3, ("A", "ST1"): 1, ("B", "DC1"): 0, ("B", "ST1"): 2}

line = st.tuples(st.sampled_from(SKUS), st.sampled_from(("", "ST1")), st.integers(1, 3))
operation = st.one_of(
    st.tuples(st.just("reserve"), st.lists(line, min_size=1, max_size=3), st.integers(50, 900)),
    st.tuples(st.just("release"), st.integers(0, 20)),
    st.tuples(st.just("convert"), st.integers(0, 20)),
    st.tuples(st.just("stock"), st.sampled_from(SKUS), st.sampled_from(NODES), st.integers(-1, 4)),
    st.tuples(st.just("wait"), st.integers(1, 700)),
)


class Model:
    def __init__(self) -> None:
        self.stock = dict(START)
        self.holds: dict[str, dict] = {}  # rid -> {lines, expires, state}

    def purge(self, now: int) -> None:
        for hold in self.holds.values():
            if hold["state"] == "active" and hold["expires"] <= now:
                hold["state"] = "expired"

    def held(self, sku: str, node: str | None = None) -> int:
        return sum(q for h in self.holds.values() if h["state"] in ("active", "converted")
                   for s, n, q in h["lines"]
                   if s == sku and (node is None or n == node))  # fmt: skip

    def free(self, sku: str) -> int:
        return sum(max(self.stock[(sku, n)], 0) for n in NODES) - self.held(sku)

    def store_free(self, sku: str, node: str) -> int:
        return max(min(max(self.stock[(sku, node)], 0) - self.held(sku, node), self.free(sku)), 0)

    def fits(self, lines) -> bool:
        for sku in {s for s, _n, _q in lines}:  # SKUs not in the cart do not matter
            wanted = sum(q for s, _n, q in lines if s == sku)
            if wanted > self.free(sku):
                return False
            at_store = sum(q for s, n, q in lines if s == sku and n == "ST1")
            if at_store > self.store_free(sku, "ST1"):
                return False
        return True


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(operations=st.lists(operation, min_size=1, max_size=25))
def test_random_checkouts_match_the_model(checkout_redis_server, rds, ck_settings, operations):
    rds.flushdb()
    clock = Clock()
    seed(rds, ck_settings, [(s, n, q) for (s, n), q in START.items()])
    model = Model()
    rids: list[str] = []
    event_id = [100]

    async def run() -> None:
        client = aioredis.Redis(port=checkout_redis_server.port)
        store = CheckoutStore(client, ck_settings, clock)
        try:
            for op in operations:
                await step(store, op)
                model.purge(clock())
                figures = await store.read(CHANNEL, list(SKUS), mode="nodes")
                units = await store.available(CHANNEL, list(SKUS))  # cart and listing reads
                for sku in SKUS:
                    assert figures[sku].total.available == max(model.free(sku), 0), (op, sku)
                    assert units[sku] == max(model.free(sku), 0), (op, sku)
                    assert figures[sku].nodes["ST1"] == model.store_free(sku, "ST1"), (op, sku)
                counted = await store.stores_in_stock(CHANNEL, list(SKUS), list(NODES))
                for sku in SKUS:
                    expected = sum(1 for n in NODES if model.store_free(sku, n) > 0)
                    assert counted[sku][1] == expected, (op, sku)
        finally:
            await client.aclose()

    async def step(store, op) -> None:
        kind = op[0]
        model.purge(clock())
        if kind == "reserve":
            lines = [HoldLine(s, q, n) for s, n, q in op[1]]
            rid = new_reservation_id(CHANNEL)
            expected = model.fits(op[1])
            try:
                hold = await store.reserve(CHANNEL, rid, lines, op[2])
            except exc.InsufficientStock:
                assert not expected, op
                return
            assert expected, op
            model.holds[rid] = {"lines": op[1], "expires": hold.expires_ms, "state": "active"}
            rids.append(rid)
        elif kind == "release" and rids:
            rid = rids[op[1] % len(rids)]
            try:
                await store.release(rid)
            except exc.ReservationConflict:
                assert model.holds[rid]["state"] == "converted"
                return
            if model.holds[rid]["state"] == "active":
                model.holds[rid]["state"] = "released"
        elif kind == "convert" and rids:
            rid = rids[op[1] % len(rids)]
            state = convert_hold(rid, f"S-{rid}", redis=rds, settings=ck_settings, now_ms=clock())
            if model.holds[rid]["state"] == "active":
                model.holds[rid]["state"] = "converted"
            assert state == model.holds[rid]["state"]
        elif kind == "stock":
            event_id[0] += 1
            sku, node, value = op[1], op[2], op[3]
            event = {"id": event_id[0], "topic": "stock.changed", "channel_code": CHANNEL,
                     "payload": {"sku": sku, "warehouse": node, "sellable": value}}  # fmt: skip
            apply_stock_changes([event], redis=rds, settings=ck_settings, clock=clock)
            model.stock[(sku, node)] = value
        elif kind == "wait":
            clock.advance(op[1] / 1000)

    asyncio.run(run())
    assert clock() >= T0
