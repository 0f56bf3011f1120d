"""The JSON problem format ``oms.problem/1`` in, ``oms.plan/1`` / ``oms.promise/1`` out.

Objects use the dataclasses' own field names (docs/engine.md), so Odoo's ``export_network`` and
this parser speak the same language. The parser is hand-written rather than a JSON Schema
validator to keep the engine's runtime dependencies at ``holidays`` only; every error names the
field path, e.g. ``orders[0].lines[2].quantity: must be a positive integer``. The schema files
in ``oms_engine/schemas/`` describe the same format for other tools.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from oms_engine.errors import InvalidInput
from oms_engine.model import (
    Budget,
    Calendar,
    CarrierService,
    Destination,
    Node,
    Order,
    OrderLine,
    Policy,
    Product,
    Weights,
    Zone,
)
from oms_engine.network import Network

PROBLEM_SCHEMA = "oms.problem/1"
PLAN_SCHEMA = "oms.plan/1"
PROMISE_SCHEMA = "oms.promise/1"


@dataclass(frozen=True, slots=True)
class PromiseRequest:
    """The ``promise`` object of a problem: SKUs, a destination and a time."""

    lines: tuple[OrderLine, ...]
    destination: Destination
    at: datetime
    service_level: str


@dataclass(frozen=True, slots=True)
class Problem:
    """A parsed problem: the network, the stock and what to route or promise."""

    network: Network
    stock: dict[str, dict[str, float]]
    orders: tuple[Order, ...]
    promise: PromiseRequest | None


class _Obj:
    """A JSON object being read: remembers its path and refuses unknown fields."""

    __slots__ = ("data", "path", "used")

    def __init__(self, value: Any, path: str) -> None:
        if not isinstance(value, dict):
            raise InvalidInput(path, "must be an object")
        self.data = value
        self.path = path
        self.used: set[str] = set()

    def at(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def get(self, key: str, kind, default: Any = ..., **opts) -> Any:
        self.used.add(key)
        if key not in self.data or (self.data[key] is None and default is not ...):
            if default is ...:
                raise InvalidInput(self.at(key), "is required")
            return default
        return kind(self.data[key], self.at(key), **opts)

    def done(self) -> None:
        extra = sorted(set(self.data) - self.used)
        if extra:
            raise InvalidInput(self.at(extra[0]), "unknown field")


def _str(value, path, allow_empty=False, choices=None):
    if not isinstance(value, str) or (not value and not allow_empty):
        raise InvalidInput(
            path, "must be a non-empty string" if not allow_empty else "must be a string"
        )
    if choices and value not in choices:
        raise InvalidInput(path, f"must be one of {', '.join(choices)}")
    return value


def _bool(value, path):
    if not isinstance(value, bool):
        raise InvalidInput(path, "must be true or false")
    return value


def _int(value, path, minimum=0):
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        word = "a positive integer" if minimum == 1 else f"an integer >= {minimum}"
        raise InvalidInput(path, f"must be {word}")
    return value


def _num(value, path, minimum=None, maximum=None, positive=False):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidInput(path, "must be a number")
    if not math.isfinite(value):  # json reads 1e999 and Infinity as inf, NaN as nan
        raise InvalidInput(path, "must be a finite number")
    if positive and value <= 0:
        raise InvalidInput(path, "must be > 0")
    if minimum is not None and value < minimum:
        raise InvalidInput(path, f"must be >= {minimum}")
    if maximum is not None and value > maximum:
        raise InvalidInput(path, f"must be <= {maximum}")
    return float(value)


def _iso(value, path, parse, expected):
    """``parse(value)`` for an ISO 8601 string, else an error naming the field and the form."""
    if not isinstance(value, str):
        raise InvalidInput(path, expected)
    try:
        return parse(value)
    except ValueError:
        raise InvalidInput(path, expected) from None


def _time(value, path):
    return _iso(value, path, time.fromisoformat, 'must be a time "HH:MM"')


def _date(value, path):
    return _iso(value, path, date.fromisoformat, 'must be a date "YYYY-MM-DD"')


def _datetime(value, path):
    moment = _iso(
        value,
        path,
        lambda text: datetime.fromisoformat(text.replace("Z", "+00:00")),
        "must be an ISO 8601 date-time with a UTC offset",
    )
    if moment.tzinfo is None:
        raise InvalidInput(path, "must carry a UTC offset (e.g. 2026-11-26T09:12:00Z)")
    return moment


def _list(value, path, item=None):
    if not isinstance(value, list):
        raise InvalidInput(path, "must be a list")
    if item is None:
        return value
    return tuple(item(v, f"{path}[{i}]") for i, v in enumerate(value))


def _strings(value, path):
    return frozenset(_list(value, path, _str))


def _weekdays(value, path):
    days = _list(value, path, _int)
    for i, day in enumerate(days):
        if day > 6:
            raise InvalidInput(f"{path}[{i}]", "must be a weekday 0 (Monday) to 6 (Sunday)")
    return frozenset(days)


def _calendar(value, path) -> Calendar:
    o = _Obj(value, path)
    cal = Calendar(
        country=o.get("country", _str, None),
        subdivision=o.get("subdivision", _str, None),
        working_weekdays=o.get("working_weekdays", _weekdays, frozenset({0, 1, 2, 3, 4})),
        closed_dates=frozenset(o.get("closed_dates", lambda v, p: _list(v, p, _date), ())),
    )
    o.done()
    return cal


def _node(value, path) -> Node:
    o = _Obj(value, path)
    daily = o.get("daily_capacity", _int, None)
    node = Node(
        id=o.get("id", _str),
        kind=o.get("kind", _str, "dc", choices=("dc", "store", "dropship")),
        lat=o.get("lat", _num, minimum=-90, maximum=90),
        lon=o.get("lon", _num, minimum=-180, maximum=180),
        country=o.get("country", _str),
        postal_code=o.get("postal_code", _str, "", allow_empty=True),
        timezone=o.get("timezone", _str, "UTC"),
        ships_parcels=o.get("ships_parcels", _bool, True),
        pickup_point=o.get("pickup_point", _bool, False),
        ship_from_store=o.get("ship_from_store", _bool, False),
        dangerous_goods_certified=o.get("dangerous_goods_certified", _bool, False),
        bulky_allowed=o.get("bulky_allowed", _bool, False),
        daily_capacity=daily,
        current_load=o.get("current_load", _int, 0),
        handling_cost=o.get("handling_cost", _num, 0.0, minimum=0),
        handling_days=o.get("handling_days", _int, 0),
        cutoff=o.get("cutoff", _time, time(15, 0)),
        calendar=o.get("calendar", _calendar, None),
        enabled=o.get("enabled", _bool, True),
        priority=o.get("priority", _int, 0),
    )
    o.done()
    return node


def _zone(value, path) -> Zone:
    o = _Obj(value, path)
    zone = Zone(
        country=o.get("country", _str),
        postal_prefix=o.get("postal_prefix", _str, "", allow_empty=True),
        transit_days=o.get("transit_days", _int),
    )
    o.done()
    return zone


def _service(value, path) -> CarrierService:
    o = _Obj(value, path)
    service = CarrierService(
        id=o.get("id", _str),
        carrier=o.get("carrier", _str),
        service_level=o.get("service_level", _str, "standard", choices=("standard", "express")),
        zones=o.get("zones", lambda v, p: _list(v, p, _zone)),
        cost_per_package=o.get("cost_per_package", _num, 0.0, minimum=0),
        cost_per_kg=o.get("cost_per_kg", _num, 0.0, minimum=0),
        max_weight_kg=o.get("max_weight_kg", _num, 31.5, positive=True),
        cutoff=o.get("cutoff", _time, time(17, 0)),
        calendar=o.get("calendar", _calendar, Calendar()),
        accepts_dangerous=o.get("accepts_dangerous", _strings, frozenset()),
        accepts_bulky=o.get("accepts_bulky", _bool, False),
        origin_countries=o.get("origin_countries", _strings, frozenset()),
    )
    o.done()
    return service


def _product(value, path) -> Product:
    o = _Obj(value, path)
    product = Product(
        sku=o.get("sku", _str),
        weight_kg=o.get("weight_kg", _num, 0.0, minimum=0),
        dangerous_class=o.get("dangerous_class", _str, None),
        bulky=o.get("bulky", _bool, False),
    )
    o.done()
    return product


def _weights(value, path) -> Weights:
    o = _Obj(value, path)
    d = Weights()
    weights = Weights(
        **{
            name: o.get(name, _num, getattr(d, name), minimum=0)
            for name in ("packages", "cost", "lateness", "distance", "priority", "unfulfilled")
        }
    )
    o.done()
    return weights


def _budget(value, path) -> Budget:
    o = _Obj(value, path)
    budget = Budget(
        max_nodes=o.get("max_nodes", _int, Budget().max_nodes, minimum=1),
        max_steps=o.get("max_steps", _int, Budget().max_steps, minimum=1),
        max_packing_steps=o.get("max_packing_steps", _int, Budget().max_packing_steps, minimum=1),
    )
    o.done()
    return budget


def _policy(value, path) -> Policy:
    o = _Obj(value, path)
    policy = Policy(
        weights=o.get("weights", _weights, Weights()),
        max_packages=o.get("max_packages", _int, None, minimum=1),
        max_bulky_distance_km=o.get("max_bulky_distance_km", _num, None, minimum=0),
        excluded_nodes=o.get("excluded_nodes", _strings, frozenset()),
        budget=o.get("budget", _budget, Budget()),
        transfer_service_level=o.get(
            "transfer_service_level", _str, "standard", choices=("standard", "express")
        ),
    )
    o.done()
    return policy


def _destination(value, path) -> Destination:
    o = _Obj(value, path)
    dest = Destination(
        country=o.get("country", _str),
        postal_code=o.get("postal_code", _str, "", allow_empty=True),
        lat=o.get("lat", _num, None, minimum=-90, maximum=90),
        lon=o.get("lon", _num, None, minimum=-180, maximum=180),
    )
    o.done()
    return dest


def _line(value, path) -> OrderLine:
    o = _Obj(value, path)
    line = OrderLine(o.get("sku", _str), o.get("quantity", _int, minimum=1))
    o.done()
    return line


def _lines(value, path):
    lines = _list(value, path, _line)
    if not lines:
        raise InvalidInput(path, "must not be empty")
    return lines


def _order(value, path) -> Order:
    o = _Obj(value, path)
    order = Order(
        id=o.get("id", _str),
        lines=o.get("lines", _lines),
        destination=o.get("destination", _destination),
        order_time=o.get("order_time", _datetime),
        service_level=o.get("service_level", _str, "standard", choices=("standard", "express")),
        delivery_mode=o.get("delivery_mode", _str, "ship", choices=("ship", "pickup")),
        pickup_node=o.get("pickup_node", _str, None),
        allow_split=o.get("allow_split", _bool, True),
        excluded_nodes=o.get("excluded_nodes", _strings, frozenset()),
        promised_date=o.get("promised_date", _date, None),
    )
    o.done()
    if order.delivery_mode == "pickup" and order.pickup_node is None:
        raise InvalidInput(o.at("pickup_node"), "is required when delivery_mode is pickup")
    return order


def _stock_row(value, path) -> tuple[str, str, float]:
    o = _Obj(value, path)
    row = (o.get("node", _str), o.get("sku", _str), o.get("sellable", _num))
    o.done()
    return row


def _promise(value, path) -> PromiseRequest:
    o = _Obj(value, path)
    request = PromiseRequest(
        lines=o.get("lines", _lines),
        destination=o.get("destination", _destination),
        at=o.get("at", _datetime),
        service_level=o.get("service_level", _str, "standard", choices=("standard", "express")),
    )
    o.done()
    return request


def network_from_json(doc: dict, path: str = "") -> Network:
    """A Network from the ``nodes``, ``carrier_services``, ``products`` and ``policy`` of a
    problem document (other fields are left to the caller)."""
    o = _Obj(doc, path)
    nodes = o.get("nodes", lambda v, p: _list(v, p, _node))
    services = o.get("carrier_services", lambda v, p: _list(v, p, _service))
    products = o.get("products", lambda v, p: _list(v, p, _product), ())
    policy = o.get("policy", _policy, Policy())
    known = {n.id for n in nodes}
    for i, node_id in enumerate(sorted(policy.excluded_nodes)):
        if node_id not in known:
            raise InvalidInput(o.at(f"policy.excluded_nodes[{i}]"), f"unknown node {node_id!r}")
    return Network(nodes, services, products, policy)


def load_problem(doc: Any) -> Problem:
    """Parse and check a whole ``oms.problem/1`` document."""
    o = _Obj(doc, "")
    schema = o.get("schema", _str)
    if schema != PROBLEM_SCHEMA:
        raise InvalidInput("schema", f"must be {PROBLEM_SCHEMA!r} (got {schema!r})")
    for key in ("nodes", "carrier_services", "products", "policy"):
        o.used.add(key)
    network = network_from_json(
        {k: doc[k] for k in ("nodes", "carrier_services", "products", "policy") if k in doc}
    )
    stock: dict[str, dict[str, float]] = {}
    for i, (node, sku, qty) in enumerate(o.get("stock", lambda v, p: _list(v, p, _stock_row), ())):
        if node not in network.node_index:
            raise InvalidInput(f"stock[{i}].node", f"unknown node {node!r}")
        per_node = stock.setdefault(sku, {})
        per_node[node] = per_node.get(node, 0) + qty
    orders: tuple[Order, ...] = ()
    if "order" in doc:
        orders = (o.get("order", _order),)
    if "orders" in doc:
        orders += o.get("orders", lambda v, p: _list(v, p, _order))
    request = o.get("promise", _promise, None)
    o.done()
    for i, order in enumerate(orders):
        where = "order" if "order" in doc and i == 0 else f"orders[{i - ('order' in doc)}]"
        _check_references(network, order, where)
    return Problem(network, stock, orders, request)


def _check_references(network: Network, order: Order, where: str) -> None:
    if order.pickup_node is not None and order.pickup_node not in network.node_index:
        raise InvalidInput(f"{where}.pickup_node", f"unknown node {order.pickup_node!r}")
    for i, node_id in enumerate(sorted(order.excluded_nodes)):
        if node_id not in network.node_index:
            raise InvalidInput(f"{where}.excluded_nodes[{i}]", f"unknown node {node_id!r}")
