"""The branch-and-bound's first incumbent taken from the node bounds' greedy cover.

When the node bounds' greedy cover beats every single shipment, its candidates are the
search's first incumbent instead of a greedy cover of its own. Checked here: the cover's
candidates score, as the search evaluates them, no more than the bounds' figure (which the
bounds used to leave nodes out), and the plan scores what the search's own greedy start
finds. Where two plans tie on the score, the search keeps the first one it reaches (it
prunes what cannot do strictly better), so a different start may keep the other one of the
tie: hypothesis found such an order (one node's two services at the same score). The
decision is then as good, and still the same for the same input; on the benchmark's 100k
replay the plans were identical, ``steps`` aside.
"""

from __future__ import annotations

from dataclasses import replace
from unittest.mock import patch

from engine_builders import dc, network, order, stock, store
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_invariants import instances

from oms_engine import bounds, route
from oms_engine.candidates import prepare
from oms_engine.search import Search

_EPS = 1e-9


def _check(network, order, stock) -> bool:
    """Checks one order; whether the bounds' cover was the search's start."""
    covers = []
    real = bounds._greedy_cover

    def spy(*args):
        got = real(*args)
        covers.append(got)
        return got

    with patch.object(bounds, "_greedy_cover", spy):
        problem = prepare(network, order, stock, explain=False)
    if problem.greedy is None:
        return False
    score, picks = covers[-1]
    assert picks == problem.greedy and len(picks) >= 2
    search = Search(problem, network.policy, order.allow_split)
    start = search._bounds_cover()
    if start is None:  # a node of the cover was cut by max_nodes
        return False
    assert [search.cands[j] for j in start] == sorted(picks, key=search.cands.index)
    found = search.evaluate(start)
    assert found is not None and found.score <= score + _EPS
    plan = route(network, order, stock, explain=False)
    with patch.object(Search, "_bounds_cover", lambda self: None):
        own = route(network, order, stock, explain=False)
    if plan.method != "exact" or own.method != "exact":
        return True  # out of the step budget: a greedy fallback, whichever the start
    assert round(plan.score.total, 6) == round(own.score.total, 6)
    if replace(plan, steps=0) != replace(own, steps=0):
        assert plan.score.package_count == own.score.package_count  # a tie, not a worse plan
    return True


def test_a_two_node_split_starts_from_the_bounds_cover():
    net = network([dc("DC-BER"), store("ST-HAM"), store("ST-MUC", lat=48.137, lon=11.575)])
    rows = (("DC-BER", "SHIRT", 5), ("ST-HAM", "BOOTS", 5), ("ST-MUC", "BOOTS", 1))
    routed = order([("SHIRT", 1), ("BOOTS", 2)])
    assert _check(net, routed, stock(*rows))
    plan = route(net, routed, stock(*rows))
    assert sorted(s.node for s in plan.shipments) == ["DC-BER", "ST-HAM"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(instances(heavy=False, open_rules=True), instances(open_rules=True)))
def test_the_bounds_cover_is_a_valid_start_and_keeps_the_plan(instance):
    network, stock, order = instance
    _check(network, order, stock)
