"""Candidates for one order: which (node, carrier service) options may carry which lines.

The dates and fixed costs of every node's shipping options depend only on the destination zone,
the service level and the order's time bucket, so they are built once per such key into an
:class:`OptionTable` cached on the Network. Per order, only the stock scan, the distance and the
per-SKU rules (dangerous goods, bulky) are left to do.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from oms_engine.errors import InvalidInput
from oms_engine.model import Exclusion, Order, Product, Stock
from oms_engine.network import Network

_TABLE_LIMIT = 50_000
_EPS = 1e-9


class ShippingOption:
    """One node shipping with one carrier service, with its dates and its score parts."""

    __slots__ = (
        "accepts_bulky",
        "cost_fixed",
        "cost_per_kg",
        "cost_per_package",
        "delivery",
        "dg_classes",
        "extra_package_score",
        "fixed_static",
        "max_weight",
        "node",
        "service",
        "ship",
        "unit_score_per_kg",
    )

    def __init__(self, network: Network, node: int, service: int, ship: int, delivery: int):
        w = network.policy.weights
        n = network.nodes[node]
        s = network.services[service]
        self.node = node
        self.service = service
        self.ship = ship
        self.delivery = delivery
        self.cost_fixed = n.handling_cost + s.cost_per_package
        self.cost_per_package = s.cost_per_package
        self.cost_per_kg = s.cost_per_kg
        self.fixed_static = w.packages + w.cost * self.cost_fixed + w.priority * n.priority
        self.extra_package_score = w.packages + w.cost * s.cost_per_package
        self.unit_score_per_kg = w.cost * s.cost_per_kg
        self.max_weight = s.max_weight_kg
        self.dg_classes = s.accepts_dangerous
        self.accepts_bulky = s.accepts_bulky

    def dominates(self, other: ShippingOption) -> bool:
        """At least as good as ``other`` on every score part and carries everything it does."""
        return (
            self.fixed_static <= other.fixed_static
            and self.unit_score_per_kg <= other.unit_score_per_kg
            and self.extra_package_score <= other.extra_package_score
            and self.max_weight >= other.max_weight
            and self.delivery <= other.delivery
            and self.dg_classes >= other.dg_classes
            and (self.accepts_bulky or not other.accepts_bulky)
        )

    def carries(self, product: Product) -> bool:
        """Whether the carrier service accepts the product's classes."""
        if product.dangerous_class is not None and product.dangerous_class not in self.dg_classes:
            return False
        return self.accepts_bulky or not product.bulky


class OptionTable:
    """Shipping options of every node for one destination zone, service level and time bucket.

    Built lazily: the node list and the default lateness target at once (cheap), a node's
    options only when an order needs them, then kept for the following orders of the bucket.
    """

    __slots__ = (
        "_floors",
        "_network",
        "_options",
        "_services",
        "earliest",
        "eligible",
        "moments",
        "rules",
    )

    def __init__(self, network: Network, order: Order, transits: tuple) -> None:
        level_services = network.services_by_level.get(order.service_level)
        if level_services is None:
            raise InvalidInput("order.service_level", "must be one of standard, express")
        self._network = network
        # (service index, transit days) usable from each node: zone reached, origin accepted
        usable = [(si, transits[si]) for si in level_services if transits[si] is not None]
        self._services: list[tuple[tuple[int, int], ...]] = []
        rules: list[str | None] = []
        for ni, node in enumerate(network.nodes):
            mine = tuple(
                (si, t)
                for si, t in usable
                if not network.services[si].origin_countries
                or node.country in network.services[si].origin_countries
            )
            rule = network.static_rule[ni]
            if rule is None and not mine:
                rule = "no_carrier_service"
            self._services.append(mine)
            rules.append(rule)
        self.rules: tuple[str | None, ...] = tuple(rules)
        self.eligible: dict[str, int] = {
            network.nodes[i].id: i for i, rule in enumerate(rules) if rule is None
        }
        self.moments = {}
        self._options: dict[int, tuple[ShippingOption, ...]] = {}
        self._floors: dict[int, tuple[float, int]] = {}
        self.earliest: int | None = _earliest(network, order, self)

    def options(self, ni: int) -> tuple[ShippingOption, ...]:
        """The node's undominated shipping options (empty when it cannot ship)."""
        found = self._options.get(ni)
        if found is None:
            network = self._network
            built = []
            if self.rules[ni] is None:
                day, minute = self.moments[network.tz_group_of_node[ni]]
                for si, transit in self._services[ni]:
                    ship, delivery = network.ship_and_delivery(ni, si, day, minute, transit)
                    built.append(ShippingOption(network, ni, si, ship, delivery))
            found = self._options[ni] = tuple(_undominated(built))
        return found

    def floor(self, ni: int) -> tuple[float, int]:
        """(lowest fixed score, earliest delivery day) of the node's options, cached."""
        found = self._floors.get(ni)
        if found is None:
            found = self._floors[ni] = (self.cheapest(ni), self.first_delivery(ni))
        return found

    def cheapest(self, ni: int) -> float:
        """The lowest per-shipment fixed score of the node's options."""
        return min((o.fixed_static for o in self.options(ni)), default=math.inf)

    def first_delivery(self, ni: int) -> int:
        """The earliest delivery day of the node's options."""
        return min((o.delivery for o in self.options(ni)), default=0)


