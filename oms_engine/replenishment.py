"""Transfer and purchase proposals that bring stock closer to the demand the OMS has seen.

Data -> targets -> transfers -> purchases::

    demand = demand_from_orders(network, last_weeks_orders)      # where each unit belonged
    plan = propose_replenishment(network, demand, stock, policy)   # transfers and purchases
    plan = measure_proposals(network, last_weeks_orders, stock, plan)   # what each one saves

- demand: units per (node, SKU) over ``policy.period_days``. :func:`demand_from_orders`
  attributes every ordered unit to the node that would have served its order best with stock
  everywhere (a pickup to its store): demand lands where the customers are, not where the
  stock happened to be, so orders shipped from far away, split or left short all count where
  they should have been served;
- targets: a node stocks a SKU it sells at least ``min_weekly_units`` a week of, up to its
  cover days of demand (DCs and stores have their own);
- transfers: each node short of its target takes units from the nearest source holding more
  than its own target (sources are the policy's ``source_kinds``: by default DCs, whose stock
  is not what a store's walk-in customers buy), biggest demand first; the lines of one lane
  (source -> destination) are one transfer;
- purchases: what transfers cannot cover, bought at the node (or, for a node that is not
  bought for, at the nearest one that is).

Every proposal says why in words; :func:`oms_engine.replenishment_replay.measure_proposals`
adds what it saves, measured by replaying past orders with and without it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from oms_engine.errors import InvalidInput
from oms_engine.model import Node, Order, Stock
from oms_engine.network import EARTH_RADIUS_KM, Network
from oms_engine.rounding import round6
from oms_engine.sourcing import route
from oms_engine.wording import Reason, check_count, check_number, plural

DemandKind = Literal["shipped", "pickup"]


@dataclass(frozen=True, slots=True)
class DemandSeen:
    """Units of a SKU that belonged at a node in the period (``kind``: shipped to customers,
    or collected there)."""

    node: str
    sku: str
    units: float
    kind: DemandKind = "shipped"


@dataclass(frozen=True, slots=True)
class ReplenishmentPolicy:
    """How deep nodes are stocked and what moving stock costs (in the network's currency).

    ``period_days``: the days the demand covers. A node stocks a SKU it saw at least
    ``min_weekly_units`` a week of, for ``dc_cover_days`` (DCs) or ``store_cover_days``
    (stores) of its demand ``d``, plus ``safety_z`` times its square root (demand counted in
    units varies about that much): ``ceil(d + safety_z * sqrt(d))``, and at least
    ``min_ranged`` units of a SKU it ranges (its reordering rule's minimum: an order that
    needs the node whole for its other lines finds the SKU there). Sources keep their own
    target. Transfers come from ``source_kinds`` nodes, cost ``transfer_fixed_cost`` each
    plus ``transfer_unit_cost`` a unit and ``transfer_cost_per_km`` a km; purchases are made
    for ``purchase_kinds`` nodes.
    """

    period_days: float = 28.0
    dc_cover_days: float = 14.0
    store_cover_days: float = 7.0
    min_weekly_units: float = 1.0
    safety_z: float = 1.0
    min_ranged: int = 2
    source_kinds: frozenset[str] = frozenset({"dc"})
    purchase_kinds: frozenset[str] = frozenset({"dc"})
    transfer_fixed_cost: float = 8.0
    transfer_unit_cost: float = 0.25
    transfer_cost_per_km: float = 0.01


@dataclass(frozen=True, slots=True)
class Saving:
    """What a proposal saves on the replayed orders (positive = better with it): orders
    whose plan changed, packages, shipping cost, late days, km, units left short, split
    orders, and the routing policy's score (its weighted packages, cost, lateness, distance,
    priority and units left short). ``net`` is the score saved less the proposal's own cost
    weighed as the policy weighs money: positive when it pays for itself in the policy's
    own terms."""

    orders_changed: int
    packages: int
    shipping_cost: float
    late_days: int
    distance_km: float
    units_short: int
    split_orders: int
    score: float
    net: float


@dataclass(frozen=True, slots=True)
class ProposalLine:
    """One SKU of a proposal: ``quantity`` units, and why in words."""

    sku: str
    quantity: int
    reason: Reason


@dataclass(frozen=True, slots=True)
class TransferProposal:
    """Move ``lines`` from ``from_node`` to ``to_node`` in one transfer, at an estimated
    ``cost``; ``reason`` says why, ``saving`` what it saved on the replay (``None`` until
    measured)."""

    from_node: str
    to_node: str
    lines: tuple[ProposalLine, ...]
    distance_km: float
    cost: float
    reason: Reason
    saving: Saving | None = None

    @property
    def units(self) -> int:
        """Units moved."""
        return sum(line.quantity for line in self.lines)


@dataclass(frozen=True, slots=True)
class PurchaseProposal:
    """Buy ``quantity`` of ``sku`` for ``node`` (``for_nodes``: the nodes it is meant for,
    the node itself included); ``saving`` as for a transfer."""

    node: str
    sku: str
    quantity: int
    for_nodes: tuple[str, ...]
    reason: Reason
    saving: Saving | None = None


@dataclass(frozen=True, slots=True)
class ReplenishmentPlan:
    """Transfers (by lane) and purchases (by node and SKU), sorted for a stable review."""

    transfers: tuple[TransferProposal, ...]
    purchases: tuple[PurchaseProposal, ...]
    summary: Reason


def check_replenishment_policy(policy: ReplenishmentPolicy) -> None:
    """Raise :class:`InvalidInput` naming the setting if ``policy`` cannot be applied."""
    check_number(policy.period_days, "period_days", 0.0, above=True)
    for name in (
        "dc_cover_days",
        "store_cover_days",
        "min_weekly_units",
        "safety_z",
        "transfer_fixed_cost",
        "transfer_unit_cost",
        "transfer_cost_per_km",
    ):
        check_number(getattr(policy, name), name)
    check_count(policy.min_ranged, "min_ranged")
    for name in ("source_kinds", "purchase_kinds"):
        for kind in getattr(policy, name):
            if kind not in ("dc", "store", "dropship"):
                raise InvalidInput(name, f"unknown node kind {kind!r}")


def demand_from_orders(
    network: Network, orders: Iterable[Order], ranged: Stock | None = None
) -> tuple[DemandSeen, ...]:
    """Every ordered unit attributed to the node that would have served its order best with
    plenty of stock: what :func:`oms_engine.route` chooses when every node holds everything
    (a pickup order: its store). With ``ranged`` - what each node is meant to range (its
    reordering rules), as a stock mapping with at least one unit per ranged SKU - a node
    holds plenty only of those: the assortment stays as planned and only depth moves; a SKU
    ranged nowhere is plentiful everywhere. Rows add up per (node, SKU, kind), sorted."""
    plenty = {node.id: 1e9 for node in network.nodes}
    totals: dict[tuple[str, str, str], float] = {}
    for order in orders:
        view = {line.sku: _plenty(line.sku, plenty, ranged) for line in order.lines}
        plan = route(network, order, view, explain=False)
        kind = "pickup" if order.delivery_mode == "pickup" else "shipped"
        for shipment in plan.shipments:
            node = shipment.to_node if shipment.kind == "transfer" else shipment.node
            for line in shipment.lines:
                key = (node, line.sku, kind)
                totals[key] = totals.get(key, 0) + line.quantity
    return tuple(DemandSeen(n, s, u, k) for (n, s, k), u in sorted(totals.items()))


def _plenty(sku: str, everywhere: dict[str, float], ranged: Stock | None) -> dict[str, float]:
    if ranged is None:
        return everywhere
    held = {node: 1e9 for node, units in (ranged.get(sku) or {}).items() if units >= 1}
    return held or everywhere


def km_between(a: Node, b: Node) -> float:
    """Great-circle km between two places with ``lat`` and ``lon`` (nodes, destinations)."""
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    h = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(b.lon - a.lon) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def _cover_days(policy: ReplenishmentPolicy, node: Node) -> float:
    return policy.store_cover_days if node.kind == "store" else policy.dc_cover_days


def propose_replenishment(
    network: Network,
    demand: Iterable[DemandSeen],
    stock: Stock,
    policy: ReplenishmentPolicy | None = None,
    ranged: Stock | None = None,
) -> ReplenishmentPlan:
    """Transfers and purchases that bring ``stock`` (sku -> node -> units) closer to
    ``demand``, each with its reason. Deterministic: needs are served biggest demand first,
    then by node id; sources nearest first, then by id.

    ``ranged``: what each node is meant to range (its reordering rules; at least one unit
    per ranged SKU). A node keeps ``min_ranged`` units of what it ranges and gives away what
    it holds but does not range (stock that landed at the wrong node). Without it, what a
    node holds counts as ranged, and it keeps ``min_ranged`` of it."""
    policy = policy or ReplenishmentPolicy()
    check_replenishment_policy(policy)
    nodes = {n.id: n for n in network.nodes if n.enabled and n.kind != "dropship"}
    rates: dict[str, dict[str, float]] = {}
    for i, row in enumerate(demand):
        check_number(row.units, f"demand[{i}].units")
        if row.node not in network.node_index:
            raise InvalidInput(f"demand[{i}].node", f"unknown node {row.node!r}")
        if row.node in nodes:
            per_node = rates.setdefault(row.sku, {})
            per_node[row.node] = per_node.get(row.node, 0.0) + row.units / policy.period_days
    moves: dict[tuple[str, str], list[ProposalLine]] = {}
    short: dict[tuple[str, str], int] = {}  # (node, sku) -> units no transfer covers
    skus = set(rates) if ranged is None else set(rates) | (set(ranged) & set(stock))
    for sku in sorted(skus):
        plan = _SkuPlan(sku, rates.get(sku, {}), stock.get(sku) or {}, nodes, policy)
        plan.ranged = None if ranged is None else (ranged.get(sku) or {})
        plan.run(moves, short)
    transfers = tuple(
        _transfer(nodes[src], nodes[dst], tuple(lines), policy)
        for (src, dst), lines in sorted(moves.items())
    )
    purchases = _purchases(short, nodes, rates, policy)
    moved = plural(sum(t.units for t in transfers), "unit")
    bought = plural(sum(p.quantity for p in purchases), "unit")
    text = (
        f"{plural(len(transfers), 'transfer')} moving {moved}, "
        f"{plural(len(purchases), 'purchase')} of {bought}."
    )
    return ReplenishmentPlan(transfers, purchases, Reason("replenishment_proposed", text, {}))


class _SkuPlan:
    """Targets, needs and excesses of one SKU, and the transfers that meet the needs."""

    __slots__ = ("nodes", "on_hand", "policy", "ranged", "rates", "sku")

    def __init__(self, sku, rates, on_hand, nodes, policy) -> None:
        self.sku, self.rates, self.on_hand, self.nodes, self.policy = (
            sku,
            rates,
            on_hand,
            nodes,
            policy,
        )
        self.ranged: Mapping[str, float] | None = None

    def target(self, node: Node) -> int:
        """Units ``node`` should hold: its demand over its cover days plus safety stock, at
        least ``min_ranged`` when it ranges the SKU."""
        policy, rate = self.policy, self.rates.get(node.id, 0.0)
        target = 0
        if rate * 7.0 >= policy.min_weekly_units - 1e-9:
            cover = rate * _cover_days(policy, node)
            target = math.ceil(cover + policy.safety_z * math.sqrt(cover) - 1e-9)
        if self.ranged is None:
            return target  # what it holds is kept below (min_ranged), but not topped up
        return max(target, policy.min_ranged) if self.ranged.get(node.id, 0) >= 1 else target

    def run(self, moves, short) -> None:
        """Append this SKU's transfers to ``moves`` and its uncovered needs to ``short``."""
        nodes, policy = self.nodes, self.policy
        targets, needs, excess = {}, [], {}
        for node_id in sorted(set(self.rates) | set(self.on_hand) | set(self.ranged or ())):
            node = nodes.get(node_id)
            if node is None:
                continue
            held = max(0, math.floor(self.on_hand.get(node_id, 0) + 1e-9))
            target = self.target(node)
            targets[node_id] = (target, held, self.rates.get(node_id, 0.0))
            if held < target:
                needs.append((-self.rates.get(node_id, 0.0), node_id, target - held))
            elif node.kind in policy.source_kinds:
                keep = (
                    target if self.ranged is not None else max(target, min(held, policy.min_ranged))
                )
                if held > keep:
                    excess[node_id] = held - keep
        for _neg_rate, node_id, need in sorted(needs):
            dest = nodes[node_id]
            sources = sorted((km_between(nodes[s], dest), s) for s in excess if excess[s] > 0)
            for _km, src in sources:
                if need <= 0:
                    break
                qty = min(need, excess[src])
                excess[src] -= qty
                need -= qty
                why = _line_reason(self.sku, qty, dest, nodes[src], targets, policy)
                moves.setdefault((src, node_id), []).append(ProposalLine(self.sku, qty, why))
            if need > 0:
                short[(node_id, self.sku)] = need


