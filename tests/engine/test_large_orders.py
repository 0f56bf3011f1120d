"""Large orders: the bounded path (oms_engine.large) past its thresholds.

The thresholds are lowered here so that small instances take the path: its plans keep every
hard rule, are the same explained or not and for the same input, never score below the MILP
optimum (so they are scored honestly), never above the greedy cover they start from, stay
within the bounded search's steps, and say in plain words that the plan may not be optimal.
An order one node ships whole best is still settled exactly.
"""

from __future__ import annotations

from contextlib import contextmanager
from unittest.mock import patch

import pytest
from engine_builders import dc, network, order, stock, store
from hypothesis import HealthCheck, given, settings
from test_invariants import check_hard_rules, instances
from test_milp_crosscheck import random_instance, weighty_instance

from oms_engine import large, route
from oms_engine.candidates import prepare
from oms_engine.milp import solve_order
from oms_engine.search import Search

_EPS = 1e-6


@contextmanager
def every_order_large():
    """Every order past the thresholds (an order with one stock record takes the path)."""
    with (
        patch.object(large, "MAX_STOCK_ENTRIES", 0),
        patch.object(large, "MAX_HOLDERS", 0),
        patch.object(large, "MAX_LINES", 0),
    ):
        yield


def _same_decision(a, b) -> bool:
    return (a.shipments, a.unfulfilled, a.score, a.method) == (
        b.shipments,
        b.unfulfilled,
        b.score,
        b.method,
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(open_rules=True))
def test_bounded_plans_keep_the_hard_rules_and_explain_the_same_plan(instance):
    network_, stock_, order_ = instance
    with every_order_large():
        lean = route(network_, order_, stock_, explain=False)
        explained = route(network_, order_, stock_, explain=True)
        again = route(network_, order_, stock_, explain=False)
    check_hard_rules(network_, order_, stock_, lean)
    assert _same_decision(lean, explained)
    assert lean == again
    if lean.method == "greedy-fallback":
        assert any("large order" in note for note in explained.explanation.notes)
    small = len({line.sku for line in order_.lines}) <= large.SMALL_LINES
    assert lean.steps <= (large.SMALL_STEPS if small else large.SEARCH_STEPS)


def _spied_cover(network_, order_, stock_):
    """The greedy cover's score as the bounded path computed it (None: no cover plan)."""
    got = []
    real = large.cover_plan

    def spy(*args):
        found = real(*args)
        got.append(found)
        return found

    with every_order_large(), patch.object(large, "cover_plan", spy):
        problem = prepare(network_, order_, stock_, explain=False)
        plan = route(network_, order_, stock_, explain=False)
    return problem, plan, got


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(open_rules=True))
def test_bounded_plan_scores_no_more_than_its_greedy_cover(instance):
    network_, stock_, order_ = instance
    problem, plan, covers = _spied_cover(network_, order_, stock_)
    if not problem.bounded:
        return  # settled exactly by the whole-order walk
    if covers and covers[-1][1]:
        # the cover counts the units it could place (targets); units no eligible node holds
        # are out of every plan
        short = sum(problem.quantities) - sum(problem.targets)
        assert (
            plan.score.total <= covers[-1][0] + network_.policy.weights.unfulfilled * short + _EPS
        )


@pytest.mark.parametrize("seed", range(0, 300, 3))
def test_bounded_plans_never_score_below_the_milp_optimum(seed):
    for make in (random_instance, weighty_instance):
        network_, stock_, order_ = make(seed)
        with every_order_large():
            plan = route(network_, order_, stock_)
        check_hard_rules(network_, order_, stock_, plan)
        reference = solve_order(network_, order_, stock_, target_date=plan.explanation.target_date)
        assert reference.status == "optimal"
        assert plan.score.total >= reference.score.total - _EPS * max(1.0, plan.score.total)


def _three_stores():
    nodes = [store(f"S{i}", lat=53.5 + i / 100) for i in range(3)]
    rows = [("S0", "SHIRT", 2), ("S1", "BOOTS", 2), ("S2", "SCARF", 2)]
    return network(nodes), stock(*rows), order([("SHIRT", 1), ("BOOTS", 1), ("SCARF", 1)])


