"""Batch re-optimisation: a window of not-yet-released orders competing for the same stock.

Routing one order at a time is greedy across orders: an early order may take the last units of
a node that a later order needed to ship in one parcel, and the later order splits. Before the
window is released to the warehouses, a MILP over its orders (the per-order formulation of
:mod:`oms_engine.milp`, with stock and daily capacity shared across orders) re-decides together
every order that could ship in fewer packages or fill more and the orders in its way, for the
least total score, which in practice means fewer shipments. Small independent groups are
solved exactly; a large one by an LP-guided dive over the whole group, then chunk by chunk
(docs/engine.md, "Batch re-optimisation of a release window"). :func:`classify_splits` tells
which splits a re-allocation inside the window could undo at all.

The one-by-one plans are the starting solution and the fallback: the solve has a time limit,
and unless it finds a strictly better total, the one-by-one plans stand. The result tells, per
order, which plan to release and, in total, what the batch saved.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Literal

from oms_engine.milp import (
    MilpPlan,
    ModelBuilder,
    OrderBlock,
    OrderData,
    add_order,
    add_stock_rows,
    order_data,
    read_plan,
)
from oms_engine.model import (
    Explanation,
    Order,
    OrderLine,
    Plan,
    Score,
    Shipment,
    Stock,
    Unfulfilled,
)
from oms_engine.network import Network

#: Reason of units the window's shared stock cannot cover (docs/engine.md lists reason codes).
REASON_SHORT_IN_WINDOW = "insufficient_stock"
_EPS = 1e-6
_READ_BACK_SECONDS = 0.1
#: HiGHS's share of effort on primal heuristics (default 0.05): a window has seconds, not
#: minutes, so finding better plans early matters more than proving optimality.
HEURISTIC_EFFORT = 0.3
#: Relative (and absolute) MIP gap per solve. A bundle of a few hundred orders scores in the
#: thousands, so 1% of it is several parcels' worth: at 1e-2 HiGHS stopped at "optimal"
#: with removable parcels left (bench window at order 80,000: 63 -> 63 extra shipments, at
#: 1e-4: 63 -> 60, of at most 4 removable). The models are small enough since only orders
#: that can gain, and those in their way, are in them.
BATCH_GAP = 1e-4
#: Orders re-decided together at most; larger groups are improved chunk by chunk.
CHUNK_ORDERS = 40
#: Passes over a large group's chunks at most (each after the previous one gained).
MAX_PASSES = 8
#: A large group is first solved whole by an LP-guided dive (see ``_Window.solve``).
DIVE = True
#: An LP value this close to an integer counts as one in the dive.
_INTEGRAL = 1e-6
#: Orders of small independent groups solved in one model.
BUNDLE_ORDERS = 200  # reserved for turning the solution into plans


@dataclass(frozen=True, slots=True)
class BatchOrder:
    """One order of the window: the plan to release and the one-by-one plan it replaces."""

    order_id: str
    plan: Plan
    one_by_one: Plan
    changed: bool


@dataclass(frozen=True, slots=True)
class BatchResult:
    """What the window's re-optimisation decided.

    ``status``: "improved" when the batch plans are released, "fallback" when the one-by-one
    plans stand (no strictly better solution within the time limit). Scores are sums of plan
    score totals; ``extra_shipments`` counts packages beyond one per order.
    """

    status: Literal["improved", "fallback"]
    solver_status: str
    orders: tuple[BatchOrder, ...]
    score_before: float
    score_after: float
    improvement: float
    packages_before: int
    packages_after: int
    extra_shipments_before: int
    extra_shipments_after: int
    seconds: float
    columns: int
    rows: int


def extra_shipments(plans: Sequence[Plan]) -> int:
    """Packages beyond one per order: what splitting (or overweight parcels) costs the window."""
    return sum(max(0, p.score.package_count - 1) for p in plans)


def route_one_by_one(network: Network, orders: Sequence[Order], stock: Stock) -> tuple[Plan, ...]:
    """The window decided greedily in arrival order, each order depleting a private copy of
    ``stock`` (which itself is left untouched)."""
    from oms_engine.sourcing import deplete, route

    left = {sku: dict(by_node) for sku, by_node in stock.items()}
    plans = []
    for order in orders:
        plan = route(network, order, left, explain=False)
        deplete(left, plan)
        plans.append(plan)
    return tuple(plans)


def reoptimise(
    network: Network,
    orders: Sequence[Order],
    stock: Stock,
    *,
    plans: Sequence[Plan] | None = None,
    time_limit: float = 2.0,
    max_nodes: int = 6,
    capacity_left: Mapping[str, int] | None = None,
    chunk_orders: int | None = None,
) -> BatchResult:
    """Re-decide a window of ship orders together against the stock they share.

    ``stock`` is the sellable stock before the window (read only). ``plans`` are the one-by-one
    plans of the same orders against that stock, in order (routed here when not given).
    ``time_limit``: wall seconds for the whole call, the one-by-one routing excluded.
    ``max_nodes`` keeps, per order, the nodes with the best stand-alone shipment score plus the
    nodes its one-by-one plan used and, for an order that could ship in fewer packages or fill
    more, the ``max_nodes`` that could send most of it and those holding what it lacked.
    ``capacity_left``: shipments each node may still take today (default: ``daily_capacity -
    current_load`` of capacity-limited nodes). ``chunk_orders``: orders of a large group
    re-decided together at most (default :data:`CHUNK_ORDERS`); a caller with more time than
    a release window has may raise it to solve a whole group as one model.
    """
    chunk = chunk_orders or CHUNK_ORDERS
    if plans is None:
        plans = route_one_by_one(network, orders, stock)
    started = time.perf_counter()
    plans = tuple(plans)
    if len(plans) != len(orders):
        raise ValueError("plans must match orders one to one")

    # Data: every order of the window may move, but only those that can gain or make room
    # are put in the model - orders with packages beyond one or units short ("gainers"), and
    # every order, earlier or later, holding units of a gainer's SKU at one of the gainer's
    # candidate nodes where what the one-by-one plans leave over would not cover the gainer.
    # Every other order keeps its plan; its stock and capacity are taken out of what the
    # window shares.
    cache: dict = {}
    deadline = started + time_limit - _READ_BACK_SECONDS
    candidates = _gainer_candidates(network, orders, plans, stock, max_nodes, cache, deadline)
    free = _free_orders(orders, plans, stock, candidates)
    # Only the free orders' SKUs matter to the model: copy those, net of the held plans.
    skus = {line.sku for i in free for line in orders[i].lines}
    stock_left = {sku: dict(stock.get(sku, {})) for sku in skus}
    capacity = dict(capacity_left if capacity_left is not None else _default_capacity(network))
    for i, plan in enumerate(plans):
        if i not in free:
            _hold(plan, stock_left, capacity)
    datas = {}
    for i in free:
        plan = plans[i]
        if time.perf_counter() > deadline:
            _hold(plan, stock_left, capacity)  # out of time: this order keeps its plan
            continue
        data = order_data(network, orders[i], stock_left, plan.explanation.target_date, cache)
        nodes = candidates[i][1] if i in candidates else frozenset()
        datas[i] = _keep_best_nodes(network, data, plan, max_nodes, nodes)

    # Orders that share no scarce stock (and no binding capacity) are independent problems.
    # Small groups are bundled and solved exactly. A large group is first solved whole by a
    # dive (its LP relaxation, then the MIP with the columns the LP set to integers fixed),
    # then improved in chunks of neighbouring orders, the rest of the group held at its
    # current plans (a large neighbourhood search). Every solve is accepted only if strictly
    # better, so the one-by-one plans stand wherever nothing better is found in time.
    window = _Window(network, datas, stock_left, capacity, plans, started)
    groups = _independent_groups(datas, stock_left, capacity)
    large = [group for group in groups if len(group) > chunk]

    def left() -> float:
        return time_limit - (time.perf_counter() - started) - _READ_BACK_SECONDS

    bundles = _bundles([group for group in groups if len(group) <= chunk])
    for n, parts in enumerate(bundles):
        # No item may starve the others: each gets at most twice its fair share of the rest.
        share = 2 * left() / (len(bundles) - n + len(large))
        window.solve([], parts, left(), max(0.05, share))
    if DIVE:
        for n, group in enumerate(large):
            # at most half of what is left: the chunk passes below may still find more
            share = left() / 2 / (len(large) - n)
            window.solve(group, [group], left(), max(0.05, share), dive=True)
    # A chunk is solved with the rest of its group held at its current plans. Once a pass has
    # changed some, what is held around each chunk has changed too: further passes while time
    # is left and the previous one gained, with the chunk borders moved by half a chunk each
    # time so that orders on either side of a border meet.
    ordered = [(group, _by_shared_stock(group, datas)) for group in large]
    gained = True
    for n_pass in range(MAX_PASSES):
        if not gained or left() <= 0:
            break
        offset = chunk // 2 if n_pass % 2 else 0
        items = [(group, [part]) for group, o in ordered for part in _chunks(o, chunk, offset)]
        gained = False
        for n, (group, parts) in enumerate(items):
            if left() <= 0:
                if n_pass == 0:
                    window.count("not_solved", len(items) - n)
                break  # the plans found so far stand
            gained |= window.solve(group, parts, left(), max(0.05, 2 * left() / (len(items) - n)))
    chosen, statuses = window.chosen, window.statuses
    changed = [c is not p for c, p in zip(chosen, plans, strict=True)]
    before = sum(p.score.total for p in plans)
    after = sum(p.score.total for p in chosen)
    solver_status = ", ".join(f"{k} x{v}" for k, v in sorted(statuses.items())) or "not_needed"
    status: Literal["improved", "fallback"] = "improved" if any(changed) else "fallback"
    return BatchResult(
        status=status,
        solver_status=solver_status,
        orders=tuple(
            BatchOrder(o.id, p, one, c)
            for o, p, one, c in zip(orders, chosen, plans, changed, strict=True)
        ),
        score_before=round(before, 6),
        score_after=round(after, 6),
        improvement=round(before - after, 6),
        packages_before=sum(p.score.package_count for p in plans),
        packages_after=sum(p.score.package_count for p in chosen),
        extra_shipments_before=extra_shipments(plans),
        extra_shipments_after=extra_shipments(chosen),
        seconds=time.perf_counter() - started,
        columns=window.columns,
        rows=window.rows,
    )


class _Window:
    """What the solves of one :func:`reoptimise` call share: the free orders' data, the stock
    and capacity they share, the plans chosen so far, the solver statuses and model sizes."""

    def __init__(self, network, datas, stock_left, capacity, plans, started) -> None:
        self.network = network
        self.datas = datas
        self.stock_left = stock_left
        self.capacity = capacity
        self.plans = plans  # the one-by-one plans
        self.chosen = list(plans)  # the plan to release, per order
        self.started = started
        self.statuses: dict[str, int] = {}
        self.columns = self.rows = 0

    def count(self, status: str, n: int = 1) -> None:
        self.statuses[status] = self.statuses.get(status, 0) + n

    def solve(self, group, parts, left, share, dive=False) -> bool:
        """Solve one work item - ``parts``, independent lists of orders, together, the rest of
        ``group`` held at its ``chosen`` plans - and keep, part by part, what scores strictly
        better. Returns whether any part was kept.

        ``dive``: instead of the MIP from the current plans, its LP relaxation first, then the
        MIP with every integer column the LP solution already set to an integer fixed there (a
        relaxation-induced neighbourhood, as HiGHS's RENS heuristic, without waiting for the
        root's cuts). On windows where orders compete for the same few SKUs the LP is nearly
        integral: the benchmark's launch window, most of its 2,000 orders in one model, had 285
        fractional columns of 16,368 (LP 0.34 s, the rest 0.07 s), and the dive's plans scored
        within 0.1% of the optimum the full MIP reached in 2.8 s."""
        if left <= 0:
            self.count("not_solved")
            return False
        network, datas, chosen = self.network, self.datas, self.chosen
        chunk = [i for part in parts for i in part]
        in_chunk = set(chunk)
        held = [chosen[i] for i in group if i not in in_chunk]
        stock_c, capacity_c = _net_of(self.stock_left, self.capacity, held, datas, chunk)
        builder = ModelBuilder()
        blocks = {i: add_order(builder, network, datas[i]) for i in chunk}
        add_stock_rows(builder, list(blocks.values()), stock_c)
        _add_capacity_rows(builder, list(blocks.values()), capacity_c)
        if dive:
            status, values = _dive(builder, min(left, share))
        else:
            start = _start_values(builder, list(blocks.values()), [chosen[i] for i in chunk])
            status, values, _objective = builder.solve(
                min(left, share), gap=BATCH_GAP, start=start, heuristic_effort=HEURISTIC_EFFORT
            )
        self.count(status)
        self.columns += len(builder.cost)
        self.rows += len(builder.row_lower)
        if values is None:
            return False
        elapsed = time.perf_counter() - self.started
        kept = False
        # Parts share no constraint: each is kept or dropped on its own.
        for part in parts:
            found = [read_plan(network, blocks[i], values, status, None, elapsed) for i in part]
            was = sum(chosen[i].score.total for i in part)
            now = sum(m.score.total for m in found)
            if now >= was - _EPS * max(1.0, abs(was)):
                continue
            kept = True
            for i, milp_plan in zip(part, found, strict=True):
                if _same_allocation(milp_plan, self.plans[i]):
                    chosen[i] = self.plans[i]
                else:
                    chosen[i] = to_plan(network, milp_plan, self.plans[i])
        return kept


def _dive(builder: ModelBuilder, seconds: float) -> tuple[str, list[float] | None]:
    """The LP relaxation, then the MIP with every integer column the LP set to an integer
    fixed there; (status, column values or None), within ``seconds`` for both."""
    deadline = time.perf_counter() + seconds
    status, values, _objective = builder.solve(seconds, relax=True)
    if status != "optimal":
        return f"dive {status}", None  # an LP cut short tells nothing
    integer = builder.integer
    fixed = {
        col: float(round(v))
        for col, v in enumerate(values)
        if integer[col] and abs(v - round(v)) <= _INTEGRAL
    }
    status, values, _objective = builder.solve(
        max(0.01, deadline - time.perf_counter()),
        gap=BATCH_GAP,
        fixed=fixed,
        heuristic_effort=HEURISTIC_EFFORT,
    )
    return f"dive {status}", values


# --------------------------------------------------------------------------- model parts


def _keep_best_nodes(
    network: Network, data, plan: Plan, max_nodes: int, also: frozenset[str] = frozenset()
):
    """Keep the lanes of the ``max_nodes`` most promising nodes (and the plan's own, and
    ``also``), and per node only its best lane overall and its best lane among those carrying
    the most lines."""
    w = network.policy.weights
    used = {(s.node, s.carrier_service) for s in plan.shipments}
    lines_of: dict[int, int] = {}
    for _li, k in data.carriable:
        lines_of[k] = lines_of.get(k, 0) + 1
    fixed: dict[int, float] = {}
    for k in lines_of:
        lane = data.lanes[k]
        late = 0 if data.target_day is None else max(0, lane.delivery_day - data.target_day)
        fixed[k] = (
            w.packages
            + w.cost * (lane.handling_cost + lane.cost_per_package)
            + w.distance * data.distance_km(lane)
            + w.priority * lane.priority
            + w.lateness * late
        )
    by_node: dict[str, list[int]] = {}
    for k in lines_of:
        by_node.setdefault(data.lanes[k].node, []).append(k)
    best = {node: min(fixed[k] for k in ks) for node, ks in by_node.items()}
    ranked = sorted(best, key=lambda node: (best[node], node))
    nodes = set(ranked[:max_nodes]) | {node for node, _service in used} | also
    keep: set[int] = set()
    for node in nodes:
        ks = by_node.get(node, [])
        if not ks:
            continue
        keep.add(min(ks, key=lambda k: (fixed[k], k)))
        widest = max(lines_of[k] for k in ks)
        keep.add(min((k for k in ks if lines_of[k] == widest), key=lambda k: (fixed[k], k)))
        keep.update(k for k in ks if (node, data.lanes[k].service) in used)
    carriable = {key: units for key, units in data.carriable.items() if key[1] in keep}
    return replace(data, carriable=carriable)


def _hold(plan: Plan, stock: dict[str, dict[str, float]], capacity: dict[str, int]) -> None:
    """Take what a plan that stays as it is ships out of the shared stock and capacity."""
    for shipment in plan.shipments:
        if shipment.node in capacity:
            capacity[shipment.node] -= 1
        for line in shipment.lines:
            per_node = stock.get(line.sku)
            if per_node is not None:
                per_node[shipment.node] = per_node.get(shipment.node, 0) - line.quantity


def _default_capacity(network: Network) -> dict[str, int]:
    return {
        n.id: max(0, n.daily_capacity - n.current_load)
        for n in network.nodes
        if n.daily_capacity is not None
    }


def _add_capacity_rows(
    builder: ModelBuilder, blocks: Sequence[OrderBlock], capacity: Mapping[str, int]
) -> None:
    users: dict[str, list[int]] = {}
    for block in blocks:
        for k, col in block.use.items():
            node = block.data.lanes[k].node
            if node in capacity:
                users.setdefault(node, []).append(col)
    for node, cols in sorted(users.items()):
        if len(cols) > capacity[node]:
            builder.row([(c, 1.0) for c in cols], -math.inf, max(0, capacity[node]))


def _independent_groups(
    datas: Mapping[int, OrderData], stock: Stock, capacity: Mapping[str, int]
) -> list[list[int]]:
    """Orders linked by a shared (SKU, node) stock or a node whose capacity could bind, as
    connected groups (union-find), smallest first."""
    parent = {i: i for i in datas}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    # A (SKU, node) couples orders only when their wishes could exceed its stock.
    wanted: dict[tuple[str, str], int] = {}
    for data in datas.values():
        seen = set()
        for (li, k), units in data.carriable.items():
            key = (data.lines[li][0], data.lanes[k].node)
            if (li, key) not in seen:
                seen.add((li, key))
                wanted[key] = wanted.get(key, 0) + units
    first_user: dict[tuple, int] = {}
    node_users: dict[str, set[int]] = {}
    for i, data in datas.items():
        for li, k in data.carriable:
            node = data.lanes[k].node
            key = (data.lines[li][0], node)
            if node in capacity:
                node_users.setdefault(node, set()).add(i)
            if wanted[key] <= math.floor(stock.get(key[0], {}).get(node, 0) + 1e-9):
                continue
            other = first_user.setdefault(key, i)
            if other != i:
                parent[find(i)] = find(other)
    for node, users in node_users.items():
        if len(users) > capacity[node]:
            members = sorted(users)
            for i in members[1:]:
                parent[find(i)] = find(members[0])
    groups: dict[int, list[int]] = {}
    for i in sorted(datas):
        groups.setdefault(find(i), []).append(i)
    return sorted(groups.values(), key=lambda g: (len(g), g[0]))


def _bundles(groups: list[list[int]]) -> list[list[list[int]]]:
    """Small groups bundled into models of up to :data:`BUNDLE_ORDERS` orders (HiGHS costs
    milliseconds per call); each bundle is a list of independent parts."""
    bundles: list[list[list[int]]] = []
    bundle: list[list[int]] = []
    size = 0
    for group in groups:
        if bundle and size + len(group) > BUNDLE_ORDERS:
            bundles.append(bundle)
            bundle, size = [], 0
        bundle.append(group)
        size += len(group)
    if bundle:
        bundles.append(bundle)
    return bundles


def _by_shared_stock(group: list[int], datas: Mapping[int, OrderData]) -> list[int]:
    """The group's orders breadth-first over shared (SKU, node) pairs, so that orders
    competing for the same units sit next to each other (and land in the same chunk)."""
    users: dict[tuple[str, str], list[int]] = {}
    for i in group:
        data = datas[i]
        for li, k in data.carriable:
            users.setdefault((data.lines[li][0], data.lanes[k].node), []).append(i)
    keys_of: dict[int, set] = {i: set() for i in group}
    for key, members in users.items():
        for i in members:
            keys_of[i].add(key)
    seen: set[int] = set()
    ordered: list[int] = []
    for root in group:
        if root in seen:
            continue
        seen.add(root)
        queue = [root]
        while queue:
            i = queue.pop(0)
            ordered.append(i)
            for key in sorted(keys_of[i]):
                for j in users[key]:
                    if j not in seen:
                        seen.add(j)
                        queue.append(j)
    return ordered


def _chunks(ordered: list[int], size: int, offset: int = 0) -> list[list[int]]:
    """``ordered`` (:func:`_by_shared_stock`) cut into chunks of ``size`` orders; ``offset``:
    the first chunk is that many orders long, moving every border."""
    borders = [0, *range(offset or size, len(ordered), size), len(ordered)]
    return [sorted(ordered[a:b]) for a, b in itertools.pairwise(borders) if a < b]


def _net_of(
    stock: Stock,
    capacity: Mapping[str, int],
    held: Sequence[Plan],
    datas: Mapping[int, OrderData],
    chunk: Sequence[int],
) -> tuple[dict[str, dict[str, float]], dict[str, int]]:
    """Stock of the chunk's SKUs and capacity, net of what the held plans ship."""
    skus = {sku for i in chunk for sku, _q, _w in datas[i].lines}
    left = {sku: dict(stock.get(sku, {})) for sku in skus}
    cap = dict(capacity)
    for plan in held:
        for shipment in plan.shipments:
            if shipment.node in cap:
                cap[shipment.node] -= 1
            for line in shipment.lines:
                if line.sku in left:
                    per_node = left[line.sku]
                    per_node[shipment.node] = per_node.get(shipment.node, 0) - line.quantity
    return left, cap


def _node_cover(data: OrderData) -> dict[str, int]:
    """Node -> units of the order it could send on its own (stock and hard rules applied)."""
    best: dict[tuple[str, int], int] = {}
    for (li, k), units in data.carriable.items():
        key = (data.lanes[k].node, li)
        best[key] = max(best.get(key, 0), units)
    cover: dict[str, int] = {}
    for (node, _li), units in best.items():
        cover[node] = cover.get(node, 0) + units
    return cover


def _gainer_candidates(
    network: Network,
    orders: Sequence[Order],
    plans: Sequence[Plan],
    stock: Stock,
    max_nodes: int,
    cache: dict,
    deadline: float = math.inf,
) -> dict[int, tuple[frozenset[str], frozenset[str]]]:
    """Orders that could ship in fewer packages or fill more: index -> (their SKUs, the nodes
    worth offering them). Those nodes are the ``max_nodes`` that could send most of the order
    from the window's opening stock, on top of the best-scored nodes every order keeps. Past
    ``deadline`` (perf_counter seconds) the orders not looked at yet are left out."""
    out = {}
    for i, (order, plan) in enumerate(zip(orders, plans, strict=True)):
        if plan.score.package_count <= 1 and not plan.unfulfilled:
            continue
        if time.perf_counter() > deadline:
            break
        data = order_data(network, order, stock, plan.explanation.target_date, cache)
        cover = _node_cover(data)
        short = {u.sku for u in plan.unfulfilled}
        biggest = max((sum(x.quantity for x in s.lines) for s in plan.shipments), default=0)
        # A node helps if it could send more of the order than the plan's largest shipment
        # (fewer packages), or any unit of a SKU left short (more filled).
        holds_short = {data.lanes[k].node for li, k in data.carriable if data.lines[li][0] in short}
        helpful = {node for node, units in cover.items() if units > biggest} | holds_short
        if not helpful:
            continue
        # The nodes sending most of the order, and those that could fill what it lacked.
        ranked = sorted(helpful, key=lambda node: (-cover[node], node))[:max_nodes]
        ranked += sorted(holds_short, key=lambda node: (-cover[node], node))[:max_nodes]
        skus = frozenset(line.sku for line in order.lines)
        out[i] = (skus, frozenset(ranked) | {s.node for s in plan.shipments})
    return out


def _free_orders(
    orders: Sequence[Order],
    plans: Sequence[Plan],
    stock: Stock,
    candidates: Mapping[int, tuple[frozenset[str], frozenset[str]]],
) -> list[int]:
    """Indices of the orders to re-decide: the gainers, and every order of the window that
    ships a gainer's SKU from one of the gainer's candidate nodes where what the one-by-one
    plans leave over would not cover the gainer's quantity (it may have to make room, whether
    it came before or after the gainer)."""
    used: dict[tuple[str, str], int] = {}
    for plan in plans:
        for s in plan.shipments:
            for line in s.lines:
                used[(line.sku, s.node)] = used.get((line.sku, s.node), 0) + line.quantity
    contested = set()
    for i, (skus, nodes) in candidates.items():
        for line in orders[i].lines:
            if line.sku not in skus:
                continue
            for node in nodes:
                spare = stock.get(line.sku, {}).get(node, 0) - used.get((line.sku, node), 0)
                if spare < line.quantity:
                    contested.add((line.sku, node))
    free = set(candidates)
    for i, plan in enumerate(plans):
        if i in free:
            continue
        if any((line.sku, s.node) in contested for s in plan.shipments for line in s.lines):
            free.add(i)
    return sorted(free)


def _holders(needed: Mapping[str, int], stock: Stock, used: Mapping[tuple, int]) -> set[str]:
    """Nodes holding every needed quantity, net of what ``used`` took already."""
    holders: set[str] | None = None
    for sku, qty in needed.items():
        at = {n for n, q in stock.get(sku, {}).items() if q - used.get((sku, n), 0) >= qty}
        holders = at if holders is None else holders & at
        if not holders:
            return set()
    return holders or set()


def _start_values(
    builder: ModelBuilder, blocks: Sequence[OrderBlock], plans: Sequence[Plan]
) -> list[float]:
    """Column values of the one-by-one plans (lanes they used that the model lacks are left
    at zero: HiGHS then simply does not accept the start)."""
    values = [0.0] * len(builder.cost)
    for block, plan in zip(blocks, plans, strict=True):
        data = block.data
        lane_of = {(data.lanes[k].node, data.lanes[k].service): k for k in block.use}
        shipped = [0] * len(data.lines)
        latest = None
        for shipment in plan.shipments:
            k = lane_of.get((shipment.node, shipment.carrier_service))
            if k is None:
                continue
            values[block.use[k]] = 1.0
            values[block.packages[k]] = float(shipment.packages)
            latest = max(latest or 0, data.lanes[k].delivery_day)
            wanted = {}
            for line in shipment.lines:
                wanted[line.sku] = wanted.get(line.sku, 0) + line.quantity
            for li, (sku, quantity, _w) in enumerate(data.lines):
                col = block.x.get((li, k))
                units = min(wanted.get(sku, 0), quantity - shipped[li])
                if col is None or units <= 0:
                    continue
                values[col] = float(units)
                shipped[li] += units
                wanted[sku] -= units
        for li, (_sku, quantity, _w) in enumerate(data.lines):
            values[block.short[li]] = float(quantity - shipped[li])
        if block.late is not None and latest is not None:
            values[block.late] = float(max(0, latest - data.target_day))
    return values


# --------------------------------------------------------------------------- plans


def _allocation(shipments) -> set[tuple[str, str, str, int]]:
    out = set()
    for s in shipments:
        service = s.service if hasattr(s, "service") else s.carrier_service
        for line in s.lines:
            sku, qty = (line.sku, line.quantity) if isinstance(line, OrderLine) else line
            out.add((s.node, service, sku, qty))
    return out


def _same_allocation(milp_plan: MilpPlan, plan: Plan) -> bool:
    return _allocation(milp_plan.shipments) == _allocation(plan.shipments)


def to_plan(network: Network, milp_plan: MilpPlan, one_by_one: Plan) -> Plan:
    """An engine :class:`Plan` for a batch decision, keeping the one-by-one plan's target date
    and its reasons for units still short."""
    w = network.policy.weights
    shipments = []
    for s in milp_plan.shipments:
        carrier = next(x.carrier for x in network.services if x.id == s.service)
        shipments.append(
            Shipment(
                node=s.node,
                carrier_service=s.service,
                carrier=carrier,
                lines=tuple(OrderLine(sku, qty) for sku, qty in s.lines),
                ship_date=date.fromordinal(s.ship_day),
                promised_date=date.fromordinal(s.delivery_day),
                packages=s.packages,
                weight_kg=round(s.weight_kg, 6),
                cost=round(s.cost, 6),
                distance_km=round(s.distance_km, 3),
            )
        )
    reasons = {u.sku: u.reason for u in one_by_one.unfulfilled}
    unfulfilled = tuple(
        Unfulfilled(sku, qty, reasons.get(sku, REASON_SHORT_IN_WINDOW))
        for sku, qty in milp_plan.unfulfilled
    )
    sc = milp_plan.score
    score = Score(
        total=sc.total,
        packages=round(w.packages * sc.package_count, 6),
        cost=round(w.cost * sc.cost_amount, 6),
        lateness=round(w.lateness * sc.late_days, 6),
        distance=round(w.distance * sc.distance_km, 6),
        priority=round(w.priority * sc.priority_steps, 6),
        unfulfilled=round(w.unfulfilled * sc.unfulfilled_units, 6),
        package_count=sc.package_count,
        cost_amount=round(sc.cost_amount, 6),
        late_days=sc.late_days,
        distance_km=round(sc.distance_km, 3),
        unfulfilled_units=sc.unfulfilled_units,
    )
    if not shipments:
        status = "unfulfilled"
    elif unfulfilled:
        status = "partial"
    else:
        status = "complete"
    promised = max((s.promised_date for s in shipments), default=None)
    explanation = Explanation(
        target_date=one_by_one.explanation.target_date,
        notes=(
            "re-optimised with the other orders of its release window "
            f"(batch MILP, one-by-one score {one_by_one.score.total:.2f})",
        ),
    )
    return Plan(
        order_id=milp_plan.order_id,
        status=status,
        shipments=tuple(shipments),
        unfulfilled=unfulfilled,
        score=score,
        explanation=explanation,
        method="exact",
        steps=0,
        promised_date=promised,
    )


# --------------------------------------------------------------------------- diagnosis


@dataclass(frozen=True, slots=True)
class SplitClasses:
    """Why the window's one-by-one plans split, and how much a re-allocation could undo.

    ``competition``: split orders some single node could have sent whole from the window's
    opening stock (hard rules applied) but no longer at their turn - earlier orders of the
    window took the units. ``choice``: a node could still send it whole at its turn, and
    splitting scored better (e.g. on time). ``forced``: no node could send it whole even at the
    window's opening - the split was decided by where the stock sat before the window.
    ``removable_at_most``: packages beyond the fewest nodes that could together send what each
    split order shipped, from the opening stock with nothing taken by the other orders - an
    upper bound (weight and competition aside) on the extra shipments any re-allocation
    inside the window can remove.
    """

    split: int
    competition: int
    choice: int
    forced: int
    removable_at_most: int


def classify_splits(
    network: Network, orders: Sequence[Order], plans: Sequence[Plan], stock: Stock
) -> SplitClasses:
    """Classify the window's split one-by-one plans (see :class:`SplitClasses`)."""
    used: dict[tuple[str, str], int] = {}
    cache: dict = {}
    competition = choice = forced = removable = split = 0
    for order, plan in zip(orders, plans, strict=True):
        if len(plan.shipments) > 1:
            split += 1
            target = plan.explanation.target_date
            opening = order_data(network, order, stock, target, cache)
            at_turn_stock = {
                line.sku: {
                    node: q - used.get((line.sku, node), 0)
                    for node, q in stock.get(line.sku, {}).items()
                }
                for line in order.lines
            }
            at_turn = order_data(network, order, at_turn_stock, target, cache)
            if _fewest_nodes(opening, _shipped(plan), 2) == 1:
                if _fewest_nodes(at_turn, _shipped(plan), 2) == 1:
                    choice += 1
                else:
                    competition += 1
            else:
                forced += 1
            fewest = _fewest_nodes(opening, _shipped(plan), len(plan.shipments))
            removable += max(0, plan.score.package_count - fewest)
        for s in plan.shipments:
            for line in s.lines:
                used[(line.sku, s.node)] = used.get((line.sku, s.node), 0) + line.quantity
    return SplitClasses(split, competition, choice, forced, removable)


def _shipped(plan: Plan) -> dict[str, int]:
    out: dict[str, int] = {}
    for s in plan.shipments:
        for line in s.lines:
            out[line.sku] = out.get(line.sku, 0) + line.quantity
    return out


def _fewest_nodes(data: OrderData, need: Mapping[str, int], limit: int) -> int:
    """The fewest nodes that could together send ``need`` units per SKU under the order's
    stock and hard rules: 1, else 2, else ``limit`` (pairs are tried only when ``limit`` > 2;
    ``limit`` >= 2)."""
    units: dict[str, dict[str, int]] = {}
    for (li, k), n in data.carriable.items():
        row = units.setdefault(data.lanes[k].node, {})
        sku = data.lines[li][0]
        row[sku] = max(row.get(sku, 0), n)
    nodes = sorted(units)
    if any(all(units[a].get(s, 0) >= q for s, q in need.items()) for a in nodes):
        return 1
    if limit <= 2:
        return limit
    for x, a in enumerate(nodes):
        for b in nodes[x + 1 :]:
            if all(units[a].get(s, 0) + units[b].get(s, 0) >= q for s, q in need.items()):
                return 2
    return limit
