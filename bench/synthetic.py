"""A seeded synthetic retailer for the benchmarks: network, catalogue, orders and stock.

5 distribution centres and 45 stores in German cities (real coordinates and postal codes),
3 carriers (DHL with a parcel and an express service, DPD, DB Schenker for bulky freight) with
transit tables by destination zone (2-digit postal prefix), 20k SKUs with Zipf popularity
(3% dangerous goods, 5% bulky), orders of 1-10 lines to destinations weighted by population,
and the stock a retailer's planners would hold on Monday morning: the central DC ranges
everything, regional DCs what their region buys, each to an order-up-to level planned from
four weeks of history orders; stores range the popular part of the assortment, a few units
deep (docs/benchmarks.md, "The engine benchmark's retailer", says why and how it behaves).

Everything comes from ``random.Random(seed)`` and, for the history, a second generator seeded
from ``seed``: the same seed gives the same retailer, and the stock never sees the replay.
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
#: Safety factor of the DCs' order-up-to levels (h + z * sqrt(h) for h units a week).
SAFETY_Z = 1.0
#: Weeks of order history the stock is planned from (a month: one week is too noisy for the
#: slow movers).
HISTORY_WEEKS = 4
#: Least units of a SKU in the central DC: the largest quantity of one order line.
MIN_LISTED = 3
#: Units a week a DC's own region must order for a regional DC to range a SKU.
REGIONAL_MIN_WEEKLY = 2
#: Share of the assortment the largest and the smallest shipping store range.
STORE_RANGE = (0.15, 0.05)
#: Chance that a store ranges a SKU within its range width (local ranges differ).
STORE_LISTING = 0.9


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
    rng: random.Random,
    products: tuple[Product, ...],
    n_orders: int,
    days: int,
    *,
    lines: int | None = None,
    line_weights: tuple[int, ...] = LINE_COUNT_WEIGHTS,
    quantity_weights: tuple[int, ...] = QUANTITY_WEIGHTS,
    exponent: float = ZIPF_EXPONENT,
    prefix: str = "SO",
) -> tuple[Order, ...]:
    """Orders of distinct SKUs (1 to ``len(line_weights)`` lines, or exactly ``lines``) with
    1 to ``len(quantity_weights)`` units a line, Zipf(``exponent``) popularity, to
    destinations weighted by city population, spread evenly over ``days`` days from Monday
    06:00 Berlin time."""
    zipf = _Zipf(len(products), exponent)
    cum_lines = tuple(itertools.accumulate(line_weights))
    cum_qty = tuple(itertools.accumulate(quantity_weights))
    counts = range(1, len(line_weights) + 1)
    quantities = tuple(range(1, len(quantity_weights) + 1))
    seconds = days * 86_400
    times = sorted(rng.randrange(seconds) for _ in range(n_orders))
    orders = []
    for i, offset in enumerate(times):
        n_lines = lines or rng.choices(counts, cum_weights=cum_lines)[0]
        skus: list[int] = []
        while len(skus) < n_lines:
            rank = zipf.draw(rng)
            if rank not in skus:
                skus.append(rank)
        bulky = any(products[r].bulky for r in skus)
        order_lines = tuple(
            OrderLine(
                products[r].sku,
                1 if products[r].bulky else rng.choices(quantities, cum_weights=cum_qty)[0],
            )
            for r in skus
        )
        at = START + timedelta(seconds=offset)
        orders.append(_order(rng, f"{prefix}{i + 1:06d}", order_lines, bulky, at))
    return tuple(orders)


_PLACES = STORE_CITIES + OTHER_TOWNS
_PLACE_WEIGHTS = list(itertools.accumulate(p[4] for p in _PLACES))


def _order(rng: random.Random, oid: str, lines, bulky: bool, at: datetime) -> Order:
    """An order of ``lines`` to a destination drawn by population, near a place's centre."""
    _name, postal, lat, lon, _pop = _PLACES[
        bisect.bisect_left(_PLACE_WEIGHTS, rng.random() * _PLACE_WEIGHTS[-1])
    ]
    destination = Destination(
        country="DE",
        postal_code=f"{postal[:2]}{rng.randrange(1000):03d}",
        lat=round(lat + rng.gauss(0, 0.12), 4),
        lon=round(lon + rng.gauss(0, 0.18), 4),
    )
    return Order(
        id=oid,
        lines=lines,
        destination=destination,
        order_time=at,
        # Shops do not offer express delivery for freight-sized goods.
        service_level="express" if not bulky and rng.random() < 0.06 else "standard",
        allow_split=rng.random() < 0.92,
    )


