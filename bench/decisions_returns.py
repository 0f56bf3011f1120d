"""The value a return stream recovers: the engine's routing against two fixed rules.

Every policy sees the same returns in the same order; each unit a policy sends to a node adds
to that node's stock for the returns after it (so piling returns on one node lowers what the
next ones are worth there). Values are counted twice:

- by the engine's value model (what the routing optimises): units that sell within the
  horizon at full value, the rest at the overstock share, less labels and handling;
- by simulated sales: each (node, SKU) draws its actual sales over the horizon from a Poisson
  law with the expected sales as mean (the same draw for every policy); the returned units
  sell after the stock already there, those that sell recover full value, the rest the
  overstock share. This does not reward the engine for agreeing with its own model.
"""

from __future__ import annotations

import math
import random
from decimal import Decimal

from bench import machine_summary
from bench.decisions_streams import RETURN_POLICY, outlooks, return_stream
from oms_engine.returns import route_mail_return
from oms_engine.returns_model import Outlook, grade_share, value_at
from oms_engine.wording import ZERO, cents

__all__ = ["RETURN_POLICY", "case_outlooks", "returns_section"]


def case_outlooks(looks, case, received) -> dict:
    """The outlook of the case's SKUs at its candidate nodes, with the units earlier returns
    sent there on top of the stock."""
    out = {}
    for item in case.items:
        by_node = looks.get(item.sku, {})
        row = {}
        for node in case.nodes:
            base = by_node.get(node.id)
            extra = received.get((node.id, item.sku), 0)
            if base is not None or extra:
                base = base or Outlook()
                row[node.id] = Outlook(base.daily_sales, base.on_hand + extra)
        out[item.sku] = row
    return out


class Ledger:
    """One policy's account of the stream: the model's value, costs and arrivals per node."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.received: dict[tuple[str, str], int] = {}
        self.arrivals: dict[tuple[str, str], list[Decimal]] = {}
        self.model = ZERO
        self.costs = ZERO
        self.triage_value = ZERO
        self.labels = 0
        self.kept = 0
        self.items = 0

    def book(self, case, assignment, looks) -> Decimal:
        """Send each item where ``assignment`` says (``None``: kept); the net it recovers."""
        policy = RETURN_POLICY
        by_id = {n.id: n for n in case.nodes}
        outlook = case_outlooks(looks, case, self.received)
        sent_now: dict[tuple[str, str], int] = {}
        net = ZERO
        for item, node_id in zip(case.items, assignment, strict=True):
            self.items += 1
            if node_id is None:
                self.kept += 1
                continue
            node = by_id[node_id]
            unit = item.unit_value * grade_share(policy, item.condition)
            kg = cents(node.cost_per_kg * Decimal(repr(item.weight_kg)) * item.quantity)
            cost = node.handling_cost * item.quantity + kg
            if item.condition in policy.triage_conditions:
                value = cents(unit * item.quantity)
                self.triage_value += value
            else:
                key = (node_id, item.sku)
                here = outlook[item.sku].get(node_id, Outlook())
                value = value_at(policy, unit, item.quantity, here, sent_now.get(key, 0)).value
                sent_now[key] = sent_now.get(key, 0) + item.quantity
                self.arrivals.setdefault(key, []).extend([unit] * item.quantity)
            net += value - cost
            self.costs += cost
        for node_id in sorted({a for a in assignment if a is not None}):
            net -= by_id[node_id].parcel_cost
            self.costs += by_id[node_id].parcel_cost
            self.labels += 1
        for key, units in sent_now.items():
            self.received[key] = self.received.get(key, 0) + units
        self.model += net
        return net

    def realized(self, looks, seed: int) -> Decimal:
        """The stream's net value with simulated sales (same draws for every policy)."""
        total = self.triage_value - self.costs
        share = RETURN_POLICY.overstock_share
        for (node, sku), units in self.arrivals.items():
            base = looks.get(sku, {}).get(node, Outlook())
            demand = _poisson(
                random.Random(f"{seed}-{node}-{sku}"), base.daily_sales * RETURN_POLICY.horizon_days
            )
            room = max(0, demand - math.floor(base.on_hand))
            for k, unit in enumerate(units):
                total += unit if k < room else unit * share
        return total


def _poisson(rng: random.Random, mean: float) -> int:
    if mean <= 0:
        return 0
    if mean > 50:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


