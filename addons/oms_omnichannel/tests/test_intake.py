# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from unittest.mock import patch

from odoo.exceptions import UserError

from .test_intake_common import OmsIntakeCommon


class TestIntakeOrders(OmsIntakeCommon):
    def test_open_order_is_created_and_confirmed(self):
        [result] = self._ingest(self._payload())
        self.assertEqual(result["status"], "created", result)
        self.assertIsNone(result["error"])
        order = self._orders("1001")
        self.assertEqual(order.id, result["order_id"])
        self.assertEqual(order.name, result["order_name"])
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.oms_external_version, "1")
        self.assertEqual(order.client_order_ref, "#1001")
        self.assertEqual(order.partner_id.email, "ana.intake@example.com")
        self.assertEqual(order.partner_shipping_id.parent_id, order.partner_id)
        self.assertEqual(order.partner_shipping_id.country_id.code, "PT")
        self.assertEqual(order.partner_shipping_id.zip, "1100-053")
        self.assertEqual(order.oms_payment_status, "paid")
        self.assertEqual(order.oms_payment_reference, "pi_1")
        self.assertAlmostEqual(order.oms_payment_amount, 44.30)
        shipping = order.order_line.filtered("is_delivery")
        self.assertEqual(shipping.price_unit, 4.90)
        self.assertEqual(shipping.product_id, self.carrier.product_id)
        self.assertAlmostEqual(order.oms_shipping_price, 4.90)
        lines = (order.order_line - shipping).sorted("oms_external_line_id")
        self.assertEqual(lines.mapped("product_id"), self.product_a | self.product_b)
        self.assertEqual(lines.mapped("product_uom_qty"), [2.0, 1.0])
        self.assertEqual(lines.mapped("price_unit"), [19.9, 5.0])
        self.assertEqual(lines.mapped("discount"), [0.0, 10.0])
        self.assertTrue(order.picking_ids, "confirmation launches the deliveries")

    def test_same_payload_twice_changes_nothing(self):
        payload = self._payload()
        [first] = self._ingest(payload)
        order = self._orders("1001")
        write_date = order.write_date
        [second] = self._ingest(payload)
        self.assertEqual(second["status"], "unchanged")
        self.assertEqual(second["order_id"], first["order_id"])
        self.assertEqual(len(self._orders("1001")), 1)
        self.assertEqual(order.write_date, write_date)

    def test_same_order_twice_in_one_batch(self):
        first, second = self._ingest(self._payload(), self._payload())
        self.assertEqual((first["status"], second["status"]), ("created", "unchanged"))
        self.assertEqual(len(self._orders("1001")), 1)

    def test_newer_version_updates_payment(self):
        pending = {"status": "pending", "method": "card", "amount": "0", "reference": "pi_1"}
        self._ingest(self._payload(version=1, payment=pending))
        order = self._orders("1001")
        self.assertEqual(order.oms_payment_status, "pending")
        [result] = self._ingest(self._payload(version=2))
        self.assertEqual(result["status"], "updated")
        self.assertEqual(order.oms_payment_status, "paid")
        self.assertEqual(order.oms_external_version, "2")

    def test_stale_version_is_ignored(self):
        self._ingest(self._payload(version=1732617600200))
        order = self._orders("1001")
        pending = {"status": "pending", "method": "card", "amount": "0", "reference": "old"}
        [result] = self._ingest(self._payload(version=1732617600100, payment=pending))
        self.assertEqual(result["status"], "stale")
        self.assertEqual(result["order_id"], order.id)
        self.assertEqual(order.oms_payment_status, "paid")
        self.assertEqual(order.oms_external_version, "1732617600200")

    def test_cancel_before_shipment(self):
        self._ingest(self._payload(version=1))
        order = self._orders("1001")
        self.assertEqual(order.state, "sale")
        [result] = self._ingest(self._payload(version=2, status="cancelled"))
        self.assertEqual(result["status"], "cancelled", result)
        self.assertEqual(order.state, "cancel")
        self.assertEqual(set(order.picking_ids.mapped("state")), {"cancel"})
        # The redelivered cancellation is a no-op.
        [again] = self._ingest(self._payload(version=2, status="cancelled"))
        self.assertEqual(again["status"], "unchanged")

    def test_cancel_after_shipment_is_refused(self):
        self._ingest(self._payload(version=1))
        order = self._orders("1001")
        self._ship(order, tracking_ref="TRK-1")
        [result] = self._ingest(self._payload(version=2, status="cancelled"))
        self.assertEqual(result["status"], "error")
        self.assertEqual(result["error"]["code"], "not_cancellable")
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.oms_external_version, "1", "a refused version is not applied")

    def test_cancelled_before_seen_open(self):
        [result] = self._ingest(self._payload(version=5, status="cancelled"))
        self.assertEqual(result["status"], "cancelled")
        order = self._orders("1001")
        self.assertEqual(order.state, "cancel")
        # The older "open" event arriving late does not resurrect the order.
        [late] = self._ingest(self._payload(version=4))
        self.assertEqual(late["status"], "stale")
        self.assertEqual(len(self._orders("1001")), 1)
        self.assertEqual(order.state, "cancel")

    def test_unknown_sku_does_not_fail_the_batch(self):
        bad = self._payload("1002")
        bad["lines"][1]["sku"] = "NO-SUCH-SKU"
        results = self._ingest(self._payload("1001"), bad, self._payload("1003"))
        self.assertEqual([r["status"] for r in results], ["created", "error", "created"])
        self.assertEqual(
            results[1]["error"],
            {
                "code": "unknown_sku",
                "message": "No product with SKU 'NO-SUCH-SKU'.",
                "field": "lines[1].sku",
            },
        )
        self.assertEqual(results[1]["external_id"], "1002")
        self.assertFalse(self._orders("1002"))
        self.assertEqual(self._orders("1001").state, "sale")
        self.assertEqual(self._orders("1003").state, "sale")

    def test_failed_order_leaves_nothing_behind(self):
        bad = self._payload("1002", customer={"email": "new.one@example.com", "name": "New One"})
        bad["lines"][0]["sku"] = "NO-SUCH-SKU"
        good = self._payload("1003", customer={"email": "new.one@example.com", "name": "New One"})
        results = self._ingest(bad, good)
        self.assertEqual([r["status"] for r in results], ["error", "created"])
        partners = self.env["res.partner"].search([("email", "=", "new.one@example.com")])
        self.assertEqual(len(partners), 1, "the rolled-back partner is not reused nor doubled")
        self.assertEqual(self._orders("1003").partner_id, partners)

    def test_error_codes(self):
        unknown_channel = self._payload("2001", channel="nowhere")
        bad_country = self._payload("2002")
        bad_country["shipping_address"]["country_code"] = "XX"
        no_street = self._payload("2003")
        no_street["shipping_address"]["street"] = ""
        bad_quantity = self._payload("2004")
        bad_quantity["lines"][0]["quantity"] = "two"
        bad_price = self._payload("2005")
        bad_price["lines"][0]["unit_price"] = "19,90"
        no_lines = self._payload("2006", lines=[])
        results = self._ingest(
            unknown_channel, bad_country, no_street, bad_quantity, bad_price, no_lines, "junk"
        )
        self.assertEqual(
            [(r["status"], r["error"]["code"], r["error"]["field"]) for r in results],
            [
                ("error", "unknown_channel", "channel"),
                ("error", "invalid_address", "shipping_address.country_code"),
                ("error", "invalid_address", "shipping_address.street"),
                ("error", "invalid_payload", "lines[0].quantity"),
                ("error", "invalid_payload", "lines[0].unit_price"),
                ("error", "invalid_payload", "lines"),
                ("error", "invalid_payload", None),
            ],
        )
        self.assertFalse(
            self.env["sale.order"].search([("oms_external_id", "like", "200%")]),
        )

    def test_existing_customer_is_found_by_email(self):
        customer = self.env["res.partner"].create(
            {"name": "Ana (existing)", "email": "Ana.Intake@example.com"}
        )
        self._ingest(self._payload("1001"), self._payload("1002"))
        self.assertEqual(self._orders("1001").partner_id, customer)
        self.assertEqual(self._orders("1002").partner_id, customer)
        # The same address is reused, not duplicated.
        self.assertEqual(
            self._orders("1001").partner_shipping_id, self._orders("1002").partner_shipping_id
        )

    def test_pickup_order(self):
        self.warehouse.oms_pickup_point = True
        [result] = self._ingest(
            self._payload(delivery_mode="pickup", pickup_store=self.warehouse.code)
        )
        self.assertEqual(result["status"], "created", result)
        order = self._orders("1001")
        self.assertEqual(order.oms_delivery_mode, "pickup")
        self.assertEqual(order.oms_pickup_warehouse_id, self.warehouse)
        [unknown] = self._ingest(self._payload("1002", delivery_mode="pickup", pickup_store="NOPE"))
        self.assertEqual(unknown["error"]["field"], "pickup_store")


