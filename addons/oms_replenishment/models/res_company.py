from odoo import api, fields, models
from odoo.exceptions import ValidationError

try:
    from oms_engine.errors import InvalidInput
    from oms_engine.replenishment import ReplenishmentPolicy, check_replenishment_policy
except ImportError:  # pragma: no cover - the manifest's external dependency says it
    InvalidInput = ValueError
    ReplenishmentPolicy = check_replenishment_policy = None


class ResCompany(models.Model):
    _inherit = "res.company"

    oms_replenishment_days = fields.Integer(
        string="Replenishment: Demand Window (days)",
        default=28,
        help="The proposals look at the orders routed in these last days, and replay them "
        "to measure what each proposal saves.",
    )
    oms_replenishment_dc_cover_days = fields.Float(
        string="Replenishment: DC Cover (days)",
        default=14.0,
        help="A distribution centre stocks this many days of the demand it saw.",
    )
    oms_replenishment_store_cover_days = fields.Float(
        string="Replenishment: Store Cover (days)",
        default=7.0,
        help="A store stocks this many days of the demand it saw (pickups and what it shipped).",
    )
    oms_replenishment_min_weekly = fields.Float(
        string="Replenishment: Minimum Weekly Demand",
        default=1.0,
        help="A node is stocked for a product only when it saw at least this many units a "
        "week of it.",
    )
    oms_replenishment_transfer_cost = fields.Float(
        string="Replenishment: Cost per Transfer",
        default=8.0,
        help="What one transfer between two nodes costs, whatever it carries.",
    )
    oms_replenishment_unit_cost = fields.Float(
        string="Replenishment: Cost per Unit Moved", default=0.25
    )
    oms_replenishment_km_cost = fields.Float(
        string="Replenishment: Cost per km of a Transfer", default=0.01
    )

    @api.constrains(
        "oms_replenishment_days",
        "oms_replenishment_dc_cover_days",
        "oms_replenishment_store_cover_days",
        "oms_replenishment_min_weekly",
        "oms_replenishment_transfer_cost",
        "oms_replenishment_unit_cost",
        "oms_replenishment_km_cost",
    )
    def _check_oms_replenishment_policy(self):
        for company in self:
            try:
                check_replenishment_policy(company._oms_replenishment_policy())
            except InvalidInput as error:
                raise ValidationError(
                    self.env._(
                        "The replenishment settings cannot be applied: %(field)s cannot be "
                        "negative, and the demand window must be at least one day.",
                        field=self._oms_replenishment_label(error),
                    )
                ) from error

    def _oms_replenishment_label(self, error):
        """The setting's label for the engine's ``InvalidInput`` naming it."""
        names = {
            "period_days": "oms_replenishment_days",
            "dc_cover_days": "oms_replenishment_dc_cover_days",
            "store_cover_days": "oms_replenishment_store_cover_days",
            "min_weekly_units": "oms_replenishment_min_weekly",
            "transfer_fixed_cost": "oms_replenishment_transfer_cost",
            "transfer_unit_cost": "oms_replenishment_unit_cost",
            "transfer_cost_per_km": "oms_replenishment_km_cost",
        }
        field = self._fields.get(names.get(getattr(error, "path", ""), ""))
        return field.get_description(self.env)["string"] if field else str(error)

    def _oms_replenishment_policy(self):
        """The engine's ReplenishmentPolicy of this company."""
        self.ensure_one()
        return ReplenishmentPolicy(
            period_days=float(self.oms_replenishment_days),
            dc_cover_days=self.oms_replenishment_dc_cover_days,
            store_cover_days=self.oms_replenishment_store_cover_days,
            min_weekly_units=self.oms_replenishment_min_weekly,
            transfer_fixed_cost=self.oms_replenishment_transfer_cost,
            transfer_unit_cost=self.oms_replenishment_unit_cost,
            transfer_cost_per_km=self.oms_replenishment_km_cost,
        )
