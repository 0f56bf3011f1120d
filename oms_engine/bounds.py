"""Node bounds: which nodes an order's search needs at all, before their options are built.

Any plan using node n scores at least n's floor (cheapest option's fixed part plus distance)
plus its lateness. One-shipment plans are scored cheapest bound first, a greedy cover gives a
multi-shipment incumbent, and a node stays only if some plan using it could still beat that.
"""

from __future__ import annotations

import math
from array import array
from typing import TYPE_CHECKING

from oms_engine.packing import never_left_out

if TYPE_CHECKING:
    from collections.abc import Sequence

    from oms_engine.candidates import Candidate

_EPS = 1e-9
#: Lines held at this many nodes or fewer count as rare for :func:`_apart_bound`.
_RARE = 12
#: Floors closer than this may round to the same plan score (6 decimals): kept together.
_TIE = 2e-6
#: Nodes the bounds leave out that an explanation names, best bound first (its runners-up
#: come from these, the kept nodes and the singles the search skipped).
LEFT_OUT = 6


def bound_nodes(network, problem, rows, carried, cover, table, distances, build, allow_split):
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

    table_floor = table.floor

    def bound_of(ni: int) -> tuple[float, int]:
        cheapest, first = table_floor(ni)
        late = 0 if target_day is None or first <= target_day else first - target_day
        # fixed parts add up over shipments, lateness does not (the latest counts): kept apart
        f = floor[ni] = cheapest + (w_distance * distances[ni] if distances is not None else 0.0)
        late_score = lateness[ni] = w_lateness * late
        # cover counts against quantities (targets may be lower): a weaker bound, still valid
        uncovered = total - cover[ni]
        return (f + late_score + w_unfulfilled * (uncovered if uncovered > 0 else 0), ni)

    # Nodes that hold everything first: usually one of them wins and the others never cost
    # more than a glance at their cover. Their bound without the distance part orders them,
    # so the distance is only computed for the few that could win. Against the table's own
    # lateness target that order is the same for every order of the table (cached there):
    # the walk stops at the first node that cannot win, without scanning the others.
    if target_day == table.earliest:
        by_static = table.static_order()
    else:
        by_static = sorted(_full_nodes(rows, carried, cover, total, table, target_day, w))
    built: dict[int, list[Candidate]] = {}
    best = math.inf
    best_node = None
    weights = problem.weights
    policy = network.policy

    def evaluate_node(ni: int) -> None:
        nonlocal best, best_node
        built[ni] = build(ni)
        for cand in built[ni]:
            score = _single_score(cand, targets, total, weights, w, policy.max_packages)
            if score < best:
                best, best_node = score, ni

    def evaluate_singles(bounds) -> None:
        for bound, ni in bounds:
            if bound > best + _EPS:
                break
            if ni not in built:
                evaluate_node(ni)

    single: list[tuple[float, int]] = []
    for static, ni in by_static:
        if static > best + _EPS:
            break  # the rest cost more even before their distance
        if ni not in rows or not carried[ni] or cover[ni] < total:
            continue  # not a node holding everything
        single.append(bound_of(ni))
        if single[-1][0] <= best + _EPS:
            evaluate_node(ni)
    least = network.min_shipment_score  # no shipment's fixed part is below it
    if (
        single
        and (
            _splits_lose(network, problem, table, best)
            or _two_floors_lose(rows, carried, floor, bound_of, best)
        )
        # a partial node leaves a unit out at least: often enough, without looking at them
        and (
            (w_unfulfilled > 0 and least + w_unfulfilled > best + _EPS)
            or least
            + w_unfulfilled * min(_uncovered(rows, carried, cover, total), default=math.inf)
            > best + _EPS
        )
    ):
        # No plan of two shipments and no partial node alone can beat the best single.
        problem.singles_suffice = True
        single.sort()
        keep = [ni for bound, ni in single if bound <= best + _EPS]
        problem.left_out = [ni for _, ni in single if ni not in keep][:LEFT_OUT]
        problem.build = build
        return {ni: built[ni] if ni in built else build(ni) for ni in keep}
    seen = {ni for _, ni in single}
    single.extend(
        bound_of(ni)
        for _, ni in _full_nodes(rows, carried, cover, total, table, target_day, w)
        if ni not in seen
    )
    single.extend(bound_of(ni) for ni in rows if carried[ni] and cover[ni] < total)
    if not single:
        return {}
    single.sort()
    if allow_split and best == math.inf and single[0][0] >= w_unfulfilled > 0:
        # No node ships everything alone: the nodes' single shipments all leave units out,
        # and evaluating them would build every node's options. A greedy cover from the
        # node covering most comes first; only the singles that could beat it are built.
        first = max(single, key=lambda item: (cover[item[1]], -item[0]))[1]
        greedy, picks = _greedy_cover(
            problem, rows, carried, built, build, first, w, policy, floor, lateness
        )
        if greedy < best:
            best = greedy
            problem.greedy = picks
    evaluate_singles(single)
    if best_node is not None and allow_split and best >= w_unfulfilled:
        # the best single shipment leaves units out: a greedy cover may do much better
        greedy, picks = _greedy_cover(
            problem, rows, carried, built, build, best_node, w, policy, floor, lateness
        )
        if greedy < best:
            best = greedy
            problem.greedy = picks  # the search starts from it (its score is at most greedy)
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

    holders = _holders(rows, carried, len(targets))
    forced = _forced_cost(holders, targets, floor, w_unfulfilled)
    needs = _line_needs(holders, targets, floor, forced)
    cheapest_two = None
    apart = []
    if min((len(h) for h in holders if h), default=_RARE + 1) <= _RARE:
        cheapest_two = _cheapest_two(line_floor, holders, floor, set(special))
        units = _unit_floors(problem, table, w)
        apart = _apart(holders, targets, cheapest_two)
        if apart:
            apart = _Apart(apart, targets, cheapest_two, units, w_unfulfilled)
    covering: dict[int, list[int]] = {}
    keep = []
    promise: dict[int, float] = {}  # the least a plan using the node was shown to score
    for bound, ni in single:
        own = floor[ni] + lateness[ni]
        least = _needs_bound(ni, needs, forced, w_unfulfilled) + own
        if least > best + _EPS:
            continue
        if bound <= best + _EPS:
            keep.append(ni)
            promise[ni] = bound
            continue
        if apart:
            beside = apart.bound(ni, rows[ni], carried[ni], lateness[ni])
            if beside + own > best + _EPS:
                continue
            least = max(least, beside + own)
        if single_only or floor[ni] + lateness[ni] + second > best + _EPS:
            continue
        if cheapest_two is None:
            cheapest_two = _cheapest_two(line_floor, holders, floor, set(special))
            units = _unit_floors(problem, table, w)
        multi = _multi_bound(
            ni,
            rows[ni],
            carried[ni],
            cheapest_two,
            lowest,
            targets,
            w,
            carried,
            covering,
            units,
            lateness[ni],
        )
        if floor[ni] + lateness[ni] + multi <= best + _EPS:
            keep.append(ni)
            promise[ni] = max(least, floor[ni] + lateness[ni] + multi)
    max_nodes = policy.budget.max_nodes
    if len(keep) > max_nodes:
        # Alike stores holding the same units of the order: only the cheapest few can be
        # in a plan that wins; the nodes every plan needs and the greedy cover's stay.
        picked = {cand.node for cand in problem.greedy or ()}
        cheapest = set(_cheapest_alike(keep, rows, carried, targets, table, floor, lateness, best))
        keep = [ni for ni in keep if ni in cheapest or ni in picked or ni in forced]
    if len(keep) > max_nodes:
        # Past the budget, the nodes every plan needs and those of the greedy cover (the
        # search's first plan) stay, then those whose plans could score least.
        problem.truncated = True
        picked = {cand.node for cand in problem.greedy or ()}
        must = [ni for ni in keep if ni in forced or ni in picked]
        rest = sorted((promise[ni], ni) for ni in keep if ni not in forced and ni not in picked)
        keep = must + [ni for _, ni in rest[: max(0, max_nodes - len(must))]]
    if len(keep) > 2:
        problem.cheaper_alike = _cheaper_alike(keep, rows, carried, targets, table, floor)
    kept = set(keep)
    # Left out by the bounds, not by a rule: shown as runners-up when explaining.
    problem.left_out = [ni for _, ni in single if ni not in kept][:LEFT_OUT]
    problem.build = build
    return {ni: built[ni] if ni in built else build(ni) for ni in keep}


