"""Exact MILP reference of per-order sourcing, solved with HiGHS (``highspy``).

Not on the per-order path (a solve costs milliseconds; the engine's search costs
microseconds): it is the yardstick the search is checked against, in tests and in the
benchmark, and the building block of batch re-optimisation (:mod:`oms_engine.batch`).

The formulation reads as data -> variables -> constraints -> objective -> solve:

- a *lane* is one (node, carrier service) pair that may ship this order: node enabled, not
  excluded, ships parcels (stores: ship-from-store), under its daily capacity; service of the
  order's level, covering the destination zone, collecting in the node's country;
- ``x[line, lane]`` integer units of a line sent on a lane; allowed only where the node holds the
  SKU and the lane may carry it (dangerous goods: certified node and accepting service; bulky:
  allowed node, accepting service, within the policy's bulky distance);
- ``use[lane]`` binary, ``packages[lane]`` integer (``max_weight_kg * packages >= weight``),
  ``late`` continuous (>= delivery day - target day of every used lane, >= 0),
  ``short[line]`` integer units left unfulfilled;
- constraints: every line's quantity is shipped or short; a node's stock of a SKU is shared by
  its lanes (a node may send two shipments with two services, e.g. freight and parcel); at
  most ``policy.max_packages`` packages; one lane when splitting is not allowed;
- objective: the policy's weights, exactly as :class:`oms_engine.model.Score` adds them up:
  per package, per currency unit (handling per shipment, carrier cost per package and per kg),
  per late day, per km per shipment, per priority step per shipment, per unit left out.

``highspy`` is imported lazily so the rest of the engine never needs it.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from oms_engine.model import Order, Stock
from oms_engine.network import Network

#: Relative and absolute MIP gaps for the reference solve: exact, up to HiGHS tolerances.
EXACT_GAP = 1e-9


# --------------------------------------------------------------------------- data


@dataclass(frozen=True, slots=True)
class Lane:
    """One way an order may ship: a node with a carrier service, and what it costs."""

    node: str
    node_idx: int
    service: str
    service_idx: int
    ship_day: int  # proleptic ordinal
    delivery_day: int
    handling_cost: float
    cost_per_package: float
    cost_per_kg: float
    max_weight_kg: float
    priority: int


@dataclass(frozen=True, slots=True)
class OrderData:
    """An order reduced to what the MILP needs: its lines, lanes and who may carry what."""

    order: Order
    lines: tuple[tuple[str, int, float], ...]  # (sku, quantity, unit weight kg)
    lanes: tuple[Lane, ...]
    # (line index, lane index) -> most units that lane may carry of that line
    carriable: Mapping[tuple[int, int], int]
    target_day: int | None
    distances: tuple[float, ...] | None  # per node index; None when the destination is unlocated

    def distance_km(self, lane: Lane) -> float:
        """Great-circle km from the lane's node to the destination (0 when unlocated)."""
        return self.distances[lane.node_idx] if self.distances is not None else 0.0


@dataclass(frozen=True, slots=True)
class MilpShipment:
    """A used lane in a MILP solution."""

    node: str
    service: str
    lines: tuple[tuple[str, int], ...]
    packages: int
    weight_kg: float
    cost: float
    distance_km: float
    ship_day: int
    delivery_day: int


@dataclass(frozen=True, slots=True)
class MilpScore:
    """The solution's score, recomputed from the integral solution with the policy's weights."""

    total: float
    package_count: int
    cost_amount: float
    late_days: int
    distance_km: float
    priority_steps: int
    unfulfilled_units: int


@dataclass(frozen=True, slots=True)
class MilpPlan:
    """The MILP optimum for one order (``status`` "optimal", "time_limit" with the best
    solution found, or "no_solution"), with the solver's own objective for comparison."""

    order_id: str
    status: str
    shipments: tuple[MilpShipment, ...]
    unfulfilled: tuple[tuple[str, int], ...]
    score: MilpScore | None
    objective: float | None
    target_date: date | None
    seconds: float


# --------------------------------------------------------------------------- lanes


LaneCache = dict  # (transit days, service level, local day, minute bucket) -> lanes, earliest


