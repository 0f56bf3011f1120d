# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Late parcel -> notice -> compensation: delivered late, the express fee goes back through
the shop and a voucher (a gift card) is e-mailed, within the order's cap, once per order,
never for a delay the customer caused; each grant recorded and explained."""

from freezegun import freeze_time
from odoo import Command
from odoo.addons.oms_omnichannel.tests.common import TUESDAY_MORNING
from odoo.tests import tagged

from .common import OmsDelayCase


@tagged("post_install", "-at_install")
class TestCompensation(OmsDelayCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.express = cls._create_carrier(
            "Express", zones=(("", 1),), service_level="express", carrier_code="express"
        )
        cls.express.tracking_url = "https://track.example.com/?n=<shipmenttrackingnumber>"

    def _express_order(self):
        with freeze_time(TUESDAY_MORNING):
            order = self.env["sale.order"].create(
                {
                    "partner_id": self.customer.id,
                    "company_id": self.company.id,
                    "warehouse_id": self.home.id,
                    "oms_channel_id": self.channel.id,
                    "oms_external_name": "#2042",
                    "oms_service_level": "express",
                    "order_line": [
                        Command.create({"product_id": self.shirt.id, "product_uom_qty": 1}),
                        Command.create(
                            {
                                "product_id": self.shipping_product.id,
                                "price_unit": 9.90,
                                "is_delivery": True,
                            }
                        ),
                    ],
                }
            )
            order.action_confirm()
            self._send()
        return order

    def _delivered_late(self, order, delivered="2026-12-07 12:00:00"):
        parcel = self._deliveries(order)
        self._ship_at(parcel, "2026-12-01 11:00:00", f"JD-{order.id}")
        self._track(parcel, "in_transit", "2026-12-01 18:00:00", f"t1-{order.id}")
        self._track(parcel, "delivered", delivered, f"t2-{order.id}")
        self._scan_at(delivered)
        return parcel

    def test_express_fee_back_and_a_voucher_within_the_cap(self):
        order = self._express_order()
        self.assertEqual(str(self._deliveries(order).oms_promised_date.date()), "2026-12-02")
        parcel = self._delivered_late(order)
        delay = parcel.oms_delay_id
        self.assertEqual((delay.status, delay.delay_days, delay.cause), ("late", 5, "carrier"))
        self.assertTrue(delay.final)
        grants = order.oms_compensation_ids.sorted("kind")
        self.assertEqual(grants.mapped("kind"), ["express_fee_refund", "voucher"])
        fee, voucher = grants
        self.assertEqual(fee.amount, 9.90)
        self.assertEqual((voucher.amount, voucher.capped_from), (2.10, 10.0), "the order cap of 12")
        self.assertIn("Cut to", self._text(voucher.explanation_html))
        # The fee goes back through the shop (a refund request, told to the shop).
        request = fee.refund_request_ref
        self.assertEqual(request.shipping_amount, 9.90)
        self.env.cr.flush()
        self.assertTrue(
            self.env["oms.outbox.event"].search(
                [("topic", "=", "refund.requested"), ("res_id", "=", request.id)]
            )
        )
        # The voucher is a gift card of the policy's program, e-mailed with its code.
        card = voucher.loyalty_card_id
        self.assertEqual(
            (card.program_id, card.points, card.partner_id), (self.program, 2.10, self.customer)
        )
        self._send()
        texts = {m.subject: self._text(m.body_html) for m in self._mails(order)}
        voucher_text = texts["A voucher for your order #2042"]
        self.assertIn(f"Your code: {card.code}", voucher_text)
        self.assertIn(
            "Your order arrived 5 day(s) later than we promised. We are sorry.", voucher_text
        )
        refund_subject = next(s for s in texts if s.startswith("We have refunded"))
        self.assertIn(
            "Your express delivery arrived late, so we refund its fee.", texts[refund_subject]
        )
        # Once per order: scanning again, or calling again, grants nothing more.
        self._scan_at("2026-12-08 12:00:00")
        order._oms_compensate(delay)
        self.assertEqual(len(order.oms_compensation_ids), 2)

    def test_nothing_for_a_delay_the_customer_caused(self):
        order = self._express_order()
        parcel = self._deliveries(order)
        self._ship_at(parcel, "2026-12-01 11:00:00", "JD-AWAY")
        self._track(parcel, "failure", "2026-12-02 10:00:00", "f1")
        self._scan_at("2026-12-02 10:30:00")
        parcel.oms_delay_id.action_oms_customer_caused()
        self._track(parcel, "delivered", "2026-12-07 12:00:00", "f2")
        self._scan_at("2026-12-07 12:30:00")
        self.assertEqual(parcel.oms_delay_id.cause, "customer")
        self.assertFalse(order.oms_compensation_ids)
        self.assertIn(
            "None: the customer caused the delay.",
            " ".join(order.message_ids.mapped(lambda m: self._text(m.body))),
        )

    def test_a_short_delay_of_a_standard_order_earns_the_first_voucher(self):
        order = self._confirmed()
        self._delivered_late(order, delivered="2026-12-05 12:00:00")  # promised Thursday
        [voucher] = order.oms_compensation_ids
        self.assertEqual((voucher.kind, voucher.amount), ("voucher", 5.0))
