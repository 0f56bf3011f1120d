"""The MILP reference on instances small enough to price by hand."""

from __future__ import annotations

from datetime import datetime, time, timezone

import pytest

pytest.importorskip("highspy")

from oms_engine import (
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
)
from oms_engine.milp import solve_order

# Monday 08:00 Berlin: before every cutoff, every lane ships today and delivers tomorrow.
MONDAY = datetime(2026, 11, 30, 7, 0, tzinfo=timezone.utc)
HERE = Destination("DE", "34117", 51.31, 9.48)
# Weights without distance and priority, so every figure below is a round sum.
WEIGHTS = Weights(packages=4.0, cost=1.0, lateness=8.0, distance=0.0, priority=0.0)


def _network(max_packages=None) -> Network:
    calendar = Calendar(country="DE")
    nodes = [
        Node(node_id, lat=51.3, lon=9.5, country="DE", timezone="Europe/Berlin",
             handling_cost=1.0, cutoff=time(16), calendar=calendar)
        for node_id in ("A", "B")
    ]  # fmt: skip
    parcel = CarrierService(
        "parcel",
        "dhl",
        zones=(Zone("DE", "", 1),),
        cost_per_package=5.0,
        cost_per_kg=0.0,
        max_weight_kg=31.5,
    )
    products = [Product("LIGHT", weight_kg=1.0), Product("HEAVY", weight_kg=12.0)]
    return Network(nodes, [parcel], products, Policy(weights=WEIGHTS, max_packages=max_packages))


def _order(lines, allow_split=True) -> Order:
    return Order(
        "O", tuple(OrderLine(s, q) for s, q in lines), HERE, MONDAY, allow_split=allow_split
    )


# One package from one node: 4 (package) + 1 (handling) + 5 (parcel) = 10.
ONE_PARCEL = 10.0


def test_one_node_holding_everything_ships_one_parcel():
    stock = {"LIGHT": {"A": 2, "B": 2}}
    plan = solve_order(_network(), _order([("LIGHT", 2)]), stock)
    assert plan.status == "optimal"
    assert len(plan.shipments) == 1
    assert plan.score.total == pytest.approx(ONE_PARCEL)


def test_weight_makes_packages():
    # 3 x 12 kg = 36 kg > 31.5 kg: two packages from one node, 4*2 + 1 + 5*2 = 19.
    stock = {"HEAVY": {"A": 3}}
    plan = solve_order(_network(), _order([("HEAVY", 3)]), stock)
    assert plan.shipments[0].packages == 2
    assert plan.score.total == pytest.approx(19.0)


def test_split_when_needed_and_allowed():
    stock = {"LIGHT": {"A": 1}, "HEAVY": {"B": 1}}
    plan = solve_order(_network(), _order([("LIGHT", 1), ("HEAVY", 1)]), stock)
    assert sorted(s.node for s in plan.shipments) == ["A", "B"]
    assert plan.score.total == pytest.approx(2 * ONE_PARCEL)


def test_no_split_leaves_the_cheaper_shortfall():
    # One shipment only: ship one line and leave the other (1,000 per unit) - either way the
    # same score, and never two shipments.
    stock = {"LIGHT": {"A": 1}, "HEAVY": {"B": 1}}
    plan = solve_order(_network(), _order([("LIGHT", 1), ("HEAVY", 1)], allow_split=False), stock)
    assert len(plan.shipments) == 1
    assert plan.score.unfulfilled_units == 1
    assert plan.score.total == pytest.approx(ONE_PARCEL + 1000.0)


def test_max_packages_caps_the_plan():
    # 5 x 12 kg = 60 kg needs 2 packages; with max 1 package only 2 units (24 kg) can go.
    stock = {"HEAVY": {"A": 5}}
    plan = solve_order(_network(max_packages=1), _order([("HEAVY", 5)]), stock)
    assert sum(s.packages for s in plan.shipments) == 1
    assert plan.unfulfilled == (("HEAVY", 3),)
    assert plan.score.total == pytest.approx(ONE_PARCEL + 3 * 1000.0)


def test_stock_is_a_hard_limit():
    stock = {"LIGHT": {"A": 1, "B": 1}}
    plan = solve_order(_network(), _order([("LIGHT", 3)]), stock)
    assert sum(q for s in plan.shipments for _sku, q in s.lines) == 2
    assert plan.unfulfilled == (("LIGHT", 1),)
