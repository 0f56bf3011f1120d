"""Exact search over sets of shipping options, with a greedy fallback past the step budget.

For a fixed set of options, every per-shipment score part (package, handling, distance,
priority, lateness through the latest delivery) is fixed and the per-kg cost is linear and
separate per SKU, so the best quantities come from filling each line from its cheapest options
first, within node stock. What is left to search is the set, done as a depth-first
branch-and-bound:

- every single option is evaluated first: one shipment usually wins and becomes the bound;
- a set only grows to cover a line it cannot fully serve yet (branch on the options that carry
  it, or give the shortfall up), or to save per-kg cost when that could pay for a package;
- a branch is cut when its lower bound (fixed parts of the chosen options + cheapest per-unit
  cost of every unit + the cheapest way to close the worst remaining gap) reaches the incumbent.

Steps (sets expanded or evaluated) are counted against ``Budget.max_steps``; past it, the best
plan found so far is improved greedily and the result is reported as ``greedy-fallback``.
"""

from __future__ import annotations

import math

from oms_engine.candidates import OrderProblem
from oms_engine.model import Policy
from oms_engine.packing import (
    PackBudget,
    best_packing,
    cheapest_out,
    extras_floor,
    never_left_out,
    package_count,
    package_floor,
)
from oms_engine.rounding import round6

_EPS = 1e-9
#: Packing steps of an order when none is given (see ``Budget.max_packing_steps``).
_PACK_STEPS = 20_000
#: Options the greedy fallback tries adding per round (the cheapest fixed parts).
_GREEDY_TRIES = 24


class Evaluation:
    """A set of options with its best allocation and score (lower is better).

    ``relaxed``: a lower bound of any allocation of the set's units with no package beyond
    each shipment's first and no cap on packages (the cheapest-per-unit fill's score without
    its extra packages); the score when weight made no extra package. The search's bound for
    adding options to the set reads it (:meth:`Search._extend_for_savings`)."""

    __slots__ = ("_rank", "alloc", "key", "late_days", "packages", "relaxed", "score", "shipments")

    def __init__(self, key, score, alloc, packages, late_days, shipments, relaxed=None):
        self.key: tuple[int, ...] = key  # candidate indices that ship something
        self.score: float = score
        self.alloc: dict[int, list[int]] = alloc  # candidate index -> units per line
        self.packages: dict[int, int] = packages  # candidate index -> packages
        self.late_days: int = late_days
        self.shipments: int = shipments
        self.relaxed: float = score if relaxed is None else relaxed
        self._rank = (round6(score), shipments, key)

    def rank(self) -> tuple:
        """Total order on plans: score, then fewer shipments, then node ids (stable)."""
        return self._rank


class _OutOfBudget(Exception):
    pass


class SearchResult:
    """The best plan found, how it was found and the best plans it beat."""

    __slots__ = ("best", "method", "runners_up", "steps")

    def __init__(self, best, method, steps, runners_up):
        self.best: Evaluation = best
        self.method: str = method
        self.steps: int = steps
        self.runners_up: list[Evaluation] = runners_up


def _evaluate_single(
    j,
    cand,
    lines,
    targets,
    total_target,
    weights_kg,
    w_unfilled,
    w_late,
    max_packages,
    pack=None,
    ceiling=math.inf,
) -> Evaluation | None:
    """:meth:`Search.evaluate` of the one-option set ``(j,)``: the option ships what it can
    of every line it carries (``lines``), up to the targets, but never a unit whose per-unit
    score alone is above ``unfulfilled``. When weight makes more than one package, or more
    than ``max_packages``, and leaving units out might pay, the best subset is packed
    (:func:`oms_engine.packing.best_packing`; ``pack`` is the order's packing budget,
    ``ceiling`` a score the caller already has: nothing at or above it is looked for)."""
    units = [0] * len(targets)
    avail, unit = cand.avail, cand.unit
    unit_total = 0.0
    placed = 0
    kg = 0.0
    for li in lines:
        have, target = avail[li], targets[li]
        take = target if target < have else have
        u = unit[li]
        if u > w_unfilled:
            continue  # shipping a unit costs more than leaving it out
        units[li] = take
        unit_total += take * u
        placed += take
        if take:
            kg += take * weights_kg[li]
    score = unit_total + w_unfilled * (total_target - placed)
    if not placed:
        return Evaluation((), score + w_late * 0, {}, {}, 0, 0)
    option = cand.option
    count = 1 if kg <= option.max_weight else math.ceil(kg / option.max_weight - _EPS)
    late = cand.late_days if cand.late_days > 0 else 0
    relaxed = score + cand.fixed + w_late * late
    if count > 1 or (max_packages is not None and count > max_packages):
        fits = max_packages is None or count <= max_packages
        shipped = [li for li in lines if units[li]]
        extra = option.extra_package_score
        if not fits or not never_left_out(
            unit, shipped, weights_kg, w_unfilled, extra, option.max_weight
        ):
            whole = relaxed + (count - 1) * extra if fits else math.inf
            return _packed_single(
                j, cand, shipped, units, targets, total_target, weights_kg, w_unfilled,
                w_late, max_packages, pack, min(ceiling, whole), relaxed, count if fits else 0,
            )  # fmt: skip
    score += cand.fixed + (count - 1) * option.extra_package_score
    score += w_late * late
    return Evaluation((j,), score, {j: units}, {j: count}, late, 1, relaxed)


