"""The sourcing rules the engine is compared with, on the same orders, stock and hard rules.

- ``home_warehouse_first``: Odoo's default - the order ships from one warehouse (the channel's
  home DC) with what it holds; the rest is backordered there.
- ``nearest_node``: each line from the nearest node holding it (then the next nearest).
- ``fewest_packages``: Shopify's default rules ("minimize split fulfillments", then "ship from
  the closest location") - one location that holds everything, the closest of those; else the
  fewest locations: the pair of least total distance, and beyond two locations a greedy cover
  (most units first, ties to the closest).
- ``greedy``: the policy's own objective, greedily - add the node with the lowest score per unit
  it covers until the order is covered.

All four respect the hard rules (eligible nodes, carriers and product classes come from the
MILP's lane table, see :func:`oms_engine.milp.order_data`), splitting only where the order
allows it and never beyond the policy's maximum packages (units beyond it stay unfulfilled).
Every one returns an engine :class:`~oms_engine.Plan`, scored with the policy's weights, so the
same checker and metrics apply to all.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date

from oms_engine import Explanation, Order, OrderLine, Plan, Score, Shipment, Stock, Unfulfilled
from oms_engine.milp import LaneCache, OrderData, order_data
from oms_engine.network import Network

Policy = Callable[[Network, Order, Stock, LaneCache], Plan]


# --------------------------------------------------------------------------- plan building


def build_plan(
    network: Network,
    data: OrderData,
    by_node: dict[int, dict[int, int]],
    short_reason: dict[int, str] | None = None,
) -> Plan:
    """An engine Plan for an assignment ``node index -> {line index: units}``.

    Per node the best carrier service that may carry all its lines is used (lines no single
    service carries go in a second shipment with the next service). Units not assigned are
    unfulfilled with ``short_reason[line]`` (default "insufficient_stock").
    """
    lanes_of: dict[int, set[int]] = {}
    for _li, k in data.carriable:
        lanes_of.setdefault(data.lanes[k].node_idx, set()).add(k)
    shipments: list[Shipment] = []
    shipped = [0] * len(data.lines)
    priority = 0
    for ni in sorted(by_node):
        content = {li: u for li, u in by_node[ni].items() if u > 0}
        while content:
            k = _cheapest_lane(network, data, sorted(lanes_of.get(ni, ())), content)
            if k is None:
                break
            lane = data.lanes[k]
            carried = {li: u for li, u in content.items() if (li, k) in data.carriable}
            for li in carried:
                del content[li]
            weight = sum(data.lines[li][2] * u for li, u in carried.items())
            packages = max(1, math.ceil(weight / lane.max_weight_kg - 1e-9))
            cost = lane.handling_cost + packages * lane.cost_per_package + lane.cost_per_kg * weight
            shipments.append(
                Shipment(
                    node=lane.node,
                    carrier_service=lane.service,
                    carrier=network.services[lane.service_idx].carrier,
                    lines=tuple(
                        OrderLine(data.lines[li][0], u) for li, u in sorted(carried.items())
                    ),
                    ship_date=date.fromordinal(lane.ship_day),
                    promised_date=date.fromordinal(lane.delivery_day),
                    packages=packages,
                    weight_kg=weight,
                    cost=cost,
                    distance_km=data.distance_km(lane),
                )
            )
            priority += lane.priority
            for li, u in carried.items():
                shipped[li] += u
    reasons = short_reason or {}
    unfulfilled = tuple(
        Unfulfilled(sku, qty - shipped[li], reasons.get(li, "insufficient_stock"))
        for li, (sku, qty, _w) in enumerate(data.lines)
        if qty > shipped[li]
    )
    return make_plan(network, data, tuple(shipments), unfulfilled, priority)


def make_plan(
    network: Network,
    data: OrderData,
    shipments: tuple[Shipment, ...],
    unfulfilled: tuple[Unfulfilled, ...],
    priority_steps: int,
    late_days: int | None = None,
) -> Plan:
    """Score shipments with the policy's weights into an engine Plan."""
    w = network.policy.weights
    packages = sum(s.packages for s in shipments)
    cost = sum(s.cost for s in shipments)
    distance = sum(s.distance_km for s in shipments)
    if late_days is None:
        late_days = 0
        if shipments and data.target_day is not None:
            latest = max(s.promised_date for s in shipments).toordinal()
            late_days = max(0, latest - data.target_day)
    units = sum(u.quantity for u in unfulfilled)
    parts = (
        w.packages * packages,
        w.cost * cost,
        w.lateness * late_days,
        w.distance * distance,
        w.priority * priority_steps,
        w.unfulfilled * units,
    )
    score = Score(
        round(sum(parts), 6),
        *(round(p, 6) for p in parts),
        package_count=packages,
        cost_amount=cost,
        late_days=late_days,
        distance_km=distance,
        unfulfilled_units=units,
    )
    status = "unfulfilled" if not shipments else ("partial" if unfulfilled else "complete")
    target = date.fromordinal(data.target_day) if data.target_day is not None else None
    return Plan(
        order_id=data.order.id,
        status=status,
        shipments=shipments,
        unfulfilled=unfulfilled,
        score=score,
        explanation=Explanation(target_date=target),
        method="exact",
        steps=0,
        promised_date=max((s.promised_date for s in shipments), default=None),
    )


