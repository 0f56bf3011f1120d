"""route() is exact: its plan's score equals the MILP optimum on seeded random small instances.

Each instance is a small network with rules that bite: few nodes with uneven stock, light
parcel limits (so weight makes several packages), dangerous goods and bulky goods with picky
carriers and a bulky distance limit, priorities, late nodes, max packages, no-split orders.
The MILP (oms_engine.milp) states the objective and the hard rules independently of the search;
the MILP's own plan is checked against the hard rules here too, so a wrong model cannot agree
with a wrong search by accident.
"""

from __future__ import annotations

import math
import random
from datetime import date, datetime, time, timedelta, timezone

import pytest

pytest.importorskip("highspy")

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
    route,
)
from oms_engine.milp import MilpPlan, solve_order

REL_TOL = 1e-6
SITES = (  # (postal code, lat, lon)
    ("10115", 52.52, 13.40),
    ("20095", 53.55, 9.99),
    ("80331", 48.14, 11.58),
    ("50667", 50.94, 6.96),
    ("60311", 50.11, 8.68),
    ("01067", 51.05, 13.74),
    ("70173", 48.78, 9.18),
)


def random_instance(seed: int):
    """A small network, its stock and one order, all drawn from ``seed``."""
    rng = random.Random(seed)
    n_nodes = rng.randint(2, 6)
    nodes = []
    for i, (postal, lat, lon) in enumerate(rng.sample(SITES, n_nodes)):
        store = rng.random() < 0.4
        nodes.append(
            Node(
                id=f"N{i}",
                kind="store" if store else "dc",
                lat=lat,
                lon=lon,
                country="DE",
                postal_code=postal,
                timezone="Europe/Berlin",
                ship_from_store=store,
                dangerous_goods_certified=rng.random() < 0.5,
                bulky_allowed=rng.random() < 0.6,
                handling_cost=round(rng.uniform(0.5, 4.0), 2),
                handling_days=rng.choice((0, 0, 1)),
                cutoff=time(rng.choice((11, 14, 16)), 0),
                calendar=Calendar(country="DE", working_weekdays=frozenset(range(6))),
                priority=rng.choice((0, 0, 1, 2)),
            )
        )
    services = []
    for j in range(rng.randint(1, 3)):
        zones = tuple(
            Zone("DE", str(d), rng.choice((1, 1, 2, 3))) for d in range(10) if rng.random() < 0.9
        )
        services.append(
            CarrierService(
                id=f"S{j}",
                carrier=f"C{j}",
                zones=zones,
                cost_per_package=round(rng.uniform(3.0, 9.0), 2),
                cost_per_kg=round(rng.uniform(0.0, 0.4), 3),
                max_weight_kg=rng.choice((5.0, 10.0, 31.5)),
                cutoff=time(rng.choice((12, 17)), 0),
                accepts_dangerous=frozenset(c for c in ("3", "9") if rng.random() < 0.5),
                accepts_bulky=rng.random() < 0.5,
            )
        )
    products = []
    for k in range(rng.randint(2, 6)):
        kind = rng.random()
        products.append(
            Product(
                sku=f"P{k}",
                weight_kg=round(rng.uniform(0.2, 9.0), 2),
                dangerous_class=rng.choice(("3", "9")) if kind < 0.15 else None,
                bulky=0.15 <= kind < 0.3,
            )
        )
    policy = Policy(
        weights=Weights(
            packages=rng.choice((0.0, 2.0, 4.0)),
            cost=1.0,
            lateness=rng.choice((0.0, 3.0, 8.0)),
            distance=rng.choice((0.0, 0.005, 0.02)),
            priority=rng.choice((0.0, 1.0)),
            unfulfilled=rng.choice((30.0, 1000.0)),
        ),
        max_packages=rng.choice((None, None, 2, 3)),
        max_bulky_distance_km=rng.choice((None, 300.0, 600.0)),
    )
    network = Network(nodes, services, products, policy)
    stock: dict[str, dict[str, float]] = {}
    for product in products:
        for node in nodes:
            if rng.random() < 0.6:
                stock.setdefault(product.sku, {})[node.id] = float(rng.randint(0, 4))
    lines = tuple(
        OrderLine(p.sku, rng.randint(1, 3))
        for p in rng.sample(products, rng.randint(1, min(4, len(products))))
    )
    postal, lat, lon = rng.choice(SITES)
    moment = datetime(2026, 11, 30, 6, tzinfo=timezone.utc) + timedelta(
        minutes=rng.randrange(5 * 24 * 60)
    )
    order = Order(
        id=f"O{seed}",
        lines=lines,
        destination=Destination("DE", postal, lat + rng.uniform(-1, 1), lon + rng.uniform(-1, 1)),
        order_time=moment,
        service_level="standard",
        allow_split=rng.random() < 0.75,
        promised_date=(moment.date() + timedelta(days=rng.randint(1, 3)))
        if rng.random() < 0.3
        else None,
    )
    return network, stock, order


