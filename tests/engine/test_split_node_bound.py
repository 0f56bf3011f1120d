"""The multi-shipment node bound (``bounds._multi_bound``) with what every unit pays and the
lateness another node's shipment brings.

A node whose single-shipment bound cannot win stays for the search only if a plan of two
shipments or more using it might: its floor and lateness, plus what the order's units pay at
least, plus (for the worst line it cannot serve) another node's floor and the lateness the
earliest service able to carry that line adds. These tests pin both sides: a plan where the
bound is tight keeps its nodes (the bound must not overstate), and a node that can only
join a late plan at a dearer floor is left out (the lateness is counted).
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date

from engine_builders import dc, network, order, parcel, stock, store
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_invariants import brute_force_best, instances

from oms_engine import Network, Zone, route
from oms_engine.candidates import prepare


def _freight():
    """Slow and dear, the only service taking bulky goods."""
    return parcel(
        "freight",
        zones=(Zone("DE", "", 2),),
        cost_per_package=30.0,
        max_weight_kg=1000.0,
        accepts_bulky=True,
    )


def test_a_split_both_of_whose_shipments_are_late_keeps_its_nodes():
    # Promised for the order day: every shipment is a day late, and the bound of each node
    # is exactly the plan's score (two floors, the units, one day late): counting the day
    # twice would leave the nodes out and the order short.
    net = network([dc("DC-A"), store("ST-B")])
    rows = (("DC-A", "SHIRT", 5), ("ST-B", "BOOTS", 5))
    routed = order([("SHIRT", 1), ("BOOTS", 1)], promised_date=date(2026, 11, 26))
    plan = route(net, routed, stock(*rows), explain=False)
    assert sorted(s.node for s in plan.shipments) == ["DC-A", "ST-B"]
    assert not plan.unfulfilled and plan.score.late_days == 1


def test_a_node_that_could_only_join_a_late_split_at_a_dearer_floor_is_left_out():
    munich = store("ST-C", lat=48.137, lon=11.575, postal_code="80331")
    net = network([dc("DC-A"), store("ST-B"), munich], services=[parcel(), _freight()])
    rows = (("DC-A", "SOFA", 2), ("ST-B", "SHIRT", 2), ("ST-C", "SHIRT", 2))
    routed = order([("SOFA", 1), ("SHIRT", 1)])
    plan = route(net, routed, stock(*rows), explain=False)
    assert sorted(s.node for s in plan.shipments) == ["DC-A", "ST-B"]
    # the sofa goes by freight: two working days from Thursday, Monday, three days late
    assert plan.score.late_days == 3
    problem = prepare(net, routed, stock(*rows), explain=False)
    # ST-C's floor is ST-B's plus ~600 km: with the sofa's lateness it cannot beat the plan
    assert sorted({c.node for c in problem.candidates}) == [0, 1]
    assert route(net, routed, stock(*rows)).shipments == plan.shipments


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(instances(heavy=False), instances(heavy=False, open_rules=True)),
    st.sampled_from((0.5, 1.5, 4.0, 9.0)),
)
def test_plans_stay_optimal_when_leaving_units_out_is_cheap(instance, unfulfilled):
    """A unit left out pays ``unfulfilled`` in all, its unit floor included: with a low
    ``unfulfilled`` splits leaving units out win often, and the bound must not count the
    unit twice there."""
    net, rows, routed = instance
    policy = net.policy
    policy = replace(policy, weights=replace(policy.weights, unfulfilled=unfulfilled))
    net = Network(net.nodes, net.services, list(net.products.values()), policy)
    plan = route(net, routed, rows, explain=False)
    assert plan.method == "exact"
    target = plan.explanation.target_date
    target_day = target.toordinal() if target is not None else 0
    best = brute_force_best(net, routed, rows, target_day)
    assert math.isclose(plan.score.total, best, rel_tol=1e-9, abs_tol=1e-6), (plan, best)
