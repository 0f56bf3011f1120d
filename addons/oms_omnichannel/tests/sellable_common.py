"""Builders shared by the sellable-stock tests (no test of its own)."""

from .common import OmsRoutingCase

# The query routing read sellable stock with until the network grew to thousands of nodes:
# every node's stock location path matched against every location (LIKE). It is the
# definition the faster query must keep, row for row.
PATH_MATCHING_QUERY = """
    WITH node AS (
        SELECT wh.id AS warehouse_id, stock.parent_path || '%%' AS subtree
          FROM stock_warehouse wh
          JOIN stock_location stock ON stock.id = wh.lot_stock_id
         WHERE wh.id = ANY(%(warehouses)s)
    ),
    free AS (
        SELECT node.warehouse_id, quant.product_id,
               quant.quantity - quant.reserved_quantity AS qty
          FROM node
          JOIN stock_location loc ON loc.parent_path LIKE node.subtree
          JOIN stock_quant quant ON quant.location_id = loc.id
         WHERE quant.product_id = ANY(%(products)s)
           AND loc.usage = 'internal'
        UNION ALL
        SELECT node.warehouse_id, move.product_id,
               -(move.product_qty - COALESCE(move.quantity, 0)) AS qty
          FROM node
          JOIN stock_location src ON src.parent_path LIKE node.subtree
          JOIN stock_move move ON move.location_id = src.id
          JOIN stock_location dest ON dest.id = move.location_dest_id
         WHERE move.product_id = ANY(%(products)s)
           AND move.state IN ('confirmed', 'partially_available')
           AND dest.parent_path NOT LIKE node.subtree
           AND move.product_qty > COALESCE(move.quantity, 0)
    )
    SELECT warehouse_id, product_id, SUM(qty) FROM free
     GROUP BY warehouse_id, product_id
"""


class OmsSellableCase(OmsRoutingCase):
    @classmethod
    def _location(cls, name, parent, usage="internal"):
        return cls.env["stock.location"].create(
            {"name": name, "location_id": parent.id, "usage": usage}
        )

    @classmethod
    def _move(cls, product, source, destination, qty, state="confirmed"):
        return cls.env["stock.move"].create(
            {
                "name": product.name,
                "product_id": product.id,
                "product_uom": product.uom_id.id,
                "product_uom_qty": qty,
                "location_id": source.id,
                "location_dest_id": destination.id,
                "company_id": source.company_id.id or cls.company.id,
                "state": state,
            }
        )

    def _path_matching(self, products, warehouses):
        """What the path-matching query counts: ``{(warehouse id, product id): qty}``."""
        self.env.flush_all()
        self.env.cr.execute(
            PATH_MATCHING_QUERY, {"warehouses": warehouses.ids, "products": products.ids}
        )
        return {(wh_id, product_id): qty for wh_id, product_id, qty in self.env.cr.fetchall()}
