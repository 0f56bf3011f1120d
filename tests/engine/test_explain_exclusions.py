"""The ruled-out nodes of a plan's explanation (``candidates.explain_exclusions``).

The explanation names every node holding stock of the order that a rule ruled out. At a
thousand nodes it was most of the engine's time (a rule check per stocked node and line, and
every stocked node's shipping options built to ask whether one carries the product): these
tests hold its answer to the rule-by-rule reading on random networks, and check that a
plain order (nothing dangerous or bulky) builds no node's options for it.
"""

from __future__ import annotations

import random

import pytest
from engine_builders import dc, network, order, parcel, stock, store

from oms_engine import Destination, route
from oms_engine.candidates import (
    _detail,
    explain_exclusions,
    line_rule,
    node_rule,
    prepare,
)
from oms_engine.model import Exclusion
from oms_engine.options import option_table

SKUS = ("SHIRT", "BOOTS", "SCARF", "LAMP-OIL", "SOFA")


def reference_exclusions(network, order, stock, problem, table, skip_nodes):
    """Every stocked node's rules checked one by one, as the explanation is defined."""
    out = []
    distances = network.node_distances(order.destination)
    seen = set()
    for sku, product in zip(problem.skus, problem.products, strict=True):
        for node_id, qty in sorted((stock.get(sku) or {}).items()):
            ni = network.node_index.get(node_id)
            if qty < 1 or ni is None or ni in skip_nodes:
                continue
            rule = node_rule(network, order, table, ni)
            if rule is not None:
                if ni not in seen:
                    seen.add(ni)
                    out.append(Exclusion(node_id, rule, _detail(rule)))
                continue
            rule = line_rule(network, table, ni, product, distances)
            if rule is not None:
                out.append(Exclusion(node_id, rule, _detail(rule), sku))
    return out


def random_case(seed):
    """A network of 40 nodes with every rule somewhere, stock spread over them, an order."""
    rng = random.Random(seed)
    nodes = []
    for i in range(40):
        make = dc if rng.random() < 0.3 else store
        kw = {
            "lat": rng.uniform(47.5, 54.5),
            "lon": rng.uniform(6.0, 15.0),
            "dangerous_goods_certified": rng.random() < 0.5,
            "bulky_allowed": rng.random() < 0.5,
        }
        roll = rng.random()
        if roll < 0.08:
            kw["enabled"] = False
        elif roll < 0.14:
            kw["ships_parcels"] = False
        elif roll < 0.2 and make is store:
            kw["ship_from_store"] = False
        elif roll < 0.26:
            kw["daily_capacity"], kw["current_load"] = 5, 5
        elif roll < 0.32:
            kw["country"] = "AT"  # no service leaves Austria: no carrier service
        nodes.append(make(f"N{i:02d}", **kw))
    services = [parcel(origin_countries=frozenset({"DE"}))]
    if rng.random() < 0.5:
        services.append(parcel("freight", accepts_bulky=True, origin_countries=frozenset({"DE"})))
    policy = {}
    if rng.random() < 0.5:
        policy["excluded_nodes"] = frozenset(rng.sample([n.id for n in nodes], 3))
    if rng.random() < 0.5:
        policy["max_bulky_distance_km"] = rng.choice([150.0, 400.0])
    net = network(nodes, services, **policy)
    rows = [
        (node.id, sku, rng.choice([0, 0.5, 1, 3, 8]))
        for node in nodes
        for sku in SKUS
        if rng.random() < 0.7
    ]
    rows.append(("UNKNOWN-NODE", "SHIRT", 4))
    lines = [(sku, rng.randint(1, 3)) for sku in rng.sample(SKUS, rng.randint(1, 4))]
    kw = {}
    if rng.random() < 0.5:
        kw["excluded_nodes"] = frozenset(rng.sample([n.id for n in nodes], 4))
    destination = (
        Destination("DE", "22765") if rng.random() < 0.3 else Destination("DE", "22765", 53.5, 9.9)
    )
    skip = frozenset(rng.sample(range(len(nodes)), 2)) if rng.random() < 0.3 else frozenset()
    return net, order(lines, destination=destination, **kw), stock(*rows), skip


@pytest.mark.parametrize("seed", range(60))
def test_the_ruled_out_nodes_are_those_of_the_rule_by_rule_reading(seed):
    net, the_order, the_stock, skip = random_case(seed)
    problem = prepare(net, the_order, the_stock, explain=False, skip_nodes=skip)
    dest = the_order.destination
    table = option_table(net, the_order, net.transit_days(dest.country, dest.postal_code))
    expected = reference_exclusions(net, the_order, the_stock, problem, table, skip)
    assert explain_exclusions(net, the_order, the_stock, problem, table, skip) == expected


def test_a_plain_order_builds_no_node_options_to_explain_itself():
    nodes = [dc("DC-BER"), store("ST-HAM"), store("ST-OFF", enabled=False)]
    nodes += [store(f"ST-{i:03d}", lat=48 + i / 100, lon=9 + i / 100) for i in range(50)]
    net = network(nodes)
    the_order = order([("SHIRT", 1), ("BOOTS", 1)], excluded_nodes=frozenset({"ST-007"}))
    the_stock = stock(*((n.id, sku, 5) for n in nodes for sku in ("SHIRT", "BOOTS")))
    problem = prepare(net, the_order, the_stock, explain=False)
    dest = the_order.destination
    table = option_table(net, the_order, net.transit_days(dest.country, dest.postal_code))
    built = set(table._options)

    excluded = explain_exclusions(net, the_order, the_stock, problem, table, frozenset())

    assert [(e.node, e.rule, e.sku) for e in excluded] == [
        ("ST-007", "excluded_by_order", None),
        ("ST-OFF", "node_disabled", None),
    ]
    assert set(table._options) == built


def test_the_plan_names_a_ruled_out_node_once_and_a_product_rule_per_line():
    net = network([dc("DC-BER"), store("ST-HAM", enabled=False), store("ST-KIEL")])
    plan = route(
        net,
        order([("SHIRT", 1), ("LAMP-OIL", 1), ("BOOTS", 1)]),
        stock(*((node, sku, 4) for node in ("DC-BER", "ST-HAM", "ST-KIEL") for sku in SKUS)),
    )
    assert [(e.node, e.rule, e.sku) for e in plan.explanation.excluded] == [
        ("ST-HAM", "node_disabled", None),
        ("ST-KIEL", "dangerous_goods_not_certified", "LAMP-OIL"),
    ]