def _line_reason(sku, qty, dest: Node, src: Node, targets, policy) -> Reason:
    target, on_hand, rate = targets[dest.id]
    src_target, src_on_hand, _src_rate = targets[src.id]
    days = _cover_days(policy, dest)
    text = (
        f"{sku}: {dest.id} sells {rate * 7:.1f} a week and holds {on_hand}, short of the "
        f"{target} that cover {days:g} days; {src.id} holds {src_on_hand}, "
        f"{src_on_hand - src_target} more than its own {src_target}. Moves {qty}."
    )
    params = {
        "sku": sku,
        "to_node": dest.id,
        "from_node": src.id,
        "quantity": qty,
        "weekly_demand": round6(rate * 7),
        "on_hand": on_hand,
        "target": target,
        "source_on_hand": src_on_hand,
        "source_target": src_target,
    }
    return Reason("transfer_line", text, params)


def _transfer(src: Node, dst: Node, lines, policy) -> TransferProposal:
    km = round6(km_between(src, dst))
    units = sum(line.quantity for line in lines)
    cost = round6(
        policy.transfer_fixed_cost
        + policy.transfer_unit_cost * units
        + policy.transfer_cost_per_km * km
    )
    text = (
        f"Send {plural(units, 'unit')} of {plural(len(lines), 'product')} from {src.id} to "
        f"{dst.id} ({km:.0f} km): {dst.id} saw more demand for them than it holds, {src.id} holds "
        f"more than its own demand needs. Estimated transfer cost {cost:.2f}."
    )
    params = {"from_node": src.id, "to_node": dst.id, "units": units, "cost": cost, "km": km}
    return TransferProposal(src.id, dst.id, lines, km, cost, Reason("transfer", text, params))


