"""Weight makes packages: plans stay exact, never ship a unit that costs more than leaving it
out, and say why units stay out (the package cap, or not worth it).

The brute force and the hard-rule check are test_invariants'; the rescoring below recomputes
a plan's score from its shipments and the raw inputs (haversine distances, packages from kg),
sharing nothing with the engine but the delivery dates it printed.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import datetime, timezone

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_invariants import (
    brute_force_best,
    check_hard_rules,
    instances,
    km,
    line_allowed,
    node_may_ship,
)

from oms_engine import (
    CarrierService,
    Destination,
    Network,
    Node,
    Order,
    OrderLine,
    Policy,
    Product,
    Shipment,
    Weights,
    Zone,
    route,
)

MONDAY = datetime(2026, 11, 30, 9, tzinfo=timezone.utc)


def one_node(products, *, max_weight=5.0, max_packages=None, weights=None, per_kg=0.0):
    """A DC in Berlin with one parcel service of ``max_weight`` kg, 4.0 a package."""
    node = Node("DC", lat=52.52, lon=13.40, country="DE", postal_code="10115",
                timezone="Europe/Berlin", handling_cost=1.0)  # fmt: skip
    service = CarrierService("S", "C", zones=(Zone("DE", "", 1),), cost_per_package=4.0,
                             cost_per_kg=per_kg, max_weight_kg=max_weight)  # fmt: skip
    policy = Policy(weights=weights or Weights(), max_packages=max_packages)
    return Network([node], [service], products, policy)


def an_order(*lines):
    return Order("O1", tuple(OrderLine(s, q) for s, q in lines),
                 Destination("DE", "10117", 52.51, 13.39), MONDAY)  # fmt: skip


def rescore(network, order, plan) -> float:
    """The plan's score from its shipments and the raw inputs."""
    w = network.policy.weights
    nodes = {n.id: n for n in network.nodes}
    services = {s.id: s for s in network.services}
    dest = order.destination
    ordered = sum(line.quantity for line in order.lines)
    shipped = 0
    score = 0.0
    latest = None
    for s in plan.shipments:
        node, service = nodes[s.node], services[s.carrier_service]
        kg = sum(line.quantity * network.products[line.sku].weight_kg for line in s.lines)
        packages = max(1, math.ceil(kg / service.max_weight_kg - 1e-9))
        cost = node.handling_cost + packages * service.cost_per_package + service.cost_per_kg * kg
        distance = km(node.lat, node.lon, dest.lat, dest.lon) if dest.lat is not None else 0.0
        score += w.packages * packages + w.cost * cost + w.distance * distance
        score += w.priority * node.priority
        shipped += sum(line.quantity for line in s.lines)
        latest = s.promised_date if latest is None else max(latest, s.promised_date)
    target = plan.explanation.target_date
    if latest is not None and target is not None:
        score += w.lateness * max(0, (latest - target).days)
    return score + w.unfulfilled * (ordered - shipped)


def one_unit_less(plan, si: int, li: int):
    """The plan with one unit of line ``li`` of shipment ``si`` taken out (and the shipment
    dropped when nothing is left in it)."""
    shipment = plan.shipments[si]
    lines = list(shipment.lines)
    line = lines[li]
    if line.quantity > 1:
        lines[li] = OrderLine(line.sku, line.quantity - 1)
    else:
        del lines[li]
    shipments = list(plan.shipments)
    if lines:
        shipments[si] = Shipment(**{**{f: getattr(shipment, f) for f in Shipment.__slots__},
                                    "lines": tuple(lines)})  # fmt: skip
    else:
        del shipments[si]
    return replace(plan, shipments=tuple(shipments))


# --------------------------------------------------------------------------- examples


def test_the_package_cap_ships_what_fits_and_names_itself_for_the_rest():
    """Three 7.2 kg units, 5 kg parcels, at most 2 packages: one unit fits (2 packages),
    the other two stay out because of the cap - not "not worth shipping", and not all
    three out as when a set over the cap was dropped whole."""
    network = one_node([Product("P", 7.21)], max_packages=2, weights=Weights(unfulfilled=30.0))
    plan = route(network, an_order(("P", 3)), {"P": {"DC": 3}})
    assert [(s.node, s.lines, s.packages) for s in plan.shipments] == [
        ("DC", (OrderLine("P", 1),), 2)
    ]
    assert [(u.sku, u.quantity, u.reason) for u in plan.unfulfilled] == [("P", 2, "max_packages")]