def order_data(
    network: Network,
    order: Order,
    stock: Stock,
    target_date: date | None = None,
    cache: LaneCache | None = None,
) -> OrderData:
    """Lanes and carriable quantities of a ship order under the network's hard constraints.

    ``target_date`` is the date lateness counts from; by default the order's promised date,
    else the earliest delivery day of any lane of a node the order does not exclude (stock
    aside). ``cache``: a dict the caller
    keeps per network to reuse lane tables across orders of the same zone and time bucket.
    """
    if order.delivery_mode != "ship":
        raise ValueError("the MILP reference covers ship orders only")
    dest = order.destination
    transit = network.transit_days(dest.country, dest.postal_code)
    lanes, by_node, earliest = _lane_table(network, order, transit, cache)
    distances = network.distances_km(dest)
    excluded = order.excluded_nodes
    lines = []
    carriable: dict[tuple[int, int], int] = {}
    node_index = network.node_index
    for li, line in enumerate(order.lines):
        product = network.products.get(line.sku)
        weight = product.weight_kg if product else 0.0
        lines.append((line.sku, line.quantity, weight))
        if product is None:
            continue
        for node_id, on_hand in stock.get(line.sku, {}).items():
            units = min(line.quantity, math.floor(on_hand + 1e-9))
            ni = node_index.get(node_id)
            if units <= 0 or ni is None or node_id in excluded:
                continue
            for k in by_node.get(ni, ()):
                if _lane_may_carry(network, lanes[k], product, distances):
                    carriable[(li, k)] = units
    target = target_date or order.promised_date
    # Default target: what any node eligible for the order could keep for this zone, level
    # and time, whatever its stock (the promise a checkout would have shown).
    if target is not None:
        target_day = target.toordinal()
    elif excluded:
        days = [lane.delivery_day for lane in lanes if lane.node not in excluded]
        target_day = min(days, default=None)
    else:
        target_day = earliest
    return OrderData(order, tuple(lines), lanes, carriable, target_day, distances)


def _lane_table(network: Network, order: Order, transit: tuple, cache: LaneCache | None):
    key = None
    if cache is not None and network.nodes:
        static = cache.get("static")
        if static is None:
            cutoffs = sorted(set(network.node_cutoff_minutes) | set(network.service_cutoff_minutes))
            static = cache["static"] = (cutoffs, len({n.timezone for n in network.nodes}) == 1)
        cutoffs, one_zone = static
        if one_zone:
            day, minute = network.local_moment(0, order.order_time)
            # Dates only change when the order's minute crosses a cutoff: bucket by that.
            bucket = sum(1 for c in cutoffs if minute > c)
            key = (transit, order.service_level, day, bucket)
            found = cache.get(key)
            if found is not None:
                return found
    policy_excluded = network.policy.excluded_nodes
    lanes: list[Lane] = []
    by_node: dict[int, list[int]] = {}
    for ni, node in enumerate(network.nodes):
        if not _node_may_ship(node, policy_excluded):
            continue
        day, minute = network.local_moment(ni, order.order_time)
        for si in network.services_by_level.get(order.service_level, ()):
            service = network.services[si]
            days = transit[si]
            if days is None:
                continue
            if service.origin_countries and node.country not in service.origin_countries:
                continue
            ship, deliver = network.ship_and_delivery(ni, si, day, minute, days)
            by_node.setdefault(ni, []).append(len(lanes))
            lanes.append(
                Lane(
                    node=node.id,
                    node_idx=ni,
                    service=service.id,
                    service_idx=si,
                    ship_day=ship,
                    delivery_day=deliver,
                    handling_cost=node.handling_cost,
                    cost_per_package=service.cost_per_package,
                    cost_per_kg=service.cost_per_kg,
                    max_weight_kg=service.max_weight_kg,
                    priority=node.priority,
                )
            )
    earliest = min((lane.delivery_day for lane in lanes), default=None)
    found = (tuple(lanes), {ni: tuple(ks) for ni, ks in by_node.items()}, earliest)
    if key is not None:
        if len(cache) > 100_000:
            cache.clear()
        cache[key] = found
    return found


def _node_may_ship(node, excluded) -> bool:
    if not node.enabled or node.id in excluded or not node.ships_parcels:
        return False
    if node.kind == "store" and not node.ship_from_store:
        return False
    return node.daily_capacity is None or node.current_load < node.daily_capacity


