from odoo import api, fields, models


class DeliveryCarrier(models.Model):
    """A carrier service the router may choose for a shipment.

    Odoo's own fields are reused where they exist: ``max_weight`` (per package),
    ``country_ids`` and ``product_id``.
    """

    _name = "delivery.carrier"
    _inherit = ["delivery.carrier", "oms.network.data.mixin"]

    oms_routing_enabled = fields.Boolean(
        string="Used by Routing",
        default=True,
        help="The router may choose this service for shipments.",
    )
    oms_carrier_code = fields.Char(
        string="Carrier Code",
        help="The carrier's code outside Odoo (e.g. dhl, dpd), as in carrier tracking events; "
        "sent beside the carrier's name in the shipments told to the shops.",
    )
    oms_service_level = fields.Selection(
        [("standard", "Standard"), ("express", "Express")],
        string="Service Level",
        default="standard",
        required=True,
    )
    oms_zone_ids = fields.One2many(
        "oms.carrier.zone",
        "carrier_id",
        string="Transit Zones",
        copy=True,
        help="Transit days by destination country and postal-code prefix; the longest "
        "matching prefix wins. Without zones the default transit applies everywhere.",
    )
    oms_default_transit_days = fields.Integer(
        string="Default Transit Days",
        default=2,
        help="Working days in transit to the destinations no zone matches (within the "
        "carrier's countries, if it has any).",
    )
    # Stored as -1 days in oms_default_transit_days; people tick a box instead.
    oms_serves_unzoned = fields.Boolean(
        string="Serves Other Destinations",
        compute="_compute_oms_serves_unzoned",
        inverse="_inverse_oms_serves_unzoned",
        help="On: destinations no transit zone matches are served in the default transit "
        "days. Off: the carrier serves only the destinations of its zones.",
    )
    oms_cutoff_hour = fields.Float(
        string="Carrier Cutoff",
        default=16.0,
        help="Parcels ready after this hour (local time) leave the next working day.",
    )
    oms_working_day_ids = fields.Many2many(
        "oms.weekday",
        "oms_carrier_weekday_rel",
        "carrier_id",
        "weekday_id",
        string="Pickup Days",
        default=lambda self: self.env["oms.weekday"]._default_working_days(),
        help="Days on which the carrier collects parcels.",
    )
    oms_currency_id = fields.Many2one(
        "res.currency", compute="_compute_oms_currency_id", string="Routing Currency"
    )
    oms_cost_per_package = fields.Monetary(
        string="Cost per Package",
        currency_field="oms_currency_id",
        help="What one parcel costs with this service, in the company's currency.",
    )
    oms_cost_per_kg = fields.Monetary(
        string="Cost per kg",
        currency_field="oms_currency_id",
        help="Added per kilogram of the parcel, in the company's currency.",
    )
    oms_accepts_dangerous = fields.Boolean(
        string="Accepts Dangerous Goods",
        help="Products with a dangerous-goods class may travel with this service.",
    )
    oms_accepts_bulky = fields.Boolean(string="Accepts Bulky Goods", default=True)

    @api.depends("oms_default_transit_days")
    def _compute_oms_serves_unzoned(self):
        for carrier in self:
            carrier.oms_serves_unzoned = carrier.oms_default_transit_days >= 0

    def _inverse_oms_serves_unzoned(self):
        for carrier in self:
            if not carrier.oms_serves_unzoned:
                carrier.oms_default_transit_days = -1
            elif carrier.oms_default_transit_days < 0:
                carrier.oms_default_transit_days = 2

    def _compute_oms_currency_id(self):
        for carrier in self:
            carrier.oms_currency_id = (carrier.company_id or self.env.company).currency_id
