"""What replenishment proposals save: proposed from four history weeks, measured on the last
of them (as the back office would see them), then tested on the next week's orders.

The synthetic retailer's opening stock is planned from the same four history weeks
(bench.synthetic.build_stock), so the proposals work on a network already stocked the way a
planner would. Two attributions of the demand are compared: to the best node with stock
everywhere, and to the best node that ranges the SKU as planned (``ranged``). The transfers are
applied before the replay week (purchases only in the row that says so, as if they had
arrived); the replay week's orders are routed in order on that stock, with and without.
"""

from __future__ import annotations

import random
import time

from bench import machine_summary
from bench.synthetic import (
    HISTORY_WEEKS,
    MIN_LISTED,
    REGIONAL_MIN_WEEKLY,
    SAFETY_Z,
    build_orders,
)
from oms_engine.replenishment import (
    ReplenishmentPlan,
    ReplenishmentPolicy,
    demand_from_orders,
    km_between,
    propose_replenishment,
)
from oms_engine.replenishment_replay import (
    Replay,
    ReplayTotals,
    measure_proposals,
    totals,
    transfer_change,
)

#: A unit left short is finished later by a backorder parcel, three days late, costing the
#: replay's mean one-parcel shipment (the engine benchmark's rule, per unit: the same with and
#: without proposals, so leaving units out is never cheaper).
BACKORDER_LATE_DAYS = 3


def history(retailer) -> tuple:
    """The four history weeks the opening stock was planned from (bench.synthetic.generate
    draws them from this generator, in this order)."""
    past = random.Random(f"history-{retailer.seed}")
    return tuple(
        order
        for _week in range(HISTORY_WEEKS)
        for order in build_orders(past, retailer.products, len(retailer.orders), retailer.days)
    )


def policy_for(retailer) -> ReplenishmentPolicy:
    """Stock for a week of demand, at nodes that see at least what a regional DC ranges."""
    return ReplenishmentPolicy(
        period_days=HISTORY_WEEKS * retailer.days,
        dc_cover_days=retailer.days,
        store_cover_days=retailer.days,
        min_weekly_units=REGIONAL_MIN_WEEKLY * 7 / retailer.days,
        transfer_fixed_cost=40.0,  # a pallet on the weekly trunk between DCs
        transfer_unit_cost=0.30,
        transfer_cost_per_km=0.0,
        safety_z=SAFETY_Z,
        min_ranged=MIN_LISTED,
    )


def _per_order(t: ReplayTotals, weights, backorder_eur: float, extra_eur: float = 0.0) -> dict:
    """Per-order figures. ``routing`` is the routing policy's objective (the engine
    benchmark's cost/order): the plans' score without the units left short, and a backorder
    per unit short; ``cost`` adds the transfers' own cost weighed as money."""
    short = t.units_short
    backorder = weights.packages + weights.cost * backorder_eur
    backorder += weights.lateness * BACKORDER_LATE_DAYS
    objective = t.score - short * weights.unfulfilled + short * backorder
    return {
        "packages": (t.packages + short) / t.orders,
        "routing": objective / t.orders,
        "transfers": extra_eur / t.orders,
        "cost": (objective + weights.cost * extra_eur) / t.orders,
        "eur": (t.shipping_cost + short * backorder_eur + extra_eur) / t.orders,
        "split": t.split_orders / t.orders,
        "short": t.units_short,
        "km": t.distance_km / t.orders,
        "late": t.late_days / t.orders,
    }


def landed_elsewhere(retailer, share: float = 0.5) -> dict:
    """The opening stock with ``share`` of the central DC's units of every SKU at the nearest
    regional DC instead: the week's supplier delivery for the central DC was unloaded at the
    wrong one. The central DC ranges the whole assortment, so its orders now split."""
    nodes = {n.id: n for n in retailer.nodes}
    home = nodes[retailer.home_node]
    others = [n for n in retailer.nodes if n.kind == "dc" and n.id != home.id]
    wrong = min(others, key=lambda n: (km_between(home, n), n.id)).id
    stock = retailer.fresh_stock()
    for by_node in stock.values():
        if home.id in by_node:
            moved = int(by_node[home.id] * share)
            by_node[home.id] -= moved
            by_node[wrong] = by_node.get(wrong, 0) + moved
    return stock


def _proposals(network, past, last_week, opening, policy, assortment):
    """Proposals from the history, each transfer measured on the last history week."""
    t = time.perf_counter()
    demand = demand_from_orders(network, past, assortment)
    plan = propose_replenishment(network, demand, opening, policy, assortment)
    measured = measure_proposals(network, last_week, opening, plan, purchases=False)
    return measured, time.perf_counter() - t


