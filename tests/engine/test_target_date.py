"""The lateness target: the earliest date any eligible node could deliver (docs/engine.md,
"Rules, dates and the score") - not a node the order excluded, nor, for a pickup order's
transfers, the pickup store itself, which is no source of a transfer to itself."""

from __future__ import annotations

from datetime import date

import pytest
from engine_builders import dc, network, order, stock, store

from oms_engine import route

THURSDAY_10 = "2026-11-26 10:00"  # parcels: 1 carrier working day, Mon-Fri
FRIDAY, MONDAY = date(2026, 11, 27), date(2026, 11, 30)


def fast_and_slow():
    """FAST ships the same day (delivers Friday), SLOW needs a handling day (Monday)."""
    return network([dc("FAST"), dc("SLOW", handling_days=1)])


@pytest.mark.parametrize("explain", [True, False])
def test_a_node_the_order_excluded_sets_no_target(explain):
    net = fast_and_slow()
    rows = stock(("FAST", "SHIRT", 5), ("SLOW", "SHIRT", 5))
    plan = route(net, order([("SHIRT", 1)], when=THURSDAY_10), rows, explain=explain)
    assert plan.explanation.target_date == FRIDAY  # FAST may ship: it sets the target
    rejected = order([("SHIRT", 1)], when=THURSDAY_10, excluded_nodes=frozenset({"FAST"}))
    plan = route(net, rejected, rows, explain=explain)
    assert [s.node for s in plan.shipments] == ["SLOW"]
    assert plan.explanation.target_date == MONDAY
    assert plan.score.late_days == 0 and plan.score.lateness == 0


def test_a_node_excluded_by_the_order_without_stock_sets_no_target_either():
    net = fast_and_slow()
    rows = stock(("SLOW", "SHIRT", 5))
    rejected = order([("SHIRT", 1)], when=THURSDAY_10, excluded_nodes=frozenset({"FAST"}))
    plan = route(net, rejected, rows)
    assert plan.explanation.target_date == MONDAY and plan.score.late_days == 0


@pytest.mark.parametrize("explain", [True, False])
def test_a_pickup_store_is_no_source_of_its_own_transfers_target(explain):
    """The store (same-day shipping, so it would 'deliver' Friday) lacks the boots; the DC
    needs a handling day and its transfer arrives Monday: on time against the earliest date
    a transfer source could deliver to the store."""
    net = network([dc("DC", handling_days=1), store("STORE")])
    rows = stock(("DC", "BOOTS", 3), ("STORE", "SHIRT", 2))
    pickup = order([("SHIRT", 1), ("BOOTS", 1)], when=THURSDAY_10, delivery_mode="pickup",
                   pickup_node="STORE")  # fmt: skip
    plan = route(net, pickup, rows, explain=explain)
    assert [(s.node, s.kind) for s in plan.shipments] == [("STORE", "pickup"), ("DC", "transfer")]
    assert plan.explanation.target_date == MONDAY
    assert plan.score.late_days == 0 and plan.score.lateness == 0


def test_the_milp_reference_counts_from_the_same_target():
    pytest.importorskip("highspy")
    from oms_engine.milp import solve_order

    net = fast_and_slow()
    rows = stock(("FAST", "SHIRT", 5), ("SLOW", "SHIRT", 5))
    rejected = order([("SHIRT", 1)], when=THURSDAY_10, excluded_nodes=frozenset({"FAST"}))
    reference = solve_order(net, rejected, rows)
    assert reference.target_date == MONDAY and reference.score.late_days == 0
