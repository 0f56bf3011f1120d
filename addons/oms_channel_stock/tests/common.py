# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Builders shared by the fence tests: the routing tests' retailer (a company of its own) with
a DC that has 100 lamps and a store that has 5, and three channels selling from both.

Routing prefers the DC (rank 0) to the store (rank 1): both have the lamp and the same
carrier, so rank decides and each test knows where an order goes when nothing is fenced.
"""

import uuid

from odoo.addons.oms_omnichannel.tests.common import OmsRoutingCase


class OmsChannelStockCase(OmsRoutingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dc = cls._create_node("FDC", "20095", oms_priority=0)
        cls.store = cls._create_node("FST", "10117", oms_priority=1)
        cls.lamps = cls.env["product.category"].create({"name": "Fence Lamps"})
        cls.lamp = cls._create_product(
            "Fence Lamp", default_code=f"FLAMP-{uuid.uuid4().hex[:6]}", categ_id=cls.lamps.id
        )
        cls.desk_lamp = cls._create_product(
            "Fence Desk Lamp", default_code=f"FDESK-{uuid.uuid4().hex[:6]}", categ_id=cls.lamps.id
        )
        cls._stock(cls.lamp, cls.dc, 100)
        cls._stock(cls.desk_lamp, cls.dc, 40)
        cls._stock(cls.lamp, cls.store, 5)
        Channel = cls.env["oms.channel"]
        suffix = uuid.uuid4().hex[:6]
        cls.web = Channel.create(
            {
                "name": "Fence Web",
                "code": f"fweb-{suffix}",
                "sequence": 1,
                "company_id": cls.company.id,
            }
        )
        cls.market = Channel.create(
            {
                "name": "Fence Marketplace",
                "code": f"fmkt-{suffix}",
                "sequence": 2,
                "kind": "marketplace",
                "company_id": cls.company.id,
            }
        )
        cls.phone = Channel.create(
            {
                "name": "Fence Phone",
                "code": f"fphone-{suffix}",
                "sequence": 3,
                "kind": "phone",
                "safety_stock": 1,
                "company_id": cls.company.id,
            }
        )
        cls.channels = cls.web | cls.market | cls.phone
        cls.Rule = cls.env["oms.channel.stock.rule"]

    @classmethod
    def _fence(cls, channel, warehouse=None, **vals):
        """A fence of ``channel`` at ``warehouse`` (default: the DC) on the lamp unless a
        category is given; a share unless ``quantity`` is."""
        if "categ_id" not in vals:
            vals.setdefault("product_id", cls.lamp.id)
        if "quantity" in vals:
            vals.setdefault("fence_type", "quantity")
        return cls.Rule.create(
            {"channel_id": channel.id, "warehouse_id": (warehouse or cls.dc).id, **vals}
        )

    def _seen(self, product=None, warehouse=None):
        """``{channel: sellable}`` of one product at one node, as the shops are sent it."""
        rows = self.env["oms.channel"]._oms_sellable_rows(
            product or self.lamp, warehouse or self.dc, channels=self.channels
        )
        by_code = {channel.code: channel for channel in self.channels}
        return {by_code[row["channel"]]: row["sellable"] for row in rows}

    def _order(self, channel, qty, product=None):
        """A confirmed order of ``channel`` (routed on confirmation)."""
        order = self._create_order([(product or self.lamp, qty)], oms_channel_id=channel.id)
        order.action_confirm()
        return order

    def _stock_events(self, after_id=0):
        """``{(channel, warehouse code): sellable}`` of the lamp's last stock.changed events,
        as a commit writes them."""
        self.env.cr.flush()  # what a commit does: the outbox is written at precommit
        events = self.env["oms.outbox.event"].search(
            [("topic", "=", "stock.changed"), ("res_id", "=", self.lamp.id), ("id", ">", after_id)],
            order="id",
        )
        by_code = {channel.code: channel for channel in self.channels}
        return {
            (by_code.get(e.channel_code), e.payload["warehouse"]): e.payload["sellable"]
            for e in events
        }

    def _last_event_id(self):
        self.env.cr.flush()
        return self.env["oms.outbox.event"].search([], order="id desc", limit=1).id
