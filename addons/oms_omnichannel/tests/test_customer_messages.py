# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Customer messages: told once per (order, event, key), sent through Odoo's mail queue in
the customer's language and formats with the channel's branding, and the core's moments -
confirmed after routing, each parcel shipped, ready for pickup, cancelled."""

from freezegun import freeze_time
from odoo.tests import tagged
from odoo.tools import format_amount, mute_logger

from ..models.oms_customer_message import TIMES
from .common import TUESDAY_MORNING
from .customer_message_common import PIXEL, OmsCustomerMessageCase


@tagged("post_install", "-at_install")
@freeze_time(TUESDAY_MORNING)
class TestCustomerMessages(OmsCustomerMessageCase):
    def test_confirmation_after_routing_explains_the_split(self):
        order = self._web_order([(self.shirt, 2), (self.cap, 1)])
        order.action_confirm()
        [message] = order.oms_customer_message_ids
        self.assertEqual((message.event, message.state), ("confirmed", "pending"))
        self.assertFalse(self._mails(order), "e-mailed after the commit, by the sender cron")
        cron = self.env.ref("oms_omnichannel.ir_cron_oms_send_customer_messages")
        self.assertTrue(
            self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]),
            "the sender runs right after the commit",
        )

        self._send()
        mail = self._mails(order)
        self.assertEqual(len(mail), 1)
        self.assertEqual(message.state, "queued")
        self.assertEqual(mail.state, "outgoing", "left to Odoo's mail queue")
        self.assertEqual(mail.recipient_ids, self.customer)
        self.assertEqual(mail.email_from, "Nordhafen <shop@nordhafen.example>")
        self.assertEqual(mail.subject, "Your order #1042 is confirmed")
        text = self._text(mail.body_html)
        self.assertIn("Hello Ana,", text)
        self.assertIn("Thank you for your order #1042.", text)
        self.assertIn(
            "Your order arrives in two parcels, because the items are sent from different places:",
            text,
        )
        self.assertIn(f"2 {TIMES} Shirt, expected on Thursday, December 3, 2026.", text)
        self.assertIn(f"1 {TIMES} Cap, expected on Thursday, December 3, 2026.", text)
        total = format_amount(self.env, order.amount_total, order.currency_id)
        self.assertIn(self._words(f"Total {total}"), text)
        self.assertIn("Nordhafen Web Shop", text, "the channel's name frames the e-mail")
        self.assertNotIn("2026-12-03", text, "no ISO date reaches the customer")
        self.assertEqual(
            order.message_ids.filtered(lambda m: m.subject == mail.subject).partner_ids,
            self.customer,
            "the order's chatter keeps what was sent",
        )

    def test_told_once_whatever_retries(self):
        order = self._web_order([(self.shirt, 1)])
        order.action_confirm()
        order._oms_notify_customer("confirmed")
        order._oms_notify_customer("delayed", key="late-1", expected_date="2026-12-07")
        order._oms_notify_customer("delayed", key="late-1", expected_date="2026-12-07")
        self._send()
        self._send()  # a cron run again, or late after downtime
        self.assertEqual(
            sorted(order.oms_customer_message_ids.mapped("event")), ["confirmed", "delayed"]
        )
        self.assertEqual(len(self._mails(order)), 2)
        order._oms_notify_customer("delayed", key="late-1")
        self._send()
        self.assertEqual(len(self._mails(order)), 2, "sent messages are never sent again")

    def test_unknown_event_raises(self):
        order = self._web_order([(self.shirt, 1)])
        with self.assertRaises(ValueError):
            order._oms_notify_customer("your_parcel_is_a_cake")

    def test_shop_that_e_mails_its_customers_switches_ours_off(self):
        self.channel.send_customer_emails = True
        order = self._web_order([(self.shirt, 1)])
        order.action_confirm()
        self._send()
        self.assertEqual(order.oms_customer_message_ids.state, "shop")
        self.assertFalse(self._mails(order))

    def test_customer_without_e_mail_is_noted_not_lost(self):
        self.customer.email = False
        order = self._web_order([(self.shirt, 1)])
        order.action_confirm()
        self.assertEqual(order.oms_customer_message_ids.state, "no_email")
        self.assertIn(
            "The customer was not e-mailed (Order confirmed): they have no e-mail address.",
            order.message_ids.mapped(lambda m: self._text(m.body)),
        )

    def test_order_without_channel_follows_odoo(self):
        order = self._create_order([(self.shirt, 1)])
        order.action_confirm()
        self.assertFalse(order.oms_customer_message_ids)

    def test_each_parcel_shipped_with_carrier_and_tracking_link(self):
        order = self._web_order([(self.shirt, 2), (self.cap, 1)])
        order.action_confirm()
        north, south = self._deliveries(order).sorted("id")
        self._ship(north, tracking_ref="JD0001")
        self._send()
        shipped = order.oms_customer_message_ids.filtered(lambda m: m.event == "shipped")
        self.assertEqual(shipped.key, f"picking-{north.id}")
        text = self._text(self._mails(order)[-1].body_html)
        self.assertIn("a parcel of your order #1042 has left with Parcel.", text)
        self.assertIn(f"It contains 2 {TIMES} Shirt.", text)
        self.assertIn("It is expected on Thursday, December 3, 2026.", text)
        self.assertIn("Tracking number: JD0001", text)
        self.assertIn("https://track.example.com/?n=JD0001", self._mails(order)[-1].body_html)
        self.assertIn(
            "Your order comes in two parcels: this is the first. The rest follows separately, "
            "and we will e-mail you when it leaves.",
            text,
        )

        self._ship(south, tracking_ref="JD0002")
        self._send()
        text = self._text(self._mails(order)[-1].body_html)
        self.assertIn(f"It contains 1 {TIMES} Cap.", text)
        self.assertIn(
            "Your order comes in two parcels: this is the second, the others are already on "
            "their way.",
            text,
        )
        self.assertEqual(
            len(order.oms_customer_message_ids.filtered(lambda m: m.event == "shipped")), 2
        )

    def test_dates_and_money_in_the_customers_language(self):
        euro = self.env.ref("base.EUR")
        euro.active = True
        self.company.currency_id = euro
        # The order's money is its pricelist's: on a database with demo data the customer's
        # default pricelist is Odoo's demo one, in dollars.
        pricelist = self.env["product.pricelist"].create(
            {"name": "Web shop (EUR)", "currency_id": euro.id, "company_id": self.company.id}
        )
        jonas = self._german_customer()
        order = self._web_order([(self.shirt, 1)], partner=jonas, pricelist_id=pricelist.id)
        order.action_confirm()
        self._send()
        body = self._mails(order).body_html
        self.assertIn("Donnerstag, 3. Dezember 2026", body)
        self.assertIn("19,90\xa0€", body.replace("&nbsp;", "\xa0"))

    def test_ready_for_pickup_when_the_store_set_it_aside(self):
        order = self._web_order(
            [(self.shirt, 1)], oms_delivery_mode="pickup", oms_pickup_warehouse_id=self.store.id
        )
        order.action_confirm()
        handover = self._deliveries(order)
        self.assertEqual(handover.oms_shipment_kind, "pickup")
        self.assertFalse(
            order.oms_customer_message_ids.filtered(lambda m: m.event == "ready_for_pickup")
        )
        handover.move_ids.picked = True
        self._send()
        ready = order.oms_customer_message_ids.filtered(lambda m: m.event == "ready_for_pickup")
        self.assertEqual(ready.state, "queued")
        text = self._text(self._mails(order)[-1].body_html)
        self.assertIn(
            "Your order #1042 is ready: you can collect it at MITTE (Torstraße 1, 10115 Berlin).",
            text,
        )
        handover.button_validate()
        self.assertEqual(handover.state, "done")
        self.assertEqual(len(order.oms_customer_message_ids), 2, "a handover is no parcel")

    def test_handover_at_the_counter_is_not_announced_as_ready(self):
        order = self._web_order(
            [(self.shirt, 1)], oms_delivery_mode="pickup", oms_pickup_warehouse_id=self.store.id
        )
        order.action_confirm()
        self._deliveries(order).button_validate()
        self.assertEqual(order.oms_customer_message_ids.mapped("event"), ["confirmed"])

    def test_collected_before_the_e_mail_left_is_not_announced(self):
        order = self._web_order(
            [(self.shirt, 1)], oms_delivery_mode="pickup", oms_pickup_warehouse_id=self.store.id
        )
        order.action_confirm()
        handover = self._deliveries(order)
        handover.move_ids.picked = True
        handover.button_validate()
        self._send()
        ready = order.oms_customer_message_ids.filtered(lambda m: m.event == "ready_for_pickup")
        self.assertEqual(ready.state, "outdated")
        self.assertEqual(len(self._mails(order)), 1, "the confirmation only")

    def test_cancellation_told_once_with_what_every_part_said(self):
        order = self._web_order([(self.shirt, 1)])
        order.action_confirm()
        self._send()
        order.with_context(
            disable_cancel_warning=True, oms_cancel_message="You asked us to cancel it."
        ).action_cancel()
        self.assertEqual(order.state, "cancel")
        # Customer service's flow tells it too, with the refund: still one e-mail.
        order._oms_notify_customer("cancelled", key="cs-1", amount=23.8)
        self._send()
        cancelled = order.oms_customer_message_ids.filtered(lambda m: m.event == "cancelled")
        self.assertEqual(len(cancelled), 1)
        text = self._text(self._mails(order)[-1].body_html)
        self.assertIn("Your order #1042 has been cancelled.", text)
        self.assertIn("You asked us to cancel it.", text)
        refund = format_amount(self.env, 23.8, order.currency_id)
        self.assertIn(self._words(f"{refund} will be paid back the way you paid."), text)

    def test_a_draft_cancelled_is_not_told(self):
        order = self._web_order([(self.shirt, 1)])
        order.with_context(disable_cancel_warning=True).action_cancel()
        self.assertEqual(order.state, "cancel")
        self.assertFalse(order.oms_customer_message_ids)

    @mute_logger("odoo.addons.oms_omnichannel.models.oms_customer_message")
    def test_a_template_that_fails_is_retried_and_stops_nothing(self):
        template = self.env.ref("oms_omnichannel.mail_template_oms_delayed")
        template.body_html = '<p t-out="object.no_such_field"/>'
        order = self._web_order([(self.shirt, 1)])
        order.action_confirm()
        order._oms_notify_customer("delayed", key="late")
        self._send()
        by_event = {m.event: m for m in order.oms_customer_message_ids}
        self.assertEqual(by_event["confirmed"].state, "queued", "the others still go")
        self.assertEqual(by_event["delayed"].state, "pending")
        self.assertEqual(by_event["delayed"].attempts, 1)
        self.assertIn("no_such_field", by_event["delayed"].error)
        self._send()
        self._send()
        self.assertEqual(by_event["delayed"].state, "failed", "three tries, then a person looks")
        self.assertEqual(len(self._mails(order)), 1)

    def test_branding_of_the_channel(self):
        self.channel.write(
            {
                "brand_name": "Nordhafen",
                "logo": PIXEL,
            }
        )
        order = self._web_order([(self.shirt, 1)])
        order.action_confirm()
        self._send()
        body = self._mails(order).body_html
        self.assertIn(f"/oms/channel/{self.channel.id}/logo", body)
        self.assertIn("Kind regards,", self._text(body))
        self.assertIn("Nordhafen", self._text(body))
        self.assertIn("Sold by OMS Test Retail", self._text(body))
