# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The supplier portal: /my/dropship.

Every route first finds who asks (a portal user linked to drop-ship nodes) and the record
they ask about through the ORM as themselves (record rules: their nodes' deliveries only),
checks the record's node is one of theirs, and only then acts in sudo. Anyone else gets the
"not found" page: no route tells whether another supplier's delivery exists.
"""

import math
from urllib.parse import quote

from odoo import http
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request

from ..models.oms_dropship_stock_feed import FeedRefused


class DropshipPortal(CustomerPortal):
    # ------------------------------------------------------------------ who asks

    @staticmethod
    def _oms_dropship_nodes():
        """The drop-ship nodes the current user works for (empty for anyone else)."""
        user = request.env.user
        if not user.share or user._is_public():
            return request.env["stock.warehouse"]
        return user.sudo().oms_dropship_warehouse_ids.filtered(
            lambda w: w.oms_node_kind == "dropship"
        )

    def _oms_dropship_delivery(self, delivery_id):
        """The delivery ``delivery_id`` in sudo, once the current user may act on it; else
        ``None``."""
        nodes = self._oms_dropship_nodes()
        if not nodes:
            return None
        delivery = request.env["oms.dropship.delivery"].browse(delivery_id).exists()
        if not delivery:
            return None
        try:
            delivery.check_access("read")
        except (AccessError, MissingError):
            return None
        delivery = delivery.sudo()
        if delivery.warehouse_id not in nodes:
            return None
        return delivery

    def _prepare_portal_layout_values(self):
        values = super()._prepare_portal_layout_values()
        values["oms_dropship_nodes"] = self._oms_dropship_nodes()
        return values

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "oms_dropship_count" in counters:
            nodes = self._oms_dropship_nodes()
            values["oms_dropship_count"] = (
                request.env["oms.dropship.delivery"].search_count(
                    [("warehouse_id", "in", nodes.ids), ("state", "in", ("new", "accepted"))]
                )
                if nodes
                else 0
            )
        return values

    # ------------------------------------------------------------------ pages

    @http.route(["/my/dropship"], type="http", auth="user", website=True)
    def oms_dropship_list(self, show="open", **kw):
        nodes = self._oms_dropship_nodes()
        if not nodes:
            return request.not_found()
        domain = [("warehouse_id", "in", nodes.ids)]
        if show == "done":
            domain.append(("state", "not in", ("new", "accepted")))
        else:
            show = "open"
            domain.append(("state", "in", ("new", "accepted")))
        deliveries = request.env["oms.dropship.delivery"].search(domain, limit=200)
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "oms_dropship",
                "deliveries": deliveries,
                "show": show,
                "message": kw.get("message"),
            }
        )
        return request.render("oms_dropship.portal_my_dropship", values)

    @http.route(["/my/dropship/<int:delivery_id>"], type="http", auth="user", website=True)
    def oms_dropship_page(self, delivery_id, error=None, message=None, **kw):
        delivery = self._oms_dropship_delivery(delivery_id)
        if delivery is None:
            return request.not_found()
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "oms_dropship_delivery",
                "delivery": delivery,
                "moves": delivery._oms_moves(),
                "carriers": self._oms_carriers(delivery),
                "error": error,
                "message": message,
            }
        )
        return request.render("oms_dropship.portal_my_dropship_delivery", values)

    @staticmethod
    def _oms_carriers(delivery):
        return (
            request.env["delivery.carrier"]
            .sudo()
            .search([("company_id", "in", [False, delivery.company_id.id])], order="name")
        )

    # ------------------------------------------------------------------ the supplier's steps

    def _oms_act(self, delivery_id, action, done_message):
        delivery = self._oms_dropship_delivery(delivery_id)
        if delivery is None:
            return request.not_found()
        try:
            with request.env.cr.savepoint():
                action(delivery)
        except UserError as error:
            return request.redirect(f"/my/dropship/{delivery_id}?error={quote(str(error.args[0]))}")
        return request.redirect(f"/my/dropship/{delivery_id}?message={quote(done_message)}")

    @http.route(
        ["/my/dropship/<int:delivery_id>/accept"], type="http", auth="user", methods=["POST"]
    )
    def oms_dropship_accept(self, delivery_id, **kw):
        return self._oms_act(
            delivery_id, lambda d: d._oms_accept(), request.env._("Accepted: ship it in time.")
        )

    @http.route(
        ["/my/dropship/<int:delivery_id>/reject"], type="http", auth="user", methods=["POST"]
    )
    def oms_dropship_reject(self, delivery_id, reason="", **kw):
        return self._oms_act(
            delivery_id,
            lambda d: d._oms_reject(reason),
            request.env._("Turned down: the order goes to another supplier or warehouse."),
        )

    @http.route(["/my/dropship/<int:delivery_id>/ship"], type="http", auth="user", methods=["POST"])
    def oms_dropship_ship(self, delivery_id, carrier_id="", tracking_ref="", **kw):
        def ship(delivery):
            carrier = self._oms_carriers(delivery).filtered(lambda c: str(c.id) == str(carrier_id))
            quantities = {}
            for move in delivery._oms_moves():
                text = (kw.get(f"qty_{move.id}") or "").strip()
                if text:
                    try:
                        quantities[move.id] = float(text.replace(",", "."))
                        if not math.isfinite(quantities[move.id]):
                            raise ValueError(text)
                    except ValueError:
                        raise UserError(
                            request.env._(
                                "%(product)s: %(qty)s is not a quantity.",
                                product=move.product_id.display_name,
                                qty=text[:20],
                            )
                        ) from None
            delivery._oms_ship(carrier, tracking_ref, quantities)

        return self._oms_act(
            delivery_id, ship, request.env._("Shipped: the shop and the customer are told.")
        )

    @http.route(
        ["/my/dropship/<int:delivery_id>/label"], type="http", auth="user", methods=["POST"]
    )
    def oms_dropship_label(self, delivery_id, **kw):
        return self._oms_act(
            delivery_id,
            lambda d: d._oms_request_label(),
            request.env._("Label asked for: it appears here when the carrier has sold it."),
        )

    @http.route(["/my/dropship/<int:delivery_id>/label.pdf"], type="http", auth="user")
    def oms_dropship_label_pdf(self, delivery_id, **kw):
        delivery = self._oms_dropship_delivery(delivery_id)
        attachment = delivery._oms_label_attachment() if delivery is not None else None
        if not attachment:
            return request.not_found()
        stream = request.env["ir.binary"]._get_stream_from(attachment)
        return stream.get_response(as_attachment=True)

    # ------------------------------------------------------------------ stock feed

    @http.route(
        ["/my/dropship/stock"], type="http", auth="user", methods=["GET", "POST"], website=True
    )
    def oms_dropship_stock(self, node_id=None, stock_file=None, **kw):
        nodes = self._oms_dropship_nodes()
        if not nodes:
            return request.not_found()
        values = self._prepare_portal_layout_values()
        values.update({"page_name": "oms_dropship_stock", "nodes": nodes, "errors": None})
        if request.httprequest.method == "POST":
            node = nodes.filtered(lambda n: str(n.id) == str(node_id)) if node_id else nodes[:1]
            if len(node) != 1:
                return request.not_found()
            values["node"] = node
            data = stock_file.read() if stock_file else b""
            try:
                with request.env.cr.savepoint():
                    result = request.env["oms.dropship.stock.feed"]._apply(node.sudo(), data)
            except FeedRefused as refused:
                values["errors"] = refused.errors
                values["filename"] = getattr(stock_file, "filename", "") or ""
            else:
                values["result"] = result
        return request.render("oms_dropship.portal_my_dropship_stock", values)
