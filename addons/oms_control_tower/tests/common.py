"""Builders shared by the control tower's tests: the core's small retailer (its own company,
one carrier, a Berlin customer) with two nodes that hold the same products."""

from datetime import timedelta

from odoo import fields
from odoo.addons.oms_omnichannel.tests.common import OmsRoutingCase


class OmsTowerCase(OmsRoutingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = cls.env.ref("base.user_admin")
        cls.company.oms_responsible_user_id = cls.manager
        cls.dc_north = cls._create_node("NORTH", "20095", oms_handling_cost=1.0)
        cls.dc_south = cls._create_node("SOUTH", "80331", oms_handling_cost=2.0, oms_priority=1)
        cls.mug = cls._create_product("Mug")
        cls.plate = cls._create_product("Plate")
        for node in cls.dc_north | cls.dc_south:
            cls._stock(cls.mug, node, 50)
            cls._stock(cls.plate, node, 50)

    # ------------------------------------------------------------------ helpers

    @classmethod
    def _confirmed(cls, lines, **vals):
        order = cls._create_order(lines, **vals)
        order.action_confirm()
        return order

    def _age(self, pickings, hours, now=None):
        """Make ``pickings`` look ``hours`` old at ``now`` (their backlog age)."""
        pickings.flush_recordset()
        self.env.cr.execute(
            "UPDATE stock_picking SET create_date = %s WHERE id = ANY(%s)",
            ((now or fields.Datetime.now()) - timedelta(hours=hours), pickings.ids),
        )
        pickings.invalidate_recordset(["create_date"])

    def _status(self, node):
        return self.env["oms.health.status"].search([("warehouse_id", "=", node.id)])

    def _events(self, status):
        return status.event_ids.sorted("id").mapped("action")

    def _check(self, now=None):
        self.env["oms.health.monitor"]._cron_check_health(now=now)
