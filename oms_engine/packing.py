"""Packing an order's units into a fixed set of shipping options when weight makes packages.

For a set of options (one shipment each) every per-shipment part of the score is fixed; what
is left is the units. Each unit pays its option's per-unit score (per kg times its weight) or,
left out, ``unfulfilled``; a shipment of ``kg`` kilograms goes as ``ceil(kg / max_weight)``
packages, each beyond its first paying the option's ``extra_package_score``; the policy allows
at most ``max_packages`` packages in all.

The search (:mod:`oms_engine.search`) fills each line from its cheapest options first. When
that allocation needs no package beyond each shipment's first and stays within the cap, it is
the optimum (every unit pays the least it can, nothing else is paid). Otherwise weight is
what decides, and :func:`best_packing` finds the optimum by dynamic programming over the
lines: a state is the kilograms each option carries so far; a line moves every state by each
way its units can be spread over the options that carry it (within each node's stock) or left
out; states that cannot beat the best allocation known (their cost so far, the packages their
weight already needs and the cheapest way to place the remaining lines) are dropped, and so
are states another one beats on cost with no more weight on any option. The work is counted
in steps (one state moved by one spread), against a budget: past it, the caller keeps the
allocation it had and reports the plan as a fallback.
"""

from __future__ import annotations

import math

_EPS = 1e-9


def package_count(kg: float, max_weight: float) -> int:
    """Packages of a shipment of ``kg`` kilograms (at least one), as the score counts them."""
    return 1 if kg <= max_weight else math.ceil(kg / max_weight - _EPS)


def never_left_out(unit, lines, weights, w_unfilled, extra, max_weight) -> bool:
    """Whether leaving any unit of these lines out of a shipment of this option can never pay:
    a unit left out pays ``unfulfilled`` instead of its per-unit score, and saves at most the
    packages its own weight fills (``ceil(weight / max_weight)``; the packages of a shipment
    are subadditive in its weight). When that is no more than what the unit saves for every
    line, shipping all it can is the best the option can do with them."""
    for li in lines:
        wk = weights[li]
        if w_unfilled - unit[li] < extra * (1 if wk <= max_weight else math.ceil(wk / max_weight)):
            return False
    return True


def package_floor(shipments, kg, widest, extra, drop, cap=None) -> float:
    """A lower bound of what packages beyond each shipment's first cost ``shipments``
    shipments carrying ``kg`` kilograms, units left out to avoid them included: ``widest`` is
    the largest package weight of their services and ``extra`` the least an extra package
    scores, so ``i`` packages carry at most ``i * widest`` kg; ``drop`` is the least a kg left
    out costs beyond shipping it (``math.inf`` when every unit must ship); ``cap``: at most
    that many packages (``None``: no cap). Packages are whole: the least, over every count of
    packages, of its extra packages plus the kg it leaves out."""
    if kg <= shipments * widest + _EPS:
        return 0.0
    top = math.ceil(kg / widest - _EPS)
    if cap is not None and top > cap:
        top = cap
        if shipments > cap:
            return math.inf
    elif not extra:
        return 0.0
    if top - shipments > 64:  # a linear bound is enough that far
        rate = extra / widest if extra / widest < drop else drop
        return rate * (kg - shipments * widest)
    best = math.inf
    for count in range(shipments, top + 1):
        cost = extra * (count - shipments)
        left = kg - count * widest
        if left > _EPS:
            if drop == math.inf:
                continue
            cost += drop * left
        if cost < best:
            best = cost
    return best


def cheapest_out(items, need: float) -> float:
    """The least that leaving whole units out costs, when at least ``need`` kg must stay out:
    ``items`` per line ``(units, kg per unit, cost per unit left out)``. A covering knapsack,
    by dynamic programming over the lines on (kg out, cost) pairs none beats; ``math.inf``
    when all the units together weigh less than ``need``."""
    if need <= _EPS:
        return 0.0
    front = [(0.0, 0.0)]  # (kg out, cost), kg capped at need
    for units, kg, cost in items:
        if kg <= 0 or units <= 0:
            continue
        grown = []
        for have, paid in front:
            for q in range(units + 1):
                out = have + q * kg
                grown.append((out if out < need else need, paid + q * cost))
                if out >= need:
                    break
        grown.sort(key=lambda pair: (-pair[0], pair[1]))
        front = []
        least = math.inf
        for out, paid in grown:  # most kg first: keep those cheaper than every heavier one
            if paid < least:
                front.append((out, paid))
                least = paid
        if len(front) > 256:  # keep the bound cheap: a coarser front stays a lower bound
            front = _coarser(front, need)
    return min((paid for out, paid in front if out >= need - _EPS), default=math.inf)


