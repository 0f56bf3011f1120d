# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What the customer message tests share (no test of its own): the routing retailer with a
web shop channel, two DCs a split order ships from, a carrier with a tracking link and a
pickup store; helpers to send the recorded messages and read the e-mails Odoo queued."""

import lxml.html
from odoo import Command

from .common import OmsRoutingCase

# A 1x1 PNG: a channel logo.
PIXEL = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5Er"
    "kJggg=="
)


class OmsCustomerMessageCase(OmsRoutingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"email": "service@oms-test.example", "phone": "+49 30 1234"})
        cls.parcel.write({"tracking_url": "https://track.example.com/?n=<shipmenttrackingnumber>"})
        cls.north = cls._create_node("NORTH")
        cls.south = cls._create_node("SOUTH")
        cls.store = cls._create_node(
            "MITTE", oms_node_kind="store", oms_pickup_point=True, oms_ships_parcels=False
        )
        cls.store.partner_id.write({"street": "Torstraße 1", "city": "Berlin"})
        cls.shirt = cls._create_product("Shirt", default_code="MSG-SHIRT", list_price=19.9)
        cls.cap = cls._create_product("Cap", default_code="MSG-CAP", list_price=9.5)
        cls._stock(cls.shirt, cls.north, 10)
        cls._stock(cls.cap, cls.south, 10)
        cls._stock(cls.shirt, cls.store, 5)
        cls.channel = cls.env["oms.channel"].create(
            {
                "name": "Nordhafen Web Shop",
                "code": "msg-web",
                "company_id": cls.company.id,
                "customer_email_from": "Nordhafen <shop@nordhafen.example>",
            }
        )
        cls.customer.write({"email": "ana@example.com", "lang": "en_US"})
        cls.Message = cls.env["oms.customer.message"]

    def _web_order(self, lines, partner=None, **vals):
        return self._create_order(
            lines,
            partner=partner,
            oms_channel_id=self.channel.id,
            client_order_ref="#1042",
            oms_external_name="#1042",
            **vals,
        )

    def _send(self):
        """What the sender cron does after the commit."""
        return self.Message._cron_send_pending()

    def _mails(self, order):
        """The e-mails queued for ``order``'s customer, oldest first."""
        return self.env["mail.mail"].search(
            [("model", "=", "sale.order"), ("res_id", "=", order.id)], order="id"
        )

    def _ship(self, picking, tracking_ref=None):
        picking.carrier_tracking_ref = tracking_ref
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
        picking.move_ids.picked = True
        picking.with_context(skip_backorder=True, cancel_backorder=True)._action_done()

    @staticmethod
    def _text(html):
        """The words of an e-mail as the customer reads them, without tags and spacing."""
        return " ".join(lxml.html.fromstring(html or "<div/>").text_content().split())

    @staticmethod
    def _words(text):
        """``text`` spaced as ``_text`` reads an e-mail (no-break spaces included)."""
        return " ".join(text.split())

    @classmethod
    def _german_customer(cls):
        cls.env["res.lang"]._activate_lang("de_DE")
        return cls._create_partner(
            "Jonas", "10117", email="jonas@example.com", lang="de_DE", street="Hauptstr. 1"
        )

    @staticmethod
    def _set_commands(records):
        return [Command.set(records.ids)]
