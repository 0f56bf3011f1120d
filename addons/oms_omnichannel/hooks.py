from odoo.tools import SQL

from .models.oms_sellable_stock import LOCK_TABLE


def uninstall_hook(env):
    """Drop the routing lock table: it is plain SQL, so Odoo does not know to remove it."""
    env.cr.execute(SQL("DROP TABLE IF EXISTS %s", SQL.identifier(LOCK_TABLE)))