def _coarser(front, need):
    """A front of at most ~64 pairs, each rounding its kg up to a 64th of ``need``: a
    relaxation (more kg out for the same cost), so the result stays a lower bound."""
    step = need / 64
    best: dict[int, float] = {}
    for out, paid in front:
        slot = math.ceil(out / step - _EPS)
        if paid < best.get(slot, math.inf):
            best[slot] = paid
    return [(min(need, slot * step), paid) for slot, paid in best.items()]


def extras_floor(options, kg, drops, room) -> float:
    """A lower bound of what packages beyond each shipment's first, and units left out to
    avoid them, cost a set of options shipping ``kg`` kilograms (a linear relaxation:
    packages counted in fractions, units left out in fractions of their weight).

    ``options``: per option ``(max_weight, extra_package_score, kg it could carry)``; each
    carries up to ``max_weight`` in its first package at no extra cost, and more at
    ``extra_package_score`` per ``max_weight``. ``drops``: per line ``(score per kg of leaving
    it out rather than shipping it, kg that may be left out)``, empty when every unit must be
    shipped. ``room``: kg the packages allowed beyond each option's first carry at most
    (``math.inf`` without a package cap).

    Returns the bound and the dearest rate per kg it used (0.0 when it used none): another
    option's capacity lowers the bound by that much per kg at most. ``(math.inf, math.inf)``
    when nothing can take the weight."""
    free = 0.0
    ways = []
    for max_weight, extra, most in options:
        free += max_weight if max_weight < most else most
        if most > max_weight:
            ways.append((extra / max_weight, most - max_weight, True))
    excess = kg - free
    if excess <= _EPS:
        return 0.0, 0.0
    ways.extend((rate, amount, False) for rate, amount in drops)
    ways.sort()
    cost = 0.0
    for rate, amount, paid in ways:
        if paid:
            if room <= 0:
                continue
            amount = amount if amount < room else room
        take = excess if excess < amount else amount
        if paid:
            room -= take
        cost += rate * take
        excess -= take
        if excess <= _EPS:
            return cost, rate
    return math.inf, math.inf


class PackBudget:
    """What an order may spend packing (steps of :func:`best_packing`), and whether a packing
    was cut short (the plan is then reported as a fallback)."""

    __slots__ = ("cut", "left")

    def __init__(self, steps: int) -> None:
        self.left = steps
        self.cut = False


class _OutOfSteps(Exception):
    pass


def best_packing(opts, lines, w_unfilled, max_packages, must_ship, ceiling, budget):
    """The cheapest allocation of the lines over the options, packages included.

    ``opts``: per option ``(node, max_weight, extra_package_score)``. ``lines``: per line
    ``(line index, target, kg per unit, carriers)``, ``carriers`` being ``(option position,
    per-unit score, units its node holds)`` for the options that carry the line; options of
    one node share its stock. Every option counts at least one package against
    ``max_packages`` (``None``: no cap), as it would in a plan shipping from all of them.
    ``must_ship``: every unit the options can take is shipped (the caller proved leaving one
    out never pays), so only such spreads are tried. ``ceiling``: only allocations costing
    less are of interest (units, units left out and extra packages; fixed parts aside).

    Returns ``(cost, spreads)`` with per line its ``((option position, units), ...)``, or
    ``None`` when no allocation costs less than ``ceiling``. Raises nothing on a spent
    budget: returns ``None`` and marks ``budget.cut``.
    """
    try:
        return _search(opts, lines, w_unfilled, max_packages, must_ship, ceiling, budget)
    except _OutOfSteps:
        budget.cut = True
        return None


