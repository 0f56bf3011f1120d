import dataclasses

from odoo import fields, models

from .stock_warehouse import HEALTH_MODES


class DeliveryCarrier(models.Model):
    """A carrier's health limits per region (the countries it ships to)."""

    _inherit = "delivery.carrier"

    oms_health_mode = fields.Selection(
        HEALTH_MODES,
        string="Automatic Failover",
        default="warn",
        required=True,
        help="What the control tower does when this carrier stops scanning parcels in a "
        "country, or too many of them run into exceptions there: nothing, warn the OMS "
        "manager, or warn and then switch the carrier off for that country until it recovers.",
    )
    oms_scan_silence_limit_hours = fields.Float(
        string="Scan Silence Limit (hours)",
        default=24.0,
        help="Unhealthy in a country when none of its parcels under way there has been "
        "scanned (or handed over) for this long (counted from 5 parcels).",
    )
    oms_exception_rate_limit = fields.Float(
        string="Exception Limit",
        default=0.2,
        help="Unhealthy in a country when more than this share of its parcels under way "
        "there report an exception or a failed delivery (counted from 5 parcels).",
    )

    def _oms_countries_off(self):
        """Codes of the countries the control tower switched this carrier off for."""
        self.ensure_one()
        statuses = (
            self.env["oms.health.status"]
            .sudo()
            .search([("carrier_id", "=", self.id), ("state", "=", "off")])
        )
        return frozenset(statuses.mapped("country_id.code"))


def without_countries(service, countries):
    """``service`` (an engine CarrierService) without its zones in ``countries``."""
    if not countries:
        return service
    zones = tuple(zone for zone in service.zones if zone.country not in countries)
    return dataclasses.replace(service, zones=zones)
