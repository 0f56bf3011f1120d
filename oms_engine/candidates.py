"""Candidates for one order: which (node, carrier service) options may carry which lines.

An order is reduced to what the search needs: its lines (duplicates added up), the sellable
units of every node passing the rules, the units worth placing (``targets``) and the candidate
options of the nodes the bounds (:mod:`oms_engine.bounds`) keep. The ruled-out nodes and the
reasons for shortages are worked out here too, off the hot path.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field

from oms_engine import large
from oms_engine.bounds import (
    _EPS,
    LEFT_OUT,
    WalkTrace,
    bound_nodes,
    undominated_for_order,
    undominated_parts,
    whole_order_nodes,
)
from oms_engine.errors import InvalidInput
from oms_engine.model import Exclusion, Order, Product, Stock
from oms_engine.network import Network
from oms_engine.options import ShippingOption, option_table


@dataclass(slots=True)
class Candidate:
    """A shipping option usable for this order, with its per-order score parts."""

    option: ShippingOption
    node: int
    fixed: float  # score of shipping one package from here, before per-kg costs
    late_days: int
    unit: list[float | None]  # per line: score per unit, None when it cannot carry the line
    avail: list[int]  # per line: sellable units at the node (shared by the node's options)
    distance_km: float


@dataclass(slots=True)
class OrderProblem:
    """One order reduced to what the search needs."""

    skus: list[str]
    products: list[Product]
    quantities: list[int]
    targets: list[int]  # units the search tries to place: quantity capped by eligible stock
    candidates: list[Candidate]
    target_day: int | None
    excluded: list[Exclusion] = field(default_factory=list)
    unknown: list[tuple[str, int]] = field(default_factory=list)  # (sku, qty) not in products
    truncated: bool = False  # Budget.max_nodes cut candidate nodes: the plan is not exact
    singles_suffice: bool = False  # the bounds proved no plan of 2+ shipments can win
    left_out: list[int] = field(default_factory=list)  # nodes the bounds left out, best first
    build: object = None  # node index -> its candidates (for the explanation only)
    weights: list[float] = field(default_factory=list)  # per line: kg per unit (read only)
    whole: bool = False  # every candidate's node holds every target unit (whole-order walk)
    #: per candidate, the (score, packages) of shipping the whole order from it alone, as the
    #: whole-order walk computed them (None: past max_packages); None when not all were
    scores: list[tuple[float, int] | None] | None = None
    #: the bounds' greedy cover (one candidate per shipment) when it beat every single: the
    #: search's first incumbent (:meth:`oms_engine.search.Search.run`); None otherwise
    greedy: list[Candidate] | None = None
    #: a large order's stock records when it took the bounded path (:mod:`oms_engine.large`):
    #: its nodes were chosen greedily, the plan may not be the optimum; 0 otherwise
    bounded: int = 0
    #: node -> the alike nodes of lower floor among the candidates' nodes (see
    #: :func:`oms_engine.bounds._alike_groups`): the branch-and-bound adds an option of the
    #: node only once each of those it could have used instead is in the set
    cheaper_alike: dict[int, tuple[int, ...]] | None = None


#: Lines held at no more nodes than this are scanned first for the nodes holding the whole order.
_FEW_HOLDERS = 12
#: When every line is held at more nodes than this (and there are several), the nodes
#: holding every SKU are found by intersecting the lines' stock keys, and walked alone.
_MANY_HOLDERS = 64
#: An explained order with this many stock records or fewer is scanned: the scan and the
#: bounds read little then, and cost less than the walk and its explanation (5 nodes: ~1 µs).
_EXPLAIN_SCAN = 40
#: When more than a ``1/_WALK_ALL`` share of the eligible nodes hold every SKU, the walk goes
#: over the table's whole order rather than the holders' part of it: bounding a node costs
#: about half of reading a holder's stock and bounding it.
_WALK_ALL = 2


def aggregate_lines(order: Order) -> list[tuple[str, int]]:
    """The order's lines with duplicate SKUs added up, in first-seen order, checked."""
    quantities: dict[str, int] = {}
    for i, line in enumerate(order.lines):
        qty, sku = line.quantity, line.sku
        if type(qty) is int and qty > 0 and type(sku) is str and sku:
            quantities[sku] = quantities.get(sku, 0) + qty  # the common case, checked fast
            continue
        if isinstance(qty, float) and qty.is_integer():
            qty = int(qty)  # Odoo keeps quantities as floats; 2.0 units are 2 units
        if isinstance(qty, bool) or not isinstance(qty, int) or qty <= 0:
            raise InvalidInput(f"order.lines[{i}].quantity", "must be a positive integer")
        if not isinstance(line.sku, str) or not line.sku:
            raise InvalidInput(f"order.lines[{i}].sku", "must be a non-empty string")
        quantities[line.sku] = quantities.get(line.sku, 0) + qty
    return list(quantities.items())


