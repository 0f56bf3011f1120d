# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Who may define fences: OMS managers edit; whoever reads channels reads; the others,
through the ORM or a real JSON-RPC session, may not."""

from odoo import Command
from odoo.addons.oms_omnichannel.tests.access_common import OmsAccessCase, RpcError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import OmsChannelStockCase


@tagged("post_install", "-at_install")
class TestAccessRules(OmsChannelStockCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rule = cls._fence(cls.market, percent=20)

        def user(login, groups):
            return new_test_user(
                cls.env,
                login=login,
                groups=groups,
                company_id=cls.company.id,
                company_ids=[Command.set(cls.company.ids)],
            )

        cls.employee = user("ring20_employee", "base.group_user")
        cls.service = user(
            "ring20_service", "base.group_user,oms_omnichannel.group_oms_customer_service"
        )
        cls.manager = user("ring20_manager", "base.group_user,oms_omnichannel.group_oms_manager")
        cls.portal = user("ring20_portal", "base.group_portal")

    # The web client's JSON-RPC door, called as the core's access tests call it.
    call = OmsAccessCase.call
    _jsonrpc = OmsAccessCase._jsonrpc

    def _rpc(self, user, method, *args, **kwargs):
        """(result, None) or (None, the exception class Odoo answered with)."""
        try:
            return self.call(user, "oms.channel.stock.rule", method, *args, **kwargs), None
        except RpcError as error:
            return None, error.name

    def _vals(self):
        return {
            "channel_id": self.web.id,
            "warehouse_id": self.store.id,
            "product_id": self.lamp.id,
            "fence_type": "quantity",
            "quantity": 3,
        }

    def test_readers_read_but_do_not_edit(self):
        for user in self.employee | self.service:
            result, error = self._rpc(user, "read", self.rule.ids, ["percent"])
            self.assertIsNone(error)
            self.assertEqual(result[0]["percent"], 20)
            _result, error = self._rpc(user, "create", [self._vals()])
            self.assertEqual(error, "odoo.exceptions.AccessError", user.login)
            _result, error = self._rpc(user, "write", self.rule.ids, {"percent": 90})
            self.assertEqual(error, "odoo.exceptions.AccessError", user.login)
            _result, error = self._rpc(user, "action_release", self.rule.ids)
            self.assertEqual(error, "odoo.exceptions.AccessError", user.login)
            _result, error = self._rpc(user, "unlink", self.rule.ids)
            self.assertEqual(error, "odoo.exceptions.AccessError", user.login)
        self.assertEqual(self.rule.percent, 20)
        self.assertFalse(self.rule.released)
        self.assertEqual(self.Rule.search_count([("warehouse_id", "=", self.store.id)]), 0)

    def test_other_company_reads_nothing(self):
        other = self.env["res.company"].create({"name": "Fence Other Retail"})
        outsider = new_test_user(
            self.env,
            login="ring20_outsider",
            groups="base.group_user,oms_omnichannel.group_oms_manager",
            company_id=other.id,
            company_ids=[Command.set(other.ids)],
        )
        result, error = self._rpc(outsider, "search_read", [], ["percent"])
        self.assertIsNone(error)
        self.assertNotIn(self.rule.id, [row["id"] for row in result])
        _result, error = self._rpc(outsider, "write", self.rule.ids, {"percent": 90})
        self.assertEqual(error, "odoo.exceptions.AccessError")
        self.assertEqual(self.rule.percent, 20)

    def test_portal_user_reads_nothing(self):
        _result, error = self._rpc(self.portal, "read", self.rule.ids, ["percent"])
        self.assertEqual(error, "odoo.exceptions.AccessError")

    def test_manager_edits(self):
        result, error = self._rpc(self.manager, "create", [self._vals()])
        self.assertIsNone(error)
        created = self.Rule.browse(result)
        self.assertEqual(created.quantity, 3)
        _result, error = self._rpc(self.manager, "write", self.rule.ids, {"percent": 150})
        self.assertEqual(error, "odoo.exceptions.ValidationError")
        self.assertEqual(self.rule.percent, 20)

    def test_what_each_channel_sees_for_a_reader(self):
        check = (
            self.env["oms.channel.stock.check"]
            .with_user(self.employee)
            .create({"product_id": self.lamp.id, "warehouse_id": self.dc.id})
        )
        summary = str(check.summary)
        self.assertIn("Fence Marketplace", summary)
        self.assertIn("own units and the stock nobody owns", summary)