def _purchases(short, nodes, rates, policy) -> tuple[PurchaseProposal, ...]:
    buyers = [n for n in nodes.values() if n.kind in policy.purchase_kinds]
    wanted: dict[tuple[str, str], tuple[int, list[str]]] = {}
    for (node_id, sku), qty in sorted(short.items()):
        node = nodes[node_id]
        buyer = node if node.kind in policy.purchase_kinds else None
        if buyer is None and buyers:
            buyer = min(buyers, key=lambda b: (km_between(b, node), b.id))
        if buyer is None:
            continue
        total, for_nodes = wanted.get((buyer.id, sku), (0, []))
        wanted[(buyer.id, sku)] = (total + qty, [*for_nodes, node_id])
    out = []
    for (buyer, sku), (qty, for_nodes) in sorted(wanted.items()):
        weekly = sum(rates.get(sku, {}).get(n, 0.0) for n in for_nodes) * 7
        meant = ", ".join(sorted(set(for_nodes)))
        text = (
            f"Buy {qty} x {sku} for {buyer}: {meant} sell{'s' if len(set(for_nodes)) == 1 else ''}"
            f" {weekly:.1f} a week and no other node holds units to spare."
        )
        params = {"node": buyer, "sku": sku, "quantity": qty, "weekly_demand": round6(weekly)}
        out.append(
            PurchaseProposal(
                buyer, sku, qty, tuple(sorted(set(for_nodes))), Reason("purchase", text, params)
            )
        )
    return tuple(out)


__all__ = [
    "DemandSeen",
    "ProposalLine",
    "PurchaseProposal",
    "ReplenishmentPlan",
    "ReplenishmentPolicy",
    "Saving",
    "TransferProposal",
    "check_replenishment_policy",
    "demand_from_orders",
    "km_between",
    "propose_replenishment",
]
