# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The label doors called by the wrong people over real HTTP JSON-RPC (as the POS calls
them): store B's staff on store A's parcel or through store B's till, an employee without
POS or store rights, a portal user. Each is refused; nobody gets the PDF any other way."""

import base64

from odoo.addons.oms_omnichannel.tests.access_common import ACCESS_ERROR, OmsAccessCase, RpcError
from odoo.tests import HttpCase, new_test_user, tagged

from .pos_common import OmsStoreTillCase

PDF = b"%PDF-1.4\n% store A's label\n"
LABEL = "oms.store.label"


@tagged("post_install", "-at_install")
class TestStoreLabelAccess(OmsStoreTillCase, HttpCase):
    call = OmsAccessCase.call
    _jsonrpc = OmsAccessCase._jsonrpc

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.store_order = cls._store_order(cls._web_order([(cls.mug, 1)]))
        cls.env["oms.store.pos"].with_user(cls.staff_a).accept(cls.store_order.id)
        cls.env[LABEL].with_user(cls.staff_a).request_label(cls.store_order.id)
        cls.env["oms.intake"].sudo()._apply_labels(
            [
                {
                    "key": f"store-{cls.store_order.picking_id.id}",
                    "status": "bought",
                    "tracking_number": "LBL-A",
                    "label_pdf": base64.b64encode(PDF).decode(),
                }
            ]
        )
        cls.till_b = cls.env["pos.config"].create(
            {
                "name": "Till STB",
                "company_id": cls.company.id,
                "picking_type_id": cls.store_b.pos_type_id.id,
                "payment_method_ids": [(6, 0, cls.card_method.ids)],
            }
        )
        cls.employee = new_test_user(
            cls.env,
            login="partners20_employee",
            groups="base.group_user",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )
        cls.portal = new_test_user(
            cls.env,
            login="partners20_portal",
            groups="base.group_portal",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )
        for user in (cls.staff_a, cls.staff_b):
            user.password = user.login

    def assertRefused(self, user, method, *args):
        with self.assertRaises(RpcError, msg=f"{user.login} may call {method}") as caught:
            self.call(user, LABEL, method, *args)
        self.assertEqual(caught.exception.name, ACCESS_ERROR, caught.exception.message)

    def test_the_wrong_people_get_no_label(self):
        so = self.store_order.id
        for user in (self.staff_b, self.employee, self.portal):
            for method in ("label_pdf", "label_status", "request_label"):
                with self.subTest(user=user.login, door=method):
                    self.assertRefused(user, method, so)
        # Store A's staff, through store B's till: refused too.
        for method in ("label_pdf", "request_label"):
            self.assertRefused(self.staff_a, method, so, self.till_b.id)

    def test_no_other_way_to_the_pdf(self):
        attachment = (
            self.env["oms.label.request"]
            .search([("picking_id", "=", self.store_order.picking_id.id)])
            .label_attachment_id
        )
        self.assertEqual(attachment.raw, PDF)
        for user in (self.staff_b, self.employee, self.portal):
            with self.subTest(user=user.login):
                self.authenticate(user.login, user.login)
                self._session_user = user
                reply = self.url_open(f"/web/content/{attachment.id}?download=true")
                self.assertNotEqual(reply.content, PDF)
                self.assertIn(reply.status_code, (403, 404))
                with self.assertRaises(RpcError):
                    self.call(user, "ir.attachment", "read", [attachment.id], ["datas"])

    def test_store_a_staff_gets_it_through_its_till(self):
        answer = self.call(self.staff_a, LABEL, "label_pdf", self.store_order.id, self.till.id)
        self.assertTrue(answer["ok"], answer)
        self.assertEqual(base64.b64decode(answer["pdf"]), PDF)
