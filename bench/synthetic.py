"""A seeded synthetic retailer for the benchmarks: network, catalogue, orders and stock.

5 distribution centres and 45 stores in German cities (real coordinates and postal codes),
3 carriers (DHL with a parcel and an express service, DPD, DB Schenker for bulky freight) with
transit tables by destination zone (2-digit postal prefix), 20k SKUs with Zipf popularity
(3% dangerous goods, 5% bulky), orders of 1-10 lines to destinations weighted by population,
and stock sized from the generated demand so that routing can fill about 97-99% of the lines.

Everything comes from one ``random.Random(seed)``: the same seed gives the same retailer.
"""

from __future__ import annotations

import bisect
import itertools
import math
import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone

from oms_engine import (
    Calendar,
    CarrierService,
    Destination,
    Network,
    Node,
    Order,
    OrderLine,
    Policy,
    Product,
    Weights,
    Zone,
)

# (name, postal code, lat, lon, population in thousands)
DC_SITES = (
    ("DC Bad Hersfeld", "36251", 50.868, 9.707),
    ("DC Leipzig", "04159", 51.385, 12.321),
    ("DC Dortmund", "44145", 51.541, 7.486),
    ("DC Hamburg", "21079", 53.460, 9.987),
    ("DC Augsburg", "86167", 48.381, 10.943),
)

STORE_CITIES = (
    ("Berlin", "10115", 52.520, 13.405, 3645),
    ("Hamburg", "20095", 53.551, 9.993, 1841),
    ("Muenchen", "80331", 48.137, 11.575, 1472),
    ("Koeln", "50667", 50.938, 6.960, 1086),
    ("Frankfurt", "60311", 50.110, 8.682, 763),
    ("Stuttgart", "70173", 48.776, 9.183, 635),
    ("Duesseldorf", "40213", 51.227, 6.773, 621),
    ("Leipzig", "04109", 51.340, 12.375, 597),
    ("Dortmund", "44137", 51.514, 7.468, 588),
    ("Essen", "45127", 51.456, 7.012, 582),
    ("Bremen", "28195", 53.079, 8.801, 567),
    ("Dresden", "01067", 51.050, 13.738, 556),
    ("Hannover", "30159", 52.376, 9.732, 535),
    ("Nuernberg", "90402", 49.452, 11.077, 518),
    ("Duisburg", "47051", 51.435, 6.763, 498),
    ("Bochum", "44787", 51.482, 7.216, 365),
    ("Wuppertal", "42103", 51.256, 7.150, 355),
    ("Bielefeld", "33602", 52.030, 8.532, 334),
    ("Bonn", "53111", 50.737, 7.098, 330),
    ("Muenster", "48143", 51.960, 7.626, 316),
    ("Mannheim", "68159", 49.487, 8.466, 311),
    ("Karlsruhe", "76133", 49.007, 8.404, 308),
    ("Augsburg", "86150", 48.371, 10.898, 296),
    ("Wiesbaden", "65183", 50.078, 8.240, 278),
    ("Moenchengladbach", "41061", 51.185, 6.442, 261),
    ("Gelsenkirchen", "45879", 51.517, 7.086, 260),
    ("Aachen", "52062", 50.776, 6.084, 249),
    ("Braunschweig", "38100", 52.269, 10.521, 249),
    ("Kiel", "24103", 54.323, 10.123, 246),
    ("Chemnitz", "09111", 50.833, 12.925, 243),
    ("Halle", "06108", 51.483, 11.970, 238),
    ("Magdeburg", "39104", 52.121, 11.628, 237),
    ("Freiburg", "79098", 47.999, 7.842, 231),
    ("Krefeld", "47798", 51.339, 6.586, 227),
    ("Mainz", "55116", 49.993, 8.247, 217),
    ("Luebeck", "23552", 53.866, 10.687, 216),
    ("Erfurt", "99084", 50.978, 11.029, 213),
    ("Rostock", "18055", 54.092, 12.099, 209),
    ("Kassel", "34117", 51.312, 9.480, 201),
    ("Saarbruecken", "66111", 49.240, 6.997, 180),
    ("Potsdam", "14467", 52.391, 13.063, 183),
    ("Regensburg", "93047", 49.013, 12.102, 153),
    ("Wuerzburg", "97070", 49.791, 9.953, 127),
    ("Osnabrueck", "49074", 52.279, 8.047, 165),
    ("Ulm", "89073", 48.398, 9.991, 126),
)

