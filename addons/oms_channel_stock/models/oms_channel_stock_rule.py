# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_is_zero


class OmsChannelStockRule(models.Model):
    """A channel's fence on a node's stock: units or a share of one product, or of every
    product of a category, that the other channels may not sell (docs/channel_stock.md)."""

    _name = "oms.channel.stock.rule"
    _description = "Channel Stock Fence"
    _order = "warehouse_id, channel_id, id"
    _check_company_auto = True

    channel_id = fields.Many2one(
        "oms.channel",
        required=True,
        ondelete="cascade",
        check_company=True,
        help="The channel that owns the fenced stock.",
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        compute="_compute_company_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    warehouse_id = fields.Many2one(
        "stock.warehouse",
        string="Node",
        required=True,
        ondelete="cascade",
        check_company=True,
        help="Where the fenced stock is.",
    )
    product_id = fields.Many2one(
        "product.product",
        ondelete="cascade",
        check_company=True,
        domain=[("is_storable", "=", True)],
    )
    categ_id = fields.Many2one(
        "product.category",
        string="Product Category",
        ondelete="cascade",
        help="Every product of the category and its subcategories, each on its own. A fence "
        "on a product wins over one on its category.",
    )
    fence_type = fields.Selection(
        [("quantity", "A number of units"), ("percent", "A share of the free stock")],
        string="Holds",
        required=True,
        default="percent",
    )
    quantity = fields.Float(
        string="Units",
        digits="Product Unit of Measure",
        help="Whole units of each product. Every unit the channel's own orders take from the "
        "node counts against them, until none are left to hold.",
    )
    percent = fields.Float(
        string="Share (%)",
        help="Of the node's free stock (on hand minus what is promised), rounded down to "
        "whole units.",
    )
    sells_shared = fields.Boolean(
        string="Also Sells the Shared Stock",
        default=True,
        help="Checked: the channel sells its own units and the stock nobody owns. "
        "Unchecked: it sells its own units only.",
    )
    date_start = fields.Datetime(
        string="Counting From",
        help="The channel's orders from this moment on use up a fence of units. "
        "Empty: from when the fence was made.",
    )
    release_at = fields.Datetime(
        string="Hand Back At",
        help="From then on the other channels may sell these units too (a job checks every "
        "ten minutes). Empty: the fence holds until changed.",
    )
    released = fields.Boolean(
        string="Handed Back", readonly=True, copy=False, help="The fence no longer holds."
    )
    active = fields.Boolean(default=True)
    consumed_qty = fields.Float(
        string="Units Used",
        compute="_compute_consumed_qty",
        digits="Product Unit of Measure",
        help="Units of the product the channel's orders took from the node since counting started.",
    )

    @api.depends("channel_id")
    def _compute_company_id(self):
        for rule in self:
            rule.company_id = rule.channel_id.company_id or rule.company_id or self.env.company

    # ------------------------------------------------------------------ display

    @api.depends(
        "channel_id", "warehouse_id", "product_id", "categ_id", "fence_type", "quantity", "percent"
    )
    def _compute_display_name(self):
        for rule in self:
            if not rule.channel_id:
                rule.display_name = self.env._("New fence")
                continue
            target = rule.product_id.display_name or rule.categ_id.display_name or ""
            if rule.fence_type == "percent":
                amount = self.env._("%(share)s%% of", share=f"{rule.percent:g}")
            else:
                amount = self.env._("%(units)s units of", units=f"{rule.quantity:g}")
            rule.display_name = self.env._(
                "%(channel)s: %(amount)s %(target)s at %(node)s",
                channel=rule.channel_id.name or "",
                amount=amount,
                target=target,
                node=rule.warehouse_id.name or "",
            )

    def _compute_consumed_qty(self):
        for rule in self:
            if rule.product_id and rule.fence_type == "quantity" and rule.id:
                used = self.env["oms.channel.stock"]._consumed(rule.sudo(), rule.product_id)
                rule.consumed_qty = used[rule.id].get(rule.product_id.id, 0.0)
            else:
                rule.consumed_qty = 0.0

    # ------------------------------------------------------------------ checks

    @api.constrains("product_id", "categ_id", "fence_type", "quantity", "percent")
    def _check_amount(self):
        digits = self.env["decimal.precision"].precision_get("Product Unit of Measure")
        for rule in self:
            if bool(rule.product_id) == bool(rule.categ_id):
                raise ValidationError(
                    self.env._(
                        "A fence is for one product or for one product category: choose one "
                        "of them, not both."
                    )
                )
            if rule.fence_type == "quantity":
                if rule.quantity < 0:
                    raise ValidationError(
                        self.env._(
                            "The fence of %(channel)s cannot hold a negative number of units "
                            "(%(units)s).",
                            channel=rule.channel_id.name,
                            units=f"{rule.quantity:g}",
                        )
                    )
                if not float_is_zero(rule.quantity - round(rule.quantity), precision_digits=digits):
                    raise ValidationError(
                        self.env._(
                            "A fence holds whole units: %(units)s is not a whole number.",
                            units=f"{rule.quantity:g}",
                        )
                    )
            elif not 0 <= rule.percent <= 100:
                raise ValidationError(
                    self.env._(
                        "A share is between 0 and 100%%, not %(share)s%%.",
                        share=f"{rule.percent:g}",
                    )
                )

    @api.constrains("channel_id", "warehouse_id")
    def _check_channel_sells_there(self):
        for rule in self:
            channel = rule.channel_id
            if channel.warehouse_ids and rule.warehouse_id not in channel.warehouse_ids:
                raise ValidationError(
                    self.env._(
                        "%(channel)s does not sell from %(node)s: it cannot own stock there.",
                        channel=channel.name,
                        node=rule.warehouse_id.name,
                    )
                )

    @api.constrains(
        "channel_id",
        "warehouse_id",
        "product_id",
        "categ_id",
        "fence_type",
        "percent",
        "active",
        "released",
    )
    def _check_no_overlap(self):
        for rule in self.filtered(lambda r: r.active and not r.released):
            target = (
                [("product_id", "=", rule.product_id.id)]
                if rule.product_id
                else [("categ_id", "=", rule.categ_id.id)]
            )
            same_target = self.search(
                [("warehouse_id", "=", rule.warehouse_id.id), ("released", "=", False), *target]
            )
            what = rule.product_id.display_name or rule.categ_id.display_name
            if len(same_target.filtered(lambda r, c=rule.channel_id: r.channel_id == c)) > 1:
                raise ValidationError(
                    self.env._(
                        "%(channel)s already has a fence on %(target)s at %(node)s: change "
                        "that one instead.",
                        channel=rule.channel_id.name,
                        target=what,
                        node=rule.warehouse_id.name,
                    )
                )
            total = sum(same_target.filtered(lambda r: r.fence_type == "percent").mapped("percent"))
            if total > 100 + 1e-9:
                raise ValidationError(
                    self.env._(
                        "The channels' shares of %(target)s at %(node)s would add up to "
                        "%(total)s%%: together they cannot own more than all of it.",
                        target=what,
                        node=rule.warehouse_id.name,
                        total=f"{total:g}",
                    )
                )

    # ------------------------------------------------------------------ stock changes

    @api.model_create_multi
    def create(self, vals_list):
        rules = super().create(vals_list)
        rules._publish_stock_change()
        return rules

    def write(self, vals):
        before = self._affected_pairs()
        result = super().write(vals)
        self._publish_stock_change(before)
        return result

    def unlink(self):
        pairs = self._affected_pairs()
        result = super().unlink()
        self.env["oms.outbox.event"]._enqueue_stock_change(pairs)
        return result

    def _publish_stock_change(self, extra=frozenset()):
        """Tell the channels (outbox ``stock.changed``) that what they may sell may have
        changed where these fences apply."""
        self.env["oms.outbox.event"]._enqueue_stock_change(set(extra) | self._affected_pairs())

    def _affected_pairs(self):
        """(product id, warehouse id) of the storable products the fences cover."""
        pairs = set()
        Product = self.env["product.product"].sudo().with_context(active_test=False)
        for rule in self.sudo():
            if rule.product_id:
                products = rule.product_id
            else:
                products = Product.search(
                    [("categ_id", "child_of", rule.categ_id.id), ("is_storable", "=", True)]
                )
            pairs.update((product.id, rule.warehouse_id.id) for product in products)
        return pairs

    # ------------------------------------------------------------------ hand back

    @api.model
    def _cron_release(self):
        """Hand back the fences whose time has come; the outbox tells the channels."""
        due = self.search(
            [
                ("released", "=", False),
                ("release_at", "!=", False),
                ("release_at", "<=", fields.Datetime.now()),
            ]
        )
        due.write({"released": True})
        return due

    def action_release(self):
        self.write({"released": True})

    def action_hold_again(self):
        self.write({"released": False, "release_at": False})

    def action_open_check(self):
        self.ensure_one()
        product = self.product_id or self.env["product.product"].search(
            [("categ_id", "child_of", self.categ_id.id), ("is_storable", "=", True)], limit=1
        )
        return self.env["oms.channel.stock.check"]._action_open(product, self.warehouse_id)
