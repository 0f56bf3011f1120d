# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError

# Who may call the sync service's doors (docs/odoo.md, "Who sees what").
INTEGRATION = "oms_omnichannel.group_oms_integration"
INTEGRATION_OR_MANAGER = f"{INTEGRATION},oms_omnichannel.group_oms_manager"
# Who may say which stores a person works for.
STORE_ASSIGNERS = "base.group_erp_manager,oms_omnichannel.group_oms_manager"


class ResUsers(models.Model):
    _inherit = "res.users"

    oms_warehouse_ids = fields.Many2many(
        "stock.warehouse",
        "oms_res_users_stock_warehouse_rel",
        "user_id",
        "warehouse_id",
        string="Stores",
        help="The stores this person works for. Store staff see and prepare the orders, "
        "deliveries and customers of these stores only. Set by an OMS manager or a user "
        "administrator, never by the person.",
    )

    def _get_invalidation_fields(self):
        # The store rules read this field: a change must reach every worker's rule cache at
        # once (Odoo clears the registry caches for these fields, as for groups).
        return super()._get_invalidation_fields() | {"oms_warehouse_ids"}

    def write(self, vals):
        if "oms_warehouse_ids" not in vals or self.env.su:
            return super().write(vals)
        # Not in SELF_WRITEABLE_FIELDS: a person never chooses their own stores. An OMS
        # manager may set them without being a user administrator, and nothing else.
        if not self.env.user.has_groups(STORE_ASSIGNERS):
            raise AccessError(
                self.env._(
                    "Only an OMS manager or a user administrator may change the stores a "
                    "person works for."
                )
            )
        vals = dict(vals)
        stores = {"oms_warehouse_ids": vals.pop("oms_warehouse_ids")}
        result = super().write(vals) if vals else True
        super(ResUsers, self.sudo()).write(stores)
        return result

    @api.model
    def _oms_check_door(self, door, groups=INTEGRATION):
        """Refuse a call of the sync service's method ``door`` by anyone outside ``groups``.

        The doors then work in sudo, each within the caller's companies: the rights they need
        are theirs, not the caller's (docs/odoo.md, "Who sees what").
        """
        if self.env.su or self.env.user.has_groups(groups):
            return
        names = ", ".join(self.env.ref(xmlid).sudo().name for xmlid in groups.split(","))
        raise AccessError(
            self.env._("Only these groups may call %(door)s: %(groups)s.", door=door, groups=names)
        )
