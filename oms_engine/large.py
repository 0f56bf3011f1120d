"""Large orders: a bounded path that chooses nodes greedily instead of bounding every node.

The exact path (:mod:`oms_engine.bounds`, then :mod:`oms_engine.search`) pays, for an order
no node ships whole, a bound for every eligible node holding one of its lines, and a search
whose work grows with the lines and the nodes it keeps. For orders of 50 lines, or on
networks of a thousand stores each holding the popular lines, that is tens of milliseconds.
Such an order - its lines' stock records more than :data:`MAX_STOCK_ENTRIES`, more than
:data:`MAX_HOLDERS` eligible nodes holding one of its lines, or more than :data:`MAX_LINES`
lines - takes this path instead, unless one node provably ships it whole best (the
whole-order walk settles it exactly first; having built :data:`WALK_BUILDS` nodes without
one that beats every split, it gives up):

1. the stock scan, as on the exact path (linear in the lines' stock records);
2. a greedy cover: the node covering most of the order first, then each time the node
   covering most of what is still short, ties to the cheapest (floor and lateness), then
   index; nodes the later ones cover for are dropped;
3. a search over the options of the cover's nodes and of the next few nodes by cover
   (:data:`EXTRA_NODES`), started from the cover, within :data:`SEARCH_STEPS` steps and
   :data:`PACKING_STEPS` packing steps.

The work is linear in the stock records of the order's lines plus a bounded search, and
deterministic (counted, never timed). The plan is reported as ``greedy-fallback``, with a
note in plain words when explained: it may not be the optimum.
"""

from __future__ import annotations

import heapq
from dataclasses import replace

from oms_engine.bounds import _take, cover_plan, drop_redundant
from oms_engine.model import Budget

#: Stock records (node, SKU) of an order's lines above which it takes the bounded path.
MAX_STOCK_ENTRIES = 2_000
#: Eligible nodes holding one of the order's lines above which it takes the bounded path.
MAX_HOLDERS = 400
#: Lines (SKUs) above which an order takes the bounded path (50-line orders on any network;
#: 20-line orders keep the full search unless their stock records or holders say otherwise:
#: bounded, they were 22x faster but scored 0.13% more on the benchmark, docs/benchmarks.md).
MAX_LINES = 30
#: Nodes beside the greedy cover's whose options the bounded search may use. One, not four:
#: the other three rarely changed a plan and cost a 50-line order a few percent (the
#: benchmark's 50-line orders: 999 of 1,000 plans the same, one better; its 1,000-node orders:
#: better on 23 of 3,000, worse on 8, docs/benchmarks.md).
EXTRA_NODES = 1
#: Nodes the whole-order walk of an order that may take this path builds before it gives up,
#: unless the best of them already beats every split (then the walk goes on and settles the
#: order exactly). On a 1,000-store network a walk that fails built 100-700 stores holding a
#: few popular lines, 2-10 ms, before the order took this path all the same.
WALK_BUILDS = 16
#: The bounded search's budget: steps and packing steps (see :class:`Budget`).
SEARCH_STEPS = 30
#: Orders of this many lines or fewer get, per line, its cheapest holders among the nodes
#: searched, and the branch-and-bound over those nodes within :data:`SMALL_STEPS` steps;
#: larger orders the greedy search alone (:meth:`oms_engine.search.Search.run_bounded`).
SMALL_LINES = 10
LINE_HOLDERS = 2
SMALL_STEPS = 200
#: Options the bounded search tries adding to the plan per round (the cheapest fixed parts).
BOUNDED_TRIES = 8
PACKING_STEPS = 100


def is_large(entries: int, holders: int, lines: int) -> bool:
    """Whether an order of ``lines`` lines whose lines have ``entries`` stock records, held at
    ``holders`` eligible nodes, takes the bounded path."""
    return entries > MAX_STOCK_ENTRIES or holders > MAX_HOLDERS or lines > MAX_LINES


def may_be_large(entries: int, lines: int) -> bool:
    """Whether :func:`is_large` may hold, before the scan counts the holders (never more
    than the stock records)."""
    return entries > min(MAX_STOCK_ENTRIES, MAX_HOLDERS) or lines > MAX_LINES


def bounded_policy(policy, steps: int = SEARCH_STEPS):
    """``policy`` with the bounded search's budget (never more than its own)."""
    b = policy.budget
    return replace(
        policy,
        budget=Budget(
            max_nodes=b.max_nodes,
            max_steps=min(b.max_steps, steps),
            max_packing_steps=min(b.max_packing_steps, PACKING_STEPS),
        ),
    )


