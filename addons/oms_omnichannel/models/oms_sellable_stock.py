from collections import defaultdict

from odoo import api, models
from odoo.tools import SQL

from .oms_location_node import NODE_MAP_TABLE
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

        Which node a location counts in is stored (``oms.location.node``), so the query joins
        the products' quants and open moves to the given nodes' locations by location id: a
        hash join whose cost follows those rows, with no location path read.
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
        # The map follows the locations' paths and the warehouses' stock locations.
        self.env["stock.location"].flush_model(["location_id", "usage"])
        self.env["stock.warehouse"].flush_model(["lot_stock_id"])
        self.env.cr.execute(
            SQL(
                """
                WITH node AS MATERIALIZED (
                    SELECT map.location_id, map.warehouse_id, map.internal
                      FROM unnest(%(warehouses)s::integer[]) AS given(id)
                      JOIN %(map)s map ON map.warehouse_id = given.id
                ),
                -- The products' quants and open moves, then a hash join with the nodes'
                -- locations. Left to itself, PostgreSQL may instead look each node's
                -- locations up in the quants (a bitmap of every product there, per
                -- location): 14 ms at 200 stores of 800 products, against 2 this way.
                -- OFFSET 0 keeps the subquery whole, so no node's location reaches into
                -- it, without storing its rows as MATERIALIZED would.
                quant AS (
                    SELECT product_id, location_id, quantity - reserved_quantity AS qty
                      FROM stock_quant
                     WHERE product_id = ANY(%(products)s)
                    OFFSET 0
                ),
                move AS (
                    SELECT product_id, location_id, location_dest_id,
                           -(product_qty - COALESCE(quantity, 0)) AS qty
                      FROM stock_move
                     WHERE product_id = ANY(%(products)s)
                       AND state IN ('confirmed', 'partially_available')
                       AND product_qty > COALESCE(quantity, 0)
                    OFFSET 0
                ),
                free AS (
                    SELECT node.warehouse_id, quant.product_id, quant.qty
                      FROM quant
                      JOIN node ON node.location_id = quant.location_id
                     WHERE node.internal
                    UNION ALL
                    -- Moves leaving the node: from one of its locations to none of them.
                    SELECT src.warehouse_id, move.product_id, move.qty
                      FROM move
                      JOIN node src ON src.location_id = move.location_id
                     WHERE NOT EXISTS (
                            SELECT 1 FROM %(map)s dest
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
                map=SQL.identifier(NODE_MAP_TABLE),
                # One array literal ('{1,2,...}'): psycopg2 sends a list as ARRAY[1, 2,
                # ...], which PostgreSQL parses element by element, ~0.8 ms for 1,000
                # nodes (and ``= ANY`` of it makes the planner weigh every element).
                warehouses="{" + ",".join(map(str, warehouses.ids)) + "}",
                products=products.ids,
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