def _earliest(network: Network, order: Order, table: OptionTable) -> int | None:
    """The earliest delivery any eligible node could make: the default lateness target.

    Delivery dates only grow with the ship date, so per (service, transit, node calendar) only
    the earliest ship day matters; ship days repeat across zones and come from the cache.
    """
    for group, zone in enumerate(network.tz_zones):
        local = order.order_time.astimezone(zone)
        table.moments[group] = (local.toordinal(), local.hour * 60 + local.minute)
    first: dict[tuple[int, int, str], int] = {}
    for ni in table.eligible.values():
        day, minute = table.moments[network.tz_group_of_node[ni]]
        country = network.nodes[ni].country
        for si, transit in table._services[ni]:
            ship = network.ship_day(ni, si, day, minute)
            key = (si, transit, country)
            if ship < first.get(key, ship + 1):
                first[key] = ship
    if not first:
        return None
    return min(
        network.deliver_day(si, country, ship, transit)
        for (si, transit, country), ship in first.items()
    )


def option_table(network: Network, order: Order, destination_transits: tuple) -> OptionTable:
    """The cached option table for the order's destination zone, service level and time."""
    time_key = network.time_key(order.order_time)
    key = (destination_transits, order.service_level, time_key)
    table = network.tables.get(key)
    if table is None:
        table = OptionTable(network, order, destination_transits)
        if len(network.tables) > _TABLE_LIMIT:
            network.tables.clear()
        network.tables[key] = table
    return table


def _undominated(options: list[ShippingOption]) -> list[ShippingOption]:
    options.sort(key=lambda o: (o.fixed_static, o.delivery, o.service))
    kept: list[ShippingOption] = []
    for option in options:
        if not any(k.dominates(option) for k in kept):
            kept.append(option)
    kept.sort(key=lambda o: o.service)
    return kept


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
    left_out: list[int] = field(default_factory=list)  # nodes the bounds left out, best first
    build: object = None  # node index -> its candidates (for the explanation only)


