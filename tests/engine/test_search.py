"""The search: one shipment when it can, a split when it pays, greedy fallback when the budget
runs out, and the same plan for the same input."""

from __future__ import annotations

from datetime import time

from engine_builders import dc, network, order, parcel, shipped, stock, store

from oms_engine import Budget, route


def test_one_node_holding_everything_beats_a_split_of_nearer_nodes():
    net = network([dc("DC-BER"), store("ST-HAM"), store("ST-HH2")])
    rows = (
        ("DC-BER", "SHIRT", 5),
        ("DC-BER", "BOOTS", 5),
        ("ST-HAM", "SHIRT", 5),
        ("ST-HH2", "BOOTS", 5),
    )
    plan = route(net, order([("SHIRT", 1), ("BOOTS", 1)]), stock(*rows))
    assert [s.node for s in plan.shipments] == ["DC-BER"]
    assert plan.method == "exact"


def test_split_pays_when_the_only_complete_node_is_late():
    late = dc("DC-MUC", lat=48.137, lon=11.575, handling_days=2)
    net = network([dc("DC-BER"), store("ST-HAM"), late])
    rows = (
        ("DC-MUC", "SHIRT", 5),
        ("DC-MUC", "BOOTS", 5),
        ("DC-BER", "SHIRT", 5),
        ("ST-HAM", "BOOTS", 5),
    )
    plan = route(net, order([("SHIRT", 1), ("BOOTS", 1)]), stock(*rows))
    assert sorted(s.node for s in plan.shipments) == ["DC-BER", "ST-HAM"]
    runner = plan.explanation.runners_up[0]
    assert runner.nodes == ("DC-MUC",)
    assert runner.delta["lateness"] > 0 and runner.delta["packages"] < 0
    assert "lateness" in runner.reason


def test_a_line_is_split_across_nodes_when_no_node_has_the_quantity():
    net = network([dc("DC-A"), dc("DC-B")])
    plan = route(net, order([("SHIRT", 5)]), stock(("DC-A", "SHIRT", 3), ("DC-B", "SHIRT", 4)))
    assert sum(shipped(plan).values()) == 5
    assert len(plan.shipments) == 2


def test_cheaper_per_kg_carrier_takes_the_heavy_units():
    cheap_pkg = parcel("by-package", cost_per_package=3.0, cost_per_kg=1.0)
    cheap_kg = parcel("by-weight", cost_per_package=6.0, cost_per_kg=0.05)
    net = network([dc("DC-BER")], services=[cheap_pkg, cheap_kg])
    light = route(
        net, order([("SCARF", 1)]), stock(("DC-BER", "SCARF", 5), ("DC-BER", "BOOTS", 20))
    )
    assert [s.carrier_service for s in light.shipments] == ["by-package"]
    heavy = route(net, order([("BOOTS", 10)]), stock(("DC-BER", "BOOTS", 20)))
    assert [s.carrier_service for s in heavy.shipments] == ["by-weight"]


def test_equal_scores_break_ties_on_node_id():
    twins = [dc("DC-B"), dc("DC-A"), dc("DC-C")]
    rows = (("DC-C", "SHIRT", 1), ("DC-B", "SHIRT", 1), ("DC-A", "SHIRT", 1))
    plan = route(network(twins), order([("SHIRT", 1)]), stock(*rows))
    assert [s.node for s in plan.shipments] == ["DC-A"]
    assert plan.explanation.runners_up[0].reason == "equal score, lost the tie-break"


def test_node_priority_ranks_otherwise_equal_nodes():
    plan = route(
        network([dc("DC-A", priority=2), dc("DC-B")]),
        order([("SHIRT", 1)]),
        stock(("DC-A", "SHIRT", 1), ("DC-B", "SHIRT", 1)),
    )
    assert [s.node for s in plan.shipments] == ["DC-B"]


def _scattered():
    """Ten lines over twelve nodes, each node holding two or three of them: no node has it all."""
    nodes = [
        dc(f"DC-{i:02d}", lat=48 + i * 0.4, lon=8 + i * 0.5, cutoff=time(16)) for i in range(12)
    ]
    skus = ["SHIRT", "BOOTS", "SCARF"]
    rows = []
    lines = []
    for k in range(10):
        sku = skus[k % 3]
        lines.append((sku, 1 + k // 3))
    for i, node in enumerate(nodes):
        for sku in skus:
            if (i + len(sku)) % 3:
                rows.append((node.id, sku, 1 + (i % 4)))
    return nodes, rows, lines


def test_tiny_budget_falls_back_to_greedy_and_says_so():
    nodes, rows, lines = _scattered()
    exact = route(network(nodes), order(lines), stock(*rows))
    assert exact.method == "exact"
    tiny = route(network(nodes, budget=Budget(max_steps=3)), order(lines), stock(*rows))
    assert tiny.method == "greedy-fallback"
    assert tiny.steps == 3
    assert any("budget" in note for note in tiny.explanation.notes)
    assert tiny.score.total >= exact.score.total
    assert sum(shipped(tiny).values()) == sum(shipped(exact).values())


def test_same_input_same_plan():
    nodes, rows, lines = _scattered()
    plans = [route(network(nodes), order(lines), stock(*rows)) for _ in range(3)]
    assert plans[0] == plans[1] == plans[2]


def test_explain_off_gives_the_same_shipments():
    nodes, rows, lines = _scattered()
    net = network(nodes)
    full = route(net, order(lines), stock(*rows))
    lean = route(net, order(lines), stock(*rows), explain=False)
    assert lean.shipments == full.shipments and lean.score == full.score
    assert lean.explanation.runners_up == () and lean.explanation.excluded == ()


def test_scores_kept_per_network_are_the_scores_computed_afresh():
    """The score parts counted in whole things (packages, late days, priority, units out) are
    kept per Network: orders routed after others get the score a fresh Network gives them."""
    nodes = [dc("DC-BER"), store("ST-HAM", priority=2)]
    rows = (("DC-BER", "SHIRT", 5), ("ST-HAM", "BOOTS", 2), ("ST-HAM", "SHIRT", 1))
    orders = [
        order([("SHIRT", 1)]),
        order([("BOOTS", 1)]),  # a store's priority
        order([("BOOTS", 1)], when="2026-11-27 17:00"),  # later dates
        order([("SHIRT", 2), ("BOOTS", 1)]),  # a split
        order([("BOOTS", 9)]),  # units left out
        order([("SHIRT", 1)]),
    ]
    shared = network(nodes)
    for routed in orders:
        warm = route(shared, routed, stock(*rows), explain=False)
        fresh = route(network(nodes), routed, stock(*rows), explain=False)
        assert repr(warm.score) == repr(fresh.score)
    assert len(shared.score_counts) >= 3  # several kinds of plans, each kept once
