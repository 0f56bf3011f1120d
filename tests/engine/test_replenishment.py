"""Transfer and purchase proposals (oms_engine.replenishment) and the replay that measures
them (oms_engine.replenishment_replay), checked against full replays."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
from engine_builders import HAMBURG_CUSTOMER, MUNICH_CUSTOMER, dc, network, order, stock, store
from hypothesis import given, settings
from hypothesis import strategies as st

from oms_engine import deplete, route
from oms_engine.errors import InvalidInput
from oms_engine.replenishment import (
    DemandSeen,
    ReplenishmentPolicy,
    demand_from_orders,
    propose_replenishment,
)
from oms_engine.replenishment_replay import (
    Replay,
    figures,
    measure_proposals,
    totals,
    transfer_change,
)

BERLIN_DC = dc("DC-BER")
HAMBURG_DC = dc("DC-HAM", lat=53.55, lon=9.99, postal_code="20095")
MUNICH_DC = dc("DC-MUC", lat=48.14, lon=11.58, postal_code="80331")
HAMBURG_STORE = store("ST-HAM")
NET = network((BERLIN_DC, HAMBURG_DC, MUNICH_DC, HAMBURG_STORE))
POLICY = ReplenishmentPolicy(period_days=28, dc_cover_days=14, store_cover_days=7, safety_z=0)


def test_demand_lands_where_the_customers_are_not_where_the_stock_was():
    orders = [
        order([("SHIRT", 2)], id="A"),  # to Hamburg
        order([("SHIRT", 1), ("BOOTS", 1)], destination=MUNICH_CUSTOMER, id="B"),
        order([("SCARF", 1)], id="C", delivery_mode="pickup", pickup_node="ST-HAM"),
    ]
    assert demand_from_orders(NET, orders) == (
        DemandSeen("DC-HAM", "SHIRT", 2, "shipped"),
        DemandSeen("DC-MUC", "BOOTS", 1, "shipped"),
        DemandSeen("DC-MUC", "SHIRT", 1, "shipped"),
        DemandSeen("ST-HAM", "SCARF", 1, "pickup"),
    )


def test_with_the_assortment_kept_demand_lands_on_the_best_node_that_ranges_the_sku():
    orders = [order([("SHIRT", 2)], id="A"), order([("BOOTS", 1)], id="B")]
    ranged = stock(("DC-BER", "SHIRT", 5), ("DC-MUC", "SHIRT", 1), ("DC-HAM", "SHIRT", 0))
    assert demand_from_orders(NET, orders, ranged) == (
        DemandSeen("DC-BER", "SHIRT", 2, "shipped"),  # Hamburg does not range shirts
        DemandSeen("DC-HAM", "BOOTS", 1, "shipped"),  # boots are held nowhere: anywhere
    )


def test_a_short_node_gets_a_transfer_from_the_nearest_source_with_units_to_spare():
    demand = [DemandSeen("DC-HAM", "SHIRT", 56), DemandSeen("DC-BER", "SHIRT", 28)]
    # Hamburg sells 2 a day: 28 for 14 days; Berlin keeps its own 14
    plan = propose_replenishment(
        NET, demand, stock(("DC-BER", "SHIRT", 40), ("DC-HAM", "SHIRT", 3)), POLICY
    )
    (transfer,) = plan.transfers
    assert (transfer.from_node, transfer.to_node, transfer.units) == ("DC-BER", "DC-HAM", 25)
    assert transfer.cost == pytest.approx(8 + 0.25 * 25 + 0.01 * transfer.distance_km)
    (line,) = transfer.lines
    assert line.reason.text == (
        "SHIRT: DC-HAM sells 14.0 a week and holds 3, short of the 28 that cover 14 days; "
        "DC-BER holds 40, 26 more than its own 14. Moves 25."
    )
    assert plan.purchases == ()
    assert plan.summary.text == "1 transfer moving 25 units, 0 purchases of 0 units."


def test_targets_carry_safety_stock_on_both_sides():
    demand = [DemandSeen("DC-HAM", "SHIRT", 56), DemandSeen("DC-BER", "SHIRT", 28)]
    safe = replace(POLICY, safety_z=1.0)
    plan = propose_replenishment(NET, demand, stock(("DC-BER", "SHIRT", 40)), safe)
    # Hamburg: 28 + sqrt(28) -> 34; Berlin keeps 14 + sqrt(14) -> 18 and gives 22
    assert [(t.from_node, t.units) for t in plan.transfers] == [("DC-BER", 22)]
    assert [(p.node, p.quantity) for p in plan.purchases] == [("DC-HAM", 12)]


def test_a_source_keeps_a_few_units_of_what_it_ranges_even_without_demand_of_its_own():
    demand = [DemandSeen("DC-HAM", "SCARF", 28)]
    plan = propose_replenishment(NET, demand, stock(("DC-BER", "SCARF", 5)), POLICY)
    assert [(t.from_node, t.units) for t in plan.transfers] == [("DC-BER", 3)]
    plan = propose_replenishment(NET, demand, stock(("DC-BER", "SCARF", 2)), POLICY)
    assert plan.transfers == ()
    plan = propose_replenishment(
        NET, demand, stock(("DC-BER", "SCARF", 2)), replace(POLICY, min_ranged=0)
    )
    assert [(t.from_node, t.units) for t in plan.transfers] == [("DC-BER", 2)]


def test_with_the_planned_assortment_misplaced_units_go_home_and_ranged_skus_are_topped_up():
    planned = stock(("DC-BER", "SCARF", 1), ("DC-BER", "BOOTS", 1), ("DC-HAM", "BOOTS", 1))
    # scarves landed in Munich, which does not range them; Hamburg holds 1 boot, ranges boots
    on_hand = stock(("DC-MUC", "SCARF", 9), ("DC-BER", "BOOTS", 10), ("DC-HAM", "BOOTS", 1))
    plan = propose_replenishment(NET, [], on_hand, replace(POLICY, min_ranged=3), planned)
    moved = sorted(
        (t.from_node, t.to_node, ln.sku, ln.quantity) for t in plan.transfers for ln in t.lines
    )
    assert moved == [("DC-BER", "DC-HAM", "BOOTS", 2), ("DC-MUC", "DC-BER", "SCARF", 3)]
    # without the assortment, what a node holds is kept and nothing is topped up
    assert propose_replenishment(NET, [], on_hand, replace(POLICY, min_ranged=3)).transfers == ()


def test_sources_keep_their_own_target_and_the_rest_is_bought():
    demand = [DemandSeen("DC-HAM", "SHIRT", 56), DemandSeen("DC-BER", "SHIRT", 28)]
    plan = propose_replenishment(NET, demand, stock(("DC-BER", "SHIRT", 20)), POLICY)
    assert [t.units for t in plan.transfers] == [6]
    assert [(p.node, p.sku, p.quantity) for p in plan.purchases] == [("DC-HAM", "SHIRT", 22)]
    assert "DC-HAM sells 14.0 a week" in plan.purchases[0].reason.text


def test_the_nearer_source_gives_first_and_stores_are_not_sources():
    demand = [DemandSeen("DC-HAM", "BOOTS", 28)]
    on_hand = stock(("DC-BER", "BOOTS", 10), ("DC-MUC", "BOOTS", 10), ("ST-HAM", "BOOTS", 30))
    plan = propose_replenishment(NET, demand, on_hand, POLICY)
    # each keeps 2 of what it ranges
    assert [(t.from_node, t.units) for t in plan.transfers] == [("DC-BER", 8), ("DC-MUC", 6)]
    with_stores = replace(POLICY, source_kinds=frozenset({"dc", "store"}))
    plan = propose_replenishment(NET, demand, on_hand, with_stores)
    assert [(t.from_node, t.units) for t in plan.transfers] == [("ST-HAM", 14)]


def test_slow_sellers_get_no_target_and_a_store_short_is_bought_for_at_the_nearest_dc():
    demand = [DemandSeen("DC-HAM", "SCARF", 3), DemandSeen("ST-HAM", "SHIRT", 8, "pickup")]
    plan = propose_replenishment(NET, demand, {}, POLICY)  # 0.75 a week: below 1
    assert plan.transfers == ()
    (purchase,) = plan.purchases
    # the store saw 2 a week: 2 units cover its 7 days; no DC holds any, so DC-HAM buys them
    assert (purchase.node, purchase.sku, purchase.quantity, purchase.for_nodes) == (
        "DC-HAM",
        "SHIRT",
        2,
        ("ST-HAM",),
    )


def test_bad_policy_and_demand_are_refused():
    with pytest.raises(InvalidInput, match="period_days"):
        propose_replenishment(NET, [], {}, replace(POLICY, period_days=0))
    with pytest.raises(InvalidInput, match="source_kinds"):
        propose_replenishment(NET, [], {}, replace(POLICY, source_kinds=frozenset({"moon"})))
    with pytest.raises(InvalidInput, match=r"demand\[0\]\.node"):
        propose_replenishment(NET, [DemandSeen("NOWHERE", "SHIRT", 1)], {}, POLICY)


# --------------------------------------------------------------------------- the replay


def _orders(rng: random.Random, n: int):
    destinations = (HAMBURG_CUSTOMER, MUNICH_CUSTOMER)
    skus = ("SHIRT", "BOOTS", "SCARF")
    out = []
    for k in range(n):
        lines = rng.sample(skus, rng.randint(1, 2))
        out.append(
            order(
                [(sku, rng.randint(1, 3)) for sku in lines],
                destination=rng.choice(destinations),
                id=f"O{k}",
                when=f"2026-11-{23 + k % 4} {9 + k % 8:02d}:00",
            )
        )
    return out


def full_replay(net, orders, opening):
    working = {sku: dict(by_node) for sku, by_node in opening.items()}
    rows = []
    for o in orders:
        plan = route(net, o, working, explain=False)
        rows.append(figures(plan))
        deplete(working, plan)
    return rows


def _apply(opening, change):
    out = {sku: dict(by_node) for sku, by_node in opening.items()}
    for sku, delta in change.items():
        for node, units in delta.items():
            out.setdefault(sku, {})[node] = out.get(sku, {}).get(node, 0) + units
    return out


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    moves=st.lists(
        st.tuples(
            st.sampled_from(("SHIRT", "BOOTS", "SCARF")),
            st.sampled_from(("DC-BER", "DC-HAM", "DC-MUC", "ST-HAM")),
            st.integers(-6, 8),
        ),
        max_size=4,
    ),
)
def test_replaying_only_the_orders_a_change_reaches_gives_the_full_replay(seed, moves):
    rng = random.Random(seed)
    opening = stock(
        *[
            (node, sku, rng.randint(0, 12))
            for node in ("DC-BER", "DC-HAM", "DC-MUC", "ST-HAM")
            for sku in ("SHIRT", "BOOTS", "SCARF")
        ]
    )
    orders = _orders(rng, 40)
    change: dict = {}
    for sku, node, units in moves:
        change.setdefault(sku, {})[node] = change.get(sku, {}).get(node, 0) + units
    replay = Replay(NET, orders, opening)
    assert list(replay.baseline) == full_replay(NET, orders, opening)
    expected = full_replay(NET, orders, _apply(opening, change))
    changed = replay.compare(change)
    assert [changed.get(i, row) for i, row in enumerate(replay.baseline)] == expected
    assert set(changed) == {i for i, row in enumerate(expected) if row != replay.baseline[i]}
    assert replay.totals_with(change) == totals(expected)


def test_the_baseline_stock_before_an_order_is_rebuilt_exactly_past_many_snapshots():
    rng = random.Random(7)
    opening = stock(("DC-BER", "SHIRT", 500), ("DC-HAM", "SHIRT", 300))
    orders = [order([("SHIRT", rng.randint(1, 3))], id=f"S{k}") for k in range(150)]
    replay = Replay(NET, orders, opening)
    working = {sku: dict(by_node) for sku, by_node in opening.items()}
    for i, o in enumerate(orders):
        assert replay.stock_before("SHIRT", i) == working["SHIRT"]
        deplete(working, route(NET, o, working, explain=False))
    assert replay.stock_before("SHIRT", len(orders)) == working["SHIRT"]


def test_a_transfer_towards_the_customers_saves_distance_and_says_so():
    orders = [order([("BOOTS", 1)], id=f"H{k}") for k in range(6)]  # all to Hamburg
    opening = stock(("DC-BER", "BOOTS", 40))
    demand = demand_from_orders(NET, orders)
    plan = propose_replenishment(NET, demand, opening, replace(POLICY, period_days=7))
    (transfer,) = plan.transfers
    assert (transfer.from_node, transfer.to_node) == ("DC-BER", "DC-HAM")
    measured = measure_proposals(NET, orders, opening, plan)
    saving = measured.transfers[0].saving
    assert saving.orders_changed == 6
    assert saving.distance_km > 6 * 200  # Berlin -> Hamburg is ~250 km per parcel
    assert saving.score > 0
    # net: the policy's score saved less the transfer's cost, weighed as the policy weighs money
    assert saving.net == pytest.approx(saving.score - NET.policy.weights.cost * transfer.cost)
    # the plan's transfers, all together
    replay = Replay(NET, orders, opening)
    together = replay.totals_with(transfer_change(plan))
    assert together.distance_km < totals(replay.baseline).distance_km
