# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The customer-service API's doors (oms.customer.service) over JSON-RPC, as their user and
as everyone else: the customer must prove who they are, nobody else's order is revealed, and
every door refuses the wrong user."""

from odoo.tests import tagged

from .access_common import ACCESS_ERROR, OmsAccessCase, RpcError

DOORS = (
    "find_order",
    "order_status",
    "order_options",
    "cancel_order",
    "change_address",
    "change_delivery_mode",
    "start_return",
)


@tagged("post_install", "-at_install")
class TestCustomerServiceDoors(OmsAccessCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cs_api = cls._create_user(
            "oms_access_cs_api", "oms_omnichannel.group_oms_customer_service_api"
        )
        cls.order_a.client_order_ref = "#A-1001"
        cls.proof_a = {"order": cls.order_a.name, "email": "asa@example.com"}

    def _call(self, method, *args, **kwargs):
        return self.execute_kw(
            self.cs_api, self.key, "oms.customer.service", method, *args, **kwargs
        )

    def setUp(self):
        super().setUp()
        self.key = self.api_key(self.cs_api)

    def test_identity_is_proven_by_email_or_postal_code(self):
        found = self._call("find_order", self.proof_a, client="Helpdesk bot")
        self.assertEqual(found["status"], "found", found)
        self.assertEqual(found["order"]["order"], self.order_a.name)
        by_zip = self._call("find_order", {"order": "#A-1001", "postal_code": "10 117"})
        self.assertEqual(by_zip["order"]["order"], self.order_a.name)
        self.assertIn("Order looked up by Helpdesk bot", self.order_a.message_ids[1].body)

    def test_a_wrong_or_missing_proof_reveals_nothing(self):
        refusals = [
            {"order": self.order_a.name, "email": "asb@example.com"},  # order B's customer
            {"order": self.order_a.name, "postal_code": "99999"},
            {"order": self.order_a.name},
            {"email": "asa@example.com"},
            {"order": "S99999", "email": "asa@example.com"},
            "S00001",
        ]
        for identity in refusals:
            for door in ("find_order", "order_status", "order_options"):
                answer = self._call(door, identity)
                self.assertEqual(answer["status"], "not_found", (door, identity, answer))
                self.assertNotIn("Access Customer", str(answer))

    def test_status_in_plain_words(self):
        status = self._call("order_status", self.proof_a)
        self.assertEqual(status["order"]["customer"], "Access Customer A")
        [shipment] = status["shipments"]
        self.assertEqual(shipment["from"], "Access Store A")
        self.assertEqual(shipment["items"], "1 x Access Mug")
        self.assertIn("1 parcel", status["summary"])
        self.assertFalse(status["late"])

    def test_cancel_through_the_door_once_per_key(self):
        answer = self._call(
            "cancel_order",
            self.proof_a,
            reason="Ordered twice",
            idempotency_key="door-1",
            client="Helpdesk bot",
        )
        self.assertEqual(answer["status"], "done", answer)
        again = self._call(
            "cancel_order", self.proof_a, idempotency_key="door-1", client="Helpdesk bot"
        )
        self.assertTrue(again["replayed"])
        self.env.invalidate_all()
        self.assertEqual(self.order_a.state, "cancel")
        [change] = self.order_a.oms_change_ids
        self.assertEqual((change.source, change.client), ("api", "Helpdesk bot"))
        refused = self._call("cancel_order", self.proof_a, idempotency_key="door-2")
        self.assertEqual((refused["status"], refused["code"]), ("refused", "already_cancelled"))

    def test_changes_are_refused_in_words(self):
        answer = self._call("change_delivery_mode", self.proof_a, "drone", idempotency_key="door-3")
        self.assertEqual((answer["status"], answer["code"]), ("refused", "invalid_mode"))
        answer = self._call(
            "cancel_order", self.proof_a, lines=[{"sku": "ACCESS-MUG", "quantity": -1}]
        )
        self.assertEqual(answer["code"], "invalid_quantity")
        answer = self._call("start_return", self.proof_a)
        # Without the returns addon there are none; with it, a return needs its lines.
        code = "nothing_to_change" if "oms.return" in self.env else "not_available"
        self.assertEqual((answer["status"], answer["code"]), ("refused", code))
        self.assertEqual(self._call("change_address", {"order": "x"}, {})["status"], "not_found")

    def test_every_door_refuses_everyone_else(self):
        for user in (
            self.sync,
            self.service,
            self.manager,
            self.staff_a,
            self.employee,
            self.portal,
        ):
            for door in DOORS:
                args = {"change_address": [{}], "change_delivery_mode": ["ship"]}.get(door, [])
                self.assertRefused(
                    user, "oms.customer.service", door, self.proof_a, *args, error=ACCESS_ERROR
                )
        self.assertEqual(self.order_a.state, "sale")

    def test_the_change_operations_and_their_records_are_no_doors(self):
        """The operations are private (no RPC), the wizard and the records are customer
        service's: store staff, employees and the integration user get nowhere."""
        for method in (
            "_oms_cancel_order",
            "_oms_cancel_lines",
            "_oms_change_address",
            "_oms_request_refund",
        ):
            with self.assertRaises(RpcError) as caught:
                self.call(self.service, "sale.order", method, [self.order_a.id])
            self.assertIn("Private methods", caught.exception.message)
        for user in (self.staff_a, self.employee, self.sync, self.cs_api):
            self.assertRefused(
                user, "oms.order.change.wizard", "create", {"sale_order_id": self.order_a.id}
            )
            for model in ("oms.order.change", "oms.refund.request"):
                if user == self.sync and model == "oms.refund.request":
                    continue  # the sync service reads the requests it pushes
                self.assertRefused(user, model, "search_read", [])
        wizard = self.call(
            self.service, "oms.order.change.wizard", "create", {"sale_order_id": self.order_a.id}
        )
        self.assertTrue(wizard)
