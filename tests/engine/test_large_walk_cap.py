"""The whole-order walk of an order that may take the bounded path gives up after
:data:`oms_engine.large.WALK_BUILDS` nodes built unless the best of them already beats every
split: on a 1,000-store network a walk that failed built hundreds of stores (5-10 ms) before
the order took the bounded path all the same. A walk whose best already beats every split
goes on and settles the order exactly."""

from __future__ import annotations

from unittest.mock import patch

from engine_builders import network, order, stock, store
from test_whole_walk_bound import _scanned, _whole_builds

from oms_engine import Weights, large

LINES = [("SHIRT", 1), ("SCARF", 1)]


def _alike_stores(lat: float, count: int = 6):
    """``count`` alike stores at one place (``lat``), each holding the whole order: none
    proves another cannot win, the walk builds them all."""
    nodes = [store(f"S{k}", lat=lat) for k in range(count)]
    rows = [(f"S{k}", sku, 3) for k in range(count) for sku, _ in LINES]
    # 0.05 a km: a store ~400 km away pays more for distance than a second shipment costs
    return network(nodes, weights=Weights(distance=0.05)), stock(*rows)


def _walk(net, stk, builds, *, may_be_large=True):
    """The plan and the nodes the walk built, with the cap at ``builds``."""
    holders = 0 if may_be_large else large.MAX_HOLDERS
    with (
        patch.object(large, "WALK_BUILDS", builds, create=True),
        patch.object(large, "MAX_HOLDERS", holders),
    ):
        return _whole_builds(net, order(LINES), stk)


def test_a_walk_that_cannot_settle_a_large_order_gives_up_at_the_cap_and_only_then():
    # stores ~400 km from the customer: no single proves it beats every split
    net, stk = _alike_stores(lat=57.2)
    plan, built = _walk(net, stk, builds=2)
    assert built == 2
    _, uncapped = _walk(net, stk, builds=100)
    assert uncapped == 6
    # giving up is the walk failing: the order is planned as without the walk
    with patch.object(large, "MAX_HOLDERS", 0):
        scanned = _scanned(net, order(LINES), stk)
    assert (plan.shipments, plan.score, plan.method) == (
        scanned.shipments,
        scanned.score,
        scanned.method,
    )

    # an order that cannot be large is walked without a cap
    _, built = _walk(net, stk, builds=2, may_be_large=False)
    assert built == 6
    # stores next to the customer: the first store built already beats every split, and
    # the alike stores beside it are built too (their bounds tie), as without a cap
    net, stk = _alike_stores(lat=53.551)
    plan, built = _walk(net, stk, builds=2)
    _, uncapped = _walk(net, stk, builds=100)
    assert built == uncapped == 6
    assert plan.method == "exact" and len(plan.shipments) == 1
