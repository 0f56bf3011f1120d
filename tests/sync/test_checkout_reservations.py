# ruff: noqa: F811  (pytest fixtures imported from checkout_conftest)
"""Reservations against a real Redis: all-or-nothing, never beyond sellable, expiry gives back."""

from __future__ import annotations

import asyncio

import pytest

from sync_service.checkout import exceptions as exc
from sync_service.checkout.reservations import HoldLine, convert_hold, new_reservation_id
from sync_service.checkout.scripts import pool_prefix
from tests.sync.checkout_conftest import (  # noqa: F401
    CHANNEL,
    checkout_redis_server,
    ck_settings,
    clock,
    rds,
    run_store,
    seed,
)


def rid(n: int | str = "") -> str:
    return new_reservation_id(CHANNEL, f"test-{n}" if n != "" else None)


def test_last_unit_fifty_concurrent_checkouts_one_wins_hundred_rounds(rds, ck_settings, run_store):
    """50 carts race for the last unit; repeated 100 times with fresh stock each round."""

    async def rounds(store):
        winners_per_round = []
        for round_no in range(100):
            sku = f"LAST-{round_no}"
            seed(rds, ck_settings, [(sku, "DC1", 1), (f"OTHER-{round_no}", "DC1", 5)])
            attempts = [
                store.reserve(CHANNEL, rid(), [HoldLine(sku, 1)], ck_settings.hold_ttl_ms)
                for _ in range(50)
            ]
            results = await asyncio.gather(*attempts, return_exceptions=True)
            winners = [r for r in results if not isinstance(r, Exception)]
            losers = [r for r in results if isinstance(r, exc.InsufficientStock)]
            assert len(winners) + len(losers) == 50, results
            winners_per_round.append(len(winners))
            stock = (await store.read(CHANNEL, [sku]))[sku]
            assert (stock.projected, stock.held, stock.available) == (1, 1, 0)
        return winners_per_round

    assert run_store(rounds) == [1] * 100


def test_cart_is_all_or_nothing_and_names_the_short_lines(rds, ck_settings, run_store):
    seed(rds, ck_settings, [("A", "DC1", 3), ("B", "DC1", 1), ("B", "ST1", 1), ("C", "ST1", 0)])

    async def scenario(store):
        lines = [HoldLine("A", 2), HoldLine("B", 3), HoldLine("C", 1)]
        with pytest.raises(exc.InsufficientStock) as refused:
            await store.reserve(CHANNEL, rid(), lines, 60_000)
        after = await store.read(CHANNEL, ["A", "B", "C"])
        return refused.value.extensions["lines"], after

    short, after = run_store(scenario)
    assert short == [
        {"sku": "B", "store": None, "requested": 3, "available": 2},
        {"sku": "C", "store": None, "requested": 1, "available": 0},
    ]
    # nothing was taken, not even line A which alone would fit
    assert [after[s].held for s in "ABC"] == [0, 0, 0]
    assert after["A"].available == 3


def test_unknown_sku_is_refused_before_stock_is_checked(rds, ck_settings, run_store):
    seed(rds, ck_settings, [("A", "DC1", 3)])

    async def scenario(store):
        with pytest.raises(exc.UnknownSku) as refused:
            await store.reserve(CHANNEL, rid(), [HoldLine("A", 1), HoldLine("NOPE", 1)], 1000)
        return refused.value.extensions["skus"], (await store.read(CHANNEL, ["A"]))["A"]

    skus, a = run_store(scenario)
    assert skus == ["NOPE"]
    assert a.held == 0


def test_reserve_never_pay_time_passes_no_stock_leaks(rds, ck_settings, clock, run_store):
    """Hundreds of abandoned carts; once their TTL passed, every unit is sellable again,
    without any release call and without Redis expiring a key."""
    seed(rds, ck_settings, [("A", "DC1", 40), ("A", "ST1", 10), ("B", "DC1", 7)])

    async def scenario(store):
        taken = 0
        for i in range(300):
            lines = [HoldLine("A", 1 + i % 3), HoldLine("B", 1)] if i % 2 else [HoldLine("A", 1)]
            try:
                await store.reserve(CHANNEL, rid(), lines, 1000 + (i % 5) * 100)
                taken += 1
            except exc.InsufficientStock:
                pass
            clock.advance(0.01)
        during = await store.read(CHANNEL, ["A", "B"])
        clock.advance(1.5)  # past every TTL (max 1.4 s)
        after = await store.read(CHANNEL, ["A", "B"])
        return taken, during, after

    taken, during, after = run_store(scenario)
    assert taken > 20
    assert during["A"].available < 50 or during["B"].available < 7
    assert (after["A"].held, after["A"].available) == (0, 50)
    assert (after["B"].held, after["B"].available) == (0, 7)
    prefix = pool_prefix(ck_settings)
    assert rds.zcard(prefix + "exp") == 0
    assert rds.keys(prefix + "h:*") == []
    assert not rds.exists(prefix + "ht")  # per-SKU held totals back to nothing