def _lane_may_carry(network: Network, lane: Lane, product, distances) -> bool:
    node = network.nodes[lane.node_idx]
    service = network.services[lane.service_idx]
    if product.dangerous_class is not None and (
        not node.dangerous_goods_certified
        or product.dangerous_class not in service.accepts_dangerous
    ):
        return False
    if product.bulky:
        if not node.bulky_allowed or not service.accepts_bulky:
            return False
        limit = network.policy.max_bulky_distance_km
        if limit is not None and (distances is None or distances[lane.node_idx] > limit):
            return False
    return True


# --------------------------------------------------------------------------- model


class ModelBuilder:
    """A MILP assembled row by row into arrays, then handed to HiGHS in one ``passModel``."""

    def __init__(self) -> None:
        self.cost: list[float] = []
        self.lower: list[float] = []
        self.upper: list[float] = []
        self.integer: list[bool] = []
        self.row_lower: list[float] = []
        self.row_upper: list[float] = []
        self.row_start: list[int] = [0]
        self.row_index: list[int] = []
        self.row_value: list[float] = []

    def var(self, cost: float, lower: float, upper: float, integer: bool) -> int:
        """Add a column; returns its index."""
        self.cost.append(cost)
        self.lower.append(lower)
        self.upper.append(upper)
        self.integer.append(integer)
        return len(self.cost) - 1

    def row(self, terms: Sequence[tuple[int, float]], lower: float, upper: float) -> None:
        """Add ``lower <= sum(coef * var) <= upper``."""
        for idx, coef in terms:
            self.row_index.append(idx)
            self.row_value.append(coef)
        self.row_start.append(len(self.row_index))
        self.row_lower.append(lower)
        self.row_upper.append(upper)

    def solve(
        self,
        time_limit: float,
        gap: float = EXACT_GAP,
        start: Sequence[float] | None = None,
        threads: int = 1,
        heuristic_effort: float | None = None,
        relax: bool = False,
        fixed: Mapping[int, float] | None = None,
    ) -> tuple[str, list[float] | None, float | None]:
        """Solve; returns (status, column values or None, objective or None).

        ``status`` is "optimal", "time_limit" (best solution found so far returned, if any),
        "infeasible" or another HiGHS model status in lower case. ``relax``: the LP relaxation
        (every column continuous). ``fixed``: column -> the value it is fixed at.
        """
        import highspy
        import numpy as np

        inf = highspy.kHighsInf
        lp = highspy.HighsLp()
        lp.num_col_ = len(self.cost)
        lp.num_row_ = len(self.row_lower)
        lower, upper = self.lower, self.upper
        if fixed:
            lower, upper = list(lower), list(upper)
            for col, value in fixed.items():
                lower[col] = upper[col] = value
        lp.col_cost_ = np.array(self.cost, dtype=np.float64)
        lp.col_lower_ = np.array(lower, dtype=np.float64)
        lp.col_upper_ = np.array([inf if u == math.inf else u for u in upper])
        lp.row_lower_ = np.array([-inf if v == -math.inf else v for v in self.row_lower])
        lp.row_upper_ = np.array([inf if v == math.inf else v for v in self.row_upper])
        lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
        lp.a_matrix_.start_ = np.array(self.row_start, dtype=np.int32)
        lp.a_matrix_.index_ = np.array(self.row_index, dtype=np.int32)
        lp.a_matrix_.value_ = np.array(self.row_value, dtype=np.float64)
        kint, kcont = highspy.HighsVarType.kInteger, highspy.HighsVarType.kContinuous
        lp.integrality_ = [kint if i and not relax else kcont for i in self.integer]
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("time_limit", float(time_limit))
        h.setOptionValue("mip_rel_gap", gap)
        h.setOptionValue("mip_abs_gap", gap)
        h.setOptionValue("threads", threads)
        h.setOptionValue("random_seed", 0)
        if heuristic_effort is not None:
            h.setOptionValue("mip_heuristic_effort", heuristic_effort)
        h.passModel(lp)
        if start is not None:
            solution = highspy.HighsSolution()
            solution.col_value = list(start)
            solution.value_valid = True
            h.setSolution(solution)
        h.run()
        status = h.getModelStatus()
        has_solution = h.getInfo().primal_solution_status == 2  # kSolutionStatusFeasible
        if status == highspy.HighsModelStatus.kOptimal:
            name = "optimal"
        elif status == highspy.HighsModelStatus.kTimeLimit:
            name = "time_limit"
        elif status == highspy.HighsModelStatus.kInfeasible:
            name = "infeasible"
        else:
            name = h.modelStatusToString(status).lower().replace(" ", "_")
        if not has_solution:
            return name, None, None
        return name, list(h.getSolution().col_value), h.getInfo().objective_function_value