def aggregate_lines(order: Order) -> list[tuple[str, int]]:
    """The order's lines with duplicate SKUs added up, in first-seen order, checked."""
    quantities: dict[str, int] = {}
    for i, line in enumerate(order.lines):
        qty = line.quantity
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
    w = network.policy.weights
    target_day = table.earliest
    if order.promised_date is not None:
        target_day = order.promised_date.toordinal()

    skus: list[str] = []
    products: list[Product] = []
    quantities: list[int] = []
    problem = OrderProblem(skus, products, quantities, [], [], target_day)
    for sku, qty in aggregate_lines(order):
        product = network.products.get(sku)
        if product is None:
            problem.unknown.append((sku, qty))
            continue
        skus.append(sku)
        products.append(product)
        quantities.append(qty)
    n_lines = len(skus)

    # Stock scan: node index -> sellable units per line, for nodes passing node-level rules.
    eligible = table.eligible
    rows: dict[int, list[int]] = {}
    for li, sku in enumerate(skus):
        per_node = stock.get(sku)
        if not per_node:
            continue
        for node_id, qty in per_node.items():
            if qty >= 1:
                ni = eligible.get(node_id)
                if ni is not None:
                    row = rows.get(ni)
                    if row is None:
                        row = rows[ni] = [0] * n_lines
                    row[li] = int(qty)
    for node_id in order.excluded_nodes:
        rows.pop(eligible.get(node_id), None)
    for ni in skip_nodes:
        rows.pop(ni, None)
    special = [li for li, p in enumerate(products) if p.dangerous_class is not None or p.bulky]
    for li in special:
        for ni, row in rows.items():
            if row[li] and _product_rule(network, ni, products[li], distances) is not None:
                row[li] = 0

    # What each node's options can carry, and the units the search tries to place.
    carried: dict[int, int] = {}
    cover: dict[int, int] = {}  # units a node could ship alone (counted against quantities)
    capacity = [0] * n_lines
    all_lines = (1 << n_lines) - 1
    for ni, row in rows.items():
        mask = 0
        units = 0
        for li, have in enumerate(row):
            if have:
                mask |= 1 << li
                capacity[li] += have
                units += have if have < quantities[li] else quantities[li]
        if special:
            options = table.options(ni)
            for li in special:
                if row[li] and not any(o.carries(products[li]) for o in options):
                    mask &= all_lines ^ (1 << li)
                    capacity[li] -= row[li]
                    units -= min(row[li], quantities[li])
        carried[ni] = mask
        cover[ni] = units
    targets = [min(q, c) for q, c in zip(quantities, capacity, strict=True)]
    problem.targets = targets
    weights = [p.weight_kg for p in products]
    order_kg = sum(t * wk for t, wk in zip(targets, weights, strict=True))

    def build(ni: int) -> list[Candidate]:
        row = rows[ni]
        distance = distances[ni] if distances is not None else 0.0
        built = []
        for option in table.options(ni):
            per_kg = option.unit_score_per_kg
            unit: list[float | None] = [
                per_kg * wk if have else None for have, wk in zip(row, weights, strict=True)
            ]
            any_line = False
            for li in range(n_lines):
                if unit[li] is not None:
                    if li in special and not option.carries(products[li]):
                        unit[li] = None
                    else:
                        any_line = True
            if any_line:
                late = 0 if target_day is None else max(0, option.delivery - target_day)
                fixed = option.fixed_static + w.distance * distance
                built.append(Candidate(option, ni, fixed, late, unit, row, distance))
        if len(built) > 1:
            built = _undominated_for_order(built, targets, order_kg)
        return built

    kept = _bound_nodes(
        network, problem, rows, carried, cover, table, distances, build, order.allow_split
    )
    for ni in sorted(kept):
        problem.candidates.extend(kept[ni])
    if explain:
        problem.excluded.extend(
            explain_exclusions(network, order, stock, problem, table, skip_nodes)
        )
    return problem


