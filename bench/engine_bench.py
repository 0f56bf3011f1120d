"""Benchmark of the sourcing engine: `python -m bench engine [--quick] [--seed N] [--no-write]`.

One seeded synthetic retailer (bench.synthetic), one replay per policy, each on its own copy of
the stock, which depletes as orders are routed; nodes that reached their daily capacity are
excluded for the rest of the day (passed as the order's excluded nodes). Every plan is validated
by bench.checker. The engine's replay also samples orders for the exact MILP reference and keeps
stock snapshots for the batch windows, solved after the replay so its timing stays clean; a
launch window (bench.synthetic.launch_window), where orders compete most for the same
units, is solved beside them, and once more as one model over every node for reference.
"""

from __future__ import annotations

import argparse
import gc
import math
import os
import statistics
import time
from dataclasses import dataclass, field, replace
from datetime import timedelta, timezone

from bench import engine_hard, machine_summary, write_section
from bench.baselines import fewest_packages, greedy, home_warehouse_first, nearest_node
from bench.checker import PlanChecker
from bench.synthetic import (
    HISTORY_WEEKS,
    LAUNCHED_SKUS,
    REGIONAL_MIN_WEEKLY,
    SAFETY_Z,
    Retailer,
    generate,
    launch_window,
)
from oms_engine import deplete, route
from oms_engine.batch import classify_splits, reoptimise, route_one_by_one
from oms_engine.milp import solve_order

BERLIN = timezone(timedelta(hours=1))  # CET all through the replay week (no DST change)
#: An order left short is finished later by a backorder: one more parcel from the home DC and
#: three days late. Added to every policy's cost per order alike, so leaving units out is
#: never cheaper than shipping them.
BACKORDER_LATE_DAYS = 3
#: Time limit of the launch window's reference solve (one model, every node).
LAUNCH_REFERENCE_SECONDS = 300.0


@dataclass
class Stats:
    """What one policy's replay measured."""

    name: str
    orders: int = 0
    lines: int = 0
    short_lines: int = 0
    score: float = 0.0  # objective without the unfulfilled term, plus backorder follow-ups
    euros: float = 0.0
    packages: int = 0
    shipped_orders: int = 0
    split_orders: int = 0
    late_orders: int = 0
    violations: int = 0
    violation_examples: list = field(default_factory=list)
    exact: int = 0
    multi_package: int = 0  # orders with a shipment of several packages
    latencies_ns: list = field(default_factory=list)  # CPU time of the decision call
    wall_ns: list = field(default_factory=list)  # wall time of the same call
    deplete_ns: int = 0  # CPU time of deplete()

    def pct(self, q: float, wall: bool = False) -> float:
        """Percentile ``q`` of the decision latency, in microseconds."""
        data = sorted(self.wall_ns if wall else self.latencies_ns)
        return data[min(len(data) - 1, int(q * len(data)))] / 1000.0


def _backorder(retailer: Retailer, plan) -> tuple[float, float, int]:
    """(score, euros, packages) of finishing the plan's short units later from the home DC."""
    units = [(u.sku, u.quantity) for u in plan.unfulfilled]
    if not units:
        return 0.0, 0.0, 0
    w = retailer.network.policy.weights
    parcel = next(s for s in retailer.services if s.id == "dhl-paket")
    home = next(n for n in retailer.nodes if n.id == retailer.home_node)
    kg = sum(
        retailer.network.products[s].weight_kg * q
        for s, q in units
        if s in retailer.network.products
    )
    packages = max(1, math.ceil(kg / parcel.max_weight_kg))
    euros = home.handling_cost + packages * parcel.cost_per_package + parcel.cost_per_kg * kg
    extra_late = max(0, BACKORDER_LATE_DAYS - plan.score.late_days)
    return w.packages * packages + w.cost * euros + w.lateness * extra_late, euros, packages


