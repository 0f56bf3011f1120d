# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Every door of the supplier portal tried by the wrong people over real HTTP: another
supplier's portal user, a plain portal customer, and someone not logged in - on the portal's
pages and forms, and through JSON-RPC as the web client calls Odoo. Each is refused and
changes nothing; the right supplier sees the shipping address and nothing more of the
customer."""

import base64

import pytz
from odoo import http
from odoo.addons.oms_omnichannel.tests.access_common import ACCESS_ERROR, OmsAccessCase, RpcError
from odoo.tests import HttpCase, tagged

from .common import OmsDropshipCase

DELIVERY = "oms.dropship.delivery"


@tagged("post_install", "-at_install")
class TestDropshipDoors(OmsDropshipCase, HttpCase):
    call = OmsAccessCase.call
    _jsonrpc = OmsAccessCase._jsonrpc
    assertRefused = OmsAccessCase.assertRefused

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order = cls._web_order([(cls.lamp, 1)])
        cls.delivery_a = cls._dropship(cls.order)
        cls.supplier_a.oms_routing_enabled = False
        cls.order_b = cls._web_order([(cls.chair, 1)])
        cls.delivery_b = cls._dropship(cls.order_b)
        cls.supplier_a.oms_routing_enabled = True

    def setUp(self):
        super().setUp()
        self.assertEqual(self.delivery_a.warehouse_id, self.supplier_a)
        self.assertEqual(self.delivery_b.warehouse_id, self.supplier_b)

    def _login(self, user):
        self.authenticate(user.login, user.login) if user else self.authenticate(None, None)
        self._session_user = user

    def _get(self, url):
        return self.url_open(url, allow_redirects=False)

    def _post(self, url, **data):
        data["csrf_token"] = http.Request.csrf_token(self)
        return self.url_open(url, data=data, allow_redirects=False)

    # ------------------------------------------------------------------ the portal's pages

    def test_supplier_sees_own_delivery_and_only_shipping_details(self):
        self._login(self.user_a)
        page = self._get("/my/dropship")
        self.assertEqual(page.status_code, 200)
        self.assertIn(self.delivery_a.name, page.text)
        self.assertNotIn(self.delivery_b.name, page.text)
        page = self._get(f"/my/dropship/{self.delivery_a.id}")
        self.assertEqual(page.status_code, 200)
        for shown in ("Ana", "Torstr. 1", "10117", "+49 30 1234 5678"):
            self.assertIn(shown, page.text)
        self.assertNotIn("ana.private@example.com", page.text)
        self.assertNotIn("80.00", page.text)  # no prices

    def test_times_in_the_suppliers_language_and_time_zone(self):
        self.env["res.lang"]._activate_lang("de_DE")
        self.user_a.write({"lang": "de_DE", "tz": "Europe/Berlin"})
        deadline = pytz.utc.localize(self.delivery_a.accept_deadline)
        local = deadline.astimezone(pytz.timezone("Europe/Berlin"))
        self._login(self.user_a)
        page = self.url_open(f"/my/dropship/{self.delivery_a.id}").text
        self.assertIn(local.strftime("%d.%m.%Y %H:%M"), page)
        self.assertNotIn(self.delivery_a.accept_deadline.isoformat(), page)
        self.assertIn("Waiting for your answer", page)
        self.assertNotIn(">new<", page)

    def test_portal_home_shows_the_supplier_entries_to_suppliers_only(self):
        self._login(self.user_a)
        home = self._get("/my")
        self.assertIn('href="/my/dropship"', home.text)
        self.assertIn('href="/my/dropship/stock"', home.text)
        self._login(self.portal_customer)
        self.assertNotIn("/my/dropship", self._get("/my").text)

    def test_other_supplier_is_refused_on_every_page_and_form(self):
        self._login(self.user_b)
        delivery = self.delivery_a
        self.assertEqual(self._get(f"/my/dropship/{delivery.id}").status_code, 404)
        self.assertNotIn(delivery.name, self._get("/my/dropship").text)
        for action, data in (
            ("accept", {}),
            ("reject", {"reason": "Not mine"}),
            ("ship", {"carrier_id": str(self.parcel.id), "tracking_ref": "X1"}),
        ):
            reply = self._post(f"/my/dropship/{delivery.id}/{action}", **data)
            self.assertEqual(reply.status_code, 404, action)
        self.assertEqual(delivery.state, "new")
        self.assertEqual(self._to_ship(self.order), {("DSA", self.lamp): 1.0})

    def test_portal_customer_and_anonymous_are_refused(self):
        self._login(self.portal_customer)
        self.assertEqual(self._get("/my/dropship").status_code, 404)
        self.assertEqual(self._get(f"/my/dropship/{self.delivery_a.id}").status_code, 404)
        self.assertEqual(self._get("/my/dropship/stock").status_code, 404)
        self.assertEqual(self._post(f"/my/dropship/{self.delivery_a.id}/accept").status_code, 404)
        self._login(None)
        for url in ("/my/dropship", f"/my/dropship/{self.delivery_a.id}", "/my/dropship/stock"):
            reply = self._get(url)
            self.assertEqual(reply.status_code, 303, url)
            self.assertIn("/web/login", reply.headers["Location"])
        self.assertEqual(self.delivery_a.state, "new")

    def test_supplier_acts_through_the_forms(self):
        self._login(self.user_a)
        reply = self._post(f"/my/dropship/{self.delivery_a.id}/accept")
        self.assertEqual(reply.status_code, 303)
        self.assertEqual(self.delivery_a.state, "accepted")
        reply = self._post(
            f"/my/dropship/{self.delivery_a.id}/ship",
            carrier_id=str(self.parcel.id),
            tracking_ref="",
        )
        self.assertIn("error=", reply.headers["Location"])
        self.assertEqual(self.delivery_a.state, "accepted")
        move = self.delivery_a.picking_id.move_ids
        reply = self._post(
            f"/my/dropship/{self.delivery_a.id}/ship",
            carrier_id=str(self.parcel.id),
            tracking_ref="TRK-42",
            **{f"qty_{move.id}": "nan"},
        )
        self.assertIn("is%20not%20a%20quantity", reply.headers["Location"])
        self.assertEqual(self.delivery_a.state, "accepted")
        self._post(
            f"/my/dropship/{self.delivery_a.id}/ship",
            carrier_id=str(self.parcel.id),
            tracking_ref="TRK-42",
            **{f"qty_{move.id}": "1"},
        )
        self.assertEqual(self.delivery_a.state, "shipped")
        self.assertEqual(self.delivery_a.picking_id.carrier_tracking_ref, "TRK-42")

    def test_stock_upload_only_for_own_node(self):
        self._login(self.user_b)
        csv = b"sku,quantity\nLAMP-1,99\n"
        reply = self.url_open(
            "/my/dropship/stock",
            data={"node_id": str(self.supplier_a.id), "csrf_token": http.Request.csrf_token(self)},
            files={"stock_file": ("stock.csv", csv, "text/csv")},
            allow_redirects=False,
        )
        self.assertEqual(reply.status_code, 404)
        quants = self.env["stock.quant"]._gather(self.lamp, self.supplier_a.lot_stock_id)
        self.assertEqual(sum(quants.mapped("quantity")), 10.0)
        # Their own node: applied; a bad file: every bad line shown, nothing applied.
        reply = self.url_open(
            "/my/dropship/stock",
            data={"node_id": str(self.supplier_b.id), "csrf_token": http.Request.csrf_token(self)},
            files={"stock_file": ("stock.csv", b"sku,quantity\nLAMP-1,12\nNOPE,1\n", "text/csv")},
        )
        self.assertIn("Unknown SKU NOPE", reply.text)
        quants = self.env["stock.quant"]._gather(self.lamp, self.supplier_b.lot_stock_id)
        self.assertEqual(sum(quants.mapped("quantity")), 10.0)
        reply = self.url_open(
            "/my/dropship/stock",
            data={"node_id": str(self.supplier_b.id), "csrf_token": http.Request.csrf_token(self)},
            files={"stock_file": ("stock.csv", b"sku,quantity\nLAMP-1,12\n", "text/csv")},
        )
        self.assertIn("Stock updated", reply.text)
        self.assertEqual(sum(quants.mapped("quantity")), 12.0)

    def test_label_pdf_only_for_its_supplier(self):
        self.as_supplier(self.delivery_a, self.user_a)._oms_accept()
        request = self.as_supplier(self.delivery_a, self.user_a)._oms_request_label()
        self.env["oms.intake"].sudo()._apply_labels(
            [
                {
                    "key": request.key,
                    "status": "bought",
                    "tracking_number": "LBL-1",
                    "label_pdf": base64.b64encode(b"%PDF-1.4 label").decode(),
                }
            ]
        )
        url = f"/my/dropship/{self.delivery_a.id}/label.pdf"
        for user in (self.user_b, self.portal_customer):
            self._login(user)
            self.assertEqual(self._get(url).status_code, 404, user.login)
            reply = self._post(f"/my/dropship/{self.delivery_a.id}/label")
            self.assertEqual(reply.status_code, 404, user.login)
        self._login(None)
        self.assertEqual(self._get(url).status_code, 303)
        self._login(self.user_a)
        reply = self._get(url)
        self.assertEqual(reply.status_code, 200)
        self.assertEqual(reply.content, b"%PDF-1.4 label")
        attachment = request.label_attachment_id
        self.assertRefused(self.user_a, "ir.attachment", "read", attachment.ids, ["datas"])

    # ------------------------------------------------------------------ JSON-RPC

    def test_rpc_supplier_reads_only_own_deliveries(self):
        both = (self.delivery_a | self.delivery_b).ids
        found = self.call(self.user_b, DELIVERY, "search", [("id", "in", both)])
        self.assertEqual(found, self.delivery_b.ids)
        rows = self.call(
            self.user_b, DELIVERY, "read", self.delivery_b.ids, ["ship_name", "ship_phone"]
        )
        self.assertEqual(rows[0]["ship_name"], "Ana")
        self.assertRefused(self.user_b, DELIVERY, "read", self.delivery_a.ids, ["ship_name"])

    def test_rpc_supplier_changes_nothing_directly(self):
        self.assertRefused(
            self.user_a, DELIVERY, "write", self.delivery_a.ids, {"state": "shipped"}
        )
        self.assertRefused(self.user_a, DELIVERY, "unlink", self.delivery_a.ids)
        self.assertRefused(
            self.user_a,
            DELIVERY,
            "create",
            {"picking_id": self.delivery_b.picking_id.id, "warehouse_id": self.supplier_a.id},
        )
        with self.assertRaises(RpcError):
            self.call(self.user_b, DELIVERY, "_oms_accept", self.delivery_a.ids)
        self.assertEqual(self.delivery_a.state, "new")

    def test_rpc_supplier_sees_no_order_delivery_or_customer(self):
        picking = self.delivery_a.picking_id
        self.assertRefused(self.user_a, "stock.picking", "read", picking.ids, ["partner_id"])
        self.assertRefused(self.user_a, "stock.move", "search", [])
        self.assertRefused(self.user_a, "stock.quant", "search", [])
        self.assertRefused(self.user_a, "sale.order", "read", self.order.ids, ["partner_id"])
        self.assertRefused(self.user_a, "res.partner", "read", self.customer.ids, ["email"])
        self.assertRefused(self.user_a, "stock.warehouse", "read", self.supplier_b.ids, ["name"])
        self.assertRefused(self.user_a, "oms.node.signal", "search", [])
        self.assertRefused(self.user_a, "oms.label.request", "search", [])
        self.assertRefused(self.user_a, "oms.outbox.event", "search", [])

    def test_rpc_wrong_people_read_no_delivery(self):
        for user in (self.portal_customer,):
            self.assertEqual(
                self.call(user, DELIVERY, "search", [("id", "in", self.delivery_a.ids)]), []
            )
            self.assertRefused(user, DELIVERY, "read", self.delivery_a.ids, ["ship_name"])
        self._login(None)
        with self.assertRaises(RpcError) as caught:
            self._jsonrpc(
                f"/web/dataset/call_kw/{DELIVERY}/search_read",
                {"model": DELIVERY, "method": "search_read", "args": [[]], "kwargs": {}},
            )
        self.assertIn(caught.exception.name, ("odoo.http.SessionExpiredException", ACCESS_ERROR))

    def test_supplier_cannot_give_themselves_another_node(self):
        self.assertRefused(
            self.user_a,
            "res.users",
            "write",
            self.user_a.ids,
            {"oms_dropship_warehouse_ids": [(4, self.supplier_b.id)]},
        )
        self.assertEqual(self.user_a.oms_dropship_warehouse_ids, self.supplier_a)
