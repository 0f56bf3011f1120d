"""Plans and promises as JSON-ready dicts (``oms.plan/1``, ``oms.promise/1``) and as text."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any

from oms_engine.candidates import RULE_TEXT
from oms_engine.model import Plan, Promise, Shipment

REASON_TEXT = {
    "unknown_sku": "the SKU is not in the product list",
    "out_of_stock": "no node has sellable stock",
    "insufficient_stock": "eligible nodes together hold less than ordered",
    "no_eligible_node": "the nodes holding it are all ruled out (see excluded nodes)",
    "split_not_allowed": "the order may not be split and no single node holds everything",
    "max_packages": "the policy's maximum number of packages is reached",
    "not_worth_shipping": "shipping it would cost more than leaving it out under the policy",
    "pickup_node_unavailable": "the pickup store cannot take this order",
}


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def shipment_to_json(shipment: Shipment) -> dict[str, Any]:
    """One shipment as a JSON-ready dict."""
    return {
        "node": shipment.node,
        "kind": shipment.kind,
        "to_node": shipment.to_node,
        "carrier_service": shipment.carrier_service,
        "carrier": shipment.carrier,
        "lines": [{"sku": line.sku, "quantity": line.quantity} for line in shipment.lines],
        "ship_date": _iso(shipment.ship_date),
        "promised_date": _iso(shipment.promised_date),
        "packages": shipment.packages,
        "weight_kg": shipment.weight_kg,
        "cost": shipment.cost,
        "distance_km": shipment.distance_km,
    }


def plan_to_json(plan: Plan) -> dict[str, Any]:
    """A plan as a JSON-ready dict (one element of ``plans`` in ``oms.plan/1``)."""
    explanation = plan.explanation
    return {
        "order_id": plan.order_id,
        "status": plan.status,
        "method": plan.method,
        "steps": plan.steps,
        "promised_date": _iso(plan.promised_date),
        "shipments": [shipment_to_json(s) for s in plan.shipments],
        "unfulfilled": [
            {"sku": u.sku, "quantity": u.quantity, "reason": u.reason} for u in plan.unfulfilled
        ],
        "score": asdict(plan.score),
        "explanation": {
            "target_date": _iso(explanation.target_date),
            "excluded": [
                {"node": e.node, "rule": e.rule, "sku": e.sku, "detail": e.detail}
                for e in explanation.excluded
            ],
            "runners_up": [
                {
                    "nodes": list(r.nodes),
                    "carrier_services": list(r.carrier_services),
                    "score": r.score.total,
                    "delta": dict(r.delta),
                    "reason": r.reason,
                }
                for r in explanation.runners_up
            ],
            "notes": list(explanation.notes),
        },
    }


def promise_to_json(promise: Promise) -> dict[str, Any]:
    """A promise as an ``oms.promise/1`` document."""
    return {
        "schema": "oms.promise/1",
        "status": promise.status,
        "delivery_date": _iso(promise.delivery_date),
        "method": promise.method,
        "shipments": [shipment_to_json(s) for s in promise.shipments],
        "unfulfilled": [
            {"sku": u.sku, "quantity": u.quantity, "reason": u.reason} for u in promise.unfulfilled
        ],
    }


def plan_to_text(plan: Plan) -> str:
    """A plan explained for a back-office user."""
    out = [
        f"Order {plan.order_id}: {plan.status}, "
        f"{len(plan.shipments)} shipment(s), everything by {_iso(plan.promised_date) or '-'}"
        f" ({plan.method}, {plan.steps} search steps)"
    ]
    for s in plan.shipments:
        lines = ", ".join(f"{line.quantity} x {line.sku}" for line in s.lines)
        if s.kind == "pickup":
            out.append(
                f"  - {s.node}: from the store's shelves, ready {_iso(s.promised_date)}: {lines}"
            )
            continue
        where = f" to store {s.to_node}" if s.kind == "transfer" else ""
        out.append(
            f"  - {s.node}{where} via {s.carrier_service} ({s.carrier}), ships {_iso(s.ship_date)},"
            f" arrives {_iso(s.promised_date)}, {s.packages} package(s), {s.weight_kg:g} kg,"
            f" cost {s.cost:.2f}, {s.distance_km:.0f} km: {lines}"
        )
    for u in plan.unfulfilled:
        reason = REASON_TEXT.get(u.reason) or RULE_TEXT.get(u.reason, u.reason)
        out.append(f"  ! {u.quantity} x {u.sku} not fulfilled: {u.reason} ({reason})")
    sc = plan.score
    out.append(
        f"Score {sc.total:g} = packages {sc.packages:g} + cost {sc.cost:g} + lateness "
        f"{sc.lateness:g} + distance {sc.distance:g} + priority {sc.priority:g} + unfulfilled "
        f"{sc.unfulfilled:g}"
    )
    ex = plan.explanation
    if ex.target_date:
        out.append(f"Target date (lateness counts from it): {ex.target_date.isoformat()}")
    if ex.excluded:
        out.append("Ruled out:")
        for e in ex.excluded:
            scope = f" for {e.sku}" if e.sku else ""
            out.append(f"  - {e.node}{scope}: {e.rule} ({e.detail})")
    if ex.runners_up:
        out.append("Runners-up (why they lost):")
        for r in ex.runners_up:
            via = " + ".join(f"{n} ({s})" for n, s in zip(r.nodes, r.carrier_services, strict=True))
            out.append(f"  - {via}: score {r.score.total:g} (+{r.delta['total']:g}): {r.reason}")
    for note in ex.notes:
        out.append(f"Note: {note}")
    return "\n".join(out)


def promise_to_text(promise: Promise) -> str:
    """A promise in one paragraph."""
    head = f"Promise: {promise.status}, delivered by {_iso(promise.delivery_date) or '-'}"
    rows = [head]
    for s in promise.shipments:
        rows.append(f"  - from {s.node} via {s.carrier_service}, arrives {_iso(s.promised_date)}")
    for u in promise.unfulfilled:
        rows.append(f"  ! {u.quantity} x {u.sku}: {u.reason}")
    return "\n".join(rows)
