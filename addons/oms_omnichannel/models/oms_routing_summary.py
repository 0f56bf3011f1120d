"""The routing summary of an order: what it shows about its deliveries, kept true.

A summary is a small dict, made either from the order's deliveries as they are now
(:meth:`_summary_of`, after any change) or from a plan the router is about to apply
(the router's ``_summary_from_plan``, on a first confirmation, where the two agree and the
deliveries need not be read again):

- ``state``: the order's routing state (``sale.order.oms_routing_state``);
- ``status``: ``complete`` (every unit has a source), ``partial`` or ``unfulfilled``;
- ``pickup``: the order is collected in a store;
- ``legs``: the parcels (or the pickup handover) that carry sourced units, each
  ``{"node", "carrier", "promised", "day", "packages", "done", "items"}`` (``promised``: as
  Odoo stores it, ``day``: the promised date at the node, ISO; ``items``:
  ``[[product id, quantity in the product's unit], ...]``), and ``"picking"`` when read
  from the deliveries;
- ``waiting``: ``{warehouse id: items}``, units backordered there (no node had them);
- ``unsourced``: items nothing procures (on hold, waiting, or their delivery cancelled).

From it come the order's fields, the first sentences of the order's current decision
("Ships in 2 packages ...") and the lines of a decision that records a change.
"""

import math
from datetime import timezone
from zoneinfo import ZoneInfo

from odoo import api, models

# Odoo's delivery carriers have no maximum weight by default; the router's network assumes
# a parcel of 31.5 kg then (oms.network).
DEFAULT_MAX_WEIGHT_KG = 31.5


