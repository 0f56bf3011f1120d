"""Click & collect: from the store's shelves, with transfers for what it lacks."""

from __future__ import annotations

from datetime import date

import pytest
from engine_builders import dc, network, order, shipped, stock, store

from oms_engine import InvalidInput, route

NODES = [dc("DC-BER"), store("ST-HAM"), store("ST-KIEL", lat=54.32, lon=10.12)]


def pickup(lines, **kw):
    return order(lines, delivery_mode="pickup", pickup_node="ST-HAM", **kw)


def test_store_holding_everything_serves_from_its_shelves():
    rows = (("ST-HAM", "SHIRT", 3), ("DC-BER", "SHIRT", 50))
    plan = route(network(NODES), pickup([("SHIRT", 2)]), stock(*rows))
    assert [(s.node, s.kind) for s in plan.shipments] == [("ST-HAM", "pickup")]
    assert plan.promised_date == date(2026, 11, 26)  # ready the same day, before the cutoff
    assert plan.status == "complete"


def test_missing_units_come_by_transfer_and_set_the_ready_date():
    rows = (("ST-HAM", "SHIRT", 1), ("DC-BER", "SHIRT", 50), ("DC-BER", "BOOTS", 5))
    plan = route(network(NODES), pickup([("SHIRT", 2), ("BOOTS", 1)]), stock(*rows))
    kinds = [(s.node, s.kind, s.to_node) for s in plan.shipments]
    assert kinds == [("ST-HAM", "pickup", None), ("DC-BER", "transfer", "ST-HAM")]
    assert shipped(plan) == {
        ("ST-HAM", "SHIRT"): 1,
        ("DC-BER", "SHIRT"): 1,
        ("DC-BER", "BOOTS"): 1,
    }
    assert plan.promised_date == date(2026, 11, 27)  # the transfer's arrival
    assert any("ready for pickup on 2026-11-27" in n for n in plan.explanation.notes)


def test_transfer_source_obeys_the_rules_like_any_shipment():
    rows = (("ST-KIEL", "LAMP-OIL", 4), ("DC-BER", "LAMP-OIL", 4))
    plan = route(network(NODES), pickup([("LAMP-OIL", 1)]), stock(*rows))
    assert [(s.node, s.kind) for s in plan.shipments] == [("DC-BER", "transfer")]
    assert ("ST-KIEL", "dangerous_goods_not_certified", "LAMP-OIL") in {
        (e.node, e.rule, e.sku) for e in plan.explanation.excluded
    }


def test_store_that_is_switched_off_cannot_take_the_pickup():
    nodes = [dc("DC-BER"), store("ST-HAM", enabled=False)]
    plan = route(network(nodes), pickup([("SHIRT", 1)]), stock(("DC-BER", "SHIRT", 5)))
    assert plan.status == "unfulfilled"
    assert [u.reason for u in plan.unfulfilled] == ["pickup_node_unavailable"]
    assert [(e.node, e.rule) for e in plan.explanation.excluded] == [("ST-HAM", "node_disabled")]


def test_a_node_that_is_not_a_pickup_point_is_refused_with_its_rule():
    nodes = [dc("DC-BER"), store("ST-HAM", pickup_point=False)]
    plan = route(network(nodes), pickup([("SHIRT", 1)]), stock(("DC-BER", "SHIRT", 5)))
    assert [(e.node, e.rule) for e in plan.explanation.excluded] == [
        ("ST-HAM", "not_a_pickup_point")
    ]


def test_a_full_store_still_hands_over_pickups():
    # Capacity limits parcels a store ships, not what customers collect at the counter.
    nodes = [store("ST-HAM", daily_capacity=5, current_load=5)]
    plan = route(network(nodes), pickup([("SHIRT", 1)]), stock(("ST-HAM", "SHIRT", 5)))
    assert plan.status == "complete"


def test_unknown_pickup_store_is_an_input_error():
    with pytest.raises(InvalidInput) as err:
        route(network(NODES), order([("SHIRT", 1)], delivery_mode="pickup", pickup_node="NOPE"), {})
    assert err.value.path == "order.pickup_node"
