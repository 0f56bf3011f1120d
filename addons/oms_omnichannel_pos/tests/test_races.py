# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Two tills acting on one order at the same moment, each in its own transaction: exactly
one wins, the other is told why.

The fixtures must be committed for the second connection to see them, so this case builds
them in its own cursor and removes them afterwards (as the core's concurrency test does)."""

import threading
import uuid

import psycopg2.errors
from odoo import SUPERUSER_ID, Command, api
from odoo.tests import TransactionCase, tagged

CONTEXT = {"tracking_disable": True}


@tagged("post_install", "-at_install")
class TestTwoTills(TransactionCase):
    def _env(self, cr, uid=SUPERUSER_ID):
        # Hand the registry over: looking it up by name waits for the registry lock, which
        # the test runner's thread holds while it runs the tests.
        cr.transaction = api.Transaction(self.registry)
        return api.Environment(cr, uid, CONTEXT)

    def _committed(self, func):
        with self.registry.cursor() as cr:
            return func(self._env(cr))

    def _build(self, env, pickup):
        company = env.ref("base.main_company")
        tag = uuid.uuid4().hex[:4].upper()
        partner = env["res.partner"].create(
            {"name": f"Race Store {tag}", "zip": "10115", "country_id": env.ref("base.de").id}
        )
        store = env["stock.warehouse"].create(
            {
                "name": f"Race Store {tag}",
                "code": f"Q{tag}",
                "partner_id": partner.id,
                "company_id": company.id,
                "oms_node_kind": "store",
                "oms_ship_from_store": True,
                "oms_pickup_point": True,
                "oms_opening_hour": 0.0,
                "oms_closing_hour": 24.0,
            }
        )
        product = env["product.product"].create(
            {"name": f"Race Mug {tag}", "type": "consu", "is_storable": True}
        )
        env["stock.quant"]._update_available_quantity(product, store.lot_stock_id, 5)
        customer = env["res.partner"].create(
            {"name": "Racer", "zip": "10117", "city": "Berlin", "country_id": env.ref("base.de").id}
        )
        users = env["res.users"].create(
            [
                {
                    "name": f"Till {n} {tag}",
                    "login": f"race_till_{n}_{tag.lower()}",
                    "company_id": company.id,
                    "company_ids": [Command.set(company.ids)],
                    "oms_warehouse_ids": [Command.set(store.ids)],
                    "groups_id": [
                        Command.set(
                            [
                                env.ref("base.group_user").id,
                                env.ref("oms_omnichannel.group_oms_store_staff").id,
                            ]
                        )
                    ],
                }
                for n in (1, 2)
            ]
        )
        order = env["sale.order"].create(
            {
                "partner_id": customer.id,
                "company_id": company.id,
                "warehouse_id": store.id,
                "oms_delivery_mode": "pickup" if pickup else "ship",
                "oms_pickup_warehouse_id": store.id if pickup else False,
                "oms_payment_status": "paid",
                "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 1})],
            }
        )
        order.action_confirm()
        store_order = order.oms_store_order_ids
        assert store_order.warehouse_id == store, "routed to the race store"
        if pickup:
            pos = env["oms.store.pos"]
            pos.accept(store_order.id)
            moves = store_order.picking_id.move_ids
            pos.pack(store_order.id, {m.id: m.product_uom_qty for m in moves})
            assert store_order.state == "ready"
        return {
            "store": store.id,
            "product": product.id,
            "partners": [partner.id, customer.id],
            "users": users.ids,
            "order": order.id,
            "store_order": store_order.id,
        }

    def _cleanup(self, ids):
        def clean(env):
            order = env["sale.order"].browse(ids["order"])
            env["oms.store.order"].search([("sale_order_id", "=", order.id)]).unlink()
            pickings = order.picking_ids
            if order.state != "cancel":
                order._action_cancel()
            pickings.move_ids.filtered(lambda m: m.state not in ("cancel", "done"))._action_cancel()
            env.cr.execute("DELETE FROM stock_quant WHERE product_id = %s", [ids["product"]])
            env["res.users"].browse(ids["users"]).write({"active": False})
            env["stock.warehouse"].browse(ids["store"]).write({"active": False, "oms_routing_enabled": False})
            env["res.partner"].browse(ids["partners"]).write({"active": False})

        self._committed(clean)

    def _race(self, ids, call):
        """``call(env, n)`` by both tills at once, each retried on a serialization failure as
        Odoo's RPC layer does; returns their answers."""
        barrier = threading.Barrier(2, timeout=30)
        answers, errors = {}, []

        def till(n, uid):
            synchronised = False
            try:
                for _try in range(5):
                    try:
                        with self.registry.cursor() as cr:
                            env = self._env(cr, uid)
                            if not synchronised:
                                cr.execute("SELECT 1")  # both snapshots before either acts
                                barrier.wait()
                                synchronised = True
                            answers[n] = call(env, n)
                            env.flush_all()
                        return
                    except psycopg2.errors.SerializationFailure:
                        continue
                errors.append(f"till {n}: still conflicting after 5 tries")
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)

        threads = [
            threading.Thread(target=till, args=(n, uid)) for n, uid in enumerate(ids["users"], 1)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        self.assertFalse(errors, errors)
        return answers

    def test_two_tills_accept_at_once(self):
        ids = self._committed(lambda env: self._build(env, pickup=False))
        self.addCleanup(self._cleanup, ids)
        answers = self._race(
            ids,
            lambda env, n: env["oms.store.pos"].accept(ids["store_order"], key=f"race-accept-{n}-{ids['order']}"),
        )
        won = [n for n, answer in answers.items() if answer["ok"]]
        self.assertEqual(len(won), 1, answers)
        lost = answers[3 - won[0]]
        self.assertIn("was already accepted by Till", lost["message"])

        def check(env):
            store_order = env["oms.store.order"].browse(ids["store_order"])
            self.assertEqual(store_order.state, "accepted")
            self.assertEqual(store_order.accepted_by_id.id, ids["users"][won[0] - 1])
            self.assertEqual(store_order.step_ids.mapped("action").count("accepted"), 1)

        self._committed(check)

    def test_two_tills_hand_over_at_once(self):
        ids = self._committed(lambda env: self._build(env, pickup=True))
        self.addCleanup(self._cleanup, ids)
        answers = self._race(
            ids,
            lambda env, n: env["oms.store.pos"].handover(
                ids["store_order"], f"Collector {n}", key=f"race-handover-{n}-{ids['order']}"
            ),
        )
        won = [n for n, answer in answers.items() if answer["ok"]]
        self.assertEqual(len(won), 1, answers)
        lost = answers[3 - won[0]]
        self.assertIn(f"was handed over to Collector {won[0]}", lost["message"])

        def check(env):
            store_order = env["oms.store.order"].browse(ids["store_order"])
            self.assertEqual(store_order.state, "done")
            self.assertEqual(store_order.picking_id.state, "done")
            self.assertEqual(store_order.sale_order_id.order_line.qty_delivered, 1.0)

        self._committed(check)