class OmsRoutingSummary(models.AbstractModel):
    _name = "oms.routing.summary"
    _description = "Routing Summary of an Order"

    # ------------------------------------------------------------------ from the deliveries

    @api.model
    def _summary_of(self, order):
        """The summary of ``order`` as its deliveries are now."""
        legs, waiting = [], {}
        pickup = order.oms_delivery_mode == "pickup"
        for picking in order.picking_ids.sorted("id"):
            if not picking._oms_is_customer_leg():
                continue
            moves = picking.move_ids.filtered(lambda m: m.state != "cancel")
            backordered = moves.filtered(
                lambda m: m.oms_backorder and m.state not in ("assigned", "done")
            )
            warehouse = picking.picking_type_id.warehouse_id
            for move in backordered:
                waiting.setdefault(warehouse.id, []).append([move.product_id.id, move.product_qty])
            sourced = moves - backordered
            if not sourced:
                continue
            legs.append(
                {
                    "picking": picking.id,
                    "node": warehouse.id,
                    "carrier": picking.carrier_id.id,
                    "promised": picking.oms_promised_date,
                    "day": self._local_day(picking.oms_promised_date, warehouse),
                    "packages": self._packages_of(picking, sourced),
                    "done": picking.state == "done",
                    "items": [[move.product_id.id, move.product_qty] for move in sourced],
                }
            )
        unsourced = []
        for line in order._oms_routable_lines():
            todo = line._oms_to_procure()
            if todo > 0:
                qty = line.product_uom._compute_quantity(todo, line.product_id.uom_id)
                unsourced.append([line.product_id.id, qty])
        if order.state == "cancel":
            state = "cancel"
        elif unsourced:
            state = order.oms_routing_state if order.oms_routing_state == "waiting" else "hold"
        elif waiting:
            state = "backorder"
        else:
            state = "routed"
        if state == "cancel":
            status = order.oms_decision_status or "complete"
        else:
            status = self._status(legs, waiting, unsourced)
        return {
            "state": state,
            "status": status,
            "pickup": pickup,
            "legs": legs,
            "waiting": waiting,
            "unsourced": unsourced,
        }

    @api.model
    def _held(self, state, order, demand):
        """The summary of an order that releases nothing (``state``: hold or waiting): every
        unit of ``demand`` (``{product: {line: qty}}``) unsourced."""
        return {
            "state": state,
            "status": "unfulfilled",
            "pickup": order.oms_delivery_mode == "pickup",
            "legs": [],
            "waiting": {},
            "unsourced": [
                [product.id, float(sum(per_line.values()))] for product, per_line in demand.items()
            ],
        }

    @api.model
    def _status(self, legs, waiting, unsourced):
        """``complete`` when every unit has a node that ships it, ``unfulfilled`` when none
        has, ``partial`` in between (some units wait for stock, or nothing ships them)."""
        if not waiting and not unsourced:
            return "complete"
        return "partial" if legs else "unfulfilled"

    @api.model
    def _local_day(self, value, warehouse):
        """The date a stored promise (a UTC datetime) falls on at the node, as ISO text:
        the day the router promised there."""
        if not value:
            return None
        tz = ZoneInfo(self.env["oms.network"]._get_timezone(warehouse) or "UTC")
        return value.replace(tzinfo=timezone.utc).astimezone(tz).date().isoformat()

    @api.model
    def _packages_of(self, picking, moves):
        """Parcels a delivery makes: its weight over its carrier's maximum parcel weight, as
        the router packs them; one for a delivery without a carrier (a handover)."""
        carrier = picking.carrier_id
        if not carrier:
            return 1
        max_kg = carrier.max_weight if carrier.max_weight > 0 else DEFAULT_MAX_WEIGHT_KG
        kg = sum(move.product_qty * move.product_id.weight for move in moves)
        return max(1, math.ceil(kg / max_kg - 1e-9))

    # ------------------------------------------------------------------ what it shows

    @api.model
    def _order_vals(self, summary):
        """The order's summary fields."""
        legs = summary["legs"]
        held = summary["state"] in ("hold", "waiting", "cancel")
        promised = False
        if legs and not held:
            promised = max((leg["promised"] for leg in legs if leg["promised"]), default=False)
        return {
            "oms_routing_state": summary["state"],
            "oms_decision_status": summary["status"],
            "oms_package_count": 0
            if summary["state"] == "cancel"
            else sum(leg["packages"] for leg in legs),
            "oms_is_split": summary["state"] != "cancel" and len(legs) > 1,
            "oms_promised_date": promised,
            "oms_ready_date": promised if summary["pickup"] else False,
        }

    @api.model
    def _decision_vals(self, summary):
        """What a decision records of the order after it (its history row)."""
        vals = self._order_vals(summary)
        return {
            "status": vals["oms_decision_status"],
            "package_count": vals["oms_package_count"],
            "is_split": vals["oms_is_split"],
        }

    @api.model
    def _statements(self, summary):
        """The order as it is now, in statements (``oms.routing.explanation``)."""
        state, legs = summary["state"], summary["legs"]
        if state == "cancel":
            return [{"code": "cancelled"}]
        out = []
        vals = self._order_vals(summary)
        date = None
        if vals["oms_promised_date"]:
            date = max((leg["day"] for leg in legs if leg["day"]), default=None)
        nodes = list(dict.fromkeys(leg["node"] for leg in legs))
        complete = not summary["waiting"] and not summary["unsourced"]
        if legs and complete and all(leg["done"] for leg in legs):
            out.append({"code": "shipped", "packages": vals["oms_package_count"], "nodes": nodes})
        elif legs and summary["pickup"]:
            out.append(
                {
                    "code": "collect" if complete else "collect_sourced",
                    "node": nodes[-1],
                    "date": date,
                }
            )
        elif legs:
            out.append(
                {
                    "code": "ships" if complete else "ships_sourced",
                    "packages": vals["oms_package_count"],
                    "nodes": nodes,
                    "date": date,
                }
            )
        for warehouse_id, items in summary["waiting"].items():
            out.append({"code": "backordered", "items": _merged(items), "node": warehouse_id})
        if summary["unsourced"]:
            out.append({"code": "unsourced", "items": _merged(summary["unsourced"])})
        if state in ("hold", "waiting"):
            out.append({"code": state})
        if not out:
            out.append({"code": "nothing"})
        return out

    @api.model
    def _decision_line_vals(self, summary, unsourced_reason="on_hold"):
        """The lines of a decision that records a change: the deliveries as they are."""
        vals_list = []
        for index, leg in enumerate(summary["legs"], start=1):
            for product_id, qty in _merged(leg["items"]):
                vals_list.append(
                    {
                        "kind": "shipment",
                        "shipment_index": index,
                        "warehouse_id": leg["node"],
                        "carrier_id": leg["carrier"] or False,
                        "product_id": product_id,
                        "quantity": qty,
                        "promised_date": leg["promised"],
                    }
                )
        missing = [("backordered", items) for items in summary["waiting"].values()]
        missing.append((unsourced_reason, summary["unsourced"]))
        for reason, items in missing:
            for product_id, qty in _merged(items):
                vals_list.append(
                    {
                        "kind": "unfulfilled",
                        "product_id": product_id,
                        "quantity": qty,
                        "reason": reason,
                    }
                )
        return vals_list


def _merged(items):
    """``[[product id, qty], ...]`` with one entry per product, in first-seen order."""
    totals = {}
    for product_id, qty in items:
        totals[product_id] = totals.get(product_id, 0.0) + qty
    return [[product_id, qty] for product_id, qty in totals.items()]
