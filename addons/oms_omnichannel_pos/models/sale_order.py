# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup
from odoo import api, fields, models
from odoo.tools import float_compare


class SaleOrder(models.Model):
    _inherit = "sale.order"

    oms_store_order_ids = fields.One2many(
        "oms.store.order", "sale_order_id", string="Store Work", readonly=True
    )
    oms_store_order_count = fields.Integer(compute="_compute_oms_store_order_count")
    oms_pos_request_key = fields.Char(
        string="Till Request",
        copy=False,
        index="btree_not_null",
        help="Sold at a till for delivery elsewhere (endless aisle): the till's key, so a "
        "repeated request makes no second order.",
    )

    _sql_constraints = [
        (
            "oms_pos_request_key_unique",
            "unique(oms_pos_request_key)",
            "A till's request makes one order.",
        ),
    ]

    @api.depends("oms_store_order_ids")
    def _compute_oms_store_order_count(self):
        for order in self:
            order.oms_store_order_count = len(order.oms_store_order_ids)

    def action_oms_view_store_orders(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "oms_omnichannel_pos.oms_store_order_action"
        )
        action["domain"] = [("sale_order_id", "=", self.id)]
        action["context"] = {"search_default_open": 0}
        return action

    # ------------------------------------------------------------------ what the store sees

    def _oms_amount_due_in_store(self):
        """What the customer still pays at the till: nothing for an order paid (or
        authorised) online, else what pos_sale says is unpaid."""
        self.ensure_one()
        if self.state == "cancel" or self.oms_payment_status in ("paid", "authorized"):
            return 0.0
        return max(self.amount_unpaid, 0.0)

    def _oms_is_store_reservation(self):
        """A click & collect order the customer pays in store: made with a "reserve, pay
        in store" payment method of its channel, or a checkout pickup hold that was not
        paid online."""
        self.ensure_one()
        if self.oms_delivery_mode != "pickup":
            return False
        if self.oms_payment_status in ("paid", "authorized"):
            return False
        methods = self.oms_channel_id._oms_pay_in_store_methods()
        if self.oms_payment_method and self.oms_payment_method.strip().lower() in methods:
            return True
        return bool(self.oms_reservation_id)

    def _oms_paid_at_till(self, pos_orders):
        """``pos_orders`` took the payment of these orders: fully paid ones say so (the
        store then hands them over; the shop's status follows the order)."""
        for order in self:
            if order.state == "cancel" or order.oms_payment_status == "paid":
                continue
            if float_compare(order.amount_unpaid, 0.0, precision_rounding=order.currency_id.rounding) > 0:
                continue
            order.write(
                {
                    "oms_payment_status": "paid",
                    "oms_payment_method": order.oms_payment_method or "pos",
                }
            )
            order._message_log(
                body=self.env._(
                    "Paid at the till: %(receipts)s.",
                    receipts=", ".join(
                        pos_orders.filtered(
                            lambda p, order=order: order in p.lines.sale_order_origin_id
                        ).mapped("name")
                    ),
                )
            )
        self.oms_store_order_ids.filtered(lambda so: so.state in ("new", "accepted", "ready"))._oms_notify_pos()

    def _oms_store_open_nodes(self):
        """The nodes the order's open deliveries leave from now."""
        self.ensure_one()
        return self.picking_ids.filtered(
            lambda p: p.picking_type_code == "outgoing" and p.state not in ("done", "cancel")
        ).picking_type_id.warehouse_id

    # ------------------------------------------------------------------ history and news

    def _oms_store_record(self, trigger, changes):
        """A row in the order's routing history (and chatter) for a store step that moves
        no goods: the shop is not told again of shipments that did not change."""
        return self.with_context(oms_store_step=True)._oms_record_change(trigger, changes)

    def _oms_enqueue(self, topic, **extra):
        if topic == "order.accepted" and self.env.context.get("oms_store_step"):
            return
        return super()._oms_enqueue(topic, **extra)

    def _oms_store_event_label(self, event):
        labels = {
            "ready_for_pickup": self.env._("ready for pickup"),
            "pickup_reminder": self.env._("reminder: waiting for pickup"),
            "reservation_expiring": self.env._("the reservation ends soon"),
            "delayed": self.env._("the delivery date moved"),
            "cancelled": self.env._("the order is cancelled"),
        }
        return labels.get(event, event)

    def _oms_store_refuse_lines(self, quantities, note=""):
        """The customer refused ``quantities`` (``{sale line: quantity}``, the line's unit)
        at the hand-over: they come off the order, and what the customer paid for them online
        is refunded.

        With the core's order changes (``_oms_cancel_lines``, ``_oms_request_refund``) those
        do it; until then the lines are lowered here and a to-do asks customer service to
        refund what was paid online."""
        self.ensure_one()
        cancel_lines = getattr(self, "_oms_cancel_lines", None)
        if cancel_lines is not None:
            return cancel_lines(quantities, reason=note or "refused_at_pickup")
        refund = 0.0
        for line, quantity in quantities.items():
            refund += line.price_reduce_taxinc * quantity
            new_quantity = max(line.product_uom_qty - quantity, line.qty_delivered)
            if float_compare(new_quantity, line.product_uom_qty, precision_rounding=line.product_uom.rounding):
                line.product_uom_qty = new_quantity
        if self.oms_payment_status in ("paid", "authorized") and refund:
            request_refund = getattr(self, "_oms_request_refund", None)
            if request_refund is not None:
                return request_refund(quantities, reason=note or "refused_at_pickup")
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._("Refund items refused at pickup"),
                note=self.env._(
                    "The customer refused %(items)s at the hand-over: refund %(amount)s in the "
                    "shop they paid in.",
                    items=", ".join(
                        f"{qty:g} × {line.product_id.display_name}"
                        for line, qty in quantities.items()
                    ),
                    amount=self.currency_id.format(refund),
                ),
                user_id=self._oms_responsible_user().id,
            )
        return True
