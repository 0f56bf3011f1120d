from odoo import api, fields, models


class OmsRoutingDecision(models.Model):
    """What the router decided for an order, and why.

    One record per routing (confirmation, re-route, failover); the latest one is the order's
    current decision, the older ones stay as history.
    """

    _name = "oms.routing.decision"
    _description = "Routing Decision"
    _order = "create_date desc, id desc"
    _check_company_auto = True

    # Stored computed fields are precomputed: the router creates a decision per routed order,
    # and a recompute after the INSERT would cost an UPDATE of every new decision.
    name = fields.Char(compute="_compute_name", store=True, precompute=True)
    sale_order_id = fields.Many2one(
        "sale.order",
        string="Order",
        required=True,
        ondelete="cascade",
        index=True,
        check_company=True,
    )
    company_id = fields.Many2one(related="sale_order_id.company_id", store=True, precompute=True)
    channel_id = fields.Many2one(
        related="sale_order_id.oms_channel_id", store=True, precompute=True
    )
    policy_id = fields.Many2one("oms.sourcing.policy")
    is_current = fields.Boolean(string="Current", default=True, index=True)
    trigger = fields.Selection(
        [
            ("confirm", "Order confirmed"),
            ("reroute", "Re-routed"),
            ("failover", "Node switched off"),
            ("retry", "Stock arrived"),
            ("change", "Quantity changed"),
        ],
        required=True,
        default="confirm",
    )
    status = fields.Selection(
        [
            ("complete", "Fully sourced"),
            ("partial", "Partially sourced"),
            ("unfulfilled", "Nothing available"),
        ],
        required=True,
        default="complete",
    )
    method = fields.Char(help="How the engine found the plan (e.g. exact search, greedy).")
    score = fields.Float(help="Total of the policy's objective: lower is better.")
    cost = fields.Float(string="Shipping Cost", help="Handling plus carrier cost of the plan.")
    package_count = fields.Integer(string="Packages")
    is_split = fields.Boolean(string="Split", help="Ships in more than one package.")
    excluded_warehouse_ids = fields.Many2many(
        "stock.warehouse",
        "oms_decision_excluded_warehouse_rel",
        "decision_id",
        "warehouse_id",
        string="Excluded Nodes",
        help="Nodes left out on purpose (re-route, failover).",
    )
    line_ids = fields.One2many("oms.routing.decision.line", "decision_id", string="Lines")
    shipment_line_ids = fields.One2many(
        "oms.routing.decision.line",
        "decision_id",
        domain=[("kind", "in", ("shipment", "transfer"))],
        string="Shipments",
    )
    unfulfilled_line_ids = fields.One2many(
        "oms.routing.decision.line",
        "decision_id",
        domain=[("kind", "=", "unfulfilled")],
        string="Unfulfilled",
    )
    picking_ids = fields.One2many(
        "stock.picking", "oms_decision_id", string="Deliveries", readonly=True
    )
    explanation = fields.Text(help="The engine's explanation, in words.")
    explanation_html = fields.Html(compute="_compute_explanation_html", sanitize=True, string="Why")
    duration_ms = fields.Float(string="Routing Time (ms)", digits=(12, 3))
    currency_id = fields.Many2one(related="company_id.currency_id", string="Currency")

    @api.depends("sale_order_id.name", "trigger")
    def _compute_name(self):
        for decision in self:
            decision.name = f"{decision.sale_order_id.name or ''} / {decision.trigger or ''}"

    @api.depends("sale_order_id.name", "trigger")
    @api.depends_context("lang")
    def _compute_display_name(self):
        # The stored name keeps the trigger's value (searchable, one language); people read
        # the trigger's label, in their own language.
        labels = dict(self._fields["trigger"]._description_selection(self.env))
        for decision in self:
            trigger = labels.get(decision.trigger, "")
            decision.display_name = f"{decision.sale_order_id.name or ''} / {trigger}"

    @api.depends("explanation")
    def _compute_explanation_html(self):
        for decision in self:
            paragraphs = [p.strip() for p in (decision.explanation or "").split("\n") if p.strip()]
            decision.explanation_html = "".join(
                f"<p>{self._html_escape(p)}</p>" for p in paragraphs
            )

    @staticmethod
    def _html_escape(text):
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