class TestIntakeBatch(OmsIntakeCommon):
    """A batch is ingested in one piece (one savepoint, bulk creates, one confirmation) and
    falls back to one savepoint per order when an order fails after something was written."""

    def _spy(self, model, method):
        """Count the calls of ``model.method`` while still running it."""
        cls = type(self.env[model])
        original = getattr(cls, method)
        calls = []

        def spy(records, *args, **kwargs):
            calls.append(records)
            return original(records, *args, **kwargs)

        patcher = patch.object(cls, method, spy)
        patcher.start()
        self.addCleanup(patcher.stop)
        return calls

    def test_batch_creates_and_confirms_in_bulk(self):
        confirms = self._spy("sale.order", "action_confirm")
        creates = self._spy("sale.order", "create")
        payloads = [
            self._payload(str(n), customer={"email": "bulk@example.com", "name": "Bulk Buyer"})
            for n in range(3001, 3005)
        ]
        results = self._ingest(*payloads)
        self.assertEqual([r["status"] for r in results], ["created"] * 4)
        self.assertEqual([r["external_id"] for r in results], ["3001", "3002", "3003", "3004"])
        self.assertEqual(len(creates), 1, "the four orders are created in one call")
        self.assertEqual(len(confirms), 1, "and confirmed in one call")
        self.assertEqual(len(confirms[0]), 4)
        orders = self.env["sale.order"].browse([r["order_id"] for r in results])
        self.assertEqual(set(orders.mapped("state")), {"sale"})
        self.assertEqual(orders.mapped("name"), [r["order_name"] for r in results])
        self.assertEqual(len(orders.partner_id), 1, "one customer for the same e-mail")
        self.assertEqual(len(orders.partner_shipping_id), 1, "one contact for one address")
        self.assertEqual(orders.partner_shipping_id.type, "delivery")
        self.assertEqual(orders.partner_shipping_id.parent_id, orders.partner_id)
        self.assertTrue(all(order.picking_ids for order in orders))

    def test_batch_takes_its_stock_locks_first(self):
        """Every product the batch routes is locked in one go before anything is written,
        so concurrent batches queue in product id order instead of deadlocking midway."""
        events = []
        for model, method in (("oms.sellable.stock", "_lock_products"), ("res.partner", "create")):
            cls = type(self.env[model])
            original = getattr(cls, method)

            def spy(records, *args, _original=original, _name=method, **kwargs):
                events.append((_name, args[0] if _name == "_lock_products" else None))
                return _original(records, *args, **kwargs)

            patcher = patch.object(cls, method, spy)
            patcher.start()
            self.addCleanup(patcher.stop)
        other = self._payload("3502", customer={"email": "lock@example.com", "name": "Lock"})
        other["lines"] = other["lines"][1:]  # product B only
        results = self._ingest(self._payload("3501"), other)
        self.assertEqual([r["status"] for r in results], ["created", "created"])
        name, products = events[0]
        self.assertEqual(name, "_lock_products", "locked before the first customer is created")
        self.assertEqual(products, self.product_a | self.product_b)

    def _refusing(self, external_id):
        """While active, the order ``external_id`` is refused once its customer exists."""
        intake = type(self.intake)
        prepare = intake._prepare_order_vals

        def refuse(self, vals, data):
            if data["external_id"] == external_id:
                raise UserError(self.env._("refused by a hook"))
            return prepare(self, vals, data)

        return patch.object(intake, "_prepare_order_vals", refuse)

    def test_order_failing_after_writes_leaves_the_others(self):
        """An order refused once its customer exists: the one-piece attempt is rolled back
        and the orders are taken one by one, so only that order is an error."""
        payloads = [
            self._payload("3101"),
            self._payload("3102", customer={"email": "only.3102@example.com", "name": "X"}),
            self._payload("3103"),
        ]
        with self._refusing("3102"):
            results = self._ingest(*payloads)
        self.assertEqual([r["status"] for r in results], ["created", "error", "created"])
        self.assertEqual(results[1]["error"]["code"], "rejected")
        self.assertEqual(results[1]["error"]["message"], "refused by a hook")
        self.assertFalse(self._orders("3102"))
        self.assertFalse(
            self.env["res.partner"].search([("email", "=", "only.3102@example.com")]),
            "the refused order's customer was rolled back",
        )
        self.assertEqual(len(self._orders("3101")), 1)
        self.assertEqual(len(self._orders("3103")), 1)
        self.assertEqual(self._orders("3101").partner_id, self._orders("3103").partner_id)

    def test_creation_adds_no_followers_nor_messages(self):
        """As Odoo's imports: no followers nor messages at creation (the test class
        disables tracking everywhere, so it is switched back on here)."""
        intake = self.intake.with_context(tracking_disable=False)
        [result] = intake.ingest_orders([self._payload("3201")])
        self.env.cr.flush()  # what a commit does: run the tracking's precommit hooks
        order = self.env["sale.order"].browse(result["order_id"])
        self.assertEqual(order.state, "sale")
        for partner in order.partner_id | order.partner_shipping_id:
            self.assertFalse(partner.message_ids, "no creation message")
            self.assertNotIn(self.env.user.partner_id, partner.message_partner_ids)
        self.assertNotIn(self.env.user.partner_id, order.message_partner_ids)
        self.assertIn(order.partner_id, order.message_partner_ids, "confirmation subscribes")

    def test_email_match_is_exact_not_a_pattern(self):
        """``_`` in an e-mail is a LIKE wildcard: a_b@ must not find axb@."""
        axb = self.env["res.partner"].create({"name": "Axb", "email": "axb@example.com"})
        results = self._ingest(
            self._payload("3301", customer={"email": "a_b@example.com", "name": "A B"}),
            self._payload("3302", customer={"email": "AXB@Example.com", "name": "Axb"}),
        )
        self.assertEqual([r["status"] for r in results], ["created", "created"])
        self.assertNotEqual(self._orders("3301").partner_id, axb)
        self.assertEqual(self._orders("3301").partner_id.email, "a_b@example.com")
        self.assertEqual(self._orders("3302").partner_id, axb, "found whatever the case")

    def _known_customer_with_contact(self):
        """A customer the shop's e-mail finds, with the delivery contact of the payloads'
        shipping address."""
        customer = self.env["res.partner"].create({"name": "Known", "email": "known@example.com"})
        contact = self.env["res.partner"].create(
            {
                "name": "Ana Silva",
                "parent_id": customer.id,
                "type": "delivery",
                "street": "Rua Augusta 10",
                "city": "Lisboa",
                "zip": "1100-053",
                "country_id": self.env.ref("base.pt").id,
            }
        )
        return customer, contact

    def test_one_by_one_after_a_failed_batch_still_finds_known_contacts(self):
        customer, contact = self._known_customer_with_contact()
        known = {"email": "known@example.com", "name": "Known"}
        with self._refusing("3602"):
            results = self._ingest(
                self._payload("3601", customer=known), self._payload("3602", customer=known)
            )
        self.assertEqual([r["status"] for r in results], ["created", "error"])
        self.assertEqual(self._orders("3601").partner_shipping_id, contact)
        self.assertEqual(customer.child_ids, contact, "no second contact for the same address")

    def test_existing_contact_of_a_known_customer_is_reused(self):
        customer, contact = self._known_customer_with_contact()
        known = {"email": "known@example.com", "name": "Known"}
        elsewhere = self._payload("3402", customer=known)
        elsewhere["shipping_address"]["street"] = "Rua Augusta 12"
        results = self._ingest(self._payload("3401", customer=known), elsewhere)
        self.assertEqual([r["status"] for r in results], ["created", "created"])
        self.assertEqual(self._orders("3401").partner_shipping_id, contact)
        other = self._orders("3402").partner_shipping_id
        self.assertNotEqual(other, contact)
        self.assertEqual((other.parent_id, other.street), (customer, "Rua Augusta 12"))
