from odoo import api, fields, models


class OmsChannel(models.Model):
    """A sales channel: a web shop, a marketplace, the phone, a POS store.

    It says which nodes the channel may sell from, the safety stock held back from it and how
    its orders are sourced.
    """

    _name = "oms.channel"
    _description = "Sales Channel"
    _order = "sequence, name"
    _check_company_auto = True

    name = fields.Char(required=True)
    code = fields.Char(
        required=True, help="Identifies the channel in the sync service and in imported orders."
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    kind = fields.Selection(
        [
            ("webshop", "Web shop"),
            ("marketplace", "Marketplace"),
            ("phone", "Phone"),
            ("pos", "Point of sale"),
            ("other", "Other"),
        ],
        required=True,
        default="webshop",
    )
    warehouse_ids = fields.Many2many(
        "stock.warehouse",
        "oms_channel_warehouse_rel",
        "channel_id",
        "warehouse_id",
        string="Sells From",
        check_company=True,
        help="Nodes whose stock this channel may sell. Empty: every routable node.",
    )
    safety_stock = fields.Float(
        digits="Product Unit of Measure",
        help="Units per product and node held back from this channel.",
    )
    sourcing_policy_id = fields.Many2one(
        "oms.sourcing.policy",
        default=lambda self: self.env.ref(
            "oms_omnichannel.oms_sourcing_policy_fewest_packages", raise_if_not_found=False
        ),
        help="Empty: the fewest-packages preset.",
    )
    unfulfillable_behaviour = fields.Selection(
        [
            ("backorder", "Ship what is available, backorder the rest"),
            ("wait", "Wait until the whole order can ship"),
            ("hold", "Hold for a person to decide"),
        ],
        string="When Stock Is Missing",
        default="backorder",
        required=True,
    )
    sale_order_count = fields.Integer(compute="_compute_sale_order_count", string="Orders")
    # Customer e-mails (oms.customer.message): who sends them, and in whose name.
    send_customer_emails = fields.Boolean(
        string="Shop E-mails Its Customers",
        help="The shop sends its own order e-mails (confirmation, shipping, cancellation): "
        "the OMS sends none to this channel's customers.",
    )
    brand_name = fields.Char(help="The shop's name in the OMS's e-mails (default: the channel's).")
    customer_email_from = fields.Char(
        string="E-mail Sender",
        help='Sender of the customer e-mails, e.g. "Nordhafen Shop <service@nordhafen.example>" '
        "(default: the company's).",
    )
    logo = fields.Image(max_width=512, max_height=256, help="Shown at the top of the e-mails.")

    _sql_constraints = [
        ("code_company_unique", "unique(code, company_id)", "The channel code must be unique."),
    ]

    @api.depends("code")
    def _compute_sale_order_count(self):
        counts = dict(
            self.env["sale.order"]._read_group(
                [("oms_channel_id", "in", self.ids)], ["oms_channel_id"], ["__count"]
            )
        )
        for channel in self:
            channel.sale_order_count = counts.get(channel, 0)

    def _get_sourcing_policy(self):
        self.ensure_one()
        return self.sourcing_policy_id or self.env["oms.sourcing.policy"]._get_default_policy()