def prepare(
    network: Network,
    order: Order,
    stock: Stock,
    *,
    explain: bool,
    skip_nodes: frozenset[int] = frozenset(),
) -> OrderProblem:
    """Reduce an order to candidates: eligible options with per-line availability and costs.

    Nodes that provably cannot be part of a plan better than the best one-shipment plan are
    left out before their options are built (the bound is explained in docs/engine.md), so
    the work per order follows the few nodes that matter, not the size of the network.
    """
    dest = order.destination
    transits = network.transit_days(dest.country, dest.postal_code)
    table = option_table(network, order, transits)
    distances = network.node_distances(dest)
    if order.promised_date is not None:
        target_day = order.promised_date.toordinal()
    else:  # the earliest any node eligible for this order could deliver
        target_day = table.earliest_for(order.excluded_nodes, skip_nodes)

    skus: list[str] = []
    products: list[Product] = []
    quantities: list[int] = []
    problem = OrderProblem(skus, products, quantities, [], [], target_day)
    weights = problem.weights
    special: list[int] = []  # lines of a dangerous or bulky product
    for sku, qty in aggregate_lines(order):
        product = network.products.get(sku)
        if product is None:
            problem.unknown.append((sku, qty))
            continue
        if product.dangerous_class is not None or product.bulky:
            special.append(len(skus))
        skus.append(sku)
        products.append(product)
        quantities.append(qty)
        weights.append(product.weight_kg)
    n_lines = len(skus)

    eligible = table.eligible_for(order.excluded_nodes, skip_nodes)
    entries = 0  # the stock records of the order's lines: the scan's size, read in O(lines)
    for sku in skus:
        per_node = stock.get(sku)
        if per_node:
            entries += len(per_node)
    # the whole-order walk reads the table's cached order, which counts lateness from the
    # table's own target: only orders with that target take it
    walkable = skus and order.promised_date is None and target_day == table.earliest
    settled = False  # a large order the walk settles exactly takes the exact path
    give_up = large.WALK_BUILDS if large.may_be_large(entries, n_lines) else None
    # An explained order with few stock records is scanned (cheaper then); one that may be
    # large is walked all the same: settled by the walk, it takes the exact path.
    if walkable and (not explain or entries > _EXPLAIN_SCAN or give_up is not None):
        trace = WalkTrace() if explain else None
        kept = _whole_order_first(
            network, problem, stock, table, distances, eligible, special, give_up, trace
        )
        if kept is not None and explain:
            # what the scan and bound_nodes would keep and leave out, from the walk's work
            settled = True
            kept = settled_as_bound_nodes(problem, trace)
            if kept is None:  # the scan's way after all: the walk's answer undone
                problem.whole, problem.scores, problem.singles_suffice = False, None, False
        if kept is not None:
            if len(kept) == 1:  # the usual answer: one node
                problem.candidates.extend(*kept.values())
            else:
                for ni in sorted(kept):
                    problem.candidates.extend(kept[ni])
            if explain:
                problem.excluded.extend(
                    explain_exclusions(network, order, stock, problem, table, skip_nodes)
                )
            return problem

    # Stock scan: node index -> sellable units per line, for nodes passing node-level rules,
    # with what each node could ship alone (mask of lines, units counted against quantities)
    # and the eligible units per line, in the same pass.
    rows: dict[int, list[int]] = {}
    masks = [0] * len(network.nodes)
    covers = [0] * len(network.nodes)
    capacity = [0] * n_lines
    # bound methods and a blank row copied: the loop runs once per stock record (8,500 for a
    # 10-line order of a 1,000-store network's popular lines), a tenth faster so
    eligible_get, rows_get, blank = eligible.get, rows.get, [0] * n_lines
    for li, sku in enumerate(skus):
        per_node = stock.get(sku)
        if not per_node:
            continue
        bit = 1 << li
        quantity = quantities[li]
        units = 0
        for node_id, qty in per_node.items():
            if qty < 1 or (ni := eligible_get(node_id)) is None:
                continue
            row = rows_get(ni)
            if row is None:
                row = rows[ni] = blank.copy()
            have = row[li] = int(qty)
            masks[ni] |= bit
            covers[ni] += have if have < quantity else quantity
            units += have
        capacity[li] = units
    for li in special:
        product = products[li]
        for ni, row in rows.items():
            have = row[li]
            if not have:
                continue
            if _product_rule(network, ni, product, distances) is not None:
                row[li] = 0
            elif any(o.carries(product) for o in table.options(ni)):
                continue
            # the node may not ship it, or no service of the node takes it: not carried
            masks[ni] &= ~(1 << li)
            capacity[li] -= have
            covers[ni] -= have if have < quantities[li] else quantities[li]
    carried = {ni: masks[ni] for ni in rows}
    cover = {ni: covers[ni] for ni in rows}  # units a node could ship alone
    targets = [min(q, c) for q, c in zip(quantities, capacity, strict=True)]
    problem.targets = targets
    build = _builder(network, problem, rows, table, distances, special, order_weight(problem))
    if not settled and large.is_large(entries, len(rows), n_lines):
        problem.bounded = entries
        kept = large.greedy_nodes(
            network, problem, rows, carried, cover, table, distances, build, order.allow_split
        )
    else:
        kept = bound_nodes(
            network, problem, rows, carried, cover, table, distances, build, order.allow_split
        )
    for ni in sorted(kept):
        problem.candidates.extend(kept[ni])
    if explain:
        problem.excluded.extend(
            explain_exclusions(network, order, stock, problem, table, skip_nodes)
        )
    return problem