#: The slow season: every node sells this share of what it sold in the replay week.
SLOW_SEASON = 0.2


def run_stream(retailer, routed, prices, season: float = 1.0):
    """The three ledgers over the retailer's return stream (sales scaled by ``season``)."""
    looks = outlooks(retailer, routed)
    if season != 1.0:
        looks = {
            sku: {n: Outlook(o.daily_sales * season, o.on_hand) for n, o in by_node.items()}
            for sku, by_node in looks.items()
        }
    stream = return_stream(retailer, routed, prices)
    engine, central, origin = Ledger("engine"), Ledger("central DC"), Ledger("shipped from")
    home = retailer.home_node
    for case in stream:
        decision = route_mail_return(
            RETURN_POLICY,
            case.return_id,
            case.items,
            case.nodes,
            case_outlooks(looks, case, engine.received),
        )
        booked = engine.book(case, [line.node for line in decision.lines], looks)
        assert booked == decision.net_value, (case.return_id, booked, decision.net_value)
        triage = RETURN_POLICY.triage_conditions
        central.book(case, [home] * len(case.items), looks)
        origin.book(
            case,
            [
                home if it.condition in triage else src
                for it, src in zip(case.items, case.shipped_from, strict=True)
            ],
            looks,
        )
    return looks, stream, (engine, central, origin)


def returns_section(args, retailer, routed, prices) -> str:
    """The `returns-value` section of docs/benchmarks.md."""
    m = machine_summary()
    rows = []
    for season, label in (
        (1.0, "sales as in the replay week"),
        (SLOW_SEASON, f"slow season (sales x {SLOW_SEASON:g})"),
    ):
        looks, stream, ledgers = run_stream(retailer, routed, prices, season)
        engine = ledgers[0]
        real = {ledger.name: ledger.realized(looks, retailer.seed) for ledger in ledgers}
        for ledger in ledgers:
            ratio_model = engine.model / ledger.model if ledger.model else Decimal(0)
            ratio_real = real["engine"] / real[ledger.name] if real[ledger.name] else Decimal(0)
            rows.append(
                f"| {label} | {ledger.name} | {ledger.labels:,} | {ledger.kept:,} | "
                f"EUR {ledger.model:,.2f} | EUR {ledger.model / len(stream):,.2f} | "
                f"EUR {real[ledger.name]:,.2f} | {ratio_model:.3f}x | {ratio_real:.3f}x |"
            )
    lines = [
        "## Returns: value recovered by the return routing",
        "",
        f"Measured {m['date']} at commit {m['commit']}, seed {args.seed}, command "
        f"`{args.command}`: {len(stream):,} mailed returns ({engine.items:,} units) of the "
        f"retailer's {len(retailer.orders):,} orders, routed in order by each policy.",
        "",
        "| outlook | policy | labels | units kept by the customer | value recovered (model) | "
        "per return | value recovered (simulated sales) | engine / policy (model) | "
        "engine / policy (simulated) |",
        "|---|---|---|---|---|---|---|---|---|",
        *rows,
    ]
    lines += [
        "",
        "The stream: 10% of the shipped orders return one to three of their lines, one unit "
        "each (85% as new, 8% opened, 4% damaged, 3% defective), label EUR 4.20 + EUR 0.004 "
        "per km from the customer to the node + EUR 0.05 per kg, handling EUR 1.40 a unit at "
        "a DC and EUR 2.60 at a store; defective units go to the central DC (the triage "
        "node) under every policy. Outlook per node: a DC sells per day what it shipped in "
        "the replay week, a store that plus counter sales of what it ranges "
        "(bench/decisions_streams.py); stock is the replay's end stock, plus the units each "
        "policy sent there before. Policy: 30-day horizon, overstock worth 50%, opened 80%, "
        "damaged 40%, defective 20%, keep it below EUR 1.00 net. The slow season scales every "
        "node's sales down, as after a season's peak, when where a unit sells starts to matter. "
        "'central DC': every unit to "
        "DC1, never kept; 'shipped from': every unit back to the node that shipped it. Value "
        "recovered = value of the units where they land less labels and handling (the "
        "refund is paid in every case, so it is left out). Simulated sales: see "
        "bench/decisions_returns.py.",
    ]
    return "\n".join(lines)
