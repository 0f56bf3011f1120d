"""Upgrading to 18.0.1.1.0.

- An order's package count is stored (it followed the first decision before): fill it from
  the order's current decision, which described the order then.
- The access rules of 18.0.1.1.0 (docs/odoo.md, "Who sees what"): the sync service's user no
  longer needs the rights OMS Integration implied before (its doors work in sudo), and store
  staff see the stores on their *Stores* instead of their own *Default Warehouse*. Odoo keeps
  a group's former implied groups on its users, and *Stores* starts empty: without this step
  the sync user would keep sales, inventory and contact rights, and store staff would see no
  order until a manager sets their stores.
"""

from odoo import SUPERUSER_ID, Command, api

# What OMS Integration implied before 18.0.1.1.0 (and what those imply).
FORMERLY_IMPLIED = (
    "sales_team.group_sale_salesman_all_leads",
    "sales_team.group_sale_salesman",
    "stock.group_stock_user",
    "base.group_partner_manager",
)


def migrate(cr, version):
    _fill_package_counts(cr)
    env = api.Environment(cr, SUPERUSER_ID, {})
    _narrow_integration_users(env)
    _stores_from_default_warehouse(env)


def _fill_package_counts(cr):
    cr.execute(
        """
        UPDATE sale_order so
           SET oms_package_count = d.package_count
          FROM oms_routing_decision d
         WHERE d.id = so.oms_decision_id
           AND so.oms_package_count IS DISTINCT FROM d.package_count
        """
    )


def _narrow_integration_users(env):
    """The sync service's users lose what OMS Integration implied before. A user who is also
    store staff, customer service or a manager (they imply some of those groups themselves)
    or an administrator keeps everything."""
    integration = env.ref("oms_omnichannel.group_oms_integration")
    people = env.ref("oms_omnichannel.group_oms_store_staff") | env.ref("base.group_system")
    former = env["res.groups"].browse(
        group.id for xmlid in FORMERLY_IMPLIED if (group := env.ref(xmlid, False))
    )
    for user in integration.with_context(active_test=False).users:
        if user.id == SUPERUSER_ID or user.groups_id & people:
            continue
        user.write({"groups_id": [Command.unlink(group.id) for group in former]})


def _stores_from_default_warehouse(env):
    """Store staff (not customer service, who see every store) without *Stores* get the
    warehouse they saw before: their *Default Warehouse*, in each of their companies."""
    staff = env.ref("oms_omnichannel.group_oms_store_staff")
    everywhere = env.ref("oms_omnichannel.group_oms_customer_service")
    for user in staff.with_context(active_test=False).users:
        if user.oms_warehouse_ids or user.groups_id & everywhere:
            continue
        warehouses = env["stock.warehouse"]
        for company in user.company_ids:
            warehouses |= user.with_company(company).property_warehouse_id
        if warehouses:
            user.oms_warehouse_ids = warehouses