def order_weight(problem: OrderProblem) -> float:
    """The kg of the order's target units, added up line by line from 0.0. One loop for every
    user (the candidates' domination, the whole-order walk's package counts), so they all
    read the same float on every Python version (``sum()`` of floats is compensated from 3.12
    on and may differ from this loop in the last bit)."""
    kg = 0.0
    for target, wk in zip(problem.targets, problem.weights, strict=True):
        kg += target * wk
    return kg


def _builder(network, problem, rows, table, distances, special, order_kg, whole=False):
    """The function building a node's candidates for this order (rows: node -> units;
    ``order_kg``: :func:`order_weight`). ``whole``: every node built holds every target unit
    (the whole-order walk), so what a node takes of each line is the order's and is listed
    once, not per node."""
    targets = problem.targets
    products = problem.products
    target_day = problem.target_day
    weights = problem.weights
    w_distance = network.policy.weights.distance
    # as _build_same_lines lists them for a node holding every target unit (targets > 0)
    whole_takes = [(li, weights[li], t) for li, t in enumerate(targets)] if whole else None

    def build(ni: int) -> list[Candidate]:
        row = rows[ni]
        distance = distances[ni] if distances is not None else 0.0
        by_distance = w_distance * distance
        options = table.options(ni)
        # without a dangerous or bulky line here, every option carries the lines the node holds
        same_lines = not special or not any(row[li] for li in special)
        if same_lines and len(options) > 1:
            return _build_same_lines(ni, row, distance, by_distance, options)
        held = [wk if have else None for have, wk in zip(row, weights, strict=True)]
        built = []
        for option in options:
            per_kg = option.unit_score_per_kg
            unit: list[float | None] = [None if wk is None else per_kg * wk for wk in held]
            if not same_lines:
                for li in special:
                    if unit[li] is not None and not option.carries(products[li]):
                        unit[li] = None
                if all(u is None for u in unit):
                    continue
            delivery = option.delivery
            late = 0 if target_day is None or delivery <= target_day else delivery - target_day
            fixed = option.fixed_static + by_distance
            built.append(Candidate(option, ni, fixed, late, unit, row, distance))
        if len(built) > 1:
            reach = 0.0
            for li, have in enumerate(row):
                if have:
                    reach += weights[li] * (targets[li] if targets[li] < have else have)
            built = undominated_for_order(built, targets, reach)
        return built

    def _build_same_lines(ni, row, distance, by_distance, options) -> list[Candidate]:
        # The options an option of the same node beats for this order are dropped before
        # their candidates are built (same test, same floats as undominated_for_order).
        if whole_takes is not None:
            takes = whole_takes
        else:
            takes = [
                (li, weights[li], t if t < row[li] else row[li])
                for li, t in enumerate(targets)
                if row[li]
            ]
        reach = order_kg  # the kg the node could ship for this order at most
        if whole_takes is None:
            reach = 0.0
            for _, wk, take in takes:
                reach += wk * take
        parts = []
        for option in options:
            delivery = option.delivery
            late = 0 if target_day is None or delivery <= target_day else delivery - target_day
            fixed = option.fixed_static + by_distance
            load = fixed
            per_kg = option.unit_score_per_kg
            for _, wk, take in takes:
                load += per_kg * wk * take
            parts.append((fixed, late, load if reach <= option.max_weight else None, load))
        built = []
        for i in undominated_parts(parts):
            option = options[i]
            per_kg = option.unit_score_per_kg
            if whole_takes is not None:  # the node holds every line
                unit = [per_kg * wk for wk in weights]
            else:
                unit = [
                    per_kg * wk if have else None for have, wk in zip(row, weights, strict=True)
                ]
            fixed, late, _, _ = parts[i]
            built.append(Candidate(option, ni, fixed, late, unit, row, distance))
        return built

    return build