def test_the_thresholds_decide_which_path_an_order_takes():
    net, stk, ordr = _three_stores()  # three stock records at three nodes
    assert route(net, ordr, stk).method == "exact"
    with patch.object(large, "MAX_STOCK_ENTRIES", 2):
        plan = route(net, ordr, stk)
    assert plan.method == "greedy-fallback"
    assert any("3 stock records" in note for note in plan.explanation.notes)
    # a bounded search out of its steps says so once, in the large order's own words
    with patch.object(large, "MAX_STOCK_ENTRIES", 2), patch.object(large, "SMALL_STEPS", 1):
        notes = route(net, ordr, stk).explanation.notes
    assert len(notes) == 1 and "large order" in notes[0]
    with patch.object(large, "MAX_STOCK_ENTRIES", 3):
        assert route(net, ordr, stk).method == "exact"
    with patch.object(large, "MAX_HOLDERS", 2):
        assert route(net, ordr, stk, explain=False).method == "greedy-fallback"
    with patch.object(large, "MAX_HOLDERS", 3):
        assert route(net, ordr, stk, explain=False).method == "exact"
    with patch.object(large, "MAX_LINES", 2):
        assert route(net, ordr, stk).method == "greedy-fallback"
    with patch.object(large, "MAX_LINES", 3):
        assert route(net, ordr, stk).method == "exact"
    # the greedy cover ships every line: the three stores
    with every_order_large():
        plan = route(net, ordr, stk)
    assert sorted(s.node for s in plan.shipments) == ["S0", "S1", "S2"]
    assert not plan.unfulfilled


def test_a_node_shipping_everything_best_settles_a_large_order_exactly():
    nodes = [dc("DC1"), *(store(f"S{i}", lat=53.5 + i / 100) for i in range(3))]
    rows = [("DC1", sku, 5) for sku in ("SHIRT", "BOOTS", "SCARF")]
    rows += [("S0", "SHIRT", 2), ("S1", "BOOTS", 2), ("S2", "SCARF", 2)]
    net, stk = network(nodes), stock(*rows)
    ordr = order([("SHIRT", 1), ("BOOTS", 1), ("SCARF", 1)])
    exact = route(net, ordr, stk)
    with every_order_large():
        lean = route(net, ordr, stk, explain=False)
        explained = route(net, ordr, stk, explain=True)
    assert lean.method == explained.method == "exact"
    assert [s.node for s in lean.shipments] == ["DC1"]
    assert _same_decision(lean, exact) and _same_decision(explained, exact)


def test_the_bounded_budget_never_exceeds_the_policy_budget():
    net, _, _ = _three_stores()
    budget = large.bounded_policy(net.policy).budget
    assert budget.max_steps == min(net.policy.budget.max_steps, large.SEARCH_STEPS)
    assert budget.max_packing_steps <= net.policy.budget.max_packing_steps
    assert budget.max_nodes == net.policy.budget.max_nodes


def test_the_greedy_cover_takes_the_node_covering_most_first():
    nodes = [store(f"S{i}", lat=53.5 + i / 100) for i in range(4)]
    rows = [("S0", "SHIRT", 1), ("S1", "SHIRT", 1), ("S1", "BOOTS", 1), ("S2", "SCARF", 1)]
    rows.append(("S3", "BOOTS", 1))
    net, stk = network(nodes), stock(*rows)
    ordr = order([("SHIRT", 1), ("BOOTS", 1), ("SCARF", 1)])
    with every_order_large():
        problem = prepare(net, ordr, stk, explain=False)
        plan = route(net, ordr, stk)
    assert problem.bounded == 5
    assert sorted(s.node for s in plan.shipments) == ["S1", "S2"]
    assert plan.method == "greedy-fallback"


def test_a_cover_node_left_few_lines_gives_way_to_a_cheaper_holder():
    """The cover takes X first (it covers two lines, cheaper than Y); Y, the only holder of
    the scarf, then also ships the boots, and X is left the shirt alone, which Z ships for
    less: the plan is Z and Y."""
    nodes = [
        store("X", handling_cost=5.0),
        store("Y", handling_cost=8.0),
        store("Z", handling_cost=1.0),
    ]
    rows = [("X", "SHIRT", 1), ("X", "BOOTS", 1), ("Y", "BOOTS", 1), ("Y", "SCARF", 1)]
    rows.append(("Z", "SHIRT", 1))
    net, stk = network(nodes), stock(*rows)
    ordr = order([("SHIRT", 1), ("BOOTS", 1), ("SCARF", 1)])
    with every_order_large():
        plan = route(net, ordr, stk)
    assert sorted(s.node for s in plan.shipments) == ["Y", "Z"]
    assert round(plan.score.total, 6) == round(route(net, ordr, stk).score.total, 6)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(open_rules=True))
