"""Invariants over random small networks (hypothesis), and exactness against brute force.

The brute force below enumerates every way to spread every line over every (node, carrier
service) pair, checks the hard rules from the raw inputs and scores with its own arithmetic
(distances, costs, packages), so it shares nothing with the search but the date calendar
(tested on its own in test_dates.py).
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from dataclasses import replace
from datetime import datetime, time, timedelta, timezone
from unittest.mock import patch

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oms_engine import (
    Budget,
    Calendar,
    CarrierService,
    Destination,
    Network,
    Node,
    Order,
    OrderLine,
    Policy,
    Product,
    Weights,
    Zone,
    candidates,
    route,
    sourcing,
)
from oms_engine.bounds import _split_floor, _splits_lose
from oms_engine.candidates import prepare
from oms_engine.options import option_table
from oms_engine.search import Search, best_scored_single, best_single

SITES = (
    ("10115", 52.52, 13.40),
    ("20095", 53.55, 9.99),
    ("80331", 48.14, 11.58),
    ("50667", 50.94, 6.96),
)
SKUS = ("A", "B", "C")


@st.composite
def instances(draw, heavy=True, open_rules=False, cheap_unfilled=False):
    """(network, stock, order) with 1-3 nodes, 1-2 services and 1-3 lines; ``heavy=False``
    keeps parcels far below the weight limit (one package per shipment); ``open_rules=True``
    lets every node ship and spreads stock thinly, so most plans need a split;
    ``cheap_unfilled=True`` draws unfulfilled weights from 5 to 1000, so leaving a unit out
    may beat an extra package or a dear per-kg rate."""

    def rule(options, open_value):
        return open_value if open_rules else draw(st.sampled_from(options))

    n_nodes = draw(st.sampled_from((3, 2, 1)))
    nodes = []
    for i in range(n_nodes):
        postal, lat, lon = SITES[draw(st.integers(0, len(SITES) - 1))]
        store = draw(st.booleans())
        nodes.append(
            Node(
                id=f"N{i}",
                kind="store" if store else "dc",
                lat=lat,
                lon=lon,
                country="DE",
                postal_code=postal,
                timezone="Europe/Berlin",
                ship_from_store=rule((True, True, False), True) if store else False,
                dangerous_goods_certified=draw(st.sampled_from((True, False))),
                bulky_allowed=draw(st.sampled_from((True, False))),
                enabled=rule((True,) * 7 + (False,), True),
                daily_capacity=rule((None, None, None, 5), None),
                current_load=draw(st.sampled_from((0, 0, 5))),
                handling_cost=draw(st.sampled_from((0.5, 1.0, 2.5))),
                handling_days=draw(st.sampled_from((0, 0, 1))),
                cutoff=time(draw(st.sampled_from((9, 14, 16))), 0),
                calendar=Calendar(country="DE"),
                priority=draw(st.sampled_from((0, 0, 1))),
            )
        )
    services = []
    for j in range(draw(st.integers(1, 2))):
        zones = (Zone("DE", "", draw(st.integers(1, 3))),)
        if draw(st.booleans()):
            zones += (Zone("DE", "2", 1),)
        services.append(
            CarrierService(
                id=f"S{j}",
                carrier=f"C{j}",
                zones=zones,
                cost_per_package=draw(st.sampled_from((3.0, 4.5, 7.0))),
                cost_per_kg=draw(st.sampled_from((0.05, 0.2, 0.6))),
                max_weight_kg=draw(st.sampled_from((2.0, 5.0))) if heavy else 1000.0,
                cutoff=time(draw(st.sampled_from((12, 18))), 0),
                accepts_dangerous=draw(st.sampled_from((frozenset({"3"}), frozenset()))),
                accepts_bulky=draw(st.sampled_from((True, False))),
            )
        )
    products = [
        Product(
            sku,
            weight_kg=draw(st.sampled_from((0.2, 1.0, 3.0))),
            dangerous_class=draw(st.sampled_from((None,) * 4 + ("3",))),
            bulky=draw(st.sampled_from((False,) * 4 + (True,))),
        )
        for sku in SKUS
    ]
    weights = Weights()
    caps = (None, None, 2) if open_rules else (None, None, 1, 2)
    if cheap_unfilled:
        weights = Weights(unfulfilled=draw(st.sampled_from((1000.0, 5.0, 12.0, 30.0))))
        caps = (None, 2, 3, 1)
    policy = Policy(
        weights=weights,
        max_packages=draw(st.sampled_from(caps)),
        max_bulky_distance_km=draw(st.sampled_from((None, 300.0))),
        excluded_nodes=frozenset(rule(((), (), ("N0",)), ()) if n_nodes > 1 else ()),
    )
    # Values listed first are where hypothesis starts and shrinks to: stock present, rules open.
    stock = {sku: {n.id: draw(st.sampled_from((2, 0, 1, 0, 3))) for n in nodes} for sku in SKUS}
    if open_rules:  # each SKU at one node, at most two units: splits, and splits of lines
        stock = {
            sku: {nodes[draw(st.integers(0, n_nodes - 1))].id: draw(st.integers(1, 2))}
            for sku in SKUS
        }
    n_lines = draw(st.integers(1, 3))
    most = 3 if cheap_unfilled else 2
    lines = tuple(
        OrderLine(sku, draw(st.integers(1, most))) for sku in draw(st.permutations(SKUS))[:n_lines]
    )
    postal, lat, lon = SITES[draw(st.integers(0, len(SITES) - 1))]
    when = datetime(2026, 11, 23, 8, tzinfo=timezone.utc) + timedelta(
        hours=draw(st.integers(0, 96))
    )
    order = Order(
        "O1",
        lines,
        Destination("DE", postal, lat, lon),
        when,
        allow_split=rule((True, True, False), True),
    )
    return Network(nodes, services, products, policy), stock, order


def km(a_lat, a_lon, b_lat, b_lon):
    p1, p2 = math.radians(a_lat), math.radians(b_lat)
    h = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(b_lon - a_lon) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


def node_may_ship(network, order, node):
    policy = network.policy
    return (
        node.enabled
        and node.id not in policy.excluded_nodes
        and node.id not in order.excluded_nodes
        and node.ships_parcels
        and (node.kind != "store" or node.ship_from_store)
        and (node.daily_capacity is None or node.current_load < node.daily_capacity)
    )


def line_allowed(network, order, node, service, product):
    policy = network.policy
    if product.dangerous_class is not None and not (
        node.dangerous_goods_certified and product.dangerous_class in service.accepts_dangerous
    ):
        return False
    if product.bulky:
        if not (node.bulky_allowed and service.accepts_bulky):
            return False
        d = order.destination
        limit = policy.max_bulky_distance_km
        if limit is not None and km(node.lat, node.lon, d.lat, d.lon) > limit:
            return False
    return True


def check_hard_rules(network, order, stock, plan):
    """Every rule checked from the raw inputs; returns nothing, asserts."""
    nodes = {n.id: n for n in network.nodes}
    services = {s.id: s for s in network.services}
    ordered = {line.sku: line.quantity for line in order.lines}
    taken: dict[tuple[str, str], int] = {}
    shipped: dict[str, int] = {}
    for s in plan.shipments:
        node, service = nodes[s.node], services[s.carrier_service]
        assert node_may_ship(network, order, node)
        assert service.service_level == order.service_level
        weight = 0.0
        for line in s.lines:
            product = network.products[line.sku]
            assert line_allowed(network, order, node, service, product)
            taken[(s.node, line.sku)] = taken.get((s.node, line.sku), 0) + line.quantity
            shipped[line.sku] = shipped.get(line.sku, 0) + line.quantity
            weight += line.quantity * product.weight_kg
        assert s.packages >= max(1, math.ceil(weight / service.max_weight_kg - 1e-9))
    for (node_id, sku), qty in taken.items():
        assert qty <= stock.get(sku, {}).get(node_id, 0), "allocated more than sellable"
    for sku, qty in ordered.items():
        short = [u for u in plan.unfulfilled if u.sku == sku]
        assert all(u.reason for u in short)
        assert shipped.get(sku, 0) + sum(u.quantity for u in short) == qty
    if not order.allow_split:
        assert len(plan.shipments) <= 1
    if network.policy.max_packages is not None:
        assert sum(s.packages for s in plan.shipments) <= network.policy.max_packages


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_plans_keep_stock_lines_and_hard_rules(instance):
    network, stock, order = instance
    plan = route(network, order, stock)
    check_hard_rules(network, order, stock, plan)
    assert plan.status == (
        "complete" if not plan.unfulfilled else "partial" if plan.shipments else "unfulfilled"
    )


@settings(max_examples=60, deadline=None)
@given(instances())
def test_same_input_same_plan(instance):
    network, stock, order = instance
    again = Network(network.nodes, network.services, network.products.values(), network.policy)
    assert route(network, order, stock) == route(again, order, stock)


def brute_force_best(network, order, stock, target_day):
    """The lowest score over every allocation of every line to every (node, service)."""
    w = network.policy.weights
    dest = order.destination
    transits = network.transit_days(dest.country, dest.postal_code)
    options = []
    for ni, node in enumerate(network.nodes):
        if not node_may_ship(network, order, node):
            continue
        day, minute = network.local_moment(ni, order.order_time)
        for si, service in enumerate(network.services):
            if service.service_level != order.service_level or transits[si] is None:
                continue
            _, delivery = network.ship_and_delivery(ni, si, day, minute, transits[si])
            options.append((node, service, delivery))
    per_line = []
    for line in order.lines:
        product = network.products[line.sku]
        usable = [
            k
            for k, (node, service, _) in enumerate(options)
            if stock.get(line.sku, {}).get(node.id, 0) > 0
            and line_allowed(network, order, node, service, product)
        ]
        spreads = []
        for counts in itertools.product(range(line.quantity + 1), repeat=len(usable)):
            if sum(counts) <= line.quantity:
                spreads.append(dict(zip(usable, counts, strict=True)))
        per_line.append((line, product, spreads))
    best = None
    for choice in itertools.product(*(spreads for _, _, spreads in per_line)):
        taken: dict[tuple[str, str], int] = {}
        kg: dict[int, float] = {}
        units_out = 0
        ok = True
        for (line, product, _), spread in zip(per_line, choice, strict=True):
            units_out += line.quantity - sum(spread.values())
            for k, q in spread.items():
                if not q:
                    continue
                key = (options[k][0].id, line.sku)
                taken[key] = taken.get(key, 0) + q
                if taken[key] > stock[line.sku][options[k][0].id]:
                    ok = False
                kg[k] = kg.get(k, 0.0) + q * product.weight_kg
        if not ok or (not order.allow_split and len(kg) > 1):
            continue
        packages = {
            k: max(1, math.ceil(m / options[k][1].max_weight_kg - 1e-9)) for k, m in kg.items()
        }
        if (
            network.policy.max_packages is not None
            and sum(packages.values()) > network.policy.max_packages
        ):
            continue
        score = w.unfulfilled * units_out
        late = 0
        for k, m in kg.items():
            node, service, delivery = options[k]
            cost = (
                node.handling_cost
                + packages[k] * service.cost_per_package
                + service.cost_per_kg * m
            )
            distance = km(node.lat, node.lon, dest.lat, dest.lon)
            score += w.packages * packages[k] + w.cost * cost + w.distance * distance
            score += w.priority * node.priority
            late = max(late, delivery - target_day)
        score += w.lateness * late
        if best is None or score < best:
            best = score
    return best


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(instances(heavy=False), instances(heavy=False, open_rules=True)))
def test_exact_plan_scores_the_brute_force_optimum(instance):
    network, stock, order = instance
    plan = route(network, order, stock)
    assert plan.method == "exact"
    target = plan.explanation.target_date
    target_day = target.toordinal() if target is not None else 0
    best = brute_force_best(network, order, stock, target_day)
    assert math.isclose(plan.score.total, best, rel_tol=1e-9, abs_tol=1e-6), (plan, best)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(instances(heavy=False), instances(heavy=False, open_rules=True)))
def test_lean_plan_equals_the_explained_plan_and_the_brute_force_optimum(instance):
    """explain=False takes its own shortcuts (whole-order nodes walked without the stock scan):
    the same shipments and score as the explained plan, and still the optimum."""
    network, stock, order = instance
    full = route(network, order, stock)
    lean = route(network, order, stock, explain=False)
    assert lean.shipments == full.shipments and lean.score == full.score
    assert lean.unfulfilled == full.unfulfilled and lean.method == full.method
    target = full.explanation.target_date
    target_day = target.toordinal() if target is not None else 0
    best = brute_force_best(network, order, stock, target_day)
    assert math.isclose(lean.score.total, best, rel_tol=1e-9, abs_tol=1e-6), (lean, best)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(instances(heavy=False), instances(heavy=False, open_rules=True)))
def test_whole_order_nodes_found_from_the_rarest_line_or_by_walking_every_node(instance):
    """explain=False finds the nodes holding the whole order from the line held at the fewest
    nodes when it has few holders, else by walking every eligible node: forced either way
    (these networks are small, so the first way is the default), the explained plan."""
    network, stock, order = instance
    full = route(network, order, stock)
    for few_holders in (0, 10**6):
        with patch.object(candidates, "_FEW_HOLDERS", few_holders):
            lean = route(network, order, stock, explain=False)
        assert lean.shipments == full.shipments and lean.score == full.score
        assert lean.unfulfilled == full.unfulfilled and lean.method == full.method


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(instances(heavy=False), instances(heavy=False, open_rules=True)),
    st.sampled_from((5000, 1)),
)
def test_best_single_is_what_the_search_returns_when_one_shipment_wins(instance, max_steps):
    """When the bounds proved that one shipment wins, route() skips the branch-and-bound's
    indexes (search.best_single): the same plan and the same steps as Search.run, and with a
    step budget too small for the singles it leaves the fallback to the search."""
    network, stock, order = instance
    problem = prepare(network, order, stock, explain=False)
    policy = replace(network.policy, budget=Budget(max_steps=max_steps))
    fast = best_single(problem, policy)
    slow = Search(problem, policy, order.allow_split).run(False)
    if not problem.singles_suffice:
        return  # best_single is only called when the bounds proved it
    if fast is None:
        assert slow.steps == max_steps and slow.method == "greedy-fallback"
        return
    assert (fast.best.key, fast.best.score, fast.best.alloc, fast.best.packages) == (
        slow.best.key,
        slow.best.score,
        slow.best.alloc,
        slow.best.packages,
    )
    assert (fast.best.late_days, fast.steps, fast.method) == (
        slow.best.late_days,
        slow.steps,
        slow.method,
    )
    if problem.scores is not None:
        # the whole-order walk's own scores give the same answer without evaluating again
        scored = best_scored_single(problem, policy)
        assert (scored.best.key, scored.best.score, scored.best.alloc) == (
            fast.best.key,
            fast.best.score,
            fast.best.alloc,
        )
        assert (scored.best.packages, scored.best.late_days, scored.steps) == (
            fast.best.packages,
            fast.best.late_days,
            fast.steps,
        )
        assert scored.best.rank() == fast.best.rank()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(instances(heavy=False), instances(heavy=False, open_rules=True)))
def test_whole_order_plan_is_the_search_results_plan(instance):
    """An order the whole-order walk settled on one shipment gets its plan straight from the
    winning candidate: the same plan, field for field (types and signs of zero included, so
    compared by repr), as through the search result and _shipments_and_score."""
    network, stock, order = instance
    taken = []
    direct = sourcing._whole_order_plan

    def spy(*args):
        taken.append(True)
        return direct(*args)

    with patch.object(sourcing, "_whole_order_plan", spy):
        fast = route(network, order, stock, explain=False)
    with patch.object(sourcing, "_plain_whole", lambda problem: False):
        slow = route(network, order, stock, explain=False)
    assert repr(dataclasses.astuple(fast)) == repr(dataclasses.astuple(slow))
    if taken:
        assert len(fast.shipments) == 1 and fast.status == "complete"


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(instances(heavy=False), instances(heavy=False, open_rules=True)))
def test_two_fixed_parts_decide_as_the_split_floor_would(instance):
    """The split bound first compares two shipments' fixed parts to the best single, and only
    then computes the split floor: the same answer as the split floor alone, for any best."""
    network, stock, order = instance
    problem = prepare(network, order, stock, explain=False)
    dest = order.destination
    table = option_table(network, order, network.transit_days(dest.country, dest.postal_code))
    floor = _split_floor(network, problem, table)
    least = network.min_shipment_score
    for best in (0.0, least, 2 * least - 1e-6, 2 * least, 2 * least + 1, floor - 1e-6, floor):
        assert _splits_lose(network, problem, table, best) == (floor > best + 1e-9), best


def test_best_single_leaves_a_spent_step_budget_to_the_search():
    """Two nodes equally able to ship the whole order: both singles are considered, so with
    a budget of one step best_single gives up and route() reports the search's fallback."""
    nodes = [
        Node(
            node_id,
            lat=52.52,
            lon=13.4,
            country="DE",
            postal_code="10115",
            timezone="Europe/Berlin",
        )
        for node_id in ("N0", "N1")
    ]
    service = CarrierService("S0", "C0", zones=(Zone("DE", "", 1),), cost_per_package=4.0)
    policy = Policy(budget=Budget(max_steps=1))
    network = Network(nodes, [service], [Product("A", 1.0)], policy)
    order = Order(
        "O1",
        (OrderLine("A", 1),),
        Destination("DE", "10117", 52.51, 13.39),
        datetime(2026, 11, 26, 9, tzinfo=timezone.utc),
    )
    stock = {"A": {"N0": 1, "N1": 1}}
    problem = prepare(network, order, stock, explain=False)
    assert problem.singles_suffice and len(problem.candidates) == 2
    assert best_single(problem, policy) is None
    plan = route(network, order, stock, explain=False)
    assert plan.method == "greedy-fallback" and [s.node for s in plan.shipments] == ["N0"]
    found = best_single(problem, replace(policy, budget=Budget(max_steps=2)))
    assert found.steps == 2 and found.best.key == (0,) and found.method == "exact"
    # the same from the scores of the whole-order walk, which scored both nodes
    assert problem.whole and problem.scores is not None and len(problem.scores) == 2
    assert best_scored_single(problem, policy) is None
    scored = best_scored_single(problem, replace(policy, budget=Budget(max_steps=2)))
    assert (scored.steps, scored.best.key, scored.best.score) == (2, (0,), found.best.score)
    assert scored.best.alloc == found.best.alloc == {0: [1]}


def test_the_brute_force_can_disagree():
    """A deliberately worse plan score is told apart: the comparison is not vacuous."""
    nodes = [
        Node(
            "N0", lat=52.52, lon=13.4, country="DE", postal_code="10115", timezone="Europe/Berlin"
        ),
        Node(
            "N1", lat=48.14, lon=11.58, country="DE", postal_code="80331", timezone="Europe/Berlin"
        ),
    ]
    service = CarrierService("S0", "C0", zones=(Zone("DE", "", 1),), cost_per_package=4.0)
    network = Network(nodes, [service], [Product("A", 1.0)], Policy())
    order = Order(
        "O1",
        (OrderLine("A", 1),),
        Destination("DE", "10117", 52.51, 13.39),
        datetime(2026, 11, 26, 9, tzinfo=timezone.utc),
    )
    stock = {"A": {"N0": 1, "N1": 1}}
    plan = route(network, order, stock)
    best = brute_force_best(network, order, stock, plan.explanation.target_date.toordinal())
    assert math.isclose(plan.score.total, best, abs_tol=1e-6)
    worse_only = {"A": {"N1": 1}}
    assert (
        brute_force_best(network, order, worse_only, plan.explanation.target_date.toordinal())
        > best + 1
    )
