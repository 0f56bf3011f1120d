from odoo.tests import tagged

from .common import OmsReturnCase


@tagged("post_install", "-at_install")
class TestStartReturnDoor(OmsReturnCase):
    def test_the_customer_service_door_starts_a_mailed_return(self):
        order = self._delivered_order()
        service = self.env["oms.customer.service"].sudo()
        identity = {"order": order.name, "email": "ana@example.com"}
        lines = [{"sku": "SHIRT", "quantity": 1}]
        answer = service.start_return(
            identity, lines=lines, reason="wrong_size", idempotency_key="cs-ret-1", client="Bot"
        )
        self.assertEqual(answer["status"], "done", answer)
        ret = order.oms_return_ids
        self.assertEqual(answer["return"], ret.name)
        self.assertEqual(ret.source, "api")
        self.assertEqual(ret.client, "Bot")
        self.assertIn("MITTE", answer["summary"])
        again = service.start_return(
            identity, lines=lines, reason="wrong_size", idempotency_key="cs-ret-1", client="Bot"
        )
        self.assertTrue(again["replayed"])
        self.assertEqual(len(order.oms_return_ids), 1)
        refused = service.start_return(identity, lines=[{"sku": "SHIRT", "quantity": 5}])
        self.assertEqual(refused["status"], "refused")
        self.assertEqual(refused["code"], "too_many")
        options = service.order_options(identity)
        self.assertTrue(options["return"]["possible"])