def _bound_nodes(network, problem, rows, carried, cover, table, distances, build, allow_split):
    """The nodes worth searching, with their candidates built.

    Any plan using node n scores at least ``floor(n)``: its cheapest option's fixed part plus
    distance and lateness. A one-shipment plan from n also pays for the units n cannot cover,
    a plan of two shipments or more pays for at least one more floor. The best one-shipment
    plans are evaluated first (cheapest bound first); a node whose bounds reach that score
    cannot improve on it and is left out.
    """
    w = network.policy.weights
    targets = problem.targets
    total = sum(targets)
    target_day = problem.target_day
    floor: dict[int, float] = {}
    lateness: dict[int, float] = {}
    w_distance, w_lateness, w_unfulfilled = w.distance, w.lateness, w.unfulfilled

    def bound_of(ni: int) -> tuple[float, int]:
        cheapest, first = table.floor(ni)
        late = 0 if target_day is None or first <= target_day else first - target_day
        # fixed parts add up over shipments, lateness does not (the latest counts): kept apart
        f = floor[ni] = cheapest + (w_distance * distances[ni] if distances is not None else 0.0)
        lateness[ni] = w_lateness * late
        # cover counts against quantities (targets may be lower): a weaker bound, still valid
        return (f + lateness[ni] + w_unfulfilled * max(0, total - cover[ni]), ni)

    # Nodes that hold everything first: usually one of them wins and the others never cost
    # more than a glance at their cover.
    single: list[tuple[float, int]] = []
    partial: list[tuple[int, int]] = []  # (units it cannot cover, node)
    for ni in rows:
        if carried[ni]:
            if cover[ni] >= total:
                single.append(bound_of(ni))
            else:
                partial.append((total - cover[ni], ni))
    single.sort()
    built: dict[int, list[Candidate]] = {}
    best = math.inf
    best_node = None
    weights = [p.weight_kg for p in problem.products]
    policy = network.policy

    def evaluate_singles(bounds) -> None:
        nonlocal best, best_node
        for bound, ni in bounds:
            if bound > best + _EPS:
                break
            if ni not in built:
                built[ni] = build(ni)
                for cand in built[ni]:
                    score = _single_score(cand, targets, total, weights, w, policy.max_packages)
                    if score < best:
                        best, best_node = score, ni

    evaluate_singles(single)
    least = network.min_shipment_score  # no shipment's fixed part is below it
    if (
        single
        and 2 * least > best + _EPS
        and least + w_unfulfilled * min((units for units, _ in partial), default=math.inf)
        > best + _EPS
    ):
        # No plan of two shipments and no partial node alone can beat the best single.
        keep = [ni for bound, ni in single if bound <= best + _EPS]
        problem.left_out = [ni for _, ni in single if ni not in keep][:6]
        problem.build = build
        return {ni: built[ni] if ni in built else build(ni) for ni in keep}
    single.extend(bound_of(ni) for _, ni in partial)
    if not single:
        return {}
    single.sort()
    evaluate_singles(single)
    if best_node is not None and allow_split and best >= w_unfulfilled:
        # the best single shipment leaves units out: a greedy cover may do much better
        best = min(
            best,
            _greedy_cover_score(
                problem, rows, carried, built, build, best_node, w, policy, floor, lateness
            ),
        )
    lowest = min(floor.values())
    second = min(lowest, w_unfulfilled)  # the least any second shipment (or gap) costs
    single_only = not allow_split or policy.max_packages == 1
    special = [li for li, p in enumerate(problem.products) if p.dangerous_class or p.bulky]

    def line_floor(ni: int, li: int) -> float:
        # A dangerous or bulky line may need a dearer service than the node's cheapest.
        if li not in special:
            return floor[ni]
        product = problem.products[li]
        fixed = min(
            (o.fixed_static for o in table.options(ni) if o.carries(product)), default=math.inf
        )
        return floor[ni] - table.floor(ni)[0] + fixed

    forced = _forced_cost(rows, carried, targets, floor, w_unfulfilled)
    needs = _line_needs(rows, carried, targets, floor)
    cheapest_two = None
    keep = []
    for bound, ni in single:
        if _needs_bound(ni, needs, forced, w_unfulfilled) + floor[ni] + lateness[ni] > best + _EPS:
            continue
        if bound <= best + _EPS:
            keep.append(ni)
            continue
        if single_only or floor[ni] + lateness[ni] + second > best + _EPS:
            continue
        if cheapest_two is None:
            cheapest_two = _cheapest_two(line_floor, rows, carried, len(targets))
        multi = _multi_bound(ni, rows[ni], carried[ni], cheapest_two, lowest, targets, w, carried)
        if floor[ni] + lateness[ni] + multi <= best + _EPS:
            keep.append(ni)
    max_nodes = policy.budget.max_nodes
    if len(keep) > max_nodes:
        problem.truncated = True
        keep = keep[:max_nodes]
    kept = set(keep)
    # Left out by the bounds, not by a rule: shown as runners-up when explaining.
    problem.left_out = [ni for _, ni in single if ni not in kept][:6]
    problem.build = build
    return {ni: built[ni] if ni in built else build(ni) for ni in keep}


