"""What the large-order tail leaves for Python's garbage collector.

Option tables are cached on the Network (one per destination zone, service level and time
bucket) and keep the shipping options the orders met. On a 1,000-store network that was
56,383 option objects after 3,000 orders, 6,874 of them distinct, and the collector's full
collections, which fall on whichever order is running, spent most of their time walking them
(docs/benchmarks.md, the second mix). An option with the same service, dates, handling cost
and priority is now one object, whichever table or class of nodes built it, and a table's
order of its nodes is a tuple the collector stops tracking.
"""

from __future__ import annotations

import gc
from datetime import time
from unittest.mock import patch

from engine_builders import network, order, store

from oms_engine import network as network_module
from oms_engine.options import option_table


def _options(net, table, node_id):
    return table.options(next(i for i, n in enumerate(net.nodes) if n.id == node_id))


def _table(net, o):
    dest = o.destination
    return option_table(net, o, net.transit_days(dest.country, dest.postal_code))


def test_stores_of_different_date_classes_with_the_same_dates_share_their_option_objects():
    # cutoffs 16:00 and 17:00: two classes of nodes, the same ship and delivery days for an
    # order at 10:00, so the same options
    nodes = [store("EARLY", cutoff=time(16, 0)), store("LATE", cutoff=time(17, 0))]
    net = network(nodes)
    table = _table(net, order([("SHIRT", 1)], when="2026-11-26 10:00"))
    assert table.node_class(0) != table.node_class(1)
    early, late = _options(net, table, "EARLY"), _options(net, table, "LATE")
    assert early
    assert [(o.service, o.ship, o.delivery) for o in early] == [
        (o.service, o.ship, o.delivery) for o in late
    ]
    assert all(a is b for a, b in zip(early, late, strict=True))


def test_a_store_shipping_a_day_later_or_dearer_keeps_options_of_its_own():
    """The pool's key: an option differing in its dates or fixed score is another object
    (passes on the code before the pool too; fails on a key without the handling cost)."""
    nodes = [store("EARLY", cutoff=time(9, 0)), store("LATE", cutoff=time(17, 0))]
    nodes.append(store("DEAR", handling_cost=4.0))
    net = network(nodes)
    table = _table(net, order([("SHIRT", 1)], when="2026-11-26 10:00"))
    early, late, dear = (_options(net, table, i) for i in ("EARLY", "LATE", "DEAR"))
    assert early[0].ship == late[0].ship + 1  # past its cutoff: ships the next working day
    assert not {id(o) for o in early} & {id(o) for o in late}
    assert not {id(o) for o in dear} & {id(o) for o in late}
    assert dear[0].fixed_static > late[0].fixed_static


def test_a_tables_node_order_is_left_untracked_by_the_garbage_collector():
    """The table's cached order of its eligible nodes (one pair per node, a thousand at
    1,000 stores) is walked by no full collection once the collector has seen it: its pairs
    are untracked at one collection, the tuple holding them at the next."""
    nodes = [store(f"S{i}", handling_cost=2.0 + i / 10) for i in range(5)]
    net = network(nodes)
    table = _table(net, order([("SHIRT", 1)], when="2026-11-26 10:00"))
    walk = table.static_order()
    assert [ni for _, ni in walk] == [0, 1, 2, 3, 4]  # cheapest handling first
    gc.collect()
    gc.collect()
    assert not gc.is_tracked(walk)


def test_a_tables_per_node_slots_and_a_destinations_distances_are_left_untracked():
    """Per cached table, each node's class and services, and per cached destination, each
    node's distance: a slot per node each, a few hundred of them kept at 1,000 stores, which
    the full collections walked (two thirds of what they walked after 3,000 orders). Tuples
    of ints the collector stops tracking, and an array of doubles whose items it never
    visits."""
    nodes = [store(f"S{i}", lat=53.5 + i / 10) for i in range(5)]
    net = network(nodes)
    o = order([("SHIRT", 1)], when="2026-11-26 10:00")
    table = _table(net, o)
    with patch.object(network_module, "_ARRAY_NODES", 5):  # a large network's, for 5 nodes
        distances = net.node_distances(o.destination)
    assert distances[3] > distances[0] > 0.0  # computed, and kept
    assert table.options(2) and table.node_class(2) == table.node_class(0)
    for _ in range(3):  # a tuple is untracked at the collection after its items are
        gc.collect()
    assert not gc.is_tracked(table._class_of)
    assert not gc.is_tracked(table._services)
    # an array's items are no objects: the collector visits its type alone
    assert len(gc.get_referents(distances.known)) <= 1
    assert distances.known[3] == distances[3]
    assert distances.known[4] < 0.0  # not computed yet
