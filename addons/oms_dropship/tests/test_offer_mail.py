# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The supplier is e-mailed when a delivery is offered to it: in its language and time zone,
with what, for whom and by when, through the mail queue, once per offer."""

import pytz
from odoo import Command

from .common import OmsDropshipCase


class TestOfferMail(OmsDropshipCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("de_DE")
        cls.user_a.write({"email": "orders@supplier-a.example.com", "lang": "de_DE"})
        cls.user_b.write({"email": "orders@supplier-b.example.com", "tz": "Europe/Lisbon"})

    def _mails(self, delivery):
        return self.env["mail.mail"].search(
            [("model", "=", "oms.dropship.delivery"), ("res_id", "in", delivery.ids)]
        )

    def test_offer_mails_the_supplier_in_its_language(self):
        order = self._web_order([(self.lamp, 2)])
        delivery = self._dropship(order)
        mail = self._mails(delivery)
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.state, "outgoing", "queued, not sent inside the routing")
        self.assertEqual(mail.recipient_ids, self.user_a.partner_id)
        self.assertTrue(delivery.offer_mailed)
        body = mail.body_html
        said = [delivery.name, "2 \N{MULTIPLICATION SIGN} ", self.lamp.display_name]
        said += ["Torstr. 1", "10117", "+49 30 1234 5678", f"/my/dropship/{delivery.id}"]
        for text in said:
            self.assertIn(text, body)
        local = pytz.utc.localize(delivery.accept_deadline).astimezone(
            pytz.timezone("Europe/Berlin")
        )
        self.assertIn(local.strftime("%d.%m.%Y %H:%M"), body)  # German formats, Berlin time
        self.assertNotIn(delivery.accept_deadline.isoformat(), body)
        for hidden in ("ana.private@example.com", "80.00", "80,00"):
            self.assertNotIn(hidden, body)

    def test_a_retry_sends_nothing_a_reroute_is_a_new_offer(self):
        order = self._web_order([(self.lamp, 1)])
        delivery = self._dropship(order)
        Delivery = self.env["oms.dropship.delivery"]
        Delivery._oms_offer(order.picking_ids)
        Delivery._oms_offer_open()
        Delivery._cron_check_sla()
        self.assertEqual(len(self._mails(delivery)), 1)
        self.as_supplier(delivery, self.user_a)._oms_reject("out of stock")
        rerouted = self._dropship(order)
        self.assertEqual(rerouted.warehouse_id, self.supplier_b)
        mail = self._mails(rerouted)
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.recipient_ids, self.user_b.partner_id)
        self.assertEqual(len(self._mails(delivery)), 1, "supplier A is not told again")

    def test_sent_once_even_after_the_queue_sent_and_deleted_it(self):
        order = self._web_order([(self.lamp, 1)])
        delivery = self._dropship(order)
        self._mails(delivery).unlink()  # auto_delete after the queue sent it
        self.env["oms.dropship.delivery"]._oms_offer(order.picking_ids)
        delivery._oms_mail_offer()
        self.assertFalse(self._mails(delivery))

    def test_no_mail_without_supplier_users_with_an_address(self):
        self.supplier_a.oms_dropship_user_ids = [Command.clear()]
        order = self._web_order([(self.lamp, 1)])
        delivery = self._dropship(order)
        self.assertEqual(delivery.warehouse_id, self.supplier_a)
        self.assertFalse(self._mails(delivery))
        self.assertFalse(delivery.offer_mailed)