def replenishment_section(args, retailer) -> str:
    """The `replenishment` section of docs/benchmarks.md."""
    network = retailer.network
    past = history(retailer)
    last_week = past[-len(retailer.orders) :]
    policy = policy_for(retailer)
    # The DCs' assortment as planned (the synthetic planner's opening stock stands for the
    # reordering rules); stores' shelves are not the online planner's to top up.
    dcs = {n.id for n in retailer.nodes if n.kind == "dc"}
    planned = {
        sku: {node: units for node, units in by_node.items() if node in dcs}
        for sku, by_node in retailer.opening_stock.items()
    }
    scenarios = (
        ("as planned", retailer.opening_stock, (True, False)),
        ("half the central DC's inbound at the nearest DC", landed_elsewhere(retailer), (True,)),
    )
    table, notes = [], []
    for scenario, opening, attributions in scenarios:
        replay = Replay(network, retailer.orders, opening)
        base = totals(replay.baseline)
        one_parcel = [r.shipping_cost for r in replay.baseline if r.packages == 1]
        backorder = sum(one_parcel) / max(1, len(one_parcel))
        weights = network.policy.weights
        ref = _per_order(base, weights, backorder)
        rows = [("no proposals", base, 0.0, 0, 0)]
        for ranged in attributions:
            label = "planned assortment" if ranged else "stock everywhere"
            assortment = planned if ranged else None
            measured, seconds = _proposals(network, past, last_week, opening, policy, assortment)
            kept = tuple(p for p in measured.transfers if p.saving.net > 0)
            chosen_sets = [(f"all transfers ({label})", measured.transfers)]
            chosen_sets.append((f"transfers that saved on the last week ({label})", kept))
            for what, chosen in chosen_sets:
                change = transfer_change(ReplenishmentPlan(chosen, (), measured.summary))
                rows.append(
                    (
                        what,
                        replay.totals_with(change),
                        sum(p.cost for p in chosen),
                        len(chosen),
                        sum(p.units for p in chosen),
                    )
                )
            if measured.purchases:
                with_purchases = replay.totals_with(transfer_change(measured, purchases=True))
                rows.append(
                    (
                        f"all transfers and purchases ({label})",
                        with_purchases,
                        sum(p.cost for p in measured.transfers),
                        len(measured.transfers),
                        sum(p.units for p in measured.transfers),
                    )
                )
            notes.append(
                f"{scenario}, {label}: {len(measured.transfers)} transfers "
                f"({sum(p.units for p in measured.transfers):,} units), "
                f"{len(measured.purchases):,} purchases "
                f"({sum(p.quantity for p in measured.purchases):,} units), {len(kept)} of the "
                f"transfers saved more than they cost on the last history week; proposed and "
                f"transfers measured one by one in {seconds:.1f} s"
            )
        for what, t, cost, n, units in rows:
            po = _per_order(t, weights, backorder, cost)
            table.append(
                f"| {scenario} | {what} | {n} | {units:,} | {po['packages']:.4f} | "
                f"{po['packages'] / ref['packages']:.4f} | {po['routing']:.3f} | "
                f"{po['routing'] / ref['routing']:.4f} | {po['transfers']:.3f} | "
                f"{po['cost'] / ref['cost']:.4f} | {po['split']:.2%} | {po['short']:,} | "
                f"{po['km']:.1f} | {po['late']:.4f} |"
            )
    m = machine_summary()
    lines = [
        "## Replenishment proposals: the next week replayed with and without them",
        "",
        f"Measured {m['date']} at commit {m['commit']}, seed {args.seed}, command "
        f"`{args.command}`: proposals from {len(past):,} history orders "
        f"({HISTORY_WEEKS} weeks), the next {len(retailer.orders):,} orders replayed.",
        "",
        "| opening stock | proposals applied | transfers | units moved | packages/order | "
        "ratio | cost/order | ratio | transfers' EUR/order | ratio with them | split rate | "
        "units short | km/order | late days/order |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
        *table,
        "",
        "; ".join(notes) + ".",
        "",
        "Ratios are against 'no proposals' on the same opening stock. Cost/order is the "
        "routing policy's objective, as the engine benchmark counts it (packages, EUR, late "
        "days, km, priority, by the policy's weights) with a backorder parcel per unit left "
        f"short ({BACKORDER_LATE_DAYS} days late, at the replay's mean one-parcel cost); "
        "'ratio with them' adds the transfers' own cost (EUR "
        f"{policy.transfer_fixed_cost:.0f} a transfer and EUR {policy.transfer_unit_cost:.2f} a "
        "unit), all of it charged to this one week although the units moved keep serving "
        "after it. Packages/order count the backorder parcels. Policy: a node stocks a SKU it "
        "saw at "
        f"least {REGIONAL_MIN_WEEKLY} units a week of (the rule the synthetic regional DCs "
        f"range by), for {policy.dc_cover_days:g} days of its demand d, plus "
        f"{policy.safety_z:g} x sqrt(d), and at least {policy.min_ranged} units of what it "
        "ranges (the planner's floor at the central DC); sources keep their own target. "
        "'planned assortment': demand attributed to the best node among those that range the "
        "SKU as planned (the synthetic planner's opening stock stands for the reordering "
        "rules); "
        "'stock everywhere': to the best node with stock everywhere. 'transfers that saved': "
        "the transfers whose measured saving on the last history week (the policy's score "
        "saved less their own cost) was positive - what a back office confirming by the "
        "figures would keep. Routing capacity is not replayed (oms_engine.replenishment_replay).",
    ]
    return "\n".join(lines)


__all__ = ["history", "landed_elsewhere", "policy_for", "replenishment_section"]
