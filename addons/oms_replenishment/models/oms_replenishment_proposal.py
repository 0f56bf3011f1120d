from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_amount, format_date, formatLang


class OmsReplenishmentProposal(models.Model):
    """A transfer between two nodes or a purchase for one node, proposed by the engine from
    the demand the OMS saw, with why and what it saves; reviewed by an OMS manager, who
    confirms it into Odoo's own transfer or reordering rule, or rejects it."""

    _name = "oms.replenishment.proposal"
    _description = "Replenishment Proposal"
    _inherit = ["mail.thread"]
    _order = "state_rank, net_saving desc, id"
    _check_company_auto = True
    # Nobody writes a proposal by hand (its doors below check the manager, then write as
    # the system); the manager's notes go to the chatter, which reading allows.
    _mail_post_access = "read"

    name = fields.Char(compute="_compute_name", store=True)
    kind = fields.Selection(
        [("transfer", "Transfer"), ("purchase", "Purchase")], required=True, readonly=True
    )
    state = fields.Selection(
        [
            ("open", "To Review"),
            ("confirmed", "Confirmed"),
            ("rejected", "Rejected"),
            ("outdated", "Outdated"),
        ],
        default="open",
        required=True,
        readonly=True,
        tracking=True,
        help="Outdated: a later computation no longer proposes it (the stock or the demand "
        "changed).",
    )
    # Open proposals first in the lists.
    state_rank = fields.Integer(compute="_compute_state_rank", store=True)
    key = fields.Char(
        readonly=True,
        index=True,
        help="What makes a proposal the same one at the next computation: its lane (transfer) "
        "or its node and product (purchase).",
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    source_warehouse_id = fields.Many2one(
        "stock.warehouse", string="From", readonly=True, check_company=True
    )
    warehouse_id = fields.Many2one(
        "stock.warehouse",
        string="To / For",
        required=True,
        readonly=True,
        check_company=True,
        help="Where the transfer brings the units, or the node the purchase is for.",
    )
    for_warehouse_ids = fields.Many2many(
        "stock.warehouse",
        string="Meant For",
        readonly=True,
        help="The nodes whose demand the purchase covers (it is bought where it can be).",
    )
    line_ids = fields.One2many(
        "oms.replenishment.proposal.line", "proposal_id", string="Products", readonly=True
    )
    product_id = fields.Many2one("product.product", compute="_compute_product_id", store=True)
    quantity = fields.Integer(compute="_compute_quantity", store=True, string="Units")
    distance_km = fields.Float(string="Distance (km)", readonly=True, digits=(12, 0))
    cost = fields.Monetary(
        string="Estimated Transfer Cost",
        readonly=True,
        help="The transfer's own cost under the company's replenishment settings.",
    )
    reason_data = fields.Json(readonly=True)
    reason = fields.Text(string="Why", compute="_compute_reason")
    # What it saves: the window's orders replayed with and without it (docs/replenishment.md).
    period_start = fields.Date(readonly=True)
    period_end = fields.Date(readonly=True)
    replay_order_count = fields.Integer(string="Orders Replayed", readonly=True)
    orders_changed = fields.Integer(string="Orders Served Differently", readonly=True)
    packages_saved = fields.Integer(readonly=True)
    shipping_saved = fields.Monetary(string="Shipping Cost Saved", readonly=True)
    split_orders_saved = fields.Integer(readonly=True)
    units_short_saved = fields.Integer(string="Units No Longer Short", readonly=True)
    late_days_saved = fields.Integer(string="Days Late Saved", readonly=True)
    net_saving = fields.Float(
        string="Net Benefit",
        readonly=True,
        digits=(12, 2),
        help="The routing policy's score saved on the replay, less the transfer's own cost "
        "weighed as the policy weighs money: above zero, it pays for itself.",
    )
    packages_saved_per_order = fields.Float(
        compute="_compute_per_order", digits=(12, 3), string="Packages Saved per Order"
    )
    shipping_saved_per_order = fields.Monetary(
        compute="_compute_per_order", string="Shipping Saved per Order"
    )
    saving_summary = fields.Text(string="What It Saves", compute="_compute_saving_summary")
    picking_id = fields.Many2one("stock.picking", string="Transfer", readonly=True, copy=False)
    orderpoint_id = fields.Many2one(
        "stock.warehouse.orderpoint", string="Reordering Rule", readonly=True, copy=False
    )
    reject_reason = fields.Text(readonly=True, tracking=True)

    _sql_constraints = [
        ("quantity_positive", "CHECK(quantity IS NULL OR quantity >= 0)", "Negative units."),
    ]

    def init(self):
        # One open proposal per lane (transfer) or node and product (purchase): a second
        # computation running at the same time fails here instead of duplicating it.
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS oms_replenishment_proposal_open_key
                ON oms_replenishment_proposal (company_id, key) WHERE state = 'open'
            """
        )

    # ------------------------------------------------------------------ computes

    @api.depends("kind", "source_warehouse_id.name", "warehouse_id.name", "product_id")
    def _compute_name(self):
        for proposal in self:
            if proposal.kind == "transfer":
                proposal.name = self.env._(
                    "%(origin)s to %(destination)s",
                    origin=proposal.source_warehouse_id.name or "",
                    destination=proposal.warehouse_id.name or "",
                )
            else:
                proposal.name = self.env._(
                    "Buy %(product)s for %(warehouse)s",
                    product=proposal.product_id.display_name or "",
                    warehouse=proposal.warehouse_id.name or "",
                )

    @api.depends("state")
    def _compute_state_rank(self):
        ranks = {"open": 0, "confirmed": 1, "rejected": 2, "outdated": 3}
        for proposal in self:
            proposal.state_rank = ranks.get(proposal.state, 9)

    @api.depends("line_ids.product_id")
    def _compute_product_id(self):
        for proposal in self:
            products = proposal.line_ids.product_id
            proposal.product_id = products if len(products) == 1 else False

    @api.depends("line_ids.quantity")
    def _compute_quantity(self):
        for proposal in self:
            proposal.quantity = sum(proposal.line_ids.mapped("quantity"))

    @api.depends("replay_order_count", "packages_saved", "shipping_saved")
    def _compute_per_order(self):
        for proposal in self:
            count = proposal.replay_order_count
            proposal.packages_saved_per_order = count and proposal.packages_saved / count
            proposal.shipping_saved_per_order = count and proposal.shipping_saved / count

    @api.depends_context("lang")
    @api.depends("reason_data", "kind", "quantity", "warehouse_id", "source_warehouse_id")
    def _compute_reason(self):
        for proposal in self:
            data = proposal.reason_data or {}
            if proposal.kind == "transfer":
                what = (
                    proposal.line_ids.product_id.display_name
                    if len(proposal.line_ids) == 1
                    else self.env._("%(count)s products", count=self._fmt(len(proposal.line_ids)))
                )
                proposal.reason = self.env._(
                    "Send %(units)s units of %(what)s from %(origin)s to %(destination)s "
                    "(%(km)s km): %(destination)s saw more demand than it holds, %(origin)s "
                    "holds more than its own demand needs. Estimated transfer cost: %(cost)s.",
                    units=self._fmt(proposal.quantity),
                    what=what,
                    origin=proposal.source_warehouse_id.name,
                    destination=proposal.warehouse_id.name,
                    km=self._fmt(proposal.distance_km),
                    cost=format_amount(self.env, proposal.cost, proposal.currency_id),
                )
            elif proposal.kind == "purchase":
                proposal.reason = self.env._(
                    "Buy %(quantity)s of %(product)s for %(warehouse)s: %(nodes)s sold "
                    "%(weekly)s a week of it and no other node holds units to spare.",
                    quantity=self._fmt(proposal.quantity),
                    product=proposal.product_id.display_name or "",
                    warehouse=proposal.warehouse_id.name,
                    nodes=", ".join(proposal.for_warehouse_ids.sorted("name").mapped("name")),
                    weekly=self._fmt(data.get("weekly_demand", 0.0), 1),
                )
            else:
                proposal.reason = False

    @api.depends_context("lang")
    @api.depends(
        "period_start",
        "period_end",
        "orders_changed",
        "packages_saved",
        "shipping_saved",
        "split_orders_saved",
        "units_short_saved",
        "net_saving",
    )
    def _compute_saving_summary(self):
        for proposal in self:
            if not proposal.period_start:
                proposal.saving_summary = False
                continue
            parts = [
                self.env._(
                    "Replaying the %(orders)s orders from %(start)s to %(end)s with this "
                    "proposal serves %(changed)s of them differently:",
                    orders=self._fmt(proposal.replay_order_count),
                    start=format_date(self.env, proposal.period_start),
                    end=format_date(self.env, proposal.period_end),
                    changed=self._fmt(proposal.orders_changed),
                ),
                proposal._saving_phrase(
                    proposal.packages_saved,
                    self.env._("%(n)s fewer packages (%(per_order)s per order)"),
                    self.env._("%(n)s more packages (%(per_order)s per order)"),
                    self._fmt(abs(proposal.packages_saved_per_order), 3),
                ),
                proposal._saving_phrase(
                    proposal.shipping_saved,
                    self.env._("%(n)s less shipping (%(per_order)s per order)"),
                    self.env._("%(n)s more shipping (%(per_order)s per order)"),
                    format_amount(
                        self.env, abs(proposal.shipping_saved_per_order), proposal.currency_id
                    ),
                    money=True,
                ),
                proposal._saving_phrase(
                    proposal.split_orders_saved,
                    self.env._("%(n)s fewer split orders"),
                    self.env._("%(n)s more split orders"),
                ),
                proposal._saving_phrase(
                    proposal.units_short_saved,
                    self.env._("%(n)s fewer units left short"),
                    self.env._("%(n)s more units left short"),
                ),
            ]
            verdict = (
                self.env._("It pays for itself.")
                if proposal.net_saving > 0
                else self.env._("It does not pay for itself on these orders.")
            )
            details = "; ".join(p for p in parts[1:] if p) or self.env._("no change")
            proposal.saving_summary = f"{parts[0]} {details}. {verdict}"

    def _saving_phrase(self, value, fewer, more, per_order="", money=False):
        if not value:
            return ""
        amount = abs(value)
        shown = format_amount(self.env, amount, self.currency_id) if money else self._fmt(amount)
        return (fewer if value > 0 else more) % {"n": shown, "per_order": per_order}

    def _fmt(self, value, digits=0):
        """A number in the reader's language (thousands separator, decimal point)."""
        return formatLang(self.env, value, digits=digits)

    # ------------------------------------------------------------------ doors

    def action_compute_proposals(self):
        """Compute the proposals of the current company now (the button of the list, which
        passes the records selected, if any: they do not matter)."""
        self._check_oms_manager()
        self.env["oms.replenishment.planner"].sudo()._run(self.env.company)
        return self.env["ir.actions.act_window"]._for_xml_id(
            "oms_replenishment.oms_replenishment_proposal_action"
        )

    def action_confirm(self):
        """Confirm into Odoo's own transfer (a transfer proposal) or reordering rule (a
        purchase). Confirmed twice (a double click, a retried request), it confirms once."""
        self._check_oms_manager()
        for proposal in self._lock_open():
            if proposal.kind == "transfer":
                proposal._confirm_transfer()
            else:
                proposal._confirm_purchase()
        return True

    def action_open_reject(self):
        self._check_oms_manager()
        return {
            "type": "ir.actions.act_window",
            "res_model": "oms.replenishment.reject",
            "view_mode": "form",
            "target": "new",
            "context": {"default_proposal_ids": self.ids},
        }

    def _reject(self, reason):
        """Close the open proposals of ``self`` as rejected, with ``reason``."""
        self._check_oms_manager()
        if not (reason or "").strip():
            raise UserError(self.env._("Say why the proposal is rejected."))
        for proposal in self._lock_open():
            proposal.sudo().write({"state": "rejected", "reject_reason": reason.strip()})
        return True

    def _check_oms_manager(self):
        if not self.env.user.has_group("oms_omnichannel.group_oms_manager"):
            raise AccessError(self.env._("Only an OMS manager reviews replenishment proposals."))

    def _lock_open(self):
        """``self``'s proposals still open, locked until the end of the transaction: a
        second confirmation waits for the first, then finds it confirmed."""
        if not self.ids:
            return self
        self.env.cr.execute(
            "SELECT id FROM oms_replenishment_proposal WHERE id IN %s ORDER BY id FOR UPDATE",
            (tuple(self.ids),),
        )
        self.invalidate_recordset(["state"])
        return self.filtered(lambda proposal: proposal.state == "open")

    # ------------------------------------------------------------------ confirmation

    def _confirm_transfer(self):
        """An internal transfer from the source's stock to the destination's, with the
        source's internal picking type: what the core's router makes for a click & collect
        order's transfer, so both read the same to the warehouse."""
        source, destination = self.source_warehouse_id, self.warehouse_id
        # The manager may lack rights on one of the two warehouses' operations; the proposal
        # is what they decide, the picking is its consequence.
        picking = (
            self.env["stock.picking"]
            .sudo()
            .create(
                {
                    "picking_type_id": source.int_type_id.id,
                    "location_id": source.lot_stock_id.id,
                    "location_dest_id": destination.lot_stock_id.id,
                    "origin": self.name,
                    "company_id": self.company_id.id,
                    "move_ids": [
                        fields.Command.create(
                            {
                                "name": line.product_id.display_name,
                                "product_id": line.product_id.id,
                                "product_uom_qty": line.quantity,
                                "product_uom": line.product_id.uom_id.id,
                                "location_id": source.lot_stock_id.id,
                                "location_dest_id": destination.lot_stock_id.id,
                                "company_id": self.company_id.id,
                            }
                        )
                        for line in self.line_ids
                    ],
                }
            )
        )
        picking.action_confirm()
        picking.action_assign()
        self.sudo().write({"state": "confirmed", "picking_id": picking.id})
        self.message_post(
            body=self.env._("Confirmed: transfer %(picking)s created.", picking=picking.name)
        )

    def _confirm_purchase(self):
        """The quantity goes to the node's reordering rule of the product as its quantity to
        order (Inventory > Replenishment shows it, ready to order); a node without a rule
        gets a manual one, which orders nothing by itself."""
        warehouse, product = self.warehouse_id, self.product_id
        orderpoints = self.env["stock.warehouse.orderpoint"].sudo()
        orderpoint = orderpoints.search(
            [
                ("warehouse_id", "=", warehouse.id),
                ("location_id", "=", warehouse.lot_stock_id.id),
                ("product_id", "=", product.id),
            ],
            limit=1,
        )
        if orderpoint:
            orderpoint.qty_to_order_manual = max(orderpoint.qty_to_order_manual, self.quantity)
        else:
            orderpoint = orderpoints.create(
                {
                    "warehouse_id": warehouse.id,
                    "location_id": warehouse.lot_stock_id.id,
                    "product_id": product.id,
                    "company_id": self.company_id.id,
                    "trigger": "manual",
                    "product_min_qty": 0.0,
                    "product_max_qty": 0.0,
                    "qty_to_order_manual": self.quantity,
                }
            )
        self.sudo().write({"state": "confirmed", "orderpoint_id": orderpoint.id})
        self.message_post(
            body=self.env._(
                "Confirmed: %(quantity)s to order on the reordering rule %(rule)s.",
                quantity=self._fmt(self.quantity),
                rule=orderpoint.name,
            )
        )