def _whole_order_first(
    network, problem, stock, table, distances, eligible, special, give_up=None, trace=None
):
    """Orders against the table's own lateness target: the nodes able to ship the whole order
    (stock, and for dangerous or bulky lines the same rules as the stock scan) are walked in
    the table's cached order, reading only their stock; when the best of them provably beats
    every split (:func:`whole_order_nodes`), that is the answer and the rest of the stock is
    never scanned. ``None`` otherwise, or once ``give_up`` nodes are built without a proof in
    sight (see :func:`whole_order_nodes`). ``trace``: a :class:`WalkTrace` to fill, or
    ``None``."""
    quantities = problem.quantities
    products = problem.products
    per_line = [stock.get(sku) or {} for sku in problem.skus]
    pairs = list(zip(per_line, quantities, strict=True))
    nodes = network.nodes
    rows: dict[int, list[int]] = {}
    order = table.static_order()
    # A line held at a few nodes only (most split orders have one) bounds the nodes holding
    # everything: they are found from it in a few dictionary reads, and walked alone.
    rarest = min(per_line, key=len)
    stocked: dict[int, list[int]] = {}  # eligible nodes whose stock was read: node -> row
    holding = None  # node ids that may hold everything, when found from the stock's keys
    if len(rarest) <= _FEW_HOLDERS:
        holding = rarest
    elif len(rarest) > _MANY_HOLDERS and len(per_line) > 1:
        # Every line widely held (a store network's popular lines): the table's order would
        # be walked over hundreds of stores; the nodes holding every SKU at all come from
        # intersecting the lines' key sets instead (often none: the order splits).
        holding = rarest.keys() & per_line[0].keys()  # iterates the smaller of the two
        for per_node in per_line[1:]:
            if not holding:
                break
            if len(holding) * 4 < len(per_node):
                # the few left, each looked up (a set's &= walks every key of the line's stock)
                holding = {node_id for node_id in holding if node_id in per_node}
            else:
                holding.intersection_update(per_node.keys())
        if len(holding) * _WALK_ALL > len(order) or (
            distances is not None and distances.walks and table in distances.walks
        ):
            # Most nodes hold every SKU (the popular lines of a store network), or the
            # destination was met before: the table's whole order is walked, its runs' order
            # by bound kept for the destination's next orders (bounds.kept_run), and a node's
            # stock read when the walk reaches it - not every holder's, to sort them again.
            holding = None
    if holding is not None:
        full = []
        position = table.static_position()
        for node_id in holding:
            ni = eligible.get(node_id)
            if ni is not None and ni in position:
                row = []
                for per_node, quantity in pairs:
                    have = per_node.get(node_id, 0)
                    if have < quantity:
                        break
                    row.append(int(have))
                else:
                    full.append(position[ni])
                    stocked[ni] = row
        if not full:
            return None
        full.sort()  # the table's order, whatever order the holders came in
        order = [order[i] for i in full]

    def holds_all(ni: int) -> bool:
        row = stocked.get(ni)
        if row is None:
            node_id = nodes[ni].id
            if node_id not in eligible:
                return False
            row = []
            for per_node, quantity in pairs:
                have = per_node.get(node_id, 0)
                if have < quantity:
                    return False
                row.append(int(have))
        for li in special:
            product = products[li]
            if _product_rule(network, ni, product, distances) is not None or not any(
                o.carries(product) for o in table.options(ni)
            ):
                return False
        rows[ni] = row
        return True

    # If a node holds every line, eligible stock covers each quantity: targets = quantities.
    saved = problem.targets
    problem.targets = list(quantities)
    order_kg = order_weight(problem)  # one weighing for the builder and the walk
    build = _builder(network, problem, rows, table, distances, special, order_kg, whole=True)
    if trace is not None:
        trace.holds_all, trace.build = holds_all, build
    kept = whole_order_nodes(
        network, problem, table, distances, build, order, holds_all, order_kg, give_up, trace
    )
    if kept is None:
        problem.targets = saved
    else:
        problem.whole = True
    return kept