def _alike_groups(nodes, rows, carried, targets, table, floor) -> list[list[tuple[float, int]]]:
    """``nodes`` in groups of alike nodes, each sorted by (floor, node): the same services
    and dates (:meth:`OptionTable.pairs`), the same lines carried and the same units of each
    line up to its target. Such nodes differ only by a constant per shipment (handling cost,
    priority and distance, all in the node's ``floor``): a plan using one of them with some
    service scores that constant less with a node of lower floor, the same service (or its
    option dominating that one for the order) and the same units, when it uses no option of
    that node yet."""
    # grouped by their rows first (a copy in C), then by the rows capped at the targets
    by_row: dict[tuple, list[tuple[float, int]]] = {}
    dates_of: dict[int, tuple] = {}  # class of alike nodes -> its (service, ship, delivery)
    node_class, pairs = table.node_class, table.pairs
    for ni in nodes:
        cls = node_class(ni)
        dates = dates_of.get(cls)
        if dates is None:
            dates = dates_of[cls] = tuple([(si, ship, dv) for si, ship, dv, _ in pairs(ni)])
        key = (dates, carried[ni], tuple(rows[ni]))
        found = by_row.get(key)
        if found is None:
            by_row[key] = [(floor[ni], ni)]
        else:
            found.append((floor[ni], ni))
    groups: dict[tuple, list[tuple[float, int]]] = {}
    for (dates, mask, row), members in by_row.items():
        units = tuple([t if t < have else have for t, have in zip(targets, row, strict=True)])
        groups.setdefault((dates, mask, units), []).extend(members)
    for members in groups.values():
        members.sort()
    return list(groups.values())