@dataclass
class OrderBlock:
    """Column indices of one order inside a (possibly shared) model."""

    data: OrderData
    x: dict[tuple[int, int], int] = field(default_factory=dict)
    use: dict[int, int] = field(default_factory=dict)
    packages: dict[int, int] = field(default_factory=dict)
    short: dict[int, int] = field(default_factory=dict)
    late: int | None = None


def add_order(builder: ModelBuilder, network: Network, data: OrderData) -> OrderBlock:
    """Add one order's variables, its own constraints and its objective terms.

    Stock is *not* constrained here (beyond each line's carriable units): the caller adds one
    stock row per (SKU, node) over every order sharing it, see :func:`add_stock_rows`.
    """
    w = network.policy.weights
    order = data.order
    block = OrderBlock(data)
    used_lanes = sorted({k for (_li, k) in data.carriable})
    for k in used_lanes:
        lane = data.lanes[k]
        fixed = (
            w.cost * lane.handling_cost
            + w.distance * data.distance_km(lane)
            + w.priority * lane.priority
        )
        block.use[k] = builder.var(fixed, 0, 1, True)
        per_package = w.packages + w.cost * lane.cost_per_package
        block.packages[k] = builder.var(per_package, 0, math.inf, True)
    for (li, k), units in sorted(data.carriable.items()):
        weight = data.lines[li][2]
        lane = data.lanes[k]
        block.x[(li, k)] = builder.var(w.cost * lane.cost_per_kg * weight, 0, units, True)
    for li, (_sku, quantity, _weight) in enumerate(data.lines):
        block.short[li] = builder.var(w.unfulfilled, 0, quantity, True)
    # Every unit is shipped or short.
    for li, (_sku, quantity, _weight) in enumerate(data.lines):
        terms = [(block.x[(li, k)], 1.0) for k in used_lanes if (li, k) in block.x]
        terms.append((block.short[li], 1.0))
        builder.row(terms, quantity, quantity)
    for k in used_lanes:
        lane = data.lanes[k]
        xs = [(block.x[(li, kk)], li) for (li, kk) in block.x if kk == k]
        # Units ride only on a used lane.
        for col, li in xs:
            builder.row([(col, 1.0), (block.use[k], -float(data.carriable[(li, k)]))], -math.inf, 0)
        # Packages: a used lane sends at least one, and enough for the weight.
        builder.row([(block.packages[k], 1.0), (block.use[k], -1.0)], 0, math.inf)
        terms = [(block.packages[k], lane.max_weight_kg)]
        terms += [(col, -data.lines[li][2]) for col, li in xs]
        builder.row(terms, 0, math.inf)
        big = sum(
            math.ceil(data.carriable[(li, k)] * data.lines[li][2] / lane.max_weight_kg)
            for _c, li in xs
        )
        builder.row([(block.packages[k], 1.0), (block.use[k], -float(max(1, big)))], -math.inf, 0)
    if not order.allow_split and used_lanes:
        builder.row([(block.use[k], 1.0) for k in used_lanes], -math.inf, 1)
    max_packages = network.policy.max_packages
    if max_packages is not None and used_lanes:
        builder.row([(block.packages[k], 1.0) for k in used_lanes], -math.inf, max_packages)
    # Lateness: the last used lane's delivery day against the target.
    if data.target_day is not None:
        late_lanes = [k for k in used_lanes if data.lanes[k].delivery_day > data.target_day]
        if late_lanes:
            block.late = builder.var(w.lateness, 0, math.inf, False)
            for k in late_lanes:
                days = data.lanes[k].delivery_day - data.target_day
                builder.row([(block.late, 1.0), (block.use[k], -float(days))], 0, math.inf)
    return block


def add_stock_rows(builder: ModelBuilder, blocks: Sequence[OrderBlock], stock: Stock) -> None:
    """Never ship more than stock: one row per (SKU, node) whose columns' bounds could add up
    to more than its on-hand units (shared by several lines or orders, or bounded by a larger
    stock than ``stock``)."""
    users: dict[tuple[str, str], list[int]] = {}
    for block in blocks:
        for (li, k), col in block.x.items():
            sku = block.data.lines[li][0]
            users.setdefault((sku, block.data.lanes[k].node), []).append(col)
    for (sku, node), cols in sorted(users.items()):
        on_hand = math.floor(stock.get(sku, {}).get(node, 0) + 1e-9)
        if sum(builder.upper[c] for c in cols) > on_hand:
            builder.row([(c, 1.0) for c in cols], -math.inf, max(0, on_hand))


