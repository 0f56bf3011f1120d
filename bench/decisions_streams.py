"""Seeded inputs for the decision benchmarks, drawn from the engine benchmark's retailer.

Risk facts per order, open deliveries from the engine's plans, compensation cases, and a
return stream with each node's outlook: everything from ``random.Random`` seeded from the
retailer's seed, so the same seed gives the same stream (bench/decisions_bench.py measures it).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from bench.synthetic import MON_SAT, STORE_CITIES, Retailer
from oms_engine import deplete, route
from oms_engine.compensation import CompensationOrder, CompensationPolicy, Delay, Grant, VoucherTier
from oms_engine.delay import DeliveryFacts
from oms_engine.model import Calendar
from oms_engine.replenishment import km_between
from oms_engine.returns_model import Outlook, ReturnItem, ReturnNode, ReturnPolicy
from oms_engine.risk import (
    Address,
    AddressMismatchRule,
    BlockListRule,
    ExternalRiskScore,
    ExternalScoreRule,
    FirstOrderRule,
    LargeQuantityRule,
    OrderValueRule,
    RiskFacts,
    RiskLine,
    RiskPolicy,
    ShopVerdictRule,
    VelocityRule,
)

CALENDAR = Calendar(country="DE", working_weekdays=MON_SAT)
#: Share of the online demand rate a store sells over the counter of a SKU it ranges, per
#: 100k inhabitants of its city (the synthetic retailer has no till sales of its own).
WALK_IN_PER_100K = 0.08


def unit_values(retailer: Retailer) -> dict[str, Decimal]:
    """A price per SKU: lognormal around EUR 25, bulky goods dearer."""
    rng = random.Random(f"prices-{retailer.seed}")
    out = {}
    for product in retailer.products:
        base = rng.lognormvariate(math.log(25 if not product.bulky else 220), 0.8)
        out[product.sku] = Decimal(f"{max(2.0, min(900.0, base)):.0f}.99")
    return out


@dataclass
class Routed:
    """The retailer's orders routed once by the engine, in order, on the opening stock."""

    plans: list
    end_stock: dict
    shipped: dict  # (node, sku) -> units shipped in the replay


def route_all(retailer: Retailer) -> Routed:
    """Route every order of the retailer on its opening stock (no capacity bookkeeping)."""
    stock = retailer.fresh_stock()
    plans, shipped = [], {}
    for order in retailer.orders:
        plan = route(retailer.network, order, stock, explain=False)
        deplete(stock, plan)
        plans.append(plan)
        for shipment in plan.shipments:
            for line in shipment.lines:
                key = (shipment.node, line.sku)
                shipped[key] = shipped.get(key, 0) + line.quantity
    return Routed(plans, stock, shipped)


# --------------------------------------------------------------------------- risk


def risk_policy(rng: random.Random) -> RiskPolicy:
    """A channel's policy with every rule and a block list of 10,000 e-mails, 500 domains
    and 2,000 addresses."""
    emails = frozenset(f"blocked{k}@example.net" for k in range(10_000))
    domains = frozenset(f"spam{k}.test" for k in range(500))
    addresses = frozenset(
        Address("DE", f"{rng.randrange(1, 99999):05d}", "", f"Street {k}") for k in range(2000)
    )
    return RiskPolicy(
        "EUR",
        (
            LargeQuantityRule(20, factor=3, min_quantity=3, min_history=5),
            OrderValueRule(15, Decimal("400")),
            FirstOrderRule(10),
            AddressMismatchRule(10, "postal_code"),
            BlockListRule(60, emails=emails, email_domains=domains, addresses=addresses),
            VelocityRule(25, max_orders=3, window=timedelta(hours=24), per="customer"),
            VelocityRule(20, max_orders=5, window=timedelta(hours=24), per="address"),
            ShopVerdictRule(40, medium_weight=15),
            ExternalScoreRule(40, threshold=0.4, no_answer_points=5),
        ),
        review_at=60,
        prepay_at=30,
    )


