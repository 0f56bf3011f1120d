# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A return: what a customer sends back (or brings to a store), and what became of it.

``oms.return`` is the OMS's return authorisation: lines with product, quantity, reason and
condition; where each item goes (``oms.return.router``, the engine's return routing); the
receipts, transfers and disposition moves in Odoo's stock; the money back through the channel
(``oms_return_money.py``). Created by one method for every door (``_oms_create_return``):
the back office wizard, the shop's return and refund webhooks, the customer-service API and
MCP tool, the till. Keyed by an idempotency key: the same key returns the same return.

The state follows the goods and then the money, and moves forward by itself as far as the
facts allow (``_oms_advance``): requested -> received (every parcel arrived) -> inspected
(every item graded and its outcome decided) -> refunded (money back or exchange sent) ->
closed (every stock move done). ``review`` waits for a person, ``refused`` and ``cancelled``
end it.
"""

import uuid
from datetime import timedelta

from markupsafe import Markup
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import float_compare, float_is_zero, format_amount, format_date

STATES = [
    ("review", "Waiting for a decision"),
    ("requested", "Requested"),
    ("received", "Received"),
    ("inspected", "Inspected"),
    ("refunded", "Refunded"),
    ("closed", "Closed"),
    ("refused", "Refused"),
    ("cancelled", "Cancelled"),
]
KINDS = [("mail", "By mail"), ("store", "In a store")]
SOURCES = [
    ("back_office", "Back office"),
    ("shop", "The shop"),
    ("api", "Customer-service API"),
    ("mcp", "AI agent (MCP)"),
    ("pos", "Till"),
]
RESOLUTIONS = [("refund", "Refund"), ("exchange", "Exchange")]
REFUND_METHODS = [
    ("original", "To the original payment"),
    ("cash", "Cash at the till"),
]
OPEN_STATES = ("review", "requested", "received", "inspected", "refunded", "closed")
RETURN_READERS = "oms_omnichannel.group_oms_store_staff"


class ReturnRefused(UserError):
    """A return the OMS does not take. ``code`` is stable (doors answer it), the message says
    why in words; nothing was changed."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


class OmsReturn(models.Model):
    _name = "oms.return"
    _description = "Return"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(default="/", readonly=True, copy=False, index="trigram")
    key = fields.Char(
        readonly=True,
        copy=False,
        index=True,
        help="Idempotency key: the same key (a shop's return id, an API call) never makes a "
        "second return.",
    )
    sale_order_id = fields.Many2one(
        "sale.order",
        string="Order",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    partner_id = fields.Many2one(related="sale_order_id.partner_id", string="Customer", store=True)
    company_id = fields.Many2one(related="sale_order_id.company_id", store=True, index=True)
    channel_id = fields.Many2one(related="sale_order_id.oms_channel_id", store=True)
    currency_id = fields.Many2one(related="sale_order_id.currency_id")
    kind = fields.Selection(KINDS, required=True, default="mail", readonly=True, tracking=True)
    store_id = fields.Many2one(
        "stock.warehouse",
        readonly=True,
        check_company=True,
        help="The store the customer brought the goods to.",
    )
    source = fields.Selection(SOURCES, required=True, default="back_office", readonly=True)
    client = fields.Char(readonly=True, help="Who asked: the API client, the shop, the user.")
    external_return_id = fields.Char(string="Shop Return ID", readonly=True, copy=False)
    state = fields.Selection(
        STATES, required=True, default="requested", readonly=True, tracking=True, index=True
    )
    resolution = fields.Selection(RESOLUTIONS, required=True, default="refund", readonly=True)
    refund_method = fields.Selection(
        REFUND_METHODS, required=True, default="original", readonly=True
    )
    note = fields.Text(help="What the customer said.")
    review_reason = fields.Text(
        readonly=True, help="Why the return is outside the channel's rules."
    )
    refusal_reason = fields.Text(readonly=True)
    line_ids = fields.One2many("oms.return.line", "return_id", string="Lines")
    decision_ids = fields.One2many("oms.return.decision", "return_id", string="Decisions")
    picking_ids = fields.One2many("stock.picking", "oms_return_id", string="Transfers")
    picking_count = fields.Integer(compute="_compute_picking_count")
    label_ids = fields.One2many("oms.label.request", "oms_return_id", string="Labels")
    refund_request_ids = fields.Many2many(
        "oms.refund.request", string="Refunds", readonly=True, copy=False
    )
    refund_done = fields.Boolean(
        string="Money Back", readonly=True, copy=False, help="The customer's money went back."
    )
    refund_amount = fields.Monetary(
        compute="_compute_amounts", store=True, help="What the customer gets back."
    )
    fee_amount = fields.Monetary(
        string="Fees",
        compute="_compute_amounts",
        store=True,
        help="Restocking and label fees kept from the refund.",
    )
    credit_note_id = fields.Many2one("account.move", readonly=True, copy=False, check_company=True)
    exchange_order_id = fields.Many2one("sale.order", readonly=True, copy=False, check_company=True)
    recovered_value = fields.Monetary(compute="_compute_amounts", store=True)
    return_cost = fields.Monetary(
        string="Cost of the Return",
        compute="_compute_amounts",
        store=True,
        help="Labels, handling and transfers.",
    )

    _sql_constraints = [("key_uniq", "unique(key)", "A return key is used once.")]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("oms.return") or "/"
        return super().create(vals_list)

    def _compute_picking_count(self):
        for ret in self:
            ret.picking_count = len(ret.picking_ids)

    @api.depends(
        "line_ids.refund_amount",
        "line_ids.fee_amount",
        "line_ids.recovered_value",
        "line_ids.shipping_cost",
        "line_ids.handling_cost",
    )
    def _compute_amounts(self):
        for ret in self:
            lines = ret.line_ids
            ret.refund_amount = sum(lines.mapped("refund_amount"))
            ret.fee_amount = sum(lines.mapped("fee_amount"))
            ret.recovered_value = sum(lines.mapped("recovered_value"))
            ret.return_cost = sum(lines.mapped("shipping_cost")) + sum(
                lines.mapped("handling_cost")
            )

    # ------------------------------------------------------------------
    # Creating: one method for every door
    # ------------------------------------------------------------------
    @api.model
    def _oms_create_return(
        self,
        order,
        items,
        kind="mail",
        store=None,
        key=None,
        source=None,
        note=None,
        resolution="refund",
        refund_method="original",
        external_return_id=None,
        route=True,
    ):
        """The return of ``items`` of ``order``: checked, created and routed, or refused.

        ``items``: dicts ``{"sale_line": sale.order.line, "quantity", "reason", "condition",
        "exchange_product": product (optional)}``. ``kind`` ``mail`` (the customer sends the
        goods) or ``store`` (brought to ``store``: received there at once). ``source``:
        ``{"kind": back_office|shop|api|mcp|pos, "client": name}``. ``key``: the same key
        returns the return made the first time and changes nothing.

        Refuses with :class:`ReturnRefused` (nothing changed): a line of another order, more
        than was delivered and not yet returned, an order of another company, an order that
        never shipped. Outside the channel's rules (window, non-returnable products) it is
        refused or waits for a person, as the channel says.
        """
        order.ensure_one()
        if key:
            existing = self.sudo().search([("key", "=", key)], limit=1)
            if existing:
                if existing.sale_order_id != order:
                    raise ReturnRefused(
                        "key_reused",
                        self.env._(
                            "The key %(key)s was already used for a return of %(order)s.",
                            key=key,
                            order=existing.sale_order_id.name,
                        ),
                    )
                return existing.with_env(self.env)
        if order.company_id not in self.env.companies:
            raise ReturnRefused(
                "other_company",
                self.env._("%s belongs to a company you do not work for.", order.name),
            )
        if kind == "store" and (not store or store.company_id != order.company_id):
            raise ReturnRefused(
                "unknown_store",
                self.env._("Say which store of %s took the return.", order.company_id.name),
            )
        line_vals = self._oms_check_items(order, items)
        problems = self._oms_rule_problems(order, line_vals)
        source = dict(source or {})
        state = "requested"
        if problems:
            channel = order.oms_channel_id
            if not channel or channel.return_outside_rules == "refuse":
                raise ReturnRefused("outside_rules", " ".join(problems))
            state = "review"
        ret = self.create(
            {
                "key": key or f"{order.id}-return-{uuid.uuid4().hex}",
                "sale_order_id": order.id,
                "kind": kind,
                "store_id": store.id if store else False,
                "source": source.get("kind") or "back_office",
                "client": source.get("client") or self.env.user.name,
                "note": note or False,
                "state": state,
                "resolution": resolution,
                "refund_method": refund_method if kind == "store" else "original",
                "external_return_id": external_return_id or False,
                "review_reason": " ".join(problems) or False,
                "line_ids": [fields.Command.create(vals) for vals in line_vals],
            }
        )
        ret._oms_log_created()
        if state == "review":
            ret._oms_ask_for_review()
        elif route:
            ret._oms_route()
        return ret

    @api.model
    def _oms_check_items(self, order, items):
        """The return lines' values for ``items``, or a refusal saying what is wrong."""
        if not items:
            raise ReturnRefused("nothing_to_return", self.env._("Say which lines and how many."))
        wanted = {}
        vals_list = []
        reasons = dict(
            self.env["oms.return.line"]._fields["reason"]._description_selection(self.env)
        )
        conditions = dict(
            self.env["oms.return.line"]._fields["condition"]._description_selection(self.env)
        )
        for item in items:
            line = item.get("sale_line")
            if (
                not line
                or len(line) != 1
                or line.order_id != order
                or line.display_type
                or line.is_delivery
                or not line.product_id
            ):
                raise ReturnRefused(
                    "unknown_line",
                    self.env._(
                        "%(line)s is no product line of %(order)s.",
                        line=", ".join(line.mapped("display_name")) if line else "?",
                        order=order.name,
                    ),
                )
            try:
                quantity = float(item.get("quantity") or 0.0)
            except (TypeError, ValueError):
                quantity = 0.0
            rounding = line.product_uom.rounding
            if float_compare(quantity, 0.0, precision_rounding=rounding) <= 0:
                raise ReturnRefused(
                    "invalid_quantity",
                    self.env._(
                        "A quantity to return must be more than zero (%s).",
                        line.product_id.display_name,
                    ),
                )
            if not float_is_zero(quantity - round(quantity), precision_rounding=rounding):
                raise ReturnRefused(
                    "invalid_quantity",
                    self.env._(
                        "%(product)s comes back in whole units, not %(qty)s.",
                        product=line.product_id.display_name,
                        qty=f"{quantity:g}",
                    ),
                )
            reason = item.get("reason") or "other"
            condition = item.get("condition") or "as_new"
            if reason not in reasons:
                raise ReturnRefused(
                    "invalid_reason", self.env._("Unknown return reason %s.", reason)
                )
            if condition not in conditions:
                raise ReturnRefused(
                    "invalid_condition", self.env._("Unknown condition %s.", condition)
                )
            wanted[line] = wanted.get(line, 0.0) + quantity
            vals = {
                "sale_line_id": line.id,
                "product_id": line.product_id.id,
                "quantity": quantity,
                "reason": reason,
                "condition": condition,
            }
            if item.get("exchange_product"):
                vals["exchange_product_id"] = item["exchange_product"].id
            vals_list.append(vals)
        for line, quantity in wanted.items():
            left = line._oms_returnable_quantity()
            if float_compare(quantity, left, precision_rounding=line.product_uom.rounding) > 0:
                delivered = line.qty_delivered
                raise ReturnRefused(
                    "too_many" if delivered else "not_delivered",
                    self.env._(
                        "%(product)s: %(delivered)s %(unit)s delivered, %(left)s may still come "
                        "back, not %(qty)s.",
                        product=line.product_id.display_name,
                        delivered=f"{delivered:g}",
                        unit=line.product_uom.name,
                        left=f"{left:g}",
                        qty=f"{quantity:g}",
                    ),
                )
        return vals_list

    @api.model
    def _oms_rule_problems(self, order, line_vals):
        """The channel's rules this return breaks, each a sentence (empty: none)."""
        channel = order.oms_channel_id
        problems = []
        if not channel:
            return problems
        if channel.return_window_days <= 0:
            return [self.env._("%s takes no returns.", channel.name)]
        today = fields.Date.context_today(self)
        for vals in line_vals:
            line = self.env["sale.order.line"].browse(vals["sale_line_id"])
            product = line.product_id
            if not product.oms_returnable:
                problems.append(self.env._("%s cannot be returned.", product.display_name))
                continue
            delivered_on = line._oms_delivered_on()
            if delivered_on and today > delivered_on + timedelta(days=channel.return_window_days):
                problems.append(
                    self.env._(
                        "%(product)s was delivered on %(date)s: the %(days)s days to return it "
                        "ended on %(end)s.",
                        product=product.display_name,
                        date=format_date(self.env, delivered_on),
                        days=channel.return_window_days,
                        end=format_date(
                            self.env, delivered_on + timedelta(days=channel.return_window_days)
                        ),
                    )
                )
        return problems

    # ------------------------------------------------------------------
    # A person decides (outside the rules)
    # ------------------------------------------------------------------
    def _oms_ask_for_review(self):
        self.ensure_one()
        order = self.sale_order_id
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=self.env._("Return outside the rules: approve or refuse"),
            note=self.review_reason,
            user_id=(
                order.user_id if order.user_id and not order.user_id.share else self.env.user
            ).id,
        )

    def _oms_check_customer_service(self):
        if not self.env.su and not self.env.user.has_group(
            "oms_omnichannel.group_oms_customer_service"
        ):
            raise AccessError(
                self.env._("Only customer service approves, refuses or cancels a return.")
            )

    def action_approve(self):
        self._oms_check_customer_service()
        for ret in self:
            if ret.state != "review":
                raise UserError(self.env._("%s is not waiting for a decision.", ret.name))
            ret.state = "requested"
            ret.activity_unlink(["mail.mail_activity_data_todo"])
            ret.message_post(
                body=self.env._("Approved by %s despite the rules.", self.env.user.name)
            )
            ret._oms_route()
        return True

    def action_refuse(self, reason=None):
        self._oms_check_customer_service()
        for ret in self:
            if ret.state not in ("review", "requested") or ret.picking_ids.filtered(
                lambda p: p.state == "done"
            ):
                raise UserError(
                    self.env._("%s can no longer be refused: goods have arrived.", ret.name)
                )
            reason = reason or ret.review_reason or self.env._("no reason given")
            ret.picking_ids.filtered(lambda p: p.state not in ("done", "cancel")).action_cancel()
            ret.write({"state": "refused", "refusal_reason": reason})
            ret.activity_unlink(["mail.mail_activity_data_todo"])
            body = self.env._("Return %(name)s refused: %(reason)s", name=ret.name, reason=reason)
            ret.message_post(body=body)
            ret.sale_order_id.message_post(body=body)
        return True

    def action_cancel(self):
        self._oms_check_customer_service()
        for ret in self:
            if ret.state in ("refunded", "closed") or ret.refund_done:
                raise UserError(self.env._("%s was refunded: it cannot be cancelled.", ret.name))
            if ret.picking_ids.filtered(lambda p: p.state == "done"):
                raise UserError(
                    self.env._("%s can no longer be cancelled: goods have arrived.", ret.name)
                )
            ret.picking_ids.filtered(lambda p: p.state not in ("done", "cancel")).action_cancel()
            ret.state = "cancelled"
        return True

    # ------------------------------------------------------------------
    # Moving on by itself
    # ------------------------------------------------------------------
    def _oms_advance(self):
        """Move each return forward as far as the facts allow; money goes back once the
        goods are inspected (or at once for what the customer keeps)."""
        for ret in self:
            if ret.state in ("review", "refused", "cancelled", "closed"):
                continue
            lines = ret.line_ids
            if ret.state == "requested" and all(line._oms_arrived() for line in lines):
                ret.state = "received"
                ret._oms_received()
            if ret.state == "received" and all(line._oms_done_inspecting() for line in lines):
                ret.state = "inspected"
            if ret.state == "inspected":
                if not ret.refund_done:
                    ret._oms_pay_back(ret.line_ids.filtered(lambda line: not line.refunded))
                if ret.refund_done:
                    ret.state = "refunded"
            if ret.state == "refunded" and all(
                p.state in ("done", "cancel") for p in ret.picking_ids
            ):
                ret.state = "closed"

    def _oms_received(self):
        """Hook: every parcel of the return arrived (customer told, by lifecycle messages)."""
        self.ensure_one()
        if self.line_ids.filtered(lambda line: line.action != "keep"):
            self.sale_order_id._oms_return_notify("return_received", self)

    def _oms_log_created(self):
        self.ensure_one()
        order = self.sale_order_id
        items = ", ".join(
            f"{line.quantity:g} x {line.product_id.display_name}" for line in self.line_ids
        )
        sources = dict(self._fields["source"]._description_selection(self.env))
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        text = self.env._(
            "Return %(name)s (%(kind)s) of %(items)s, asked by %(client)s (%(door)s).",
            name=self.name,
            kind=kinds[self.kind].lower(),
            items=items,
            client=self.client,
            door=sources[self.source],
        )
        if self.state == "review":
            text += " " + self.env._("Outside the rules: %s", self.review_reason)
        order.message_post(body=Markup("<p>%s</p>") % text, subtype_xmlid="mail.mt_note")
        self.message_post(body=Markup("<p>%s</p>") % text)

    def _oms_answer(self):
        """What a door answers about the return: its state, where the goods go, the money,
        in words (the reader's language) and in data."""
        self.ensure_one()
        currency = self.currency_id
        decision = self.decision_ids[:1]
        states = dict(self._fields["state"]._description_selection(self.env))
        sending = self.line_ids.filtered(lambda line: line.action in ("send", "triage"))
        if self.state == "review":
            summary = self.env._(
                "Return %(name)s waits for customer service to decide: %(why)s",
                name=self.name,
                why=self.review_reason,
            )
        elif sending:
            summary = self.env._(
                "Return %(name)s: send %(items)s to %(where)s. The return label follows by e-mail.",
                name=self.name,
                items=", ".join(
                    f"{line.quantity:g} x {line.product_id.display_name}" for line in sending
                ),
                where=", ".join(sending.warehouse_id.mapped("name")),
            )
        else:
            summary = self.env._(
                "Return %(name)s: nothing needs to be sent back; the customer keeps the items.",
                name=self.name,
            )
        refund = None
        if self.refund_done or self.refund_amount:
            refund = {
                "amount": f"{self.refund_amount:.{currency.decimal_places}f}",
                "currency": currency.name,
                "text": format_amount(self.env, self.refund_amount, currency),
                "state": "refunded" if self.refund_done else "partly",
            }
        return {
            "status": "done",
            "key": self.key,
            "operation": "return",
            "order": self.sale_order_id.name,
            "return": self.name,
            "return_state": self.state,
            "return_state_text": states[self.state],
            "summary": summary,
            "why": decision.explanation or "",
            "refund": refund,
            "lines": [
                {
                    "sku": line.product_id.default_code or "",
                    "quantity": line.quantity,
                    "action": line.action or None,
                    "destination": line.warehouse_id.name or None,
                }
                for line in self.line_ids
            ],
        }

    # ------------------------------------------------------------------
    # Screens
    # ------------------------------------------------------------------
    def action_view_pickings(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("stock.action_picking_tree_all")
        action["domain"] = [("oms_return_id", "=", self.id)]
        action["context"] = {"create": False}
        return action

    def action_view_order(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "res_id": self.sale_order_id.id,
            "view_mode": "form",
        }
