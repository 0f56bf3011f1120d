# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A shop refund whose units come back (``restock_type: return``) - the shop paid the money
back first, on its own (WooCommerce, Shopware and Shopify refunds of a return): the OMS opens
the return for the goods, routed like any other, with the money already back. Keyed by the
shop's refund: a redelivered refund webhook opens no second return."""

from odoo import models

from .oms_return import ReturnRefused


class OmsIntake(models.AbstractModel):
    _inherit = "oms.intake"

    def _schedule_return_activity(self, refund):
        order = refund.sale_order_id
        items = [
            {
                "sale_line": line.sale_line_id,
                "quantity": line.return_quantity,
                "reason": "other",
                "condition": "as_new",
            }
            for line in refund.line_ids
            if line.return_quantity and line.sale_line_id
        ]
        try:
            with self.env.cr.savepoint():
                ret = self.env["oms.return"]._oms_create_return(
                    order,
                    items,
                    kind="mail",
                    key=f"shop-refund-{refund.id}",
                    source={"kind": "shop", "client": refund.channel_id.name},
                    note=refund.note,
                    route=False,
                )
        except ReturnRefused as refusal:
            # Not a return the OMS can take as it is (e.g. more than it delivered): the shop
            # has paid already, so a person looks at it.
            order.message_post(body=self.env._("No return opened: %s", refusal.args[0]))
            return super()._schedule_return_activity(refund)
        self._schedule_return_expected(refund, ret)
        # The shop paid back; the goods are still to come.
        for line, refund_line in zip(
            ret.line_ids, refund.line_ids.filtered("return_quantity"), strict=False
        ):
            line.write({"refunded": True, "refund_amount": refund_line.amount})
        ret.refund_done = True
        if ret.state == "requested":
            ret._oms_route()
        return ret

    def _schedule_return_expected(self, refund, ret):
        """Customer service still hears that goods are on their way back, with the return
        that receives them (its receipts wait at the nodes the return was routed to)."""
        items = ", ".join(
            f"{line.return_quantity:g} x {line.product_id.display_name}"
            for line in refund.line_ids
            if line.return_quantity
        )
        refund.sale_order_id.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=self.env._("Return expected (shop refund %s)", refund.external_refund_id),
            note=self.env._(
                "The shop refunded %(items)s; the customer sends them back. Return %(name)s "
                "receives them.",
                items=items,
                name=ret.name,
            ),
            user_id=refund.sale_order_id.user_id.id or self.env.uid,
        )
