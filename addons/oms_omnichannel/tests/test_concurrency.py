"""Two orders confirming the last unit at the same moment, each in its own transaction.

The fixtures must be committed for the second connection to see them, so this case builds
them in its own cursor and removes them afterwards.
"""

import threading
import uuid

import psycopg2.errors
from odoo import SUPERUSER_ID, Command, api
from odoo.tests import TransactionCase, tagged

CONTEXT = {"tracking_disable": True}


@tagged("post_install", "-at_install")
class TestConcurrentConfirmation(TransactionCase):
    def _env(self, cr):
        # Hand the registry over: looking it up by name waits for the registry lock, which
        # the test runner's thread holds while it runs the tests.
        cr.transaction = api.Transaction(self.registry)
        return api.Environment(cr, SUPERUSER_ID, CONTEXT)

    def _committed(self, func):
        """Run ``func(env)`` in a new transaction and commit it."""
        with self.registry.cursor() as cr:
            return func(self._env(cr))

    def _build(self, env):
        company = env.ref("base.main_company")
        partner = env["res.partner"].create(
            {"name": "Race Node", "zip": "10115", "country_id": env.ref("base.de").id}
        )
        tag = uuid.uuid4().hex[:4].upper()  # leftovers of an aborted run must not collide
        node = env["stock.warehouse"].create(
            {
                "name": f"Race DC {tag}",
                "code": f"R{tag}",
                "partner_id": partner.id,
                "company_id": company.id,
            }
        )
        # Deliveries reserve nothing at confirmation here: only the router's lock stands
        # between two orders and the same unit (no quant row is written to collide on).
        node.out_type_id.reservation_method = "manual"
        product = env["product.product"].create(
            {"name": "Last Unit", "type": "consu", "is_storable": True}
        )
        env["stock.quant"]._update_available_quantity(product, node.lot_stock_id, 1)
        customer = env["res.partner"].create(
            {"name": "Racer", "zip": "10117", "country_id": env.ref("base.de").id}
        )
        orders = env["sale.order"].create(
            [
                {
                    "partner_id": customer.id,
                    "company_id": company.id,
                    "order_line": [
                        Command.create({"product_id": product.id, "product_uom_qty": 1})
                    ],
                }
                for _ in range(2)
            ]
        )
        return node.id, product.id, customer.id, partner.id, orders.ids

    def _cleanup(self, node_id, product_id, partner_ids, order_ids):
        def clean(env):
            orders = env["sale.order"].browse(order_ids)
            pickings = orders.picking_ids
            orders._action_cancel()
            pickings.move_ids.filtered(lambda m: m.state != "cancel")._action_cancel()
            pickings.unlink()
            orders.unlink()
            env.cr.execute("DELETE FROM stock_quant WHERE product_id = %s", [product_id])
            env["product.product"].browse(product_id).unlink()
            env["stock.warehouse"].browse(node_id).active = False
            env["res.partner"].browse(partner_ids).active = False

        self._committed(clean)

    def test_last_unit_is_sold_once(self):
        node_id, product_id, customer_id, node_partner_id, order_ids = self._committed(self._build)
        self.addCleanup(
            self._cleanup, node_id, product_id, [customer_id, node_partner_id], order_ids
        )
        barrier = threading.Barrier(2, timeout=30)
        attempts = []
        errors = []

        def confirm(order_id):
            # Odoo's own RPC retry (odoo.service.model.retrying) looks the registry up by
            # name, which waits for the test runner's lock; this loop does the same: the
            # whole transaction again, on a serialization failure.
            synchronised = False
            try:
                for _try in range(5):
                    try:
                        with self.registry.cursor() as cr:
                            env = self._env(cr)
                            if not synchronised:
                                # REPEATABLE READ takes the snapshot at the first statement:
                                # both transactions see the unit as free before either
                                # confirms.
                                cr.execute("SELECT 1")
                                barrier.wait()
                                synchronised = True
                            attempts.append(order_id)
                            env["sale.order"].browse(order_id).action_confirm()
                            env.flush_all()
                        return
                    except psycopg2.errors.SerializationFailure:
                        continue
                errors.append(f"order {order_id}: still conflicting after 5 tries")
            except Exception as error:
                errors.append(error)

        threads = [threading.Thread(target=confirm, args=(oid,)) for oid in order_ids]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        self.assertFalse(errors, errors)
        self.assertFalse(any(t.is_alive() for t in threads))

        def read(env):
            node = env["stock.warehouse"].browse(node_id)
            orders = env["sale.order"].browse(order_ids)
            return [
                (
                    order.state,
                    order.oms_routing_state,
                    sum(
                        order.picking_ids.move_ids.filtered(
                            lambda m: m.picking_type_id.warehouse_id == node and m.state != "cancel"
                        ).mapped("product_uom_qty")
                    ),
                )
                for order in orders
            ]

        results = self._committed(read)
        self.assertEqual([state for state, _, _ in results], ["sale", "sale"])
        self.assertEqual(
            sorted((routing, qty) for _, routing, qty in results),
            [("backorder", 0.0), ("routed", 1.0)],
            "exactly one order ships the last unit from the node; the other backorders",
        )
        # The transactions did overlap: one of them had to start over.
        self.assertGreater(len(attempts), 2, "the confirmations did not overlap")
