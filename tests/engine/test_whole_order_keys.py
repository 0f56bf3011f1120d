"""The whole-order walk's nodes found by intersecting the lines' stock keys (every line held
at more than ``_MANY_HOLDERS`` nodes, as on a 1,000-store network): forced here on small
networks, the plan is the explained one and the same, steps included, as walking every node."""

from __future__ import annotations

from dataclasses import replace
from unittest.mock import patch

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_invariants import instances

from oms_engine import candidates, route


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(instances(), instances(open_rules=True)))
def test_holders_of_every_line_from_the_key_sets(instance):
    network, stock, order = instance
    full = route(network, order, stock)
    with (
        patch.object(candidates, "_FEW_HOLDERS", -1),
        patch.object(candidates, "_MANY_HOLDERS", -1),
    ):
        keys = route(network, order, stock, explain=False)
    with (
        patch.object(candidates, "_FEW_HOLDERS", -1),
        patch.object(candidates, "_MANY_HOLDERS", 10**6),
    ):
        walked = route(network, order, stock, explain=False)
    assert keys.shipments == full.shipments and keys.score == full.score
    assert keys.unfulfilled == full.unfulfilled and keys.method == full.method
    assert replace(keys, explanation=None) == replace(walked, explanation=None)


def test_every_node_holding_the_order_is_walked():
    """Two DCs hold both lines; the nearer one ships. Missing either from the key sets'
    intersection would ship from the other."""
    from engine_builders import MUNICH_CUSTOMER, dc, network, order, stock

    nodes = [dc("DC-A", lat=48.14, lon=11.58, postal_code="80331"), dc("DC-Z")]
    rows = [(n, sku, 5) for n in ("DC-A", "DC-Z") for sku in ("SHIRT", "BOOTS")]
    for near in ("DC-A", "DC-Z"):
        if near == "DC-Z":
            nodes = [dc("DC-A"), dc("DC-Z", lat=48.14, lon=11.58, postal_code="80331")]
        net = network(nodes)
        ordr = order([("SHIRT", 1), ("BOOTS", 1)], destination=MUNICH_CUSTOMER)
        with (
            patch.object(candidates, "_FEW_HOLDERS", -1),
            patch.object(candidates, "_MANY_HOLDERS", -1),
        ):
            plan = route(net, ordr, stock(*rows), explain=False)
        assert [s.node for s in plan.shipments] == [near]
