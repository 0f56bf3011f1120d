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

_EPS = 1e-9


class Evaluation:
    """A set of options with its best allocation and score (lower is better)."""

    __slots__ = ("alloc", "key", "late_days", "packages", "score", "shipments")

    def __init__(self, key, score, alloc, packages, late_days, shipments):
        self.key: tuple[int, ...] = key  # candidate indices that ship something
        self.score: float = score
        self.alloc: dict[int, list[int]] = alloc  # candidate index -> units per line
        self.packages: dict[int, int] = packages  # candidate index -> packages
        self.late_days: int = late_days
        self.shipments: int = shipments

    def rank(self) -> tuple:
        """Total order on plans: score, then fewer shipments, then node ids (stable)."""
        return (round(self.score, 6), self.shipments, self.key)


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


class Search:
    """Branch-and-bound for one order problem under one policy."""

    def __init__(self, problem: OrderProblem, policy: Policy, allow_split: bool):
        self.problem = problem
        self.cands = problem.candidates
        self.targets = problem.targets
        self.weights_kg = [p.weight_kg for p in problem.products]
        w = policy.weights
        self.w_unfilled = w.unfulfilled
        self.w_late = w.lateness
        self.max_packages = policy.max_packages
        limit = len(self.cands) if allow_split else 1
        if policy.max_packages is not None:
            limit = min(limit, policy.max_packages)
        self.max_shipments = limit
        self.max_steps = policy.budget.max_steps
        self.steps = 0
        self.top: list[Evaluation] = []  # the few best distinct plans, for the explanation
        self.seen: set[tuple[int, ...]] = set()
        self.expanded: set[tuple] = set()
        n_lines = len(self.targets)
        self.carriers_of_line: list[list[int]] = [
            [j for j, c in enumerate(self.cands) if c.unit[li] is not None] for li in range(n_lines)
        ]
        self.unit_min = [
            min((self.cands[j].unit[li] for j in self.carriers_of_line[li]), default=0.0)
            for li in range(n_lines)
        ]
        self.unit_lb = sum(u * t for u, t in zip(self.unit_min, self.targets, strict=True))
        empty = Evaluation((), self.w_unfilled * sum(self.targets), {}, {}, 0, 0)
        self.best = empty

    # ----------------------------------------------------------------- evaluation

    def evaluate(self, key: tuple[int, ...]) -> Evaluation | None:
        """Best allocation for a set of options; ``None`` when it breaks max_packages."""
        cands = self.cands
        targets = self.targets
        n_lines = len(targets)
        alloc = {j: [0] * n_lines for j in key}
        remaining: dict[int, list[int]] = {}
        for j in key:
            node = cands[j].node
            if node not in remaining:
                remaining[node] = list(cands[j].avail)
        unit_total = 0.0
        unfilled = 0
        for li in range(n_lines):
            need = targets[li]
            if not need:
                continue
            if len(key) == 1:
                order = [(cands[key[0]].unit[li], key[0])]
            else:
                order = sorted((cands[j].unit[li], j) for j in key if cands[j].unit[li] is not None)
            for unit, j in order:
                if unit is None:
                    continue
                row = remaining[cands[j].node]
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
            unfilled += need
        score = unit_total + self.w_unfilled * unfilled
        packages: dict[int, int] = {}
        late = 0
        used = []
        for j in key:
            units = alloc[j]
            if not any(units):
                continue
            cand = cands[j]
            option = cand.option
            kg = sum(u * wk for u, wk in zip(units, self.weights_kg, strict=True))
            count = 1 if kg <= option.max_weight else math.ceil(kg / option.max_weight - _EPS)
            packages[j] = count
            score += cand.fixed + (count - 1) * option.extra_package_score
            late = max(late, cand.late_days)
            used.append(j)
        if self.max_packages is not None and sum(packages.values()) > self.max_packages:
            return None
        score += self.w_late * late
        key = tuple(used)
        return Evaluation(key, score, {j: alloc[j] for j in used}, packages, late, len(used))

    def _consider(self, key: tuple[int, ...]) -> Evaluation | None:
        self.steps += 1
        if self.steps > self.max_steps:
            raise _OutOfBudget
        if key in self.seen:
            return None
        self.seen.add(key)
        found = self.evaluate(key)
        if found is None or (found.key in self.seen and found.key != key):
            return found
        self.seen.add(found.key)
        if found.rank() < self.best.rank():
            self.best = found
        self._remember(found)
        return found

    def _remember(self, found: Evaluation) -> None:
        if not found.key or any(t.key == found.key for t in self.top):
            return
        self.top.append(found)
        self.top.sort(key=Evaluation.rank)
        del self.top[5:]

    # ----------------------------------------------------------------- search

    def run(self) -> SearchResult:
        """Search exactly; past the step budget, finish greedily."""
        method = "exact"
        try:
            for j in range(len(self.cands)):
                self._consider((j,))
            if self.max_shipments >= 2 and not self._singles_are_optimal():
                self._dfs((), frozenset(), frozenset(), 0.0, 0)
        except _OutOfBudget:
            method = "greedy-fallback"
            self._greedy()
        runners = [t for t in self.top if t.key != self.best.key]
        return SearchResult(self.best, method, min(self.steps, self.max_steps), runners)

    def _singles_are_optimal(self) -> bool:
        # Any plan of two or more shipments pays at least the two cheapest fixed parts.
        fixed = sorted(c.fixed for c in self.cands)
        if len(fixed) < 2:
            return True
        return self.best.score <= fixed[0] + fixed[1] + self.unit_lb + _EPS

    def _coverage(self, key: tuple[int, ...]) -> list[int]:
        cands = self.cands
        cap = [0] * len(self.targets)
        counted: set[tuple[int, int]] = set()
        for j in key:
            cand = cands[j]
            for li, unit in enumerate(cand.unit):
                if unit is not None and (cand.node, li) not in counted:
                    counted.add((cand.node, li))
                    cap[li] += cand.avail[li]
        return cap

    def _dfs(self, key, given_up, banned, fixed_sum, late):
        memo = (key, given_up)
        if memo in self.expanded:
            return
        self.expanded.add(memo)
        self.steps += 1
        if self.steps > self.max_steps:
            raise _OutOfBudget
        targets = self.targets
        cap = self._coverage(key)
        bound = fixed_sum + self.w_late * late + self.unit_lb
        gap_cost = 0.0
        pick, pick_options = None, None
        for li, target in enumerate(targets):
            short = target - cap[li]
            if short <= 0:
                continue
            give_up_cost = (self.w_unfilled - self.unit_min[li]) * short
            if li in given_up:
                bound += give_up_cost
                continue
            options = [j for j in self.carriers_of_line[li] if j not in banned and j not in key]
            cheapest = min((self.cands[j].fixed for j in options), default=math.inf)
            gap_cost = max(gap_cost, min(cheapest, give_up_cost))
            if pick_options is None or len(options) < len(pick_options):
                pick, pick_options = li, options
        if bound + gap_cost >= self.best.score - _EPS:
            return
        if key:
            self._consider(key)
        if len(key) >= self.max_shipments:
            return
        if pick is None:
            self._extend_for_savings(key, given_up, banned, fixed_sum, late)
            return
        cands = self.cands
        pick_options.sort(key=lambda j: (cands[j].fixed, j))
        for j in pick_options:
            self._dfs(
                tuple(sorted((*key, j))),
                given_up,
                banned,
                fixed_sum + cands[j].fixed,
                max(late, cands[j].late_days),
            )
        self._dfs(
            key,
            given_up | {pick},
            banned | set(self.carriers_of_line[pick]),
            fixed_sum,
            late,
        )

    def _extend_for_savings(self, key, given_up, banned, fixed_sum, late):
        # Everything is covered; another shipment can only pay for itself through cheaper
        # per-kg costs, which can save at most `savings` in total.
        cands = self.cands
        savings = 0.0
        for li, target in enumerate(self.targets):
            worst = max(
                (cands[j].unit[li] for j in key if cands[j].unit[li] is not None), default=0.0
            )
            savings += target * (worst - self.unit_min[li])
        for j in range(len(cands)):
            if j in key or j in banned or cands[j].fixed > savings + _EPS:
                continue
            self._dfs(
                tuple(sorted((*key, j))),
                given_up,
                banned,
                fixed_sum + cands[j].fixed,
                max(late, cands[j].late_days),
            )

    def _greedy(self) -> None:
        """Add the option that lowers the score most until none does (after the budget)."""
        key = self.best.key
        while len(key) < self.max_shipments:
            step_best = None
            for j in range(len(self.cands)):
                if j in key:
                    continue
                found = self.evaluate(tuple(sorted((*key, j))))
                if found is not None and (step_best is None or found.rank() < step_best.rank()):
                    step_best = found
            if step_best is None or step_best.rank() >= self.best.rank():
                return
            self.best = step_best
            self._remember(step_best)
            key = step_best.key