def _cheapest_alike(keep, rows, carried, targets, table, floor, lateness, best) -> list[int]:
    """``keep`` without the alike nodes (:func:`_alike_groups`) no plan at most ``best``
    needs: a plan using k nodes of a group does as well with the k of least floor. It uses
    no more of them than the units of the lines they hold (each ships one at least), and only
    as many as their floors, added up from the least with their lateness once, stay within
    ``best``. Floors within :data:`_TIE` of the last kept stay too, so a plan tied on its
    rounded score keeps its node ids. Order of ``keep`` kept."""
    kept = set()
    for members in _alike_groups(keep, rows, carried, targets, table, floor):
        if len(members) == 1:
            kept.add(members[0][1])
            continue
        row, mask = rows[members[0][1]], carried[members[0][1]]
        most = sum(t for li, t in enumerate(targets) if row[li] and mask >> li & 1)
        total = lateness[members[0][1]]
        last = members[0][0]
        for i, (f, ni) in enumerate(members):
            total += f
            if i and f > last + _TIE and (i >= most or total > best + _EPS):
                break
            kept.add(ni)
            last = f
    return [ni for ni in keep if ni in kept]


def _cheaper_alike(keep, rows, carried, targets, table, floor) -> dict[int, tuple[int, ...]]:
    """Per node of ``keep`` with alike nodes of lower floor (by more than :data:`_TIE`), those
    nodes: the search's symmetry (:meth:`oms_engine.search.Search._dfs`)."""
    out: dict[int, tuple[int, ...]] = {}
    for members in _alike_groups(keep, rows, carried, targets, table, floor):
        if len(members) < 2:
            continue
        for i, (f, ni) in enumerate(members):
            below = tuple([m for fm, m in members[:i] if fm + _TIE < f])
            if below:
                out[ni] = below
    return out


class WalkTrace:
    """What the whole-order walk (:func:`whole_order_nodes`) saw, for an explained order it
    settles: every group of equal bound without distance it entered, as its (bound, node)
    pairs sorted, or their bounds and nodes (:func:`kept_run`); the best
    single score it found and the candidates it built (node -> candidates); with the walk's
    ``holds_all`` and ``build`` (see :func:`whole_order_nodes`).
    :func:`oms_engine.candidates.settled_as_bound_nodes` reads them to give the candidates
    and explanation :func:`bound_nodes` would, without the stock scan."""

    __slots__ = ("best", "build", "built", "groups", "holds_all")

    def __init__(self) -> None:
        self.groups: list[list[tuple[float, int]] | tuple[Sequence[float], Sequence[int]]] = []
        self.best = math.inf
        self.built: dict[int, list[Candidate]] = {}
        self.holds_all = None
        self.build = None


