# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup
from odoo import fields, models


class OmsLabelRequest(models.Model):
    _inherit = "oms.label.request"

    oms_return_id = fields.Many2one(
        "oms.return", string="Return", readonly=True, index="btree_not_null", ondelete="cascade"
    )

    def _oms_label_bought(self):
        """The return label goes to the customer, in an e-mail from the return."""
        result = super()._oms_label_bought()
        ret = self.oms_return_id
        if ret:
            customer = ret.partner_id
            env = self.with_context(lang=customer.lang or self.env.lang).env
            text = env._(
                "Your return label for %(name)s (order %(order)s) is attached: stick it on the "
                "parcel and hand it to %(carrier)s. Tracking number: %(number)s.",
                name=ret.name,
                order=ret.sale_order_id.name,
                carrier=self.carrier_name or env._("the carrier"),
                number=self.tracking_number,
            )
            ret.sudo().message_post(
                body=Markup("<p>%s</p>") % text,
                attachment_ids=self.label_attachment_id.ids,
                partner_ids=customer.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        return result
