"""Routing and promise: an order in, a plan out (data -> constraints -> objective -> search).

:func:`route` reads the order, builds its candidates (:mod:`oms_engine.candidates`), searches
(:mod:`oms_engine.search`) and turns the winning set into shipments with their explanation.
Pickup orders are sourced to the pickup store, with transfers routed by the same code with the
store as destination. :func:`promise` is :func:`route` for a basket, so a checkout promise is
the date routing will keep.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, MutableMapping
from datetime import datetime

from oms_engine import large
from oms_engine.candidates import (
    OrderProblem,
    aggregate_lines,
    line_rule,
    prepare,
    shortage_reason,
)
from oms_engine.errors import InvalidInput
from oms_engine.model import (
    Destination,
    Explanation,
    Order,
    OrderLine,
    Plan,
    Promise,
    RunnerUp,
    Score,
    Shipment,
    Stock,
    Unfulfilled,
)
from oms_engine.network import Network, day_of
from oms_engine.options import option_table
from oms_engine.packing import package_count
from oms_engine.pickup import route_pickup
from oms_engine.rounding import round3, round6
from oms_engine.search import (
    Evaluation,
    Search,
    best_scored_single,
    best_single,
    scored_single_winner,
)


def route(network: Network, order: Order, stock: Stock, *, explain: bool = True) -> Plan:
    """Route one order: the best plan under the policy's hard constraints, with explanation.

    ``stock`` (sku -> node id -> sellable units) is read, never changed; call :func:`deplete`
    to take the plan's quantities out. ``explain=False`` skips the excluded-node list and the
    runner-up plans, for the hot path; the shipments are the same either way.
    """
    _check_order(network, order)
    try:
        if order.delivery_mode == "pickup":
            return route_pickup(
                network, order, stock, explain=explain, route_shipping=route_shipping
            )
        return route_shipping(network, order, stock, explain=explain)
    except (OverflowError, ValueError) as exc:  # int() of an infinite or NaN stock figure
        if not isinstance(exc, InvalidInput):
            _check_stock(order, stock)
        raise


def route_shipping(
    network: Network,
    order: Order,
    stock: Stock,
    *,
    explain: bool,
    skip_nodes: frozenset[int] = frozenset(),
    kind: str = "delivery",
    to_node: str | None = None,
) -> Plan:
    """Route an order shipped by carrier (to the customer, or as a transfer to a store)."""
    problem = prepare(network, order, stock, explain=explain, skip_nodes=skip_nodes)
    result = None
    if problem.singles_suffice and not explain:
        # the search's answer, for less: from the scores of the whole-order walk if it has them
        if problem.scores is not None:
            won = scored_single_winner(problem, network.policy)
            if won is not None and won[1] is not None and _plain_whole(problem):
                return _whole_order_plan(network, order.id, problem, won, kind, to_node)
            result = best_scored_single(problem, network.policy)
        else:
            result = best_single(problem, network.policy)
    if result is None:
        if problem.bounded and len(problem.skus) <= large.SMALL_LINES:
            policy = large.bounded_policy(network.policy, large.SMALL_STEPS)
            result = Search(problem, policy, order.allow_split).run(explain)
        elif problem.bounded:
            policy = large.bounded_policy(network.policy, large.SEARCH_STEPS)
            search = Search(problem, policy, order.allow_split)
            result = search.run_bounded(explain, large.BOUNDED_TRIES)
        else:
            result = Search(problem, network.policy, order.allow_split).run(explain)
    best = result.best
    shipments, score = _shipments_and_score(network, problem, best, kind, to_node)
    unfulfilled: tuple[Unfulfilled, ...] = ()
    if score.unfulfilled_units:  # else every line was placed in full: nothing to report
        unfulfilled = tuple(_unfulfilled(network, order, stock, problem, best, skip_nodes))
    notes: list[str] = []
    runners: tuple[RunnerUp, ...] = ()
    if explain:
        runners = _runners_up(network, problem, best, result.runners_up, score)
        if result.method != "exact" and not problem.bounded:  # its own note below
            notes.append(
                f"search budget of {network.policy.budget.max_steps} steps exceeded: "
                "plan completed greedily and may not be optimal"
            )
        if problem.bounded:
            notes.append(
                f"a large order ({problem.bounded:,} stock records for its lines): its nodes"
                " were chosen greedily, those covering most of it first, and the plan may not"
                " be optimal"
            )
        if problem.truncated:
            notes.append(
                f"only the {network.policy.budget.max_nodes} most promising nodes were searched"
                " (budget max_nodes): the plan may not be optimal"
            )
    if explain or problem.excluded:
        target = day_of(problem.target_day) if problem.target_day is not None else None
        explanation = Explanation(tuple(problem.excluded), runners, target, tuple(notes))
    else:
        explanation = _bare_explanation(problem.target_day)
    if len(shipments) == 1:
        promised = shipments[0].promised_date
    else:
        promised = max(days) if (days := [s.promised_date for s in shipments]) else None
    return _new_plan(
        order.id,
        _status(shipments, unfulfilled),
        shipments,
        unfulfilled,
        score,
        explanation,
        "greedy-fallback" if problem.truncated or problem.bounded else result.method,
        result.steps,
        promised,
    )


def _plain_whole(problem: OrderProblem) -> bool:
    """Whether the plan is one shipment of every line in full with nothing else to report:
    the whole-order walk's problems (no unknown SKU, nothing excluded or truncated)."""
    return problem.whole and not (problem.unknown or problem.excluded or problem.truncated)