def whole_order_nodes(
    network, problem, table, distances, build, walk, holds_all, order_kg, give_up=None,
    trace=None,
):  # fmt: skip
    """The first step of :func:`bound_nodes` alone, for an order whose lines are all held by
    some node: ``walk`` is the table's order (:meth:`OptionTable.static_order`), or the part
    of it that may hold everything, and ``holds_all(ni)`` tells whether ni holds every line
    and may ship it (reading only that node's stock). The nodes holding everything are walked
    in that order, then the same proof that no split and no partial node can win follows,
    with the same arithmetic. ``order_kg``: the kg of the order's units
    (:func:`oms_engine.candidates.order_weight`, the float the builder uses too). ``None`` when
    the proof fails or no node holds everything: the caller then scans the stock and runs
    :func:`bound_nodes`. ``give_up``: how many nodes the walk builds before it gives up
    (returns ``None``) unless the best of them already beats every split; ``None``: no cap.
    The cap of an order that may take the bounded path (:data:`oms_engine.large.WALK_BUILDS`):
    a walk that fails after building hundreds of stores costs such an order 2-10 ms.
    ``trace``: a :class:`WalkTrace` to fill, or ``None``."""
    w = network.policy.weights
    targets = problem.targets
    total = sum(targets)
    target_day = problem.target_day
    weights = problem.weights
    max_packages = network.policy.max_packages
    w_distance, w_lateness, w_unfulfilled = w.distance, w.lateness, w.unfulfilled
    built: dict[int, list[Candidate]] = {}
    # per node walked, per candidate: (score, packages), None past max_packages; what the
    # single-shipment search would evaluate again (see search.best_scored_single)
    scored: dict[int, list[tuple[float, int] | None]] = {}
    plain = True  # every score below is _evaluate_single's float (no dangerous/bulky gap)
    best = math.inf
    single: list[tuple[float, int]] = []
    known = distances.known if distances is not None else None
    # A node walked here holds every unit: an option carrying every line ships all of them,
    # so its single score (as _single_score adds it up, float for float) needs only its
    # per-unit part; the weight (order_kg) and the units left out (none) are the order's.
    no_unit_out = w_unfulfilled * 0
    late_weight = w.lateness
    lines = range(len(targets))
    heaviest = max(weights, default=0.0)
    whole_least: dict[int, float] = {}  # class of alike nodes -> _least_shipping_all
    # Runs of the table's own order to a located destination whose nodes are all alike
    # have their order by bound kept for the destination's next orders (kept_run).
    runs = table.alike_runs() if type(walk) is tuple and distances is not None else None
    start, end = 0, len(walk)
    while start < end:
        static = walk[start][0]
        if static > best + _EPS:
            break  # the rest cost more even before their distance
        # Nodes of equal bound without distance (e.g. the DCs, then the stores, of a network
        # with one cost per kind) are built nearest first: the first is usually the best, and
        # the others' distance then proves they cannot win before they are built.
        # Whether a node holds everything is asked in that order too, and only until a node
        # cannot win: the nodes built, and the holders kept, are the same as when every node
        # of the group is asked first (a holder after the stop cannot win either).
        head = runs.get(start) if runs else None
        if head is not None and head[2] - start >= _KEPT_RUN:
            seen = kept_run(head, table, distances, w)
            pairs = zip(*seen, strict=True)
            start = head[2]
        else:
            group = []
            stop = start
            if known is not None and walk[-1][0] == static and known[walk[start][1]] < 0.0:
                # the last group (often most nodes), for a destination not met before
                distances.fill([ni for _, ni in walk[start:]])
            while stop < end and walk[stop][0] == static:
                ni = walk[stop][1]
                stop += 1
                cheapest, first = table.floor(ni)
                late = 0 if target_day is None or first <= target_day else first - target_day
                if known is None:
                    f = cheapest + 0.0
                else:
                    km = known[ni]
                    f = cheapest + w_distance * (km if km >= 0.0 else distances[ni])
                # covers everything (if it holds everything): as bound_of
                group.append((f + w_lateness * late + w_unfulfilled * 0, ni))
            start = stop
            group.sort()
            seen = pairs = group
        if trace is not None:
            trace.groups.append(seen)
        for bound, ni in pairs:
            if bound > best + _EPS:
                break
            if best < math.inf:
                # the bound above leaves out what the units cost by the kg: with it (the
                # least over the class's options, shared by alike stores), the stores around
                # the nearest one of a 1,000-store network prove they cannot win unbuilt
                cls = table.node_class(ni)
                least = whole_least.get(cls)
                if least is None:
                    least = whole_least[cls] = _least_shipping_all(
                        table.options(ni), order_kg, heaviest, w_unfulfilled, w_lateness,
                        target_day,
                    )  # fmt: skip
                if distances is not None:
                    km = known[ni]
                    least += w_distance * (km if km >= 0.0 else distances[ni])
                if least - 1e-9 * (1.0 + abs(least)) > best + _EPS:
                    continue
            if not holds_all(ni):
                continue
            if len(built) == give_up and not _splits_lose(network, problem, table, best):
                return None
            single.append((bound, ni))
            built[ni] = cands = build(ni)
            scored[ni] = scores = []
            for cand in cands:
                unit = cand.unit
                if None in unit:  # a dangerous or bulky line this option does not carry
                    plain = False
                    score = _single_score(cand, targets, total, weights, w, max_packages)
                else:
                    units = 0.0
                    for target, u in zip(targets, unit, strict=True):
                        units += target * u
                    option = cand.option
                    count = 1
                    if order_kg > option.max_weight:
                        count = math.ceil(order_kg / option.max_weight - _EPS)
                        # several packages: shipping everything is the option's best only
                        # if leaving a unit out never pays (else the search packs it)
                        if plain and not never_left_out(
                            unit, lines, weights, w_unfulfilled, option.extra_package_score,
                            option.max_weight,
                        ):  # fmt: skip
                            plain = False
                    if max_packages is not None and count > max_packages:
                        plain = False  # the search packs what one option may send
                        scores.append(None)
                        continue
                    if plain and option.unit_score_per_kg * heaviest > w_unfulfilled:
                        plain = False  # a unit costs more to ship than to leave out
                    score = (
                        cand.fixed
                        + (count - 1) * option.extra_package_score
                        + units
                        + no_unit_out
                        + late_weight * cand.late_days
                    )
                    scores.append((score, count))
                if score < best:
                    best = score
    least = network.min_shipment_score
    if not (
        single
        and _splits_lose(network, problem, table, best)
        and w_unfulfilled > 0
        and least + w_unfulfilled > best + _EPS
    ):
        return None
    problem.singles_suffice = True
    if trace is not None:
        trace.best = best
        trace.built = built
    single.sort()
    keep = [ni for bound, ni in single if bound <= best + _EPS]
    if len(keep) == 1 and keep[0] in scored:  # the usual answer: one node
        if plain:
            problem.scores = scored[keep[0]]
        return {keep[0]: built[keep[0]]}
    if plain and all(ni in scored for ni in keep):
        # aligned with the candidates as prepare() lists them: by node, then as built
        problem.scores = [score for ni in sorted(keep) for score in scored[ni]]
    return {ni: built[ni] if ni in built else build(ni) for ni in keep}


#: Runs of this many nodes or more have their order by bound kept per destination
#: (:func:`kept_run`); a shorter one costs less to bound again than to keep and look up.
_KEPT_RUN = 64
#: Option tables per destination whose runs' orders by bound are kept (:func:`kept_run`):
#: a destination's orders mostly fall in one time bucket, so one table.
_WALK_TABLES = 2


