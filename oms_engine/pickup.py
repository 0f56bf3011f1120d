"""Click & collect: the pickup store serves from its shelves, transfers bring the rest.

The transfers are routed by the same search as customer shipments, with the store as the
destination and the policy's transfer service level, so the rules (dangerous goods, bulky,
failover, exclusions) and the score apply unchanged. The order is ready when the store has
picked its own part and the last transfer has arrived, on a store working day.
"""

from __future__ import annotations

from collections.abc import Callable

from oms_engine.candidates import RULE_TEXT, aggregate_lines
from oms_engine.errors import InvalidInput
from oms_engine.model import (
    Destination,
    Exclusion,
    Explanation,
    Order,
    OrderLine,
    Plan,
    Score,
    Shipment,
    Stock,
    Unfulfilled,
)
from oms_engine.network import Network, day_of


def route_pickup(
    network: Network, order: Order, stock: Stock, *, explain: bool, route_shipping: Callable
) -> Plan:
    """Source a pickup order to its store, with transfers for what the store lacks."""
    store_idx = network.node_index.get(order.pickup_node)
    if store_idx is None:
        raise InvalidInput("order.pickup_node", f"unknown node {order.pickup_node!r}")
    store = network.nodes[store_idx]
    lines = aggregate_lines(order)
    rule = _pickup_rule(network, order, store_idx)
    if rule is not None:
        return _unavailable(network, order, store.id, rule, lines)

    own: list[OrderLine] = []
    rest: list[OrderLine] = []
    for sku, qty in lines:
        shelf = int(stock.get(sku, {}).get(store.id, 0)) if sku in network.products else 0
        take = max(0, min(qty, shelf))
        if take:
            own.append(OrderLine(sku, take))
        if qty > take:
            rest.append(OrderLine(sku, qty - take))

    day, minute = network.local_moment(store_idx, order.order_time)
    ready = network.ready_day(store_idx, day, minute)
    shipments: list[Shipment] = []
    if own:
        kg = sum(line.quantity * network.products[line.sku].weight_kg for line in own)
        shipments.append(
            Shipment(
                node=store.id,
                carrier_service="",
                carrier="",
                lines=tuple(own),
                ship_date=day_of(ready),
                promised_date=day_of(ready),
                packages=0,
                weight_kg=round(kg, 6),
                cost=0.0,
                distance_km=0.0,
                kind="pickup",
            )
        )
    if not rest:
        return Plan(
            order.id,
            "complete",
            tuple(shipments),
            (),
            _zero_score(),
            Explanation(notes=("everything is on the pickup store's shelves",)),
            "exact",
            0,
            day_of(ready),
        )

    transfer_order = Order(
        id=order.id,
        lines=tuple(rest),
        destination=Destination(store.country, store.postal_code, store.lat, store.lon),
        order_time=order.order_time,
        service_level=network.policy.transfer_service_level,
        allow_split=order.allow_split,
        excluded_nodes=order.excluded_nodes,
        promised_date=order.promised_date,
    )
    transfers = route_shipping(
        network,
        transfer_order,
        stock,
        explain=explain,
        skip_nodes=frozenset({store_idx}),
        kind="transfer",
        to_node=store.id,
    )
    shipments.extend(transfers.shipments)
    calendar = network.node_calendars[store_idx]
    for shipment in transfers.shipments:
        ready = max(ready, calendar.next_working(shipment.promised_date.toordinal()))
    status = transfers.status
    if status == "unfulfilled" and own:
        status = "partial"
    notes = (
        *transfers.explanation.notes,
        f"{len(transfers.shipments)} transfer(s) to {store.id}; ready for pickup on "
        f"{day_of(ready).isoformat()}",
    )
    explanation = Explanation(
        transfers.explanation.excluded,
        transfers.explanation.runners_up,
        transfers.explanation.target_date,
        notes,
    )
    return Plan(
        order.id,
        status,
        tuple(shipments),
        transfers.unfulfilled,
        transfers.score,
        explanation,
        transfers.method,
        transfers.steps,
        day_of(ready) if shipments else None,
    )


def _pickup_rule(network: Network, order: Order, store_idx: int) -> str | None:
    store = network.nodes[store_idx]
    if not store.enabled:
        return "node_disabled"
    if not store.pickup_point:
        return "not_a_pickup_point"
    if store.id in network.policy.excluded_nodes:
        return "excluded_by_policy"
    if store.id in order.excluded_nodes:
        return "excluded_by_order"
    return None


def _unavailable(network: Network, order: Order, store_id: str, rule: str, lines) -> Plan:
    unfulfilled = tuple(Unfulfilled(sku, qty, "pickup_node_unavailable") for sku, qty in lines)
    units = sum(qty for _, qty in lines)
    explanation = Explanation(excluded=(Exclusion(store_id, rule, RULE_TEXT.get(rule, rule)),))
    penalty = round(network.policy.weights.unfulfilled * units, 6)
    score = Score(penalty, 0.0, 0.0, 0.0, 0.0, 0.0, penalty, 0, 0.0, 0, 0.0, units)
    return Plan(order.id, "unfulfilled", (), unfulfilled, score, explanation, "exact", 0, None)


def _zero_score() -> Score:
    return Score(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0, 0.0, 0, 0.0, 0)
