from odoo.tools import SQL

from .models.oms_network_version import CHANGE_TABLE, VERSION_SEQUENCE
from .models.oms_sellable_stock import LOCK_TABLE


def uninstall_hook(env):
    """Drop the routing lock table and the network's change log: they are plain SQL, so
    Odoo does not know to remove them."""
    env.cr.execute(SQL("DROP TABLE IF EXISTS %s", SQL.identifier(LOCK_TABLE)))
    env.cr.execute(SQL("DROP TABLE IF EXISTS %s", SQL.identifier(CHANGE_TABLE)))
    env.cr.execute(SQL("DROP SEQUENCE IF EXISTS %s", SQL.identifier(VERSION_SEQUENCE)))