def kept_run(head, table, distances, w) -> tuple[Sequence[float], Sequence[int]]:
    """The (bound, node) pairs of a run of alike nodes of the table's own order (``head``:
    one of :meth:`OptionTable.alike_runs`) to a located destination, as the walk of
    :func:`whole_order_nodes` bounds them (the same floats), sorted, as their bounds and
    nodes. They depend on the table and the destination alone: from the second order of a
    destination and table on (most destinations are met once), they are kept on the
    destination's distances (two arrays, a few bytes a node), and the next order to the
    same place reads them instead of bounding every node of the run again. The destinations
    kept are bounded by the network, :data:`_WALK_TABLES` tables each."""
    start, _, nodes, parts = head[1:]
    walks = distances.walks
    if walks is None:
        walks = distances.walks = {}
    kept = walks.get(table)
    if kept is None:
        if len(walks) >= _WALK_TABLES:
            walks.clear()
        walks[table] = kept = {}
    found = kept.get(start)  # None: never met; False: met once
    if found:
        return found
    w_distance = w.distance
    zero = w.unfulfilled * 0  # covers everything (if it holds everything): as bound_of
    known = distances.known
    if known[nodes[0]] < 0.0 or known[nodes[-1]] < 0.0:
        distances.fill(nodes)  # a destination not met before: in one loop
    # one class of alike nodes: one floor and lateness (as the walk works them out per node)
    cheapest, lateness = parts
    keys = [
        cheapest + w_distance * (km if (km := known[ni]) >= 0.0 else distances[ni])
        + lateness + zero
        for ni in nodes
    ]  # fmt: skip
    # nodes come by index: a stable sort by bound is the order of (bound, node)
    order = sorted(range(len(nodes)), key=keys.__getitem__)
    bounds = [keys[i] for i in order]
    nodes = [nodes[i] for i in order]
    if found is None:
        kept[start] = False  # kept from the next order to the same place on
        return bounds, nodes
    found = kept[start] = (array("d", bounds), array("i", nodes))
    return found


def _least_shipping_all(options, order_kg, heaviest, w_unfulfilled, w_lateness, target_day):
    """A lower bound, distance aside, of a single shipment of every target unit (``order_kg``)
    by one of ``options``: its fixed part, its lateness, and its score per kg times the kg
    when no unit costs more to ship than to leave out (else a unit may stay out: the units
    then count nothing)."""
    least = math.inf
    for option in options:
        delivery = option.delivery
        late = 0 if target_day is None or delivery <= target_day else delivery - target_day
        part = option.fixed_static + w_lateness * late
        per_kg = option.unit_score_per_kg
        if per_kg * heaviest <= w_unfulfilled:
            part += per_kg * order_kg
        if part < least:
            least = part
    return least


def _splits_lose(network, problem, table, best) -> bool:
    """Whether every plan of two shipments or more scores above ``best``: two shipments' fixed
    parts alone usually tell (the split floor starts from them and only grows), else the
    split floor does."""
    return (
        2 * network.min_shipment_score > best + _EPS
        or _split_floor(network, problem, table) > best + _EPS
    )


def _split_floor(network, problem, table) -> float:
    """A lower bound of every plan of two shipments or more.

    Fixed parts: two shipments', none below the network's cheapest; for a dangerous or bulky
    line, one of them ships it with a service accepting its class (no cheaper, no earlier
    than the cheapest and the earliest such service) or the whole line stays out. Units: each
    unit shipped pays at least the lowest per-kg score of a service able to carry it, each
    unit left out pays ``unfulfilled``; the parts add up, as in the score.
    """
    least = network.min_shipment_score
    w = network.policy.weights
    w_unfulfilled = w.unfulfilled
    target_day = problem.target_day
    units = 0.0
    fixed = 2 * least
    plain = None  # what carries a product of no class: the same for every such line
    for product, target in zip(problem.products, problem.targets, strict=True):
        if not target:
            continue
        if product.dangerous_class is None and not product.bulky:
            if plain is None:
                plain = table.carrying(product)
            cheapest, first, per_kg = plain
        else:
            cheapest, first, per_kg = table.carrying(product)
        if cheapest == math.inf:
            units += w_unfulfilled * target  # no service takes it: it stays out
            continue
        unit = per_kg * product.weight_kg
        line_units = target * (unit if unit < w_unfulfilled else w_unfulfilled)
        units += line_units
        if product.dangerous_class is not None or product.bulky:
            late = 0 if target_day is None or first <= target_day else first - target_day
            carrying = cheapest + w.lateness * late + least
            left_out = 2 * least + w_unfulfilled * target - line_units
            bound = carrying if carrying < left_out else left_out
            if bound > fixed:
                fixed = bound
    return fixed + units


def _two_floors_lose(rows, carried, floor, bound_of, best) -> bool:
    """Whether every plan of two shipments or more scores above ``best``: each shipment pays
    at least its node's floor (cheapest fixed part plus distance), a node shipping twice pays
    it twice, and only nodes holding a line of the order ship anything."""
    lowest = math.inf
    for ni in rows:
        if carried[ni]:
            if ni not in floor:
                bound_of(ni)
            if floor[ni] < lowest:
                lowest = floor[ni]
    return 2 * lowest > best + _EPS


def _full_nodes(rows, carried, cover, total, table, target_day, w) -> list[tuple[float, int]]:
    """(bound without distance, node) of the nodes able to cover the whole order alone."""
    full = []
    for ni in rows:
        if carried[ni] and cover[ni] >= total:
            cheapest, first = table.floor(ni)
            late = 0 if target_day is None or first <= target_day else first - target_day
            full.append((cheapest + w.lateness * late, ni))
    return full


def _uncovered(rows, carried, cover, total):
    """Units each partial node cannot cover."""
    return [total - cover[ni] for ni in rows if carried[ni] and cover[ni] < total]