def test_no_other_service_of_a_bounded_plans_node_ships_its_part_for_less(instance):
    network_, stock_, order_ = instance
    with every_order_large():
        problem = prepare(network_, order_, stock_, explain=False)
    if not problem.bounded:
        return
    search = Search(problem, large.bounded_policy(network_.policy), order_.allow_split)
    result = search.run_bounded(False, large.BOUNDED_TRIES)
    if search.steps >= search.max_steps:
        return  # the budget stopped the swaps
    best = result.best
    for j in best.key:
        for other, cand in enumerate(search.cands):
            if cand.node != search.node[j] or other in best.key:
                continue
            swapped = search.evaluate(tuple(sorted(other if i == j else i for i in best.key)))
            if swapped is not None:
                assert swapped.rank() >= best.rank()


def test_a_small_order_searches_each_lines_cheapest_holders():
    """Five dear stores hold both shirts, two cheap ones one each: the cover takes a dear one
    (it covers most) and its next nodes by cover are dear too; the line's cheapest holders
    join the search, which ships the shirts from the two cheap stores, as the exact path does."""
    nodes = [store(f"F{i}", handling_cost=20.0) for i in range(5)]
    nodes += [store("N1", handling_cost=1.0), store("N2", handling_cost=1.0), store("B")]
    rows = [(f"F{i}", "SHIRT", 2) for i in range(5)]
    rows += [("N1", "SHIRT", 1), ("N2", "SHIRT", 1), ("B", "BOOTS", 1)]
    net, stk = network(nodes), stock(*rows)
    ordr = order([("SHIRT", 2), ("BOOTS", 1)])
    exact = route(net, ordr, stk)
    with every_order_large():
        plan = route(net, ordr, stk)
    assert sorted(s.node for s in plan.shipments) == ["B", "N1", "N2"]
    assert plan.score == exact.score


def test_the_bounded_search_builds_the_cover_its_next_nodes_and_each_lines_cheapest():
    """Exactly these nodes are built: the cover (F0 for the shirts, B for the boots), the next
    EXTRA_NODES (4 here) by cover then floor and lateness (F1-F4: they hold both shirts), and
    per line its LINE_HOLDERS cheapest holders by floor and lateness (N1, N2; N3 is cheaper to
    hand over but ships days later, F5 is dearer and covers no more than F1-F4)."""
    nodes = [store(f"F{i}", handling_cost=20.0 + i) for i in range(6)]
    nodes += [store("N1", handling_cost=1.0), store("N2", handling_cost=1.5), store("B")]
    nodes.append(store("N3", handling_cost=0.5, handling_days=4))
    rows = [(f"F{i}", "SHIRT", 2) for i in range(6)]
    rows += [("N1", "SHIRT", 1), ("N2", "SHIRT", 1), ("N3", "SHIRT", 1), ("B", "BOOTS", 1)]
    net, stk = network(nodes), stock(*rows)
    ordr = order([("SHIRT", 2), ("BOOTS", 1)])
    with every_order_large(), patch.object(large, "EXTRA_NODES", 4):
        problem = prepare(net, ordr, stk, explain=False)
    assert problem.bounded
    built = {net.nodes[c.node].id for c in problem.candidates}
    assert built == {"F0", "F1", "F2", "F3", "F4", "B", "N1", "N2"}
    assert large.LINE_HOLDERS == 2


def test_the_bounded_search_never_builds_the_weight_bounds_ways():
    """The weight bound's ways (Search._weight_ways) serve the branch-and-bound alone: the
    bounded search runs, and plans the same, without them."""
    nodes = [store(f"S{i}", lat=53.5 + i / 100) for i in range(4)]
    rows = [("S0", "SHIRT", 1), ("S1", "SHIRT", 1), ("S1", "BOOTS", 1), ("S2", "SCARF", 1)]
    rows.append(("S3", "BOOTS", 1))
    net, stk = network(nodes), stock(*rows)
    ordr = order([("SHIRT", 1), ("BOOTS", 1), ("SCARF", 1)])
    with every_order_large(), patch.object(large, "SMALL_LINES", 0):  # no branch-and-bound
        expected = route(net, ordr, stk)
        with patch.object(Search, "_weight_ways", side_effect=AssertionError("ways built")):
            plan = route(net, ordr, stk)
    assert plan.method == "greedy-fallback"
    assert _same_decision(plan, expected)
