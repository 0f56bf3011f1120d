# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import api, models
from odoo.tools import SQL

from .oms_node_quant import create_node_quant_table

NODE_MAP_TABLE = "oms_location_node"
# The triggers and their functions, dropped with the table when the addon goes.
NODE_MAP_TRIGGERS = (
    ("stock_location", "oms_location_node_location_insert"),
    ("stock_location", "oms_location_node_location_update"),
    ("stock_warehouse", "oms_location_node_warehouse_insert"),
    ("stock_warehouse", "oms_location_node_warehouse_update"),
)
NODE_MAP_FUNCTIONS = ("oms_location_node_of_location", "oms_location_node_of_warehouse")


class OmsLocationNode(models.AbstractModel):
    """Which node's stock each location counts in, stored: the table the sellable stock joins
    its quants and moves to.

    A node's stock is its warehouse's stock location and everything below it (its input,
    output and packing zones are beside it, not below). Deriving that from the location paths
    on every read costs nodes x locations, or splitting every path the rows touch; storing it
    makes the read a join on the location id. Odoo's own ``stock.location.warehouse_id`` is no
    substitute: it follows the warehouse's view location (input and output zones included) and
    is not recomputed on the children of a location moved to another warehouse.

    PostgreSQL triggers keep the table in step with the location paths and the warehouses'
    stock locations in the statement that changes them, whoever writes them (the ORM, Odoo's
    own SQL that moves a whole subtree, an import): a location created, moved (with its
    subtree), or whose type changes; a warehouse created or given another stock location.
    Deleting a location or a warehouse deletes its rows (foreign keys). Every install and
    upgrade rebuilds the table from the paths.

    Each quant's free quantity at its nodes is kept beside it (``oms_node_quant``, by
    triggers on the quants and on this table's rows): that is what the sellable stock reads.
    """

    _name = "oms.location.node"
    _description = "Location to Node Map"

    def init(self):
        cr = self.env.cr
        table = SQL.identifier(NODE_MAP_TABLE)
        cr.execute(
            SQL(
                """
                CREATE TABLE IF NOT EXISTS %(table)s (
                    location_id integer NOT NULL
                        REFERENCES stock_location(id) ON DELETE CASCADE,
                    warehouse_id integer NOT NULL
                        REFERENCES stock_warehouse(id) ON DELETE CASCADE,
                    -- Quants count only in internal locations; moves leave any location.
                    internal boolean NOT NULL,
                    PRIMARY KEY (location_id, warehouse_id)
                );
                CREATE INDEX IF NOT EXISTS oms_location_node_warehouse_idx
                    ON %(table)s (warehouse_id);

                CREATE OR REPLACE FUNCTION oms_location_node_of_location() RETURNS trigger
                LANGUAGE plpgsql AS $body$
                BEGIN
                    DELETE FROM %(table)s WHERE location_id = NEW.id;
                    -- The nodes whose stock location is on the location's path.
                    INSERT INTO %(table)s (location_id, warehouse_id, internal)
                    SELECT NEW.id, wh.id, NEW.usage = 'internal'
                      FROM stock_warehouse wh
                     WHERE wh.lot_stock_id = ANY(
                            string_to_array(rtrim(NEW.parent_path, '/'), '/')::integer[]
                           );
                    RETURN NULL;
                END
                $body$;

                CREATE OR REPLACE FUNCTION oms_location_node_of_warehouse() RETURNS trigger
                LANGUAGE plpgsql AS $body$
                BEGIN
                    DELETE FROM %(table)s WHERE warehouse_id = NEW.id;
                    INSERT INTO %(table)s (location_id, warehouse_id, internal)
                    SELECT loc.id, NEW.id, loc.usage = 'internal'
                      FROM stock_location stock
                      JOIN stock_location loc ON starts_with(loc.parent_path, stock.parent_path)
                     WHERE stock.id = NEW.lot_stock_id;
                    RETURN NULL;
                END
                $body$;

                DROP TRIGGER IF EXISTS oms_location_node_location_insert ON stock_location;
                CREATE TRIGGER oms_location_node_location_insert
                    AFTER INSERT ON stock_location
                    FOR EACH ROW EXECUTE FUNCTION oms_location_node_of_location();
                -- Odoo moves a subtree with one UPDATE of every path in it: a row each.
                DROP TRIGGER IF EXISTS oms_location_node_location_update ON stock_location;
                CREATE TRIGGER oms_location_node_location_update
                    AFTER UPDATE OF parent_path, usage ON stock_location
                    FOR EACH ROW
                    WHEN (OLD.parent_path IS DISTINCT FROM NEW.parent_path
                          OR OLD.usage IS DISTINCT FROM NEW.usage)
                    EXECUTE FUNCTION oms_location_node_of_location();
                DROP TRIGGER IF EXISTS oms_location_node_warehouse_insert ON stock_warehouse;
                CREATE TRIGGER oms_location_node_warehouse_insert
                    AFTER INSERT ON stock_warehouse
                    FOR EACH ROW EXECUTE FUNCTION oms_location_node_of_warehouse();
                DROP TRIGGER IF EXISTS oms_location_node_warehouse_update ON stock_warehouse;
                CREATE TRIGGER oms_location_node_warehouse_update
                    AFTER UPDATE OF lot_stock_id ON stock_warehouse
                    FOR EACH ROW
                    WHEN (OLD.lot_stock_id IS DISTINCT FROM NEW.lot_stock_id)
                    EXECUTE FUNCTION oms_location_node_of_warehouse();
                """,
                table=table,
            )
        )
        # Each quant's free quantity at its nodes, kept by triggers on the quants and on the
        # map's rows (the rebuild below moves a quant's rows when its location's node changed).
        create_node_quant_table(cr, NODE_MAP_TABLE)
        self._rebuild()

    @api.model
    def _rebuild(self):
        """Every row again, from the paths: what the triggers keep, derived in one go. Only
        the rows that differ are deleted and inserted, so that an upgrade which changes
        nothing leaves the map, and the quants' rows derived from it, as they are."""
        self.env.flush_all()
        derived = SQL(
            """
            SELECT loc.id AS location_id, wh.id AS warehouse_id,
                   loc.usage = 'internal' AS internal
              FROM stock_location loc
             CROSS JOIN LATERAL unnest(
                    string_to_array(rtrim(loc.parent_path, '/'), '/')::integer[]
                   ) AS step(id)
              JOIN stock_warehouse wh ON wh.lot_stock_id = step.id
            """
        )
        self.env.cr.execute(
            SQL(
                """
                DELETE FROM %(table)s
                 WHERE (location_id, warehouse_id, internal) NOT IN (%(derived)s);
                INSERT INTO %(table)s (location_id, warehouse_id, internal)
                SELECT location_id, warehouse_id, internal FROM (%(derived)s) AS derived
                 WHERE (location_id, warehouse_id) NOT IN (
                        SELECT location_id, warehouse_id FROM %(table)s
                       );
                """,
                table=SQL.identifier(NODE_MAP_TABLE),
                derived=derived,
            )
        )

    @api.model
    def _get_nodes_of_locations(self, location_ids):
        """``{location id: [warehouse ids]}`` of the internal ones among ``location_ids``:
        the nodes whose sellable stock a quant there counts in (one, but for nodes nested in
        one another)."""
        nodes = defaultdict(list)
        if not location_ids:
            return nodes
        self.env["stock.location"].flush_model(["location_id", "usage"])
        self.env["stock.warehouse"].flush_model(["lot_stock_id"])
        self.env.cr.execute(
            SQL(
                "SELECT location_id, warehouse_id FROM %s WHERE location_id = ANY(%s) AND internal",
                SQL.identifier(NODE_MAP_TABLE),
                list(location_ids),
            )
        )
        for location_id, warehouse_id in self.env.cr.fetchall():
            nodes[location_id].append(warehouse_id)
        return nodes