def settled_as_bound_nodes(problem, trace) -> dict[int, list[Candidate]] | None:
    """For an explained order the whole-order walk settled on single shipments: the nodes
    :func:`bound_nodes` would keep, with their candidates, and ``problem.left_out`` and
    ``problem.build`` as it sets them, from the walk's groups (``trace``,
    :class:`oms_engine.bounds.WalkTrace`) instead of a scan of every stock record.

    :func:`bound_nodes` walks the table's order as the walk does, and with the same best
    score (the least single score of a node holding everything, both exact) it lists the
    nodes holding everything whose bound without distance is within that best, by (bound,
    node): it keeps those whose bound is, and names the next :data:`LEFT_OUT`. Those are
    the holders of every group the walk entered: it enters a group while its bound without
    distance is within the best so far, which is the final best from the best node's group
    on (that node is never passed over: its bounds are below its score), and the groups
    before that one are below it. The groups' pairs, sorted within each, are merged by
    (bound, node), and only the nodes up to the last one named are read. ``None`` when the
    walk left no trace (the caller then scans)."""
    if not trace.groups:
        return None
    limit = trace.best + _EPS
    lists = [zip(*seen, strict=True) if type(seen) is tuple else seen for seen in trace.groups]
    holds_all, build, built = trace.holds_all, trace.build, trace.built
    keep: list[int] = []
    left_out: list[int] = []
    pairs = lists[0] if len(lists) == 1 else heapq.merge(*lists)
    for bound, ni in pairs:
        if not holds_all(ni):
            continue
        if bound <= limit:
            keep.append(ni)
        else:
            left_out.append(ni)
            if len(left_out) == LEFT_OUT:
                break
    problem.whole, problem.scores = False, None
    problem.left_out = left_out
    problem.build = build
    return {ni: built[ni] if ni in built else build(ni) for ni in keep}


_UNREAD = object()


def explain_exclusions(network, order, stock, problem, table, skip_nodes) -> list[Exclusion]:
    """Every node holding stock of the order that a rule ruled out, with the rule.

    Per line, in node id order: a node ruled out as a whole is named once (at its first
    line), a node ruled out for one product once per such line. For a product that is
    neither dangerous nor bulky only the node-level rules can apply (a node passing them
    has at least one carrier service, and every service carries such a product), so only
    the stocked nodes a rule rules out (``table.ruled_out``) or the order excludes are looked at:
    set operations instead of a rule check per stocked node, and no node's options built.
    """
    out: list[Exclusion] = []
    distances = _UNREAD  # read once, when a dangerous or bulky product needs it
    seen: set[int] = set()
    ruled_out = table.ruled_out
    excluded = order.excluded_nodes
    node_index = network.node_index
    for sku, product in zip(problem.skus, problem.products, strict=True):
        per_node = stock.get(sku)
        if not per_node:
            continue
        if product.dangerous_class is None and not product.bulky:
            # the network's ruled-out nodes holding it (ids the network does not know are
            # passed below anyway): read from the smaller side, a few nodes of a thousand
            if len(ruled_out) < len(per_node):
                ruled = {node_id for node_id in ruled_out if node_id in per_node}
            else:
                ruled = per_node.keys() & ruled_out
            if excluded:
                ruled |= {node_id for node_id in excluded if node_id in per_node}
            if not ruled:
                continue
            rows = sorted((node_id, per_node[node_id]) for node_id in ruled)
        else:
            rows = sorted(per_node.items())
        for node_id, qty in rows:
            ni = node_index.get(node_id)
            if qty < 1 or ni is None or ni in skip_nodes:
                continue
            rule = node_rule(network, order, table, ni)
            if rule is not None:
                if ni not in seen:
                    seen.add(ni)
                    out.append(Exclusion(node_id, rule, _detail(rule)))
                continue
            if distances is _UNREAD:
                distances = network.node_distances(order.destination)
            rule = line_rule(network, table, ni, product, distances)
            if rule is not None:
                out.append(Exclusion(node_id, rule, _detail(rule), sku))
    return out