def _undominated_for_order(cands: list[Candidate], targets, order_kg) -> list[Candidate]:
    """A node's options minus those another option of the same node beats for this order.

    ``d`` beats ``c`` when it carries every line ``c`` carries, is not later, takes the whole
    order in one package, and its fixed part plus every unit ``c`` could carry at ``d``'s
    rate costs no more than ``c``'s fixed part alone: swapping ``c`` for ``d`` in any plan
    (or merging them when the plan has both) never scores worse, so the optimum keeps.
    """

    def beats(d: Candidate, c: Candidate) -> bool:
        if d.late_days > c.late_days or order_kg > d.option.max_weight:
            return False
        cost = d.fixed
        for li, unit in enumerate(c.unit):
            if unit is not None:
                if d.unit[li] is None:
                    return False
                have = c.avail[li]
                cost += d.unit[li] * (targets[li] if targets[li] < have else have)
        return cost <= c.fixed

    kept = []
    for i, c in enumerate(cands):
        if not any(
            beats(d, c) and (not beats(c, d) or k < i) for k, d in enumerate(cands) if k != i
        ):
            kept.append(c)
    return kept


def _forced_cost(rows, carried, targets, floor, w_unfulfilled) -> dict:
    """Nodes every plan needs: a line whose eligible stock is just enough needs each node
    holding it (or leaves a unit out). Returns node -> the least that costs (its floor, or a
    unit left out), and under ``None`` their sum: a lower bound of every plan's fixed parts."""
    forced: dict = {}
    for li, target in enumerate(targets):
        if not target:
            continue
        holders = [ni for ni, row in rows.items() if carried[ni] >> li & 1 and row[li]]
        if sum(rows[ni][li] for ni in holders) <= target:
            for ni in holders:
                forced[ni] = min(floor[ni], w_unfulfilled)
    if forced:
        forced[None] = sum(forced.values())
    return forced


def _line_needs(rows, carried, targets, floor) -> list[tuple[int, list[tuple[float, int]]]]:
    """Per line that takes several nodes: (how many nodes at least, its holders' floors
    cheapest first). The fewest nodes is what the largest stocks need to reach the target."""
    needs = []
    for li, target in enumerate(targets):
        if not target:
            continue
        holders = [(rows[ni][li], ni) for ni in rows if carried[ni] >> li & 1 and rows[ni][li]]
        stocks = sorted((q for q, _ in holders), reverse=True)
        count, got = 0, 0
        for q in stocks:
            if got >= target:
                break
            got += q
            count += 1
        if count >= 2:
            needs.append((count, sorted((floor[ni], ni) for _, ni in holders)))
    return needs


def _needs_bound(ni, needs, forced, w_unfulfilled) -> float:
    """Beyond node ``ni``'s own floor, the least any plan using ni pays: every forced node,
    plus, for the line needing the most further nodes, their cheapest floors (or a unit left
    out)."""
    base = forced.get(None, 0.0) - forced.get(ni, 0.0)
    most = 0.0
    for count, holders in needs:
        inside = sum(1 for _, nj in holders if nj == ni or nj in forced)
        extra = count - inside
        if extra <= 0:
            continue
        others = [f for f, nj in holders if nj != ni and nj not in forced]
        cost = sum(others[:extra]) if len(others) >= extra else math.inf
        most = max(most, min(cost, w_unfulfilled))
    return base + most


def _cheapest_two(line_floor, rows, carried, n_lines) -> list[list[tuple[float, int]]]:
    """Per line, the two lowest floors of nodes able to ship it: "another node" for any."""
    pairs: list[list[tuple[float, int]]] = [[] for _ in range(n_lines)]
    for ni, row in rows.items():
        mask = carried[ni]
        for li, pair in enumerate(pairs):
            if mask >> li & 1 and row[li]:
                pair.append((line_floor(ni, li), ni))
                if len(pair) > 2:
                    pair.sort()
                    pair.pop()
    return pairs


def _multi_bound(ni, row, mask, cheapest_two, lowest, targets, w, carried) -> float:
    """What a plan of two or more shipments using node ``ni`` pays beyond ni's own floor: for
    the worst line ni cannot fully serve, the cheaper of another node's floor and leaving the
    shortfall out; when no other node even holds all those lines, two more shipments (or a
    unit left out); when ni serves everything, the lowest floor of any second shipment."""
    need = 0.0
    rest = 0
    for li, target in enumerate(targets):
        have = row[li] if mask >> li & 1 else 0
        if target > have:
            rest |= 1 << li
            other = next((f for f, nj in sorted(cheapest_two[li]) if nj != ni), math.inf)
            need = max(need, min(other, w.unfulfilled * (target - have)))
    if (
        rest
        and need < 2 * lowest
        and need < w.unfulfilled
        and not any(nj != ni and not rest & ~other for nj, other in carried.items())
    ):
        need = max(need, min(2 * lowest, w.unfulfilled))
    return need or lowest