def _whole_order_plan(network, order_id, problem: OrderProblem, won, kind, to_node) -> Plan:
    """The plan of an order the whole-order walk settled on one shipment: the winning
    candidate ships every line in full. The same plan, field for field and float for float,
    as the search result's way (:func:`_shipments_and_score` on a one-option evaluation
    placing every target unit), without the evaluation."""
    steps, j = won
    cand = problem.candidates[j]
    packages = problem.scores[j][1]
    option = cand.option
    lines = []
    kg = 0
    for sku, q, wk in zip(problem.skus, problem.targets, problem.weights, strict=True):
        lines.append(_new_line(sku, q))
        kg += q * wk
    cost = option.cost_fixed + (packages - 1) * option.cost_per_package
    cost += option.cost_per_kg * kg
    node = network.nodes[cand.node]
    shipment = _shipment(node, network.services[option.service], cand, option, lines, packages,
                         kg, cost, kind, to_node)  # fmt: skip
    # as _shipments_and_score sums them over one shipment, every unit placed
    late = cand.late_days if cand.late_days > 0 else 0
    score = _score(network, packages, 0.0 + cost, late, 0.0 + cand.distance_km, node.priority, 0)
    return _new_plan(
        order_id,
        "complete",
        (shipment,),
        (),  # unfulfilled
        score,
        _bare_explanation(problem.target_day),
        "exact",
        steps,
        shipment.promised_date,
    )


def _fast_constructor(cls):
    """A positional constructor of a frozen, slotted dataclass without defaults in the way:
    the same object as ``cls(*args)``, its slots filled through their descriptors instead of
    ``object.__setattr__`` (half the cost; the plans of the hot path build several per order).
    Only for classes without ``__post_init__``."""
    names = [f.name for f in dataclasses.fields(cls)]
    assert not hasattr(cls, "__post_init__"), cls
    scope = {"new": object.__new__, "cls": cls}
    scope.update({f"set_{n}": getattr(cls, n).__set__ for n in names})
    body = "".join(f"    set_{n}(o, {n})\n" for n in names)
    code = f"def make({', '.join(names)}):\n    o = new(cls)\n{body}    return o\n"
    exec(code, scope)  # generated from the dataclass's own field names
    make = scope["make"]
    make.__doc__ = f"{cls.__name__}(...) with every field given, in field order."
    return make


_new_plan = _fast_constructor(Plan)
_new_shipment = _fast_constructor(Shipment)


def _shipment(node, service, cand, option, lines, packages, kg, cost, kind, to_node) -> Shipment:
    """One shipment of a plan, its figures rounded as the plan reports them."""
    return _new_shipment(
        node.id,  # node
        service.id,  # carrier_service
        service.carrier,
        tuple(lines),
        option.ship_date,
        option.delivery_date,  # promised_date
        packages,
        round6(kg),  # weight_kg
        round6(cost),  # cost
        round3(cand.distance_km),  # distance_km
        kind,
        to_node,
    )


