"""Nodes alike in everything their dates depend on share their ship and delivery days
(``Network.node_date_class``); a node differing in any of calendar, handling days, cutoff,
time zone or country gets its own. Every node's dates are checked against a network where it
is alone (no other node to share a class with)."""

from __future__ import annotations

from datetime import date, time

import pytest
from engine_builders import network, order, stock, store

from oms_engine import Calendar, route

VARIANTS = {
    "handling_days": {"handling_days": 1},
    "cutoff": {"cutoff": time(9, 0)},
    "calendar": {"calendar": Calendar(country="DE", closed_dates=frozenset({date(2026, 11, 26)}))},
    "timezone": {"timezone": "Asia/Tokyo"},
    "country": {"country": "AT"},
}


def _dates(net, node_id):
    plan = route(
        net,
        order(
            [("SHIRT", 1)],
            when="2026-11-26 10:30",
            excluded_nodes=frozenset(n.id for n in net.nodes if n.id != node_id),
        ),
        stock(*[(n.id, "SHIRT", 5) for n in net.nodes]),
    )
    return [(s.ship_date, s.promised_date) for s in plan.shipments]


@pytest.mark.parametrize("field", sorted(VARIANTS))
def test_a_node_differing_in_one_date_input_gets_its_own_dates(field):
    plain = store("S-PLAIN")
    other = store("S-OTHER", **VARIANTS[field])
    together = network([plain, other])
    assert together.node_date_class[0] != together.node_date_class[1]
    for node in (plain, other):
        alone = network([node])
        assert _dates(together, node.id) == _dates(alone, node.id)
    if field != "country":  # a store abroad finds no DE-only zone: nothing to compare
        assert _dates(together, "S-PLAIN") != _dates(together, "S-OTHER")


def test_alike_nodes_share_a_class_and_their_dates():
    nodes = [store(f"S{i}", lat=53.5 + i / 100, handling_cost=1.0 + i) for i in range(3)]
    net = network(nodes)
    assert len(set(net.node_date_class)) == 1
    assert _dates(net, "S0") == _dates(net, "S1") == _dates(net, "S2")


def test_a_calendar_that_cannot_be_hashed_gets_the_nodes_own_class():
    """A calendar built with a plain set of closed dates (unhashable) still routes."""
    closed = {date(2026, 11, 26)}
    odd = store("S-ODD", calendar=Calendar(country="DE", closed_dates=closed))
    net = network([store("S-PLAIN"), odd])
    assert net.node_date_class[0] != net.node_date_class[1]
    assert _dates(net, "S-ODD") == _dates(network([odd]), "S-ODD")
