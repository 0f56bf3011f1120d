"""oms_engine: pure-Python sourcing, promise, risk, return and delay decisions.

Prepare a :class:`Network` once, then route many orders against a stock mapping that the caller
depletes between orders::

    network = Network(nodes, carrier_services, products, policy)
    plan = route(network, order, stock)
    deplete(stock, plan)

No I/O, no globals, deterministic: the same input gives the same plan.
"""

from __future__ import annotations

from oms_engine.errors import EngineError, InvalidInput
from oms_engine.model import (
    Budget,
    Calendar,
    CarrierService,
    Destination,
    Exclusion,
    Explanation,
    Node,
    Order,
    OrderLine,
    Plan,
    Policy,
    Product,
    Promise,
    RunnerUp,
    Score,
    Shipment,
    Stock,
    Unfulfilled,
    Weights,
    Zone,
)
from oms_engine.network import Network
from oms_engine.sourcing import deplete, promise, route, stock_from_rows

__all__ = [
    "Budget",
    "Calendar",
    "CarrierService",
    "Destination",
    "EngineError",
    "Exclusion",
    "Explanation",
    "InvalidInput",
    "Network",
    "Node",
    "Order",
    "OrderLine",
    "Plan",
    "Policy",
    "Product",
    "Promise",
    "RunnerUp",
    "Score",
    "Shipment",
    "Stock",
    "Unfulfilled",
    "Weights",
    "Zone",
    "deplete",
    "promise",
    "route",
    "stock_from_rows",
]