def haversine_km(lat1, lon1, lat2, lon2) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


def assert_respects_hard_rules(network: Network, order: Order, stock, plan: MilpPlan) -> None:
    """The MILP's plan, checked rule by rule from the raw inputs."""
    policy = network.policy
    products = network.products
    services = {s.id: s for s in network.services}
    nodes = {n.id: n for n in network.nodes}
    ordered: dict[str, int] = {}
    for line in order.lines:
        ordered[line.sku] = ordered.get(line.sku, 0) + line.quantity
    shipped: dict[str, int] = {}
    taken: dict[tuple[str, str], int] = {}
    for s in plan.shipments:
        node, service = nodes[s.node], services[s.service]
        assert node.kind != "store" or node.ship_from_store
        km = haversine_km(node.lat, node.lon, order.destination.lat, order.destination.lon)
        weight = 0.0
        for sku, qty in s.lines:
            product = products[sku]
            shipped[sku] = shipped.get(sku, 0) + qty
            taken[(sku, s.node)] = taken.get((sku, s.node), 0) + qty
            weight += qty * product.weight_kg
            if product.dangerous_class:
                assert node.dangerous_goods_certified
                assert product.dangerous_class in service.accepts_dangerous
            if product.bulky:
                assert node.bulky_allowed and service.accepts_bulky
                if policy.max_bulky_distance_km is not None:
                    assert km <= policy.max_bulky_distance_km + 1e-6
        assert s.packages >= math.ceil(weight / service.max_weight_kg - 1e-9)
    for (sku, node), qty in taken.items():
        assert qty <= stock.get(sku, {}).get(node, 0)
    for sku, qty in ordered.items():
        short = sum(q for s, q in plan.unfulfilled if s == sku)
        assert shipped.get(sku, 0) + short == qty
    if not order.allow_split:
        assert len(plan.shipments) <= 1
    if policy.max_packages is not None:
        assert sum(s.packages for s in plan.shipments) <= policy.max_packages


SEEDS = range(300)


def _solve_both(seed: int):
    network, stock, order = random_instance(seed)
    plan = route(network, order, stock)
    reference = solve_order(network, order, stock, target_date=plan.explanation.target_date)
    assert reference.status == "optimal", reference
    return network, stock, order, plan, reference


@pytest.mark.parametrize("seed", SEEDS)
def test_route_score_equals_milp_optimum(seed):
    _network, _stock, _order, plan, reference = _solve_both(seed)
    assert plan.method == "exact", f"seed {seed}: {plan.explanation.notes}"
    assert plan.score.total == pytest.approx(reference.score.total, rel=REL_TOL, abs=1e-6), (
        f"seed {seed}: engine {plan.score} vs MILP {reference.score} {reference.shipments}"
    )


@pytest.mark.parametrize("seed", SEEDS)
def test_milp_is_a_valid_lower_bound(seed):
    """The MILP's plan obeys every hard rule, its objective is the score it reports, and no
    plan of the engine beats it (else the model, not the search, would be wrong)."""
    network, stock, order, plan, reference = _solve_both(seed)
    assert_respects_hard_rules(network, order, stock, reference)
    assert reference.objective == pytest.approx(reference.score.total, rel=1e-6, abs=1e-6)
    assert reference.score.total <= plan.score.total + 1e-6 * max(1.0, plan.score.total)


def test_the_check_can_fail():
    """A plan one package worse than optimal is caught: the comparison is not vacuous."""
    network, stock, order = random_instance(3)
    plan = route(network, order, stock)
    reference = solve_order(network, order, stock, target_date=plan.explanation.target_date)
    worse = plan.score.total + network.policy.weights.cost * 1.0 + 1.0
    assert worse != pytest.approx(reference.score.total, rel=REL_TOL, abs=1e-6)


def test_promised_date_is_the_lateness_target():
    network, stock, order = random_instance(11)
    promised = date(2026, 11, 20)  # long past: every lane is late against it
    order = Order(
        order.id, order.lines, order.destination, order.order_time, promised_date=promised
    )
    reference = solve_order(network, order, stock)
    assert reference.target_date == promised
    if reference.shipments:
        assert reference.score.late_days > 0


# --------------------------------------------------------------------------- weight binds