def replay(
    retailer: Retailer,
    name: str,
    decide,
    checker: PlanChecker,
    hooks=None,
    freeze=True,
    interleaved=False,
) -> Stats:
    """Route every order in turn against a depleting copy of the stock; measure each decision.

    The timed pass runs the decisions back to back - route, deplete, the capacity bookkeeping
    the next order's excluded nodes need - and keeps nothing of a plan but a fingerprint.
    A second pass, untimed, decides the same orders again on the same stock (the decisions
    are deterministic: the fingerprints must match, or the bench stops) and feeds the
    checker, the hooks (MILP sample, batch windows) and the statistics. Run between the
    timed calls, those charged them for their garbage and cache misses (the MILP sample alone
    ~7% of the engine's replay); keeping the 100k plans for later instead made every full
    collection inside a call walk them.

    ``freeze``: the workload - the 100k orders, the products, the network - built before the
    replay and alive all through it, as a service's loaded network is, is frozen out of the
    garbage collector's walks (``gc.freeze()``). Without it, every full collection that falls
    inside a decision call walks the bench's own pre-generated orders and charges that to the
    call. The collector stays on: what the decisions allocate is collected, and charged to
    them.

    ``freeze=False, interleaved=True`` measures the old way, for comparison: the checker and
    the hooks between the calls (their results then come from the second pass all the same).
    """
    stats = Stats(name)
    before = after = None
    if interleaved:
        fed, hooks = hooks, None  # fed between the calls: not again in the second pass

        def before(i, routed, stock, loads, day):
            if fed:
                fed.before(i, routed, stock, loads, day)

        def after(i, routed, plan, stock, _loads, _day):
            checker.check(routed, plan, stock, routed.excluded_nodes)
            if fed:
                fed.after(i, routed, plan, stock)

    gc.collect()
    if freeze:
        gc.freeze()
    try:
        prints = _decide_all(retailer, decide, stats, before, after)
    finally:
        gc.unfreeze()

    def check(i, routed, plan, stock, loads, day):
        if _fingerprint(plan) != prints[i]:
            raise RuntimeError(f"{name}: order {routed.id} decided differently the second time")
        if hooks:
            hooks.before(i, routed, stock, loads, day)
        broken = checker.check(routed, plan, stock, routed.excluded_nodes)
        if broken:
            stats.violations += 1
            if len(stats.violation_examples) < 5:
                stats.violation_examples.append((routed.id, broken[:3]))
        if hooks:
            hooks.after(i, routed, plan, stock)
        _count(retailer, stats, routed, plan)

    _decide_all(retailer, decide, None, None, check)
    return stats


def _fingerprint(plan) -> int:
    """What the timed pass keeps of a plan: no object the collector would have to walk."""
    return hash(
        (
            plan.score.total,
            tuple((s.node, s.carrier_service, s.lines) for s in plan.shipments),
            plan.unfulfilled,
        )
    )


def _decide_all(retailer: Retailer, decide, stats: Stats | None, before, after) -> list[int]:
    """One pass over the orders on a fresh copy of the stock. With ``stats``, timed: each
    decision's CPU and wall time, deplete's CPU, and the plans' fingerprints are returned.
    ``before(i, routed, stock, loads, day)`` is called before each decision and
    ``after(i, routed, plan, stock, loads, day)`` after it, before the stock is depleted."""
    stock = retailer.fresh_stock()
    capacity = {n.id: n.daily_capacity for n in retailer.nodes if n.daily_capacity is not None}
    loads: dict[tuple[str, int], int] = {}
    full: dict[int, set[str]] = {}
    prints: list[int] = []
    # CPU time of this thread: on a shared machine, time spent descheduled is not the
    # engine's. Wall time is kept too and reported beside it.
    clock, wall = time.thread_time_ns, time.perf_counter_ns
    for i, order in enumerate(retailer.orders):
        day = order.order_time.astimezone(BERLIN).toordinal()
        full_today = full.get(day)
        routed = replace(order, excluded_nodes=frozenset(full_today)) if full_today else order
        if before:
            before(i, routed, stock, loads, day)
        if stats is None:
            plan = decide(routed, stock)
            after(i, routed, plan, stock, loads, day)
            deplete(stock, plan)
        else:
            started, started_wall = clock(), wall()
            plan = decide(routed, stock)
            stats.latencies_ns.append(clock() - started)
            stats.wall_ns.append(wall() - started_wall)
            if after:
                after(i, routed, plan, stock, loads, day)
            started = clock()
            deplete(stock, plan)
            stats.deplete_ns += clock() - started
            prints.append(_fingerprint(plan))
        for s in plan.shipments:
            key = (s.node, day)
            loads[key] = loads.get(key, 0) + 1
            if s.node in capacity and loads[key] >= capacity[s.node]:
                full.setdefault(day, set()).add(s.node)
    return prints


