"""The whole-order walk's bound counts what the units cost by the kg (the least over the
node's class of options) besides the fixed part, lateness and distance: stores a little
farther than the nearest one prove they cannot win without their candidates being built,
and the plan is the one the full scan and search find."""

from __future__ import annotations

from unittest.mock import patch

from engine_builders import network, order, stock, store
from hypothesis import HealthCheck, given, settings
from test_invariants import instances

from oms_engine import candidates, route


def _whole_builds(net, ordr, stk):
    """The plan, and how many nodes the whole-order walk built candidates for."""
    built = []
    original = candidates._builder

    def counting(*args, **kw):
        build = original(*args, **kw)
        if not kw.get("whole"):
            return build

        def counted(ni):
            built.append(ni)
            return build(ni)

        return counted

    with patch.object(candidates, "_builder", counting):
        plan = route(net, ordr, stk, explain=False)
    return plan, len(built)


def _scanned(net, ordr, stk):
    """The plan without the whole-order walk: the stock scan, the bounds and the search."""
    with patch.object(candidates, "_whole_order_first", lambda *a, **k: None):
        return route(net, ordr, stk, explain=False)


def _ships_as_the_scan(net, ordr, stk, node, builds):
    plan, built = _whole_builds(net, ordr, stk)
    assert [s.node for s in plan.shipments] == [node]
    assert built == builds
    scanned = _scanned(net, ordr, stk)
    assert (plan.shipments, plan.score) == (scanned.shipments, scanned.score)


def test_farther_alike_stores_are_not_built_when_the_kg_alone_rules_them_out():
    # 18 kg of boots: 1.8 by the kg, where each store 50 km farther adds 0.25 for distance
    nodes = [store(f"S{k}", lat=53.551 + 0.45 * k) for k in range(5)]
    net = network(nodes)
    stk = stock(*[(f"S{k}", "BOOTS", 20) for k in range(5)])
    _ships_as_the_scan(net, order([("BOOTS", 10)]), stk, "S0", builds=1)


def test_a_dearer_but_nearer_store_walked_second_still_wins():
    """S-FAR is walked first (cheaper to hand over) and sets the best; S-NEAR costs 0.5 more
    to hand over but is ~200 km (1.0) nearer: its bound with the units' kg must stay below
    S-FAR's score, and it ships. A bound counting the kg more than once would skip it."""
    nodes = [
        store("S-FAR", lat=53.551 + 1.8, handling_cost=2.0),
        store("S-NEAR", handling_cost=2.5),
    ]
    net = network(nodes)
    stk = stock(("S-FAR", "BOOTS", 20), ("S-NEAR", "BOOTS", 20))
    _ships_as_the_scan(net, order([("BOOTS", 10)]), stk, "S-NEAR", builds=2)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(open_rules=True))
def test_the_walk_plans_as_the_scan_does(instance):
    net, stk, ordr = instance
    plan = route(net, ordr, stk, explain=False)
    scanned = _scanned(net, ordr, stk)
    assert plan.score.total == scanned.score.total
    assert plan.unfulfilled == scanned.unfulfilled
