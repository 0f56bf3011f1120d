"""What a stock change saves, measured by replaying past orders with the routing engine.

:class:`Replay` routes the orders once, in order, each against the stock the orders before it
left (:func:`oms_engine.route`, then :func:`oms_engine.deplete`), and keeps each plan's
figures. :meth:`Replay.compare` then replays the same orders on the opening stock changed by a
proposal - only the orders it can affect: routing reads the stock of an order's own SKUs
only, so an order none of whose SKUs' stock differs gets the plan it got before. An order
whose plan changes takes different units of its other SKUs, whose stock then differs too;
their later orders are replayed in turn. The result is the full replay's, for the cost of
the orders the change reaches (the tests check it against full replays).

Node capacity is not replayed: the orders' ``excluded_nodes`` are kept as they were, and
``current_load`` is the network's.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from oms_engine.model import Order, Plan, Stock
from oms_engine.network import Network
from oms_engine.replenishment import ReplenishmentPlan, Saving
from oms_engine.rounding import round6
from oms_engine.sourcing import route

#: A change to the opening stock: sku -> node -> units added (negative: taken away).
StockChange = Mapping[str, Mapping[str, float]]
#: Takes between two kept snapshots of a SKU's baseline stock (see Replay.stock_before).
_SNAPSHOT_EVERY = 32


@dataclass(frozen=True, slots=True)
class Figures:
    """One order's plan in figures: what the replay adds up."""

    packages: int
    shipping_cost: float
    late_days: int
    distance_km: float
    units_short: int
    split: bool
    score: float
    taken: tuple[tuple[str, str, int], ...]  # (sku, node, units) the plan takes from stock


@dataclass(frozen=True, slots=True)
class ReplayTotals:
    """A replay's totals over its orders."""

    orders: int
    packages: int
    shipping_cost: float
    late_days: int
    distance_km: float
    units_short: int
    split_orders: int
    score: float


def figures(plan: Plan) -> Figures:
    """The figures of one plan."""
    taken: dict[tuple[str, str], int] = {}
    for shipment in plan.shipments:
        for line in shipment.lines:
            key = (line.sku, shipment.node)
            taken[key] = taken.get(key, 0) + line.quantity
    score = plan.score
    deliveries = [s for s in plan.shipments if s.kind != "pickup"]
    return Figures(
        packages=score.package_count,
        shipping_cost=score.cost_amount,
        late_days=score.late_days,
        distance_km=score.distance_km,
        units_short=score.unfulfilled_units,
        split=len({s.node for s in deliveries}) > 1,
        score=score.total,
        taken=tuple((sku, node, q) for (sku, node), q in sorted(taken.items())),
    )


def totals(rows: Iterable[Figures]) -> ReplayTotals:
    """Figures added up."""
    rows = list(rows)
    return ReplayTotals(
        orders=len(rows),
        packages=sum(r.packages for r in rows),
        shipping_cost=round6(sum(r.shipping_cost for r in rows)),
        late_days=sum(r.late_days for r in rows),
        distance_km=round6(sum(r.distance_km for r in rows)),
        units_short=sum(r.units_short for r in rows),
        split_orders=sum(r.split for r in rows),
        score=round6(sum(r.score for r in rows)),
    )


