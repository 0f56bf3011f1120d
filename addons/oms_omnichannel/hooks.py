from odoo.tools import SQL

from .models.oms_location_node import NODE_MAP_FUNCTIONS, NODE_MAP_TABLE, NODE_MAP_TRIGGERS
from .models.oms_network_version import CHANGE_TABLE, VERSION_SEQUENCE
from .models.oms_node_quant import NODE_QUANT_FUNCTIONS, NODE_QUANT_TABLE, QUANT_TRIGGERS
from .models.oms_sellable_stock import LOCK_TABLE


def uninstall_hook(env):
    """Drop the routing lock table, the network's change log, the location-to-node map and
    the quants' free quantities per node with their triggers: they are plain SQL, so Odoo
    does not know to remove them."""
    # First the triggers on Odoo's quants: every stock write calls them.
    for trigger in QUANT_TRIGGERS:
        env.cr.execute(SQL("DROP TRIGGER IF EXISTS %s ON stock_quant", SQL.identifier(trigger)))
    for table, trigger in NODE_MAP_TRIGGERS:
        env.cr.execute(
            SQL("DROP TRIGGER IF EXISTS %s ON %s", SQL.identifier(trigger), SQL.identifier(table))
        )
    for function in NODE_MAP_FUNCTIONS:
        env.cr.execute(SQL("DROP FUNCTION IF EXISTS %s()", SQL.identifier(function)))
    # The quants' rows' triggers on the map go with the map's table, before their functions.
    env.cr.execute(SQL("DROP TABLE IF EXISTS %s", SQL.identifier(NODE_MAP_TABLE)))
    for function in NODE_QUANT_FUNCTIONS:
        env.cr.execute(SQL("DROP FUNCTION IF EXISTS %s()", SQL.identifier(function)))
    env.cr.execute(SQL("DROP TABLE IF EXISTS %s", SQL.identifier(NODE_QUANT_TABLE)))
    env.cr.execute(SQL("DROP TABLE IF EXISTS %s", SQL.identifier(LOCK_TABLE)))
    env.cr.execute(SQL("DROP TABLE IF EXISTS %s", SQL.identifier(CHANGE_TABLE)))
    env.cr.execute(SQL("DROP SEQUENCE IF EXISTS %s", SQL.identifier(VERSION_SEQUENCE)))