def _greedy_cover_score(
    problem, rows, carried, built, build, first, w, policy, floor, lateness
) -> float:
    """The score of an explicit plan: ``first`` plus the nodes closing the most shortfall,
    each shipping what it newly covers with its best option carrying all of it. An upper
    bound of the optimum (any feasible plan is), used to leave more nodes out."""
    targets = problem.targets
    n_lines = len(targets)
    limit = policy.max_packages or len(rows)
    chosen = [first]
    left = list(targets)
    plan_units: list[list[int]] = []
    for step in range(limit):
        ni = chosen[-1]
        units = [0] * n_lines
        row, mask = rows[ni], carried[ni]
        for li in range(n_lines):
            if left[li] and mask >> li & 1 and row[li]:
                units[li] = min(left[li], row[li])
                left[li] -= units[li]
        plan_units.append(units)
        if not any(left) or step + 1 == limit:
            break
        gains = []
        for nj, row_j in rows.items():
            if nj in chosen:
                continue
            mask_j = carried[nj]
            gain = sum(min(left[li], row_j[li]) for li in range(n_lines) if mask_j >> li & 1)
            if gain:
                # most shortfall closed first, then the cheapest and earliest node
                gains.append((-gain, floor[nj] + lateness[nj], nj))
        if not gains:
            break
        chosen.append(min(gains)[2])
    weights = [p.weight_kg for p in problem.products]
    total = w.unfulfilled * sum(left)
    late = 0
    packages = 0
    for ni, units in zip(chosen, plan_units, strict=False):
        if ni not in built:
            built[ni] = build(ni)
        best = None
        for cand in built[ni]:
            if any(q and cand.unit[li] is None for li, q in enumerate(units)):
                continue
            kg = sum(q * wk for q, wk in zip(units, weights, strict=True))
            option = cand.option
            count = 1 if kg <= option.max_weight else math.ceil(kg / option.max_weight - _EPS)
            cost = cand.fixed + (count - 1) * option.extra_package_score
            cost += sum(q * cand.unit[li] for li, q in enumerate(units) if q)
            key = (cost + w.lateness * cand.late_days, cost, count, cand.late_days)
            if best is None or key < best:
                best = key
        if best is None:
            return math.inf
        total += best[1]
        packages += best[2]
        late = max(late, best[3])
    if policy.max_packages is not None and packages > policy.max_packages:
        return math.inf
    return total + w.lateness * late


def _single_score(cand, targets, total, weights, w, max_packages) -> float:
    """The score of shipping everything this option can carry from it alone (as the search
    scores it), infinite when it breaks max_packages."""
    unit = cand.unit
    avail = cand.avail
    placed = 0
    units = 0.0
    kg = 0.0
    for li, u in enumerate(unit):
        if u is not None:
            take = avail[li] if avail[li] < targets[li] else targets[li]
            placed += take
            units += take * u
            kg += take * weights[li]
    if not placed:
        return math.inf
    option = cand.option
    count = 1 if kg <= option.max_weight else math.ceil(kg / option.max_weight - _EPS)
    if max_packages is not None and count > max_packages:
        return math.inf
    return (
        cand.fixed
        + (count - 1) * option.extra_package_score
        + units
        + w.unfulfilled * (total - placed)
        + w.lateness * cand.late_days
    )


def explain_exclusions(network, order, stock, problem, table, skip_nodes) -> list[Exclusion]:
    """Every node holding stock of the order that a rule ruled out, with the rule."""
    out: list[Exclusion] = []
    distances = network.node_distances(order.destination)
    seen: set[int] = set()
    for sku, product in zip(problem.skus, problem.products, strict=True):
        for node_id, qty in sorted((stock.get(sku) or {}).items()):
            ni = network.node_index.get(node_id)
            if qty < 1 or ni is None or ni in skip_nodes:
                continue
            rule = node_rule(network, order, table, ni)
            if rule is not None:
                if ni not in seen:
                    seen.add(ni)
                    out.append(Exclusion(node_id, rule, _detail(rule)))
                continue
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


def _detail(rule: str) -> str:
    return RULE_TEXT.get(rule, rule)