#: The launch window: this many new products, each order buys one unit of one of them.
LAUNCHED_SKUS = 20
#: ... and this many lines of the usual assortment beside it (equally likely).
LAUNCH_EXTRA_LINES = (0, 0, 1, 1, 2, 3)


def launch_window(
    retailer: Retailer, n_orders: int, safety_z: float = SAFETY_Z
) -> tuple[tuple[Order, ...], dict[str, dict[str, float]]]:
    """A product launch on Monday morning: ``n_orders`` orders, each with one unit of one of
    :data:`LAUNCHED_SKUS` new products and 0-3 lines of the usual assortment, against the
    opening stock plus the launch's stock.

    The new products stand in for the catalogue's least popular SKUs that are neither
    dangerous nor bulky: their stock is the launch allocation alone, planned the way the rest
    is (:func:`build_stock`), from the launch's forecast, never from these orders: each DC gets
    ``h + safety_z * sqrt(h)`` units, ``h`` being the forecast units of its region (the places
    nearest to it, weighted by population). This is where one-by-one decisions meet the most
    competition: every order wants a unit of the same few products, held only at the DCs, and
    the nearest DC running out of one moves the orders after it elsewhere.
    """
    rng = random.Random(f"launch-{retailer.seed}")
    products = retailer.products
    zipf = _Zipf(len(products), ZIPF_EXPONENT)
    plain = [p for p in reversed(products) if not p.dangerous_class and not p.bulky]
    launched = plain[:LAUNCHED_SKUS]
    dcs = [n for n in retailer.nodes if n.kind == "dc"]
    region_weight = dict.fromkeys((dc.id for dc in dcs), 0.0)
    for _name, _postal, lat, lon, population in _PLACES:
        nearest = min(dcs, key=lambda n: (_km(n.lat, n.lon, lat, lon), n.id))
        region_weight[nearest.id] += population
    total = sum(region_weight.values())
    stock = retailer.fresh_stock()
    for product in launched:
        stock[product.sku] = {
            dc.id: float(math.ceil(h + safety_z * math.sqrt(h) - 1e-9))
            for dc in dcs
            if (h := n_orders / len(launched) * region_weight[dc.id] / total) > 0
        }
    at = START + timedelta(hours=4)  # 10:00 Berlin, the opening stock untouched
    orders = []
    for i in range(n_orders):
        skus = [rng.choice(launched).sku]
        for _ in range(rng.choice(LAUNCH_EXTRA_LINES)):
            product = products[zipf.draw(rng)]
            if product.sku not in skus:
                skus.append(product.sku)
        lines = tuple(
            OrderLine(sku, 1 if k == 0 or retailer.network.products[sku].bulky else
                      rng.choices((1, 2, 3), cum_weights=_CUM_QTY)[0])
            for k, sku in enumerate(skus)
        )  # fmt: skip
        bulky = any(retailer.network.products[sku].bulky for sku in skus)
        orders.append(_order(rng, f"PR{i + 1:05d}", lines, bulky, at + timedelta(seconds=i)))
    return tuple(orders), stock


_CUM_LINES = tuple(itertools.accumulate(LINE_COUNT_WEIGHTS))
_CUM_QTY = tuple(itertools.accumulate(QUANTITY_WEIGHTS))


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def _region(dcs: list[Node], order: Order) -> Node:
    """The DC whose region the order's destination lies in: the nearest one."""
    dest = order.destination
    return min(dcs, key=lambda n: (_km(n.lat, n.lon, dest.lat, dest.lon), n.id))


def _may_hold(dc: Node, product: Product) -> bool:
    return dc.dangerous_goods_certified or not product.dangerous_class


