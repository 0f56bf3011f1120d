# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class PosOrder(models.Model):
    _inherit = "pos.order"

    @api.model
    def sync_from_ui(self, orders):
        paid_only = self._oms_paid_only_lines(orders)
        if paid_only:
            self._oms_confirm_sold_elsewhere(paid_only)
            # pos_sale then rewrites and re-reserves the sale order's deliveries for what the
            # till sold; for lines the till only took the payment of, those are the OMS's own
            # (another node's, often): they are left alone (stock.move, stock.picking).
            self = self.with_context(oms_till_paid_lines=frozenset(paid_only))
        data = super().sync_from_ui(orders)
        paid = self.browse([o["id"] for o in data.get("pos.order", [])]).filtered(
            lambda o: o.state in ("paid", "done", "invoiced")
        )
        sale_orders = paid.lines.filtered("oms_delivered_by_order").sale_order_origin_id
        sale_orders.sudo()._oms_paid_at_till(paid)
        return data

    @api.model
    def _oms_paid_only_lines(self, orders):
        """``{sale line id: sale order id}`` of the paid till orders' lines that only take
        the payment of a sale order line the OMS delivers."""
        lines = {}
        for order in orders:
            if order.get("state") not in ("paid", "done", "invoiced"):
                continue
            for command in order.get("lines") or ():
                vals = command[2] if isinstance(command, (list, tuple)) and len(command) > 2 else {}
                if isinstance(vals, dict) and vals.get("oms_delivered_by_order") and vals.get("sale_order_line_id"):
                    lines[vals["sale_order_line_id"]] = vals.get("sale_order_origin_id")
        return lines

    @api.model
    def _oms_confirm_sold_elsewhere(self, paid_only):
        """Confirm the quotations a paid till order sells for delivery elsewhere (endless
        aisle) before pos_sale does it as the cashier: confirming routes the order across
        the network, which reads every node - more than a store's staff may read. The
        cashier's right to the quotation is checked first."""
        quotations = self.env["sale.order"].browse(filter(None, set(paid_only.values()))).exists()
        quotations = quotations.filtered(lambda so: so.state in ("draft", "sent"))
        if quotations:
            quotations.check_access("read")
            quotations.sudo().action_confirm()