def risk_facts(retailer: Retailer, prices: dict[str, Decimal], n: int) -> list[RiskFacts]:
    """Facts of the first ``n`` orders: customers drawn from 30,000, each with the times of
    their other orders in the stream near this one."""
    rng = random.Random(f"risk-{retailer.seed}")
    orders = retailer.orders[:n]
    customers = [
        min(29_999, int(rng.paretovariate(1.2)) - 1 + rng.randrange(30_000) // 7) for _ in orders
    ]
    times_by_customer: dict[int, list[datetime]] = {}
    for order, customer in zip(orders, customers, strict=True):
        times_by_customer.setdefault(customer, []).append(order.order_time)
    seen: dict[int, int] = {}
    out = []
    for order, customer in zip(orders, customers, strict=True):
        shipping = Address("DE", order.destination.postal_code, "", f"Street {customer}")
        billing = shipping if rng.random() < 0.9 else Address("DE", f"{rng.randrange(99999):05d}")
        near = tuple(
            t
            for t in times_by_customer[customer]
            if t != order.order_time and abs(t - order.order_time) < timedelta(days=2)
        )
        external = None
        if rng.random() < 0.5:
            external = ExternalRiskScore("fraudcheck", round(rng.betavariate(1.2, 6), 3))
        out.append(
            RiskFacts(
                order_id=order.id,
                order_time=order.order_time,
                currency="EUR",
                order_value=sum((prices[ln.sku] * ln.quantity for ln in order.lines), Decimal(0)),
                lines=tuple(
                    RiskLine(ln.sku, ln.quantity, rng.randrange(0, 200), 1.0 + rng.random())
                    for ln in order.lines
                ),
                email=f"c{customer}@example.com"
                if rng.random() > 0.002
                else "blocked7@example.net",
                billing=billing,
                shipping=shipping,
                previous_orders=seen.get(customer, 0) + rng.randrange(0, 3),
                customer_order_times=near,
                shop_risk=rng.choices(("low", "medium", "high"), (90, 7, 3))[0],
                external=external,
                paid=rng.random() < 0.7,
            )
        )
        seen[customer] = seen.get(customer, 0) + 1
    return out


# --------------------------------------------------------------------------- delays


def deliveries(retailer: Retailer, routed: Routed, n: int) -> tuple[list[DeliveryFacts], datetime]:
    """``n`` open deliveries made from the engine's shipments (repeated with other ids when
    there are fewer), in every state the scan meets, and the scan's ``now``."""
    rng = random.Random(f"delay-{retailer.seed}")
    shipments = [s for plan in routed.plans for s in plan.shipments if s.kind == "delivery"]
    now = datetime.combine(
        retailer.orders[0].order_time.date() + timedelta(days=3), datetime.min.time()
    ).replace(hour=14, tzinfo=retailer.orders[0].order_time.tzinfo)
    tz = "Europe/Berlin"
    out = []
    for k in range(n):
        s = shipments[k % len(shipments)]
        ship_by = datetime.combine(s.ship_date, datetime.min.time()).replace(
            hour=16, tzinfo=now.tzinfo
        )
        transit = max(1, (s.promised_date - s.ship_date).days)
        state = rng.random()
        picked = scan = status = None
        if state > 0.15:
            picked = ship_by - timedelta(hours=rng.randint(1, 6))
            if state > 0.25:
                scan = picked + timedelta(hours=rng.randint(1, 30))
                status = rng.choices(
                    ("in_transit", "exception", "out_for_delivery", "failure"), (85, 5, 8, 2)
                )[0]
        out.append(
            DeliveryFacts(
                delivery_id=f"D{k}",
                promised_date=s.promised_date,
                ship_by=ship_by,
                transit_days=transit,
                timezone=tz,
                calendar=CALENDAR,
                picked_at=picked,
                carrier_status=status,
                last_scan_at=scan,
            )
        )
    return out, now


# --------------------------------------------------------------------------- compensation


def compensation_cases(seed: int, n: int):
    """``n`` (order, delay, history) cases under one policy with tiers and caps."""
    rng = random.Random(f"compensation-{seed}")
    policy = CompensationPolicy(
        "EUR",
        voucher_tiers=(VoucherTier(2, percent=Decimal(5)), VoucherTier(5, percent=Decimal(10))),
        order_cap=Decimal("25"),
        customer_cap=Decimal("60"),
    )
    today = datetime(2026, 12, 10).date()
    cases = []
    for k in range(n):
        express = rng.random() < 0.1
        order = CompensationOrder(
            f"SO{k}",
            f"C{k % 5000}",
            "EUR",
            Decimal(f"{rng.uniform(5, 400):.2f}"),
            "express" if express else "standard",
            Decimal("9.90") if express else Decimal(0),
        )
        delay = Delay(
            rng.choice((0, 1, 1, 2, 3, 4, 6, 9)),
            rng.choice(("node", "carrier", "carrier", "unknown", "customer")),
        )
        history = tuple(
            Grant(
                f"SO{rng.randrange(n)}",
                rng.choice(("voucher", "express_fee_refund")),
                Decimal(f"{rng.uniform(1, 20):.2f}"),
                today - timedelta(days=rng.randrange(400)),
            )
            for _ in range(rng.choice((0, 0, 0, 1, 2, 4)))
        )
        cases.append((order, delay, history))
    return policy, cases, today


# --------------------------------------------------------------------------- returns


RETURN_POLICY = ReturnPolicy("EUR", horizon_days=30, keep_it_below=Decimal("1.00"))
#: Mail label: a base price and a price per km from the customer to the node.
LABEL_BASE, LABEL_PER_KM, LABEL_PER_KG = Decimal("4.20"), Decimal("0.004"), Decimal("0.05")
DC_HANDLING, STORE_HANDLING = Decimal("1.40"), Decimal("2.60")


def outlooks(retailer: Retailer, routed: Routed) -> dict[str, dict[str, Outlook]]:
    """Each SKU's daily sales and stock per node after the replay week: a DC sells what it
    shipped in the week; a store what it shipped plus its counter sales of what it ranges."""
    days = retailer.days
    population = {n.id: p for n, p in _store_population(retailer).items()}
    weekly: dict[str, float] = {}
    for order in retailer.orders:
        for line in order.lines:
            weekly[line.sku] = weekly.get(line.sku, 0) + line.quantity
    out: dict[str, dict[str, Outlook]] = {}
    for sku, by_node in retailer.opening_stock.items():
        for node, _units in by_node.items():
            sales = routed.shipped.get((node, sku), 0) / days
            if node in population:
                sales += weekly.get(sku, 0) / days * WALK_IN_PER_100K * population[node] / 100
            on_hand = max(0.0, routed.end_stock.get(sku, {}).get(node, 0))
            out.setdefault(sku, {})[node] = Outlook(sales, on_hand)
    return out


def _store_population(retailer: Retailer) -> dict:
    """Inhabitants (thousands) of each store's city: bench.synthetic numbers stores by size."""
    ranked = sorted(STORE_CITIES, key=lambda c: -c[4])
    stores = [n for n in retailer.nodes if n.kind == "store"]
    return {store: ranked[i][4] for i, store in enumerate(stores)}


@dataclass
class ReturnCase:
    """One mailed return: its lines, the candidate nodes with this customer's label costs,
    and the node each line shipped from."""

    return_id: str
    items: tuple[ReturnItem, ...]
    nodes: tuple[ReturnNode, ...]
    shipped_from: tuple[str, ...]


def return_stream(retailer: Retailer, routed: Routed, prices, share: float = 0.1):
    """Returns of ``share`` of the shipped orders, one to three of their lines, one unit
    each, 85% as new, 8% opened, 4% damaged, 3% defective; label costs by distance."""
    rng = random.Random(f"returns-{retailer.seed}")
    nodes = [n for n in retailer.nodes if n.kind == "dc" or n.ship_from_store]
    weights = {p.sku: p.weight_kg for p in retailer.products}
    cases = []
    for order, plan in zip(retailer.orders, routed.plans, strict=True):
        if not plan.shipments or rng.random() > share:
            continue
        lines = [(s.node, ln) for s in plan.shipments for ln in s.lines]
        picked = rng.sample(lines, min(len(lines), rng.choice((1, 1, 1, 2, 3))))
        dest = order.destination
        candidates = tuple(
            ReturnNode(
                n.id,
                parcel_cost=LABEL_BASE + LABEL_PER_KM * Decimal(f"{km_between(n, dest):.0f}"),
                cost_per_kg=LABEL_PER_KG,
                handling_cost=DC_HANDLING if n.kind == "dc" else STORE_HANDLING,
                triage=n.id == retailer.home_node,
            )
            for n in nodes
        )
        items = tuple(
            ReturnItem(
                ln.sku,
                1,
                prices[ln.sku],
                rng.choices(("as_new", "opened", "damaged", "defective"), (85, 8, 4, 3))[0],
                weights.get(ln.sku, 0.5),
            )
            for _node, ln in picked
        )
        cases.append(ReturnCase(f"R{order.id}", items, candidates, tuple(n for n, _ in picked)))
    return cases
