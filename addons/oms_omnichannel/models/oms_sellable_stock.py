from collections import defaultdict

from odoo import api, models
from odoo.tools import SQL

from .oms_outbox_event import LOCKED_KEY

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
        # Held until the transaction ends: the outbox, about to lock the same products for
        # the stock the routing reserves, need not take them again (a query per order).
        self.env.cr.precommit.data.setdefault(LOCKED_KEY, set()).update(products.ids)

    @api.model
    def _get_on_hand_free(self, products, warehouses):
        """On hand minus what is promised out of it, per (warehouse, product).

        Promised = reserved quants plus the unreserved rest of confirmed moves leaving the
        stock location (deliveries of warehouses that reserve late or manually, shortfalls).
        One query for all pairs; the warehouse's stock location and its children count, the
        input, output and packing zones of multi-step warehouses do not.

        The query starts from the products' rows (their quants and open moves) and finds the
        nodes of their locations by the location ids on each location's path: a hash join
        whose cost follows those rows, not the number of nodes. (Matching every node's path
        against every location instead costs nodes x locations: ~90 ms a routing at 1,000
        nodes. Joining on the warehouse Odoo stores on a location would be as fast, but
        Odoo 18 does not recompute it on the children of a location moved to another
        warehouse, and their stock would be counted nowhere.)
        """
        return {
            (wh_id, product_id): qty
            for product_id, (wh_ids, qtys) in self._get_free_by_product(
                products, warehouses
            ).items()
            for wh_id, qty in zip(wh_ids, qtys, strict=True)
        }

    @api.model
    def _get_free_by_product(self, products, warehouses):
        """``_get_on_hand_free`` as ``{product id: (warehouse ids, quantities)}``: one row per
        product from the database instead of one per node and product."""
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
                WITH node AS MATERIALIZED (
                    SELECT wh.id AS warehouse_id, wh.lot_stock_id AS stock_location
                      FROM unnest(%s::integer[]) AS given(id)
                      JOIN stock_warehouse wh ON wh.id = given.id
                ),
                quant AS MATERIALIZED (
                    SELECT product_id, location_id, quantity - reserved_quantity AS qty
                      FROM stock_quant
                     WHERE product_id = ANY(%s)
                ),
                move AS MATERIALIZED (
                    SELECT product_id, location_id, location_dest_id,
                           -(product_qty - COALESCE(quantity, 0)) AS qty
                      FROM stock_move
                     WHERE product_id = ANY(%s)
                       AND state IN ('confirmed', 'partially_available')
                       AND product_qty > COALESCE(quantity, 0)
                ),
                -- The nodes whose stock location is one of these locations or above them:
                -- the location ids on their path. The locations are looked up by id (an
                -- array, not IN): with IN, PostgreSQL scans every location of the
                -- database to find them.
                place AS MATERIALIZED (
                    SELECT loc.id AS location_id, loc.usage, node.warehouse_id
                      FROM stock_location loc
                     CROSS JOIN LATERAL unnest(
                            string_to_array(rtrim(loc.parent_path, '/'), '/')::integer[]
                           ) AS step(id)
                      JOIN node ON node.stock_location = step.id
                     WHERE loc.id = ANY(ARRAY(
                            SELECT location_id FROM quant
                            UNION SELECT location_id FROM move
                            UNION SELECT location_dest_id FROM move
                           ))
                ),
                free AS (
                    SELECT place.warehouse_id, quant.product_id, quant.qty
                      FROM quant
                      JOIN place ON place.location_id = quant.location_id
                     WHERE place.usage = 'internal'
                    UNION ALL
                    SELECT src.warehouse_id, move.product_id, move.qty
                      FROM move
                      JOIN place src ON src.location_id = move.location_id
                     WHERE NOT EXISTS (
                            SELECT 1 FROM place dest
                             WHERE dest.location_id = move.location_dest_id
                               AND dest.warehouse_id = src.warehouse_id
                           )
                )
                SELECT product_id, array_agg(warehouse_id), array_agg(qty)
                  FROM (
                        SELECT warehouse_id, product_id, SUM(qty)::float8 AS qty FROM free
                         GROUP BY warehouse_id, product_id
                       ) AS per_node
                 GROUP BY product_id
                """,
                warehouses.ids,
                products.ids,
                products.ids,
            )
        )
        return {product_id: (wh_ids, qtys) for product_id, wh_ids, qtys in self.env.cr.fetchall()}

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

    @api.model
    def _get_engine_stock(self, products, warehouses, safety_stock=0.0):
        """Sellable stock as the engine reads it: ``{sku: {node id: qty}}``, whole units,
        only positive quantities.

        The nodes are named from the network each process keeps, so the stock of a thousand
        nodes is read without reading a thousand warehouses.
        """
        free = self._get_free_by_product(products, warehouses)
        network = self.env["oms.network"]
        node_of = network._get_node_keys(warehouses)
        stock = defaultdict(dict)
        for product in products:
            wh_ids, qtys = free.get(product.id, ((), ()))
            units = {
                node_of[wh_id]: int(qty - safety_stock)
                for wh_id, qty in zip(wh_ids, qtys, strict=True)
                if qty - safety_stock >= 1
            }
            if units:
                stock[network._sku(product)] = units
        return stock