# --------------------------------------------------------------------------- solution


def read_plan(
    network: Network,
    block: OrderBlock,
    values: Sequence[float],
    status: str,
    objective: float | None,
    seconds: float,
) -> MilpPlan:
    """Turn column values into shipments, unfulfilled units and a recomputed score."""
    data = block.data
    w = network.policy.weights
    shipments = []
    for k in sorted(block.use, key=lambda k: (data.lanes[k].node, data.lanes[k].service)):
        if values[block.use[k]] < 0.5:
            continue
        lane = data.lanes[k]
        lines = []
        weight = 0.0
        for (li, kk), col in sorted(block.x.items()):
            units = round(values[col])
            if kk == k and units > 0:
                lines.append((data.lines[li][0], units))
                weight += units * data.lines[li][2]
        if not lines:
            continue  # a used lane without units is never optimal; ignore solver noise
        packages = max(1, math.ceil(weight / lane.max_weight_kg - 1e-9))
        cost = lane.handling_cost + packages * lane.cost_per_package + lane.cost_per_kg * weight
        shipments.append(
            MilpShipment(
                lane.node,
                lane.service,
                tuple(lines),
                packages,
                weight,
                cost,
                data.distance_km(lane),
                lane.ship_day,
                lane.delivery_day,
            )
        )
    shipped: dict[int, int] = {}
    for (li, _k), col in block.x.items():
        shipped[li] = shipped.get(li, 0) + round(values[col])
    unfulfilled = tuple(
        (sku, quantity - shipped.get(li, 0))
        for li, (sku, quantity, _w) in enumerate(data.lines)
        if quantity - shipped.get(li, 0) > 0
    )
    late = 0
    if data.target_day is not None and shipments:
        late = max(0, max(s.delivery_day for s in shipments) - data.target_day)
    priority = sum(network.nodes[network.node_index[s.node]].priority for s in shipments)
    score = score_of(
        w,
        packages=sum(s.packages for s in shipments),
        cost=sum(s.cost for s in shipments),
        late_days=late,
        distance=sum(s.distance_km for s in shipments),
        priority_steps=priority,
        unfulfilled=sum(q for _s, q in unfulfilled),
    )
    target = date.fromordinal(data.target_day) if data.target_day is not None else None
    return MilpPlan(
        data.order.id, status, tuple(shipments), unfulfilled, score, objective, target, seconds
    )


def score_of(
    weights,
    *,
    packages: int,
    cost: float,
    late_days: int,
    distance: float,
    priority_steps: int,
    unfulfilled: int,
) -> MilpScore:
    """The policy's weighted sum, as :class:`oms_engine.model.Score` defines it."""
    total = (
        weights.packages * packages
        + weights.cost * cost
        + weights.lateness * late_days
        + weights.distance * distance
        + weights.priority * priority_steps
        + weights.unfulfilled * unfulfilled
    )
    return MilpScore(
        round(total, 6), packages, cost, late_days, distance, priority_steps, unfulfilled
    )


def solve_order(
    network: Network,
    order: Order,
    stock: Stock,
    *,
    target_date: date | None = None,
    time_limit: float = 30.0,
) -> MilpPlan:
    """The exact optimum of one ship order's sourcing problem (the reference for ``route``).

    ``target_date`` overrides the date lateness counts from (pass the engine plan's
    ``explanation.target_date`` to compare like with like).
    """
    started = time.perf_counter()
    data = order_data(network, order, stock, target_date)
    builder = ModelBuilder()
    block = add_order(builder, network, data)
    add_stock_rows(builder, [block], stock)
    if not builder.cost:
        values: list[float] = []
        status, objective = "optimal", 0.0
    else:
        status, found, objective = builder.solve(time_limit)
        if found is None:
            return MilpPlan(
                order.id, status, (), (), None, None, None, time.perf_counter() - started
            )
        values = found
    return read_plan(network, block, values, status, objective, time.perf_counter() - started)