def test_the_cap_keeps_the_line_that_fits_one_package():
    """Two 4 kg lines, 5 kg parcels, one package allowed: one line ships, the other is left
    out because of the cap."""
    products = [Product("A", 4.0), Product("B", 4.0)]
    network = one_node(products, max_packages=1)
    plan = route(network, an_order(("A", 1), ("B", 1)), {"A": {"DC": 1}, "B": {"DC": 1}})
    assert len(plan.shipments) == 1 and plan.shipments[0].packages == 1
    assert [u.reason for u in plan.unfulfilled] == ["max_packages"]
    assert plan.status == "partial"


def test_a_unit_whose_extra_package_costs_more_than_it_is_worth_stays_out():
    """A 1 kg and an 11 kg line in 5 kg parcels: the two packages more the heavy unit needs
    (2 x (4.0 + 4.0)) cost more than leaving it out (unfulfilled 12), while the light one's
    shipment (9.0) is worth it: the heavy unit stays out, "not worth shipping"."""
    products = [Product("LIGHT", 1.0), Product("HEAVY", 11.0)]
    network = one_node(products, weights=Weights(unfulfilled=12.0))
    plan = route(network, an_order(("LIGHT", 1), ("HEAVY", 1)),
                 {"LIGHT": {"DC": 1}, "HEAVY": {"DC": 1}})  # fmt: skip
    assert [(line.sku, line.quantity) for line in plan.shipments[0].lines] == [("LIGHT", 1)]
    assert plan.shipments[0].packages == 1
    assert [(u.sku, u.reason) for u in plan.unfulfilled] == [("HEAVY", "not_worth_shipping")]


def test_a_unit_whose_per_kg_cost_is_above_its_penalty_stays_out():
    """Per-kg cost 2.0 on a 7 kg unit (14.0) against an unfulfilled weight of 12: left out,
    while the 0.5 kg unit ships (9.0 + 1.0)."""
    products = [Product("LIGHT", 0.5), Product("DENSE", 7.0)]
    network = one_node(products, max_weight=30.0, per_kg=2.0, weights=Weights(unfulfilled=12.0))
    plan = route(network, an_order(("LIGHT", 1), ("DENSE", 1)),
                 {"LIGHT": {"DC": 1}, "DENSE": {"DC": 1}})  # fmt: skip
    assert [line.sku for line in plan.shipments[0].lines] == ["LIGHT"]
    assert [(u.sku, u.reason) for u in plan.unfulfilled] == [("DENSE", "not_worth_shipping")]


def test_the_rescoring_agrees_with_the_engine_and_can_tell_a_worse_plan():
    network = one_node([Product("P", 3.0)], weights=Weights(unfulfilled=30.0))
    order = an_order(("P", 3))
    plan = route(network, order, {"P": {"DC": 3}})
    assert math.isclose(rescore(network, order, plan), plan.score.total, abs_tol=1e-6)
    worse = one_unit_less(plan, 0, 0)  # 2 units in one package: saves the extra package
    assert rescore(network, order, worse) != plan.score.total


# --------------------------------------------------------------------------- properties

