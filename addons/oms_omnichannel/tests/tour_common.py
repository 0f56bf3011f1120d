"""What the browser tours share: a small network of their own in the browser's company.

The tours run as admin in the main company, so instead of a company of their own (as
``common.OmsRoutingCase`` builds) they switch every other carrier and warehouse of it off for
routing: only the nodes and the carrier a tour builds take part, whatever the database holds.
"""

from odoo.tests import HttpCase


class OmsTourCase(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.germany = cls.env.ref("base.de")
        cls.company = cls.env.ref("base.main_company")
        cls.env["delivery.carrier"].search([]).write({"oms_routing_enabled": False})
        cls.env["stock.warehouse"].search([("company_id", "=", cls.company.id)]).write(
            {"oms_routing_enabled": False}
        )

    @classmethod
    def _create_tour_carrier(cls, name, **vals):
        shipping = cls.env["product.product"].create(
            {"name": f"{name} shipping", "type": "service"}
        )
        return cls.env["delivery.carrier"].create(
            {"name": name, "product_id": shipping.id, "delivery_type": "fixed", **vals}
        )

    @classmethod
    def _create_tour_node(cls, name, code, zip_code, **vals):
        partner = cls.env["res.partner"].create(
            {"name": name, "zip": zip_code, "country_id": cls.germany.id, "tz": "Europe/Berlin"}
        )
        return cls.env["stock.warehouse"].create(
            {"name": name, "code": code, "partner_id": partner.id, **vals}
        )

    @classmethod
    def _create_tour_product(cls, name, weight, stock):
        """A storable product with ``{warehouse: quantity}`` on hand."""
        product = cls.env["product.product"].create(
            {"name": name, "type": "consu", "is_storable": True, "weight": weight}
        )
        for warehouse, quantity in stock.items():
            cls.env["stock.quant"]._update_available_quantity(
                product, warehouse.lot_stock_id, quantity
            )
        return product

    @staticmethod
    def _shipping_nodes(order):
        """Codes of the warehouses of the order's open deliveries."""
        pickings = order.picking_ids.filtered(
            lambda p: p.picking_type_code == "outgoing" and p.state != "cancel"
        )
        return set(pickings.picking_type_id.warehouse_id.mapped("code"))
