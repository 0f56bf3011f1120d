import re

from freezegun import freeze_time
from odoo import Command
from odoo.tests import tagged

from .common import TUESDAY_MORNING, OmsRoutingCase


@tagged("post_install", "-at_install")
@freeze_time(TUESDAY_MORNING)
class TestOrderPreview(OmsRoutingCase):
    """Before confirming, each line says what the network has and when it would arrive -
    the date routing then keeps - and the order says how it would ship."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dc = cls._create_node("DC", zip_code="20457", oms_handling_cost=1.0)
        cls.store = cls._create_node(
            "STORE",
            zip_code="50667",
            oms_node_kind="store",
            oms_ship_from_store=True,
            oms_pickup_point=True,
            oms_handling_cost=9.0,
        )
        cls.shirt = cls._create_product("Shirt")
        cls._stock(cls.shirt, cls.dc, 10)
        cls._stock(cls.shirt, cls.store, 3)
        cls.web = cls._create_channel("Web", "webshop", "backorder", safety_stock=1)
        cls.phone = cls._create_channel("Phone", "phone", "hold")

    @staticmethod
    def _words(html):
        """The banner as the user reads it: text only, spaces as a browser shows them."""
        return " ".join(re.sub(r"<[^>]+>", " ", html or "").split()).replace(" ,", ",")

    @classmethod
    def _create_channel(cls, name, kind, behaviour, **vals):
        return cls.env["oms.channel"].create(
            {
                "name": name,
                "code": f"preview-{kind}",
                "kind": kind,
                "unfulfillable_behaviour": behaviour,
                "company_id": cls.company.id,
                **vals,
            }
        )

    def test_line_tells_the_network_stock_and_the_date_routing_keeps(self):
        order = self._create_order([(self.shirt, 2)], oms_channel_id=self.web.id)
        line = order.order_line
        # Sellable per node, less the web shop's safety stock of 1: 9 + 2.
        self.assertEqual(line.oms_available_qty, 11)
        # Tuesday before the cutoff, two days in transit.
        self.assertEqual(
            line.oms_promise_text, "11 available in the network, arrives Thu 12/03/2026"
        )
        self.assertIn("ships in 1", self._words(order.oms_preview_html))
        self.assertIn("from DC, arrives Thu 12/03/2026.", self._words(order.oms_preview_html))
        self.assertIn("Shirt: DC 9, STORE 2", self._words(order.oms_preview_html))

        order.action_confirm()
        self.assertEqual(str(order.oms_promised_date.date()), "2026-12-03")
        # Confirmed: the decision speaks, the preview is gone.
        self.assertFalse(line.oms_promise_text)
        self.assertFalse(order.oms_preview_html)

    def test_the_preview_only_reads(self):
        order = self._create_order([(self.shirt, 2)], oms_channel_id=self.web.id)
        self.assertTrue(order.order_line.oms_promise_text)
        self.assertFalse(order.picking_ids)
        decisions = self.env["oms.routing.decision"].search([("sale_order_id", "=", order.id)])
        self.assertFalse(decisions)
        self.assertEqual(order.oms_routing_state, "none")

    def test_switched_off_node_is_not_counted(self):
        self.store.oms_routing_enabled = False
        order = self._create_order([(self.shirt, 2)], oms_channel_id=self.web.id)
        self.assertEqual(order.order_line.oms_available_qty, 9)
        self.assertIn("Shirt: DC 9", self._words(order.oms_preview_html))
        self.assertNotIn("STORE", self._words(order.oms_preview_html))

    def test_holding_channel_gives_no_date_for_a_short_order(self):
        order = self._create_order([(self.shirt, 20)], oms_channel_id=self.phone.id)
        self.assertEqual(
            order.order_line.oms_promise_text, "Only 13 of 20 available in the network"
        )
        self.assertIn(
            "not everything is in stock: the order is put on hold for a person to decide.",
            self._words(order.oms_preview_html),
        )
        self.assertNotIn("arrive", self._words(order.oms_preview_html))
        order.action_confirm()
        self.assertEqual(order.oms_routing_state, "hold")

    def test_backordering_channel_dates_what_ships(self):
        order = self._create_order([(self.shirt, 15)], oms_channel_id=self.web.id)
        self.assertEqual(
            order.order_line.oms_promise_text,
            "Only 11 of 15 available in the network: 11 arrive Thu 12/03/2026, 4 backordered",
        )
        banner = self._words(order.oms_preview_html)
        self.assertIn("what is in stock arrives by Thu 12/03/2026; 4 more backordered.", banner)

    def test_click_and_collect_says_when_it_is_ready(self):
        order = self._create_order(
            [(self.shirt, 5)],
            oms_channel_id=self.web.id,
            oms_delivery_mode="pickup",
            oms_pickup_warehouse_id=self.store.id,
        )
        text = order.order_line.oms_promise_text
        self.assertTrue(text.startswith("11 available in the network, ready for pickup on "), text)
        self.assertIn("ready for pickup at STORE on", self._words(order.oms_preview_html))
        order.action_confirm()
        ready = self.env["oms.order.preview"]._format_day(order.oms_ready_date.date())
        self.assertTrue(text.endswith(ready), (text, ready))

    def test_dates_follow_the_users_language(self):
        self.env["res.lang"]._activate_lang("de_DE")
        order = self._create_order([(self.shirt, 2)], oms_channel_id=self.web.id)
        text = order.with_context(lang="de_DE").order_line.oms_promise_text
        self.assertIn("Do. 03.12.2026", text)

    def test_quotation_being_typed_without_customer_shows_stock_only(self):
        # What the form computes while the order is new: no record in the database yet.
        order = self.env["sale.order"].new(
            {
                "company_id": self.company.id,
                "oms_channel_id": self.web.id,
                "order_line": [Command.create({"product_id": self.shirt.id, "product_uom_qty": 1})],
            }
        )
        self.assertEqual(order.order_line.oms_promise_text, "11 available in the network")
        banner = self._words(order.oms_preview_html)
        self.assertIn("choose the customer to see when it arrives.", banner)

    def test_other_lines_are_left_alone(self):
        service = self.env["product.product"].create({"name": "Gift wrap", "type": "service"})
        nowhere = self._create_product("Nowhere")
        order = self._create_order([(service, 1), (nowhere, 1)], oms_channel_id=self.web.id)
        wrap, missing = order.order_line
        self.assertFalse(wrap.oms_promise_text)
        self.assertEqual(missing.oms_promise_text, "Not available in the network")

    def test_odoo_forecast_icon_gives_way_on_quotations(self):
        # Odoo's icon counts the order's own warehouse (empty here): it would say "not
        # available" next to the network's 11.
        order = self._create_order([(self.shirt, 2)], oms_channel_id=self.web.id)
        self.assertFalse(order.order_line.display_qty_widget)
        order.action_confirm()
        self.assertTrue(order.order_line.display_qty_widget)

    def test_new_order_of_the_app_is_a_phone_order(self):
        other = self.env["res.company"].create({"name": "Other Retail"})
        self.env["oms.channel"].create(
            {"name": "Other phone", "code": "other-phone", "kind": "phone", "company_id": other.id}
        )
        orders = self.env["sale.order"]
        self.assertFalse(orders.default_get(["oms_channel_id"]).get("oms_channel_id"))
        values = orders.with_context(oms_default_channel_kind="phone").default_get(
            ["oms_channel_id"]
        )
        self.assertEqual(values["oms_channel_id"], self.phone.id)