# Smaller places without a store: destinations far from any node keep the
# replay honest about rural orders.
OTHER_TOWNS = (
    ("Passau", "94032", 48.567, 13.431, 53),
    ("Flensburg", "24937", 54.784, 9.437, 92),
    ("Goerlitz", "02826", 51.153, 14.987, 56),
    ("Trier", "54290", 49.750, 6.637, 111),
    ("Konstanz", "78462", 47.660, 9.175, 85),
    ("Oldenburg", "26122", 53.141, 8.214, 170),
    ("Schwerin", "19053", 53.629, 11.415, 96),
    ("Cottbus", "03046", 51.757, 14.329, 99),
    ("Bayreuth", "95444", 49.945, 11.575, 74),
    ("Siegen", "57072", 50.875, 8.024, 102),
    ("Goettingen", "37073", 51.541, 9.916, 118),
    ("Fulda", "36037", 50.555, 9.680, 69),
    ("Kempten", "87435", 47.726, 10.315, 70),
    ("Stralsund", "18439", 54.309, 13.082, 59),
    ("Emden", "26721", 53.367, 7.206, 50),
)

MON_SAT = frozenset(range(6))
# 2-digit postal prefixes with a slower parcel network: islands, coasts, the Alps, the east.
REMOTE_PREFIXES = frozenset(
    {"02", "03", "17", "18", "19", "25", "26", "54", "66", "83", "87", "94", "98"}
)
# DPD's next-day area: the west and centre (regions 3-7).
DPD_NEXT_DAY_REGIONS = frozenset("34567")
LINE_COUNT_WEIGHTS = (40, 22, 13, 8, 6, 4, 3, 2, 1, 1)  # 1..10 lines
QUANTITY_WEIGHTS = (85, 11, 4)  # 1..3 units
ZIPF_EXPONENT = 1.0
START = datetime(2026, 11, 30, 5, 0, tzinfo=timezone.utc)  # a Monday morning


@dataclass(frozen=True)
class Retailer:
    """The generated world: a prepared network, the orders to replay and the opening stock."""

    seed: int
    network: Network
    nodes: tuple[Node, ...]
    services: tuple[CarrierService, ...]
    products: tuple[Product, ...]
    orders: tuple[Order, ...]
    opening_stock: dict[str, dict[str, float]]
    home_node: str
    days: int

    def fresh_stock(self) -> dict[str, dict[str, float]]:
        """A private copy of the opening stock, for one replay to deplete."""
        return {sku: dict(by_node) for sku, by_node in self.opening_stock.items()}


def build_nodes() -> tuple[Node, ...]:
    """The 5 DCs and 45 stores. DCs work Monday-Saturday with a late cutoff; stores pick
    before noon, cost more to pick from and rank one priority step below DCs."""
    dcs = [
        Node(
            id=f"DC{i + 1}",
            kind="dc",
            lat=lat,
            lon=lon,
            country="DE",
            postal_code=postal,
            timezone="Europe/Berlin",
            dangerous_goods_certified=i < 3,
            bulky_allowed=True,
            handling_cost=1.10,
            handling_days=0,
            cutoff=time(16, 0),
            calendar=Calendar(country="DE", working_weekdays=MON_SAT),
            priority=0,
        )
        for i, (_name, postal, lat, lon) in enumerate(DC_SITES)
    ]
    ranked = sorted(STORE_CITIES, key=lambda c: -c[4])
    stores = [
        Node(
            id=f"ST{i + 1:02d}",
            kind="store",
            lat=lat,
            lon=lon,
            country="DE",
            postal_code=postal,
            timezone="Europe/Berlin",
            pickup_point=True,
            # The five smallest stores only serve pickups.
            ship_from_store=i < len(ranked) - 5,
            handling_cost=3.20,
            handling_days=0,
            cutoff=time(12, 0),
            calendar=Calendar(country="DE", working_weekdays=MON_SAT),
            daily_capacity=max(25, min(90, int(population / 12))),
            priority=1,
        )
        for i, (_name, postal, lat, lon, population) in enumerate(ranked)
    ]
    return tuple(dcs + stores)