def _count(retailer: Retailer, stats: Stats, routed, plan) -> None:
    """The statistics of one decided order."""
    sc = plan.score
    b_score, b_euros, _b_packages = _backorder(retailer, plan)
    stats.orders += 1
    stats.lines += len(routed.lines)
    stats.short_lines += len({u.sku for u in plan.unfulfilled})
    stats.score += sc.total - sc.unfulfilled + b_score
    stats.euros += sc.cost_amount + b_euros
    stats.packages += sc.package_count
    stats.exact += plan.method == "exact"
    stats.multi_package += any(s.packages > 1 for s in plan.shipments)
    if plan.shipments:
        stats.shipped_orders += 1
        stats.split_orders += len(plan.shipments) > 1
        stats.late_orders += sc.late_days > 0


class EngineHooks:
    """Samples orders for the MILP reference and snapshots stock for the batch windows."""

    def __init__(
        self,
        retailer: Retailer,
        milp_every: int,
        windows: list[int],
        window_size: int,
        time_limit: float = 30.0,
    ):
        self.retailer = retailer
        self.milp_every = milp_every
        self.time_limit = time_limit
        self.milp: list[tuple[float, float, float]] = []  # (engine, milp, solve seconds)
        self.milp_status: dict[str, int] = {}
        self.window_size = window_size
        self.starts = set(windows)
        self.windows: dict[int, dict] = {}

    def before(self, i, order, stock, loads, day):
        if i in self.starts:
            left = {
                n.id: max(0, n.daily_capacity - loads.get((n.id, day), 0))
                for n in self.retailer.nodes
                if n.daily_capacity is not None
            }
            snapshot = {sku: dict(by_node) for sku, by_node in stock.items()}
            self.windows[i] = {"stock": snapshot, "capacity": left, "orders": [], "plans": []}

    def after(self, i, order, plan, stock):
        for start, window in self.windows.items():
            if start <= i < start + self.window_size:
                window["orders"].append(order)
                window["plans"].append(plan)
        if i % self.milp_every == 0:
            ref = solve_order(
                self.retailer.network,
                order,
                stock,
                target_date=plan.explanation.target_date,
                time_limit=self.time_limit,
            )
            self.milp_status[ref.status] = self.milp_status.get(ref.status, 0) + 1
            if ref.score is not None and ref.status == "optimal":
                self.milp.append((plan.score.total, ref.score.total, ref.seconds))


def checker_self_test(retailer: Retailer, checker: PlanChecker) -> tuple[int, int]:
    """Break real plans on purpose, rule by rule: (rejected, broken). A checker that passed
    everything would make "zero violations" meaningless."""
    network, stock = retailer.network, retailer.fresh_stock()
    uncertified = next(n for n in retailer.nodes if n.kind == "store" and n.ship_from_store)
    dangerous = next(p for p in retailer.products if p.dangerous_class)
    bulky = next(p for p in retailer.products if p.bulky)
    cases = []
    for order in retailer.orders[:200]:
        plan = route(network, order, stock, explain=False)
        if not plan.shipments:
            continue
        first = plan.shipments[0]
        line = first.lines[0]
        more = replace(line, quantity=line.quantity + 10_000)
        cases.append((order, replace(plan, shipments=(replace(first, lines=(more,)),)), ()))
        cases.append((order, plan, frozenset({first.node})))  # node over capacity
        odd = replace(first, node=uncertified.id, lines=(type(line)(dangerous.sku, 1),))
        cases.append(
            (
                replace(order, lines=(*order.lines, odd.lines[0])),
                replace(plan, shipments=(*plan.shipments, odd)),
                (),
            )
        )
        big = replace(first, lines=(type(line)(bulky.sku, 1),), packages=first.packages)
        cases.append(
            (
                replace(order, lines=(*order.lines, big.lines[0])),
                replace(plan, shipments=(*plan.shipments, big)),
                (),
            )
        )
        twice = replace(order, allow_split=False)
        cases.append((twice, replace(plan, shipments=(first, first)), ()))
        short = replace(plan, shipments=plan.shipments[1:], unfulfilled=())
        cases.append((order, short, ()))
        if len(cases) >= 60:
            break
    rejected = sum(
        bool(checker.check(order, plan, stock, frozenset(full))) for order, plan, full in cases
    )
    return rejected, len(cases)


