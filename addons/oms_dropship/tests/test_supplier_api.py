# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The stock feed by API key (the sync service's door): a key reaches its own node only, a
revoked or unknown key nothing; a feed applies all or nothing, once per Idempotency-Key."""

import base64

from odoo.exceptions import AccessError
from odoo.tests import new_test_user

from .common import OmsDropshipCase


class TestSupplierApi(OmsDropshipCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sync_user = new_test_user(
            cls.env,
            login="partners20_sync",
            groups="oms_omnichannel.group_oms_integration",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )
        Key = cls.env["oms.dropship.api.key"]
        cls.key_a_record, cls.key_a = Key.with_user(cls.user_a)._issue(cls.supplier_a, "ERP A")
        cls.key_b_record, cls.key_b = Key.with_user(cls.user_b)._issue(cls.supplier_b, "ERP B")

    def _supply(self, key, idempotency_key, payload, feed_format="json", user=None):
        return (
            self.env["oms.dropship.supplier.api"]
            .with_user(user or self.sync_user)
            .supply_stock(key, idempotency_key, feed_format, payload)
        )

    def _on_hand(self, product, node):
        quants = self.env["stock.quant"]._gather(product, node.lot_stock_id, strict=True)
        return sum(quants.mapped("quantity"))

    def test_a_key_writes_its_own_suppliers_stock_only(self):
        answer = self._supply(self.key_a, "a-1", [{"sku": "LAMP-1", "quantity": 4}])
        self.assertEqual(answer, {"status": "applied", "replayed": False, "lines": 1, "changed": 1})
        self.assertEqual(self._on_hand(self.lamp, self.supplier_a), 4.0)
        self.assertEqual(self._on_hand(self.lamp, self.supplier_b), 10.0)
        self._supply(self.key_b, "a-1", [{"sku": "LAMP-1", "quantity": 2}])
        self.assertEqual(self._on_hand(self.lamp, self.supplier_b), 2.0)
        self.assertEqual(self._on_hand(self.lamp, self.supplier_a), 4.0)
        self.assertEqual(
            self.key_a_record.last_used_date.date(), self.key_b_record.create_date.date()
        )
        self.assertIn("ERP A", self.supplier_a.message_ids[0].body)

    def test_only_the_hash_of_a_key_is_kept(self):
        self.assertTrue(self.key_a.startswith("dsk_") and len(self.key_a) > 40)
        stored = self.key_a_record.sudo().read()[0]
        self.assertNotIn(self.key_a, [str(value) for value in stored.values()])
        self.assertEqual(self.key_a_record.prefix, self.key_a[:12])

    def test_revoked_and_unknown_keys_are_refused(self):
        self.key_a_record.with_user(self.user_a)._revoke()
        answer = self._supply(self.key_a, "r-1", [{"sku": "LAMP-1", "quantity": 1}])
        self.assertEqual(answer["status"], "revoked_api_key")
        for wrong in (self.key_a[:-2] + "xx", "", None, "dsk_", self.key_b_record.prefix):
            self.assertEqual(
                self._supply(wrong, "r-2", [{"sku": "LAMP-1", "quantity": 1}])["status"],
                "bad_api_key",
            )
        self.assertEqual(self._on_hand(self.lamp, self.supplier_a), 10.0)
        self.assertEqual(self._on_hand(self.lamp, self.supplier_b), 10.0)

    def test_a_retry_applies_once(self):
        feed = [{"sku": "LAMP-1", "quantity": 6}]
        first = self._supply(self.key_a, "retry-1", feed)
        self._stock(self.lamp, self.supplier_a, 3)  # stock moved meanwhile: 9
        again = self._supply(self.key_a, "retry-1", feed)
        self.assertEqual(again, {**first, "replayed": True})
        self.assertEqual(self._on_hand(self.lamp, self.supplier_a), 9.0)
        other = self._supply(self.key_a, "retry-1", [{"sku": "LAMP-1", "quantity": 7}])
        self.assertEqual(other["status"], "idempotency_conflict")
        self.assertEqual(self._on_hand(self.lamp, self.supplier_a), 9.0)

    def test_bad_lines_are_refused_one_by_one_and_nothing_applies(self):
        answer = self._supply(
            self.key_a,
            "bad-1",
            [
                {"sku": "LAMP-1", "quantity": 5},
                {"sku": "NOPE-9", "quantity": 1},
                {"sku": "CHAIR-1", "quantity": -2},
                {"sku": "CHAIR-1", "quantity": "many"},
                {"sku": "LAMP-1"},
                {"sku": 12, "quantity": 1},
            ],
        )
        self.assertEqual(answer["status"], "refused")
        self.assertEqual([e["line"] for e in answer["errors"]], [2, 3, 4, 5, 6])
        reasons = " | ".join(e["reason"] for e in answer["errors"])
        for said in ("Unknown SKU NOPE-9", "cannot be negative", "already on line 3",
                     '"sku" and "quantity"', "must be text"):  # fmt: skip
            self.assertIn(said, reasons)
        self.assertEqual(self._on_hand(self.lamp, self.supplier_a), 10.0)
        # Nothing was kept under the key: the corrected feed goes through with it.
        fixed = self._supply(self.key_a, "bad-1", [{"sku": "LAMP-1", "quantity": 5}])
        self.assertEqual(fixed["status"], "applied")

    def test_csv_as_the_portal_takes_it(self):
        data = base64.b64encode(b"sku;quantity\nLAMP-1;8\nCHAIR-1;1.5x\n").decode()
        answer = self._supply(self.key_a, "csv-1", data, feed_format="csv")
        self.assertEqual(answer["status"], "refused")
        self.assertEqual([e["line"] for e in answer["errors"]], [3])
        data = base64.b64encode(b"sku,quantity\nLAMP-1,8\n").decode()
        self.assertEqual(self._supply(self.key_a, "csv-2", data, "csv")["changed"], 1)
        self.assertEqual(self._on_hand(self.lamp, self.supplier_a), 8.0)
        self.assertEqual(self._supply(self.key_a, "csv-3", "%%%", "csv")["status"], "refused")

    def test_bad_idempotency_key_or_format(self):
        for key, fmt in (("", "json"), ("a b", "json"), ("x" * 81, "json"), ("ok", "xml")):
            answer = self._supply(self.key_a, key, [{"sku": "LAMP-1", "quantity": 1}], fmt)
            self.assertEqual(answer["status"], "invalid_request", (key, fmt))
        self.assertEqual(self._on_hand(self.lamp, self.supplier_a), 10.0)

    def test_only_the_integration_user_may_call_the_door(self):
        stock_manager = new_test_user(
            self.env,
            login="partners20_stock_manager",
            groups="stock.group_stock_manager",
            company_id=self.company.id,
            company_ids=[(6, 0, self.company.ids)],
        )
        for user in (self.user_a, stock_manager):
            with self.assertRaises(AccessError):
                self._supply(self.key_a, "x-1", [{"sku": "LAMP-1", "quantity": 1}], user=user)
        self.assertEqual(self._on_hand(self.lamp, self.supplier_a), 10.0)

    def test_a_key_of_a_node_no_longer_dropship_is_refused(self):
        self.supplier_a.oms_dropship_user_ids = False
        self.supplier_a.oms_node_kind = "dc"
        answer = self._supply(self.key_a, "n-1", [{"sku": "LAMP-1", "quantity": 1}])
        self.assertEqual(answer["status"], "bad_api_key")
