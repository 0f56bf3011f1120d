"""The engine benchmark's second mix: a store-heavy network, a long tail of heavier goods,
parcel services whose weight limits bind, and large orders.

Where the first mix (:mod:`bench.synthetic`) is a fashion-like retailer (light parcels, a
central DC ranging everything, 1-2% of orders split), this one is a home-and-DIY retailer
that ships from its stores: 200 or 1,000 nodes (a few DCs, the rest stores in and around
German cities), 20,000 SKUs weighing 0.1-30 kg (median ~2 kg) with a long tail that no node
ranges whole, and four parcel services of 5, 20, 25 and 31.5 kg limits beside express and
freight. Orders of 1-10 lines (and, for the large-order runs, exactly 20 or 50 lines) often
weigh more than one parcel and need lines from several nodes: 20-35% of them split.

Everything comes from ``random.Random(seed)``: the same seed gives the same world.
"""

from __future__ import annotations

import bisect
import itertools
import math
import random
from datetime import time

from bench.synthetic import (
    DC_SITES,
    MON_SAT,
    OTHER_TOWNS,
    REMOTE_PREFIXES,
    STORE_CITIES,
    Retailer,
    _zones,
    build_orders,
)
from oms_engine import (
    Calendar,
    CarrierService,
    Network,
    Node,
    Policy,
    Product,
    Weights,
)

#: Lines of an order of the mixed runs: 1..10 lines, fewer small ones than the first mix.
LINE_COUNT_WEIGHTS = (30, 20, 14, 10, 8, 6, 5, 3, 2, 2)
QUANTITY_WEIGHTS = (70, 18, 8, 4)  # 1..4 units
ZIPF_EXPONENT = 0.9  # a longer tail than the first mix's 1.0
#: Safety factor of the DCs' stock (week's demand h: h + z * sqrt(h)).
SAFETY_Z = 1.0
#: Share of the SKUs (the best sellers) the main DC ranges beside their category's DC.
MAIN_RANGE = 0.10
#: Share of the SKUs the largest and the smallest store range, and of the tail beyond.
STORE_RANGE = (0.06, 0.015)
STORE_TAIL = 0.004
PLACES = STORE_CITIES + OTHER_TOWNS