def weighty_instance(seed: int):
    """An instance drawn independently of :func:`random_instance`, where weight limits bind:
    parcel services of 5 to 31.5 kg beside freight, goods of 0.3-25 kg (some bulky, 30-80 kg),
    1-4 units a line, package caps of 3 to 6 or none, mostly the default weights."""
    rng = random.Random(f"weighty-{seed}")
    nodes = []
    for i, (postal, lat, lon) in enumerate(rng.sample(SITES, rng.randint(2, 6))):
        store = i > 0 and rng.random() < 0.6
        nodes.append(
            Node(
                id=f"W{i}",
                kind="store" if store else "dc",
                lat=lat,
                lon=lon,
                country="DE",
                postal_code=postal,
                timezone="Europe/Berlin",
                ship_from_store=store,
                dangerous_goods_certified=not store,
                bulky_allowed=not store or rng.random() < 0.3,
                handling_cost=round(rng.uniform(1.0, 3.5), 2),
                handling_days=rng.choice((0, 0, 0, 1)),
                cutoff=time(rng.choice((12, 14, 16)), 0),
                calendar=Calendar(country="DE", working_weekdays=frozenset(range(6))),
                priority=1 if store else 0,
            )
        )
    services = []
    limits = rng.sample((5.0, 10.0, 20.0, 25.0, 31.5), rng.randint(1, 3))
    for j, limit in enumerate(sorted(limits)):
        services.append(
            CarrierService(
                id=f"P{j}",
                carrier=f"C{j}",
                zones=(Zone("DE", "", rng.choice((1, 1, 2))),),
                cost_per_package=round(3.0 + limit * rng.uniform(0.05, 0.15), 2),
                cost_per_kg=round(rng.uniform(0.0, 0.1), 3),
                max_weight_kg=limit,
                cutoff=time(17, 0),
                accepts_dangerous=frozenset({"9"}) if rng.random() < 0.5 else frozenset(),
            )
        )
    if rng.random() < 0.5:
        freight = CarrierService(
            "FREIGHT",
            "F",
            zones=(Zone("DE", "", 2),),
            cost_per_package=29.0,
            cost_per_kg=0.15,
            max_weight_kg=1000.0,
            accepts_bulky=True,
            accepts_dangerous=frozenset({"9"}),
        )
        services.append(freight)
    products = []
    for k in range(rng.randint(3, 8)):
        draw = rng.random()
        if draw < 0.1:
            products.append(Product(f"B{k}", round(rng.uniform(30.0, 80.0), 2), bulky=True))
        elif draw < 0.15:
            products.append(Product(f"D{k}", round(rng.uniform(0.5, 8.0), 2), dangerous_class="9"))
        else:
            weight = min(25.0, max(0.3, rng.lognormvariate(math.log(3.0), 0.9)))
            products.append(Product(f"G{k}", round(weight, 2)))
    policy = Policy(
        weights=Weights(unfulfilled=rng.choice((1000.0, 1000.0, 1000.0, 60.0))),
        max_packages=rng.choice((None, None, 3, 4, 6)),
        max_bulky_distance_km=rng.choice((None, 500.0)),
    )
    network = Network(nodes, services, products, policy)
    stock: dict[str, dict[str, float]] = {}
    for product in products:
        for node in nodes:
            if rng.random() < 0.6:
                stock.setdefault(product.sku, {})[node.id] = float(rng.randint(1, 6))
    lines = tuple(
        OrderLine(p.sku, 1 if p.bulky else rng.randint(1, 4))
        for p in rng.sample(products, rng.randint(1, min(5, len(products))))
    )
    postal, lat, lon = rng.choice(SITES)
    moment = datetime(2026, 11, 30, 6, tzinfo=timezone.utc) + timedelta(
        minutes=rng.randrange(5 * 24 * 60)
    )
    order = Order(
        id=f"W{seed}",
        lines=lines,
        destination=Destination("DE", postal, lat + rng.uniform(-1, 1), lon + rng.uniform(-1, 1)),
        order_time=moment,
        allow_split=rng.random() < 0.85,
    )
    return network, stock, order


WEIGHTY_SEEDS = range(300)


@pytest.mark.parametrize("seed", WEIGHTY_SEEDS)
def test_route_is_exact_where_weight_limits_bind(seed):
    network, stock, order = weighty_instance(seed)
    plan = route(network, order, stock)
    reference = solve_order(network, order, stock, target_date=plan.explanation.target_date)
    assert reference.status == "optimal", reference
    assert_respects_hard_rules(network, order, stock, reference)
    assert plan.method == "exact", f"seed {seed}: {plan.explanation.notes}"
    assert plan.score.total == pytest.approx(reference.score.total, rel=REL_TOL, abs=1e-6), (
        f"seed {seed}: engine {plan.score} vs MILP {reference.score} {reference.shipments}"
    )


def test_weight_limits_bind_in_those_instances():
    """The data does what it is for: in a good share of the optimal plans a shipment needs
    several packages or the package cap leaves units out."""
    binding = 0
    for seed in WEIGHTY_SEEDS:
        network, stock, order = weighty_instance(seed)
        plan = route(network, order, stock)
        if any(s.packages > 1 for s in plan.shipments) or any(
            u.reason == "max_packages" for u in plan.unfulfilled
        ):
            binding += 1
    assert binding >= 0.3 * len(WEIGHTY_SEEDS), binding
