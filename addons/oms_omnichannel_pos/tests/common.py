# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Builders shared by the store tests: the routing tests' retailer (a company of its own)
with two stores near the customer and a DC further away, and one person of every kind.

Routing prefers store A (rank 0), then store B (rank 1), then the DC (rank 2): every node
offers the same carrier and transit, so rank decides and each test knows where an order goes.
"""

import uuid

from odoo import Command
from odoo.addons.oms_omnichannel.tests.common import TUESDAY_MORNING, OmsRoutingCase
from odoo.tests import new_test_user

__all__ = ["TUESDAY_MORNING", "OmsStoreCase"]


class OmsStoreCase(OmsRoutingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        store_vals = {
            "oms_node_kind": "store",
            "oms_ship_from_store": True,
            "oms_pickup_point": True,
            "oms_opening_hour": 9.0,
            "oms_closing_hour": 20.0,
            "oms_accept_minutes": 30,
        }
        cls.store_a = cls._create_node("STA", "10117", oms_priority=0, **store_vals)
        cls.store_b = cls._create_node("STB", "10178", oms_priority=1, **store_vals)
        cls.dc = cls._create_node("DCX", "20095", oms_priority=2)
        cls.mug = cls._create_product(
            "Stone Mug", default_code="MUG", barcode="4006381333931", list_price=12.0
        )
        cls.shirt = cls._create_product(
            "Linen Shirt", default_code="SHIRT", barcode="4006381333948", list_price=20.0
        )
        for node, mugs, shirts in ((cls.store_a, 5, 5), (cls.store_b, 5, 5), (cls.dc, 20, 20)):
            cls._stock(cls.mug, node, mugs)
            cls._stock(cls.shirt, node, shirts)
        cls.channel = cls.env["oms.channel"].create(
            {"name": "Web", "code": f"web-{uuid.uuid4().hex[:6]}", "company_id": cls.company.id}
        )
        cls.customer.write(
            {"street": "Torstr. 1", "phone": "+49 30 1234 5678", "email": "ana@example.com"}
        )
        cls.reason_shelf = cls.env.ref("oms_omnichannel_pos.reject_reason_not_on_shelf")
        cls.reason_damaged = cls.env.ref("oms_omnichannel_pos.reject_reason_damaged")
        cls.reason_full = cls.env.ref("oms_omnichannel_pos.reject_reason_no_capacity")
        cls.reason_other = cls.env.ref("oms_omnichannel_pos.reject_reason_other")
        cls.staff_a = cls._create_user("pos19_staff_a", cls.store_a, name="Anna")
        cls.staff_b = cls._create_user("pos19_staff_b", cls.store_b, name="Ben")

    @classmethod
    def _create_user(
        cls, login, stores=None, groups="oms_omnichannel.group_oms_store_staff", name=None
    ):
        return new_test_user(
            cls.env,
            login=login,
            name=name or login,
            groups=f"base.group_user,point_of_sale.group_pos_user,{groups}",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
            oms_warehouse_ids=[Command.set(stores.ids if stores else [])],
            tz="Europe/Berlin",
        )

    # ------------------------------------------------------------------ orders

    @classmethod
    def _web_order(cls, lines, **vals):
        """A confirmed web order of ``lines`` for the customer (routed on confirmation)."""
        order = cls._create_order(lines, oms_channel_id=cls.channel.id, **vals)
        order.action_confirm()
        return order

    @classmethod
    def _pickup_order(cls, lines, store=None, **vals):
        return cls._web_order(
            lines,
            oms_delivery_mode="pickup",
            oms_pickup_warehouse_id=(store or cls.store_a).id,
            **vals,
        )

    @staticmethod
    def _store_order(order, store=None):
        """The open store order of ``order`` (at ``store``)."""
        store_orders = order.oms_store_order_ids.filtered(
            lambda so: so.state in ("new", "accepted", "ready") and not so.primary_id
        )
        if store:
            store_orders = store_orders.filtered(lambda so: so.warehouse_id == store)
        return store_orders

    @staticmethod
    def _to_ship(order):
        """``{(warehouse code, product): quantity}`` of the order's deliveries still open."""
        result = {}
        for move in order.picking_ids.filtered(
            lambda p: p.picking_type_code == "outgoing" and p.state not in ("done", "cancel")
        ).move_ids.filtered(lambda m: m.state != "cancel"):
            key = (move.picking_id.picking_type_id.warehouse_id.code, move.product_id)
            result[key] = result.get(key, 0.0) + move.product_uom_qty
        return result

    def _pos(self, user=None):
        """The doors as ``user`` calls them (store staff of store A by default)."""
        return self.env["oms.store.pos"].with_user(user or self.staff_a)

    def _pick_all(self, store_order):
        return {move.id: move.product_uom_qty for move in store_order._oms_moves()}
