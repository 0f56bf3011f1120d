# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Order changes that re-plan what is not started: address, delivery mode, quantities, lines.

See ``sale_order_change.py`` for what every operation shares (key, lock, record, tell).
"""

from odoo import Command, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, float_is_zero, format_amount

from .oms_intake import ADDRESS_FIELDS, BatchCache, IntakeError
from .sale_order_change import OrderChangeRefused

MODES = ("ship", "pickup")
LEVELS = ("standard", "express")


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # ------------------------------------------------------------------
    # Operations
    # ------------------------------------------------------------------
    def _oms_change_address(self, address, key=None, source=None):
        """Ship to ``address`` (a contact, or a dict in the canonical order's address shape):
        the deliveries nobody started are planned again for it - a carrier that serves it,
        its promise - and the customer is told the new promise. Refused when no carrier
        serves the address, or when a delivery already being prepared goes with a carrier
        that does not."""
        return self._oms_run_change(
            "address", key, source, lambda key: self._oms_apply_change_address(address, key)
        )

    def _oms_change_delivery_mode(
        self, mode, pickup_store=None, service_level=None, key=None, source=None, refund=True
    ):
        """Home delivery <-> collect in a store <-> express: ``mode`` ``ship`` or ``pickup``,
        ``pickup_store`` (a warehouse or its code) for ``pickup``, ``service_level``
        ``standard`` or ``express`` for ``ship``. Everything not yet prepared is planned again
        (a collected order by transfer to the store when it lacks the goods); refused while a
        node prepares part of the order. Going to pickup refunds the shipping paid
        (``refund``); a dearer service says what the customer owes, charged by nobody
        automatically."""
        return self._oms_run_change(
            "delivery_mode",
            key,
            source,
            lambda key: self._oms_apply_change_delivery_mode(
                mode, pickup_store, service_level, key, refund
            ),
        )

    def _oms_change_quantities(self, items, key=None, source=None, refund=True):
        """Set lines to new quantities: ``(line, quantity)`` or ``(line, quantity, uom)``.
        Less is a cancellation of the difference (refunded); more is routed like an added
        line, and what it costs is said (to be paid by the customer)."""
        return self._oms_run_change(
            "quantities",
            key,
            source,
            lambda key: self._oms_apply_change_quantities(items, key, refund),
        )

    def _oms_add_lines(self, items, key=None, source=None):
        """Add ``(product, quantity[, uom[, line values]])`` lines to the confirmed order, at
        the order's pricelist unless the values say the price (a shop's line): routed like
        the rest, cost said."""
        return self._oms_run_change(
            "add_lines", key, source, lambda key: self._oms_apply_add_lines(items)
        )

    # ------------------------------------------------------------------
    # Address
    # ------------------------------------------------------------------
    def _oms_apply_change_address(self, address, key):
        self.ensure_one()
        if self.state == "cancel":
            self._oms_check_confirmed()
        partner = self._oms_delivery_address(address)
        if partner == self.partner_shipping_id:
            raise OrderChangeRefused(
                "nothing_to_change",
                self.env._("%s already ships to this address.", self.name),
            )
        if self.state == "sale" and self.oms_delivery_mode == "ship" and self.oms_decision_id:
            self._oms_check_carriers_serve(partner, self.oms_service_level)
        self._oms_check_nothing_left(self.env._("the delivery address"))
        kept = self.picking_ids.filtered(
            lambda p: (
                p.state not in ("done", "cancel")
                and p.oms_shipment_kind == "ship"
                and p._oms_chain_started()
            )
        )
        try:
            self.partner_shipping_id = partner
        except OrderChangeRefused:
            raise
        except UserError as error:  # a started delivery's carrier does not go there
            raise OrderChangeRefused("being_prepared", str(error.args[0])) from None
        summary = self.env._(
            "The delivery address is now %s.", partner._display_address(without_company=True)
        ).replace("\n", ", ")
        if kept:
            summary += " " + self.env._(
                "%s was already being prepared and still goes to the previous address.",
                ", ".join(kept.mapped("name")),
            )
        return summary, self.env["oms.refund.request"], {"event": "changed", "what": summary}

    def _oms_delivery_address(self, address):
        """The delivery contact for ``address``: a contact, or a child contact of the
        customer with these fields - the one it has already, else a new one."""
        if isinstance(address, models.BaseModel):
            return address
        if not isinstance(address, dict):
            raise OrderChangeRefused("invalid_address", self.env._("An address is needed."))
        intake = self.env["oms.intake"].sudo()
        try:
            vals = intake._address_vals(
                {key: address.get(key) or None for key in ADDRESS_KEYS}, "address", BatchCache()
            )
        except IntakeError as error:
            raise OrderChangeRefused("invalid_address", error.message) from None
        vals["name"] = vals["name"] or self.partner_id.name
        parent = self.partner_id.commercial_partner_id
        Partner = self.env["res.partner"].sudo()
        for child in Partner.search([("parent_id", "=", parent.id), ("type", "=", "delivery")]):
            if intake._address_key(child) == tuple(vals[f] for f in ADDRESS_FIELDS):
                return child.with_env(self.env)
        return Partner.create(dict(vals, parent_id=parent.id, type="delivery")).with_env(self.env)

    def _oms_check_carriers_serve(self, partner, level):
        router = self.env["oms.router"]
        carriers = (
            self.env["delivery.carrier"]
            .sudo()
            .search(
                [
                    ("oms_routing_enabled", "=", True),
                    ("company_id", "in", [False, self.company_id.id]),
                ]
            )
        )
        if level == "express":
            carriers = carriers.filtered(lambda c: c.oms_service_level == "express")
        if not any(router._carrier_serves(carrier, partner) for carrier in carriers):
            raise OrderChangeRefused(
                "no_carrier",
                self.env._(
                    "No %(level)s carrier delivers to %(place)s: the address cannot change to it.",
                    level=dict(self._fields["oms_service_level"]._description_selection(self.env))[
                        level
                    ].lower(),
                    place=" ".join(
                        part
                        for part in (partner.zip, partner.city, partner.country_id.name)
                        if part
                    ),
                ),
            )

    def _oms_check_nothing_left(self, what):
        if (
            self.state == "sale"
            and self.picking_ids
            and not self.picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))
            and self._oms_shipped_pickings()
        ):
            raise OrderChangeRefused(
                "already_shipped",
                self.env._(
                    "Everything of %(order)s has left: %(what)s can no longer change.",
                    order=self.name,
                    what=what,
                ),
            )

    # ------------------------------------------------------------------
    # Delivery mode
    # ------------------------------------------------------------------
    def _oms_apply_change_delivery_mode(self, mode, pickup_store, service_level, key, refund):
        self.ensure_one()
        self._oms_check_confirmed()
        if mode not in MODES:
            raise OrderChangeRefused(
                "invalid_mode", self.env._("A delivery mode is ship or pickup, not %s.", mode)
            )
        level = service_level or ("standard" if mode == "pickup" else self.oms_service_level)
        if level not in LEVELS:
            raise OrderChangeRefused(
                "invalid_mode",
                self.env._("A service level is standard or express, not %s.", level),
            )
        store = self._oms_pickup_store(pickup_store) if mode == "pickup" else None
        before = (self.oms_delivery_mode, self.oms_pickup_warehouse_id, self.oms_service_level)
        after = (mode, store or self.env["stock.warehouse"], level)
        if mode == "ship" and before[0] == "ship":
            after = (mode, before[1], level)
        if before == after:
            raise OrderChangeRefused(
                "nothing_to_change",
                self.env._("%s already ships this way.", self.name),
            )
        self._oms_check_nothing_left(self.env._("the delivery mode"))
        started = self._oms_started_open_pickings()
        if started:
            raise OrderChangeRefused("being_prepared", self._oms_started_message(started))
        if mode == "ship":
            if not self.partner_shipping_id.country_id:
                raise OrderChangeRefused(
                    "invalid_address",
                    self.env._("Home delivery needs an address with a country: change it first."),
                )
            self._oms_check_carriers_serve(self.partner_shipping_id, level)
        self.write(
            {
                "oms_delivery_mode": mode,
                "oms_pickup_warehouse_id": store.id if store else False,
                "oms_service_level": level,
            }
        )
        open_pickings = self.picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))
        self._oms_reroute(
            trigger="mode",
            pickings=open_pickings,
            changes=[
                {
                    "code": "mode_changed",
                    "mode": mode,
                    "level": level,
                    "node": store.id if store else False,
                    "user": self.env.user.name,
                }
            ],
        )
        summary = self._oms_mode_words()
        request = self.env["oms.refund.request"]
        if refund and mode == "pickup" and before[0] == "ship":
            shipping = self._oms_shipping_refundable()
            if shipping:
                request = self._oms_request_refund(
                    [], shipping=shipping, reason=summary, key=f"{key}:refund"
                )
        owed = self._oms_shipping_owed() if mode == "ship" else 0.0
        if owed:
            summary += " " + self.env._(
                "The customer owes %s more for shipping (not charged automatically).",
                format_amount(self.env, owed, self.currency_id),
            )
        return summary, request, {"event": "changed", "what": summary}

    def _oms_pickup_store(self, store):
        if isinstance(store, str):
            store = self.env["stock.warehouse"].search(
                [("code", "=", store), ("company_id", "=", self.company_id.id)], limit=1
            )
        if not store or not store.oms_pickup_point or not store.oms_routing_enabled:
            raise OrderChangeRefused(
                "invalid_store",
                self.env._(
                    "%s is not a store where customers collect orders.",
                    store.name if store else self.env._("That"),
                ),
            )
        if store.company_id != self.company_id:
            raise OrderChangeRefused(
                "invalid_store", self.env._("%s belongs to another company.", store.name)
            )
        return store

    def _oms_mode_words(self):
        if self.oms_delivery_mode == "pickup":
            return self.env._(
                "The order is now collected at %s.", self.oms_pickup_warehouse_id.name
            )
        if self.oms_service_level == "express":
            return self.env._("The order now ships by express delivery.")
        return self.env._("The order now ships by standard delivery.")

    def _oms_shipping_owed(self):
        """What the carriers now planned charge above the shipping the customer paid."""
        paid = sum(self._oms_shipping_lines().mapped("price_total")) or self.oms_shipping_price
        carriers = self.picking_ids.filtered(
            lambda p: p.state not in ("done", "cancel") and p.carrier_id
        ).carrier_id
        price = 0.0
        for carrier in carriers:
            rate = carrier.sudo().rate_shipment(self)
            price += rate.get("price", 0.0) if rate.get("success") else 0.0
        owed = self.currency_id.round(price - paid)
        return owed if self.currency_id.compare_amounts(owed, 0.0) > 0 else 0.0

    # ------------------------------------------------------------------
    # Quantities and lines
    # ------------------------------------------------------------------
    def _oms_apply_change_quantities(self, items, key, refund):
        self.ensure_one()
        self._oms_check_confirmed()
        lower, raise_ = {}, {}
        for item in items:
            line, quantity, uom = item if len(item) == 3 else (*item, None)
            self._oms_check_line(line)
            if quantity is None or float(quantity) < 0:
                raise OrderChangeRefused(
                    "invalid_quantity",
                    self.env._(
                        "A quantity cannot be below zero (%s).", line.product_id.display_name
                    ),
                )
            uom = uom or line.product_uom
            if uom.category_id != line.product_uom.category_id:
                self._oms_quantities_of([(line, quantity, uom)])  # says why
            new = uom._compute_quantity(float(quantity), line.product_uom, round=False)
            delta = new - line.product_uom_qty
            if float_is_zero(delta, precision_rounding=line.product_uom.rounding):
                continue
            if delta < 0:
                lower.update(self._oms_quantities_of([(line, -delta, line.product_uom)]))
            else:
                raise_[line] = self._oms_quantities_of([(line, delta, line.product_uom)])[line]
        if not lower and not raise_:
            raise OrderChangeRefused(
                "nothing_to_change", self.env._("The quantities are already these.")
            )
        request = self.env["oms.refund.request"]
        if lower:
            self._oms_check_cancellable(lower)
            if refund:
                request = self._oms_request_refund(
                    list(lower.items()), reason=self.env._("Quantity lowered"), key=f"{key}:refund"
                )
            self._oms_lower_lines(lower)
        owed = 0.0
        if raise_:
            self._oms_check_nothing_left(self.env._("the quantities"))
            owed = sum(line._oms_paid_amounts(delta)[1] for line, delta in raise_.items())
            locked = self.locked
            if locked:
                self.action_unlock()
            for line, delta in raise_.items():
                line.product_uom_qty = line.product_uom_qty + delta
            if locked:
                self.action_lock()
        words = ", ".join(
            self.env._(
                "%(product)s: %(qty)s %(unit)s",
                product=line.product_id.display_name,
                qty=f"{line.product_uom_qty:g}",
                unit=line.product_uom.name,
            )
            for line in (*lower, *raise_)
        )
        summary = self.env._("Quantities now: %s.", words)
        if owed:
            summary += " " + self.env._(
                "The customer owes %s for the added units (not charged automatically).",
                format_amount(self.env, owed, self.currency_id),
            )
        return summary, request, {"event": "changed", "what": summary}

    def _oms_apply_add_lines(self, items):
        self.ensure_one()
        self._oms_check_confirmed()
        self._oms_check_nothing_left(self.env._("the order's lines"))
        commands = []
        for item in items:
            product, quantity, uom, extra = (*item, None, None, None)[:4]
            uom = uom or product.uom_id
            if not product.sale_ok or product.company_id not in (
                self.company_id,
                product.company_id.browse(),
            ):
                raise OrderChangeRefused(
                    "unknown_product",
                    self.env._("%s cannot be sold on this order.", product.display_name),
                )
            if float_compare(float(quantity or 0.0), 0.0, precision_rounding=uom.rounding) <= 0:
                raise OrderChangeRefused(
                    "invalid_quantity",
                    self.env._(
                        "A quantity to add must be more than zero (%s).", product.display_name
                    ),
                )
            commands.append(
                Command.create(
                    {
                        "product_id": product.id,
                        "product_uom_qty": float(quantity),
                        "product_uom": uom.id,
                        **(extra or {}),
                    }
                )
            )
        if not commands:
            raise OrderChangeRefused("nothing_to_change", self.env._("Say what to add."))
        locked = self.locked
        if locked:
            self.action_unlock()
        before = self.order_line
        self.write({"order_line": commands})
        added = self.order_line - before
        if locked:
            self.action_lock()
        owed = sum(added.mapped("price_total"))
        summary = self.env._(
            "Added: %(items)s. The customer owes %(amount)s for them (not charged automatically).",
            items=", ".join(
                f"{line.product_uom_qty:g} {line.product_uom.name} x {line.product_id.display_name}"
                for line in added
            ),
            amount=format_amount(self.env, owed, self.currency_id),
        )
        return summary, self.env["oms.refund.request"], {"event": "changed", "what": summary}


ADDRESS_KEYS = ("name", "street", "street2", "city", "zip", "country_code", "state_code", "phone")
