# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from .oms_return import RETURN_READERS
from .oms_return_line import REASONS


class SaleOrder(models.Model):
    _inherit = "sale.order"

    oms_return_ids = fields.One2many(
        "oms.return", "sale_order_id", string="Returns", groups=RETURN_READERS
    )
    oms_return_count = fields.Integer(compute="_compute_oms_return_count", groups=RETURN_READERS)

    @api.depends("oms_return_ids")
    def _compute_oms_return_count(self):
        for order in self:
            order.oms_return_count = len(order.oms_return_ids)

    def action_oms_view_returns(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("oms_returns.oms_return_action")
        action["domain"] = [("sale_order_id", "=", self.id)]
        action["context"] = {"create": False}
        if self.oms_return_count == 1:
            action.update(view_mode="form", res_id=self.oms_return_ids.id, views=[(False, "form")])
        return action

    def action_oms_start_return(self):
        """The back office's Return button: the return wizard on this order."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "oms_returns.oms_return_wizard_action"
        )
        action["context"] = {"default_sale_order_id": self.id}
        return action

    # ------------------------------------------------------------------
    # The customer-service door (oms.customer.service.start_return)
    # ------------------------------------------------------------------
    def _oms_start_return(self, items, reason=None, key=None, source=None):
        """A mailed return of ``items`` (``(line, quantity)`` or ``(line, quantity, uom)``),
        started by customer service, the customer-service API or an AI agent. Returns the
        answer (a dict, like the order changes'); refuses with ``ReturnRefused``, whose
        ``code`` the door answers. ``reason``: one of the return reasons' codes, or words
        (recorded as the customer's note)."""
        self.ensure_one()
        codes = dict(REASONS)
        code = reason if reason in codes else "other"
        wanted = []
        for item in items:
            line, quantity, uom = item if len(item) == 3 else (*item, None)
            if uom and line and uom != line.product_uom:
                quantity = uom._compute_quantity(quantity, line.product_uom, round=False)
            wanted.append(
                {
                    "sale_line": line,
                    "quantity": quantity,
                    "reason": code,
                    "condition": "defective" if code == "defective" else "as_new",
                }
            )
        Return = self.env["oms.return"]
        replayed = bool(key and Return.sudo().search_count([("key", "=", key)]))
        ret = Return._oms_create_return(
            self,
            wanted,
            kind="mail",
            key=key,
            source=source,
            note=None if reason in codes else reason,
        )
        answer = ret._oms_answer()
        if replayed:
            answer["replayed"] = True
        return answer

    # ------------------------------------------------------------------
    # Telling the customer
    # ------------------------------------------------------------------
    def _oms_return_notify(self, event, ret):
        """``return_received`` or ``refunded``, once per return and event, through the
        customer messages (``_oms_notify_customer``: the customer's language, the channel's
        layout, nothing when the channel's shop writes to its customers)."""
        self.ensure_one()
        items = ", ".join(
            f"{line.quantity:g} x {line.product_id.display_name}"
            for line in ret.line_ids
            if line.action != "keep"
        )
        return self._oms_notify_customer(
            event, key=f"return-{ret.id}", items=items, amount=ret.refund_amount
        )