def test_expiry_backlog_beyond_purge_limit_is_still_correct(rds, ck_settings, clock, run_store):
    seed(rds, ck_settings, [("A", "DC1", 1000)])

    async def scenario(store):
        for i in range(3 * ck_settings.purge_limit + 7):
            await store.reserve(CHANNEL, rid(i), [HoldLine("A", 2)], 500)
        clock.advance(1)
        return (await store.read(CHANNEL, ["A"]))["A"]

    a = run_store(scenario)
    assert (a.held, a.available) == (0, 1000)


def test_real_ttl_passing_on_the_wall_clock(rds, ck_settings, checkout_redis_server):
    """Same as above with the real clock and a 200 ms TTL: the expiry is not a test artefact."""
    import redis.asyncio as aioredis

    from sync_service.checkout.reservations import CheckoutStore

    seed(rds, ck_settings, [("A", "DC1", 1)])

    async def scenario():
        client = aioredis.Redis(port=checkout_redis_server.port)
        store = CheckoutStore(client, ck_settings)
        await store.reserve(CHANNEL, rid(), [HoldLine("A", 1)], 200)
        before = (await store.read(CHANNEL, ["A"]))["A"].available
        await asyncio.sleep(0.3)
        after = (await store.read(CHANNEL, ["A"]))["A"].available
        second = await store.reserve(CHANNEL, rid(), [HoldLine("A", 1)], 200)
        await client.aclose()
        return before, after, second.state

    assert asyncio.run(scenario()) == (0, 1, "active")


def test_release_gives_stock_back_once(rds, ck_settings, run_store):
    seed(rds, ck_settings, [("A", "DC1", 2)])

    async def scenario(store):
        hold = await store.reserve(CHANNEL, rid(), [HoldLine("A", 2)], 60_000)
        held = (await store.read(CHANNEL, ["A"]))["A"].available
        first = await store.release(hold.reservation_id)
        second = await store.release(hold.reservation_id)
        return held, first.state, second.state, (await store.read(CHANNEL, ["A"]))["A"]

    held, first, second, a = run_store(scenario)
    assert (held, first, second) == (0, "released", "released")
    assert (a.held, a.available) == (0, 2)


def test_idempotency_key_gives_the_same_reservation(rds, ck_settings, run_store):
    seed(rds, ck_settings, [("A", "DC1", 5)])

    async def scenario(store):
        r = rid("same-key")
        first = await store.reserve(CHANNEL, r, [HoldLine("A", 2)], 60_000)
        again = await store.reserve(CHANNEL, r, [HoldLine("A", 2)], 60_000)
        with pytest.raises(exc.ReservationConflict):
            await store.reserve(CHANNEL, r, [HoldLine("A", 3)], 60_000)
        return first, again, (await store.read(CHANNEL, ["A"]))["A"]

    first, again, a = run_store(scenario)
    assert first.created and not again.created
    assert again.reservation_id == first.reservation_id
    assert a.held == 2


def test_pickup_hold_at_a_store_bounds_both_store_and_channel(rds, ck_settings, run_store):
    seed(rds, ck_settings, [("A", "DC1", 1), ("A", "ST1", 2)])

    async def scenario(store):
        await store.reserve(CHANNEL, rid(), [HoldLine("A", 2, "ST1")], 60_000)
        nodes = (await store.read(CHANNEL, ["A"], mode="nodes"))["A"].nodes
        with pytest.raises(exc.InsufficientStock) as at_store:
            await store.reserve(CHANNEL, rid(), [HoldLine("A", 1, "ST1")], 60_000)
        await store.reserve(CHANNEL, rid(), [HoldLine("A", 1)], 60_000)  # DC1's unit
        with pytest.raises(exc.InsufficientStock):
            await store.reserve(CHANNEL, rid(), [HoldLine("A", 1)], 60_000)
        after = (await store.read(CHANNEL, ["A"], mode="nodes"))["A"]
        return nodes, at_store.value.extensions["lines"], after

    nodes, short, after = run_store(scenario)
    assert nodes == {"DC1": 1, "ST1": 0}
    assert short == [{"sku": "A", "store": "ST1", "requested": 1, "available": 0}]
    assert after.total.available == 0 and after.nodes == {"DC1": 0, "ST1": 0}


