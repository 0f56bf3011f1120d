# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Builders shared by the intake, outbox and export tests (no test of its own)."""

import copy

from odoo.tests import TransactionCase


class OmsIntakeCommon(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        cls.stock_location = cls.warehouse.lot_stock_id
        cls.channel = cls.env["oms.channel"].create(
            {
                "name": "Web shop (test)",
                "code": "test-webshop",
                "warehouse_ids": [(6, 0, cls.warehouse.ids)],
                "safety_stock": 1.0,
            }
        )
        cls.product_a = cls._create_product("OMS-TEST-A", 19.9)
        cls.product_b = cls._create_product("OMS-TEST-B", 5.0)
        cls._set_stock(cls.product_a, 10)
        cls._set_stock(cls.product_b, 10)
        shipping_product = cls.env["product.product"].create(
            {"name": "Test shipping", "type": "service", "list_price": 0.0}
        )
        cls.carrier = cls.env["delivery.carrier"].create(
            {
                "name": "Test Parcel",
                "oms_carrier_code": "testparcel",
                "sequence": 0,
                "product_id": shipping_product.id,
                "delivery_type": "fixed",
                "tracking_url": "https://track.example.com/?n=<shipmenttrackingnumber>",
            }
        )
        cls.outbox = cls.env["oms.outbox.event"]
        cls.intake = cls.env["oms.intake"]

    @classmethod
    def _create_product(cls, sku, price):
        return cls.env["product.product"].create(
            {
                "name": f"Product {sku}",
                "default_code": sku,
                "type": "consu",
                "is_storable": True,
                "list_price": price,
            }
        )

    @classmethod
    def _set_stock(cls, product, quantity, location=None):
        """Make the on-hand quantity (reserved included) of ``product`` in ``location``."""
        location = location or cls.stock_location
        on_hand = sum(cls.env["stock.quant"]._gather(product, location).mapped("quantity"))
        cls.env["stock.quant"]._update_available_quantity(product, location, quantity - on_hand)

    def _payload(self, external_id="1001", version=1, **overrides):
        payload = {
            "channel": self.channel.code,
            "external_id": external_id,
            "external_version": version,
            "status": "open",
            "name": f"#{external_id}",
            "placed_at": "2026-11-26T09:12:00Z",
            "currency": self.company.currency_id.name,
            "customer": {
                "external_id": "c-77",
                "email": "ana.intake@example.com",
                "name": "Ana Silva",
                "phone": "+351 912 345 678",
            },
            "shipping_address": {
                "name": "Ana Silva",
                "street": "Rua Augusta 10",
                "street2": "",
                "city": "Lisboa",
                "zip": "1100-053",
                "country_code": "PT",
                "state_code": "",
                "phone": "",
            },
            "lines": [
                {
                    "external_id": "li-1",
                    "sku": "OMS-TEST-A",
                    "quantity": 2,
                    "unit_price": "19.90",
                    "discount_percent": "0",
                },
                {
                    "external_id": "li-2",
                    "sku": "OMS-TEST-B",
                    "quantity": 1,
                    "unit_price": "5.00",
                    "discount_percent": "10",
                },
            ],
            "service_level": "standard",
            "shipping_price": "4.90",
            "delivery_mode": "ship",
            "pickup_store": None,
            "allow_split": True,
            "payment": {"status": "paid", "method": "card", "amount": "44.30", "reference": "pi_1"},
            "reservation_id": None,
        }
        payload = copy.deepcopy(payload)
        payload.update(overrides)
        return payload

    def _ingest(self, *payloads):
        return self.intake.ingest_orders(list(payloads))

    def _orders(self, external_id):
        return self.env["sale.order"].search(
            [("oms_channel_id", "=", self.channel.id), ("oms_external_id", "=", external_id)]
        )

    def _ship(self, order, tracking_ref=None):
        """Validate the order's outgoing deliveries, with a tracking number if given."""
        pickings = order.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing")
        for picking in pickings:
            picking.carrier_id = self.carrier
            if tracking_ref:
                picking.carrier_tracking_ref = tracking_ref
            for move in picking.move_ids:
                move.quantity = move.product_uom_qty
            picking.move_ids.picked = True
            picking.with_context(skip_backorder=True, cancel_backorder=True)._action_done()
        return pickings

    def _flush_outbox(self):
        # What a commit does: run the precommit hooks that write the outbox.
        self.env.cr.flush()

    def _events(self, topic=None):
        self._flush_outbox()
        domain = [("topic", "=", topic)] if topic else []
        return self.outbox.search(domain, order="id")
