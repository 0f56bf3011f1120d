# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""An order as customer service and AI agents read it: in plain words, in the customer's
language (``oms.customer.service`` calls these with the customer's ``lang``)."""

from markupsafe import Markup
from odoo import fields, models
from odoo.tools import format_amount, format_date


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # Customers give the shop's order number (#1042): customer service finds orders by it.
    oms_external_name = fields.Char(index="btree_not_null")

    # ------------------------------------------------------------------ identity

    def _oms_cs_emails(self):
        self.ensure_one()
        partners = self.partner_id | self.partner_invoice_id | self.partner_shipping_id
        return {(p.email or "").strip().lower() for p in partners if p.email}

    def _oms_cs_postal_codes(self):
        self.ensure_one()
        partners = self.partner_shipping_id | self.partner_invoice_id | self.partner_id
        return {"".join((p.zip or "").split()).upper() for p in partners if p.zip}

    def _oms_cs_audit(self, what, client, source):
        """A note on the order: what the API client looked at or asked (the audit trail)."""
        doors = {"api": self.env._("customer-service API"), "mcp": self.env._("AI agent (MCP)")}
        self._message_log(
            body=Markup("<p>%s</p>")
            % self.env._(
                "%(what)s by %(client)s through the %(door)s.",
                what=what,
                client=client or self.env.user.name,
                door=doors.get(source, doors["api"]),
            )
        )

    # ------------------------------------------------------------------ status

    def _oms_cs_header(self):
        self.ensure_one()
        stage = dict(self._fields["state"]._description_selection(self.env)).get(self.state)
        return {
            "order": self.name,
            "shop_order": self.oms_external_name or self.client_order_ref or None,
            "placed_on": format_date(self.env, self.date_order),
            "customer": self.partner_id.name,
            "state": stage,
            "total": format_amount(self.env, self.amount_total, self.currency_id),
            "delivery": self._oms_mode_words_now(),
        }

    def _oms_mode_words_now(self):
        if self.oms_delivery_mode == "pickup":
            return self.env._("Collected at %s", self.oms_pickup_warehouse_id.name)
        if self.oms_service_level == "express":
            return self.env._("Express home delivery")
        return self.env._("Home delivery")

    def _oms_cs_status(self):
        """Everything a customer asks about the order: lines, parcels, dates, delays."""
        self.ensure_one()
        shipments = [p._oms_cs_shipment() for p in self._oms_cs_customer_legs()]
        late = [s for s in shipments if s["late"]]
        return {
            "order": self._oms_cs_header(),
            "summary": self._oms_cs_summary(shipments),
            "promise": self._oms_promise_text(),
            "late": bool(late),
            "late_reasons": [s["late_reason"] for s in late],
            "lines": [self._oms_cs_line(line) for line in self._oms_product_lines()],
            "shipments": shipments,
            "refunds": [
                {
                    "amount": format_amount(self.env, r.amount_total, r.currency_id),
                    "state": dict(r._fields["state"]._description_selection(self.env))[r.state],
                    "reason": r.reason or "",
                }
                for r in self.sudo().oms_refund_request_ids
            ],
        }

    def _oms_cs_customer_legs(self):
        return self.picking_ids.filtered(
            lambda p: (
                p._oms_is_customer_leg()
                or (p.state == "done" and p.location_dest_id.usage == "customer")
            )
        ).sorted("id")

    def _oms_cs_line(self, line):
        return {
            "line_id": line.id,
            "sku": line.product_id.default_code or "",
            "product": line.product_id.name,
            "quantity": line.product_uom_qty,
            "unit": line.product_uom.name,
            "shipped": line.qty_delivered,
        }

    def _oms_cs_summary(self, shipments):
        if self.state == "cancel":
            return self.env._("The order is cancelled.")
        if not shipments:
            if self.oms_routing_state in ("hold", "waiting"):
                return self.env._("Nothing has been planned yet: the order waits for stock.")
            return self.env._("The order is being planned.")
        done = [s for s in shipments if s["shipped"]]
        return self.env._(
            "%(count)s: %(done)s left, %(open)s to come.",
            count=self.env._("1 parcel")
            if len(shipments) == 1
            else self.env._("%s parcels", len(shipments)),
            done=len(done),
            open=len(shipments) - len(done),
        )

    # ------------------------------------------------------------------ options

    def _oms_cs_options(self):
        """What may still change, with why not when it may not."""
        self.ensure_one()
        return {
            "cancel": self._oms_cs_cancel_options(),
            "change_address": self._oms_cs_address_option(),
            "change_delivery_mode": self._oms_cs_mode_options(),
            "return": {
                "possible": hasattr(type(self), "_oms_start_return"),
                "why_not": ""
                if hasattr(type(self), "_oms_start_return")
                else self.env._("Returns cannot be started here yet."),
            },
        }

    def _oms_cs_why_not_changing(self):
        """Why nothing may change now, or ''."""
        if self.state != "sale":
            return self.env._("The order is not open (%s).", self._oms_cs_header()["state"])
        open_pickings = self.picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))
        if self._oms_shipped_pickings() and not open_pickings:
            return self.env._("Everything has left.")
        return ""

    def _oms_cs_cancel_options(self):
        why = self._oms_cs_why_not_changing()
        lines = []
        for line in self._oms_product_lines() if not why else ():
            free, started = line._oms_cancellable()
            free = min(free, line.product_uom_qty - line.qty_delivered)
            lines.append(
                {
                    "line_id": line.id,
                    "sku": line.product_id.default_code or "",
                    "product": line.product_id.name,
                    "cancellable": max(free, 0.0),
                    "unit": line.product_uom.name,
                    "why_not": self.env._("Being prepared: %s", ", ".join(started.mapped("name")))
                    if started
                    else (self.env._("Already shipped.") if line.qty_delivered else ""),
                }
            )
        whole = (
            not why and not self._oms_shipped_pickings() and not (self._oms_started_open_pickings())
        )
        return {
            "whole_order": whole,
            "possible": bool(whole or any(line["cancellable"] for line in lines)),
            "why_not": why,
            "lines": lines,
        }

    def _oms_cs_address_option(self):
        why = self._oms_cs_why_not_changing()
        if not why and self.oms_delivery_mode == "pickup":
            why = self.env._("The order is collected in a store: change the delivery mode first.")
        return {"possible": not why, "why_not": why}

    def _oms_cs_mode_options(self):
        why = self._oms_cs_why_not_changing()
        started = self._oms_started_open_pickings() if not why else self.env["stock.picking"]
        if started:
            why = self.env._("Being prepared: %s", ", ".join(started.mapped("name")))
        stores = self.env["stock.warehouse"].search(
            [
                ("company_id", "=", self.company_id.id),
                ("oms_pickup_point", "=", True),
                ("oms_routing_enabled", "=", True),
            ],
            order="name",
        )
        express = bool(
            self.env["delivery.carrier"].search_count(
                [
                    ("oms_routing_enabled", "=", True),
                    ("oms_service_level", "=", "express"),
                    ("company_id", "in", [False, self.company_id.id]),
                ],
                limit=1,
            )
        )
        return {
            "possible": not why,
            "why_not": why,
            "current": {
                "mode": self.oms_delivery_mode,
                "service_level": self.oms_service_level,
                "pickup_store": self.oms_pickup_warehouse_id.code or None,
            },
            "service_levels": ["standard", "express"] if express else ["standard"],
            "pickup_stores": [{"code": s.code, "name": s.name} for s in stores],
        }
