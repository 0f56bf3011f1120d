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
            ),
            # The serialization failure is expected under contention; Odoo retries.
            log_exceptions=False,
        )

    @api.model
    def _get_on_hand_free(self, products, warehouses):
        """On hand minus what is promised out of it, per (warehouse, product).

        Promised = reserved quants plus the unreserved rest of confirmed moves leaving the
        stock location (deliveries of warehouses that reserve late or manually, shortfalls).
        One query for all pairs; the warehouse's stock location and its children count, the
        input, output and packing zones of multi-step warehouses do not.
        """
        if not products or not warehouses:
            return {}
        self.env["stock.quant"].flush_model(
            ["product_id", "location_id", "quantity", "reserved_quantity"]
        )
        self.env["stock.move"].flush_model(
            ["product_id", "location_id", "location_dest_id", "state", "product_qty", "quantity"]
        )
        self.env["stock.location"].flush_model(["parent_path", "usage"])
        self.env["stock.warehouse"].flush_model(["lot_stock_id"])
        self.env.cr.execute(
            SQL(
                """
                WITH node AS (
                    SELECT wh.id AS warehouse_id, stock.parent_path || %s AS subtree
                      FROM stock_warehouse wh
                      JOIN stock_location stock ON stock.id = wh.lot_stock_id
                     WHERE wh.id = ANY(%s)
                ),
                free AS (
                    SELECT node.warehouse_id, quant.product_id,
                           quant.quantity - quant.reserved_quantity AS qty
                      FROM node
                      JOIN stock_location loc ON loc.parent_path LIKE node.subtree
                      JOIN stock_quant quant ON quant.location_id = loc.id
                     WHERE quant.product_id = ANY(%s)
                       AND loc.usage = 'internal'
                    UNION ALL
                    SELECT node.warehouse_id, move.product_id,
                           -(move.product_qty - COALESCE(move.quantity, 0)) AS qty
                      FROM node
                      JOIN stock_location src ON src.parent_path LIKE node.subtree
                      JOIN stock_move move ON move.location_id = src.id
                      JOIN stock_location dest ON dest.id = move.location_dest_id
                     WHERE move.product_id = ANY(%s)
                       AND move.state IN ('confirmed', 'partially_available')
                       AND dest.parent_path NOT LIKE node.subtree
                       AND move.product_qty > COALESCE(move.quantity, 0)
                )
                SELECT warehouse_id, product_id, SUM(qty) FROM free
                 GROUP BY warehouse_id, product_id
                """,
                "%",
                warehouses.ids,
                products.ids,
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
        # The records of the arguments, so that reading one warehouse reads them all.
        warehouse_of = {warehouse.id: warehouse for warehouse in warehouses}
        product_of = {product.id: product for product in products}
        sellable = defaultdict(dict)
        for (wh_id, product_id), qty in free.items():
            qty -= safety_stock
            if qty > 0:
                sellable[warehouse_of[wh_id]][product_of[product_id]] = qty
        return sellable
