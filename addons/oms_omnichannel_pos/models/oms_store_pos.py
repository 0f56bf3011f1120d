# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The doors the store's POS calls: one per step a store takes.

Each door checks who calls (store staff of that store, or customer service), then works in
sudo - the steps touch other nodes' deliveries, the stock and the routing history, which the
store's people may not write themselves. A door that changes something takes the till's
idempotency ``key``: the same call sent again (a till that was offline, a network retry)
gets the first answer and changes nothing. The store order's row is locked first, so of two
tills acting on one order at the same time exactly one wins; the other (Odoo retries its
transaction after the conflict) is told why, in words. Refusals are answers
(``{"ok": False, "message": ...}``), not errors, so a till's queue of offline calls never
sticks on one.
"""

from odoo import api, models
from odoo.exceptions import AccessError, UserError

from ..exceptions import StoreRefusal
from .oms_endless_aisle import _one_line

STORE_STAFF = "oms_omnichannel.group_oms_store_staff"
CUSTOMER_SERVICE = "oms_omnichannel.group_oms_customer_service"


class OmsStorePos(models.AbstractModel):
    _name = "oms.store.pos"
    _description = "Store Orders: POS Doors"

    # ------------------------------------------------------------------ doors: the queue

    @api.model
    def accept(self, store_order_id, key=None, config_id=None):
        """The store takes the order."""
        return self._door(
            store_order_id,
            key,
            config_id,
            lambda so, config: self.env["oms.store.fulfilment"].sudo()._accept(so, config),
            lambda so: self.env._("%(order)s is yours: pick it next.", order=so.name),
        )

    @api.model
    def reject(self, store_order_id, reason_id, note="", key=None, config_id=None):
        """The store will not fulfil the order, for ``reason_id``."""
        reason = self._reason(reason_id)
        return self._door(
            store_order_id,
            key,
            config_id,
            lambda so, config: self.env["oms.store.fulfilment"].sudo()._reject(
                so, reason, note or "", config
            ),
            lambda so: self._rejected_message(so),
        )

    @api.model
    def lines(self, store_order_id):
        """What to pick, pack or hand over, and the choices of the pack dialog."""
        store_order = self._store_order(store_order_id)
        store_order = store_order.sudo()
        picking = store_order.picking_id
        carriers = self.env["delivery.carrier"].sudo().search(
            [("company_id", "in", (store_order.company_id.id, False))], order="name"
        )
        package_types = self.env["stock.package.type"].sudo().search(
            [("company_id", "in", (store_order.company_id.id, False))], order="sequence, name"
        )
        return {
            "store_order_id": store_order.id,
            "lines": self.env["oms.store.packing"].sudo()._lines(store_order),
            "carrier_id": picking.carrier_id.id or False,
            "carriers": [{"id": c.id, "name": c.name} for c in carriers],
            "package_types": [{"id": p.id, "name": p.name} for p in package_types],
            "customer_email": store_order.partner_id.email or "",
            "delivery_address": _one_line(store_order.sale_order_id.partner_shipping_id.contact_address),
        }

    @api.model
    def pack(
        self,
        store_order_id,
        picked,
        reason_id=None,
        package_type_id=None,
        carrier_id=None,
        tracking_ref="",
        key=None,
        config_id=None,
    ):
        """What the store picked (``picked``: ``{move id: quantity}``); shipped orders are
        packed and their delivery validated, collected ones go on the pickup shelf."""
        quantities = self._quantities(picked)
        reason = self._reason(reason_id) if reason_id else None
        package_type = self.env["stock.package.type"].sudo().browse(package_type_id or []).exists()
        carrier = self.env["delivery.carrier"].sudo().browse(carrier_id or []).exists()
        return self._door(
            store_order_id,
            key,
            config_id,
            lambda so, config: self.env["oms.store.packing"].sudo()._pack(
                so, quantities, reason, package_type, carrier, (tracking_ref or "").strip(), config
            ),
            lambda so: self._packed_message(so),
        )

    # ------------------------------------------------------------------ doors: the counter

    @api.model
    def find(self, config_id, query):
        """Open orders of the till's store matching a scanned or typed code, a customer's
        name or phone: ``{"ok", "ids", "message"}``."""
        config = self._till(config_id)
        try:
            found = self.env["oms.store.handover"].sudo()._find(config.oms_warehouse_id, query)
        except StoreRefusal as refusal:
            return {"ok": False, "ids": [], "message": refusal.args[0]}
        return {"ok": True, "ids": found.ids, "message": ""}

    @api.model
    def handover(self, store_order_id, collected_by, collected=None, note="", key=None, config_id=None):
        """The customer takes the order (``collected``: ``{move id: quantity}`` when they
        refuse part of it)."""
        quantities = self._quantities(collected) if collected is not None else None
        return self._door(
            store_order_id,
            key,
            config_id,
            lambda so, config: self.env["oms.store.handover"].sudo()._handover(
                so, collected_by, quantities, note or "", config
            ),
            lambda so: self.env._(
                "%(order)s was handed over to %(who)s.", order=so.name, who=so.collected_by
            ),
        )

    @api.model
    def resend_ready(self, store_order_id, key=None, config_id=None):
        """Tell the customer again that the order waits for them."""
        return self._door(
            store_order_id,
            key,
            config_id,
            lambda so, config: self.env["oms.store.handover"].sudo()._resend_ready(so, config),
            lambda so: self.env._(
                "%(customer)s was told again that %(order)s is ready.",
                customer=so.customer_name,
                order=so.name,
            ),
        )

    @api.model
    def back_on_shelf(self, store_order_id, key=None, config_id=None):
        """The goods of a released reservation are back on the sales floor."""
        return self._door(
            store_order_id,
            key,
            config_id,
            lambda so, config: self._back_on_shelf(so, config),
            lambda so: self.env._("Thank you: %(order)s is off the list.", order=so.name),
        )

    def _back_on_shelf(self, store_order, config):
        if store_order.state != "released":
            raise StoreRefusal(store_order._oms_why_not_open())
        return self.env["oms.store.reservation"].sudo()._back_on_shelf(store_order, config)

    # ------------------------------------------------------------------ doors: endless aisle

    @api.model
    def availability(self, config_id, product_id, quantity=1, partner_id=None):
        """Where the network has the product and when it would arrive."""
        config = self._till(config_id)
        product = self.env["product.product"].sudo().browse(product_id).exists()
        if not product:
            raise UserError(self.env._("This product no longer exists."))
        partner = self._customer(partner_id)
        return self.env["oms.endless.aisle"].sudo()._availability(
            config.sudo(), product, quantity, partner.sudo()
        )

    @api.model
    def sell_elsewhere(self, config_id, partner_id, lines, mode, pickup_warehouse_id=None, key=None):
        """A quotation for the customer, delivered home or at another store, that the till
        then settles (``lines``: ``[[product id, quantity], ...]``)."""
        config = self._till(config_id)
        partner = self._customer(partner_id)
        products = self.env["product.product"].sudo()
        order_lines = []
        for product_id, quantity in lines or ():
            product = products.browse(int(product_id)).exists()
            if not product or float(quantity) <= 0:
                raise UserError(self.env._("A line to sell needs a product and a quantity."))
            order_lines.append((product, float(quantity)))
        pickup = self.env["stock.warehouse"].sudo().browse(pickup_warehouse_id or []).exists()
        try:
            order = self.env["oms.endless.aisle"].sudo()._create_order(
                config.sudo(), partner.sudo(), order_lines, mode, pickup, key
            )
        except StoreRefusal as refusal:
            return {"ok": False, "message": refusal.args[0]}
        return {
            "ok": True,
            "sale_order_id": order.id,
            "name": order.name,
            "message": self.env._("%(order)s is ready to be paid.", order=order.name),
        }

    # ------------------------------------------------------------------ the door itself

    @api.model
    def _door(self, store_order_id, key, config_id, step_of, message_of):
        store_order = self._store_order(store_order_id)
        config = self._till(config_id, store_order.warehouse_id) if config_id else None
        store_order._oms_lock()
        previous = self.env["oms.store.order.step"]._answer_of(key)
        if previous is not None:
            return dict(previous, replayed=True)
        try:
            with self.env.cr.savepoint():
                step = step_of(store_order.sudo(), config and config.sudo())
        except UserError as refusal:
            if isinstance(refusal, AccessError):
                raise
            store_order.invalidate_recordset()
            answer = self._answer(store_order, False, refusal.args[0])
            store_order._oms_log_step(
                "refused_call",
                note=refusal.args[0],
                key=key or False,
                answer=answer,
                pos_config_id=config.id if config else False,
            )
            return answer
        answer = self._answer(store_order, True, message_of(store_order.sudo()))
        if key:
            step = step or store_order._oms_log_step("refused_call")
            step[:1].sudo().write({"key": key, "answer": answer})
        return answer

    @api.model
    def _answer(self, store_order, ok, message):
        return {
            "ok": ok,
            "message": message,
            "store_order_id": store_order.id,
            "state": store_order.sudo().state,
            "ids": (store_order | store_order.sudo().primary_id | store_order.sudo().offer_ids).ids,
        }

    @api.model
    def _store_order(self, store_order_id):
        """The store order, if the caller may act on it; else an AccessError."""
        store_order = self.env["oms.store.order"].browse(int(store_order_id or 0))
        if not store_order.sudo().exists():
            raise UserError(self.env._("This store order does not exist (any more)."))
        self._check_store(store_order.sudo().warehouse_id)
        store_order.check_access("read")
        return store_order

    @api.model
    def _till(self, config_id, store=None):
        config = self.env["pos.config"].sudo().browse(int(config_id or 0)).exists()
        if not config:
            raise UserError(self.env._("This point of sale does not exist (any more)."))
        self._check_store(config.oms_warehouse_id)
        if store and config.oms_warehouse_id != store:
            raise AccessError(
                self.env._(
                    "%(till)s belongs to %(its_store)s: it cannot act on an order of %(store)s.",
                    till=config.name,
                    its_store=config.oms_warehouse_id.name or self.env._("no store"),
                    store=store.name,
                )
            )
        return config

    @api.model
    def _check_store(self, store):
        """Store staff act on their stores' orders only; customer service on every store of
        their companies; nobody else."""
        if self.env.su:
            return
        user = self.env.user
        if (
            user.share
            or not user.has_group(STORE_STAFF)
            or not store
            or store.company_id not in user.company_ids
        ):
            raise AccessError(
                self.env._("Only store staff may work on store orders from the point of sale.")
            )
        if user.has_group(CUSTOMER_SERVICE):
            return
        if store not in user.sudo().oms_warehouse_ids:
            raise AccessError(
                self.env._(
                    "You do not work for %(store)s: ask an OMS manager to add it to your Stores.",
                    store=store.name,
                )
            )

    @api.model
    def _customer(self, partner_id):
        """The customer the till chose, if the caller may sell to them: one they can see (a
        customer of their stores), one their till created, or one who bought at their
        stores' tills."""
        partner = self.env["res.partner"].browse(int(partner_id or 0)).exists()
        if not partner or self.env.su or partner.has_access("read"):
            return partner
        user = self.env.user
        known = partner.sudo().create_uid == user or self.env["pos.order"].sudo().search_count(
            [
                ("partner_id", "=", partner.id),
                ("config_id.oms_warehouse_id", "in", user.sudo().oms_warehouse_ids.ids),
            ],
            limit=1,
        )
        if not known:
            raise AccessError(
                self.env._("This customer is not one of your stores' customers.")
            )
        return partner

    @api.model
    def _reason(self, reason_id):
        reason = self.env["oms.store.reject.reason"].browse(int(reason_id or 0)).exists()
        if not reason:
            raise UserError(self.env._("Choose why (the list of reasons)."))
        return reason

    @api.model
    def _quantities(self, picked):
        """``{move id: quantity}`` from what JSON brings (string keys, or pairs)."""
        if isinstance(picked, dict):
            pairs = picked.items()
        else:
            pairs = picked or ()
        try:
            return {int(move_id): float(quantity) for move_id, quantity in pairs}
        except (TypeError, ValueError) as error:
            raise UserError(self.env._("The picked quantities cannot be read.")) from error

    # ------------------------------------------------------------------ messages

    @api.model
    def _rejected_message(self, store_order):
        if store_order.primary_id:
            return self.env._("%(order)s stays with %(store)s.", order=store_order.name, store=store_order.primary_id.warehouse_id.name)
        nodes = store_order.sale_order_id._oms_store_open_nodes()
        if nodes:
            return self.env._(
                "%(order)s was rejected: it now goes from %(nodes)s.",
                order=store_order.name,
                nodes=", ".join(nodes.mapped("name")),
            )
        return self.env._(
            "%(order)s was rejected: customer service decides what happens next.",
            order=store_order.name,
        )

    @api.model
    def _packed_message(self, store_order):
        if store_order.kind == "ship":
            picking = store_order.picking_id
            if picking.carrier_tracking_ref:
                return self.env._(
                    "%(order)s was shipped with %(carrier)s, tracking number %(tracking)s.",
                    order=store_order.name,
                    carrier=picking.carrier_id.name or self.env._("no carrier"),
                    tracking=picking.carrier_tracking_ref,
                )
            return self.env._(
                "%(order)s was shipped with %(carrier)s.",
                order=store_order.name,
                carrier=picking.carrier_id.name or self.env._("no carrier"),
            )
        if store_order.state == "ready":
            return self.env._(
                "%(order)s is on the pickup shelf: the customer was told.", order=store_order.name
            )
        return self.env._(
            "%(order)s is picked; the rest is on its way to your store.", order=store_order.name
        )

