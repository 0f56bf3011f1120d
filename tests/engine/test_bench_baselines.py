"""The benchmark's baselines do what the rules they stand for do (bench/baselines.py): the
engine's lead over them is only meaningful if they are faithful."""

from __future__ import annotations

import sys
from pathlib import Path

from engine_builders import dc, network, order, shipped, stock

from oms_engine import Product

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repo root holds bench/

from bench.baselines import fewest_packages, home_warehouse_first, nearest_node

SKUS = tuple(Product(f"P{i}", 0.5) for i in range(1, 7))
# The customer is in Hamburg: NEAR is in Hamburg, MID in Hanover, FAR in Munich.
NEAR = dc("NEAR", lat=53.55, lon=9.99, postal_code="20095")
MID = dc("MID", lat=52.37, lon=9.73, postal_code="30159")
FAR = dc("FAR", lat=48.14, lon=11.58, postal_code="80331")


def _lines(*skus):
    return [(sku, 1) for sku in skus]


def test_shopify_takes_the_fewest_locations_where_a_greedy_cover_takes_three():
    # NEAR holds 4 of the 6 SKUs, MID and FAR 3 each and together all 6. Adding the location
    # with the most units first (NEAR) leaves P3 and P6 in two more places: 3 parcels.
    # "Minimize split fulfillments" ships in 2.
    net = network([NEAR, MID, FAR], products=SKUS)
    rows = [("NEAR", s, 1) for s in ("P1", "P2", "P4", "P5")]
    rows += [("MID", s, 1) for s in ("P1", "P2", "P3")]
    rows += [("FAR", s, 1) for s in ("P4", "P5", "P6")]
    plan = fewest_packages(net, order(_lines("P1", "P2", "P3", "P4", "P5", "P6")), stock(*rows), {})
    assert sorted(s.node for s in plan.shipments) == ["FAR", "MID"]
    assert not plan.unfulfilled


def test_shopify_prefers_one_location_with_everything_the_closest_of_them():
    net = network([NEAR, MID, FAR], products=SKUS)
    rows = [(n, s, 2) for n in ("MID", "FAR") for s in ("P1", "P2")] + [("NEAR", "P1", 2)]
    plan = fewest_packages(net, order(_lines("P1", "P2")), stock(*rows), {})
    assert [s.node for s in plan.shipments] == ["MID"]


def test_nearest_node_sends_each_line_from_the_closest_holder():
    net = network([NEAR, MID, FAR], products=SKUS)
    rows = [("NEAR", "P1", 1), ("MID", "P1", 5), ("MID", "P2", 5), ("FAR", "P3", 5)]
    plan = nearest_node(net, order([("P1", 2), ("P2", 1), ("P3", 1)]), stock(*rows), {})
    # P1: one unit from NEAR, the second from the next closest (MID); P3 only in FAR.
    assert shipped(plan) == {
        ("NEAR", "P1"): 1,
        ("MID", "P1"): 1,
        ("MID", "P2"): 1,
        ("FAR", "P3"): 1,
    }


def test_home_warehouse_first_ships_only_from_home_and_backorders_the_rest():
    net = network([NEAR, MID, FAR], products=SKUS)
    rows = [("FAR", "P1", 5), ("FAR", "P2", 5), ("NEAR", "P2", 5)]
    plan = home_warehouse_first("FAR")(net, order(_lines("P1", "P2", "P3")), stock(*rows), {})
    assert [s.node for s in plan.shipments] == ["FAR"]
    assert [(u.sku, u.quantity, u.reason) for u in plan.unfulfilled] == [("P3", 1, "backordered")]