def dc_demand_history(
    products: tuple[Product, ...], dcs: list[Node], history: tuple[Order, ...], min_weekly: int
) -> tuple[dict[str, set[str]], dict[tuple[str, str], int]]:
    """(regional range per DC, units shipped per (SKU, DC)) in a history week.

    A regional DC lists a SKU when its own region ordered at least ``min_weekly`` units of it
    (velocity-based ranging); the central DC lists everything. The history is then routed the
    way planners see their DCs used: an order ships from its region's DC when that DC lists
    every line, otherwise from the central DC - which therefore also sells popular SKUs to
    orders that carry a long-tail item, and is stocked for it.
    """
    by_sku = {p.sku: p for p in products}
    central = dcs[0]
    regional_units: dict[tuple[str, str], int] = {}
    regions = [_region(dcs, order) for order in history]
    for order, dc in zip(history, regions, strict=True):
        for line in order.lines:
            key = (line.sku, dc.id)
            regional_units[key] = regional_units.get(key, 0) + line.quantity
    ranges: dict[str, set[str]] = {central.id: {p.sku for p in products}}
    for dc in dcs[1:]:
        ranges[dc.id] = {
            sku
            for (sku, node), units in regional_units.items()
            if node == dc.id and units >= min_weekly * HISTORY_WEEKS and _may_hold(dc, by_sku[sku])
        }
    shipped: dict[tuple[str, str], int] = {}
    for order, dc in zip(history, regions, strict=True):
        home = dc if all(line.sku in ranges[dc.id] for line in order.lines) else central
        for line in order.lines:
            key = (line.sku, home.id)
            shipped[key] = shipped.get(key, 0) + line.quantity
    return ranges, shipped


def build_stock(
    rng: random.Random,
    products: tuple[Product, ...],
    nodes: tuple[Node, ...],
    history: tuple[Order, ...],
    safety_z: float = SAFETY_Z,
    min_weekly: int = REGIONAL_MIN_WEEKLY,
) -> dict[str, dict[str, float]]:
    """Opening stock per SKU and node: Monday morning after the weekly replenishment.

    Sized from a *history* week (orders drawn from the same distributions, not the replayed
    ones), as a planner would: each DC's range and demand come from :func:`dc_demand_history`
    and its order-up-to level is ``h + safety_z * sqrt(h)`` for ``h`` units shipped in the
    history week (at least one unit of a listed SKU). Stores range the popular part of the
    assortment by size, with shallow depth (1-4 units online may take). Dangerous goods sit
    in certified DCs only, bulky goods in DCs only.
    """
    dcs = [n for n in nodes if n.kind == "dc"]
    ranges, shipped = dc_demand_history(products, dcs, history, min_weekly)
    stock: dict[str, dict[str, float]] = {}
    for dc in dcs:
        # The central DC keeps at least one line's largest quantity of everything it ranges.
        floor = MIN_LISTED if dc is dcs[0] else 1
        for sku in sorted(ranges[dc.id]):
            h = shipped.get((sku, dc.id), 0) / HISTORY_WEEKS
            level = max(floor, math.ceil(h + safety_z * math.sqrt(h) - 1e-9))
            stock.setdefault(sku, {})[dc.id] = float(level)
    shipping_stores = [n for n in nodes if n.kind == "store" and n.ship_from_store]
    store_skus = [p.sku for p in products if not p.bulky and not p.dangerous_class]
    for i, store in enumerate(shipping_stores):
        # The largest store ranges STORE_RANGE[0] of the assortment, the smallest STORE_RANGE[1].
        share = STORE_RANGE[0] + (STORE_RANGE[1] - STORE_RANGE[0]) * i / max(
            1, len(shipping_stores) - 1
        )
        width = int(share * len(products))
        for rank, sku in enumerate(store_skus):
            if rank >= width:
                break
            if rng.random() < STORE_LISTING:
                depth = rng.randint(1, 4) if rank < width // 3 else rng.randint(1, 2)
                stock.setdefault(sku, {})[store.id] = float(depth)
    return {sku: dict(sorted(by_node.items())) for sku, by_node in sorted(stock.items())}


def generate(
    seed: int = 20261126,
    n_orders: int = 100_000,
    n_skus: int = 20_000,
    days: int = 5,
    safety_z: float = SAFETY_Z,
    min_weekly: int = REGIONAL_MIN_WEEKLY,
) -> Retailer:
    """The synthetic retailer for ``seed``: same seed, same network, orders and stock.

    The stock is planned from a history week of as many orders, drawn from a second generator
    seeded from ``seed``: the replay's own demand is never looked at.
    """
    rng = random.Random(seed)
    nodes = build_nodes()
    services = build_services()
    products = build_products(rng, n_skus)
    orders = build_orders(rng, products, n_orders, days)
    past = random.Random(f"history-{seed}")
    history = tuple(
        order
        for _week in range(HISTORY_WEEKS)
        for order in build_orders(past, products, n_orders, days)
    )
    stock = build_stock(rng, products, nodes, history, safety_z, min_weekly)
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