def test_channel_wide_holds_cap_what_a_store_can_promise(rds, ck_settings, run_store):
    seed(rds, ck_settings, [("A", "DC1", 1), ("A", "ST1", 2)])

    async def scenario(store):
        await store.reserve(CHANNEL, rid(), [HoldLine("A", 2)], 60_000)
        return (await store.read(CHANNEL, ["A"], mode="nodes"))["A"].nodes

    # 3 units, 2 held for "any node": ST1 cannot offer more than the 1 left overall
    assert run_store(scenario) == {"DC1": 1, "ST1": 1}


def test_channels_selling_the_same_stock_see_each_others_holds(rds, ck_settings, run_store):
    """Two channels sell DC1's last unit: once one holds it, the other cannot."""
    seed(rds, ck_settings, [("A", "DC1", 1)])
    seed(rds, ck_settings, [("A", "DC1", 1)], channel="marketplace")

    async def scenario(store):
        await store.reserve(CHANNEL, rid(), [HoldLine("A", 1)], 60_000)
        other = (await store.read("marketplace", ["A"]))["A"].available
        with pytest.raises(exc.InsufficientStock):
            await store.reserve("marketplace", new_reservation_id("marketplace"),
                                [HoldLine("A", 1)], 60_000)  # fmt: skip
        return other

    assert run_store(scenario) == 0


def test_convert_is_idempotent_and_keeps_counting(rds, ck_settings, clock, run_store):
    seed(rds, ck_settings, [("A", "DC1", 3)])

    async def scenario(store):
        hold = await store.reserve(CHANNEL, rid(), [HoldLine("A", 2)], 1000)
        return hold.reservation_id

    reservation_id = run_store(scenario)
    assert convert_hold(reservation_id, "S00042", redis=rds, settings=ck_settings,
                        now_ms=clock()) == "converted"  # fmt: skip
    assert convert_hold(reservation_id, "S00042", redis=rds, settings=ck_settings,
                        now_ms=clock()) == "converted"  # fmt: skip
    with pytest.raises(exc.ReservationConflict):
        convert_hold(reservation_id, "S00043", redis=rds, settings=ck_settings, now_ms=clock())
    clock.advance(5)  # past the TTL: a converted hold does not expire like an abandoned one

    async def later(store):
        return (await store.read(CHANNEL, ["A"]))["A"], await store.get(reservation_id)

    a, hold = run_store(later)
    assert (a.held, a.available, hold.state, hold.order_ref) == (2, 1, "converted", "S00042")


def test_convert_after_expiry_reports_it(rds, ck_settings, clock, run_store):
    seed(rds, ck_settings, [("A", "DC1", 3)])

    async def scenario(store):
        return (await store.reserve(CHANNEL, rid(), [HoldLine("A", 2)], 1000)).reservation_id

    reservation_id = run_store(scenario)
    clock.advance(2)
    state = convert_hold(reservation_id, "S1", redis=rds, settings=ck_settings, now_ms=clock())
    assert state == "expired"
    with pytest.raises(exc.UnknownReservation):
        convert_hold(rid(), "S1", redis=rds, settings=ck_settings, now_ms=clock())


def test_extending_a_hold_keeps_its_stock_until_the_new_expiry(rds, ck_settings, clock, run_store):
    seed(rds, ck_settings, [("A", "DC1", 1)])

    async def scenario(store):
        hold = await store.reserve(CHANNEL, rid(), [HoldLine("A", 1)], 1000)
        clock.advance(0.9)
        extended = await store.extend(hold.reservation_id, 5000)
        clock.advance(2)  # past the first expiry, before the new one
        during = (await store.read(CHANNEL, ["A"]))["A"].available
        clock.advance(3.5)
        after = (await store.read(CHANNEL, ["A"]))["A"].available
        with pytest.raises(exc.ReservationConflict):
            await store.extend(hold.reservation_id, 5000)  # expired: it cannot come back
        return extended.expires_ms - hold.expires_ms, during, after

    moved, during, after = run_store(scenario)
    assert moved == 4900 and during == 0 and after == 1
