# ruff: noqa: F811  (pytest fixtures imported from checkout_conftest)
"""The stock projection: outbox events applied once, rebuilds equal their source and swap
atomically, converted holds stop counting once Odoo's own reservation is in the projection."""

from __future__ import annotations

import random
from datetime import datetime, timezone

from sync_service.checkout.projection import (
    apply_stock_changes,
    read_projection,
    rebuild_projection,
)
from sync_service.checkout.reservations import HoldLine, convert_hold, new_reservation_id
from sync_service.checkout.scripts import channel_prefix
from tests.sync.checkout_conftest import (  # noqa: F401
    CHANNEL,
    T0,
    checkout_redis_server,
    ck_settings,
    clock,
    rds,
    run_store,
    seed,
)


def odoo_time(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def event(eid, sku, node, sellable, channel=None, created_ms=T0 - 30_000):
    return {
        "id": eid,
        "topic": "stock.changed",
        "channel_code": channel,
        "res_model": "product.product",
        "res_id": 1,
        "payload": {"sku": sku, "warehouse": node, "sellable": sellable},
        "create_date": odoo_time(created_ms),
    }


def test_rebuild_equals_source_figures(rds, ck_settings):
    rng = random.Random(7)
    nodes = [f"N{i:02d}" for i in range(50)]
    rows = [(f"SKU-{s}", n, rng.randint(-2, 30)) for s in range(300) for n in nodes]
    report = seed(rds, ck_settings, rows)
    assert report["status"] == "ok" and report["skus"] == 300 and report["nodes"] == 50
    expected: dict[str, dict[str, int]] = {}
    for sku, node, qty in rows:
        expected.setdefault(sku, {})[node] = qty
    assert read_projection(CHANNEL, redis=rds, settings=ck_settings) == expected


def test_channel_total_ignores_negative_nodes(rds, ck_settings, run_store):
    seed(rds, ck_settings, [("A", "DC1", -3), ("A", "ST1", 4), ("A", "ST2", 2.7)])

    async def read(store):
        return (await store.read(CHANNEL, ["A"]))["A"]

    a = run_store(read)
    assert (a.projected, a.available) == (6, 6)  # -3 sells nothing elsewhere; 2.7 is 2 units


def test_events_apply_once_and_out_of_order_replays_change_nothing(rds, ck_settings, run_store):
    seed(rds, ck_settings, [("A", "DC1", 10), ("A", "ST1", 1)])
    batch = [event(101, "A", "DC1", 8), event(102, "A", "DC1", 7), event(103, "B", "ST1", 4)]
    first = apply_stock_changes(batch, redis=rds, settings=ck_settings, channels=[CHANNEL])
    # redelivered, reversed, with an older event that arrives late
    again = apply_stock_changes(
        [*reversed(batch), event(100, "A", "DC1", 99)],
        redis=rds,
        settings=ck_settings,
        channels=[CHANNEL],
    )
    assert first == {CHANNEL: [3, 0, 0]}
    assert again == {CHANNEL: [0, 4, 0]}
    assert read_projection(CHANNEL, redis=rds, settings=ck_settings) == {
        "A": {"DC1": 7, "ST1": 1},
        "B": {"ST1": 4},
    }

    async def read(store):
        return await store.read(CHANNEL, ["A", "B"])

    figures = run_store(read)
    assert (figures["A"].available, figures["B"].available) == (8, 4)


def test_events_of_nodes_the_channel_does_not_sell_from_are_ignored(rds, ck_settings):
    seed(rds, ck_settings, [("A", "DC1", 10)])
    counts = apply_stock_changes(
        [
            event(5, "A", "FOREIGN", 3),
            event(6, "A", "DC1", 9),
            event(7, "A", "DC1", 1, channel="x"),
        ],
        redis=rds,
        settings=ck_settings,
        channels=[CHANNEL],
    )
    assert counts[CHANNEL] == [1, 0, 1]
    assert read_projection(CHANNEL, redis=rds, settings=ck_settings) == {"A": {"DC1": 9}}


def test_events_during_a_rebuild_survive_the_swap_and_readers_never_see_half(
    rds, ck_settings, run_store
):
    seed(rds, ck_settings, [("A", "DC1", 10), ("B", "DC1", 10)])
    apply_stock_changes([event(10, "A", "DC1", 9)], redis=rds, settings=ck_settings,
                        channels=[CHANNEL])  # fmt: skip
    seen_during = {}

    def export(_channel):
        # while Odoo exports: a live event arrives, and a reader looks at the projection
        apply_stock_changes([event(11, "B", "DC1", 3)], redis=rds, settings=ck_settings,
                            channels=[CHANNEL])  # fmt: skip
        seen_during.update(read_projection(CHANNEL, redis=rds, settings=ck_settings))
        # the snapshot was taken before event 11 committed: B is still 10 in it
        stock = [
            {"sku": "A", "warehouse": "DC1", "sellable": 9},
            {"sku": "B", "warehouse": "DC1", "sellable": 10},
            {"sku": "C", "warehouse": "DC1", "sellable": 5},
        ]
        return {"as_of": "2026-11-26T10:00:00Z", "stock": stock}

    report = rebuild_projection(
        CHANNEL, export, redis=rds, settings=ck_settings, clock=lambda: T0 - 1000
    )
    assert report["status"] == "ok"
    # during the build readers kept the old generation (no C yet, B already 3)
    assert seen_during == {"A": {"DC1": 9}, "B": {"DC1": 3}}
    # after the swap: the snapshot plus the live event replayed on top
    assert read_projection(CHANNEL, redis=rds, settings=ck_settings) == {
        "A": {"DC1": 9},
        "B": {"DC1": 3},
        "C": {"DC1": 5},
    }
    # the old generation's keys are gone
    prefix = channel_prefix(ck_settings, CHANNEL)
    gen = rds.get(prefix + "gen").decode()
    generations = {k.decode()[len(prefix) :].split(":")[0] for k in rds.keys(prefix + "g[0-9]*:*")}
    assert generations == {f"g{gen}"}
    # a replay of events older than the rebuild's start is still a no-op
    counts = apply_stock_changes([event(10, "A", "DC1", 1)], redis=rds, settings=ck_settings,
                                 channels=[CHANNEL])  # fmt: skip
    assert counts[CHANNEL] == [0, 1, 0]


def test_an_overtaken_rebuild_is_discarded(rds, ck_settings):
    seed(rds, ck_settings, [("A", "DC1", 1)])

    def export(_channel):
        seed(rds, ck_settings, [("A", "DC1", 2)])  # a second rebuild starts and finishes
        return {"as_of": "x", "stock": [{"sku": "A", "warehouse": "DC1", "sellable": 3}]}

    report = rebuild_projection(CHANNEL, export, redis=rds, settings=ck_settings)
    assert report["status"] == "aborted"
    assert read_projection(CHANNEL, redis=rds, settings=ck_settings) == {"A": {"DC1": 2}}


def test_converted_hold_counts_until_odoo_stock_after_conversion_arrives(
    rds, ck_settings, clock, run_store
):
    """The order is confirmed in Odoo (stock reserved there), then the hold is converted.
    Until the projection shows Odoo's figure after that moment, the hold must still count,
    else the same units would be sellable twice; afterwards it must stop counting, else they
    would be missing twice."""
    seed(rds, ck_settings, [("A", "DC1", 5)])

    async def reserve(store):
        return (await store.reserve(CHANNEL, new_reservation_id(CHANNEL), [HoldLine("A", 2)],
                                    60_000)).reservation_id  # fmt: skip

    async def available(store):
        return (await store.read(CHANNEL, ["A"]))["A"].available

    rid = run_store(reserve)
    clock.advance(1)
    convert_hold(rid, "S00042", redis=rds, settings=ck_settings, now_ms=clock())
    assert run_store(available) == 3
    # Odoo's event for the order's own reservation (committed before the conversion)
    apply_stock_changes([event(50, "A", "DC1", 3, created_ms=clock() - 500)], redis=rds,
                        settings=ck_settings, channels=[CHANNEL], clock=clock)  # fmt: skip
    # the event could be older than the order: the hold keeps counting (1 not 3)
    assert run_store(available) == 1
    # any later Odoo event (a transaction that began after the conversion) settles it
    clock.advance(5)
    apply_stock_changes([event(51, "ZZ", "DC1", 0, created_ms=clock())], redis=rds,
                        settings=ck_settings, channels=[CHANNEL], clock=clock)  # fmt: skip
    assert run_store(available) == 3

    async def state(store):
        return (await store.get(rid)).state

    assert run_store(state) == "settled"


def test_a_rebuild_requested_after_conversion_settles_converted_holds(
    rds, ck_settings, clock, run_store
):
    seed(rds, ck_settings, [("A", "DC1", 5)])

    async def reserve(store):
        return (await store.reserve(CHANNEL, new_reservation_id(CHANNEL), [HoldLine("A", 2)],
                                    60_000)).reservation_id  # fmt: skip

    async def available(store):
        return (await store.read(CHANNEL, ["A"]))["A"].available

    rid = run_store(reserve)
    convert_hold(rid, "S00042", redis=rds, settings=ck_settings, now_ms=clock())
    seed(rds, ck_settings, [("A", "DC1", 5)], at_ms=clock() - 1)  # requested before: counts
    assert run_store(available) == 3
    clock.advance(0.1)
    seed(rds, ck_settings, [("A", "DC1", 3)], at_ms=clock())  # Odoo's figure with the order
    assert run_store(available) == 3


def test_a_converted_hold_settles_only_once_every_channel_caught_up(
    rds, ck_settings, clock, run_store
):
    """Holds are shared by the channels selling the same stock, so a converted hold may only
    stop counting when every channel's projection shows Odoo's reservation."""
    seed(rds, ck_settings, [("A", "DC1", 5)])
    seed(rds, ck_settings, [("A", "DC1", 5)], channel="marketplace")

    async def reserve(store):
        return (await store.reserve(CHANNEL, new_reservation_id(CHANNEL), [HoldLine("A", 2)],
                                    60_000)).reservation_id  # fmt: skip

    async def available(store):
        return [(await store.read(c, ["A"]))["A"].available for c in (CHANNEL, "marketplace")]

    rid = run_store(reserve)
    convert_hold(rid, "S00042", redis=rds, settings=ck_settings, now_ms=clock())
    clock.advance(0.1)
    seed(rds, ck_settings, [("A", "DC1", 3)], at_ms=clock())  # webshop rebuilt after the order
    assert run_store(available) == [1, 3]  # marketplace still shows 5: the hold must count
    seed(rds, ck_settings, [("A", "DC1", 3)], channel="marketplace", at_ms=clock())
    assert run_store(available) == [3, 3]


def test_events_before_the_first_rebuild_wait_for_it(rds, ck_settings, run_store):
    """Before any rebuild the projection is "not ready" rather than half there; the events
    seen meanwhile are in the first rebuild's snapshot, so they are not replayed on it."""
    import pytest

    from sync_service.checkout import exceptions as exc

    counts = apply_stock_changes([event(1, "A", "DC1", 7)], redis=rds, settings=ck_settings,
                                 channels=[CHANNEL])  # fmt: skip
    assert counts[CHANNEL] == [0, 1, 0]

    async def read(store):
        return await store.read(CHANNEL, ["A"])

    with pytest.raises(exc.ProjectionNotReady):
        run_store(read)
    seed(rds, ck_settings, [("A", "DC1", 7)])
    apply_stock_changes([event(1, "A", "DC1", 99)], redis=rds, settings=ck_settings,
                        channels=[CHANNEL])  # fmt: skip
    assert run_store(read)["A"].available == 7


def test_events_during_the_very_first_rebuild_are_kept(rds, ck_settings):
    def export(_channel):
        apply_stock_changes([event(3, "B", "DC1", 1)], redis=rds, settings=ck_settings,
                            channels=[CHANNEL])  # fmt: skip
        stock = [{"sku": "A", "warehouse": "DC1", "sellable": 2},
                 {"sku": "B", "warehouse": "DC1", "sellable": 6}]  # fmt: skip
        return {"as_of": "x", "stock": stock}

    rebuild_projection(CHANNEL, export, redis=rds, settings=ck_settings)
    assert read_projection(CHANNEL, redis=rds, settings=ck_settings) == {
        "A": {"DC1": 2},
        "B": {"DC1": 1},
    }


def test_the_exports_cursor_keeps_late_old_events_out(rds, ck_settings):
    """export_sellable says which outbox event its figures include: a consumer lagging
    behind the export must not put older figures back on top of the snapshot."""

    def export(_channel):
        stock = [{"sku": "A", "warehouse": "DC1", "sellable": 5}]
        return {"as_of": "x", "cursor": 40, "stock": stock}

    rebuild_projection(CHANNEL, export, redis=rds, settings=ck_settings)
    late = [event(39, "A", "DC1", 9), event(41, "A", "DC1", 4)]
    counts = apply_stock_changes(late[:1], redis=rds, settings=ck_settings, channels=[CHANNEL])
    assert counts[CHANNEL] == [0, 1, 0]
    assert read_projection(CHANNEL, redis=rds, settings=ck_settings) == {"A": {"DC1": 5}}
    apply_stock_changes(late[1:], redis=rds, settings=ck_settings, channels=[CHANNEL])
    assert read_projection(CHANNEL, redis=rds, settings=ck_settings) == {"A": {"DC1": 4}}


def test_events_of_channels_without_checkout_are_not_projected(rds, ck_settings):
    seed(rds, ck_settings, [("A", "DC1", 1)])
    counts = apply_stock_changes([event(5, "A", "DC1", 9, "pos")], redis=rds,
                                 settings=ck_settings)  # fmt: skip
    assert counts == {}
    assert read_projection("pos", redis=rds, settings=ck_settings) == {}
    assert read_projection(CHANNEL, redis=rds, settings=ck_settings) == {"A": {"DC1": 1}}
