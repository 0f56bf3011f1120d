# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The till's doors for returns of online orders.

The cashier finds the order (its number, the shop's number, the customer's e-mail, or a scan
of the number), sees what may come back and what it pays back, and completes the return:
``oms.return._oms_create_return`` as for every other door (a store return: received here,
routed to stay or go on, paid back now). The caller is store staff of the till's store (or
customer service) - checked by ``oms.store.pos._till`` - and the doors then work in sudo: the
online order was shipped by another node, which store staff may not read. Refusals are
answers (``{"ok": False, "message"}``), as the till's other doors answer.
"""

from odoo import api, models
from odoo.addons.oms_returns.models.oms_return import ReturnRefused
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import format_amount

MAX_ORDERS = 5


class OmsReturnPos(models.AbstractModel):
    _name = "oms.return.pos"
    _description = "Returns: POS Doors"

    @api.model
    def find_orders(self, config_id, query):
        """Orders of the till's company matching ``query``, with what may come back."""
        config = self.env["oms.store.pos"]._till(config_id)
        query = (query or "").strip()
        if len(query) < 3:
            return {"ok": False, "orders": [], "message": self.env._("Type at least 3 characters.")}
        orders = self._search_orders(config, query)
        found = [self._order_vals(order) for order in orders]
        found = [vals for vals in found if vals["lines"]]
        if not found:
            return {
                "ok": False,
                "orders": [],
                "message": self.env._("No delivered order matches %s.", query),
            }
        return {"ok": True, "orders": found, "message": ""}

    @api.model
    def complete(self, config_id, order_id, lines, refund_method="cash", key=None):
        """Take ``lines`` (``[{"line_id", "quantity", "reason", "condition"}]``) of the order
        back at the till's store; the answer says what the till pays out and prints."""
        config = self.env["oms.store.pos"]._till(config_id)
        order = self.env["sale.order"].sudo().browse(int(order_id or 0)).exists()
        if not order or order.company_id != config.company_id:
            return {"ok": False, "message": self.env._("This order cannot be returned here.")}
        if refund_method not in ("cash", "original"):
            raise UserError(self.env._("Pay back in cash or to the original payment."))
        items = []
        for spec in lines or []:
            line = order.order_line.filtered(lambda ol, spec=spec: ol.id == spec.get("line_id"))
            if not line or not spec.get("quantity"):
                continue
            items.append(
                {
                    "sale_line": line,
                    "quantity": spec.get("quantity"),
                    "reason": spec.get("reason") or "changed_mind",
                    "condition": spec.get("condition") or "as_new",
                }
            )
        Return = (
            self.env["oms.return"]
            .sudo()
            .with_context(allowed_company_ids=config.company_id.ids, oms_refund_at_till=True)
        )
        try:
            with self.env.cr.savepoint():
                ret = Return._oms_create_return(
                    order,
                    items,
                    kind="store",
                    store=config.oms_warehouse_id,
                    key=f"pos-{config.id}-{key}" if key else None,
                    source={"kind": "pos", "client": f"{self.env.user.name} ({config.name})"},
                    refund_method=refund_method,
                )
        except ReturnRefused as refusal:
            return {"ok": False, "message": refusal.args[0]}
        return self._answer(ret)

    # ------------------------------------------------------------------
    @api.model
    def _search_orders(self, config, query):
        domain = expression.AND(
            [
                [("company_id", "=", config.company_id.id), ("state", "=", "sale")],
                [
                    "|",
                    "|",
                    "|",
                    ("name", "=ilike", query),
                    ("oms_external_name", "=", query),
                    ("client_order_ref", "=", query),
                    ("partner_id.email", "=ilike", query),
                ],
            ]
        )
        return self.env["sale.order"].sudo().search(domain, limit=MAX_ORDERS, order="id desc")

    @api.model
    def _order_vals(self, order):
        currency = order.currency_id
        lines = []
        for line in order._oms_product_lines():
            returnable = line._oms_returnable_quantity()
            if not returnable or not line.product_id.oms_returnable:
                continue
            _untaxed, paid = line._oms_paid_amounts(1.0)
            lines.append(
                {
                    "line_id": line.id,
                    "product": line.product_id.display_name,
                    "delivered": line.qty_delivered,
                    "returnable": returnable,
                    "unit_refund": paid,
                    "unit_refund_text": self._money(paid, currency),
                }
            )
        return {
            "id": order.id,
            "name": order.name,
            "shop_ref": order.oms_external_name or order.client_order_ref or "",
            "customer": order.partner_id.name,
            "channel": order.oms_channel_id.name or "",
            "lines": lines,
        }

    @api.model
    def _answer(self, ret):
        currency = ret.currency_id
        actions = dict(ret.line_ids._fields["action"]._description_selection(self.env))
        items = ", ".join(
            f"{line.quantity:g} x {line.product_id.display_name}" for line in ret.line_ids
        )
        if ret.refund_method == "cash":
            paid_out = ret.refund_amount
            how = self.env._("%s paid back in cash.", self._money(ret.refund_amount, currency))
        else:
            paid_out = 0.0
            how = self.env._(
                "%s paid back to the original payment.", self._money(ret.refund_amount, currency)
            )
        return {
            "ok": True,
            "return_id": ret.id,
            "return_name": ret.name,
            "order_name": ret.sale_order_id.name,
            "refund_amount": ret.refund_amount,
            "paid_out": paid_out,
            "product_id": self.env.ref("oms_returns_pos.product_online_return").id,
            "note": self.env._(
                "Return %(ret)s of order %(order)s: %(items)s",
                ret=ret.name,
                order=ret.sale_order_id.name,
                items=items,
            ),
            "message": how,
            "lines": [
                {
                    "product": line.product_id.display_name,
                    "quantity": line.quantity,
                    "action": actions.get(line.action, ""),
                    "destination": line.warehouse_id.name or "",
                }
                for line in ret.line_ids
            ],
        }

    @api.model
    def _money(self, amount, currency):
        return format_amount(self.env, amount, currency)