class Replay:
    """Past orders routed in order against a depleting copy of the opening stock, kept so
    that stock changes can be measured against it (:meth:`compare`)."""

    __slots__ = (
        "_by_sku",
        "_snapshots",
        "_take_orders",
        "_taken_by_sku",
        "baseline",
        "network",
        "opening",
        "orders",
    )

    def __init__(self, network: Network, orders: Sequence[Order], stock: Stock) -> None:
        self.network = network
        self.orders = tuple(orders)
        skus = {line.sku for order in self.orders for line in order.lines}
        #: the opening stock of the orders' SKUs (a private copy; the caller's is not changed)
        self.opening = {sku: dict(stock.get(sku) or {}) for sku in skus}
        working = {sku: dict(by_node) for sku, by_node in self.opening.items()}
        self._by_sku: dict[str, list[int]] = {}
        self._taken_by_sku: dict[str, list[tuple[int, str, int]]] = {}
        baseline = []
        for i, order in enumerate(self.orders):
            row = figures(route(network, order, working, explain=False))
            baseline.append(row)
            for sku in {line.sku for line in order.lines}:
                self._by_sku.setdefault(sku, []).append(i)
            for sku, node, qty in row.taken:
                working[sku][node] = working[sku].get(node, 0) - qty
                self._taken_by_sku.setdefault(sku, []).append((i, node, qty))
        #: each order's figures without any change
        self.baseline: tuple[Figures, ...] = tuple(baseline)
        # A popular SKU is taken thousands of times: its stock before an order is rebuilt
        # from the last snapshot kept before it, not from the opening stock.
        self._take_orders = {
            sku: [t[0] for t in takes] for sku, takes in self._taken_by_sku.items()
        }
        self._snapshots: dict[str, list[dict[str, float]]] = {}
        for sku, takes in self._taken_by_sku.items():
            level = dict(self.opening.get(sku) or {})
            kept = []
            for k, (_i, node, qty) in enumerate(takes):
                if k % _SNAPSHOT_EVERY == 0:
                    kept.append(dict(level))
                level[node] = level.get(node, 0) - qty
            self._snapshots[sku] = kept

    def stock_before(self, sku: str, index: int) -> dict[str, float]:
        """The baseline's stock of ``sku`` just before order ``index`` was routed."""
        takes = self._taken_by_sku.get(sku)
        if not takes:
            return dict(self.opening.get(sku) or {})
        done = bisect_left(self._take_orders[sku], index)  # takes of orders before ``index``
        # the last snapshot at or before ``done`` (one is kept at every multiple below len)
        first = min(done, len(takes) - 1) // _SNAPSHOT_EVERY * _SNAPSHOT_EVERY
        level = dict(self._snapshots[sku][first // _SNAPSHOT_EVERY])
        for _i, node, qty in takes[first:done]:
            level[node] = level.get(node, 0) - qty
        return level

    def compare(self, change: StockChange) -> dict[int, Figures]:
        """The orders whose plan differs when the opening stock is changed by ``change``,
        with their new figures (every other order's plan is the baseline's)."""
        touched: dict[str, dict[str, float]] = {}
        queue: list[int] = []
        queued: set[int] = set()

        def touch(sku: str, level: dict[str, float], after: int) -> None:
            touched[sku] = level
            for i in self._by_sku.get(sku, ()):
                if i > after and i not in queued:
                    queued.add(i)
                    heapq.heappush(queue, i)

        for sku, delta in sorted(change.items()):
            level = dict(self.opening.get(sku) or {})
            for node, units in delta.items():
                level[node] = level.get(node, 0) + units
            touch(sku, level, -1)
        changed: dict[int, Figures] = {}
        while queue:
            i = heapq.heappop(queue)
            order = self.orders[i]
            skus = {line.sku for line in order.lines}
            view = {
                sku: touched[sku] if sku in touched else self.stock_before(sku, i) for sku in skus
            }
            row = figures(route(self.network, order, view, explain=False))
            if row != self.baseline[i]:
                changed[i] = row
                for sku in sorted(skus - touched.keys()):
                    touch(sku, view[sku], i)
            for sku, node, qty in row.taken:
                level = touched.get(sku)
                if level is not None:
                    level[node] = level.get(node, 0) - qty
        return changed

    def saving(self, change: StockChange, own_cost: float = 0.0) -> Saving:
        """What ``change`` saves on these orders (positive = better with it); ``net`` is the
        policy score saved less ``own_cost`` (the transfer's or purchase's cost) weighed as
        the routing policy weighs money."""
        changed = self.compare(change)
        weight = self.network.policy.weights.cost
        before = totals(self.baseline[i] for i in changed)
        after = totals(changed.values())
        shipping = round6(before.shipping_cost - after.shipping_cost)
        return Saving(
            orders_changed=len(changed),
            packages=before.packages - after.packages,
            shipping_cost=shipping,
            late_days=before.late_days - after.late_days,
            distance_km=round6(before.distance_km - after.distance_km),
            units_short=before.units_short - after.units_short,
            split_orders=before.split_orders - after.split_orders,
            score=round6(before.score - after.score),
            net=round6(before.score - after.score - weight * own_cost),
        )

    def totals_with(self, change: StockChange) -> ReplayTotals:
        """The replay's totals with ``change`` applied to the opening stock."""
        changed = self.compare(change)
        return totals(changed.get(i, row) for i, row in enumerate(self.baseline))


def transfer_change(plan: ReplenishmentPlan, purchases: bool = False) -> dict:
    """The stock change of every transfer of ``plan`` (and its purchases, as if they had
    arrived, with ``purchases=True``)."""
    change: dict[str, dict[str, float]] = {}
    for transfer in plan.transfers:
        for line in transfer.lines:
            per_node = change.setdefault(line.sku, {})
            per_node[transfer.from_node] = per_node.get(transfer.from_node, 0) - line.quantity
            per_node[transfer.to_node] = per_node.get(transfer.to_node, 0) + line.quantity
    if purchases:
        for purchase in plan.purchases:
            per_node = change.setdefault(purchase.sku, {})
            per_node[purchase.node] = per_node.get(purchase.node, 0) + purchase.quantity
    return change


def measure_proposals(
    network: Network,
    orders: Sequence[Order],
    stock: Stock,
    plan: ReplenishmentPlan,
    *,
    purchases: bool = True,
) -> ReplenishmentPlan:
    """``plan`` with each proposal's :class:`Saving` filled in: the orders replayed on
    ``stock`` with that proposal alone applied, against the replay without it (a purchase
    as if it had arrived; ``purchases=False`` leaves them unmeasured, ``saving=None``).
    Proposals do not add up exactly (two transfers may serve the same orders):
    :meth:`Replay.totals_with` measures them together."""
    replay = Replay(network, orders, stock)
    transfers = tuple(
        replace(t, saving=replay.saving(transfer_change(_alone(t)), t.cost)) for t in plan.transfers
    )
    bought = plan.purchases
    if purchases:
        bought = tuple(
            replace(p, saving=replay.saving({p.sku: {p.node: p.quantity}})) for p in bought
        )
    return replace(plan, transfers=transfers, purchases=bought)


def _alone(transfer) -> ReplenishmentPlan:
    return ReplenishmentPlan((transfer,), (), None)


__all__ = [
    "Figures",
    "Replay",
    "ReplayTotals",
    "StockChange",
    "figures",
    "measure_proposals",
    "totals",
    "transfer_change",
]