def greedy_nodes(network, problem, rows, carried, cover, table, distances, build, allow_split):
    """The nodes of a large order's bounded search, with their candidates built (node index ->
    candidates); sets ``problem.greedy`` to the cover's plan, the search's first incumbent."""
    w = network.policy.weights
    policy = network.policy
    targets = problem.targets
    target_day = problem.target_day
    floor: dict[int, float] = {}
    rank: dict[int, float] = {}  # floor and lateness, the cover's tie-break and the refit's
    heap = []
    w_distance, w_lateness = w.distance, w.lateness
    # a node's distance read from the computed ones first (the same float distances[ni] gives)
    known = None
    if distances is not None:
        distances.fill(carried)  # then read from known
        known = distances.known
    table_floor, node_class = table.floor, table.node_class
    # (cheapest fixed score, its lateness part) per class of alike nodes: a thousand stores
    # are a few classes, the floor and lateness worked out once each
    by_class: dict[int, tuple[float, float]] = {}
    held = 0  # lines some node carries
    for ni, mask in carried.items():
        if not mask:
            continue
        held |= mask
        cls = node_class(ni)
        parts = by_class.get(cls)
        if parts is None:
            cheapest, first = table_floor(ni)
            late = 0 if target_day is None or first <= target_day else first - target_day
            parts = by_class[cls] = (cheapest, w_lateness * late)
        cheapest, lateness = parts
        if known is None:
            f = cheapest + 0.0
        else:
            km = known[ni]
            f = cheapest + w_distance * (km if km >= 0.0 else distances[ni])
        floor[ni] = f
        r = rank[ni] = f + lateness
        # cover counts against quantities (targets may be lower): an upper bound of the gain
        heap.append((-cover[ni], r, ni))
    heapq.heapify(heap)
    left = list(targets)
    limit = len(heap) if allow_split else 1
    if policy.max_packages is not None:
        limit = min(limit, policy.max_packages)
    chosen: list[int] = []
    plan_units: list[list[int]] = []
    short_lines = 0  # bit per line with units still short
    for li, short in enumerate(left):
        if short:
            short_lines |= 1 << li
    while heap and len(chosen) < limit and short_lines:
        item = heapq.heappop(heap)
        ni = item[2]
        row = rows[ni]
        bits = carried[ni] & short_lines
        gain = 0
        while bits:
            low = bits & -bits
            li = low.bit_length() - 1
            bits ^= low
            have, short = row[li], left[li]
            gain += have if have < short else short
        if not gain:
            continue
        fresh = (-gain, item[1], ni)
        if heap and fresh > heap[0]:  # gains only shrink: the stale key was an upper bound
            heapq.heappush(heap, fresh)
            continue
        chosen.append(ni)
        plan_units.append(_take(row, carried[ni], left))
        for li, short in enumerate(left):
            if not short:
                short_lines &= ~(1 << li)
    chosen, plan_units, left = drop_redundant(chosen, plan_units, left, rows, carried, targets,
                                              floor)  # fmt: skip
    built: dict = {}
    # every holder by floor and lateness, cheapest first (then index): the refit's candidates,
    # the next nodes and each line's cheapest holders, sorted once: node indexes by index,
    # then (stable) by rank - the order of (rank, node) tuples, without a tuple per holder
    ranked = sorted(sorted(rank), key=rank.__getitem__)
    if chosen:
        score, picks = cover_plan(problem, chosen, plan_units, left, built, build, w, policy)
        score, picks = _refit(
            problem, chosen, rows, carried, rank, ranked, built, build, w, policy, (score, picks)
        )
        if picks:
            problem.greedy = picks
    # the next nodes by what they could cover of the whole order, cheapest first
    # (by cover, then rank and index: a stable sort of the ranked nodes by cover, most first)
    # sorted()[:n], not heapq.nsmallest (the same nodes): nsmallest compares in Python,
    # ~0.7 ms over a 1,000-store network's holders, the sort in C a tenth of that
    others = [ni for ni in ranked if ni not in built]
    others.sort(key=cover.__getitem__, reverse=True)
    for ni in others[:EXTRA_NODES]:
        built[ni] = build(ni)
    if len(targets) <= SMALL_LINES:
        # and per line, its cheapest holders (floor and lateness): the exact search over
        # these nodes then chooses among the nearer or cheaper ones. One walk of the ranked
        # holders until every line has its LINE_HOLDERS (the same nodes as a sorted list of
        # holders per line, without building those lists: ~3,000 tuples for a 10-line order
        # of a 1,000-store network's popular lines)
        wanted = [LINE_HOLDERS] * len(targets)
        open_lines = held
        for ni in ranked:
            bits = carried[ni] & open_lines
            if not bits:
                continue
            if ni not in built:
                built[ni] = build(ni)
            while bits:
                low = bits & -bits
                li = low.bit_length() - 1
                bits ^= low
                wanted[li] -= 1
                if not wanted[li]:
                    open_lines ^= low
            if not open_lines:
                break
    return built


def _refit(problem, chosen, rows, carried, rank, ranked, built, build, w, policy, found):
    """The cover with each node swapped, in turn, for the cheapest node (floor and lateness,
    ``rank``; ``ranked``: the nodes by rank, cheapest first) holding all it ships once the others
    have shipped theirs, when the plan then scores less (:func:`cover_plan`). The cover's
    first picks take all they can; a later pick may leave an early one only a few lines,
    which a nearer or cheaper store holds."""
    score, picks = found
    targets = problem.targets
    for pos in range(len(chosen)):
        ni = chosen[pos]
        left = list(targets)
        for k, nk in enumerate(chosen):
            if k != pos:
                _take(rows[nk], carried[nk], left)
        row, mask = rows[ni], carried[ni]
        serves = []
        lines = 0  # the lines of serves: a node without one of them is passed at a glance
        for li, short in enumerate(left):
            if short and mask >> li & 1 and row[li]:
                serves.append((li, short if short < row[li] else row[li]))
                lines |= 1 << li
        if not serves:
            continue
        mine = rank[ni]
        for nj in ranked:
            if rank[nj] >= mine:
                break
            if carried[nj] & lines != lines or nj in chosen:
                continue
            row_j = rows[nj]
            if all(row_j[li] >= q for li, q in serves):
                trial = list(chosen)
                trial[pos] = nj
                left = list(targets)
                units = [_take(rows[nk], carried[nk], left) for nk in trial]
                trial_score, got = cover_plan(problem, trial, units, left, built, build, w, policy)
                if got and trial_score < score:
                    chosen[pos] = nj
                    score, picks = trial_score, got
                break
    return score, picks
