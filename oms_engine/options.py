"""Shipping options: (node, carrier service) pairs with their dates and fixed score parts.

Their dates and fixed costs depend only on the destination zone, the service level and the
order's time bucket, so they live in an :class:`OptionTable` cached on the Network, built
lazily per node.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from datetime import date

from oms_engine.errors import InvalidInput
from oms_engine.model import Order, Product
from oms_engine.network import Network

_TABLE_LIMIT = 50_000
#: Shipping options kept in Network.option_pool before it starts again (the tables keep theirs).
_POOL_LIMIT = 100_000


class ShippingOption:
    """A node shipping with one carrier service, with its dates and its score parts. One object
    serves every node of a class of alike nodes (same dates, services, handling cost and
    priority, :meth:`OptionTable.pairs`): it keeps no node; a candidate does."""

    __slots__ = (
        "accepts_bulky",
        "cost_fixed",
        "cost_per_kg",
        "cost_per_package",
        "delivery",
        "delivery_date",
        "dg_classes",
        "extra_package_score",
        "fixed_static",
        "max_weight",
        "service",
        "ship",
        "ship_date",
        "unit_score_per_kg",
    )

    def __init__(self, network: Network, node: int, service: int, ship: int, delivery: int):
        w = network.policy.weights
        n = network.nodes[node]
        s = network.services[service]
        self.service = service
        self.ship = ship
        self.delivery = delivery
        # the dates a plan shows, made once per option rather than once per plan
        self.ship_date = date.fromordinal(ship)
        self.delivery_date = date.fromordinal(delivery)
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
        "_alike_runs",
        "_carrying",
        "_class_of",
        "_dates",
        "_earliest_for",
        "_eligible_for",
        "_first_nodes",
        "_floors",
        "_network",
        "_options",
        "_pairs",
        "_services",
        "_static_order",
        "_static_position",
        "earliest",
        "eligible",
        "moments",
        "ruled_out",
        "rules",
    )

    def __init__(self, network: Network, order: Order, transits: tuple) -> None:
        level_services = network.services_by_level.get(order.service_level)
        if level_services is None:
            raise InvalidInput("order.service_level", "must be one of standard, express")
        self._network = network
        # (service index, transit days) usable from each node: zone reached, origin accepted
        usable = [(si, transits[si]) for si in level_services if transits[si] is not None]
        services: list[tuple[tuple[int, int], ...]] = []
        rules: list[str | None] = []
        by_country: dict[str, tuple[tuple[int, int], ...]] = {}  # a node's services: its country's
        # Nodes alike in their dates (network.node_date_class: calendar, handling days, country,
        # cutoff, time zone), handling cost and priority have the same pairs, options and floor
        # (a store chain's stores: a few classes of a thousand nodes); -1: a node ruled out.
        classes: dict[tuple, int] = {}
        class_of: list[int] = []
        date_class = network.node_date_class
        for ni, node in enumerate(network.nodes):
            mine = by_country.get(node.country)
            if mine is None:
                mine = by_country[node.country] = tuple(
                    (si, t)
                    for si, t in usable
                    if not network.services[si].origin_countries
                    or node.country in network.services[si].origin_countries
                )
            rule = network.static_rule[ni]
            if rule is None and not mine:
                rule = "no_carrier_service"
            services.append(mine)
            rules.append(rule)
            if rule is None:
                alike = (date_class[ni], node.handling_cost, node.priority)
                class_of.append(classes.setdefault(alike, len(classes)))
            else:
                class_of.append(-1)
        # tuples, not lists: a tuple of ints (and of tuples of ints) the garbage collector
        # stops tracking, where its full collections walked two lists of a slot per node
        # per cached table (a fifth of what they walked at 1,000 nodes)
        self._class_of = tuple(class_of)
        self._services = tuple(services)
        self.rules: tuple[str | None, ...] = tuple(rules)
        self.eligible: dict[str, int] = {
            network.nodes[i].id: i for i, rule in enumerate(rules) if rule is None
        }
        #: the ids of the nodes a rule rules out (the network's nodes not in ``eligible``)
        self.ruled_out: frozenset[str] = frozenset(
            [network.nodes[i].id for i, rule in enumerate(rules) if rule is not None]
        )
        self._eligible_for: dict[tuple, dict[str, int]] = {}
        self._earliest_for: dict[tuple, int | None] = {}
        self._first_nodes: frozenset[int] | None = None
        self._carrying: dict[tuple, tuple[float, int, float]] = {}
        self.moments = {}
        # per class (see _class_of): options, pairs, floor
        self._options: dict[int, tuple[ShippingOption, ...]] = {-1: ()}
        self._pairs: dict[int, tuple[tuple[int, int, int, float], ...]] = {-1: ()}
        self._floors: dict[int, tuple[float, int]] = {-1: (math.inf, 0)}
        self._dates: dict[tuple, tuple[tuple[int, int], ...]] = {}  # see pairs()
        self._static_order: tuple[tuple[float, int], ...] | None = None
        self._static_position: dict[int, int] = {}
        self._alike_runs: dict | None = None
        self.earliest: int | None = _earliest(network, order, self)

    def node_class(self, ni: int) -> int:
        """The node's class of alike nodes in this table (same pairs, options and floor);
        -1 for a node ruled out."""
        return self._class_of[ni]

    def options(self, ni: int) -> tuple[ShippingOption, ...]:
        """The node's undominated shipping options (empty when it cannot ship); the same
        objects for every node of its class (an option keeps no node), and for every table
        and class whose option has the same service, dates, handling cost and priority."""
        cls = self._class_of[ni]
        found = self._options.get(cls)
        if found is None:
            network = self._network
            built = [
                ShippingOption(network, ni, si, ship, delivery)
                for si, ship, delivery, _ in self.pairs(ni)
            ]
            # One object per distinct option across the tables: a 3,000-order replay of a
            # 1,000-store network cached 56,383 options, 6,874 of them distinct, and the
            # garbage collector's full collections spent most of their time walking them
            # (15-30 ms each, in the orders they fell on: docs/benchmarks.md, the second mix)
            pool = network.option_pool
            if len(pool) > _POOL_LIMIT:
                pool.clear()
            node = network.nodes[ni]
            alike = (node.handling_cost, node.priority)
            found = self._options[cls] = tuple(
                [
                    pool.setdefault((o.service, o.ship, o.delivery, alike), o)
                    for o in _undominated(built)
                ]
            )
        return found

    def pairs(self, ni: int) -> tuple[tuple[int, int, int, float], ...]:
        """(service, ship day, delivery day, fixed score) of every (node, service) pair passing
        the rules, dominated or not: what the node's floor and the carrying bounds need, without
        building its options (the table's order reads the floor of every eligible node, an
        order builds the options of a few). The fixed score is ShippingOption's, same float.
        Computed once per class of alike nodes."""
        cls = self._class_of[ni]
        found = self._pairs.get(cls)
        if found is None:
            network = self._network
            w = network.policy.weights
            node = network.nodes[ni]
            rank = w.priority * node.priority
            services = self._services[ni]
            key = (network.node_date_class[ni], services)
            dates = self._dates.get(key)
            if dates is None:  # the same for every node of the date class (network.py)
                day, minute = self.moments[network.tz_group_of_node[ni]]
                dates = self._dates[key] = tuple(
                    network.ship_and_delivery(ni, si, day, minute, transit)
                    for si, transit in services
                )
            pairs = []
            for (si, _), (ship, delivery) in zip(services, dates, strict=True):
                cost_fixed = node.handling_cost + network.services[si].cost_per_package
                pairs.append((si, ship, delivery, w.packages + w.cost * cost_fixed + rank))
            found = self._pairs[cls] = tuple(pairs)
        return found

    def eligible_for(self, excluded: frozenset[str], skip: frozenset[int]) -> dict[str, int]:
        """``eligible`` minus the order's excluded nodes (ids) and ``skip`` (indexes), cached:
        the orders of a day share the few sets of nodes that reached their capacity."""
        if not excluded and not skip:
            return self.eligible
        key = (excluded, skip)
        try:
            found = self._eligible_for.get(key)
        except TypeError:  # a mutable set: not cached
            key, found = None, None
        if found is None:
            found = {
                node_id: ni
                for node_id, ni in self.eligible.items()
                if node_id not in excluded and ni not in skip
            }
            if key is not None:
                if len(self._eligible_for) > 64:
                    self._eligible_for.clear()
                self._eligible_for[key] = found
        return found

    def earliest_for(self, excluded: frozenset[str], skip: frozenset[int]) -> int | None:
        """The earliest delivery any node eligible for the order could make: ``earliest``
        without the order's excluded nodes (ids) and ``skip`` (indexes, e.g. a pickup store
        for its own transfers). Unchanged, and not recomputed, unless every node making the
        earliest delivery is left out; cached per set left out."""
        if not excluded and not skip:
            return self.earliest
        first = self._first_nodes
        if first is None:
            first = self._first_nodes = frozenset(
                ni for ni in self.eligible.values() if self.first_delivery(ni) == self.earliest
            )
        nodes = self._network.nodes
        if any(ni not in skip and nodes[ni].id not in excluded for ni in first):
            return self.earliest
        key = (excluded, skip)
        try:
            found = self._earliest_for.get(key, ...)
        except TypeError:  # a mutable set: not cached
            key, found = None, ...
        if found is ...:
            eligible = self.eligible_for(excluded, skip)
            found = min((self.first_delivery(ni) for ni in eligible.values()), default=None)
            if key is not None:
                if len(self._earliest_for) > 64:
                    self._earliest_for.clear()
                self._earliest_for[key] = found
        return found

    def static_order(self) -> tuple[tuple[float, int], ...]:
        """Eligible nodes by (lowest fixed score + lateness against ``earliest``, node index):
        the one-shipment bound without distance and cover, the same for every order of the
        table, computed once."""
        found = self._static_order
        if found is None:
            w_lateness = self._network.policy.weights.lateness
            target = self.earliest
            built = []
            for ni in self.eligible.values():
                cheapest, first = self.floor(ni)
                late = 0 if target is None or first <= target else first - target
                built.append((cheapest + w_lateness * late, ni))
            built.sort()
            # a tuple, not a list: once its pairs are, it is untracked by the garbage
            # collector, whose full collections walked a list per cached table (1,000 pairs
            # each at 1,000 nodes: most of what they took once the option objects were shared)
            found = self._static_order = tuple(built)
            self._static_position = {ni: i for i, (_, ni) in enumerate(found)}
        return found

    def alike_runs(self) -> dict[int, tuple[float, int, int, tuple[int, ...], tuple]]:
        """The runs of equal bound without distance of :meth:`static_order` whose nodes are
        all of one class of alike nodes (a network's stores, its DCs), by their first
        position: (that bound, the first position, the position after the run, its nodes by
        index, and their (cheapest fixed score, lateness score against ``earliest``), the
        same floats :meth:`floor` gives each). Computed once."""
        found = self._alike_runs
        if found is None:
            order = self.static_order()
            w_lateness = self._network.policy.weights.lateness
            target = self.earliest
            found = {}
            start, end = 0, len(order)
            while start < end:
                static = order[start][0]
                stop = bisect_right(order, (static, math.inf), start)
                nodes = tuple([ni for _, ni in order[start:stop]])
                if len({self._class_of[ni] for ni in nodes}) == 1:
                    cheapest, first = self.floor(nodes[0])
                    late = 0 if target is None or first <= target else first - target
                    found[start] = (static, start, stop, nodes, (cheapest, w_lateness * late))
                start = stop
            self._alike_runs = found
        return found

    def static_position(self) -> dict[int, int]:
        """Node index -> its place in :meth:`static_order` (eligible nodes only)."""
        if self._static_order is None:
            self.static_order()
        return self._static_position

    def carrying(self, product: Product) -> tuple[float, int, float]:
        """Over the eligible nodes' options accepting the product's class: the lowest fixed
        score, the earliest delivery day and the lowest score per kg, each on its own (lower
        bounds of any shipment carrying it). ``(inf, 0, inf)`` when none does. Cached per
        class."""
        key = (product.dangerous_class, product.bulky)
        found = self._carrying.get(key)
        if found is None:
            # Over every pair, not only the undominated options: an option dominating another
            # carries all it carries and is no dearer, no later, so the three minima are equal.
            network = self._network
            w_cost = network.policy.weights.cost
            per_kg_of = {}  # service -> its score per kg when it carries the product, else None
            for si, service in enumerate(network.services):
                carries = (
                    product.dangerous_class is None
                    or product.dangerous_class in service.accepts_dangerous
                ) and (service.accepts_bulky or not product.bulky)
                per_kg_of[si] = w_cost * service.cost_per_kg if carries else None
            fixed, first, per_kg = math.inf, 0, math.inf
            for ni in self.eligible.values():
                for si, _, delivery, fixed_static in self.pairs(ni):
                    unit = per_kg_of[si]
                    if unit is not None:
                        if fixed_static < fixed:
                            fixed = fixed_static
                        if first == 0 or delivery < first:
                            first = delivery
                        if unit < per_kg:
                            per_kg = unit
            found = self._carrying[key] = (fixed, first, per_kg)
        return found

    def floor(self, ni: int) -> tuple[float, int]:
        """(lowest fixed score, earliest delivery day) of the node's options, cached per
        class of alike nodes."""
        cls = self._class_of[ni]
        found = self._floors.get(cls)
        if found is None:
            found = self._floors[cls] = (self.cheapest(ni), self.first_delivery(ni))
        return found

    def cheapest(self, ni: int) -> float:
        """The lowest per-shipment fixed score of the node's options (a dominated option is
        no cheaper than the one dominating it: the minimum over every pair is the same)."""
        return min((fixed for _, _, _, fixed in self.pairs(ni)), default=math.inf)

    def first_delivery(self, ni: int) -> int:
        """The earliest delivery day of the node's options (over every pair, as above)."""
        return min((delivery for _, _, delivery, _ in self.pairs(ni)), default=0)