def _cheapest_lane(network: Network, data: OrderData, lanes, content: dict[int, int]):
    """The carrier service for a node's content: the one carrying most of it, then the best
    by the policy's own weights (packages, cost, days late), then by id - the same carrier
    choice for every baseline, so they differ from the engine only in where they ship from."""
    w = network.policy.weights
    target = data.target_day
    best, best_key = None, None
    for k in lanes:
        carried = [li for li in content if (li, k) in data.carriable]
        if not carried:
            continue
        lane = data.lanes[k]
        weight = sum(data.lines[li][2] * content[li] for li in carried)
        packages = max(1, math.ceil(weight / lane.max_weight_kg - 1e-9))
        cost = packages * lane.cost_per_package + lane.cost_per_kg * weight
        late = max(0, lane.delivery_day - target) if target is not None else 0
        score = w.packages * packages + w.cost * cost + w.lateness * late
        key = (-len(carried), score, lane.service)
        if best_key is None or key < best_key:
            best, best_key = k, key
    return best


def _node_units(data: OrderData) -> dict[int, dict[int, int]]:
    """Node index -> {line index: units it may send} (stock and hard rules applied)."""
    out: dict[int, dict[int, int]] = {}
    for (li, k), units in data.carriable.items():
        row = out.setdefault(data.lanes[k].node_idx, {})
        row[li] = max(row.get(li, 0), units)
    return out


def _cap_packages(network: Network, by_node: dict[int, dict[int, int]]) -> dict[int, int]:
    """Keep the ``max_packages`` nodes sending the most units; the rest goes unfulfilled."""
    limit = network.policy.max_packages
    if limit is None or len(by_node) <= limit:
        return {}
    ranked = sorted(by_node, key=lambda ni: (-sum(by_node[ni].values()), ni))
    dropped: dict[int, int] = {}
    for ni in ranked[limit:]:
        for li in by_node.pop(ni):
            dropped[li] = 1
    return dict.fromkeys(dropped, "max_packages")


def _single_node(data: OrderData, units: dict[int, dict[int, int]], key) -> dict:
    """For orders that may not split: the node covering most units, ties by ``key``."""
    if not units:
        return {}
    quantities = [q for _s, q, _w in data.lines]

    def covered(ni):
        return sum(min(q, units[ni].get(li, 0)) for li, q in enumerate(quantities))

    ni = min(units, key=lambda n: (-covered(n), key(n), n))
    return {ni: {li: min(q, units[ni].get(li, 0)) for li, q in enumerate(quantities)}}


def _fill_in_order(data: OrderData, units: dict[int, dict[int, int]], ranking) -> dict:
    """Each line from the first node of ``ranking`` holding it, then the next."""
    out: dict[int, dict[int, int]] = {}
    for li, (_sku, qty, _w) in enumerate(data.lines):
        left = qty
        for ni in ranking:
            take = min(left, units.get(ni, {}).get(li, 0))
            if take > 0:
                out.setdefault(ni, {})[li] = take
                left -= take
            if not left:
                break
    return out


# --------------------------------------------------------------------------- the policies


def home_warehouse_first(home: str) -> Policy:
    """Odoo's default: one warehouse per order, the rest backordered there."""

    def policy(network: Network, order: Order, stock: Stock, cache: LaneCache) -> Plan:
        data = order_data(network, order, stock, cache=cache)
        units = _node_units(data)
        ni = network.node_index[home]
        row = units.get(ni, {})
        assignment = {ni: {li: min(q, row.get(li, 0)) for li, (_s, q, _w) in enumerate(data.lines)}}
        return build_plan(
            network, data, assignment, dict.fromkeys(range(len(data.lines)), "backordered")
        )

    return policy


def nearest_node(network: Network, order: Order, stock: Stock, cache: LaneCache) -> Plan:
    """Each line from the nearest node that holds it and may ship it."""
    data = order_data(network, order, stock, cache=cache)
    units = _node_units(data)
    dist = data.distances or ()

    def km(ni):
        return dist[ni] if dist else 0.0

    if order.allow_split:
        assignment = _fill_in_order(data, units, sorted(units, key=lambda n: (km(n), n)))
    else:
        assignment = _single_node(data, units, km)
    reasons = _cap_packages(network, assignment)
    return build_plan(network, data, assignment, reasons)


