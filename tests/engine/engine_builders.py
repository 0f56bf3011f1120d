"""Small networks for the engine tests: a Berlin/Hamburg/Munich world with sensible defaults."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time
from zoneinfo import ZoneInfo

from oms_engine import (
    CarrierService,
    Destination,
    Network,
    Node,
    Order,
    OrderLine,
    Policy,
    Product,
    Zone,
)

BERLIN_TZ = ZoneInfo("Europe/Berlin")
HAMBURG_CUSTOMER = Destination("DE", "22765", 53.556, 9.93)
MUNICH_CUSTOMER = Destination("DE", "80469", 48.13, 11.57)


def at(text: str) -> datetime:
    """A Berlin-local moment from 'YYYY-MM-DD HH:MM'."""
    return datetime.fromisoformat(text).replace(tzinfo=BERLIN_TZ)


def dc(node_id: str, **kw) -> Node:
    """A distribution centre in Berlin unless told otherwise."""
    base = {
        "id": node_id,
        "kind": "dc",
        "lat": 52.52,
        "lon": 13.405,
        "country": "DE",
        "postal_code": "10115",
        "timezone": "Europe/Berlin",
        "dangerous_goods_certified": True,
        "bulky_allowed": True,
        "handling_cost": 1.0,
        "cutoff": time(16, 0),
    }
    base.update(kw)
    return Node(**base)


def store(node_id: str, **kw) -> Node:
    """A Hamburg store that ships and takes pickups, unless told otherwise."""
    base = {
        "id": node_id,
        "kind": "store",
        "lat": 53.551,
        "lon": 9.993,
        "country": "DE",
        "postal_code": "20095",
        "timezone": "Europe/Berlin",
        "ship_from_store": True,
        "pickup_point": True,
        "handling_cost": 2.5,
        "cutoff": time(16, 0),
    }
    base.update(kw)
    return Node(**base)


def parcel(service_id: str = "parcel", **kw) -> CarrierService:
    """A standard parcel service: 1 day everywhere in DE, 4.5 per package, 0.1 per kg."""
    base = {
        "id": service_id,
        "carrier": "DHL",
        "service_level": "standard",
        "zones": (Zone("DE", "", 1),),
        "cost_per_package": 4.5,
        "cost_per_kg": 0.1,
        "max_weight_kg": 31.5,
        "cutoff": time(18, 0),
        "accepts_dangerous": frozenset({"3"}),
    }
    base.update(kw)
    return CarrierService(**base)


PRODUCTS = (
    Product("SHIRT", 0.3),
    Product("BOOTS", 1.8),
    Product("SCARF", 0.2),
    Product("LAMP-OIL", 1.0, dangerous_class="3"),
    Product("SOFA", 45.0, bulky=True),
)


def network(nodes, services=None, products=PRODUCTS, **policy) -> Network:
    """A Network with the default parcel service and the given policy fields."""
    return Network(nodes, services or [parcel()], products, Policy(**policy))


def order(lines, destination=HAMBURG_CUSTOMER, when="2026-11-26 10:00", **kw) -> Order:
    """An order from ``[(sku, qty), ...]``; defaults: Thursday 10:00 Berlin, to Hamburg."""
    return Order(
        kw.pop("id", "O1"),
        tuple(OrderLine(sku, qty) for sku, qty in lines),
        destination,
        at(when),
        **kw,
    )


def stock(*rows) -> dict[str, dict[str, float]]:
    """Stock from ``(node, sku, qty)`` rows."""
    out: dict[str, dict[str, float]] = {}
    for node_id, sku, qty in rows:
        out.setdefault(sku, {})[node_id] = qty
    return out


def shipped(plan) -> dict[tuple[str, str], int]:
    """``(node, sku) -> quantity`` over the plan's shipments."""
    out: dict[tuple[str, str], int] = {}
    for s in plan.shipments:
        for line in s.lines:
            out[(s.node, line.sku)] = out.get((s.node, line.sku), 0) + line.quantity
    return out


__all__ = ["replace"]
