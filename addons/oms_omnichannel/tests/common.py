"""Builders shared by the routing tests: a small retailer in its own company.

The company is new so the tests see only the nodes, carriers and stock they build, whatever
else (demo data, other tests) the database holds.
"""

from odoo import Command
from odoo.tests import TransactionCase

# A Tuesday, 10:00 in Berlin (09:00 UTC): before every cutoff, no German holiday in sight.
TUESDAY_MORNING = "2026-12-01 09:00:00"


class OmsRoutingCase(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.germany = cls.env.ref("base.de")
        cls.company = cls.env["res.company"].create(
            {"name": "OMS Test Retail", "country_id": cls.germany.id}
        )
        cls.env.user.write({"company_ids": [Command.link(cls.company.id)]})
        cls.env = cls.env(context=dict(cls.env.context, allowed_company_ids=[cls.company.id]))
        # Carriers of other companies or of the whole database must not take part.
        cls.env["delivery.carrier"].sudo().search([]).write({"oms_routing_enabled": False})
        # The company's own first warehouse is the orders' home: no stock, not routable,
        # where backorders wait.
        cls.home = cls.env["stock.warehouse"].search([("company_id", "=", cls.company.id)])
        cls.home.write({"oms_routing_enabled": False, "name": "Home"})
        cls.shipping_product = cls.env["product.product"].create(
            {"name": "Shipping", "type": "service", "company_id": cls.company.id}
        )
        cls.parcel = cls._create_carrier("Parcel", cost_per_package=5.0)
        cls.customer = cls._create_partner("Ana", "10117")

    # ------------------------------------------------------------------ builders

    @classmethod
    def _create_partner(cls, name, zip_code, **vals):
        return cls.env["res.partner"].create(
            {
                "name": name,
                "zip": zip_code,
                "city": "Berlin",
                "country_id": cls.germany.id,
                "tz": "Europe/Berlin",
                **vals,
            }
        )

    @classmethod
    def _create_node(cls, code, zip_code="10115", **vals):
        partner = cls._create_partner(f"{code} address", zip_code)
        return cls.env["stock.warehouse"].create(
            {
                "name": code,
                "code": code,
                "partner_id": partner.id,
                "company_id": cls.company.id,
                **vals,
            }
        )

    @classmethod
    def _create_carrier(cls, name, zones=(("", 2),), **vals):
        carrier_vals = {
            "name": name,
            "product_id": cls.shipping_product.id,
            "delivery_type": "fixed",
            "company_id": cls.company.id,
            "oms_default_transit_days": -1,
            "oms_zone_ids": [
                Command.create(
                    {"country_id": cls.germany.id, "postal_prefix": prefix, "transit_days": days}
                )
                for prefix, days in zones
            ],
        }
        for key, value in vals.items():
            carrier_vals[key if key in cls.env["delivery.carrier"]._fields else f"oms_{key}"] = (
                value
            )
        return cls.env["delivery.carrier"].create(carrier_vals)

    @classmethod
    def _create_product(cls, name, **vals):
        return cls.env["product.product"].create(
            {"name": name, "type": "consu", "is_storable": True, "weight": 1.0, **vals}
        )

    @classmethod
    def _stock(cls, product, warehouse, qty):
        cls.env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, qty)

    @classmethod
    def _create_order(cls, lines, partner=None, **vals):
        return cls.env["sale.order"].create(
            {
                "partner_id": (partner or cls.customer).id,
                "company_id": cls.company.id,
                "warehouse_id": cls.home.id,
                "order_line": [
                    Command.create({"product_id": product.id, "product_uom_qty": qty})
                    for product, qty in lines
                ],
                **vals,
            }
        )

    # ------------------------------------------------------------------ reading results

    @staticmethod
    def _deliveries(order):
        """Open outgoing pickings of the order."""
        return order.picking_ids.filtered(
            lambda p: p.picking_type_code == "outgoing" and p.state != "cancel"
        )

    @classmethod
    def _shipped(cls, order):
        """``{(warehouse code, product): quantity}`` of the order's open deliveries."""
        result = {}
        for move in cls._deliveries(order).move_ids.filtered(lambda m: m.state != "cancel"):
            key = (move.picking_id.picking_type_id.warehouse_id.code, move.product_id)
            result[key] = result.get(key, 0.0) + move.product_uom_qty
        return result