def undominated_for_order(cands: list[Candidate], targets, reach) -> list[Candidate]:
    """A node's options minus those another option of the same node beats for this order.

    ``reach``: the kg of every unit the node could ship for the order. ``d`` beats ``c``
    when it carries every line ``c`` carries, is not later, takes ``reach`` in one package,
    and costs no more than ``c`` for any content of ``c``: its fixed part is no higher, and
    with every unit ``c`` could carry, at each one's rate (both grow linearly with the kg,
    ``c`` by packages besides), it costs no more than ``c`` does without a second package.
    Swapping ``c`` for ``d`` in any plan (or merging them when the plan has both: one
    package takes it all) never scores worse nor adds a package, so the optimum keeps.
    """

    def beats(d: Candidate, c: Candidate) -> bool:
        if d.late_days > c.late_days or reach > d.option.max_weight or d.fixed > c.fixed:
            return False
        cost = d.fixed
        own = c.fixed
        for li, unit in enumerate(c.unit):
            if unit is not None:
                if d.unit[li] is None:
                    return False
                have = c.avail[li]
                take = targets[li] if targets[li] < have else have
                cost += d.unit[li] * take
                own += unit * take
        return cost <= own

    kept = []
    for i, c in enumerate(cands):
        if not any(
            beats(d, c) and (not beats(c, d) or k < i) for k, d in enumerate(cands) if k != i
        ):
            kept.append(c)
    return kept


def undominated_parts(parts: list[tuple[float, int, float | None, float]]) -> list[int]:
    """Indexes of the options no other option beats, from each option's (fixed part, late
    days, load, line): line is its fixed part plus the node's units at its per-unit cost,
    load the same when they fit one package of it (``None`` otherwise). ``d`` beats ``c``
    when it is not later, takes the units in one package, and costs no more for any part of
    them: its fixed part is no higher, and its load no more than ``c``'s line (both grow
    linearly with the kg, ``c`` by packages besides). Of two options beating each other the
    first stays."""
    kept = []
    for i, (c_fixed, c_late, c_load, c_line) in enumerate(parts):
        for k, (d_fixed, d_late, d_load, d_line) in enumerate(parts):
            if k == i or d_load is None or d_late > c_late or d_fixed > c_fixed:
                continue
            if d_load > c_line:
                continue
            # d beats c; c survives only if it beats d back and comes first
            if c_load is None or c_late > d_late or c_fixed > d_fixed or c_load > d_line:
                break
            if k < i:
                break
        else:
            kept.append(i)
    return kept


def _holders(rows, carried, n_lines) -> list[list[tuple[int, int]]]:
    """Per line, (node, units) of the nodes that may ship it, in one pass over the nodes."""
    holders: list[list[tuple[int, int]]] = [[] for _ in range(n_lines)]
    for ni, row in rows.items():
        mask = carried[ni]
        while mask:  # the node's lines only, lowest first (a node holds a few of them)
            low = mask & -mask
            li = low.bit_length() - 1
            mask ^= low
            if row[li]:
                holders[li].append((ni, row[li]))
    return holders


def _forced_cost(holders, targets, floor, w_unfulfilled) -> dict:
    """Nodes every plan needs: a line whose eligible stock is just enough needs each node
    holding it (or leaves a unit out). Returns node -> the least that costs (its floor, or a
    unit left out), and under ``None`` their sum: a lower bound of every plan's fixed parts."""
    forced: dict = {}
    for li, target in enumerate(targets):
        if not target:
            continue
        here = holders[li]
        if sum(have for _, have in here) <= target:
            for ni, _ in here:
                forced[ni] = min(floor[ni], w_unfulfilled)
    if forced:
        forced[None] = sum(forced.values())
    return forced


def _line_needs(holders, targets, floor, forced) -> list[tuple]:
    """Per line that takes several nodes: how many nodes at least (what its largest stocks need
    to reach the target), how many of its holders are forced, its other holders, and the
    cheapest of those (floor, node), enough for any node's bound."""
    needs = []
    for li, target in enumerate(targets):
        if not target:
            continue
        here = holders[li]
        stocks = sorted((have for _, have in here), reverse=True)
        count, got = 0, 0
        for q in stocks:
            if got >= target:
                break
            got += q
            count += 1
        if count >= 2:
            free = [ni for ni, _ in here if ni not in forced]
            cheapest = sorted((floor[ni], ni) for ni in free)[: count + 1]
            needs.append((count, len(here) - len(free), set(free), cheapest))
    return needs


class _Apart:
    """:func:`_apart_bound` with its answers kept for the nodes that hold none of the rare
    lines: for those it depends only on what they lack of each and on their lateness, which
    most stores of a large network share."""

    __slots__ = ("args", "holding", "known", "lines")

    def __init__(self, apart, targets, cheapest_two, units, w_unfulfilled):
        self.lines = apart
        self.args = (targets, cheapest_two, units, w_unfulfilled)
        self.holding = frozenset().union(*(nodes for _, nodes in apart))
        self.known: dict[tuple, float] = {}

    def bound(self, ni, row, mask, late) -> float:
        targets = self.args[0]
        if ni in self.holding:
            return _apart_bound(ni, row, mask, self.lines, *self.args, late)
        key = [late]
        for li, _ in self.lines:
            have = row[li] if mask >> li & 1 else 0
            key.append(targets[li] - have if targets[li] > have else 0)
        key = tuple(key)
        found = self.known.get(key)
        if found is None:
            found = self.known[key] = _apart_bound(ni, row, mask, self.lines, *self.args, late)
        return found


