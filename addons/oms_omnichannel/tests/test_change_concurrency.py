# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A customer-service change racing a store's pick or a shop's update, each in its own
transaction: one wins, the other waits for Odoo's retry and then sees what the first did.

The fixtures must be committed for the second connection to see them, so this case builds
them in its own cursor and removes them afterwards.
"""

import uuid

import psycopg2.errors
from odoo import SUPERUSER_ID, Command, api
from odoo.tests import TransactionCase, tagged

from ..models.oms_order_change import OrderChangeRefused

CONTEXT = {"tracking_disable": True}


@tagged("post_install", "-at_install")
class TestChangeConcurrency(TransactionCase):
    def _env(self, cr):
        cr.transaction = api.Transaction(self.registry)
        return api.Environment(cr, SUPERUSER_ID, CONTEXT)

    def _committed(self, func):
        with self.registry.cursor() as cr:
            return func(self._env(cr))

    def _build(self, env):
        company = env.ref("base.main_company")
        germany = env.ref("base.de")
        tag = uuid.uuid4().hex[:4].upper()
        partner = env["res.partner"].create(
            {"name": "Race Store", "zip": "10115", "country_id": germany.id}
        )
        node = env["stock.warehouse"].create(
            {
                "name": f"Race {tag}",
                "code": f"C{tag}",
                "partner_id": partner.id,
                "company_id": company.id,
            }
        )
        product = env["product.product"].create(
            {
                "name": f"Race Shirt {tag}",
                "default_code": f"RACE-{tag}",
                "type": "consu",
                "is_storable": True,
            }
        )
        env["stock.quant"]._update_available_quantity(product, node.lot_stock_id, 5)
        customer = env["res.partner"].create(
            {"name": "Racer", "zip": "10117", "city": "Berlin", "country_id": germany.id}
        )
        order = env["sale.order"].create(
            {
                "partner_id": customer.id,
                "company_id": company.id,
                "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 3})],
            }
        )
        order.action_confirm()
        picking = order.picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))
        self.assertEqual(picking.picking_type_id.warehouse_id, node, "routed to the race node")
        return {
            "node": node.id,
            "product": product.id,
            "partners": [partner.id, customer.id],
            "order": order.id,
            "picking": picking.id,
        }

    def _cleanup(self, ids):
        def clean(env):
            order = env["sale.order"].browse(ids["order"])
            pickings = order.picking_ids
            order._action_cancel()
            pickings.move_ids.filtered(lambda m: m.state != "cancel")._action_cancel()
            pickings.unlink()
            order.unlink()
            env.cr.execute("DELETE FROM stock_quant WHERE product_id = %s", [ids["product"]])
            env["product.product"].browse(ids["product"]).unlink()
            env["stock.warehouse"].browse(ids["node"]).active = False
            env["res.partner"].browse(ids["partners"]).active = False

        self._committed(clean)

    def _fixtures(self):
        ids = self._committed(self._build)
        self.addCleanup(self._cleanup, ids)
        return ids

    def test_store_picking_first_then_the_cancellation_is_told(self):
        ids = self._fixtures()
        with self.registry.cursor() as store_cr:
            store = self._env(store_cr)
            picking = store["stock.picking"].browse(ids["picking"])
            for move in picking.move_ids:
                move.quantity = move.product_uom_qty
            picking.move_ids.picked = True
            store.flush_all()  # the store's transaction holds the moves, not committed yet
            with self.registry.cursor() as cs_cr:
                order = self._env(cs_cr)["sale.order"].browse(ids["order"])
                with self.assertRaises(psycopg2.errors.LockNotAvailable):
                    order._oms_cancel_lines([(order.order_line, 1)])
                cs_cr.rollback()
            store_cr.commit()
        # Odoo retries the call: now the pick is there, and customer service is told why.
        with self.registry.cursor() as cs_cr:
            order = self._env(cs_cr)["sale.order"].browse(ids["order"])
            with self.assertRaises(OrderChangeRefused) as caught:
                order._oms_cancel_lines([(order.order_line, 1)])
            self.assertEqual(caught.exception.code, "being_prepared")
            cs_cr.rollback()

    def test_cancellation_first_then_the_store_sees_it(self):
        ids = self._fixtures()
        with self.registry.cursor() as cs_cr:
            order = self._env(cs_cr)["sale.order"].browse(ids["order"])
            order._oms_cancel_lines([(order.order_line, 3)], key=f"race-{ids['order']}")
            cs_cr.flush()
            with self.registry.cursor() as store_cr:
                store_cr.execute("SET LOCAL lock_timeout = '500ms'")
                store = self._env(store_cr)
                picking = store["stock.picking"].browse(ids["picking"])
                with self.assertRaises(psycopg2.errors.LockNotAvailable):
                    picking.move_ids.picked = True
                    store.flush_all()
                store_cr.rollback()
            cs_cr.commit()

        def state(env):
            order = env["sale.order"].browse(ids["order"])
            return order.state, env["stock.picking"].browse(ids["picking"]).state

        self.assertEqual(self._committed(state), ("cancel", "cancel"))
