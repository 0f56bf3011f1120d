"""Alike stores: past ``Budget.max_nodes`` (``bounds._cheapest_alike``) and in the search
(``Search._prepare_symmetry``).

Stores with the same services and dates that hold the same units of an order's lines differ
only by a constant per shipment (handling cost, priority, distance): a plan using k of them
does as well with the k cheapest. When the bounds keep more nodes than ``max_nodes``, those
others go first, and the order is searched exactly instead of being cut; the search adds
alike stores cheapest first. These tests pin both sides: the cut order is now exact and at
the brute-force optimum, the stores an order needs several of (more units than one holds)
all stay, and the search finds the same plan with and without its symmetry.
"""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
from engine_builders import dc, network, order, parcel, stock, store
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_invariants import brute_force_best
from test_split_node_bound import _freight

from oms_engine import Budget, bounds, route
from oms_engine.candidates import prepare


def _stores(prefix, count, rng, **kw):
    """``count`` Hamburg-area stores, each a little farther out and dearer to handle."""
    return [
        store(
            f"{prefix}{i:02d}",
            lat=53.55 + rng.uniform(0, 0.3),
            lon=9.99 + rng.uniform(0, 0.3),
            handling_cost=round(rng.uniform(2.5, 3.8), 2),
            **kw,
        )
        for i in range(count)
    ]


def _split_world(per_line=10, units=1, max_nodes=8, seed=7):
    """Shirts, boots and scarves each at their own Hamburg stores, and all three at a Munich
    DC: the DC's one shipment is the bounds' best single, far above a split over three
    stores, so the bounds keep every store and cannot tell a line's stores apart."""
    rng = random.Random(seed)
    sets = {sku: _stores(sku[:2], per_line, rng) for sku in ("SHIRT", "BOOTS", "SCARF")}
    munich = dc("DC-M", lat=48.137, lon=11.575, postal_code="80331", handling_cost=40.0)
    nodes = [munich] + [n for here in sets.values() for n in here]
    net = network(nodes, budget=Budget(max_nodes=max_nodes))
    rows = [(n.id, sku, units) for sku, here in sets.items() for n in here]
    rows += [("DC-M", sku, 10) for sku in sets]
    return net, stock(*rows)


def test_an_order_cut_by_max_nodes_among_alike_stores_is_searched_exactly():
    net, rows = _split_world()
    routed = order([("SHIRT", 1), ("BOOTS", 1), ("SCARF", 1)])
    plan = route(net, routed, rows, explain=False)
    # before: the 30 stores and the DC kept by the bounds, 8 searched, "greedy-fallback"
    assert plan.method == "exact"
    assert sorted(s.node[:2] for s in plan.shipments) == ["BO", "SC", "SH"]
    problem = prepare(net, routed, rows, explain=False)
    assert not problem.truncated
    assert len({c.node for c in problem.candidates}) <= 8
    target = plan.explanation.target_date.toordinal()
    assert abs(plan.score.total - brute_force_best(net, routed, rows, target)) < 1e-6
    assert route(net, routed, rows).shipments == plan.shipments


def test_alike_stores_an_order_needs_several_of_all_stay():
    # 3 shirts, one per store: a plan needs three shirt stores, the three cheapest
    net, rows = _split_world(max_nodes=8)
    routed = order([("SHIRT", 3), ("BOOTS", 1)])
    plan = route(net, routed, rows, explain=False)
    assert plan.method == "exact" and not plan.unfulfilled
    assert sum(1 for s in plan.shipments if s.node.startswith("SH")) == 3
    target = plan.explanation.target_date.toordinal()
    assert abs(plan.score.total - brute_force_best(net, routed, rows, target)) < 1e-6


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(0, 10_000),
    st.integers(4, 9),
    st.lists(st.tuples(st.sampled_from(("SHIRT", "BOOTS", "SCARF")), st.integers(1, 3)),
             min_size=1, max_size=3),
    st.integers(1, 3),
)  # fmt: skip
def test_exact_plans_under_a_small_node_budget_are_the_unlimited_optimum(
    seed, max_nodes, lines, units
):
    """Whenever the plan under a small ``max_nodes`` says exact, it scores what the search
    without a node budget finds: the alike stores left out could not do better."""
    rng = random.Random(seed)
    nodes = _stores("ST", 14, rng)
    rows = stock(
        *[
            (n.id, sku, rng.randint(1, units))
            for n in nodes
            for sku in ("SHIRT", "BOOTS", "SCARF")
            if rng.random() < 0.5
        ]
    )
    net = network(nodes, budget=Budget(max_nodes=max_nodes))
    wide = network(nodes, budget=Budget(max_nodes=1000))
    routed = order(lines)
    plan = route(net, routed, rows, explain=False)
    if plan.method == "exact":
        best = route(wide, routed, rows, explain=False)
        assert best.method == "exact"
        assert abs(plan.score.total - best.score.total) < 1e-6
        assert plan == replace(best, steps=plan.steps)


def _without_symmetry(monkeypatch):
    monkeypatch.setattr(bounds, "_cheaper_alike", lambda *args: {})


def test_the_search_adds_alike_stores_cheapest_first(monkeypatch):
    # 2 shirts and 2 boots, one per store: a plan of four of the twelve stores; the alike
    # ones are tried cheapest first, for the same plan
    net, rows = _split_world(per_line=6, max_nodes=64)
    routed = order([("SHIRT", 2), ("BOOTS", 2)])
    plan = route(net, routed, rows, explain=False)
    problem = prepare(net, routed, rows, explain=False)
    assert problem.cheaper_alike  # each line's stores but the cheapest have alike ones
    _without_symmetry(monkeypatch)
    every = route(net, routed, rows, explain=False)
    assert plan.method == every.method == "exact"
    assert plan == replace(every, steps=plan.steps)
    assert plan.steps < every.steps


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(0, 10_000),
    st.lists(st.tuples(st.sampled_from(("SHIRT", "BOOTS", "SCARF", "SOFA")), st.integers(1, 4)),
             min_size=1, max_size=4),
    st.integers(1, 3),
    st.sampled_from((0.5, 1.0)),
)  # fmt: skip
def test_the_symmetry_keeps_the_plan(seed, lines, units, bulky_share):
    """Whatever alike stores hold (bulky lines some stores may not ship among them), the
    search with the alike stores' symmetry finds the plan it finds without (or, where that
    one ran out of steps, one no worse)."""
    rng = random.Random(seed)
    nodes = _stores("ST", 10, rng)
    nodes = [replace(n, bulky_allowed=rng.random() < bulky_share) for n in nodes]
    skus = ("SHIRT", "BOOTS", "SCARF", "SOFA")
    rows = stock(
        *[(n.id, sku, rng.randint(1, units)) for n in nodes for sku in skus if rng.random() < 0.6]
    )
    net = network(nodes, services=[parcel(), _freight()], budget=Budget(max_nodes=1000))
    routed = order(lines)
    plan = route(net, routed, rows, explain=False)
    with pytest.MonkeyPatch.context() as patch:
        _without_symmetry(patch)
        every = route(net, routed, rows, explain=False)
    if every.method == "exact":
        assert plan == replace(every, steps=plan.steps)
    else:
        assert plan.score.total <= every.score.total + 1e-6
