"""Batch re-optimisation of a release window: fewer shipments than one by one, never more than
stock, every order planned or explained, and the one-by-one plans as the fallback."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta, timezone

import pytest

pytest.importorskip("highspy")

from oms_engine import (
    Calendar,
    CarrierService,
    Destination,
    Network,
    Node,
    Order,
    OrderLine,
    Policy,
    Product,
    Zone,
    batch,
)
from oms_engine.batch import classify_splits, reoptimise, route_one_by_one
from oms_engine.milp import order_data

MONDAY = datetime(2026, 11, 30, 8, 0, tzinfo=timezone.utc)
KASSEL = Destination("DE", "34117", 51.31, 9.48)
LEIPZIG = Destination("DE", "04109", 51.34, 12.37)
HAMBURG = Destination("DE", "20095", 53.55, 9.99)


def _network(n_products: int = 2, north: bool = False, **policy) -> Network:
    calendar = Calendar(country="DE", working_weekdays=frozenset(range(6)))
    nodes = [
        Node("DC-WEST", lat=51.31, lon=9.50, country="DE", postal_code="34117",
             timezone="Europe/Berlin", handling_cost=1.0, cutoff=time(16), calendar=calendar),
        Node("DC-EAST", lat=51.34, lon=12.40, country="DE", postal_code="04109",
             timezone="Europe/Berlin", handling_cost=1.0, cutoff=time(16), calendar=calendar),
    ]  # fmt: skip
    if north:
        nodes.append(
            Node("DC-NORTH", lat=53.55, lon=9.99, country="DE", postal_code="20095",
                 timezone="Europe/Berlin", handling_cost=1.0, cutoff=time(16), calendar=calendar)
        )  # fmt: skip
    parcel = CarrierService(
        "parcel", "dhl", zones=(Zone("DE", "", 1),), cost_per_package=4.5, cost_per_kg=0.05
    )
    products = [Product(f"P{i}", weight_kg=1.0) for i in range(n_products)]
    return Network(nodes, [parcel], products, Policy(**policy))


def _order(oid: str, skus: list[str], dest: Destination, minutes: int = 0) -> Order:
    lines = tuple(OrderLine(s, 1) for s in skus)
    return Order(oid, lines, dest, MONDAY + timedelta(minutes=minutes))


def test_batch_undoes_a_greedy_grab_that_split_a_later_order():
    # P0: one unit in each DC. P1: only in the west. The first order (to Kassel, next to the
    # west DC) takes the west's P0; the second needs P0 and P1 and has to split.
    network = _network()
    stock = {"P0": {"DC-WEST": 1, "DC-EAST": 1}, "P1": {"DC-WEST": 1}}
    orders = [_order("A", ["P0"], KASSEL), _order("B", ["P0", "P1"], LEIPZIG, 5)]
    one_by_one = route_one_by_one(network, orders, stock)
    assert [len(p.shipments) for p in one_by_one] == [1, 2]

    result = reoptimise(network, orders, stock, plans=one_by_one, time_limit=5)

    assert result.status == "improved"
    assert [len(o.plan.shipments) for o in result.orders] == [1, 1]
    assert result.extra_shipments_before == 1 and result.extra_shipments_after == 0
    assert result.improvement > 0
    assert result.score_after == pytest.approx(sum(o.plan.score.total for o in result.orders))
    plan_a, plan_b = (o.plan for o in result.orders)
    assert plan_a.shipments[0].node == "DC-EAST"
    assert plan_b.shipments[0].node == "DC-WEST"
    assert {line.sku for line in plan_b.shipments[0].lines} == {"P0", "P1"}


def test_batch_merges_a_split_no_single_node_could_have_avoided():
    # No node ever held all of B (P1 only in the west, P2 only in the east): the split is
    # forced, so a batch that only re-decides "split by competition" orders leaves it. But A,
    # routed first, took the west's only P0, so B went out in three parcels (P0 from the
    # north). Sending A's P0 from the north instead lets B ship in two.
    network = _network(n_products=3, north=True)
    stock = {"P0": {"DC-WEST": 1, "DC-NORTH": 1}, "P1": {"DC-WEST": 1}, "P2": {"DC-EAST": 1}}
    orders = [_order("A", ["P0"], KASSEL), _order("B", ["P0", "P1", "P2"], LEIPZIG, 5)]
    one_by_one = route_one_by_one(network, orders, stock)
    assert [len(p.shipments) for p in one_by_one] == [1, 3]
    classes = classify_splits(network, orders, one_by_one, stock)
    assert (classes.split, classes.forced, classes.competition, classes.choice) == (1, 1, 0, 0)
    assert classes.removable_at_most == 1

    result = reoptimise(network, orders, stock, plans=one_by_one, time_limit=5)

    assert result.status == "improved"
    assert result.extra_shipments_before == 2 and result.extra_shipments_after == 1
    plan_a, plan_b = (o.plan for o in result.orders)
    assert [s.node for s in plan_a.shipments] == ["DC-NORTH"]
    assert sorted(s.node for s in plan_b.shipments) == ["DC-EAST", "DC-WEST"]
    assert result.score_after < result.score_before


def test_classify_splits_tells_competition_from_forced():
    network = _network(n_products=3)
    stock = {"P0": {"DC-WEST": 1, "DC-EAST": 1}, "P1": {"DC-WEST": 1}, "P2": {"DC-EAST": 1}}
    orders = [
        _order("A", ["P0"], KASSEL),
        _order("B", ["P0", "P1"], LEIPZIG, 5),  # the west held both before A took its P0
        _order("C", ["P1", "P2"], LEIPZIG, 9),  # never in one place: forced
    ]
    plans = route_one_by_one(network, orders, stock)
    assert [len(p.shipments) for p in plans] == [1, 2, 1]  # C: P1 went to B, C ships P2 only
    classes = classify_splits(network, orders, plans, stock)
    assert (classes.split, classes.competition, classes.forced, classes.choice) == (1, 1, 0, 0)
    assert classes.removable_at_most == 1

    stock_forced = {"P1": {"DC-WEST": 1}, "P2": {"DC-EAST": 1}}
    forced = [_order("C", ["P1", "P2"], LEIPZIG)]
    plans = route_one_by_one(network, forced, stock_forced)
    classes = classify_splits(network, forced, plans, stock_forced)
    assert (classes.split, classes.forced, classes.removable_at_most) == (1, 1, 0)


def test_nothing_to_gain_keeps_the_one_by_one_plans():
    network = _network()
    stock = {"P0": {"DC-WEST": 5, "DC-EAST": 5}, "P1": {"DC-WEST": 5}}
    orders = [_order("A", ["P0"], KASSEL), _order("B", ["P0", "P1"], KASSEL, 5)]
    result = reoptimise(network, orders, stock, time_limit=5)
    assert result.status == "fallback"
    assert result.improvement == 0
    assert all(o.plan is o.one_by_one and not o.changed for o in result.orders)


def _random_window(seed: int):
    rng = random.Random(seed)
    network = _network(n_products=6, max_packages=rng.choice((None, 2)))
    stock = {
        f"P{i}": {n: rng.randint(0, 3) for n in ("DC-WEST", "DC-EAST") if rng.random() < 0.8}
        for i in range(6)
    }
    orders = [
        Order(
            f"O{k}",
            tuple(
                OrderLine(f"P{i}", rng.randint(1, 2))
                for i in rng.sample(range(6), rng.randint(1, 3))
            ),
            rng.choice((KASSEL, LEIPZIG)),
            MONDAY + timedelta(minutes=k),
            allow_split=rng.random() < 0.8,
        )
        for k in range(rng.randint(5, 25))
    ]
    return network, stock, orders


@pytest.mark.parametrize("seed", range(25))
def test_batch_never_allocates_more_than_stock_and_explains_every_short_unit(seed):
    network, stock, orders = _random_window(seed)
    result = reoptimise(network, orders, stock, time_limit=5)
    taken: dict[tuple[str, str], int] = {}
    for order, decided in zip(orders, result.orders, strict=True):
        assert decided.order_id == order.id
        ordered: dict[str, int] = {}
        for line in order.lines:
            ordered[line.sku] = ordered.get(line.sku, 0) + line.quantity
        shipped: dict[str, int] = {}
        for s in decided.plan.shipments:
            for line in s.lines:
                shipped[line.sku] = shipped.get(line.sku, 0) + line.quantity
                taken[(line.sku, s.node)] = taken.get((line.sku, s.node), 0) + line.quantity
        short: dict[str, int] = {}
        for u in decided.plan.unfulfilled:
            assert u.reason, f"{order.id}: {u.sku} short without a reason"
            short[u.sku] = short.get(u.sku, 0) + u.quantity
        # Fully planned, or the rest carries reasons: nothing silently dropped.
        for sku, qty in ordered.items():
            assert shipped.get(sku, 0) + short.get(sku, 0) == qty
        if not order.allow_split:
            assert len(decided.plan.shipments) <= 1
    for (sku, node), qty in taken.items():
        assert qty <= stock[sku][node], f"{qty} x {sku} from {node} above stock"
    # Never worse than one by one: the fallback guarantees it.
    assert result.score_after <= result.score_before + 1e-6
    assert result.extra_shipments_after <= result.extra_shipments_before or result.improvement > 0


def _competing_window(seed: int) -> tuple[Network, dict, list[Order]]:
    """120 orders competing for 6 SKUs in two DCs: one group, larger than a chunk."""
    rng = random.Random(seed)
    network = _network(n_products=6)
    stock = {f"P{i}": {"DC-WEST": 12, "DC-EAST": 12} for i in range(6)}
    orders = [
        Order(
            f"O{k}",
            tuple(OrderLine(f"P{i}", 1) for i in rng.sample(range(6), rng.randint(1, 3))),
            rng.choice((KASSEL, LEIPZIG)),
            MONDAY + timedelta(minutes=k),
        )
        for k in range(120)
    ]
    return network, stock, orders


def test_a_large_group_is_improved_chunk_by_chunk_within_stock():
    # One group, re-decided in 40-order chunks while the rest of the group is held at its
    # current plans.
    network, stock, orders = _competing_window(7)
    result = reoptimise(network, orders, stock, time_limit=20)
    taken: dict[tuple[str, str], int] = {}
    for order, decided in zip(orders, result.orders, strict=True):
        ordered = {line.sku: line.quantity for line in order.lines}
        shipped = {}
        for s in decided.plan.shipments:
            for line in s.lines:
                shipped[line.sku] = shipped.get(line.sku, 0) + line.quantity
                taken[(line.sku, s.node)] = taken.get((line.sku, s.node), 0) + line.quantity
        short = {u.sku: u.quantity for u in decided.plan.unfulfilled if u.reason}
        assert all(shipped.get(k, 0) + short.get(k, 0) == q for k, q in ordered.items())
    assert all(qty <= stock[sku][node] for (sku, node), qty in taken.items())
    assert result.score_after <= result.score_before + 1e-6
    assert result.status == "improved"
    assert result.extra_shipments_after < result.extra_shipments_before


@pytest.mark.parametrize("seed", [0, 3])
def test_a_large_group_gets_further_passes_with_moved_chunk_borders(seed, monkeypatch):
    # One pass over the 40-order chunks leaves gains across their borders; later passes,
    # the borders moved by half a chunk, find them. The whole group solved as one model
    # (no chunks) bounds what any pass can reach.
    network, stock, orders = _competing_window(seed)
    plans = route_one_by_one(network, orders, stock)
    monkeypatch.setattr(batch, "DIVE", False)  # the chunk passes alone
    passes = reoptimise(network, orders, stock, plans=plans, time_limit=30)
    monkeypatch.setattr(batch, "MAX_PASSES", 1)
    one_pass = reoptimise(network, orders, stock, plans=plans, time_limit=30)
    whole = reoptimise(network, orders, stock, plans=plans, time_limit=30, chunk_orders=len(orders))
    assert one_pass.solver_status == "optimal x3"  # three chunks, each solved to the end
    assert passes.solver_status.startswith("optimal") and "time_limit" not in passes.solver_status
    assert passes.score_after < one_pass.score_after - 1.0
    assert passes.score_after >= whole.score_after - 1e-6


@pytest.mark.parametrize("seed", [0, 4])
def test_a_large_group_is_first_solved_whole_by_an_lp_guided_dive(seed, monkeypatch):
    # The group as one model: its LP relaxation, then the MIP with the columns the LP set to
    # integers fixed. Alone (no chunk pass after it) it beats a pass over the chunks, and the
    # exact MIP of the whole group (a chunk as large as the group) bounds it.
    network, stock, orders = _competing_window(seed)
    plans = route_one_by_one(network, orders, stock)
    whole = reoptimise(network, orders, stock, plans=plans, time_limit=30, chunk_orders=120)
    monkeypatch.setattr(batch, "MAX_PASSES", 0)
    dive = reoptimise(network, orders, stock, plans=plans, time_limit=30)
    monkeypatch.setattr(batch, "DIVE", False)
    monkeypatch.setattr(batch, "MAX_PASSES", 1)
    one_pass = reoptimise(network, orders, stock, plans=plans, time_limit=30)
    assert dive.solver_status == "dive optimal x1"
    assert whole.solver_status == "optimal x1"
    assert dive.score_after < one_pass.score_after - 1.0
    assert whole.score_after - 1e-6 <= dive.score_after <= whole.score_after * 1.001
    assert dive.extra_shipments_after <= dive.extra_shipments_before


def test_chunk_borders_move_by_the_offset_and_keep_every_order():
    network, stock, orders = _competing_window(1)
    plans = route_one_by_one(network, orders, stock)
    datas = {
        i: order_data(network, o, stock, p.explanation.target_date, {})
        for i, (o, p) in enumerate(zip(orders, plans, strict=True))
    }
    group = sorted(datas)
    ordered = batch._by_shared_stock(group, datas)
    plain = batch._chunks(ordered, 40)
    moved = batch._chunks(ordered, 40, 20)
    for chunks in (plain, moved):
        assert sorted(i for c in chunks for i in c) == group
        assert all(0 < len(c) <= 40 for c in chunks)
    assert [len(c) for c in plain] == [40, 40, 40]
    assert [len(c) for c in moved] == [20, 40, 40, 20]
    # the same breadth-first order, cut elsewhere: the first moved chunk is the first half
    # of the first plain one
    assert set(moved[0]) < set(plain[0])


@pytest.mark.parametrize("seed", range(5))
def test_out_of_time_the_one_by_one_plans_stand(seed):
    # No time at all: nothing may be re-decided, and nothing may be lost or double-booked.
    network, stock, orders = _random_window(seed)
    one_by_one = route_one_by_one(network, orders, stock)
    result = reoptimise(network, orders, stock, plans=one_by_one, time_limit=0.0)
    assert result.status == "fallback"
    assert [o.plan for o in result.orders] == list(one_by_one)
    assert result.extra_shipments_after == result.extra_shipments_before


def test_solves_that_finish_give_the_same_plans_every_run():
    network, stock, orders = _random_window(3)  # a window the batch improves
    first = reoptimise(network, orders, stock, time_limit=30)
    second = reoptimise(network, orders, stock, time_limit=30)
    assert first.status == "improved" and first.solver_status.startswith("optimal")
    assert [o.plan for o in first.orders] == [o.plan for o in second.orders]