def _packed_single(
    j, cand, shipped, units, targets, total_target, weights_kg, w_unfilled, w_late,
    max_packages, pack, ceiling, relaxed, count,
) -> Evaluation:  # fmt: skip
    """The best subset of ``units`` for one option whose packages matter (see
    :func:`_evaluate_single`): packed, or shipping all of them (``count`` packages, 0 when
    that breaks ``max_packages``), or, when nothing beats ``ceiling``, the whole units if
    allowed, else nothing."""
    option = cand.option
    late = cand.late_days if cand.late_days > 0 else 0
    outside = w_unfilled * (total_target - sum(units[li] for li in shipped))
    spec = [(li, units[li], weights_kg[li], ((0, cand.unit[li], 0, units[li]),)) for li in shipped]
    opts = [(0, option.max_weight, option.extra_package_score)]
    fixed = cand.fixed + w_late * late
    if pack is None:
        pack = PackBudget(_PACK_STEPS)
    limit = ceiling - fixed - outside
    found = best_packing(opts, spec, w_unfilled, max_packages, False, limit, pack)
    if found is None:
        if count:
            score = relaxed + (count - 1) * option.extra_package_score
            return Evaluation((j,), score, {j: units}, {j: count}, late, 1, relaxed)
        return Evaluation((), w_unfilled * total_target, {}, {}, 0, 0, relaxed)
    _, spreads = found
    taken = [0] * len(targets)
    unit_total = 0.0
    placed = 0
    kg = 0.0
    for li in shipped:
        for _, q in spreads[li]:
            taken[li] = q
            unit_total += q * cand.unit[li]
            placed += q
            kg += q * weights_kg[li]
    score = unit_total + w_unfilled * (total_target - placed)
    if not placed:
        return Evaluation((), score, {}, {}, 0, 0, relaxed)
    count = package_count(kg, option.max_weight)
    score += cand.fixed + (count - 1) * option.extra_package_score + w_late * late
    return Evaluation((j,), score, {j: taken}, {j: count}, late, 1, relaxed)


def best_single(problem: OrderProblem, policy: Policy) -> SearchResult | None:
    """:meth:`Search.run` without explanation for a problem whose bounds proved that one
    shipment wins (``problem.singles_suffice``): the same single plans considered in the same
    order, so the same plan and steps, without the branch-and-bound's indexes. ``None`` when
    the step budget would run out (the caller then runs the search, which falls back)."""
    cands = problem.candidates
    targets = problem.targets
    total_target = sum(targets)
    weights_kg = problem.weights
    w = policy.weights
    w_unfilled, w_late = w.unfulfilled, w.lateness
    max_packages = policy.max_packages
    wanted = [li for li in range(len(targets)) if targets[li]]
    base = w_unfilled * total_target
    every_line = tuple(wanted)
    whole = problem.whole
    singles = []
    for j, cand in enumerate(cands):
        unit, avail = cand.unit, cand.avail
        if None not in unit:  # an option carrying every line (the usual case)
            lines = every_line
            if whole:  # its node holds every target unit: it covers them all
                cover = total_target
            else:
                cover = 0
                for li in lines:
                    cover += targets[li] if targets[li] < avail[li] else avail[li]
        else:
            lines = tuple([li for li in wanted if unit[li] is not None])
            cover = 0
            for li in lines:
                cover += targets[li] if targets[li] < avail[li] else avail[li]
        bound = base - w_unfilled * cover + cand.fixed + w_late * cand.late_days
        singles.append((bound, j, lines))
    if len(singles) > 1:
        singles.sort(key=lambda single: single[:2])
    best = None  # the empty plan until a single beats it (built only if none does)
    best_score, best_rank = base, (round6(base), 0, ())
    steps = 0
    pack = PackBudget(policy.budget.max_packing_steps)
    for bound, j, lines in singles:
        if bound > best_score + _EPS:
            break
        steps += 1
        if steps > policy.budget.max_steps:
            return None
        found = _evaluate_single(
            j, cands[j], lines, targets, total_target, weights_kg, w_unfilled, w_late,
            max_packages, pack, best_score + _EPS,
        )  # fmt: skip
        if found is not None and found._rank < best_rank:
            best, best_score, best_rank = found, found.score, found._rank
    if best is None:
        best = Evaluation((), base, {}, {}, 0, 0)
    return SearchResult(best, "greedy-fallback" if pack.cut else "exact", steps, [])


def scored_single_winner(problem: OrderProblem, policy: Policy) -> tuple[int, int | None] | None:
    """:func:`best_single`'s loop for a problem the whole-order walk settled on one shipment
    with every candidate's score at hand (``problem.scores``): the same singles considered in
    the same order, so the same winner and steps, but none evaluated again. Returns (steps,
    index of the winning candidate, ``None`` when no single beats shipping nothing), or
    ``None`` when the step budget runs out. Every candidate's node holds every unit and
    carries every line, so its single bound is its fixed part plus its lateness (the
    units-left-out part is 0.0, the same float) and its score the walk's (the same products
    summed in the same order as :func:`_evaluate_single`)."""
    cands = problem.candidates
    scores = problem.scores
    w_late = policy.weights.lateness
    base = policy.weights.unfulfilled * sum(problem.targets)
    if len(cands) == 1:  # the usual case, the loop below unrolled
        cand = cands[0]
        if cand.fixed + w_late * cand.late_days > base + _EPS:
            return 0, None
        if policy.budget.max_steps < 1:
            return None
        found = scores[0]
        # (rounded score, 1, (0,)) ranks below the empty plan's (rounded base, 0, ()) iff
        # the rounded score is lower
        if found is not None and round6(found[0]) < round6(base):
            return 1, 0
        return 1, None
    singles = sorted([(c.fixed + w_late * c.late_days, j) for j, c in enumerate(cands)])
    best = None
    best_score, best_rank = base, (round6(base), 0, ())
    steps = 0
    max_steps = policy.budget.max_steps
    for bound, j in singles:
        if bound > best_score + _EPS:
            break
        steps += 1
        if steps > max_steps:
            return None
        found = scores[j]
        if found is not None:
            rank = (round6(found[0]), 1, (j,))
            if rank < best_rank:
                best, best_score, best_rank = j, found[0], rank
    return steps, best


def best_scored_single(problem: OrderProblem, policy: Policy) -> SearchResult | None:
    """:func:`best_single` from the whole-order walk's scores (:func:`scored_single_winner`),
    as a search result."""
    won = scored_single_winner(problem, policy)
    if won is None:
        return None
    steps, best = won
    if best is None:
        base = policy.weights.unfulfilled * sum(problem.targets)
        return SearchResult(Evaluation((), base, {}, {}, 0, 0), "exact", steps, [])
    score, packages = problem.scores[best]
    late = problem.candidates[best].late_days
    alloc = {best: list(problem.targets)}
    return SearchResult(
        Evaluation((best,), score, alloc, {best: packages}, late, 1), "exact", steps, []
    )


