"""Paired before/after replay of the engine on one mix, in one process.

The before-engine is the ``oms_engine`` package of a git commit, loaded as a renamed copy
(``oms_engine_base``); both engines replay the same orders, each against its own depleting
copy of the stock, order by order alternately, so load on the shared machine falls on both
alike. Per order: thread CPU time of ``route(..., explain=False)`` (``--explain``:
``explain=True``, as the Odoo addon routes), the plan's method, its score and whether the
two plans are the same (``dataclasses.astuple``, explanation included, ``steps`` aside
unless ``--steps``). Used for the speed passes of docs/engine.md; not part of ``make bench``.

    python -m bench.engine_paired --base 3b1a569 --mix hard --nodes 200 --orders 3000
    python -m bench.engine_paired --base 3b1a569 --mix first --orders 100000
    python -m bench.engine_paired --base abd5b33 --mix hard --nodes 1000 --explain
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import importlib
import os
import statistics
import subprocess
import sys
import time
from dataclasses import replace

import oms_engine


def load_base(commit: str, root: str = "/tmp/oms_engine_paired"):
    """The engine of ``commit`` as the package ``oms_engine_base``."""
    target = os.path.join(root, commit)
    pkg = os.path.join(target, "oms_engine_base")
    if not os.path.isdir(pkg):
        os.makedirs(target, exist_ok=True)
        repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        archive = subprocess.run(
            ["git", "-C", repo, "archive", commit, "oms_engine"], check=True, capture_output=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", target], input=archive, check=True)
        os.rename(os.path.join(target, "oms_engine"), pkg)
        for dirpath, _, files in os.walk(pkg):
            for name in files:
                if name.endswith(".py"):
                    path = os.path.join(dirpath, name)
                    with open(path) as f:
                        text = f.read()
                    with open(path, "w") as f:
                        f.write(text.replace("oms_engine", "oms_engine_base"))
    sys.path.insert(0, target)
    return importlib.import_module("oms_engine_base")


def convert(obj, model):
    """``obj`` (oms_engine dataclasses, tuples, frozensets...) rebuilt with ``model``'s."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        cls = getattr(model, type(obj).__name__)
        return cls(
            **{f.name: convert(getattr(obj, f.name), model) for f in dataclasses.fields(obj)}
        )
    if isinstance(obj, tuple):
        return tuple(convert(x, model) for x in obj)
    if isinstance(obj, frozenset):
        return frozenset(convert(x, model) for x in obj)
    if isinstance(obj, list):
        return [convert(x, model) for x in obj]
    if isinstance(obj, dict):
        return {k: convert(v, model) for k, v in obj.items()}
    return obj


