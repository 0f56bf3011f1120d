# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup
from odoo import api, fields, models
from odoo.tools import formatLang


class OmsChannelStockCheck(models.TransientModel):
    """What each channel may sell now of one product at one node, and why: the figures the
    shops are sent (``_oms_sellable_rows``), next to the fences behind them."""

    _name = "oms.channel.stock.check"
    _description = "What Each Channel Sees"

    product_id = fields.Many2one(
        "product.product", required=True, domain=[("is_storable", "=", True)]
    )
    warehouse_id = fields.Many2one("stock.warehouse", string="Node", required=True)
    summary = fields.Html(compute="_compute_summary", sanitize=False)

    @api.model
    def _action_open(self, product, warehouse):
        check = self.create({"product_id": product.id, "warehouse_id": warehouse.id})
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("What Each Channel Sees"),
            "res_model": self._name,
            "res_id": check.id,
            "view_mode": "form",
            "target": "new",
        }

    def _units(self, qty):
        if qty == int(qty):
            return formatLang(self.env, qty, digits=0)
        return formatLang(self.env, qty, dp="Product Unit of Measure")

    @api.depends("product_id", "warehouse_id")
    def _compute_summary(self):
        for check in self:
            check.summary = check._summary() if check.product_id and check.warehouse_id else False

    def _summary(self):
        # Read in sudo below: the reader must at least see the node and the product.
        self.warehouse_id.check_access("read")
        self.product_id.check_access("read")
        product, warehouse = self.product_id.sudo(), self.warehouse_id.sudo()
        Channel = self.env["oms.channel"].sudo()
        channels = Channel.search([("company_id", "=", warehouse.company_id.id)])
        channels = channels.filtered(lambda c: warehouse in c._oms_sellable_warehouses())
        rows = Channel._oms_sellable_rows(product, warehouse, channels=channels)
        sellable = {row["channel"]: row["sellable"] for row in rows}
        free = Channel._oms_free_quantities(product, warehouse).get((product.id, warehouse.id), 0.0)
        fences = (
            self.env["oms.channel.stock"]
            ._get_fences(product, warehouse)
            .get((product.id, warehouse.id), [])
        )
        held = self.env["oms.channel.stock"]._held_units(free, fences)
        fence_of = {fence.channel_id: fence for fence in fences}
        body = Markup()
        for channel in channels:
            fence = fence_of.get(channel.id)
            if fence is None:
                owns = self.env._("nothing")
                how = self.env._("the stock nobody owns")
            else:
                owns = self.env._("%(units)s units", units=self._units(held.get(channel.id, 0)))
                how = (
                    self.env._("its own units and the stock nobody owns")
                    if fence.shares
                    else self.env._("its own units only")
                )
            if channel.safety_stock:
                how = self.env._(
                    "%(how)s, less its safety stock of %(units)s",
                    how=how,
                    units=self._units(channel.safety_stock),
                )
            body += Markup(
                "<tr><td>%s</td><td class='text-end'>%s</td><td class='text-end'>%s</td>"
                "<td>%s</td></tr>"
            ) % (channel.name, owns, self._units(sellable.get(channel.code, 0.0)), how)
        header = Markup(
            "<p>%s</p><table class='table table-sm o_oms_channel_stock_check'><thead><tr>"
            "<th>%s</th><th class='text-end'>%s</th><th class='text-end'>%s</th><th>%s</th>"
            "</tr></thead><tbody>"
        ) % (
            self.env._(
                "%(node)s has %(units)s units of %(product)s free (on hand minus what is "
                "promised to orders); channels own %(held)s of them.",
                node=warehouse.name,
                units=self._units(max(free, 0.0)),
                product=product.display_name,
                held=self._units(sum(held.values())),
            ),
            self.env._("Channel"),
            self.env._("Owns here"),
            self.env._("May sell now"),
            self.env._("Sells from"),
        )
        if not channels:
            return Markup("<p>%s</p>") % self.env._(
                "No channel sells from %(node)s.", node=warehouse.name
            )
        return header + body + Markup("</tbody></table>")