_new_score = _fast_constructor(Score)
_new_line = _fast_constructor(OrderLine)

#: explain=False plans share their (immutable) explanation per target day (an ordinal)
_BARE_EXPLANATIONS: dict[int | None, Explanation] = {}


def _bare_explanation(target_day: int | None) -> Explanation:
    found = _BARE_EXPLANATIONS.get(target_day)
    if found is None:
        if len(_BARE_EXPLANATIONS) > 4096:
            _BARE_EXPLANATIONS.clear()
        target = day_of(target_day) if target_day is not None else None
        found = _BARE_EXPLANATIONS[target_day] = Explanation((), (), target, ())
    return found


def _check_order(network: Network, order: Order) -> None:
    if order.service_level not in network.services_by_level:
        raise InvalidInput("order.service_level", "must be one of standard, express")
    if order.delivery_mode not in ("ship", "pickup"):
        raise InvalidInput("order.delivery_mode", "must be one of ship, pickup")
    if order.delivery_mode == "pickup" and not order.pickup_node:
        raise InvalidInput("order.pickup_node", "is required for a pickup order")
    if order.order_time.tzinfo is None or order.order_time.utcoffset() is None:
        raise InvalidInput("order.order_time", "must be timezone-aware")
    if not order.lines:
        raise InvalidInput("order.lines", "must not be empty")


def _check_stock(order: Order, stock: Stock) -> None:
    """Name the stock figure of the order's SKUs that is not a finite number, if any."""
    for line in order.lines:
        for node_id, qty in (stock.get(line.sku) or {}).items():
            if isinstance(qty, bool) or not isinstance(qty, (int, float)) or not math.isfinite(qty):
                raise InvalidInput(f"stock[{line.sku!r}][{node_id!r}]", "must be a finite number")


def _status(shipments, unfulfilled) -> str:
    if not unfulfilled:
        return "complete"
    return "partial" if shipments else "unfulfilled"


def _shipments_and_score(network, problem: OrderProblem, ev: Evaluation, kind, to_node):
    """The plan's shipments and its score, weighing each shipment once for both."""
    skus = problem.skus
    weights = problem.weights
    nodes, services = network.nodes, network.services
    shipments = []
    packages_total = 0
    cost_total = 0.0
    distance = 0.0
    priority = 0
    placed = 0
    for j in ev.key:
        cand = problem.candidates[j]
        option = cand.option
        units = ev.alloc[j]
        lines = []
        kg = 0
        for li, q in enumerate(units):
            if q:
                lines.append(_new_line(skus[li], q))
                kg += q * weights[li]
                placed += q
        packages = ev.packages[j]
        packages_total += packages
        cost = option.cost_fixed + (packages - 1) * option.cost_per_package
        cost += option.cost_per_kg * kg
        cost_total += cost
        distance += cand.distance_km
        node = nodes[cand.node]
        priority += node.priority
        service = services[option.service]
        shipment = _shipment(node, service, cand, option, lines, packages, kg, cost, kind, to_node)
        shipments.append(shipment)
    units_out = sum(problem.quantities) + sum(q for _, q in problem.unknown) - placed
    return tuple(shipments), _score(
        network, packages_total, cost_total, ev.late_days, distance, priority, units_out
    )


def _unfulfilled(network, order, stock, problem: OrderProblem, ev: Evaluation, skip_nodes):
    for sku, qty in problem.unknown:
        yield Unfulfilled(sku, qty, "unknown_sku")
    placed = [0] * len(problem.skus)
    for units in ev.alloc.values():
        for li, q in enumerate(units):
            placed[li] += q
    for li, sku in enumerate(problem.skus):
        qty = problem.quantities[li]
        target = problem.targets[li]
        if target > placed[li]:
            reason = _left_out_reason(network, order, stock, problem, ev, li, skip_nodes)
            yield Unfulfilled(sku, target - placed[li], reason)
        if qty > target:
            reason = "insufficient_stock"
            if not target:
                product = problem.products[li]
                reason = shortage_reason(network, order, stock, sku, product, skip_nodes)
            yield Unfulfilled(sku, qty - target, reason)


