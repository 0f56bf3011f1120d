# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The supplier's API keys through the portal, and the wrong people at every door: a key is
issued and shown once to the node's own supplier, revoked by them (or an OMS manager); another
supplier, a portal customer, someone not logged in and RPC callers get nothing."""

import re

from odoo import http
from odoo.addons.oms_omnichannel.tests.access_common import OmsAccessCase, RpcError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import OmsDropshipCase

KEY = "oms.dropship.api.key"


@tagged("post_install", "-at_install")
class TestApiKeyDoors(OmsDropshipCase, HttpCase):
    call = OmsAccessCase.call
    _jsonrpc = OmsAccessCase._jsonrpc
    assertRefused = OmsAccessCase.assertRefused

    def _login(self, user):
        self.authenticate(user.login, user.login) if user else self.authenticate(None, None)
        self._session_user = user

    def _post(self, url, **data):
        data["csrf_token"] = http.Request.csrf_token(self)
        return self.url_open(url, data=data, allow_redirects=False)

    def _keys(self, node):
        return self.env[KEY].search([("warehouse_id", "=", node.id)])

    def test_supplier_issues_a_key_shown_once_and_revokes_it(self):
        self._login(self.user_a)
        page = self._post("/my/dropship/stock/keys", node_id=self.supplier_a.id, name="Our ERP")
        self.assertEqual(page.status_code, 200)
        shown = re.search(r"dsk_[A-Za-z0-9_-]{40,}", page.text).group(0)
        key = self._keys(self.supplier_a)
        self.assertEqual(key.name, "Our ERP")
        self.assertEqual(key.prefix, shown[:12])
        again = self.url_open("/my/dropship/stock").text
        self.assertIn(key.prefix, again)
        self.assertNotIn(shown, again)
        self.assertIn("Our ERP", again)
        self._post(f"/my/dropship/stock/keys/{key.id}/revoke")
        self.assertFalse(key.active)
        self.assertEqual(key.revoked_by_id, self.user_a)
        self.assertNotIn(key.prefix, self.url_open("/my/dropship/stock").text)

    def test_another_supplier_cannot_issue_or_revoke_for_a_node_not_theirs(self):
        key, _clear = self.env[KEY].with_user(self.user_b)._issue(self.supplier_b, "B's ERP")
        for user in (self.user_a, self.portal_customer, None):
            self._login(user)
            page = self._post("/my/dropship/stock/keys", node_id=self.supplier_b.id, name="x")
            self.assertIn(page.status_code, (303, 404) if user is None else (404,))
            self.assertFalse(self._keys(self.supplier_b) - key)
            page = self._post(f"/my/dropship/stock/keys/{key.id}/revoke")
            self.assertIn(page.status_code, (303, 404) if user is None else (404,))
            self.assertTrue(key.active)
            if user:
                self.assertNotIn(key.prefix, self.url_open("/my/dropship/stock").text)

    def test_rpc_cannot_read_keys_revoke_them_or_feed_stock(self):
        key, clear = self.env[KEY].with_user(self.user_b)._issue(self.supplier_b, "B's ERP")
        feed = ("oms.dropship.supplier.api", "supply_stock", clear, "k-1", "json",
                [{"sku": "LAMP-1", "quantity": 0}])  # fmt: skip
        for user in (self.user_a, self.user_b, self.portal_customer):
            self.assertRefused(user, KEY, "search_read", [("id", "=", key.id)])
            self.assertRefused(user, KEY, "action_revoke", [key.id])
            self.assertRefused(user, KEY, "_find", clear)
            self.assertRefused(user, *feed)
        stock_user = new_test_user(
            self.env,
            login="partners20_stock_user",
            groups="stock.group_stock_user",
            company_id=self.company.id,
            company_ids=[(6, 0, self.company.ids)],
        )
        self.assertRefused(stock_user, KEY, "action_revoke", [key.id])
        self.assertRefused(stock_user, *feed)
        self.assertTrue(key.active)
        manager = new_test_user(
            self.env,
            login="partners20_oms_manager",
            groups="oms_omnichannel.group_oms_manager",
            company_id=self.company.id,
            company_ids=[(6, 0, self.company.ids)],
        )
        with self.assertRaises(RpcError):  # the hash is not even for managers
            self.call(manager, KEY, "read", [key.id], ["key_hash"])
        self.call(manager, KEY, "action_revoke", [key.id])
        self.assertFalse(key.active)

    def test_another_companys_manager_sees_no_key(self):
        key, _clear = self.env[KEY].with_user(self.user_a)._issue(self.supplier_a, "A's ERP")
        other = self.env["res.company"].create({"name": "Other Retailer"})
        manager = new_test_user(
            self.env,
            login="partners20_other_manager",
            groups="oms_omnichannel.group_oms_manager",
            company_id=other.id,
            company_ids=[(6, 0, other.ids)],
        )
        self.assertEqual(self.call(manager, KEY, "search", [("id", "=", key.id)]), [])
        self.assertRefused(manager, KEY, "action_revoke", [key.id])
        self.assertTrue(key.active)
