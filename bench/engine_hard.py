"""The engine benchmark's second mix (bench.synthetic_hard): store-heavy networks of 200 and
1,000 nodes, parcel services of 5 to 31.5 kg, a third of the orders split, and orders of
20 and 50 lines. Run by ``python -m bench engine`` after the first mix; reported beside it.

Each run replays its orders against a depleting copy of its stock with the same harness as
the first mix (bench.engine_bench.replay: timed pass back to back, checker and MILP sample
in a second, untimed pass). The 1,000-node and the 50-line runs are repeated with a tighter
:class:`oms_engine.Budget`, the bounded fallback a retailer would set for them.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, replace

from bench.checker import PlanChecker
from bench.synthetic_hard import generate_hard
from oms_engine import Budget, Network, route

#: The tighter budget of the bounded runs: few nodes searched, few steps.
BOUNDED = Budget(max_nodes=16, max_steps=300, max_packing_steps=2_000)

DESCRIPTION = (
    "A home-and-DIY retailer that ships from its stores (bench/synthetic_hard.py, seed "
    "20261127): a few DCs, each ranging one category of the assortment, the first one also "
    "the best sellers of every category, and stores holding a few units of the popular part "
    "(popular SKUs at ~85% of the stores); 20,000 SKUs of 0.1-30 kg (median ~2 kg, 4% bulky "
    "freight of 40-90 kg), parcel services of 5, 20, 25 and 31.5 kg besides express and "
    "freight, no package cap. Orders of 1-10 lines (1-4 units), or exactly 20 or 50 lines "
    "for the large-order runs, which get the stock of a mixed week of 20,000 orders. The "
    "1,000-node and 50-line runs are repeated with a tighter budget "
    f"(`Budget(max_nodes={BOUNDED.max_nodes}, max_steps={BOUNDED.max_steps}, "
    f"max_packing_steps={BOUNDED.max_packing_steps:,})`), the bounded "
    "fallback a retailer would set for them. The first mix's figures are its engine replay "
    "above."
)

#: Seconds a MILP reference solve may take in the second mix (1,000 nodes: 5-20 s each).
MILP_SECONDS = 60.0


@dataclass(frozen=True)
class Run:
    """One replay of the second mix."""

    label: str
    nodes: int
    orders: int  # full run
    quick: int  # --quick
    lines: int | None  # None: 1-10 lines
    milp: int  # MILP reference solves (full run; a third of it with --quick, at least 2)
    budget: Budget | None = None  # None: the policy's default


RUNS = (
    Run("1-10 lines, 200 nodes", 200, 20_000, 3_000, None, 100),
    Run("1-10 lines, 1,000 nodes", 1_000, 3_000, 600, None, 8),
    Run("1-10 lines, 1,000 nodes, bounded budget", 1_000, 3_000, 600, None, 0, BOUNDED),
    Run("20 lines, 200 nodes", 200, 500, 100, 20, 4),
    Run("50 lines, 200 nodes", 200, 300, 60, 50, 3),
    Run("50 lines, 200 nodes, bounded budget", 200, 300, 60, 50, 0, BOUNDED),
)


@dataclass
class Outcome:
    """What a run measured: the replay's Stats and the MILP sample's pairs."""

    run: Run
    stats: object
    milp: list  # (engine score, optimum, solve seconds)
    milp_status: dict
    seconds: float


def run_all(replay, hooks_class, quick: bool) -> list[Outcome]:
    """Replay every run of the second mix; ``replay`` and ``hooks_class`` are the first
    mix's (bench.engine_bench), passed in to keep one harness."""
    out = []
    worlds: dict[tuple, object] = {}
    for run in RUNS:
        started = time.perf_counter()
        n_orders = run.quick if quick else run.orders
        key = (run.nodes, n_orders, run.lines)
        retailer = worlds.get(key)
        if retailer is None:
            # a large-order run gets the stock of a mixed week of 20,000 orders
            retailer = worlds[key] = generate_hard(
                n_nodes=run.nodes,
                n_orders=n_orders,
                lines=run.lines,
                stock_orders=20_000 if run.lines else None,
            )
        network = retailer.network
        if run.budget is not None:
            policy = replace(network.policy, budget=run.budget)
            network = Network(retailer.nodes, retailer.services, retailer.products, policy)
            retailer = replace(retailer, network=network)
        checker = PlanChecker(retailer.nodes, retailer.services, retailer.products, network.policy)
        solves = run.milp if not quick else (max(2, run.milp // 3) if run.milp else 0)
        every = max(1, n_orders // solves) if solves else n_orders + 1
        hooks = hooks_class(retailer, every, [], 0, time_limit=MILP_SECONDS)

        def decide(order, stock, network=network):
            return route(network, order, stock, explain=False)

        stats = replay(retailer, run.label, decide, checker, hooks)
        outcome = Outcome(run, stats, hooks.milp, hooks.milp_status, 0.0)
        outcome.seconds = time.perf_counter() - started
        out.append(outcome)
        equal, solved = _equal(outcome.milp)
        print(
            f"  second mix: {run.label}: {stats.orders / (sum(stats.latencies_ns) / 1e9):,.0f}"
            f" orders/s, p99 {stats.pct(0.99):.0f} us, MILP-equal {equal}/{solved}, "
            f"{outcome.seconds:.0f} s",
            flush=True,
        )
    return out


def _same(engine: float, milp: float) -> bool:
    return abs(engine - milp) <= 1e-6 * max(1.0, abs(milp))


def _equal(pairs) -> tuple[int, int]:
    return sum(1 for e, m, _ in pairs if _same(e, m)), len(pairs)


def report(outcomes: list[Outcome], first_stats, first_milp) -> tuple[list[str], list[tuple]]:
    """Markdown lines of the side-by-side table, and the second mix's target rows."""
    lines = [
        "### Both mixes side by side",
        "",
        "| mix / run | nodes | orders | lines/order | split orders | orders with a "
        "multi-package shipment | fallback plans | MILP-equal (sample) | p50 µs | p99 µs "
        "| p99.9 µs | orders/s/core |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
        _row("first mix: 1-10 lines", 50, first_stats, first_milp),
    ]
    lines += [_row(f"second mix: {o.run.label}", o.run.nodes, o.stats, o.milp) for o in outcomes]
    by = {o.run.label: o for o in outcomes}
    main = by["1-10 lines, 200 nodes"]
    rate = main.stats.orders / (sum(main.stats.latencies_ns) / 1e9)
    equal, solved = _equal(main.milp)
    exact = equal / solved if solved else 0.0
    split = main.stats.split_orders / max(1, main.stats.shipped_orders)
    targets = [
        ("second mix: ≥ 10,000 orders/s on one core (1-10 lines, 200 nodes)",
         f"{rate:,.0f} /s", rate >= 10_000),
        ("second mix: exact on ≥ 99% (MILP sample, 1-10 lines, 200 nodes)",
         f"{100 * exact:.1f}% ({equal} of {solved})", exact >= 0.99),
        ("second mix: ≥ 20% split orders (data)", f"{100 * split:.1f}%", split >= 0.20),
    ]  # fmt: skip
    timed = (
        "50 lines, 200 nodes",
        "50 lines, 200 nodes, bounded budget",
        "1-10 lines, 1,000 nodes",
        "1-10 lines, 1,000 nodes, bounded budget",
    )
    for label in timed:
        p99 = by[label].stats.pct(0.99) / 1000
        targets.append((f"second mix: p99 ≤ 5 ms ({label})", f"{p99:.1f} ms", p99 <= 5))
    return lines, targets


def _row(label, nodes, s, pairs) -> str:
    n = max(1, s.orders)
    shipped = max(1, s.shipped_orders)
    rate = s.orders / (sum(s.latencies_ns) / 1e9)
    equal, solved = _equal(pairs)
    return (
        f"| {label} | {nodes:,} | {s.orders:,} | {s.lines / n:.1f} "
        f"| {100 * s.split_orders / shipped:.1f}% | {100 * s.multi_package / n:.1f}% "
        f"| {100 * (s.orders - s.exact) / n:.1f}% | {f'{equal}/{solved}' if solved else '-'} "
        f"| {s.pct(0.5):.0f} | {s.pct(0.99):.0f} | {s.pct(0.999):.0f} | {rate:,.0f} |"
    )


def gap_sentence(outcomes: list[Outcome]) -> str:
    """Where plans of the MILP samples were above the optimum, and by how much."""
    parts = []
    for o in outcomes:
        gaps = [(e - m) / max(1.0, m) for e, m, _ in o.milp if not _same(e, m)]
        if gaps:
            parts.append(
                f"{o.run.label}: {len(gaps)} of {len(o.milp)} above the optimum, by "
                f"{100 * statistics.fmean(gaps):.2f}% on average, {100 * max(gaps):.2f}% at most"
            )
        if o.milp_status and set(o.milp_status) != {"optimal"}:
            parts.append(f"{o.run.label}: MILP statuses {o.milp_status}")
    return "; ".join(parts) if parts else "no plan of the samples above the optimum"


def median_milp_seconds(outcomes: list[Outcome]) -> float:
    """The median MILP solve time of the second mix's samples."""
    seconds = [sec for o in outcomes for _, _, sec in o.milp]
    return statistics.median(seconds) if seconds else 0.0