def node_rule(network, order, table, ni) -> str | None:
    """The node-level rule ruling a node out for this order, if any."""
    rule = table.rules[ni]
    if rule is None and network.nodes[ni].id in order.excluded_nodes:
        rule = "excluded_by_order"
    return rule


def line_rule(network, table, ni, product, distances) -> str | None:
    """The rule ruling a node out for one product, if any (node-level rules aside)."""
    rule = _product_rule(network, ni, product, distances)
    if rule is None and not any(o.carries(product) for o in table.options(ni)):
        rule = "no_carrier_for_product_class"
    return rule


def shortage_reason(network, order, stock, sku, product, skip_nodes=frozenset()) -> str:
    """Why no eligible node holds (enough of) a SKU: the one rule that hid its stock, or
    ``out_of_stock`` / ``no_eligible_node``."""
    dest = order.destination
    table = option_table(network, order, network.transit_days(dest.country, dest.postal_code))
    distances = network.node_distances(dest)
    rules = set()
    for node_id, qty in (stock.get(sku) or {}).items():
        ni = network.node_index.get(node_id)
        if qty < 1 or ni is None or ni in skip_nodes:
            continue
        rule = node_rule(network, order, table, ni) or line_rule(
            network, table, ni, product, distances
        )
        if rule is not None:
            rules.add(rule)
    if not rules:
        return "out_of_stock"
    return next(iter(rules)) if len(rules) == 1 else "no_eligible_node"


def _product_rule(
    network: Network, node_idx: int, product: Product, distances: tuple | None
) -> str | None:
    node = network.nodes[node_idx]
    if product.dangerous_class is not None and not node.dangerous_goods_certified:
        return "dangerous_goods_not_certified"
    if product.bulky:
        if not node.bulky_allowed:
            return "bulky_not_allowed"
        limit = network.policy.max_bulky_distance_km
        if limit is not None:
            if distances is None:
                return "bulky_distance_unknown"
            if distances[node_idx] > limit:
                return "bulky_too_far"
    return None


RULE_TEXT = {
    "node_disabled": "node is switched off for routing (failover)",
    "excluded_by_policy": "node is excluded by the policy",
    "excluded_by_order": "node is excluded for this order (rejected or re-routed)",
    "does_not_ship_parcels": "node does not ship parcels",
    "ship_from_store_disabled": "store does not ship to customers",
    "capacity_reached": "daily capacity reached",
    "no_carrier_service": "no carrier service of this level reaches the destination from here",
    "no_carrier_for_product_class": "no carrier service here accepts the product's class",
    "dangerous_goods_not_certified": "node is not certified for dangerous goods",
    "bulky_not_allowed": "node may not ship bulky goods",
    "bulky_too_far": "beyond the policy's maximum distance for bulky goods",
    "bulky_distance_unknown": "destination has no coordinates to check the bulky distance",
    "pickup_node_unavailable": "the pickup store cannot take pickups",
    "not_a_pickup_point": "node is not a pickup point",
}


#: Every ``Exclusion.rule`` the engine writes (docs/engine.md, "Reason codes"; the plan
#: schema lists the same).
EXCLUSION_RULES = (
    "node_disabled",
    "excluded_by_policy",
    "excluded_by_order",
    "does_not_ship_parcels",
    "ship_from_store_disabled",
    "capacity_reached",
    "no_carrier_service",
    "no_carrier_for_product_class",
    "dangerous_goods_not_certified",
    "bulky_not_allowed",
    "bulky_too_far",
    "bulky_distance_unknown",
    "not_a_pickup_point",
)

#: Every ``Unfulfilled.reason`` the engine writes: its own codes, and the rule that hid all
#: of a SKU's stock (any exclusion rule but ``not_a_pickup_point``, which names the store).
UNFULFILLED_REASONS = (
    "unknown_sku",
    "out_of_stock",
    "insufficient_stock",
    "no_eligible_node",
    "split_not_allowed",
    "max_packages",
    "not_worth_shipping",
    "pickup_node_unavailable",
    *(rule for rule in EXCLUSION_RULES if rule != "not_a_pickup_point"),
)


def _detail(rule: str) -> str:
    return RULE_TEXT.get(rule, rule)
