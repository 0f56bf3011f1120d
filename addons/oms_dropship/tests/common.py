# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Builders shared by the drop-ship tests: the routing tests' retailer (a company of its own)
with two drop-ship suppliers and a DC, a portal user for each supplier, and a plain portal
customer.

Routing prefers supplier A (rank 0), then supplier B (rank 1), then the DC (rank 2): every
node has the lamp and the same carrier, so rank decides and each test knows where an order
goes.
"""

import uuid

from odoo import Command
from odoo.addons.oms_omnichannel.tests.common import OmsRoutingCase
from odoo.tests import new_test_user


class OmsDropshipCase(OmsRoutingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        supplier = {
            "oms_node_kind": "dropship",
            "oms_dropship_accept_hours": 24,
            "oms_dropship_ship_hours": 72,
        }
        cls.supplier_a = cls._create_node("DSA", "10117", oms_priority=0, **supplier)
        cls.supplier_b = cls._create_node("DSB", "10178", oms_priority=1, **supplier)
        cls.dc = cls._create_node("DCX", "20095", oms_priority=2)
        cls.lamp = cls._create_product("Floor Lamp", default_code="LAMP-1", list_price=80.0)
        cls.chair = cls._create_product("Chair", default_code="CHAIR-1", list_price=60.0)
        for node in cls.supplier_a | cls.supplier_b | cls.dc:
            cls._stock(cls.lamp, node, 10)
            cls._stock(cls.chair, node, 10)
        cls.channel = cls.env["oms.channel"].create(
            {"name": "Web", "code": f"web-{uuid.uuid4().hex[:6]}", "company_id": cls.company.id}
        )
        cls.customer.write(
            {
                "street": "Torstr. 1",
                "phone": "+49 30 1234 5678",
                "email": "ana.private@example.com",
            }
        )
        cls.user_a = cls._create_portal_user("partners20_supplier_a", cls.supplier_a)
        cls.user_b = cls._create_portal_user("partners20_supplier_b", cls.supplier_b)
        cls.portal_customer = cls._create_portal_user("partners20_customer")

    @classmethod
    def _create_portal_user(cls, login, nodes=None):
        """A portal user of the company (password = login), working for ``nodes``."""
        return new_test_user(
            cls.env,
            login=login,
            name=login.replace("_", " ").title(),
            groups="base.group_portal",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
            oms_dropship_warehouse_ids=[Command.set(nodes.ids if nodes else [])],
            tz="Europe/Berlin",
        )

    @classmethod
    def _web_order(cls, lines, **vals):
        """A confirmed web order of ``lines`` for the customer (routed on confirmation)."""
        order = cls._create_order(lines, oms_channel_id=cls.channel.id, **vals)
        order.action_confirm()
        return order

    @staticmethod
    def _dropship(order, node=None):
        """The open drop-ship deliveries of ``order`` (at ``node``)."""
        deliveries = order.picking_ids.oms_dropship_delivery_ids.filtered(
            lambda d: d.state in ("new", "accepted")
        )
        if node:
            deliveries = deliveries.filtered(lambda d: d.warehouse_id == node)
        return deliveries

    @staticmethod
    def _to_ship(order):
        """``{(node code, product): quantity}`` of the order's deliveries still open."""
        result = {}
        for move in order.picking_ids.filtered(
            lambda p: p.picking_type_code == "outgoing" and p.state not in ("done", "cancel")
        ).move_ids.filtered(lambda m: m.state != "cancel"):
            key = (move.picking_id.picking_type_id.warehouse_id.code, move.product_id)
            result[key] = result.get(key, 0.0) + move.product_uom_qty
        return result

    @staticmethod
    def as_supplier(delivery, user):
        """``delivery`` as the portal controllers act on it for ``user``: sudo, by them."""
        return delivery.with_user(user).sudo()

    def _events(self, topic, record):
        """The outbox events of ``topic`` about ``record``, as a commit writes them."""
        self.env.cr.flush()  # what a commit does: the outbox is written at precommit
        return self.env["oms.outbox.event"].search(
            [("topic", "=", topic), ("res_model", "=", record._name), ("res_id", "=", record.id)]
        )

    def _signals(self, node, kind):
        return self.env["oms.node.signal"].search(
            [("warehouse_id", "=", node.id), ("kind", "=", kind), ("source", "=", "oms_dropship")]
        )
