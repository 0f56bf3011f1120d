"""Nodes alike in their dates, handling cost and priority share one class in an option table:
their pairs, options and floor are computed once and the option objects shared. A node
differing in handling cost or priority (which the options' fixed score reads) gets its own,
with the options it has when it is the network's only node."""

from __future__ import annotations

import pytest
from engine_builders import network, order, stock, store

from oms_engine import route
from oms_engine.options import option_table


def _table(net, when="2026-11-26 10:30"):
    o = order([("SHIRT", 1)], when=when)
    dest = o.destination
    return option_table(net, o, net.transit_days(dest.country, dest.postal_code))


def _parts(table, ni):
    return [
        (o.service, o.ship, o.delivery, o.fixed_static, o.extra_package_score)
        for o in table.options(ni)
    ] + [table.pairs(ni), table.floor(ni)]


def test_alike_stores_share_their_options():
    nodes = [store(f"S{i}", lat=53.5 + i / 100) for i in range(3)]
    table = _table(network(nodes))
    assert table.options(0)
    assert table.options(0) is table.options(1) is table.options(2)
    assert table.pairs(0) is table.pairs(2)


@pytest.mark.parametrize("field", [{"handling_cost": 2.75}, {"priority": 3}])
def test_a_store_differing_in_cost_or_priority_keeps_its_own_options(field):
    plain = store("S-PLAIN")
    other = store("S-OTHER", **field)
    net = network([plain, other])
    together = _table(net)
    p, o = net.node_index["S-PLAIN"], net.node_index["S-OTHER"]
    assert _parts(together, p) == _parts(_table(network([plain])), 0)
    assert _parts(together, o) == _parts(_table(network([other])), 0)
    assert _parts(together, p) != _parts(together, o)


def test_a_dearer_store_alike_in_dates_loses_to_the_cheaper_one():
    """Routing reads the class's options: the cheaper store of two otherwise alike ships."""
    cheap = store("S-CHEAP", handling_cost=0.5)
    dear = store("S-DEAR", handling_cost=5.0)
    for nodes in ([cheap, dear], [dear, cheap]):
        held = stock(*[(n.id, "SHIRT", 3) for n in nodes])
        plan = route(network(nodes), order([("SHIRT", 1)]), held)
        assert [s.node for s in plan.shipments] == ["S-CHEAP"]
