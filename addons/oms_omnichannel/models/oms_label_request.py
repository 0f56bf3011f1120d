# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Shipping labels bought outside Odoo (docs/contracts.md, ``label.requested``).

Nothing in an Odoo transaction talks to a carrier (design.md, decision 4): a parcel that needs
a label gets a request here, written with an outbox event in the same transaction; the sync
service's carrier adapter buys the label and calls ``oms.intake.apply_labels``, which attaches
the PDF and the tracking number to the parcel. From then on the parcel's tracking is followed
like any other (``apply_tracking`` matches ``carrier_tracking_ref``).

Used for return labels (``oms_returns``) and for outbound labels alike: a request names the
parcel (a ``stock.picking``), who it goes from and to, and what it weighs. Keyed by ``key``:
asking twice for the same key returns the first request and writes no second event.
"""

import re

from odoo import api, fields, models
from odoo.exceptions import UserError

KEY_FORMAT = re.compile(r"^[A-Za-z0-9._:-]{1,120}$")
LABEL_STATES = [
    ("requested", "Requested"),
    ("bought", "Bought"),
    ("failed", "Failed"),
]
DIRECTIONS = [("outbound", "To the customer"), ("return", "Back from the customer")]


class OmsLabelRequest(models.Model):
    _name = "oms.label.request"
    _description = "Shipping Label Request"
    _order = "id desc"
    _check_company_auto = True

    key = fields.Char(required=True, readonly=True, copy=False, index=True)
    picking_id = fields.Many2one(
        "stock.picking",
        string="Parcel",
        required=True,
        readonly=True,
        ondelete="cascade",
        index=True,
        check_company=True,
    )
    company_id = fields.Many2one(related="picking_id.company_id", store=True)
    direction = fields.Selection(DIRECTIONS, required=True, readonly=True, default="outbound")
    carrier_code = fields.Char(
        readonly=True, help="The carrier account the sync service buys with (empty: its default)."
    )
    service = fields.Char(readonly=True, help="The carrier's service, e.g. Ground (optional).")
    from_partner_id = fields.Many2one("res.partner", string="From", readonly=True)
    to_partner_id = fields.Many2one("res.partner", string="To", readonly=True)
    weight_kg = fields.Float(string="Weight (kg)", readonly=True)
    reference = fields.Char(readonly=True, help="Printed on the label (the return's number).")
    state = fields.Selection(LABEL_STATES, required=True, default="requested", readonly=True)
    tracking_number = fields.Char(readonly=True)
    carrier_name = fields.Char(string="Carrier", readonly=True)
    label_attachment_id = fields.Many2one("ir.attachment", string="Label", readonly=True)
    label_url = fields.Char(readonly=True)
    cost = fields.Monetary(readonly=True, help="What the label cost, as the carrier charged.")
    currency_id = fields.Many2one("res.currency", readonly=True)
    error = fields.Text(readonly=True, help="Why the label could not be bought.")

    _sql_constraints = [("key_uniq", "unique(key)", "A label request key is used once.")]

    @api.model
    def _oms_request(self, picking, key, direction, from_partner, to_partner, **vals):
        """The label request of ``key`` for ``picking``: created with its outbox event, or the
        one already made with that key (for the same parcel; another parcel is refused)."""
        if not isinstance(key, str) or not KEY_FORMAT.match(key):
            raise UserError(
                self.env._(
                    "A label key is 1 to 120 letters, digits, dots, colons, dashes or underscores."
                )
            )
        existing = self.sudo().search([("key", "=", key)], limit=1)
        if existing:
            if existing.picking_id != picking:
                raise UserError(
                    self.env._(
                        "The label key %(key)s was already used for %(parcel)s.",
                        key=key,
                        parcel=existing.picking_id.display_name,
                    )
                )
            return existing.with_env(self.env)
        weight = vals.pop("weight_kg", None)
        if weight is None:
            weight = sum(move.product_id.weight * move.product_uom_qty for move in picking.move_ids)
        request = self.sudo().create(
            {
                "key": key,
                "picking_id": picking.id,
                "direction": direction,
                "from_partner_id": from_partner.id,
                "to_partner_id": to_partner.id,
                "weight_kg": max(weight or 0.0, 0.1),
                **vals,
            }
        )
        self.env["oms.outbox.event"]._enqueue("label.requested", request)
        return request.with_env(self.env)

    def _oms_label_bought(self):
        """Hook: the label is on the parcel (returns e-mail it to the customer)."""

    def _oms_label_failed(self):
        """Hook: no label could be bought; a person is asked to get one."""
        self.ensure_one()
        picking = self.picking_id
        picking.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=self.env._("No label for %s", picking.name),
            note=self.env._(
                "The carrier sold no label for this parcel: %(error)s. Buy one by hand and "
                "type its tracking number on the parcel.",
                error=self.error,
            ),
            user_id=(picking.user_id or self.env.user).id,
        )

    def _oms_outbox_vals_label_requested(self):
        self.ensure_one()
        picking = self.picking_id
        order = picking.sale_id
        return {
            "topic": "label.requested",
            "channel_code": order.oms_channel_id.code or None,
            "res_model": self._name,
            "res_id": self.id,
            "payload": {
                "key": self.key,
                "direction": self.direction,
                "carrier": self.carrier_code or None,
                "service": self.service or None,
                "reference": self.reference or picking.name,
                "picking_id": picking.id,
                "picking_name": picking.name,
                "order_name": order.name or None,
                "from_address": _address(self.from_partner_id),
                "to_address": _address(self.to_partner_id),
                "parcel": {"weight_kg": round(self.weight_kg, 3)},
            },
        }


def _address(partner):
    return {
        "name": partner.name or "",
        "company": partner.commercial_company_name or "",
        "street": partner.street or "",
        "street2": partner.street2 or "",
        "city": partner.city or "",
        "zip": partner.zip or "",
        "country_code": partner.country_id.code or "",
        "state_code": partner.state_id.code or "",
        "phone": partner.phone or "",
        "email": partner.email or "",
    }