def _zones(days_for) -> tuple[Zone, ...]:
    return tuple(Zone("DE", f"{p:02d}", days_for(f"{p:02d}")) for p in range(100))


def build_services() -> tuple[CarrierService, ...]:
    """Three carriers: DHL (parcel + express), DPD (cheaper, next day in the west) and
    DB Schenker (freight, the only one that takes bulky goods)."""
    return (
        CarrierService(
            id="dhl-paket",
            carrier="dhl",
            zones=_zones(lambda p: 2 if p in REMOTE_PREFIXES else 1),
            cost_per_package=4.60,
            cost_per_kg=0.05,
            max_weight_kg=31.5,
            cutoff=time(18, 0),
            accepts_dangerous=frozenset({"3", "9"}),
        ),
        CarrierService(
            id="dhl-express",
            carrier="dhl",
            service_level="express",
            zones=_zones(lambda p: 1),
            cost_per_package=11.90,
            cost_per_kg=0.20,
            max_weight_kg=31.5,
            cutoff=time(19, 0),
            accepts_dangerous=frozenset({"9"}),
        ),
        CarrierService(
            id="dpd-classic",
            carrier="dpd",
            zones=_zones(
                lambda p: 1 if p[0] in DPD_NEXT_DAY_REGIONS and p not in REMOTE_PREFIXES else 2
            ),
            cost_per_package=4.10,
            cost_per_kg=0.08,
            max_weight_kg=31.5,
            cutoff=time(17, 0),
            accepts_dangerous=frozenset({"9"}),
        ),
        CarrierService(
            id="schenker-system",
            carrier="schenker",
            zones=_zones(lambda p: 3 if p in REMOTE_PREFIXES else 2),
            cost_per_package=29.00,
            cost_per_kg=0.15,
            max_weight_kg=1000.0,
            cutoff=time(14, 0),
            accepts_dangerous=frozenset({"3", "9"}),
            accepts_bulky=True,
        ),
    )


def build_policy() -> Policy:
    """The retailer's policy: default weights, at most 4 packages, bulky within 600 km."""
    return Policy(weights=Weights(), max_packages=4, max_bulky_distance_km=600.0)


def build_products(rng: random.Random, n_skus: int) -> tuple[Product, ...]:
    """SKU-00001 is the most popular; 3% dangerous goods (classes 3 and 9), 5% bulky."""
    products = []
    for rank in range(n_skus):
        draw = rng.random()
        dangerous = bulky = None
        if draw < 0.03:
            dangerous = rng.choice(("3", "9"))
            weight = rng.uniform(0.2, 4.0)
        elif draw < 0.08:
            bulky = True
            weight = rng.uniform(18.0, 70.0)
        else:
            weight = min(20.0, max(0.05, rng.lognormvariate(math.log(0.6), 0.8)))
        products.append(
            Product(
                sku=f"SKU-{rank + 1:05d}",
                weight_kg=round(weight, 3),
                dangerous_class=dangerous,
                bulky=bool(bulky),
            )
        )
    return tuple(products)


class _Zipf:
    """Draws ranks 0..n-1 with probability proportional to 1 / (rank + 1) ** s."""

    def __init__(self, n: int, s: float) -> None:
        self.cumulative = list(itertools.accumulate(1.0 / (k + 1) ** s for k in range(n)))

    def draw(self, rng: random.Random) -> int:
        return bisect.bisect_left(self.cumulative, rng.random() * self.cumulative[-1])