# --------------------------------------------------------------------------- report


def _row(s: Stats, baseline_cost: float | None = None) -> str:
    n = max(1, s.orders)
    shipped = max(1, s.shipped_orders)
    total_s = sum(s.latencies_ns) / 1e9
    return (
        f"| {s.name} | {s.score / n:.2f} | {s.euros / n:.2f} | {s.packages / n:.3f} "
        f"| {100 * s.split_orders / shipped:.1f}% | {100 * s.late_orders / shipped:.1f}% "
        f"| {100 * s.short_lines / max(1, s.lines):.2f}% | {s.violations} "
        f"| {s.pct(0.5):.0f} | {s.pct(0.99):.0f} | {s.pct(0.999):.0f} "
        f"| {s.pct(0.99, wall=True):.0f} | {s.orders / total_s:,.0f} |"
    )


def _old_way_sentence(args) -> str:
    """The engine's replay measured with the workload left to the collector, in the same run."""
    u = getattr(args, "old_way", None)
    if u is None:
        return ""
    seconds = (sum(u.latencies_ns) + u.deplete_ns) / 1e9
    return (
        "The engine's replay run first in the same process the way this benchmark measured "
        "until 2026-11-26 - workload not frozen, the checker and the MILP sample between the "
        f"calls: {u.orders / (sum(u.latencies_ns) / 1e9):,.0f}"
        f" orders/s/core, p99 {u.pct(0.99):.0f} µs, replay {seconds:.2f} s."
    )