def _left_out_reason(network, order, stock, problem: OrderProblem, ev: Evaluation, li, skip):
    """Why units of a line that eligible stock holds stay out of the plan: one more unit
    would need a shipment the order forbids (``split_not_allowed``), or more packages than
    the policy allows (``max_packages``: the fewest it would add, in a shipment of the plan
    or a new one from any eligible node with a unit left, take the plan past the cap), or
    else it would score worse than leaving it out (``not_worth_shipping``)."""
    cands = problem.candidates
    weights = problem.weights
    wk = weights[li]
    taken: dict[int, int] = {}  # node -> units of the line the plan takes there
    for j, units in ev.alloc.items():
        taken[cands[j].node] = taken.get(cands[j].node, 0) + units[li]
    fewest = math.inf  # packages one more unit adds at least
    for j in ev.key:
        cand = cands[j]
        if cand.unit[li] is None or cand.avail[li] <= taken.get(cand.node, 0):
            continue
        kg = 0.0
        for q, w in zip(ev.alloc[j], weights, strict=True):
            kg += q * w
        added = package_count(kg + wk, cand.option.max_weight) - ev.packages[j]
        fewest = added if added < fewest else fewest
    if fewest == math.inf and not order.allow_split and ev.key:
        return "split_not_allowed"
    if order.allow_split or not ev.key:
        added = _own_shipment_packages(network, order, stock, problem, li, taken, skip)
        fewest = added if added < fewest else fewest
    cap = network.policy.max_packages
    if cap is not None and fewest < math.inf and sum(ev.packages.values()) + fewest > cap:
        return "max_packages"
    return "not_worth_shipping"


def _own_shipment_packages(network, order, stock, problem, li, taken, skip) -> float:
    """The fewest packages a shipment of one unit of the line takes from an eligible node with
    a unit left beyond the plan's (``math.inf``: none)."""
    dest = order.destination
    table = option_table(network, order, network.transit_days(dest.country, dest.postal_code))
    eligible = table.eligible_for(order.excluded_nodes, skip)
    distances = network.node_distances(dest)
    product = problem.products[li]
    wk = problem.weights[li]
    fewest = math.inf
    for node_id, qty in (stock.get(problem.skus[li]) or {}).items():
        ni = eligible.get(node_id)
        if (
            ni is None
            or qty - taken.get(ni, 0) < 1
            or line_rule(network, table, ni, product, distances)
        ):
            continue
        for option in table.options(ni):
            if option.carries(product):
                added = package_count(wk, option.max_weight)
                fewest = added if added < fewest else fewest
    return fewest


def score_of(network, problem: OrderProblem, ev: Evaluation) -> Score:
    """The weighted score breakdown of an evaluated plan (every unit not placed counts)."""
    packages = sum(ev.packages.values())
    cost = 0.0
    distance = 0.0
    priority = 0
    for j in ev.key:
        cand = problem.candidates[j]
        option = cand.option
        units = ev.alloc[j]
        kg = sum(q * p.weight_kg for q, p in zip(units, problem.products, strict=True))
        cost += option.cost_fixed + (ev.packages[j] - 1) * option.cost_per_package
        cost += option.cost_per_kg * kg
        distance += cand.distance_km
        priority += network.nodes[cand.node].priority
    placed = sum(sum(units) for units in ev.alloc.values())
    units_out = sum(problem.quantities) + sum(q for _, q in problem.unknown) - placed
    return _score(network, packages, cost, ev.late_days, distance, priority, units_out)