def _earliest(network: Network, order: Order, table: OptionTable) -> int | None:
    """The earliest delivery any eligible node could make: the default lateness target.

    Delivery dates only grow with the ship date, so per (service, transit, node calendar) only
    the earliest ship day matters; ship days repeat across zones and come from the cache.
    """
    for group, zone in enumerate(network.tz_zones):
        local = order.order_time.astimezone(zone)
        table.moments[group] = (local.toordinal(), local.hour * 60 + local.minute)
    first: dict[tuple[int, int, str], int] = {}
    seen = set()  # nodes of one date class with the same services make the same dates
    for ni in table.eligible.values():
        alike = (network.node_date_class[ni], table._services[ni])
        if alike in seen:
            continue
        seen.add(alike)
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
    """The cached option table for the order's service level, time bucket and the transit days
    of that level's services to the destination: a table reads no other service, so zones
    whose services of the level take equally long share it (187 -> 144 tables in a 10k-order
    replay of the benchmark's data)."""
    time_key = network.time_key(order.order_time)
    level = order.service_level
    transits = network.table_keys.get((destination_transits, level))
    if transits is None:
        level_services = network.services_by_level.get(level, ())
        transits = tuple([destination_transits[si] for si in level_services])
        if len(network.table_keys) > _TABLE_LIMIT:
            network.table_keys.clear()
        network.table_keys[(destination_transits, level)] = transits
    key = (transits, level, time_key)
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