def report(
    args, retailer, results, hooks, batches, clean_seconds, wall, hard=None
) -> tuple[str, list]:
    engine = results["engine (exact route)"]
    n = engine.orders
    lines = []
    m = machine_summary()
    try:
        import highspy

        h = highspy.Highs()
        hv = f"{h.versionMajor()}.{h.versionMinor()}.{h.versionPatch()}"
    except Exception:  # pragma: no cover - reported, not fatal
        hv = "not installed"
    lines += [
        "## Sourcing engine",
        "",
        f"Measured {m['date']} at commit {m['commit']} on {m['cpu']} ({m['cores']} cores, "
        f"shared with other sessions: load average {args.load:.1f} at the start, timings are "
        f"indicative), Python {m['python']}, highspy {hv}. Seed {args.seed}; "
        f"{n:,} orders ({engine.lines:,} lines), {len(retailer.products):,} SKUs, "
        f"{len(retailer.nodes)} nodes. Command: `{args.command}` (one of the benchmarks "
        f"`make bench` runs; this one took {wall:.0f} s). Stock planned from "
        f"{HISTORY_WEEKS} history weeks, safety factor z = {args.safety_z:g}, regional DCs "
        f"ranging what their region buys ≥ {args.regional_min_weekly} units a week (see the "
        "retailer's description below the section).",
        "",
        "| policy | cost/order | EUR/order | packages/order | split rate | late rate "
        "| unfilled lines | violations | p50 µs | p99 µs | p99.9 µs | p99 wall µs "
        "| orders/s/core |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    lines += [_row(s) for s in results.values()]
    lines += [
        "",
        "cost/order = the policy's objective (packages, EUR, late days, km, priority; weights of "
        "the retailer's policy) plus, for orders left short, a backorder parcel from the home DC "
        f"{BACKORDER_LATE_DAYS} days late - the same rule for every policy. Split rate and late "
        "rate are over orders with at least one shipment, from the plan's own shipments "
        "(backorders count in cost/order only); unfilled lines are lines with units left short "
        "when the order was decided. Latency is the decision call only "
        "(engine: `route(..., explain=False)`; baselines are plain Python on the MILP lane "
        "table, not optimised), as thread CPU time - the machine was shared, so time spent "
        "descheduled is left out - with the wall-clock p99 beside it; orders/s/core = orders "
        "/ total CPU time of the calls. The calls run back to back (with deplete() and the "
        "capacity bookkeeping); the checker and the MILP sample go over the kept plans "
        "afterwards, re-playing the same stock. Before each replay the workload (orders, "
        "products, network; built beforehand and alive all through) is frozen out of the "
        "garbage collector (`gc.freeze()`), which stays on: what the calls allocate is "
        "collected and charged to them, the bench's own 100k orders are not walked. "
        f"{_old_way_sentence(args)} Violations: plans the independent checker "
        f"(bench/checker.py) rejects; it rejected {args.self_test[0]} of {args.self_test[1]} "
        "plans broken on purpose before the replay (stock, capacity, dangerous goods, bulky, "
        "split, lost units).",
        "",
    ]

    # Ratios and targets.
    def cost(name):
        return results[name].score / max(1, results[name].orders)

    def split(name):
        s = results[name]
        return s.split_orders / max(1, s.shipped_orders)

    home, nearest = "home-warehouse-first", "nearest node"
    vs_home = 1 - cost("engine (exact route)") / cost(home)
    vs_nearest = 1 - cost("engine (exact route)") / cost(nearest)
    split_ratio = split("engine (exact route)") / max(1e-9, split(nearest))
    gaps = [(e - r) / r for e, r, _s in hooks.milp if r > 0]
    exact_sample = sum(1 for e, r, _s in hooks.milp if abs(e - r) <= 1e-6 * max(1, abs(r)))
    below = sum(1 for e, r, _s in hooks.milp if e < r - 1e-6 * max(1, abs(r)))
    milp_ms = [s * 1000 for _e, _r, s in hooks.milp]
    milp_median = statistics.median(milp_ms) if milp_ms else 0.0
    exact_pct = 100 * exact_sample / max(1, len(gaps))
    windows = [
        (f"{start:,}", b, hooks.windows[start]["splits"])
        for start, b in sorted(batches_by_start(batches, hooks).items())
    ]
    if getattr(args, "launch", None):
        windows.append((f"launch ({LAUNCHED_SKUS} new SKUs)", *args.launch))
    batches = [b for _label, b, _c in windows]
    full_windows = bool(batches) and all(len(b.orders) >= 2000 for b in batches)
    window_met = max(b.seconds for b in batches) <= 2.0 if full_windows else None
    p99_us = engine.pct(0.99)
    per_core = engine.orders / (sum(engine.latencies_ns) / 1e9)
    exact_rate = engine.exact / max(1, engine.orders)
    fill = 1 - engine.short_lines / max(1, engine.lines)
    removed = [
        (label, b.extra_shipments_before - b.extra_shipments_after, b.extra_shipments_before,
         c.removable_at_most)
        for label, b, c in windows
    ]  # fmt: skip
    ratio_rows = []
    eng = results["engine (exact route)"]
    for name, other in results.items():
        if other is eng:
            continue
        pkg = (eng.packages / max(1, eng.orders)) / max(1e-9, other.packages / max(1, other.orders))
        speed = (sum(other.latencies_ns) / max(1, other.orders)) / max(
            1e-9, sum(eng.latencies_ns) / max(1, eng.orders)
        )
        theirs = split(name)
        split_ratio_text = (
            f"{split('engine (exact route)') / theirs:.2f}x" if theirs else "n/a (never splits)"
        )
        ratio_rows.append(
            f"| {name} | {100 * (1 - cost('engine (exact route)') / cost(name)):.1f}% "
            f"| {split_ratio_text} | {pkg:.2f}x "
            f"| {speed:.2f}x |"
        )
    lines += [
        "### Engine against each baseline",
        "",
        "| baseline | engine's lower cost/order | engine split rate / theirs "
        "| engine packages / theirs | engine speed / theirs |",
        "|---|---|---|---|---|",
        *ratio_rows,
        "",
        "### Exact MILP reference (HiGHS) on a sample",
        "",
        f"{len(hooks.milp)} orders (every {hooks.milp_every}th of the engine's replay, same stock "
        f"at that moment, same target date), solver statuses {hooks.milp_status}: engine score "
        f"equal to the MILP optimum on {exact_sample} ({exact_pct:.1f}%), "
        f"mean gap {100 * statistics.fmean(gaps) if gaps else 0:.4f}%, max gap "
        f"{100 * max(gaps, default=0):.3f}%, engine below the optimum on {below} (model "
        f"mismatch if > 0). MILP solve time per order: median {milp_median:.1f} ms, "
        f"max {max(milp_ms, default=0):.0f} ms.",
        "",
        "### Batch re-optimisation of release windows",
        "",
        "| window (first order) | orders | split one-by-one | forced | by competition "
        "| by choice | extra shipments one-by-one | removable at most | after batch | removed "
        "| score saved | solver | status | seconds |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for label, b, c in windows:
        base = b.extra_shipments_before
        lines.append(
            f"| {label} | {len(b.orders):,} | {c.split} | {c.forced} | {c.competition} "
            f"| {c.choice} | {base} | {c.removable_at_most} | {b.extra_shipments_after} | "
            f"{100 * (base - b.extra_shipments_after) / base if base else 0:.0f}% | "
            f"{b.improvement:.2f} | {b.solver_status} | {b.status} | {b.seconds:.2f} |"
        )
    ref = getattr(args, "launch_reference", None)
    if ref is not None:
        lines += [
            "",
            f"The launch window as one model over every node, {ref.columns:,} columns, "
            f"{LAUNCH_REFERENCE_SECONDS:.0f} s allowed: {ref.extra_shipments_after} extra "
            f"shipments, score saved {ref.improvement:.2f}, solver {ref.solver_status}, "
            f"{ref.seconds:.1f} s - what the 2 s batch leaves on the table.",
        ]
    lines += [
        "",
        "Extra shipments = packages beyond one per order. The batch (oms_engine.batch) "
        "re-decides together every order that could ship in fewer packages or fill more "
        "(a node could send more of it than its largest shipment, or a unit it lacked) and "
        "every order, earlier or later in the window, holding units such an order would need "
        "where the one-by-one plans leave too few; the rest keep their plans. Per order the "
        "6 best-scored nodes, the 6 that could send most of it and those its plan used; stock "
        "and the nodes' remaining daily capacity shared; small independent groups bundled "
        "and solved exactly, a large group first whole by an LP-guided dive (LP relaxation, "
        "then the MIP with the columns the LP set to integers fixed), then in 40-order "
        "chunks, passed over again with the chunk borders moved while time is left and the "
        "last pass gained; each solve accepted only if strictly better, 2 s for the whole "
        "call (models included). The "
        "first windows are the replay's own, each from the stock the engine's replay left at "
        "its first order; the launch window is a Monday-morning product launch "
        "(bench.synthetic.launch_window): each order buys one unit of one of "
        f"{LAUNCHED_SKUS} new products and 0-3 usual lines, the new products stocked at the "
        "DCs alone, by the same order-up-to rule as the rest, from the launch's regional forecast, "
        "on top of the opening stock. Splits, from the "
        "window's opening stock with the hard rules applied (oms_engine.batch.classify_splits): "
        "'forced' - no single node could send the order whole even before the window; 'by "
        "competition' - one could, but earlier orders of the window took the units; 'by "
        "choice' - one still could at the order's turn and splitting scored better. 'Removable "
        "at most': packages beyond the fewest nodes that could together send what each split "
        "order shipped from the opening stock, as if no other order took anything - an upper "
        "bound on what any re-allocation inside the window can remove. A time-limited MIP is "
        "not deterministic: when a solve stops at the time limit, figures may differ slightly "
        "run to run ('optimal' everywhere: same result every run).",
        "",
    ]
    hard_targets = []
    if hard:
        hard_lines, hard_targets = engine_hard.report(hard, engine, hooks.milp)
        lines += [
            "### The second mix: store-heavy networks, weight limits, large orders",
            "",
            engine_hard.DESCRIPTION,
            "",
            *hard_lines,
            "",
            "Fallback plans: `method: greedy-fallback` (a budget ran out, or `max_nodes` cut "
            f"the nodes searched). MILP samples: {engine_hard.gap_sentence(hard)}. MILP solve "
            f"time per order in the second mix: median "
            f"{engine_hard.median_milp_seconds(hard):.1f} s.",
            "",
        ]
    lines += [
        "### Targets",
        "",
        "| target | measured | met |",
        "|---|---|---|",
    ]
    targets = [
        ("p99 ≤ 0.5 ms per order", f"{p99_us / 1000:.3f} ms", p99_us <= 500),
        ("≥ 20,000 orders/s on one core", f"{per_core:,.0f} /s", per_core >= 20_000),
        (
            f"{n:,}-order replay ≤ 5 s (CPU time of its route + deplete calls)",
            f"{clean_seconds:.2f} s",
            clean_seconds <= 5 if n >= 100_000 else None,
        ),
        ("exact on ≥ 99% of orders", f"{100 * exact_rate:.2f}%", exact_rate >= 0.99),
        (
            "mean cost gap to MILP ≤ 0.3%",
            f"{100 * statistics.fmean(gaps) if gaps else 0:.4f}%",
            bool(gaps) and statistics.fmean(gaps) <= 0.003,
        ),
        ("zero constraint violations", str(engine.violations), engine.violations == 0),
        (
            "≥ 35% lower cost/order than home-warehouse-first",
            f"{100 * vs_home:.1f}%",
            vs_home >= 0.35,
        ),
        (
            "≥ 20% lower cost/order than nearest node",
            f"{100 * vs_nearest:.1f}%",
            vs_nearest >= 0.20,
        ),
        ("split rate ≤ 1/3 of nearest node's", f"{split_ratio:.2f}x", split_ratio <= 1 / 3),
        (
            "batch removes ≥ 50% of extra shipments",
            ", ".join(
                f"{label}: {100 * gone / base:.0f}% ({gone} of {base}; at most {bound} removable)"
                if base
                else f"{label}: no extra shipments"
                for label, gone, base, bound in removed
            )
            or "no window",
            # Judged on the windows with something to remove; none at all: nothing to judge.
            all(gone >= 0.5 * base for _l, gone, base, _b in removed if base)
            if any(base for _l, _g, base, _b in removed)
            else "n/a (no extra shipments in any window)",
        ),
        (
            "2,000-order window ≤ 2 s",
            ", ".join(f"{b.seconds:.2f} s" for b in batches),
            window_met,
        ),
        (
            "best policy fills 97-99% of lines (data sizing)",
            f"{100 * fill:.2f}%",
            0.97 <= fill <= 0.99,
        ),
        *hard_targets,
    ]
    for label, measured, met in targets:
        if isinstance(met, str):
            verdict = met
        else:
            verdict = "n/a (quick run)" if met is None else ("met" if met else "**not met**")
        lines.append(f"| {label} | {measured} | {verdict} |")
    examples = [(s.name, s.violation_examples) for s in results.values() if s.violation_examples]
    if examples:
        lines += ["", "Violation examples:", ""]
        lines += [f"- {name}: {ex}" for name, ex in examples]
    return "\n".join(lines) + "\n", targets


def batches_by_start(batches, hooks):
    return dict(zip(sorted(hooks.windows), batches, strict=True))


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    """Run the engine benchmark; write docs/benchmarks.md unless --quick or --no-write."""
    parser = argparse.ArgumentParser(prog="python -m bench engine")
    parser.add_argument("--quick", action="store_true", help="10k orders, smaller samples")
    parser.add_argument("--seed", type=int, default=20261126)
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--write", action="store_true", help="write docs even for --quick")
    parser.add_argument(
        "--first-mix-only", action="store_true", help="skip the second mix (bench.engine_hard)"
    )
    parser.add_argument(
        "--safety-z",
        type=float,
        default=SAFETY_Z,
        help=f"DC safety factor of the synthetic stock (default {SAFETY_Z})",
    )
    parser.add_argument(
        "--regional-min-weekly",
        type=int,
        default=REGIONAL_MIN_WEEKLY,
        help="weekly units a region must order for its DC to range a SKU "
        f"(default {REGIONAL_MIN_WEEKLY})",
    )
    args, _unknown = parser.parse_known_args(argv or [])
    args.command = "python -m bench engine" + (" --quick" if args.quick else "")
    if args.safety_z != SAFETY_Z:
        args.command += f" --safety-z={args.safety_z:g}"
    if args.regional_min_weekly != REGIONAL_MIN_WEEKLY:
        args.command += f" --regional-min-weekly={args.regional_min_weekly}"
    started = time.perf_counter()
    args.load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    if args.quick:
        n_orders, n_skus, milp_every, window, n_windows = 10_000, 5_000, 50, 1_000, 1
    else:
        n_orders, n_skus, milp_every, window, n_windows = 100_000, 20_000, 100, 2_000, 3
    t = time.perf_counter()
    retailer = generate(
        seed=args.seed,
        n_orders=n_orders,
        n_skus=n_skus,
        safety_z=args.safety_z,
        min_weekly=args.regional_min_weekly,
    )
    print(f"  generated {n_orders:,} orders in {time.perf_counter() - t:.1f} s", flush=True)
    network = retailer.network
    checker = PlanChecker(retailer.nodes, retailer.services, retailer.products, network.policy)
    args.self_test = checker_self_test(retailer, checker)
    print(f"  checker self-test: {args.self_test[0]}/{args.self_test[1]} broken plans rejected")
    cache: dict = {}
    policies = {
        "home-warehouse-first": home_warehouse_first(retailer.home_node),
        "nearest node": nearest_node,
        "fewest packages (Shopify)": fewest_packages,
        "greedy": greedy,
    }
    results: dict[str, Stats] = {}
    starts = [int(n_orders * f) for f in (0.2, 0.5, 0.8)][:n_windows]
    hooks = EngineHooks(retailer, milp_every, starts, window)

    def engine_decide(order, stock):
        return route(network, order, stock, explain=False)

    t = time.perf_counter()
    # First, on the heap the earlier benches measured on, the engine measured the old way
    # (workload not frozen, checker and MILP sample between the calls): reported beside the
    # figures below so the two can be compared.
    args.old_way = replay(
        retailer,
        "engine, the old way",
        engine_decide,
        checker,
        EngineHooks(retailer, milp_every, [], window),
        freeze=False,
        interleaved=True,
    )
    print(f"  engine replay, the old way, in {time.perf_counter() - t:.1f} s", flush=True)
    t = time.perf_counter()
    results["engine (exact route)"] = replay(
        retailer, "engine (exact route)", engine_decide, checker, hooks
    )
    print(f"  engine replay + MILP sample in {time.perf_counter() - t:.1f} s", flush=True)
    for name, policy in policies.items():
        t = time.perf_counter()
        results[name] = replay(
            retailer, name, lambda o, s, p=policy: p(network, o, s, cache), checker
        )
        print(f"  {name} in {time.perf_counter() - t:.1f} s", flush=True)
    engine = results["engine (exact route)"]
    # The replay's own cost: every route() and deplete() call, nothing the bench adds around
    # them (capacity bookkeeping, checker, MILP sample).
    clean_seconds = (sum(engine.latencies_ns) + engine.deplete_ns) / 1e9
    batches = []
    for start in sorted(hooks.windows):
        w = hooks.windows[start]
        b = reoptimise(
            network,
            w["orders"],
            w["stock"],
            plans=w["plans"],
            time_limit=2.0,
            capacity_left=w["capacity"],
        )
        batches.append(b)
        w["splits"] = classify_splits(network, w["orders"], w["plans"], w["stock"])
        print(
            f"  batch window at {start}: {b.extra_shipments_before} -> "
            f"{b.extra_shipments_after} extra shipments (at most "
            f"{w['splits'].removable_at_most} removable), {b.seconds:.2f} s",
            flush=True,
        )
    # The launch window: the same batch call where orders compete most (bench.synthetic).
    launch_orders, launch_stock = launch_window(retailer, window, args.safety_z)
    launch_plans = route_one_by_one(network, launch_orders, launch_stock)
    b = reoptimise(
        network,
        launch_orders,
        launch_stock,
        plans=launch_plans,
        time_limit=2.0,
        capacity_left={n.id: n.daily_capacity for n in retailer.nodes if n.daily_capacity},
    )
    args.launch = (b, classify_splits(network, launch_orders, launch_plans, launch_stock))
    # What the 2 s leave on the table: the same window as one model over every node.
    args.launch_reference = reoptimise(
        network,
        launch_orders,
        launch_stock,
        plans=launch_plans,
        time_limit=LAUNCH_REFERENCE_SECONDS,
        capacity_left={n.id: n.daily_capacity for n in retailer.nodes if n.daily_capacity},
        chunk_orders=len(launch_orders),
        max_nodes=len(retailer.nodes),
    )
    print(
        f"  launch window: {b.extra_shipments_before} -> {b.extra_shipments_after} extra "
        f"shipments (at most {args.launch[1].removable_at_most} removable), {b.seconds:.2f} s",
        flush=True,
    )
    hard = None
    if not args.first_mix_only:
        hard = engine_hard.run_all(replay, EngineHooks, args.quick)
    ordered = {"engine (exact route)": results.pop("engine (exact route)"), **results}
    text, _targets = report(
        args, retailer, ordered, hooks, batches, clean_seconds, time.perf_counter() - started,
        hard,
    )  # fmt: skip
    print(text)
    if (not args.quick or args.write) and not args.no_write:
        write_section("engine", text)
        print("  written to docs/benchmarks.md")
    return 0