def _apart(holders, targets, cheapest_two) -> list[tuple[int, frozenset]]:
    """Per line held at :data:`_RARE` nodes or fewer, (the line, its holders as a set of
    nodes), the lines with the fewest holders first and, among those, the dearest to serve
    first (a bulky line before a plain one at the same node): the data of
    :func:`_apart_bound`. Lines held more widely are left out: holder sets that large rarely
    avoid each other."""
    out = []
    for li, target in enumerate(targets):
        here = holders[li]
        if target and here and len(here) <= _RARE:
            out.append((len(here), -cheapest_two[li][0][0], li, frozenset(ni for ni, _ in here)))
    out.sort()
    return [(li, nodes) for _, _, li, nodes in out]


def _apart_bound(ni, row, mask, apart, targets, cheapest_two, units, w_unfulfilled, late):
    """Beyond node ``ni``'s own floor and lateness (``late``), the least a plan using ni pays:
    every unit its least (``units``, from :func:`_unit_floors`); and the lines ni cannot
    fully serve need another node each - lines whose other holders are all different need
    different nodes. Over such lines, picked greedily (rarest first): the cheapest other
    holder's floor for that line (a dangerous or bulky line's service, from
    ``cheapest_two``), or leaving the shortfall out when that is cheaper (what
    ``unfulfilled`` adds to the units' floor); and once, the lateness the earliest service
    carrying one of the lines served adds to ni's (a plan shipping it is that late)."""
    per_unit, units_total, late_of = units
    total = units_total
    bonus = 0.0
    taken: list[frozenset] = []
    for li, nodes in apart:
        have = row[li] if mask >> li & 1 else 0
        if targets[li] <= have:
            continue
        others = nodes - {ni} if ni in nodes else nodes
        if not others or any(not others.isdisjoint(t) for t in taken):
            continue
        pair = cheapest_two[li]
        cheapest = pair[0][0] if pair[0][1] != ni else (pair[1][0] if len(pair) > 1 else math.inf)
        out = (w_unfulfilled - per_unit[li]) * (targets[li] - have)
        taken.append(others)
        extra = late_of[li] - late if late_of[li] > late else 0.0
        if cheapest + extra <= out:
            total += cheapest
            if extra > bonus:
                bonus = extra
        else:
            total += cheapest if cheapest < out else out
    return total + bonus


def _needs_bound(ni, needs, forced, w_unfulfilled) -> float:
    """Beyond node ``ni``'s own floor, the least any plan using ni pays: every forced node,
    plus, for the line needing the most further nodes, their cheapest floors (or a unit left
    out)."""
    base = forced.get(None, 0.0) - forced.get(ni, 0.0)
    most = 0.0
    for count, forced_holders, free, cheapest in needs:
        mine = ni in free
        extra = count - forced_holders - mine
        if extra <= 0:
            continue
        if len(free) - mine < extra:
            cost = math.inf
        else:
            cost = sum([f for f, nj in cheapest if nj != ni][:extra])
        most = max(most, min(cost, w_unfulfilled))
    return base + most


def _cheapest_two(line_floor, holders, floor, special) -> list[list[tuple]]:
    """Per line, the two lowest floors of nodes able to ship it: "another node" for any."""
    pairs = []
    for li, here in enumerate(holders):
        # the two least (floor, node) pairs, as sorted()[:2] gives them (nodes are distinct,
        # so no two pairs are equal), without sorting the ~40 holders of a line
        first = second = None
        for ni, _ in here:
            item = (line_floor(ni, li) if li in special else floor[ni], ni)
            if first is None or item < first:
                first, second = item, first
            elif second is None or item < second:
                second = item
        pairs.append([] if first is None else [first] if second is None else [first, second])
    return pairs


def _unit_floors(problem, table, w) -> tuple[list[float], float, list[float]]:
    """Per line, the least one of its units pays in any plan: shipped, the lowest per-kg score
    of a service able to carry it times its weight (as :func:`_split_floor` counts it); left
    out, ``unfulfilled``; the cheaper of the two. With their sum over the targets, and per
    line the lateness score of the earliest service able to carry it (a plan shipping any of
    the line is at least that late)."""
    per_unit = []
    total = 0.0
    late_of = []
    w_unfulfilled = w.unfulfilled
    target_day = problem.target_day
    for product, target in zip(problem.products, problem.targets, strict=True):
        _, first, per_kg = table.carrying(product)
        unit = per_kg * product.weight_kg if per_kg < math.inf else w_unfulfilled
        unit = unit if unit < w_unfulfilled else w_unfulfilled
        per_unit.append(unit)
        total += target * unit
        late = 0 if target_day is None or first <= target_day else first - target_day
        late_of.append(w.lateness * late)
    return per_unit, total, late_of


