# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A till at store A, for the tests where money changes hands: the store tests' company gets
Odoo's generic chart of accounts (a till needs journals), a point of sale with cash and card,
and an open session. ``_pay_at_till`` sends an order the way the POS does
(``pos.order.sync_from_ui``)."""

import uuid

from odoo import fields

from .common import OmsStoreCase


class OmsStoreTillCase(OmsStoreCase):
    # The browser tours open the register themselves, as store staff do.
    open_session = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["account.chart.template"].try_loading("generic_coa", company=cls.company, install_demo=False)
        cls.env = cls.env(context=dict(cls.env.context, allowed_company_ids=[cls.company.id]))
        Journal = cls.env["account.journal"]
        cash = Journal.search([("company_id", "=", cls.company.id), ("type", "=", "cash")], limit=1)
        bank = Journal.search([("company_id", "=", cls.company.id), ("type", "=", "bank")], limit=1)
        cls.cash_method = cls.env["pos.payment.method"].create(
            {"name": "Cash", "journal_id": cash.id, "company_id": cls.company.id}
        )
        cls.card_method = cls.env["pos.payment.method"].create(
            {"name": "Card", "journal_id": bank.id, "company_id": cls.company.id}
        )
        cls.pos_channel = cls.env["oms.channel"].create(
            {"name": "Stores", "code": f"pos-{uuid.uuid4().hex[:6]}", "kind": "pos", "company_id": cls.company.id}
        )
        cls.till = cls.env["pos.config"].create(
            {
                "name": "Till STA",
                "company_id": cls.company.id,
                "picking_type_id": cls.store_a.pos_type_id.id,
                "payment_method_ids": [fields.Command.set((cls.cash_method | cls.card_method).ids)],
            }
        )
        for product in cls.mug | cls.shirt:
            product.write({"available_in_pos": True, "taxes_id": [fields.Command.clear()]})
        if cls.open_session:
            cls.till.open_ui()
            cls.pos_session = cls.till.current_session_id
            cls.pos_session.set_opening_control(0, None)

    def _pay_at_till(self, sale_order, lines=None, method=None, delivered_by_order=True):
        """Take the payment of ``sale_order``'s lines (``[(sale line, quantity)]``, default
        all) at the till, linked to the order as pos_sale's settle does. Returns the POS
        order."""
        lines = lines or [(line, line.product_uom_qty) for line in sale_order.order_line]
        order_lines = []
        total = 0.0
        for sale_line, quantity in lines:
            price = sale_line.price_reduce_taxinc
            total += price * quantity
            order_lines.append(
                (
                    0,
                    0,
                    {
                        "product_id": sale_line.product_id.id,
                        "qty": quantity,
                        "price_unit": price,
                        "price_subtotal": price * quantity,
                        "price_subtotal_incl": price * quantity,
                        "discount": 0,
                        "tax_ids": [(6, 0, [])],
                        "sale_order_origin_id": sale_order.id,
                        "sale_order_line_id": sale_line.id,
                        "oms_delivered_by_order": delivered_by_order,
                        "pack_lot_ids": [],
                    },
                )
            )
        ref = uuid.uuid4().hex
        data = {
            "amount_paid": total,
            "amount_return": 0,
            "amount_tax": 0,
            "amount_total": total,
            "date_order": fields.Datetime.to_string(fields.Datetime.now()),
            "fiscal_position_id": False,
            "pricelist_id": self.till.pricelist_id.id,
            "name": f"Order {ref}",
            "lines": order_lines,
            "partner_id": sale_order.partner_id.id,
            "session_id": self.pos_session.id,
            "sequence_number": 2,
            "payment_ids": [
                (0, 0, {"amount": total, "name": fields.Datetime.now(), "payment_method_id": (method or self.card_method).id})
            ],
            "uuid": ref,
            "user_id": self.env.uid,
            "to_invoice": False,
            "state": "paid",
            "last_order_preparation_change": "{}",
        }
        result = self.env["pos.order"].sync_from_ui([data])
        return self.env["pos.order"].browse(result["pos.order"][0]["id"])
