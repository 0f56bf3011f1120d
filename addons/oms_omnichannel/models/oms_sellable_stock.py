from collections import defaultdict

from odoo import api, models
from odoo.tools import SQL

LOCK_TABLE = "oms_stock_lock"


class OmsSellableStock(models.AbstractModel):
    """Sellable stock per node and product, and the lock that makes reading it safe.

    Sellable = on hand - reserved - the channel's safety stock, in the product's unit, counted
    in each warehouse's stock location and below.
    """

    _name = "oms.sellable.stock"
    _description = "Sellable Stock"

    def init(self):
        # A row per product, bumped by every routing that reads the product's stock. Odoo runs
        # transactions in REPEATABLE READ: a plain SELECT ... FOR UPDATE would make a second
        # router wait, then let it read its stale snapshot and promise the same last unit.
        # Updating the row instead makes the second one fail with a serialization error, and
        # Odoo retries its whole transaction with fresh data.
        self.env.cr.execute(
            SQL(
                """
                CREATE TABLE IF NOT EXISTS %s (
                    product_id integer PRIMARY KEY
                        REFERENCES product_product(id) ON DELETE CASCADE,
                    version bigint NOT NULL DEFAULT 0
                )
                """,
                SQL.identifier(LOCK_TABLE),
            )
        )

    @api.model
    def _lock_products(self, products):
        """Serialise routings that read the stock of the same products.

        Rows are taken in product id order, so two routings never wait on each other in a
        cycle.
        """
        if not products:
            return
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO %s (product_id, version)
                SELECT id, 1 FROM unnest(%s::integer[]) AS id ORDER BY id
                ON CONFLICT (product_id) DO UPDATE SET version = %s.version + 1
                """,
                SQL.identifier(LOCK_TABLE),
                sorted(products.ids),
                SQL.identifier(LOCK_TABLE),
            )
        )

    @api.model
    def _get_on_hand_free(self, products, warehouses):
        """On hand minus reserved per (warehouse, product), from the quants.

        One query for all pairs; the warehouse's stock location and its children count, the
        input, output and packing zones of multi-step warehouses do not.
        """
        if not products or not warehouses:
            return {}
        self.env["stock.quant"].flush_model(
            ["product_id", "location_id", "quantity", "reserved_quantity"]
        )
        self.env["stock.location"].flush_model(["parent_path", "usage"])
        self.env["stock.warehouse"].flush_model(["lot_stock_id"])
        self.env.cr.execute(
            SQL(
                """
                SELECT wh.id, quant.product_id,
                       SUM(quant.quantity - quant.reserved_quantity)
                  FROM stock_warehouse wh
                  JOIN stock_location stock ON stock.id = wh.lot_stock_id
                  JOIN stock_location loc
                    ON loc.parent_path LIKE stock.parent_path || %s
                  JOIN stock_quant quant ON quant.location_id = loc.id
                 WHERE wh.id = ANY(%s)
                   AND quant.product_id = ANY(%s)
                   AND loc.usage = 'internal'
                 GROUP BY wh.id, quant.product_id
                """,
                "%",
                warehouses.ids,
                products.ids,
            )
        )
        return {(wh_id, product_id): qty for wh_id, product_id, qty in self.env.cr.fetchall()}

    @api.model
    def _get_sellable(self, products, warehouses, safety_stock=0.0):
        """Sellable quantity per warehouse then product: ``{warehouse: {product: qty}}``.

        Only positive quantities are listed.
        """
        free = self._get_on_hand_free(products, warehouses)
        sellable = defaultdict(dict)
        for (wh_id, product_id), qty in free.items():
            qty -= safety_stock
            if qty > 0:
                sellable[self.env["stock.warehouse"].browse(wh_id)][
                    self.env["product.product"].browse(product_id)
                ] = qty
        return sellable