def world(args):
    if args.mix == "hard":
        from bench.synthetic_hard import generate_hard

        return generate_hard(
            n_nodes=args.nodes,
            n_orders=args.orders,
            lines=args.lines,
            stock_orders=20_000 if args.lines else None,
        )
    from bench.synthetic import generate

    return generate(n_orders=args.orders, n_skus=args.skus)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="commit of the before-engine")
    parser.add_argument("--mix", choices=("hard", "first"), default="hard")
    parser.add_argument("--nodes", type=int, default=200)
    parser.add_argument("--orders", type=int, default=3000)
    parser.add_argument("--lines", type=int, default=None)
    parser.add_argument("--skus", type=int, default=20_000)
    parser.add_argument("--steps", action="store_true", help="compare steps too")
    parser.add_argument("--explain", action="store_true", help="route with explain=True")
    parser.add_argument("--max-nodes", type=int, default=None)
    parser.add_argument("--max-steps", type=int, default=None)
    parser.add_argument("--max-packing-steps", type=int, default=None)
    parser.add_argument(
        "--no-gc",
        action="store_true",
        help="collector off during the replay: its full collections walk both engines' heap"
        " and land on whichever order runs (tens of ms each at 1,000 nodes)",
    )
    args = parser.parse_args(argv)
    from zoneinfo import ZoneInfo

    berlin = ZoneInfo("Europe/Berlin")
    base = load_base(args.base)
    retailer = world(args)
    policy = retailer.network.policy
    if args.max_nodes or args.max_steps or args.max_packing_steps:
        b = policy.budget
        budget = replace(
            b,
            max_nodes=args.max_nodes or b.max_nodes,
            max_steps=args.max_steps or b.max_steps,
            max_packing_steps=args.max_packing_steps or b.max_packing_steps,
        )
        policy = replace(policy, budget=budget)
    after_net = oms_engine.Network(retailer.nodes, retailer.services, retailer.products, policy)
    bm = base.model
    before_net = base.Network(
        convert(retailer.nodes, bm),
        convert(retailer.services, bm),
        convert(retailer.products, bm),
        convert(policy, bm),
    )
    orders_after = retailer.orders
    orders_before = convert(retailer.orders, bm)
    stocks = [retailer.fresh_stock(), retailer.fresh_stock()]
    engines = [
        (base.route, base.deplete, before_net, orders_before),
        (oms_engine.route, oms_engine.deplete, after_net, orders_after),
    ]
    capacity = {n.id: n.daily_capacity for n in retailer.nodes if n.daily_capacity is not None}
    loads = [{}, {}]
    full = [{}, {}]
    cpu = [[], []]
    methods = [[], []]
    scores = [[], []]
    same = 0
    clock = time.thread_time_ns
    gc.collect()
    gc.freeze()
    if args.no_gc:
        gc.disable()
    for i in range(len(orders_after)):
        plans = []
        for side in (0, 1) if i % 2 == 0 else (1, 0):
            route, deplete, net, orders = engines[side]
            order = orders[i]
            day = order.order_time.astimezone(berlin).toordinal()
            today = full[side].get(day)
            if today:
                order = replace(order, excluded_nodes=frozenset(today))
            started = clock()
            plan = route(net, order, stocks[side], explain=args.explain)
            cpu[side].append(clock() - started)
            deplete(stocks[side], plan)
            methods[side].append(plan.method)
            scores[side].append(plan.score.total)
            for s in plan.shipments:
                key = (s.node, day)
                loads[side][key] = loads[side].get(key, 0) + 1
                if s.node in capacity and loads[side][key] >= capacity[s.node]:
                    full[side].setdefault(day, set()).add(s.node)
            plans.append((side, plan))
        plans.sort(key=lambda p: p[0])
        a, b = (dataclasses.astuple(p) for _, p in plans)
        if not args.steps:
            a, b = a[:7], b[:7]
        same += repr(a) == repr(b)
    gc.enable()
    gc.unfreeze()
    n = len(orders_after)
    print(
        f"{args.mix} mix, {args.nodes if args.mix == 'hard' else 50} nodes, {n} orders, "
        f"lines {args.lines or 'mixed'}, load {os.getloadavg()[0]:.1f}"
        + (", explained" if args.explain else "")
        + (", collector off" if args.no_gc else "")
    )
    for side, name in ((0, f"before {args.base}"), (1, "after")):
        ns = sorted(cpu[side])
        total = sum(ns) / 1e9
        fb = sum(m != "exact" for m in methods[side])
        print(
            f"  {name:>16}: {n / total:9,.0f} orders/s  mean {statistics.fmean(ns) / 1e3:8.0f} us"
            f"  p50 {ns[n // 2] / 1e3:7.0f} us  p99 {ns[int(n * 0.99)] / 1e6:7.2f} ms"
            f"  max {ns[-1] / 1e6:7.1f} ms  fallback {100 * fb / n:5.1f}%"
            f"  score/order {sum(scores[side]) / n:9.2f}"
        )
    ratio = sum(cpu[0]) / sum(cpu[1])
    worse = sum(1 for x, y in zip(scores[0], scores[1], strict=True) if y > x + 1e-6)
    better = sum(1 for x, y in zip(scores[0], scores[1], strict=True) if y < x - 1e-6)
    print(
        f"  speed-up {ratio:.3f}x; same plans {same} of {n}; "
        f"after better on {better}, worse on {worse}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
