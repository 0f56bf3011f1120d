# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Each quant's free quantity, beside the node it counts in: the rows the sellable stock reads.

``stock_quant`` is a wide table, its quantities are numeric, and which node a quant counts in
is a join with the location-to-node map: reading the 3,000 quants of a 3-line order at 1,000
nodes cost PostgreSQL ~1.8 ms, most of it on those three. This table holds, per quant and
node, the product, the location and ``quantity - reserved_quantity`` as a float, with an
index that holds a product's rows with their quantity: the read is an index-only scan of a few
pages, with no join (0.42 ms on the same data; docs/benchmarks.md, fifth round).

PostgreSQL triggers keep it in the statement that changes a quant or the map, whoever writes
them (the ORM, Odoo's own SQL, an import), in the writer's transaction: what a transaction
reads here is what it would read in ``stock_quant``. A row is written only when its quant is,
by the transaction that holds the quant's row: no row is shared between quants, so the
contention Odoo avoids on quants (it takes a locked quant's neighbour rather than wait) is
not brought back. Quants in no node's stock have no row.
"""

from odoo.tools import SQL

NODE_QUANT_TABLE = "oms_node_quant"
# Dropped when the addon goes, before the table: a stock write would otherwise call a function
# whose table is gone. Those on the map go with the map's table.
QUANT_TRIGGERS = (
    "oms_node_quant_quant_insert",
    "oms_node_quant_quant_update",
    "oms_node_quant_quant_delete",
)
NODE_QUANT_FUNCTIONS = (
    "oms_node_quant_of_new_quants",
    "oms_node_quant_of_quant",
    "oms_node_quant_of_removed_quants",
    "oms_node_quant_of_new_map_rows",
    "oms_node_quant_of_removed_map_rows",
)


def create_node_quant_table(cr, map_table):
    """The table, its functions and triggers (idempotent). Kept from then on by the quants'
    writes and the map's rows; filled from the quants and the map when it is created (a first
    install, or an upgrade from a version without it)."""
    # Each quant's row at a node, from a quant (``quant``) and a row of the map (``node``).
    insert = SQL(
        """
        INSERT INTO %s (quant_id, warehouse_id, product_id, location_id, free)
        SELECT quant.id, node.warehouse_id, quant.product_id, quant.location_id,
               (COALESCE(quant.quantity, 0) - COALESCE(quant.reserved_quantity, 0))::float8
        """,
        SQL.identifier(NODE_QUANT_TABLE),
    )
    cr.execute(SQL("SELECT to_regclass(%s)", NODE_QUANT_TABLE))
    created = cr.fetchone()[0] is None
    cr.execute(
        SQL(
            """
            CREATE TABLE IF NOT EXISTS %(table)s (
                quant_id integer NOT NULL,
                warehouse_id integer NOT NULL,
                product_id integer NOT NULL,
                location_id integer NOT NULL,
                free float8 NOT NULL,
                PRIMARY KEY (quant_id, warehouse_id)
            ) WITH (
                -- Vacuumed after 1 in 100 of its rows changed, not PostgreSQL's 1 in 5: the read
                -- below needs the pages marked all-visible to skip them.
                autovacuum_vacuum_scale_factor = 0.01,
                autovacuum_analyze_scale_factor = 0.02
            );
            -- A product's rows with their free quantity, in the index itself: the read is an
            -- index-only scan of a few pages, wherever the rows lie in the table (a node's
            -- quants of many products together, one product's over as many pages as nodes).
            CREATE INDEX IF NOT EXISTS oms_node_quant_product_free_idx
                ON %(table)s (product_id, warehouse_id) INCLUDE (free);
            CREATE INDEX IF NOT EXISTS oms_node_quant_location_idx
                ON %(table)s (location_id);

            CREATE OR REPLACE FUNCTION oms_node_quant_of_new_quants() RETURNS trigger
            LANGUAGE plpgsql AS $body$
            BEGIN
                %(insert)s
                  FROM added quant
                  JOIN %(map)s node ON node.location_id = quant.location_id AND node.internal;
                RETURN NULL;
            END
            $body$;

            CREATE OR REPLACE FUNCTION oms_node_quant_of_quant() RETURNS trigger
            LANGUAGE plpgsql AS $body$
            BEGIN
                IF NEW.location_id = OLD.location_id AND NEW.product_id = OLD.product_id THEN
                    UPDATE %(table)s
                       SET free = (COALESCE(NEW.quantity, 0)
                                   - COALESCE(NEW.reserved_quantity, 0))::float8
                     WHERE quant_id = NEW.id;
                ELSE
                    -- Moved or given another product (not by Odoo itself): its rows anew.
                    DELETE FROM %(table)s WHERE quant_id = OLD.id;
                    %(insert)s
                      FROM stock_quant quant
                      JOIN %(map)s node ON node.location_id = quant.location_id AND node.internal
                     WHERE quant.id = NEW.id;
                END IF;
                RETURN NULL;
            END
            $body$;

            CREATE OR REPLACE FUNCTION oms_node_quant_of_removed_quants() RETURNS trigger
            LANGUAGE plpgsql AS $body$
            BEGIN
                DELETE FROM %(table)s kept USING removed WHERE kept.quant_id = removed.id;
                RETURN NULL;
            END
            $body$;

            CREATE OR REPLACE FUNCTION oms_node_quant_of_new_map_rows() RETURNS trigger
            LANGUAGE plpgsql AS $body$
            BEGIN
                %(insert)s
                  FROM added node
                  JOIN stock_quant quant ON quant.location_id = node.location_id
                 WHERE node.internal
                ON CONFLICT (quant_id, warehouse_id) DO UPDATE SET free = EXCLUDED.free;
                RETURN NULL;
            END
            $body$;

            CREATE OR REPLACE FUNCTION oms_node_quant_of_removed_map_rows() RETURNS trigger
            LANGUAGE plpgsql AS $body$
            BEGIN
                DELETE FROM %(table)s kept USING removed
                 WHERE kept.location_id = removed.location_id
                   AND kept.warehouse_id = removed.warehouse_id;
                RETURN NULL;
            END
            $body$;

            -- Inserts and deletes come in bulk too (imports, Odoo's cleaning of empty
            -- quants): a statement each. Updates come a quant at a time, on the hot path of
            -- every reservation: a row each, only when a counted column changes.
            DROP TRIGGER IF EXISTS oms_node_quant_quant_insert ON stock_quant;
            CREATE TRIGGER oms_node_quant_quant_insert
                AFTER INSERT ON stock_quant REFERENCING NEW TABLE AS added
                FOR EACH STATEMENT EXECUTE FUNCTION oms_node_quant_of_new_quants();
            DROP TRIGGER IF EXISTS oms_node_quant_quant_update ON stock_quant;
            CREATE TRIGGER oms_node_quant_quant_update
                AFTER UPDATE OF quantity, reserved_quantity, location_id, product_id
                ON stock_quant
                FOR EACH ROW
                WHEN (OLD.quantity IS DISTINCT FROM NEW.quantity
                      OR OLD.reserved_quantity IS DISTINCT FROM NEW.reserved_quantity
                      OR OLD.location_id IS DISTINCT FROM NEW.location_id
                      OR OLD.product_id IS DISTINCT FROM NEW.product_id)
                EXECUTE FUNCTION oms_node_quant_of_quant();
            DROP TRIGGER IF EXISTS oms_node_quant_quant_delete ON stock_quant;
            CREATE TRIGGER oms_node_quant_quant_delete
                AFTER DELETE ON stock_quant REFERENCING OLD TABLE AS removed
                FOR EACH STATEMENT EXECUTE FUNCTION oms_node_quant_of_removed_quants();
            -- The map's rows are deleted and inserted again when a location or a warehouse
            -- changes, and those that differ from the paths when it is rebuilt.
            DROP TRIGGER IF EXISTS oms_node_quant_map_insert ON %(map)s;
            CREATE TRIGGER oms_node_quant_map_insert
                AFTER INSERT ON %(map)s REFERENCING NEW TABLE AS added
                FOR EACH STATEMENT EXECUTE FUNCTION oms_node_quant_of_new_map_rows();
            DROP TRIGGER IF EXISTS oms_node_quant_map_delete ON %(map)s;
            CREATE TRIGGER oms_node_quant_map_delete
                AFTER DELETE ON %(map)s REFERENCING OLD TABLE AS removed
                FOR EACH STATEMENT EXECUTE FUNCTION oms_node_quant_of_removed_map_rows();
            """,
            table=SQL.identifier(NODE_QUANT_TABLE),
            map=SQL.identifier(map_table),
            insert=insert,
        )
    )
    if created:
        cr.execute(
            SQL(
                """
                %(insert)s
                  FROM stock_quant quant
                  JOIN %(map)s node ON node.location_id = quant.location_id AND node.internal
                """,
                insert=insert,
                map=SQL.identifier(map_table),
            )
        )