heavy = st.one_of(
    instances(heavy=True, cheap_unfilled=True),
    instances(heavy=True, open_rules=True, cheap_unfilled=True),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(heavy)
def test_exact_when_weight_makes_packages(instance):
    """2 and 5 kg parcels, 0.2-3 kg units, package caps, unfulfilled weights of 5 to 1000:
    the plan scores the brute force's optimum, keeps the hard rules, and every unit left
    out of a plan that still has eligible stock has a reason."""
    network, stock, order = instance
    plan = route(network, order, stock)
    assert plan.method == "exact"
    check_hard_rules(network, order, stock, plan)
    target = plan.explanation.target_date
    target_day = target.toordinal() if target is not None else 0
    best = brute_force_best(network, order, stock, target_day)
    assert math.isclose(plan.score.total, best, rel_tol=1e-9, abs_tol=1e-6), (plan, best)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(heavy)
def test_no_shipped_unit_costs_more_than_leaving_it_out(instance):
    """Take any one shipped unit out of the plan (its shipment's packages recounted, the
    shipment dropped if emptied): the plan never scores better - no unit ships at a cost
    (per-unit score, extra package, its shipment) above the penalty of leaving it out."""
    network, stock, order = instance
    plan = route(network, order, stock)
    assert plan.method == "exact"
    base = rescore(network, order, plan)
    assert math.isclose(base, plan.score.total, rel_tol=1e-9, abs_tol=1e-6)
    for si, shipment in enumerate(plan.shipments):
        for li in range(len(shipment.lines)):
            fewer = rescore(network, order, one_unit_less(plan, si, li))
            assert fewer >= base - 1e-6, (plan, si, li)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(heavy)
def test_lean_plan_is_the_explained_plan_when_weight_makes_packages(instance):
    network, stock, order = instance
    full = route(network, order, stock)
    lean = route(network, order, stock, explain=False)
    assert lean.shipments == full.shipments and lean.score == full.score
    assert lean.unfulfilled == full.unfulfilled and lean.method == full.method


def fewest_packages_more(network, order, stock, plan, sku) -> float:
    """The fewest packages one more unit of ``sku`` adds to the plan: in one of its shipments
    (same node, a unit left there, a service carrying it) or, where the order allows, in a
    shipment of its own from any node and service the rules allow; ``math.inf``: none."""
    nodes = {n.id: n for n in network.nodes}
    services = {s.id: s for s in network.services}
    product = network.products[sku]
    taken: dict[str, int] = {}
    for s in plan.shipments:
        for line in s.lines:
            if line.sku == sku:
                taken[s.node] = taken.get(s.node, 0) + line.quantity

    def left(node_id):
        return stock.get(sku, {}).get(node_id, 0) - taken.get(node_id, 0) >= 1

    fewest = math.inf
    for s in plan.shipments:
        node, service = nodes[s.node], services[s.carrier_service]
        if left(s.node) and line_allowed(network, order, node, service, product):
            kg = sum(line.quantity * network.products[line.sku].weight_kg for line in s.lines)
            count = max(1, math.ceil((kg + product.weight_kg) / service.max_weight_kg - 1e-9))
            fewest = min(fewest, count - s.packages)
    if order.allow_split or not plan.shipments:
        dest = order.destination
        transits = network.transit_days(dest.country, dest.postal_code)
        for node in network.nodes:
            if not node_may_ship(network, order, node) or not left(node.id):
                continue
            for si, service in enumerate(network.services):
                if service.service_level != order.service_level or transits[si] is None:
                    continue
                if line_allowed(network, order, node, service, product):
                    count = max(1, math.ceil(product.weight_kg / service.max_weight_kg - 1e-9))
                    fewest = min(fewest, count)
    return fewest


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(heavy)
def test_units_left_out_say_why(instance):
    """A unit left out while eligible stock remains is "max_packages" exactly when one more
    of it would take the plan past the policy's package cap however it is added, and
    "split_not_allowed" when only another shipment, which the order forbids, could take it;
    recounted here from the plan's shipments and the raw inputs."""
    network, stock, order = instance
    cap = network.policy.max_packages
    plan = route(network, order, stock)
    packages = sum(s.packages for s in plan.shipments)
    for u in plan.unfulfilled:
        if u.reason not in ("max_packages", "not_worth_shipping", "split_not_allowed"):
            continue
        fewest = fewest_packages_more(network, order, stock, plan, u.sku)
        if not order.allow_split and plan.shipments and fewest == math.inf:
            expected = "split_not_allowed"
        elif cap is not None and fewest < math.inf and packages + fewest > cap:
            expected = "max_packages"
        else:
            expected = "not_worth_shipping"
        assert u.reason == expected, (plan, u, fewest)


def test_reason_codes_agree_between_engine_docs_and_schemas():
    """The unfulfilled reasons and exclusion rules the engine may write are the ones
    docs/engine.md lists and the plan and promise schemas allow."""
    import json
    import re
    from pathlib import Path

    from oms_engine.candidates import EXCLUSION_RULES, UNFULFILLED_REASONS

    root = Path(__file__).resolve().parents[2]
    docs = (root / "docs" / "engine.md").read_text()
    section = docs.split("## Reason codes", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"^\| `([a-z_]+)` \|", section, re.M))
    rules_line = section.split("Exclusion `rule`:", 1)[1]
    rules = set(re.findall(r"`([a-z_]+)`", rules_line.split("\n\n", 1)[0]))
    assert listed | (rules - {"not_a_pickup_point"}) == set(UNFULFILLED_REASONS)
    assert rules == set(EXCLUSION_RULES)
    for name in ("plan-1", "promise-1"):
        schema = json.loads((root / "oms_engine" / "schemas" / f"{name}.schema.json").read_text())
        defs = schema["$defs"]
        assert set(defs["Unfulfilled"]["properties"]["reason"]["enum"]) == set(UNFULFILLED_REASONS)
        if "Exclusion" in defs:
            assert set(defs["Exclusion"]["properties"]["rule"]["enum"]) == set(EXCLUSION_RULES)