def _multi_bound(
    ni, row, mask, cheapest_two, lowest, targets, w, carried, covering, units, late
) -> float:
    """What a plan of two or more shipments using node ``ni`` pays beyond ni's own floor and
    lateness. Every unit pays at least its line's unit floor (``units``, from
    :func:`_unit_floors`: their sum is part of the bound), a unit left out pays ``unfulfilled``,
    that much more than its floor. Then, for the worst line ni cannot fully serve, the cheaper
    of another node's floor and leaving the shortfall out (beyond the units' floors); when no
    other node even holds all those lines, two more shipments (or a unit left out); when ni
    serves everything, the lowest floor of any second shipment. Another node shipping part of
    a line makes the plan at least as late as the earliest service carrying the line: what
    that adds to ni's own lateness ``late`` is counted with that node's floor. Fixed parts,
    units' costs and the lateness add up in the score, so the parts add up in the bound.
    ``covering`` memoises, per set of lines, up to two nodes holding them all (per order)."""
    per_unit, units_total, late_of = units
    need = 0.0
    rest = 0
    w_unfulfilled = w.unfulfilled
    left_out = w_unfulfilled  # the least a unit of those lines pays beyond its floor, left out
    for li, target in enumerate(targets):
        have = row[li] if mask >> li & 1 else 0
        if target > have:
            rest |= 1 << li
            pair = cheapest_two[li]
            if pair and pair[0][1] != ni:
                other = pair[0][0]
            elif len(pair) > 1:
                other = pair[1][0]
            else:
                other = math.inf
            if late_of[li] > late:
                other += late_of[li] - late
            beyond = w_unfulfilled - per_unit[li]
            if beyond < left_out:
                left_out = beyond
            gap = beyond * (target - have)
            if other < gap:
                gap = other
            if gap > need:
                need = gap
    if rest and need < 2 * lowest and need < left_out:
        holders = covering.get(rest)
        if holders is None:
            holders = covering[rest] = [nj for nj, other in carried.items() if not rest & ~other][
                :2
            ]
        if not any(nj != ni for nj in holders):
            need = max(need, min(2 * lowest, left_out))
    return (need or lowest) + units_total


def _greedy_cover(
    problem, rows, carried, built, build, first, w, policy, floor, lateness
) -> tuple[float, list[Candidate]]:
    """The score of an explicit plan: ``first`` plus the nodes closing the most shortfall,
    each shipping what it newly covers with its best option carrying all of it. An upper
    bound of the optimum (any feasible plan is), used to leave more nodes out; returned with
    the plan's candidates (one per shipment), infinite with none when it has no such plan."""
    targets = problem.targets
    n_lines = len(targets)
    limit = policy.max_packages or len(rows)
    chosen = [first]
    left = list(targets)
    plan_units: list[list[int]] = []
    for step in range(limit):
        plan_units.append(_take(rows[chosen[-1]], carried[chosen[-1]], left))
        if not any(left) or step + 1 == limit:
            break
        gains = []
        open_lines = [li for li in range(n_lines) if left[li]]
        open_mask = sum(1 << li for li in open_lines)
        for nj, row_j in rows.items():
            mask_j = carried[nj]
            if not mask_j & open_mask or nj in chosen:
                continue
            gain = 0
            for li in open_lines:
                if mask_j >> li & 1:
                    have, short = row_j[li], left[li]
                    gain += have if have < short else short
            if gain:
                # most shortfall closed first, then the cheapest and earliest node
                gains.append((-gain, floor[nj] + lateness[nj], nj))
        if not gains:
            break
        chosen.append(min(gains)[2])
    chosen, plan_units, left = drop_redundant(chosen, plan_units, left, rows, carried, targets,
                                              floor)  # fmt: skip
    return cover_plan(problem, chosen, plan_units, left, built, build, w, policy)


def drop_redundant(chosen, plan_units, left, rows, carried, targets, floor):
    """A greedy cover (``chosen`` nodes, what each ships, what is ``left``) without the nodes
    picked early that those picked after them cover for (dearest first), the units handed out
    again, cheapest node first."""
    if len(chosen) > 2:
        kept = _without_redundant(chosen, rows, carried, targets, floor)
        if len(kept) < len(chosen):
            chosen = sorted(kept, key=lambda ni: (floor[ni], ni))
            left = list(targets)
            plan_units = [_take(rows[ni], carried[ni], left) for ni in chosen]
    return chosen, plan_units, left


def cover_plan(problem, chosen, plan_units, left, built, build, w, policy):
    """The score of the plan shipping ``plan_units`` (units per line) from each node of
    ``chosen``, each with its best option carrying all of them, ``left`` units out; with the
    plan's candidates (one per shipment). Infinite with none when a node has no option
    carrying its units or the plan breaks ``max_packages``. ``built`` caches ``build``."""
    weights = problem.weights
    total = w.unfulfilled * sum(left)
    late = 0
    packages = 0
    picks: list[Candidate] = []
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
                best, pick = key, cand
        if best is None:
            return math.inf, []
        picks.append(pick)
        total += best[1]
        packages += best[2]
        late = max(late, best[3])
    if policy.max_packages is not None and packages > policy.max_packages:
        return math.inf, []
    return total + w.lateness * late, picks


def _take(row, mask, left) -> list[int]:
    """What a node ships of what is ``left`` (its units per line, taken out of ``left``)."""
    units = [0] * len(left)
    for li, short in enumerate(left):
        if short and mask >> li & 1 and row[li]:
            units[li] = short if short < row[li] else row[li]
            left[li] = short - units[li]
    return units


def _without_redundant(chosen, rows, carried, targets, floor) -> list[int]:
    """``chosen`` without the nodes the others cover for: dearest floor first, a node goes
    when the rest still cover as many units of every line."""

    def covered(nodes):
        out = []
        for li, target in enumerate(targets):
            have = 0
            for ni in nodes:
                if carried[ni] >> li & 1:
                    have += rows[ni][li]
            out.append(target if target < have else have)
        return out

    full = covered(chosen)
    kept = list(chosen)
    for ni in sorted(chosen, key=lambda n: (-floor[n], n)):
        rest = [n for n in kept if n != ni]
        if rest and covered(rest) == full:
            kept = rest
    return kept


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