def build_orders(
    rng: random.Random, products: tuple[Product, ...], n_orders: int, days: int
) -> tuple[Order, ...]:
    """Orders of 1-10 distinct SKUs, to destinations weighted by city population, spread
    evenly over ``days`` days from Monday 06:00 Berlin time."""
    zipf = _Zipf(len(products), ZIPF_EXPONENT)
    places = STORE_CITIES + OTHER_TOWNS
    place_weights = list(itertools.accumulate(p[4] for p in places))
    seconds = days * 86_400
    times = sorted(rng.randrange(seconds) for _ in range(n_orders))
    orders = []
    for i, offset in enumerate(times):
        n_lines = rng.choices(range(1, 11), cum_weights=_CUM_LINES)[0]
        skus: list[int] = []
        while len(skus) < n_lines:
            rank = zipf.draw(rng)
            if rank not in skus:
                skus.append(rank)
        bulky = any(products[r].bulky for r in skus)
        lines = tuple(
            OrderLine(
                products[r].sku,
                1 if products[r].bulky else rng.choices((1, 2, 3), cum_weights=_CUM_QTY)[0],
            )
            for r in skus
        )
        _name, postal, lat, lon, _pop = places[
            bisect.bisect_left(place_weights, rng.random() * place_weights[-1])
        ]
        destination = Destination(
            country="DE",
            postal_code=f"{postal[:2]}{rng.randrange(1000):03d}",
            lat=round(lat + rng.gauss(0, 0.12), 4),
            lon=round(lon + rng.gauss(0, 0.18), 4),
        )
        orders.append(
            Order(
                id=f"SO{i + 1:06d}",
                lines=lines,
                destination=destination,
                order_time=START + timedelta(seconds=offset),
                # Shops do not offer express delivery for freight-sized goods.
                service_level="express" if not bulky and rng.random() < 0.06 else "standard",
                allow_split=rng.random() < 0.92,
            )
        )
    return tuple(orders)


_CUM_LINES = tuple(itertools.accumulate(LINE_COUNT_WEIGHTS))
_CUM_QTY = tuple(itertools.accumulate(QUANTITY_WEIGHTS))


def build_stock(
    rng: random.Random,
    products: tuple[Product, ...],
    nodes: tuple[Node, ...],
    orders: tuple[Order, ...],
    cover: tuple[float, float],
) -> dict[str, dict[str, float]]:
    """Stock per SKU and node, sized from the replay's own demand.

    Each SKU gets ``demand * U(cover)`` units in all (so some SKUs run short, as in life). The
    central DC (DC1) carries the whole assortment; the regional DCs the top 8,000 SKUs (the top
    2,000 in all of them, the rest in one); the stores hold a share of the top 3,000. Dangerous
    goods sit in certified DCs only, bulky goods in DCs only.
    """
    demand: dict[str, int] = {}
    for order in orders:
        for line in order.lines:
            demand[line.sku] = demand.get(line.sku, 0) + line.quantity
    dcs = [n for n in nodes if n.kind == "dc"]
    central, regional = dcs[0], dcs[1:]
    shipping_stores = [n for n in nodes if n.kind == "store" and n.ship_from_store]
    stock: dict[str, dict[str, float]] = {}
    for rank, product in enumerate(products):
        total = int(demand.get(product.sku, 0) * rng.uniform(*cover) + rng.random())
        if total <= 0:
            continue
        pool = [n for n in regional if n.dangerous_goods_certified or not product.dangerous_class]
        if rank < 2000:
            holders = [central, *pool]
        elif rank < 8000:
            holders = [central, rng.choice(pool)]
        else:
            holders = [central]
        by_node: dict[str, float] = {}
        store_share = 0
        if rank < 3000 and not product.bulky and not product.dangerous_class:
            store_share = int(total * 0.25)
            for store in rng.sample(shipping_stores, rng.randint(8, len(shipping_stores))):
                if store_share <= 0:
                    break
                units = min(store_share, rng.randint(1, 4))
                by_node[store.id] = units
                store_share -= units
            total -= int(total * 0.25) - store_share
        weights = [rng.random() + 0.2 for _ in holders]
        left = total
        for holder, weight in zip(holders, weights, strict=True):
            units = min(left, round(total * weight / sum(weights)))
            if units > 0:
                by_node[holder.id] = by_node.get(holder.id, 0) + units
                left -= units
        if left > 0:
            by_node[holders[0].id] = by_node.get(holders[0].id, 0) + left
        stock[product.sku] = {node: float(q) for node, q in sorted(by_node.items())}
    return stock


def generate(
    seed: int = 20261126,
    n_orders: int = 100_000,
    n_skus: int = 20_000,
    days: int = 5,
    cover: tuple[float, float] = (0.97, 1.47),
) -> Retailer:
    """The synthetic retailer for ``seed``: same seed, same network, orders and stock."""
    rng = random.Random(seed)
    nodes = build_nodes()
    services = build_services()
    products = build_products(rng, n_skus)
    orders = build_orders(rng, products, n_orders, days)
    stock = build_stock(rng, products, nodes, orders, cover)
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