def build_nodes(rng: random.Random, n_nodes: int) -> tuple[Node, ...]:
    """A few DCs (one per 100 nodes, at least 3) and stores for the rest, placed around the
    cities by population (several stores in a large city), every store shipping parcels."""
    n_dcs = max(3, min(len(DC_SITES), n_nodes // 100))
    dcs = [
        Node(
            id=f"DC{i + 1}",
            kind="dc",
            lat=lat,
            lon=lon,
            country="DE",
            postal_code=postal,
            timezone="Europe/Berlin",
            dangerous_goods_certified=i < 2,
            bulky_allowed=True,
            handling_cost=1.20,
            cutoff=time(16, 0),
            calendar=Calendar(country="DE", working_weekdays=MON_SAT),
            priority=0,
        )
        for i, (_name, postal, lat, lon) in enumerate(DC_SITES[:n_dcs])
    ]
    weights = list(itertools.accumulate(p[4] for p in PLACES))
    stores = []
    for i in range(n_nodes - n_dcs):
        _name, postal, lat, lon, _population = PLACES[
            bisect.bisect_left(weights, rng.random() * weights[-1])
        ]
        stores.append(
            Node(
                id=f"ST{i + 1:04d}",
                kind="store",
                lat=round(lat + rng.gauss(0, 0.08), 4),
                lon=round(lon + rng.gauss(0, 0.12), 4),
                country="DE",
                postal_code=f"{postal[:2]}{rng.randrange(1000):03d}",
                timezone="Europe/Berlin",
                pickup_point=True,
                ship_from_store=True,
                bulky_allowed=rng.random() < 0.2,
                handling_cost=round(rng.uniform(2.5, 3.8), 2),
                cutoff=time(rng.choice((12, 13, 14)), 0),
                calendar=Calendar(country="DE", working_weekdays=MON_SAT),
                daily_capacity=rng.randint(20, 60),
                priority=1,
            )
        )
    return tuple(dcs + stores)


def build_services() -> tuple[CarrierService, ...]:
    """Parcel services of 5, 20, 25 and 31.5 kg (the cheaper, the lighter), express, and
    freight for bulky goods."""

    def days(fast: bool):
        return lambda p: (2 if p in REMOTE_PREFIXES else 1) + (0 if fast else 1)

    return (
        CarrierService("dhl-paeckchen", "dhl", zones=_zones(days(False)), cost_per_package=3.79,
                       cost_per_kg=0.0, max_weight_kg=5.0, cutoff=time(18, 0)),
        CarrierService("gls-business", "gls", zones=_zones(days(True)), cost_per_package=4.20,
                       cost_per_kg=0.06, max_weight_kg=20.0, cutoff=time(17, 0),
                       accepts_dangerous=frozenset({"9"})),
        CarrierService("hermes", "hermes", zones=_zones(days(False)), cost_per_package=4.05,
                       cost_per_kg=0.04, max_weight_kg=25.0, cutoff=time(17, 0)),
        CarrierService("dhl-paket", "dhl", zones=_zones(days(True)), cost_per_package=4.99,
                       cost_per_kg=0.05, max_weight_kg=31.5, cutoff=time(18, 0),
                       accepts_dangerous=frozenset({"3", "9"})),
        CarrierService("dhl-express", "dhl", service_level="express", zones=_zones(lambda p: 1),
                       cost_per_package=12.90, cost_per_kg=0.20, max_weight_kg=31.5,
                       cutoff=time(19, 0), accepts_dangerous=frozenset({"9"})),
        CarrierService("schenker-system", "schenker",
                       zones=_zones(lambda p: 3 if p in REMOTE_PREFIXES else 2),
                       cost_per_package=29.00, cost_per_kg=0.15, max_weight_kg=1000.0,
                       cutoff=time(14, 0), accepts_dangerous=frozenset({"3", "9"}),
                       accepts_bulky=True),
    )  # fmt: skip


def build_policy() -> Policy:
    """Default weights, bulky within 400 km, no cap on packages: the carriers' weight limits
    are what binds (a consumer-order cap would leave most of a 50-line order out)."""
    return Policy(weights=Weights(), max_bulky_distance_km=400.0)


def build_products(rng: random.Random, n_skus: int) -> tuple[Product, ...]:
    """Home and DIY goods: 2% dangerous (paint, solvents), 4% bulky (40-90 kg), the rest
    0.1-30 kg around a median of ~2 kg."""
    products = []
    for rank in range(n_skus):
        draw = rng.random()
        dangerous, bulky = None, False
        if draw < 0.02:
            dangerous = rng.choice(("3", "9"))
            weight = rng.uniform(0.5, 12.0)
        elif draw < 0.06:
            bulky = True
            weight = rng.uniform(40.0, 90.0)
        else:
            weight = min(30.0, max(0.1, rng.lognormvariate(math.log(2.0), 1.0)))
        products.append(
            Product(f"SKU-{rank + 1:05d}", round(weight, 3), dangerous_class=dangerous, bulky=bulky)
        )
    return tuple(products)


def build_stock(rng, products, nodes, n_orders: int) -> dict[str, dict[str, float]]:
    """Stock on Monday morning, from the expected demand of a week of ``n_orders`` mixed
    orders (the orders' distributions, not the orders): each DC ranges one category of the
    assortment (garden, tools, home, building - as DIY chains run category warehouses), all
    of it, at the week's demand plus safety stock; stores hold a few units of the popular
    part and a sprinkle of the tail, the smallest stores the least. Dangerous goods sit in
    certified DCs only (the category DC when certified, else DC1), bulky goods in DCs and in
    the stores allowed to ship them. An order whose lines span categories finds them in one
    place only at a store that holds them all."""
    n = len(products)
    zipf_weights = [1.0 / (k + 1) ** ZIPF_EXPONENT for k in range(n)]
    total = sum(zipf_weights)
    mean_lines = sum((i + 1) * w for i, w in enumerate(LINE_COUNT_WEIGHTS)) / sum(
        LINE_COUNT_WEIGHTS
    )
    mean_qty = sum((i + 1) * w for i, w in enumerate(QUANTITY_WEIGHTS)) / sum(QUANTITY_WEIGHTS)
    units = n_orders * mean_lines * mean_qty  # units the week's orders ask for
    dcs = [node for node in nodes if node.kind == "dc"]
    stores = [node for node in nodes if node.kind == "store"]
    stock: dict[str, dict[str, float]] = {}
    for rank, product in enumerate(products):
        week = units * zipf_weights[rank] / total
        dc = dcs[category(product, len(dcs))]
        if product.dangerous_class and not dc.dangerous_goods_certified:
            dc = dcs[0]
        if rank < MAIN_RANGE * n and dc is not dcs[0]:
            # the best sellers of every category are at the main DC too, half the demand each
            week /= 2
            level = max(2, math.ceil(week + SAFETY_Z * math.sqrt(week)))
            stock.setdefault(product.sku, {})[dcs[0].id] = float(level)
        level = max(2, math.ceil(week + SAFETY_Z * math.sqrt(week)))
        stock.setdefault(product.sku, {})[dc.id] = float(level)
    for i, store in enumerate(stores):
        width = STORE_RANGE[0] + (STORE_RANGE[1] - STORE_RANGE[0]) * i / max(1, len(stores) - 1)
        top = int(width * n)
        for rank in range(top):
            product = products[rank]
            if product.dangerous_class or (product.bulky and not store.bulky_allowed):
                continue
            if rng.random() < 0.85:
                stock.setdefault(product.sku, {})[store.id] = float(rng.randint(1, 3))
        for _ in range(int(STORE_TAIL * n)):
            product = products[rng.randrange(top, n)]
            if not product.dangerous_class and not product.bulky:
                stock.setdefault(product.sku, {})[store.id] = float(rng.randint(1, 2))
    return {sku: dict(sorted(by_node.items())) for sku, by_node in sorted(stock.items())}


def category(product: Product, n_categories: int) -> int:
    """The product's category (and so its DC): a stable function of the SKU."""
    return int(product.sku[4:]) * 7919 % n_categories


def generate_hard(
    seed: int = 20261127,
    n_nodes: int = 200,
    n_orders: int = 50_000,
    n_skus: int = 20_000,
    days: int = 5,
    lines: int | None = None,
    stock_orders: int | None = None,
) -> Retailer:
    """The second mix for ``seed``: ``n_nodes`` nodes, ``n_orders`` orders of 1-10 lines
    (or exactly ``lines`` lines), and the stock of Monday morning planned for a week of
    ``stock_orders`` mixed orders (default ``n_orders``). The network and the products
    depend on ``seed`` and ``n_nodes`` only, the stock on those and ``stock_orders``."""
    rng = random.Random(seed)
    nodes = build_nodes(rng, n_nodes)
    services = build_services()
    products = build_products(rng, n_skus)
    stock = build_stock(random.Random(f"stock-{seed}"), products, nodes, stock_orders or n_orders)
    prefix = f"HL{lines}-" if lines else "HO"
    orders = build_orders(
        random.Random(f"orders-{seed}-{lines}"),
        products,
        n_orders,
        days,
        lines=lines,
        line_weights=LINE_COUNT_WEIGHTS,
        quantity_weights=QUANTITY_WEIGHTS,
        exponent=ZIPF_EXPONENT,
        prefix=prefix,
    )
    network = Network(nodes, services, products, build_policy())
    return Retailer(
        seed=seed,
        network=network,
        nodes=nodes,
        services=services,
        products=products,
        orders=orders,
        opening_stock=stock,
        home_node="DC1",
        days=days,
    )
