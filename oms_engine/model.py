"""The engine's vocabulary: frozen dataclasses in (network, order, stock), a plan out.

Everything here is plain data. Behaviour lives in :mod:`oms_engine.network` (indexes prepared
once) and :mod:`oms_engine.sourcing` (per-order search). Times are timezone-aware; dates are
``datetime.date``. Money is a float in the network's single currency: the engine only compares
and adds costs, scores are rounded to 6 decimals before comparison and ties are broken on node
ids, so the same input always gives the same plan.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Literal

NodeKind = Literal["dc", "store", "dropship"]
ServiceLevel = Literal["standard", "express"]
DeliveryMode = Literal["ship", "pickup"]
ShipmentKind = Literal["delivery", "transfer", "pickup"]
PlanStatus = Literal["complete", "partial", "unfulfilled"]
Method = Literal["exact", "greedy-fallback"]

#: Sellable stock, per SKU then per node id: ``stock["TSHIRT-M"]["DC1"] == 12``. The caller owns
#: it and depletes it between orders (see :func:`oms_engine.deplete`); the engine only reads it.
Stock = Mapping[str, Mapping[str, float]]

WEEKDAYS = frozenset({0, 1, 2, 3, 4})  # Monday=0 ... Friday=4


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True, slots=True)
class Calendar:
    """Working days of a node or a carrier service.

    ``country`` (ISO 3166 alpha-2) selects the public holidays of the ``holidays`` package;
    ``None`` on a carrier service means "the holidays of the shipping node's country".
    """

    country: str | None = None
    subdivision: str | None = None
    working_weekdays: frozenset[int] = WEEKDAYS
    closed_dates: frozenset[date] = frozenset()


@dataclass(frozen=True, slots=True)
class Node:
    """A place that can fulfil: distribution centre, store or drop-ship supplier.

    A node ships to customers when ``ships_parcels`` is set and, for a store, when
    ``ship_from_store`` is set too. ``daily_capacity`` counts shipments per day (``None`` is
    unlimited); a node whose ``current_load`` reached it is excluded. ``priority`` is a rank:
    0 is preferred, each step costs ``Weights.priority`` per shipment. ``cutoff`` is local time
    in ``timezone``: orders after it are handled from the next working day.
    """

    id: str
    kind: NodeKind = "dc"
    lat: float = 0.0
    lon: float = 0.0
    country: str = ""
    postal_code: str = ""
    timezone: str = "UTC"
    ships_parcels: bool = True
    pickup_point: bool = False
    ship_from_store: bool = False
    dangerous_goods_certified: bool = False
    bulky_allowed: bool = False
    daily_capacity: int | None = None
    current_load: int = 0
    handling_cost: float = 0.0
    handling_days: int = 0
    cutoff: time = time(15, 0)
    calendar: Calendar | None = None  # None: Monday-Friday with the holidays of ``country``
    enabled: bool = True
    priority: int = 0


@dataclass(frozen=True, slots=True)
class Zone:
    """Transit days of a carrier service to a destination zone.

    A zone is a country plus a postal-code prefix; the longest matching prefix wins and an empty
    prefix covers the whole country.
    """

    country: str
    postal_prefix: str = ""
    transit_days: int = 1


@dataclass(frozen=True, slots=True)
class CarrierService:
    """One service of one carrier, e.g. DHL Paket (standard) or DHL Express (express).

    Transit days count carrier working days after the ship date. A parcel weighs at most
    ``max_weight_kg``: a heavier shipment goes as several packages, each paying
    ``cost_per_package``. ``accepts_dangerous`` lists the dangerous-goods classes it carries.
    ``origin_countries`` limits the nodes it collects from (empty: any).
    """

    id: str
    carrier: str
    service_level: ServiceLevel = "standard"
    zones: tuple[Zone, ...] = ()
    cost_per_package: float = 0.0
    cost_per_kg: float = 0.0
    max_weight_kg: float = 31.5
    cutoff: time = time(17, 0)
    calendar: Calendar = field(default_factory=Calendar)
    accepts_dangerous: frozenset[str] = frozenset()
    accepts_bulky: bool = False
    origin_countries: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Product:
    """What the engine needs to know of a SKU: weight and handling classes."""

    sku: str
    weight_kg: float = 0.0
    dangerous_class: str | None = None
    bulky: bool = False


@dataclass(frozen=True, slots=True)
class Weights:
    """The policy's objective: a plan's score is the weighted sum of these (lower is better).

    packages: per package; cost: per currency unit of handling + carrier cost; lateness: per
    calendar day the last shipment arrives after the target date; distance: per km, per shipment;
    priority: per rank step of the shipping node, per shipment; unfulfilled: per unit left out.
    """

    packages: float = 4.0
    cost: float = 1.0
    lateness: float = 8.0
    distance: float = 0.005
    priority: float = 1.0
    unfulfilled: float = 1000.0


@dataclass(frozen=True, slots=True)
class Budget:
    """How much exact search an order may use before the greedy fallback takes over.

    Counted in search steps (node sets evaluated or expanded), never wall clock, so the same
    input gives the same plan on any machine. ``max_nodes`` keeps the candidate nodes with the
    best stand-alone scores. ``max_packing_steps`` bounds, per order, the work of packing units
    into shipments when weight makes several packages (states of the packing search moved by
    one way to spread a line): past it the allocation found so far is kept.
    """

    max_nodes: int = 64
    max_steps: int = 5000
    max_packing_steps: int = 20_000


@dataclass(frozen=True, slots=True)
class Policy:
    """Soft weights, hard constraints and the search budget of a network."""

    weights: Weights = field(default_factory=Weights)
    max_packages: int | None = None
    max_bulky_distance_km: float | None = None
    excluded_nodes: frozenset[str] = frozenset()
    budget: Budget = field(default_factory=Budget)
    transfer_service_level: ServiceLevel = "standard"


@dataclass(frozen=True, slots=True)
class Destination:
    """Where the order goes. Without coordinates, distances count as 0; bulky lines still
    ship, unless the policy sets ``max_bulky_distance_km``, which cannot be checked then
    (they stay unfulfilled, ``bulky_distance_unknown``)."""

    country: str
    postal_code: str = ""
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True, slots=True)
class OrderLine:
    """A SKU and a quantity (positive integer)."""

    sku: str
    quantity: int


@dataclass(frozen=True, slots=True)
class Order:
    """One order to route.

    ``promised_date``: the date promised at checkout, which lateness is measured against; when
    ``None`` the target is the earliest date any single node eligible for this order could
    deliver (not a node it excludes; for a pickup order's transfers, not the pickup store).
    ``excluded_nodes``: nodes this order must not use (a store rejected it, a re-route).
    For ``delivery_mode="pickup"``, ``pickup_node`` is the store the customer collects from.
    """

    id: str
    lines: tuple[OrderLine, ...]
    destination: Destination
    order_time: datetime
    service_level: ServiceLevel = "standard"
    delivery_mode: DeliveryMode = "ship"
    pickup_node: str | None = None
    allow_split: bool = True
    excluded_nodes: frozenset[str] = frozenset()
    promised_date: date | None = None


# --------------------------------------------------------------------------- outputs


@dataclass(frozen=True, slots=True)
class Shipment:
    """What one node sends with one carrier service.

    ``kind``: ``delivery`` goes to the customer; ``transfer`` goes to the pickup store
    (``to_node``); ``pickup`` is the part the pickup store hands over from its own shelves
    (carrier ``""``, no transit).
    """

    node: str
    carrier_service: str
    carrier: str
    lines: tuple[OrderLine, ...]
    ship_date: date
    promised_date: date
    packages: int
    weight_kg: float
    cost: float
    distance_km: float
    kind: ShipmentKind = "delivery"
    to_node: str | None = None


@dataclass(frozen=True, slots=True)
class Unfulfilled:
    """Quantity of a SKU the plan does not cover, with a stable reason code (docs/engine.md)."""

    sku: str
    quantity: int
    reason: str


@dataclass(frozen=True, slots=True)
class Score:
    """A plan's score (``total``, lower is better) and its weighted components.

    The raw figures behind them are ``package_count``, ``cost_amount``, ``late_days``,
    ``distance_km`` and ``unfulfilled_units``.
    """

    total: float
    packages: float
    cost: float
    lateness: float
    distance: float
    priority: float
    unfulfilled: float
    package_count: int
    cost_amount: float
    late_days: int
    distance_km: float
    unfulfilled_units: int


@dataclass(frozen=True, slots=True)
class Exclusion:
    """A node ruled out for this order (or for one of its SKUs) and the rule that did it."""

    node: str
    rule: str
    detail: str = ""
    sku: str | None = None


@dataclass(frozen=True, slots=True)
class RunnerUp:
    """A plan the search evaluated and rejected: its nodes, score and how much worse it was
    per component (positive = worse than the chosen plan)."""

    nodes: tuple[str, ...]
    score: Score
    delta: Mapping[str, float]
    reason: str
    carrier_services: tuple[str, ...] = ()  # one per node, same order


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why the plan looks the way it does, for a back-office user."""

    excluded: tuple[Exclusion, ...] = ()
    runners_up: tuple[RunnerUp, ...] = ()
    target_date: date | None = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Plan:
    """The routing decision for one order.

    ``promised_date`` is when the customer gets everything (pickup: when the order is ready at
    the store). ``method`` is ``"exact"`` unless the search budget ran out, then
    ``"greedy-fallback"``; ``steps`` is the search effort actually spent.
    """

    order_id: str
    status: PlanStatus
    shipments: tuple[Shipment, ...]
    unfulfilled: tuple[Unfulfilled, ...]
    score: Score
    explanation: Explanation
    method: Method
    steps: int
    promised_date: date | None


@dataclass(frozen=True, slots=True)
class Promise:
    """The delivery promise for SKUs to a destination at a time: the date the plan routing
    would choose keeps, and the shipments it would come from."""

    status: PlanStatus
    delivery_date: date | None
    shipments: tuple[Shipment, ...]
    unfulfilled: tuple[Unfulfilled, ...]
    method: Method
