"""Per-order sourcing: candidate nodes, exact branch-and-bound over node sets, greedy fallback."""

from __future__ import annotations

from collections.abc import Iterable, MutableMapping
from datetime import datetime

from oms_engine.model import Destination, Order, OrderLine, Plan, Promise, Stock
from oms_engine.network import Network


def route(network: Network, order: Order, stock: Stock, *, explain: bool = True) -> Plan:
    """Route one order: the best plan under the policy's hard constraints, with explanation.

    ``stock`` is read, never changed; call :func:`deplete` to take the plan's quantities out.
    ``explain=False`` skips the excluded-node list and the runner-up plans (hot path).
    """
    raise NotImplementedError


def promise(
    network: Network,
    lines: Iterable[OrderLine] | Iterable[tuple[str, int]],
    destination: Destination,
    at: datetime,
    stock: Stock,
    service_level: str = "standard",
) -> Promise:
    """The delivery date routing would keep for these SKUs to this destination, ordered ``at``."""
    raise NotImplementedError


def deplete(stock: MutableMapping[str, MutableMapping[str, float]], plan: Plan) -> None:
    """Take the plan's shipped quantities out of ``stock`` (in place)."""
    raise NotImplementedError


def stock_from_rows(rows: Iterable[tuple[str, str, float]]) -> dict[str, dict[str, float]]:
    """Build the stock mapping from ``(node_id, sku, sellable)`` rows (duplicates add up)."""
    raise NotImplementedError
