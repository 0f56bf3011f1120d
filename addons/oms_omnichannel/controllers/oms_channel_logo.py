# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import http
from odoo.http import request


class OmsChannelLogo(http.Controller):
    @http.route("/oms/channel/<int:channel_id>/logo", type="http", auth="public", methods=["GET"])
    def channel_logo(self, channel_id):
        """The channel's logo, for the customer e-mails (read by anyone's mail client, like
        Odoo's /logo.png): the logo and nothing else of the channel."""
        channel = request.env["oms.channel"].sudo().browse(channel_id).exists()
        if not channel or not channel.logo:
            raise request.not_found()
        stream = request.env["ir.binary"]._get_image_stream_from(channel, "logo")
        return stream.get_response(max_age=3600)