def _score(network, packages, cost, late_days, distance, priority, units_out) -> Score:
    w = network.policy.weights
    # The parts counted in whole things repeat from plan to plan (one package, no day late,
    # no unit out): they and their roundings are kept per Network (a node's priority is an
    # int; its type is in the key so that 1 and 1.0 never share an entry).
    counts = (packages, late_days, priority, units_out, priority.__class__)
    counted = network.score_counts.get(counts)
    if counted is None:
        if len(network.score_counts) > 4096:
            network.score_counts.clear()
        by_count = (
            w.packages * packages,
            w.lateness * late_days,
            w.priority * priority,
            w.unfulfilled * units_out,
        )
        counted = network.score_counts[counts] = (*by_count, *[round6(p) for p in by_count])
    by_packages, by_lateness, by_priority, by_units = counted[:4]
    parts = (
        by_packages,
        w.cost * cost,
        by_lateness,
        w.distance * distance,
        by_priority,
        by_units,
    )
    return _new_score(
        round6(sum(parts)),  # total
        counted[4],  # packages
        round6(parts[1]),  # cost
        counted[5],  # lateness
        round6(parts[3]),  # distance
        counted[6],  # priority
        counted[7],  # unfulfilled
        packages,  # package_count
        round6(cost),  # cost_amount
        late_days,
        round3(distance),  # distance_km
        units_out,  # unfulfilled_units
    )


_COMPONENTS = ("packages", "cost", "lateness", "distance", "priority", "unfulfilled")


def _runner_up(network, problem, ev: Evaluation, chosen: Score) -> RunnerUp:
    score = score_of(network, problem, ev)
    delta = {k: round(getattr(score, k) - getattr(chosen, k), 6) for k in _COMPONENTS}
    delta["total"] = round(score.total - chosen.total, 6)
    nodes = tuple(network.nodes[problem.candidates[j].node].id for j in ev.key)
    services = tuple(network.services[problem.candidates[j].option.service].id for j in ev.key)
    worse = sorted((k for k in _COMPONENTS if delta[k] > 0), key=lambda k: -delta[k])
    reason = ", ".join(f"{k} +{delta[k]:g}" for k in worse) or "equal score, lost the tie-break"
    return RunnerUp(nodes, score, delta, reason, services)


def _runners_up(network, problem, best: Evaluation, evaluated, chosen: Score):
    """Up to three runners-up, one per set of nodes other than the chosen plan's: the same
    nodes with another carrier service tell a back-office user nothing new."""

    def nodes_of(ev):
        return tuple(problem.candidates[j].node for j in ev.key)

    shown = {nodes_of(best)}
    out = []
    for ev in evaluated:
        if nodes_of(ev) in shown:
            continue
        shown.add(nodes_of(ev))
        out.append(_runner_up(network, problem, ev, chosen))
        if len(out) == 3:
            break
    return tuple(out)


def promise(
    network: Network,
    lines: Iterable[OrderLine] | Iterable[tuple[str, int]],
    destination: Destination,
    at: datetime,
    stock: Stock,
    service_level: str = "standard",
) -> Promise:
    """The delivery date routing would keep for these SKUs to this destination, ordered ``at``.

    Runs :func:`route` on the basket, so the promise and the later routing agree for the same
    stock; ``delivery_date`` is ``None`` when nothing can be shipped.
    """
    order_lines = tuple(
        line if isinstance(line, OrderLine) else OrderLine(line[0], line[1]) for line in lines
    )
    order = Order("promise", order_lines, destination, at, service_level=service_level)
    plan = route(network, order, stock, explain=False)
    return Promise(plan.status, plan.promised_date, plan.shipments, plan.unfulfilled, plan.method)


def deplete(stock: MutableMapping[str, MutableMapping[str, float]], plan: Plan) -> None:
    """Take the plan's shipped quantities out of ``stock`` (in place)."""
    for shipment in plan.shipments:
        for line in shipment.lines:
            per_node = stock[line.sku]
            per_node[shipment.node] = per_node[shipment.node] - line.quantity


def stock_from_rows(rows: Iterable[tuple[str, str, float]]) -> dict[str, dict[str, float]]:
    """Build the stock mapping from ``(node_id, sku, sellable)`` rows (duplicates add up)."""
    stock: dict[str, dict[str, float]] = {}
    for node, sku, qty in rows:
        per_node = stock.setdefault(sku, {})
        per_node[node] = per_node.get(node, 0) + qty
    return stock


__all__ = ["aggregate_lines", "deplete", "promise", "route", "stock_from_rows"]
