# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Customer service's one "Change order" wizard.

It shows what can still change (and why not), what a change costs (the refund, the new
shipping) and the new promise before anything is applied - a preview computed without
writing (``sale.order._oms_preview_replan``) - then applies the change through the order's
own operation, the one the API, the MCP server and the shops' updates use too.
"""

from markupsafe import Markup
from odoo import Command, api, fields, models
from odoo.tools import float_compare, float_is_zero, format_amount, format_date

from ..models.oms_order_change import OrderChangeRefused

OPERATIONS = [
    ("cancel", "Cancel the whole order"),
    ("lines", "Cancel or change quantities, add products"),
    ("address", "Change the delivery address"),
    ("delivery_mode", "Change the delivery mode"),
]


class OmsOrderChangeWizard(models.TransientModel):
    _name = "oms.order.change.wizard"
    _description = "Change Order"

    sale_order_id = fields.Many2one("sale.order", string="Order", required=True, readonly=True)
    company_id = fields.Many2one(related="sale_order_id.company_id")
    currency_id = fields.Many2one(related="sale_order_id.currency_id")
    operation = fields.Selection(OPERATIONS, string="Change", required=True, default="lines")
    reason = fields.Char(help="Why, in the customer's words: on the refund and the chatter.")
    options_html = fields.Html(
        string="What Can Still Change", compute="_compute_options_html", sanitize=False
    )
    line_ids = fields.One2many("oms.order.change.wizard.line", "wizard_id", string="Lines")
    # Address
    street = fields.Char()
    street2 = fields.Char()
    zip = fields.Char(string="Postal Code")
    city = fields.Char()
    country_id = fields.Many2one("res.country")
    # Delivery mode
    delivery_mode = fields.Selection(
        [("ship", "Ship to address"), ("pickup", "Collect in store")], default="ship"
    )
    pickup_warehouse_id = fields.Many2one(
        "stock.warehouse",
        string="Pickup Store",
        domain="[('oms_pickup_point', '=', True), ('company_id', '=', company_id)]",
    )
    service_level = fields.Selection(
        [("standard", "Standard"), ("express", "Express")], default="standard"
    )
    preview_html = fields.Html(string="If Applied", compute="_compute_preview_html", sanitize=False)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        order = self.env["sale.order"].browse(
            values.get("sale_order_id") or self.env.context.get("active_id")
        )
        if order:
            values["sale_order_id"] = order.id
            values["delivery_mode"] = order.oms_delivery_mode
            values["pickup_warehouse_id"] = order.oms_pickup_warehouse_id.id
            values["service_level"] = order.oms_service_level
            address = order.partner_shipping_id
            values.update(
                street=address.street,
                street2=address.street2,
                zip=address.zip,
                city=address.city,
                country_id=address.country_id.id,
            )
            values["line_ids"] = [
                Command.create({"sale_line_id": line.id, "new_quantity": line.product_uom_qty})
                for line in order._oms_product_lines()
            ]
        return values

    # ------------------------------------------------------------------ what can change

    @api.depends("sale_order_id")
    def _compute_options_html(self):
        for wizard in self:
            order = wizard.sale_order_id
            if not order:
                wizard.options_html = False
                continue
            options = order._oms_cs_options()
            rows = []
            cancel = options["cancel"]
            if cancel["whole_order"]:
                rows.append(self.env._("The whole order can still be cancelled."))
            elif cancel["possible"]:
                rows.append(self.env._("Some lines can still be cancelled (see the lines)."))
            else:
                rows.append(
                    self.env._(
                        "Nothing can be cancelled: %s",
                        cancel["why_not"] or self.env._("it is being prepared."),
                    )
                )
            for key, label in (
                ("change_address", self.env._("The delivery address")),
                ("change_delivery_mode", self.env._("The delivery mode")),
            ):
                option = options[key]
                rows.append(
                    self.env._("%s can change.", label)
                    if option["possible"]
                    else self.env._(
                        "%(what)s cannot change: %(why)s", what=label, why=option["why_not"]
                    )
                )
            wizard.options_html = Markup("<ul>%s</ul>") % Markup("").join(
                Markup("<li>%s</li>") % row for row in rows
            )

    # ------------------------------------------------------------------ preview

    @api.depends(
        "operation",
        "line_ids.new_quantity",
        "line_ids.product_id",
        "street",
        "street2",
        "zip",
        "city",
        "country_id",
        "delivery_mode",
        "pickup_warehouse_id",
        "service_level",
    )
    def _compute_preview_html(self):
        for wizard in self:
            order = wizard.sale_order_id
            if not order:
                wizard.preview_html = False
                continue
            paragraphs = wizard._preview_paragraphs()
            wizard.preview_html = Markup("").join(Markup("<p>%s</p>") % p for p in paragraphs)

    def _preview_paragraphs(self):
        order = self.sale_order_id
        money = order.currency_id
        words = []
        refund = 0.0
        values, quantities = {}, {}
        if self.operation == "cancel":
            refund = (
                sum(
                    line._oms_paid_amounts(line._oms_refundable_quantity())[1]
                    for line in order._oms_product_lines()
                )
                + order._oms_shipping_refundable()
            )
            words.append(self.env._("The whole order is cancelled; nothing ships."))
        elif self.operation == "lines":
            owed = 0.0
            for wline in self.line_ids:
                line = wline.sale_line_id
                delta = wline.new_quantity - (line.product_uom_qty if line else 0.0)
                if line and delta < 0:
                    refund += line._oms_paid_amounts(-delta)[1]
                elif line and delta > 0:
                    owed += line._oms_paid_amounts(delta)[1]
                elif not line and wline.product_id and wline.new_quantity > 0:
                    owed += wline.product_id.lst_price * wline.new_quantity
                if line:
                    quantities[line] = wline.new_quantity
            if owed:
                words.append(
                    self.env._(
                        "The customer owes %s for the added units (not charged automatically).",
                        format_amount(self.env, owed, money),
                    )
                )
        elif self.operation == "address":
            values["partner_shipping_id"] = self.env["res.partner"].new(
                {
                    "name": order.partner_shipping_id.name,
                    "street": self.street,
                    "street2": self.street2,
                    "zip": self.zip,
                    "city": self.city,
                    "country_id": self.country_id.id,
                }
            )
        elif self.operation == "delivery_mode":
            values.update(
                oms_delivery_mode=self.delivery_mode,
                oms_pickup_warehouse_id=self.pickup_warehouse_id
                if self.delivery_mode == "pickup"
                else self.env["stock.warehouse"],
                oms_service_level=self.service_level
                if self.delivery_mode == "ship"
                else "standard",
            )
            if self.delivery_mode == "pickup" and order.oms_delivery_mode == "ship":
                refund += order._oms_shipping_refundable()
        if refund:
            words.append(
                self.env._(
                    "%s goes back to the customer, the way they paid.",
                    format_amount(self.env, refund, money),
                )
            )
        if self.operation != "cancel":
            words += self._promise_paragraphs(values, quantities)
        return words

    def _promise_paragraphs(self, values, quantities):
        order = self.sale_order_id
        preview = order._oms_preview_replan(values, quantities)
        if preview is None:
            return [
                self.env._(
                    "No new plan can be shown (nothing left to plan, or routing is "
                    "off for this order)."
                )
            ]
        plan, by_node = preview
        words = []
        for shipment in plan.shipments:
            node = by_node.get(shipment.node)
            carrier = self.env["oms.router"]._carrier_of(shipment)
            words.append(
                self.env._(
                    "%(items)s from %(node)s%(carrier)s, by %(date)s.",
                    items=", ".join(f"{line.quantity} x {line.sku}" for line in shipment.lines),
                    node=node.name if node else shipment.node,
                    carrier=self.env._(" with %s", carrier.name) if carrier else "",
                    date=format_date(self.env, shipment.promised_date),
                )
            )
        if plan.unfulfilled:
            words.append(
                self.env._(
                    "Nobody could ship %s now.",
                    ", ".join(f"{u.quantity} x {u.sku}" for u in plan.unfulfilled),
                )
            )
        if plan.promised_date:
            words.append(self.env._("New promise: %s.", format_date(self.env, plan.promised_date)))
        return words

    # ------------------------------------------------------------------ apply

    def action_apply(self):
        self.ensure_one()
        order = self.sale_order_id
        source = {"kind": "back_office", "client": self.env.user.name}
        answer = self._apply(order, source)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Order changed"),
                "message": f"{answer['summary']} {answer['promise']}",
                "type": "success",
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _apply(self, order, source):
        if self.operation == "cancel":
            return order._oms_cancel_order(reason=self.reason, source=source)
        if self.operation == "address":
            return order._oms_change_address(
                {
                    "name": order.partner_shipping_id.name,
                    "street": self.street,
                    "street2": self.street2,
                    "zip": self.zip,
                    "city": self.city,
                    "country_code": self.country_id.code,
                },
                source=source,
            )
        if self.operation == "delivery_mode":
            return order._oms_change_delivery_mode(
                self.delivery_mode,
                pickup_store=self.pickup_warehouse_id or None,
                service_level=self.service_level if self.delivery_mode == "ship" else None,
                source=source,
            )
        return self._apply_lines(order, source)

    def _apply_lines(self, order, source):
        lower, change, added = [], [], []
        for wline in self.line_ids:
            line = wline.sale_line_id
            if not line:
                if wline.product_id and not float_is_zero(wline.new_quantity, 6):
                    added.append((wline.product_id, wline.new_quantity))
                continue
            rounding = line.product_uom.rounding
            if (
                float_compare(wline.new_quantity, line.product_uom_qty, precision_rounding=rounding)
                < 0
            ):
                lower.append((line, line.product_uom_qty - wline.new_quantity))
            elif (
                float_compare(wline.new_quantity, line.product_uom_qty, precision_rounding=rounding)
                > 0
            ):
                change.append((line, wline.new_quantity))
        answer = None
        if lower:
            answer = order._oms_cancel_lines(lower, reason=self.reason, source=source)
        if change and order.state == "sale":
            answer = order._oms_change_quantities(change, source=source)
        if added and order.state == "sale":
            answer = order._oms_add_lines(added, source=source)
        if answer is None:
            raise OrderChangeRefused("nothing_to_change", self.env._("Nothing was changed."))
        return answer
