"""The engine's order and stock as JSON, to store with a decision and replay later.

The shapes follow the engine's own ``oms.problem/1`` format (docs/engine.md, "The JSON
interface"): field names of the dataclasses, moments in ISO 8601 with their offset, dates as
``YYYY-MM-DD``, sets as sorted lists.
"""

from datetime import date, datetime

try:
    import oms_engine as engine
except ImportError:  # pragma: no cover - the manifest's external dependency says it
    engine = None


def order_to_json(order):
    """``order`` (an engine Order) as a JSON-ready dict."""
    return {
        "id": order.id,
        "lines": [{"sku": line.sku, "quantity": line.quantity} for line in order.lines],
        "destination": {
            "country": order.destination.country,
            "postal_code": order.destination.postal_code,
            "lat": order.destination.lat,
            "lon": order.destination.lon,
        },
        "order_time": order.order_time.isoformat(),
        "service_level": order.service_level,
        "delivery_mode": order.delivery_mode,
        "pickup_node": order.pickup_node,
        "allow_split": order.allow_split,
        "excluded_nodes": sorted(order.excluded_nodes),
        "promised_date": order.promised_date.isoformat() if order.promised_date else None,
    }


def order_from_json(doc, excluded=()):
    """The engine Order of :func:`order_to_json`, with ``excluded`` nodes left out too."""
    destination = doc["destination"]
    return engine.Order(
        id=doc["id"],
        lines=tuple(
            engine.OrderLine(sku=li["sku"], quantity=li["quantity"]) for li in doc["lines"]
        ),
        destination=engine.Destination(
            country=destination["country"],
            postal_code=destination.get("postal_code") or "",
            lat=destination.get("lat"),
            lon=destination.get("lon"),
        ),
        order_time=datetime.fromisoformat(doc["order_time"]),
        service_level=doc.get("service_level") or "standard",
        delivery_mode=doc.get("delivery_mode") or "ship",
        pickup_node=doc.get("pickup_node"),
        allow_split=doc.get("allow_split", True),
        excluded_nodes=frozenset(doc.get("excluded_nodes") or ()) | frozenset(excluded),
        promised_date=date.fromisoformat(doc["promised_date"])
        if doc.get("promised_date")
        else None,
    )


def stock_to_json(stock, order):
    """The sellable stock of the order's products: ``{sku: {node: qty}}`` (whole units)."""
    skus = {line.sku for line in order.lines}
    return {
        sku: {node: int(qty) for node, qty in sorted(per_node.items())}
        for sku, per_node in sorted(stock.items())
        if sku in skus
    }