def fewest_packages(network: Network, order: Order, stock: Stock, cache: LaneCache) -> Plan:
    """Shopify's default rules: "minimize split fulfillments", then "ship from the closest
    location". One location with everything (the closest); else the fewest locations that
    together hold everything - pairs are searched exhaustively, ties to the least total
    distance; beyond two, the location adding the most units first, ties to the closest."""
    data = order_data(network, order, stock, cache=cache)
    units = _node_units(data)
    dist = data.distances or ()

    def km(ni):
        return dist[ni] if dist else 0.0

    if not order.allow_split:
        assignment = _single_node(data, units, km)
    else:
        assignment = _closest_pair(data, units, km) or _most_units_first(data, units, km)
    reasons = _cap_packages(network, assignment)
    return build_plan(network, data, assignment, reasons)


def _closest_pair(data: OrderData, units: dict[int, dict[int, int]], km) -> dict | None:
    """The two locations that together hold every unit, least total distance first (the
    closest, when one holds everything); None when no pair does."""
    need = [q for _s, q, _w in data.lines]
    ranked = sorted(units, key=lambda n: (km(n), n))
    for a in ranked:
        if all(units[a].get(li, 0) >= q for li, q in enumerate(need)):
            return {a: dict(enumerate(need))}
    best, best_key = None, None
    for x, a in enumerate(ranked):
        for b in ranked[x + 1 :]:
            if all(units[a].get(li, 0) + units[b].get(li, 0) >= q for li, q in enumerate(need)):
                key = (km(a) + km(b), a, b)
                if best_key is None or key < best_key:
                    best, best_key = (a, b), key
    if best is None:
        return None
    a, b = best
    # The closer location sends what it holds, the other the rest.
    first = {li: min(q, units[a].get(li, 0)) for li, q in enumerate(need)}
    second = {li: q - first[li] for li, q in enumerate(need)}
    return {
        ni: {li: u for li, u in part.items() if u}
        for ni, part in ((a, first), (b, second))
        if any(part.values())
    }


def _most_units_first(data: OrderData, units: dict[int, dict[int, int]], km) -> dict:
    """Greedy cover: the location adding the most units, ties to the closest, until covered."""
    need = [q for _s, q, _w in data.lines]
    assignment: dict[int, dict[int, int]] = {}
    while any(need) and units:

        def gain(ni, need=need):
            return sum(min(n, units[ni].get(li, 0)) for li, n in enumerate(need))

        ni = min(
            (n for n in units if n not in assignment),
            key=lambda n: (-gain(n), km(n), n),
            default=None,
        )
        if ni is None or gain(ni) == 0:
            break
        take = {li: min(n, units[ni].get(li, 0)) for li, n in enumerate(need)}
        assignment[ni] = {li: t for li, t in take.items() if t}
        need = [n - take[li] for li, n in enumerate(need)]
    return assignment


def greedy(network: Network, order: Order, stock: Stock, cache: LaneCache) -> Plan:
    """The policy's objective, greedily: add the node with the lowest score per unit covered."""
    data = order_data(network, order, stock, cache=cache)
    units = _node_units(data)
    w = network.policy.weights
    fixed: dict[int, tuple[float, int]] = {}
    for _li, k in data.carriable:
        lane = data.lanes[k]
        score = (
            w.packages
            + w.cost * (lane.handling_cost + lane.cost_per_package)
            + w.distance * data.distance_km(lane)
            + w.priority * lane.priority
        )
        old = fixed.get(lane.node_idx)
        if old is None or score < old[0]:
            fixed[lane.node_idx] = (score, lane.delivery_day)
    target = data.target_day or 0
    if not order.allow_split:
        assignment = _single_node(data, units, lambda n: fixed[n][0])
    else:
        need = [q for _s, q, _w in data.lines]
        assignment = {}
        latest = target
        while any(need):
            best, best_key = None, None
            for ni in units:
                if ni in assignment:
                    continue
                gain = sum(min(n, units[ni].get(li, 0)) for li, n in enumerate(need))
                if not gain:
                    continue
                score, day = fixed[ni]
                extra_late = max(0, day - latest)
                key = ((score + w.lateness * extra_late) / gain, ni)
                if best_key is None or key < best_key:
                    best, best_key = ni, key
            if best is None:
                break
            take = {li: min(n, units[best].get(li, 0)) for li, n in enumerate(need)}
            assignment[best] = {li: t for li, t in take.items() if t}
            need = [n - take[li] for li, n in enumerate(need)]
            latest = max(latest, fixed[best][1])
    reasons = _cap_packages(network, assignment)
    return build_plan(network, data, assignment, reasons)