class Search:
    """Branch-and-bound for one order problem under one policy."""

    def __init__(self, problem: OrderProblem, policy: Policy, allow_split: bool):
        self.problem = problem
        self.cands = cands = problem.candidates
        self.targets = targets = problem.targets
        self.n_lines = len(targets)
        self.total_target = sum(targets)
        self.weights_kg = problem.weights
        w = policy.weights
        self.w_unfilled = w.unfulfilled
        self.w_late = w.lateness
        self.max_packages = policy.max_packages
        limit = len(cands) if allow_split else 1
        if policy.max_packages is not None:
            limit = min(limit, policy.max_packages)
        self.max_shipments = limit
        self.max_steps = policy.budget.max_steps
        self.steps = 0
        self.top: list[Evaluation] = []  # the few best distinct plans, for the explanation
        self.seen: set[tuple[int, ...]] = set()
        self.expanded: set[tuple[int, int]] = set()
        self.evals: dict[tuple[int, ...], Evaluation | None] = {}
        self.explain = False  # keep the runners-up (set by run)
        self.fixed = [c.fixed for c in cands]
        self.late = [c.late_days for c in cands]
        self.node = [c.node for c in cands]
        self.pack = PackBudget(policy.budget.max_packing_steps)
        self._nets: list[tuple[float, int]] | None = None  # see _ranked_nets
        self.mates: list[tuple[int, ...]] | None = None  # see _prepare_symmetry
        self.lines_of = [self._lines_of(c) for c in cands]
        self.best = Evaluation((), self.w_unfilled * self.total_target, {}, {}, 0, 0)
        #: per option, what :meth:`_repack` reads of it alone: (kg it could carry, whether
        #: leaving its units out never pays), worked out once a search
        self._pack_facts: dict[int, tuple[float, bool]] = {}

    def _lines_of(self, cand) -> tuple[int, ...]:
        """The lines a candidate may carry and that are worth shipping with it: a unit whose
        per-unit score alone is above ``unfulfilled`` is better left out."""
        targets, unit, w_unfilled = self.targets, cand.unit, self.w_unfilled
        return tuple(
            [
                li
                for li in range(self.n_lines)
                if targets[li] and unit[li] is not None and unit[li] <= w_unfilled
            ]
        )

    def _prepare_branching(self, ways: bool = True) -> None:
        """Indexes the branch-and-bound needs beyond single shipments (built on demand);
        without ``ways`` the weight bound's (:meth:`_weight_ways`), which only the
        branch-and-bound reads: the bounded search (:meth:`run_bounded`) never does, and for a
        50-line order they cost a tenth of its search."""
        cands, targets, n_lines = self.cands, self.targets, self.n_lines
        self.by_fixed = by_fixed = self._by_fixed()
        # filled in (fixed part, index) order, so each line's options come out sorted that way
        carriers: list[list[int]] = [[] for _ in range(n_lines)]
        lines_of = self.lines_of
        for j in by_fixed:
            for li in lines_of[j]:
                carriers[li].append(j)
        self.carriers_of_line = carriers
        self._prepare_symmetry()
        # Branch first on the line with the fewest options: the narrowest part of the tree.
        self.line_order = sorted(range(n_lines), key=lambda li: (len(carriers[li]), li))
        self.unit_min = [
            min((cands[j].unit[li] for j in carriers[li]), default=0.0) for li in range(n_lines)
        ]
        self.unit_lb = sum(u * t for u, t in zip(self.unit_min, targets, strict=True))
        # What weight costs at least beyond the units' own scores (package_floor): the widest
        # package of any option, the cheapest extra package, the least a kg left out costs
        # beyond shipping it; per line that some option carries, its kg.
        self.widest = max((c.option.max_weight for c in cands), default=1.0)
        self.extra_min = min((c.option.extra_package_score for c in cands), default=0.0)
        drop = math.inf
        line_kg = [0.0] * n_lines
        for li in range(n_lines):
            wk = self.weights_kg[li]
            if carriers[li] and wk > 0:
                line_kg[li] = targets[li] * wk
                dearest = max(cands[j].unit[li] for j in carriers[li])
                rate = (self.w_unfilled - dearest) / wk
                if rate < drop:
                    drop = rate
        self.drop_kg = drop
        self.line_kg = line_kg
        self.order_kg = sum(line_kg)
        self.capped: dict[int, float] = {}  # lines given up -> see _weight_bound
        if ways:
            self._weight_ways()

    def _prepare_symmetry(self) -> None:
        """Per option, the alike nodes of lower floor (``problem.cheaper_alike``) that may
        take its place; per node, the lines every one of its options carries. A best plan
        using a node uses each alike node of lower floor too (else the swap scores less), so
        covering a line the branch-and-bound skips an option while one of those, whose
        options all carry the line, has none in the set: adding that one first reaches the
        same plans (:meth:`_dfs`). ``None`` when no node has one."""
        self.mates = None
        cheaper = self.problem.cheaper_alike
        if not cheaper:
            return
        common: dict[int, int] = {}
        for j, node in enumerate(self.node):
            mask = 0
            for li in self.lines_of[j]:
                mask |= 1 << li
            common[node] = common.get(node, mask) & mask
        self.common_lines = common
        self.mates = [cheaper.get(node, ()) for node in self.node]

    def _weight_ways(self) -> None:
        """The ways a plan can take the order's weight, for :meth:`_weight_bound`: per option
        its first package (up to what it could carry, for its fixed part) and its further
        packages (at its extra package score), per line leaving units out (beyond the least
        a unit pays shipped); each as (score per kg, kg, kind, option or line), cheapest
        first. ``free`` is the kg of each option's first package."""
        cands, targets = self.cands, self.targets
        ways = []
        free = []
        for j, cand in enumerate(cands):
            option = cand.option
            reach = 0.0
            for li in self.lines_of[j]:
                have = cand.avail[li]
                reach += (targets[li] if targets[li] < have else have) * self.weights_kg[li]
            first = reach if reach < option.max_weight else option.max_weight
            free.append(first)
            if first > 0:
                ways.append((self.fixed[j] / first, first, 0, j))
            if reach > option.max_weight:
                rate = option.extra_package_score / option.max_weight
                ways.append((rate, reach - option.max_weight, 1, j))
        for li, kg in enumerate(self.line_kg):
            if kg > 0:
                rate = (self.w_unfilled - self.unit_min[li]) / self.weights_kg[li]
                ways.append((rate, kg, 2, li))
        ways.sort()
        self.ways = ways
        self.free_kg = free

    def _weight_bound(self, key, keymask, given_up, blocked, future: bool) -> float:
        """What the order's weight costs at least beyond the units' own scores, in any plan
        shipping with the options of ``key`` (and, if ``future``, any unblocked options
        added to them): a linear relaxation in which the kg of the lines not given up go in
        the first packages of ``key``'s options at no cost, then the cheapest way per kg -
        further packages, another option's first package (for its fixed part, which the
        caller has not counted), units left out - fractions allowed. Capacity is fungible
        between lines here, so it only grows the plan's true score."""
        kg = self.order_kg
        bits = given_up
        while bits:
            low = bits & -bits
            kg -= self.line_kg[low.bit_length() - 1]
            bits ^= low
        capped = 0.0  # what the package cap leaves out whatever the plan, at least
        if self.max_packages is not None:
            beyond = kg - self.max_packages * self.widest
            if beyond > _EPS:
                capped = self.capped.get(given_up)
                if capped is None:
                    items = [
                        (self.targets[li], self.weights_kg[li],
                         self.w_unfilled - self.unit_min[li])
                        for li, line_kg in enumerate(self.line_kg)
                        if line_kg > 0 and not given_up >> li & 1
                    ]  # fmt: skip
                    capped = self.capped[given_up] = cheapest_out(items, beyond)
        for j in key:
            kg -= self.free_kg[j]
        if kg <= _EPS:
            return capped
        cost = self._fill(kg, keymask, given_up, blocked, future)
        return cost if cost > capped else capped

    def _fill(self, kg, keymask, given_up, blocked, future) -> float:
        """The linear part of :meth:`_weight_bound`: ``kg`` more to place, cheapest first."""
        cost = 0.0
        for rate, amount, kind, index in self.ways:
            if kind == 2:
                if given_up >> index & 1:
                    continue
            elif kind == 0:
                if not future or blocked >> index & 1:
                    continue  # in key (counted above) or not allowed
            elif not keymask >> index & 1 and (not future or blocked >> index & 1):
                continue
            take = amount if amount < kg else kg
            cost += rate * take
            kg -= take
            if kg <= _EPS:
                return cost
        return math.inf

    def _package_floor(self, shipments: int, kg: float) -> float:
        """What weight costs at least beyond the units' per-unit scores, in a plan of
        ``shipments`` shipments carrying ``kg`` (:func:`oms_engine.packing.package_floor`)."""
        if kg <= shipments * self.widest + _EPS:
            return 0.0
        return package_floor(
            shipments, kg, self.widest, self.extra_min, self.drop_kg, self.max_packages
        )

    def _more_shipments_floor(self, shipments: int, kg: float, each: float) -> float:
        """The least that adding shipments (``each`` at least, per shipment) and the weight's
        packages cost a plan of ``shipments`` shipments or more carrying ``kg``."""
        best = self._package_floor(shipments, kg)
        more = 0.0
        count = shipments
        while best > more and count < self.max_shipments:
            count += 1
            more += each
            found = more + self._package_floor(count, kg)
            if found < best:
                best = found
        return best

    def _by_fixed(self) -> list[int]:
        """Option indexes by (fixed part, index)."""
        return [j for _, j in sorted(zip(self.fixed, range(len(self.fixed)), strict=True))]

    # ----------------------------------------------------------------- evaluation

    def evaluate(self, key: tuple[int, ...]) -> Evaluation | None:
        """Best allocation for a set of options; ``None`` when it has more options than
        max_packages allows packages."""
        cands = self.cands
        targets = self.targets
        n_lines = self.n_lines
        unit_total = 0.0
        placed = 0
        if len(key) == 1:
            j = key[0]
            return _evaluate_single(
                j,
                cands[j],
                self.lines_of[j],
                targets,
                self.total_target,
                self.weights_kg,
                self.w_unfilled,
                self.w_late,
                self.max_packages,
                self.pack,
                self.best.score + _EPS,
            )
        if self.max_packages is not None and len(key) > self.max_packages:
            return None
        alloc = {j: [0] * n_lines for j in key}
        # per line its options (unit score, option), the lines in the order first met (the
        # order the units' floats are added up in); a list per line, not dict.setdefault,
        # which built an empty list per (option, line) pair: 10-option sets of 50 lines
        by_line: list[list[tuple[float, int]] | None] = [None] * n_lines
        met: list[int] = []
        lines_of = self.lines_of
        for j in key:
            unit = cands[j].unit
            for li in lines_of[j]:
                options = by_line[li]
                if options is None:
                    by_line[li] = [(unit[li], j)]
                    met.append(li)
                else:
                    options.append((unit[li], j))
        remaining: dict[int, list[int]] = {}
        node_of = self.node
        for li in met:
            options = by_line[li]
            need = targets[li]
            if len(options) > 1:
                options.sort()
            for unit, j in options:
                row = remaining.get(node_of[j])
                if row is None:
                    row = remaining[node_of[j]] = list(cands[j].avail)
                have = row[li]
                if have <= 0:
                    continue
                take = need if need < have else have
                alloc[j][li] += take
                row[li] = have - take
                unit_total += unit * take
                need -= take
                if not need:
                    break
            placed += targets[li] - need
        score = unit_total + self.w_unfilled * (self.total_target - placed)
        packages: dict[int, int] = {}
        late = 0
        used = []
        weights_kg = self.weights_kg
        extra = 0.0
        for j in key:
            units = alloc[j]
            kg = 0.0
            for li in self.lines_of[j]:
                if units[li]:
                    kg += units[li] * weights_kg[li]
            if not any(units):
                continue
            option = cands[j].option
            count = 1 if kg <= option.max_weight else math.ceil(kg / option.max_weight - _EPS)
            packages[j] = count
            score += self.fixed[j]
            if count > 1:
                extra += (count - 1) * option.extra_package_score
            if self.late[j] > late:
                late = self.late[j]
            used.append(j)
        units_part = unit_total + self.w_unfilled * (self.total_target - placed)
        score += extra
        score += self.w_late * late
        if len(used) < len(key):
            alloc = {j: alloc[j] for j in used}
        total = sum(packages.values())
        fits = self.max_packages is None or total <= self.max_packages
        if extra or not fits:
            return self._repack(key, alloc, packages, late, used, score, units_part, fits)
        return Evaluation(tuple(used), score, alloc, packages, late, len(used))

    def _repack(self, key, alloc, packages, late, used, score, units_part, fits) -> Evaluation:
        """:meth:`evaluate` when the cheapest-per-unit fill of the set needs an extra package
        or breaks max_packages: weight decides, so the set's units are packed
        (:func:`oms_engine.packing.best_packing`) for any allocation beating both that fill
        (when it is allowed) and the best plan found so far. ``units_part``: that fill's
        per-unit scores and units left out, the least any allocation of the set pays for
        them (with every option's fixed part and lateness: the evaluation's ``relaxed``)."""
        fixed = sum(self.fixed[j] for j in key) + self.w_late * max(self.late[j] for j in key)
        relaxed = units_part + fixed
        greedy = None
        ceiling = self.best.score
        if fits:
            greedy = Evaluation(tuple(used), score, alloc, packages, late, len(used), relaxed)
            ceiling = min(ceiling, score)
        empty = Evaluation((), self.w_unfilled * self.total_target, {}, {}, 0, 0, relaxed)
        if relaxed >= ceiling - _EPS:
            return greedy or empty  # the set cannot beat it whatever its packages
        cands, targets = self.cands, self.targets
        w_unfilled = self.w_unfilled
        weights_kg = self.weights_kg
        n_lines = self.n_lines
        lines_of = self.lines_of
        facts = self._pack_facts
        opts = []
        reach_of = []  # per option: (max weight, extra package score, kg it could carry)
        must = True
        reach = 0  # packages the set needs at most, shipping all it can
        # per line: units the set's nodes hold (each node once: a node's options share its
        # stock), the dearest per-unit score of an option carrying it, whether one does
        held = [0] * n_lines
        dearest = [-math.inf] * n_lines
        carried = [False] * n_lines
        # node -> the lines counted for it: the lines of its first option in the set (most
        # nodes have one), as bits once a second option of the node comes
        first_lines: dict[int, tuple[int, ...]] = {}
        seen_nodes: dict[int, int] = {}
        for j in key:
            cand = cands[j]
            option = cand.option
            node = cand.node
            opts.append((node, option.max_weight, option.extra_package_score))
            lines = lines_of[j]
            fact = facts.get(j)
            if fact is None:
                kg = 0.0
                for li in lines:
                    have = cand.avail[li]
                    kg += (targets[li] if targets[li] < have else have) * weights_kg[li]
                fact = facts[j] = (
                    kg,
                    never_left_out(
                        cand.unit, lines, weights_kg, w_unfilled, option.extra_package_score,
                        option.max_weight,
                    ),
                )  # fmt: skip
            kg, never = fact
            reach += package_count(kg, option.max_weight)
            reach_of.append((option.max_weight, option.extra_package_score, kg))
            if must and not never:
                must = False
            unit, avail = cand.unit, cand.avail
            if node not in first_lines:  # its node's first option: every line counts its stock
                first_lines[node] = lines
                for li in lines:
                    carried[li] = True
                    if unit[li] > dearest[li]:
                        dearest[li] = unit[li]
                    held[li] += avail[li]
                continue
            counted = seen_nodes.get(node)
            if counted is None:
                counted = 0
                for li in first_lines[node]:
                    counted |= 1 << li
            for li in lines:
                carried[li] = True
                if unit[li] > dearest[li]:
                    dearest[li] = unit[li]
                if not counted >> li & 1:
                    held[li] += avail[li]
                    counted |= 1 << li
            seen_nodes[node] = counted
        if self.max_packages is not None and reach > self.max_packages:
            must = False  # the cap may bind: leaving units out may be the only way
        outside = 0.0
        shippable = 0.0  # kg of every unit the set could ship
        drops = []  # what leaving a line's units out costs per kg, at least, and their kg
        for li in range(n_lines):
            if not targets[li]:
                continue
            if not carried[li]:
                outside += w_unfilled * targets[li]
                continue
            most = min(targets[li], held[li]) * weights_kg[li]
            shippable += most
            if not must and weights_kg[li] > 0:
                drops.append(((w_unfilled - dearest[li]) / weights_kg[li], most))
        widest = max(m for m, _, _ in reach_of)
        room = math.inf
        if self.max_packages is not None:
            room = (self.max_packages - len(key)) * widest
        floor, _rate = extras_floor(reach_of, shippable, drops, room)
        if self.max_packages is not None and shippable > self.max_packages * widest + _EPS:
            # whole units left out beyond what the cap lets the set's packages carry
            items = []
            for li in range(n_lines):
                if targets[li] and carried[li]:
                    items.append((targets[li], weights_kg[li], w_unfilled - dearest[li]))
            out = cheapest_out(items, shippable - self.max_packages * widest)
            floor = floor if floor > out else out
        if floor < math.inf:
            drop = min((rate for rate, _ in drops), default=math.inf)
            least = min(e for _, e, _ in reach_of)
            whole = package_floor(len(key), shippable, widest, least, drop)
            floor = floor if floor > whole else whole
        if relaxed + floor >= ceiling - _EPS:
            return greedy or empty  # what its packages cost at least takes it past the best
        # the packing's lines, only for a set that may still win: per line its carriers
        carriers: dict[int, list] = {}
        for pos, j in enumerate(key):
            cand = cands[j]
            unit, avail, node = cand.unit, cand.avail, cand.node
            for li in lines_of[j]:
                carriers.setdefault(li, []).append((pos, unit[li], node, avail[li]))
        spec = [
            (li, targets[li], weights_kg[li], tuple(carriers[li]))
            for li in range(n_lines)
            if targets[li] and li in carriers
        ]
        found = best_packing(
            opts, spec, w_unfilled, self.max_packages, must, ceiling - fixed - outside, self.pack
        )
        if found is None:
            return greedy or empty
        _, spreads = found
        alloc = {}
        for li, pairs in spreads.items():
            for pos, q in pairs:
                alloc.setdefault(key[pos], [0] * self.n_lines)[li] = q
        return self._scored(tuple(j for j in key if j in alloc), alloc, relaxed)

    def _scored(self, key, alloc, relaxed) -> Evaluation:
        """The evaluation of an allocation over options that all ship something."""
        unit_total = 0.0
        placed = 0
        packages = {}
        late = 0
        score = 0.0
        for j in key:
            cand = self.cands[j]
            kg = 0.0
            for li, q in enumerate(alloc[j]):
                if q:
                    unit_total += q * cand.unit[li]
                    placed += q
                    kg += q * self.weights_kg[li]
            count = package_count(kg, cand.option.max_weight)
            packages[j] = count
            score += self.fixed[j] + (count - 1) * cand.option.extra_package_score
            if self.late[j] > late:
                late = self.late[j]
        score += unit_total + self.w_unfilled * (self.total_target - placed)
        score += self.w_late * late
        return Evaluation(key, score, alloc, packages, late, len(key), relaxed)

    def _consider(self, key: tuple[int, ...]) -> None:
        self.steps += 1
        if self.steps > self.max_steps:
            raise _OutOfBudget
        if key in self.seen:
            return
        self.seen.add(key)
        found = self.evaluate(key)
        self.evals[key] = found
        if found is None:
            return
        if found._rank < self.best._rank:
            self.best = found
        if self.explain:
            self._remember(found)

    def _remember(self, found: Evaluation) -> None:
        top = self.top
        if len(top) >= 12 and found.rank() >= top[-1].rank():
            return
        if not found.key or any(t.key == found.key for t in top):
            return
        top.append(found)
        top.sort(key=Evaluation.rank)
        del top[12:]

    # ----------------------------------------------------------------- search

    def run(self, explain: bool = False) -> SearchResult:
        """Search exactly; past the step budget, finish greedily.

        ``explain`` also evaluates a few more single-shipment plans for the runner-up list;
        they are worse than the plan found by construction, so the plan does not change.
        """
        method = "exact"
        self.explain = explain
        singles = self._single_bounds()
        rest = []
        try:
            for position, (bound, j) in enumerate(singles):
                if bound > self.best.score + _EPS:
                    rest = singles[position:]
                    break
                self._consider((j,))
            if (
                self.max_shipments >= 2
                and not self.problem.singles_suffice
                and not self._singles_are_optimal()
            ):
                start = self._bounds_cover()
                if start is None:
                    self._cover_greedily(list(self.best.key))
                else:
                    self._consider(start)
                banned = self._hopeless()
                n_lines = self.n_lines
                self._dfs((), 0, [0] * n_lines, {}, 0.0, 0, 0, banned)
        except _OutOfBudget:
            method = "greedy-fallback"
            self._improve_greedily()
        if explain:
            # Singles the bounds skipped cannot win, but one may be the runner-up to show.
            for _, j in rest[:12]:
                self._remember_single(j)
            for ni in self.problem.left_out:
                for cand in self.problem.build(ni):
                    self._remember_single(self._append(cand))
        runners = [t for t in self.top if t.key != self.best.key]
        if self.pack.cut:
            method = "greedy-fallback"
        return SearchResult(self.best, method, min(self.steps, self.max_steps), runners)

    def run_bounded(self, explain: bool = False, tries: int = _GREEDY_TRIES) -> SearchResult:
        """The large-order path's search (:mod:`oms_engine.large`), no branch-and-bound: the
        bounds' greedy cover (else a greedy cover of its own) as the plan, each shipment's
        service swapped for another of its node while that lowers the score, then the option
        lowering the score most added while one does, among the ``tries`` options of least
        fixed part. Every set evaluated counts as a step; the method is always
        ``greedy-fallback``."""
        self.explain = explain
        self._prepare_branching(ways=False)
        try:
            start = self._bounds_cover()
            if start is None:
                self._cover_greedily([])
            else:
                self._consider(start)
            self._swap_services()
            self._improve_greedily(tries)
        except _OutOfBudget:
            pass
        runners = [t for t in self.top if t.key != self.best.key]
        return SearchResult(self.best, "greedy-fallback", min(self.steps, self.max_steps), runners)

    def _swap_services(self) -> None:
        """Each shipment of the best plan, in turn, sent with another option of its node
        (another service) when that lowers the score: the cover picks a node's service from
        the kg it ships, before the packing counts whole units."""
        by_node: dict[int, list[int]] = {}
        for j, node in enumerate(self.node):
            by_node.setdefault(node, []).append(j)
        for j in self.best.key:
            if j not in self.best.key:
                continue
            for other in by_node[self.node[j]]:
                if other != j and other not in self.best.key:
                    key = self.best.key
                    self._consider(tuple(sorted(other if i == j else i for i in key)))
                    if self.best.key != key:
                        break

    def _remember_single(self, j: int) -> None:
        found = self.evaluate((j,))
        if found is not None:
            self._remember(found)

    def _append(self, cand) -> int:
        """Add a candidate after the search (explanation only); returns its index."""
        self.cands.append(cand)
        self.fixed.append(cand.fixed)
        self.late.append(cand.late_days)
        self.node.append(cand.node)
        self.lines_of.append(self._lines_of(cand))
        return len(self.cands) - 1

    def _single_bounds(self) -> list[tuple[float, int]]:
        """A lower bound of every one-shipment plan, cheapest first."""
        targets = self.targets
        short_penalty = self.w_unfilled  # per unit left out; per-unit costs are >= 0
        base = short_penalty * self.total_target
        bounds = []
        for j, lines in enumerate(self.lines_of):
            avail = self.cands[j].avail
            cover = 0
            for li in lines:
                cover += targets[li] if targets[li] < avail[li] else avail[li]
            bound = base - short_penalty * cover + self.fixed[j] + self.w_late * self.late[j]
            bounds.append((bound, j))
        bounds.sort()
        return bounds

    def _singles_are_optimal(self) -> bool:
        # Any plan of two or more shipments pays at least the two cheapest fixed parts (and
        # the cheapest per-unit cost of every unit, which the indexes below provide).
        if len(self.fixed) < 2:
            return True
        first, second = sorted(self.fixed)[:2]
        if self.best.score <= first + second + _EPS:
            return True
        self._prepare_branching()
        least = first + second + self.unit_lb
        if self.best.score <= least + _EPS:
            return True
        # the order's weight: what two shipments or more need beyond their first packages
        return self.best.score <= least + self._more_shipments_floor(2, self.order_kg, first) + _EPS

    def _hopeless(self) -> int:
        """Options that cannot be part of a better plan of two or more shipments."""
        order = self.by_fixed
        banned = 0
        threshold = self.best.score - self.unit_lb - _EPS
        for j in order:
            other = self.fixed[order[1]] if j == order[0] else self.fixed[order[0]]
            if self.fixed[j] + other >= threshold:
                banned |= 1 << j
        return banned

    def _bounds_cover(self) -> tuple[int, ...] | None:
        """The node bounds' greedy cover (``problem.greedy``) as a set of options, when it
        beat every single and all its candidates are here: an incumbent as good as a greedy
        cover of our own, already found. Any plan serves as the first incumbent (the search
        stays exact); which one changes the work done, and so ``steps``."""
        picks = self.problem.greedy
        if not picks or len(picks) > self.max_shipments:
            return None
        index = {id(cand): j for j, cand in enumerate(self.cands)}
        key = []
        for cand in picks:
            j = index.get(id(cand))
            if j is None:  # a node the bounds did not keep (max_nodes)
                return None
            key.append(j)
        return tuple(sorted(key))

    def _cover_greedily(self, key: list[int]) -> None:
        """A quick incumbent: add the option closing the most shortfall until none does."""
        targets = self.targets
        cap = [0] * self.n_lines
        carried: dict[int, int] = {}
        for j in key:
            self._add_cover(j, cap, carried)
        while len(key) < self.max_shipments:
            best_j, best_value = None, 0.0
            for j, lines in enumerate(self.lines_of):
                if j in key:
                    continue
                mask = carried.get(self.node[j], 0)
                avail = self.cands[j].avail
                gain = 0
                for li in lines:
                    short = targets[li] - cap[li]
                    if short > 0 and not mask >> li & 1:
                        gain += short if short < avail[li] else avail[li]
                value = gain * self.w_unfilled - self.fixed[j]
                if gain and value > best_value:
                    best_j, best_value = j, value
            if best_j is None:
                break
            key.append(best_j)
            self._add_cover(best_j, cap, carried)
        self._consider(tuple(sorted(key)))

    def _add_cover(self, j: int, cap: list[int], carried: dict[int, int]) -> None:
        node = self.node[j]
        mask = carried.get(node, 0)
        avail = self.cands[j].avail
        for li in self.lines_of[j]:
            if not mask >> li & 1:
                cap[li] += avail[li]
                mask |= 1 << li
        carried[node] = mask

    def _dfs(self, key, keymask, cap, carried, fixed_sum, late, given_up, banned):
        memo = (keymask, given_up)
        if memo in self.expanded:
            return
        self.expanded.add(memo)
        self.steps += 1
        if self.steps > self.max_steps:
            raise _OutOfBudget
        targets = self.targets
        fixed = self.fixed
        blocked = banned | keymask
        bound = fixed_sum + self.w_late * late + self.unit_lb
        gap = 0.0
        open_gaps = 0.0  # what the set itself pays for the lines it leaves short
        pick = None
        for li in self.line_order:
            short = targets[li] - cap[li]
            if short <= 0:
                continue
            give_up = (self.w_unfilled - self.unit_min[li]) * short
            if given_up >> li & 1:
                bound += give_up
                continue
            open_gaps += give_up
            cheapest = math.inf
            for j in self.carriers_of_line[li]:
                if not blocked >> j & 1:
                    cheapest = fixed[j]
                    break
            closing = cheapest if cheapest < give_up else give_up
            if closing > gap:
                gap = closing
            if pick is None:
                pick = li
        incumbent = self.best.score - _EPS
        if bound + gap >= incumbent:
            return
        if pick is not None and self.max_shipments - len(key) == 1:
            gap = self._last_shipment_gap(cap, carried, given_up, blocked)
            if bound + gap >= incumbent:
                return
        # the order's weight: extra packages, more shipments or units left out
        more = self._weight_bound(key, keymask, given_up, blocked, True)
        if more and bound + (more if more > gap else gap) >= incumbent:
            return
        if key and bound + open_gaps < incumbent:
            own = self._weight_bound(key, keymask, given_up, blocked, False) if more else 0.0
            if bound + (own if own > open_gaps else open_gaps) < incumbent:
                self._consider(key)
        if len(key) >= self.max_shipments:
            return
        if pick is None:
            self._extend_for_savings(key, keymask, cap, carried, fixed_sum, late, given_up, banned)
            return
        base = bound - self.w_late * late
        late_of = self.late
        mates_of = self.mates
        common = self.common_lines if mates_of is not None else None
        for j in self.carriers_of_line[pick]:
            if blocked >> j & 1:
                continue
            if base + fixed[j] >= self.best.score - _EPS:
                break  # options are sorted by fixed part: the rest cost more
            lateness = self.w_late * (late if late > late_of[j] else late_of[j])
            if base + fixed[j] + lateness >= self.best.score - _EPS:
                continue
            # an alike node of lower floor not in the set yet, carrying the line with every
            # option: the plans through j are reached with it first
            if (
                mates_of is not None
                and mates_of[j]
                and any(m not in carried and common.get(m, 0) >> pick & 1 for m in mates_of[j])
            ):
                continue
            self._child(key, keymask, cap, carried, fixed_sum, late, given_up, banned, j)
        mask = 0
        for j in self.carriers_of_line[pick]:
            mask |= 1 << j
        self._dfs(key, keymask, cap, carried, fixed_sum, late, given_up | 1 << pick, banned | mask)

    def _last_shipment_gap(self, cap, carried, given_up, blocked) -> float:
        """With one shipment left (max_packages), the open gaps cost at least the best single
        option's fixed part plus what it still cannot take, or leaving them all out."""
        shorts = []
        for li, target in enumerate(self.targets):
            short = target - cap[li]
            if short > 0 and not given_up >> li & 1:
                shorts.append((li, short, self.w_unfilled - self.unit_min[li]))
        best = sum(short * penalty for _, short, penalty in shorts)
        for j, cand in enumerate(self.cands):
            if blocked >> j & 1 or self.fixed[j] >= best:
                continue
            mask = carried.get(cand.node, 0)
            cost = self.fixed[j]
            for li, short, penalty in shorts:
                have = cand.avail[li] if cand.unit[li] is not None and not mask >> li & 1 else 0
                if have < short:
                    cost += penalty * (short - have)
            if cost < best:
                best = cost
        return best

    def _child(self, key, keymask, cap, carried, fixed_sum, late, given_up, banned, j):
        if (keymask | 1 << j, given_up) in self.expanded:
            return  # reached before through another order of the same options
        cap = list(cap)
        carried = dict(carried)
        self._add_cover(j, cap, carried)
        self._dfs(
            tuple(sorted((*key, j))),
            keymask | 1 << j,
            cap,
            carried,
            fixed_sum + self.fixed[j],
            max(late, self.late[j]),
            given_up,
            banned,
        )

    def _extend_for_savings(self, key, keymask, cap, carried, fixed_sum, late, given_up, banned):
        """Everything reachable is covered: more shipments can only pay for themselves by
        saving per-kg costs or packages. The set's fill without extra packages scores at
        least ``relaxed``; an added option costs its ``net`` (:meth:`_net`) beyond what the
        units it takes over paid in the set, and options added together save no more than
        each would alone, so S + T scores at least relaxed(S) + sum of the nets of T."""
        current = self.evals.get(key)
        if current is None:
            return
        relaxed = current.relaxed
        cands = self.cands
        targets = self.targets
        worst = [0.0] * self.n_lines
        for j in key:
            unit = cands[j].unit
            for li in self.lines_of[j]:
                if unit[li] > worst[li]:
                    worst[li] = unit[li]
        blocked = banned | keymask
        cheapest = next((self.fixed[j] for j in self.by_fixed if not blocked >> j & 1), None)
        if cheapest is None:
            return
        most = sum(t * (wu - u) for t, wu, u in zip(targets, worst, self.unit_min, strict=True))
        incumbent = self.best.score - _EPS
        # the weight of the lines not given up, and what it costs a plan of one shipment
        # more (or more still: each pays another fixed part)
        floor = 0.0
        if self.order_kg > (len(key) + 1) * self.widest:
            weight = self.order_kg
            for li in range(self.n_lines):
                if given_up >> li & 1:
                    weight -= self.line_kg[li]
            floor = self._more_shipments_floor(len(key) + 1, weight, cheapest)
        if relaxed - most + cheapest + floor >= incumbent:
            return
        # Options by a floor of their net that holds for every set (savings counted against
        # the dearest per-unit score any option pays, not the set's): only the few whose
        # floor leaves room are looked at closely, and the others added beside one count
        # with their floors.
        ranked = self._ranked_nets()
        beside = 0.0
        for floor_j, j in ranked:
            if floor_j >= 0:
                break
            if not blocked >> j & 1:
                beside += floor_j
        room = incumbent - relaxed
        for floor_j, j in ranked:
            if blocked >> j & 1:
                continue
            others = beside - floor_j if floor_j < 0 else beside
            if floor_j + others >= room:
                if floor_j >= 0:
                    break  # ranked: the rest cost no less
                continue
            if self._net(j, worst) + others < room:
                self._child(key, keymask, cap, carried, fixed_sum, late, given_up, banned, j)

    def _net(self, j, worst) -> float:
        """What adding option ``j`` to a set costs at least beyond what the units it takes
        over paid there (``worst``: per line the dearest per-unit score of the set), the
        larger of two bounds: its fixed part less what those units save at its per-kg rate;
        or, counting its packages by weight (every kg past its first package pays its extra
        package score per max weight), its fixed part less one extra package less what the
        units save at that rate. A light parcel service looks free per kg but is not for
        heavy units: the second bound says so."""
        cand = self.cands[j]
        option = cand.option
        packed_rate = option.extra_package_score / option.max_weight
        targets, weights_kg = self.targets, self.weights_kg
        savings = 0.0
        packed = 0.0
        for li in self.lines_of[j]:
            gain = worst[li] - cand.unit[li]
            if gain > 0:
                have = cand.avail[li]
                take = targets[li] if targets[li] < have else have
                savings += gain * take
                gain -= packed_rate * weights_kg[li]
                if gain > 0:
                    packed += gain * take
        net = self.fixed[j] - savings
        both = self.fixed[j] - option.extra_package_score - packed
        return net if net > both else both

    def _ranked_nets(self) -> list[tuple[float, int]]:
        """Every option's :meth:`_net` against the dearest per-unit score of any option
        carrying each line (no set pays more), cheapest first; computed once a search."""
        found = self._nets
        if found is None:
            dearest = [0.0] * self.n_lines
            for j, lines in enumerate(self.lines_of):
                unit = self.cands[j].unit
                for li in lines:
                    if unit[li] > dearest[li]:
                        dearest[li] = unit[li]
            found = sorted((self._net(j, dearest), j) for j in range(len(self.cands)))
            self._nets = found
        return found

    def _improve_greedily(self, tries: int = _GREEDY_TRIES) -> None:
        """Add the option that lowers the score most until none does (after the budget),
        trying the :data:`_GREEDY_TRIES` options of least fixed part each round: the
        fallback's own cost stays bounded whatever the number of candidates."""
        key = self.best.key
        by_fixed = self._by_fixed()
        while len(key) < self.max_shipments:
            step_best = None
            for j in [j for j in by_fixed if j not in key][:tries]:
                found = self.evaluate(tuple(sorted((*key, j))))
                if found is not None and (step_best is None or found.rank() < step_best.rank()):
                    step_best = found
            if step_best is None or step_best.rank() >= self.best.rank():
                return
            self.best = step_best
            self._remember(step_best)
            key = step_best.key
