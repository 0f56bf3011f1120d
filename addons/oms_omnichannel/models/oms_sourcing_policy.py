from odoo import fields, models


class OmsSourcingPolicy(models.Model):
    """The weights and hard constraints the engine optimises a plan with.

    Presets ("fewest packages", "fastest", "cheapest") are data records; a channel points to one.
    """

    _name = "oms.sourcing.policy"
    _inherit = ["oms.network.data.mixin"]
    _description = "Sourcing Policy"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", help="Empty: shared by every company.")
    description = fields.Text(translate=True)
    # Weights of the objective, in the company currency.
    weight_package = fields.Float(
        string="Cost per Extra Package",
        default=5.0,
        help="In the company's currency, per parcel beyond the first: how much splitting "
        "an order hurts, on top of what the extra parcel costs to ship.",
    )
    weight_cost = fields.Float(
        string="Shipping Cost Weight",
        default=1.0,
        help="A factor (no unit) on the plan's handling and carrier costs: 1 counts them "
        "as they are, 0 ignores them.",
    )
    weight_lateness = fields.Float(
        string="Cost per Day Late",
        default=10.0,
        help="In the company's currency, per day a shipment arrives after the earliest "
        "date the network could deliver.",
    )
    weight_distance = fields.Float(
        string="Cost per 100 km",
        default=0.5,
        help="In the company's currency, per 100 km between the node and the customer.",
    )
    weight_priority = fields.Float(
        string="Cost per Rank Step",
        default=1.0,
        help="In the company's currency, per shipment and per step of its node's routing "
        "rank (rank 0 costs nothing).",
    )
    # Hard constraints.
    max_packages = fields.Integer(
        string="Max Packages per Order",
        default=0,
        help="The most parcels one order may ship in; 0 means no limit.",
    )
    max_bulky_distance_km = fields.Float(
        string="Max Distance for Bulky Goods (km)",
        default=0.0,
        help="Bulky goods ship only from nodes this close to the customer; 0 means no limit.",
    )
    excluded_warehouse_ids = fields.Many2many(
        "stock.warehouse",
        "oms_policy_excluded_warehouse_rel",
        "policy_id",
        "warehouse_id",
        string="Excluded Nodes",
    )

    def _get_default_policy(self):
        """The policy of orders without a channel: the fewest-packages preset."""
        policy = self.env.ref(
            "oms_omnichannel.oms_sourcing_policy_fewest_packages", raise_if_not_found=False
        )
        return policy or self.search([], limit=1)