def _search(opts, lines, w_unfilled, max_packages, must_ship, ceiling, budget):
    k = len(opts)
    caps = [m for _, m, _ in opts]
    extras = [e for _, _, e in opts]
    menus = []
    for li, target, wk, carriers in lines:
        spreads = _spreads(carriers, target, w_unfilled, must_ship, budget)
        menus.append((li, wk, spreads))
    # Lines with one way to go first (they only move every state), then the heaviest: the
    # packages they make show early, where they prune most.
    menus.sort(key=lambda m: (len(m[2]) > 1, -m[1] * max(1, len(m[2])), m[0]))
    n = len(menus)
    rest = [0.0] * (n + 1)  # the least the lines from here on cost (their cheapest spread)
    heavy = [0.0] * (n + 1)  # kg their cheapest spreads place (must_ship: every spread does)
    # the least a kg of them left out costs beyond their cheapest spreads' per-unit scores
    drop = [math.inf] * (n + 1)
    dearest = {li: max(unit for _, unit, _, _ in carriers) for li, _, _, carriers in lines}
    for i in range(n - 1, -1, -1):
        li, wk, spreads = menus[i]
        rest[i] = rest[i + 1] + spreads[0][1]
        heavy[i] = heavy[i + 1] + spreads[0][2] * wk
        rate = (w_unfilled - dearest[li]) / wk if wk > 0 and not must_ship else math.inf
        drop[i] = rate if rate < drop[i + 1] else drop[i + 1]
    widest = max(caps)
    cheapest_extra = min(extras)
    per_kg = min(e / m for m, e in zip(caps, extras, strict=True))  # an extra package's, per kg
    limit = ceiling - _EPS
    states = {(0.0,) * k: 0.0}
    trail = []
    for i, (_, wk, spreads) in enumerate(menus):
        after = rest[i + 1]
        later_kg = heavy[i + 1]
        later_drop = drop[i + 1]
        later_rate = per_kg if per_kg < later_drop else later_drop
        nxt: dict = {}
        back: dict = {}
        for kg, cost in states.items():
            for s, (pairs, spread_cost, _placed) in enumerate(spreads):
                budget.left -= 1
                if budget.left < 0:
                    raise _OutOfSteps
                base = cost + spread_cost
                if base + after >= limit:
                    break  # spreads come cheapest first
                new = list(kg)
                for pos, q in pairs:
                    new[pos] += q * wk
                packages = 0
                extra = 0.0
                room = 0.0
                for pos in range(k):
                    m = caps[pos]
                    c = 1 if new[pos] <= m else math.ceil(new[pos] / m - _EPS)
                    packages += c
                    extra += (c - 1) * extras[pos]
                    room += c * m - new[pos]
                if max_packages is not None and packages > max_packages:
                    continue
                weight = 0.0  # what the lines after this one add at least, for their kg
                if later_kg > room + _EPS:
                    excess = later_kg - room
                    if must_ship:  # whole packages more
                        more = math.ceil(excess / widest - _EPS)
                        if max_packages is not None and packages + more > max_packages:
                            continue
                        weight = more * cheapest_extra
                    else:  # packages more or units left out, in fractions, within the cap
                        paid = excess
                        if max_packages is not None:
                            paid = (max_packages - packages) * widest
                            paid = 0.0 if paid < 0 else excess if paid > excess else paid
                        weight = paid * later_rate
                        if excess > paid:
                            weight += (excess - paid) * later_drop
                if base + extra + weight + after >= limit:
                    continue
                key = tuple(new)
                old = nxt.get(key)
                if old is None or base < old:
                    nxt[key] = base
                    back[key] = (kg, s)
        if not nxt:
            return None
        states = _undominated(nxt, budget)
        trail.append(back)
    best = None
    for kg, cost in states.items():
        total = cost
        for pos in range(k):
            m = caps[pos]
            if kg[pos] > m:
                total += (math.ceil(kg[pos] / m - _EPS) - 1) * extras[pos]
        if total < limit and (best is None or total < best[0]):
            best = (total, kg)
    if best is None:
        return None
    chosen = {}
    kg = best[1]
    for i in range(n - 1, -1, -1):
        prev, s = trail[i][kg]
        li, _, spreads = menus[i]
        chosen[li] = spreads[s][0]
        kg = prev
    return best[0], chosen


def _spreads(carriers, target, w_unfilled, must_ship, budget):
    """Every way to spread a line's units over its carriers within each node's stock, as
    ``(((option position, units), ...), cost, units placed)``, cheapest first (ties: fewer
    options, then the order found). ``must_ship``: only those placing all that can be."""
    nodes: dict = {}
    for _, _, node, have in carriers:
        nodes[node] = have
    most = min(target, sum(nodes.values()))
    out = []
    left = dict(nodes)
    picked: list = []

    def walk(c, placed, cost):
        budget.left -= 1
        if budget.left < 0:
            raise _OutOfSteps
        if c == len(carriers):
            if must_ship and placed < most:
                return
            out.append((tuple(picked), cost + w_unfilled * (target - placed), placed))
            return
        pos, unit, node, _ = carriers[c]
        for q in range(min(target - placed, left[node]) + 1):
            if q:
                picked.append((pos, q))
                left[node] -= q
            walk(c + 1, placed + q, cost + unit * q)
            if q:
                picked.pop()
                left[node] += q

    walk(0, 0, 0.0)
    out.sort(key=lambda s: (s[1], len(s[0])))
    return out


def _undominated(states: dict, budget) -> dict:
    """The states no other state beats: as cheap or cheaper with no more kg on any option."""
    if len(states) < 2:
        return states
    ranked = sorted(states.items(), key=lambda item: item[1])
    kept: list = []
    for kg, cost in ranked:
        budget.left -= len(kept) // 8
        if budget.left < 0:
            raise _OutOfSteps
        for other, _ in kept:
            for a, b in zip(other, kg, strict=True):
                if a > b:
                    break
            else:
                break  # ``other`` is no heavier anywhere and no dearer
        else:
            kept.append((kg, cost))
    return dict(kept)
