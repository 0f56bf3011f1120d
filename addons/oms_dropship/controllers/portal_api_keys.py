# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A supplier's API keys for the stock endpoint, on their portal's stock page: issue one
(shown once, on the answer page only - never in a URL or a log) and revoke one.

As every supplier route: only a portal user linked to the key's node may act, anyone else
gets "not found".
"""

from odoo import http
from odoo.http import request

from .portal import DropshipPortal


class DropshipApiKeysPortal(DropshipPortal):
    @http.route(
        ["/my/dropship/stock/keys"], type="http", auth="user", methods=["POST"], website=True
    )
    def oms_dropship_key_issue(self, node_id=None, name="", **kw):
        nodes = self._oms_dropship_nodes()
        node = nodes.filtered(lambda n: str(n.id) == str(node_id)) if node_id else nodes[:1]
        if len(node) != 1:
            return request.not_found()
        _key, clear = request.env["oms.dropship.api.key"]._issue(node.sudo(), name)
        values = self._prepare_portal_layout_values()
        values.update(
            {"page_name": "oms_dropship_stock", "nodes": nodes, "errors": None, "new_key": clear}
        )
        return request.render("oms_dropship.portal_my_dropship_stock", values)

    @http.route(
        ["/my/dropship/stock/keys/<int:key_id>/revoke"],
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def oms_dropship_key_revoke(self, key_id, **kw):
        nodes = self._oms_dropship_nodes()
        key = request.env["oms.dropship.api.key"].sudo().browse(key_id).exists()
        if not nodes or not key or key.warehouse_id not in nodes:
            return request.not_found()
        key._revoke()
        return request.redirect("/my/dropship/stock")
