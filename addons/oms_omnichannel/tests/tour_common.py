"""What the browser tours share: a small retailer of their own, and screenshots for the docs.

The tours log in as admin or as users they create. Each builds its network in a company of
its own (Germany, euros) and moves admin into it for the test, so only the nodes, carriers,
channels and orders a tour builds take part and show, whatever the database holds (demo
data puts admin in the demo retailer's company).

Screenshots: a tour step logs ``oms-screenshot <name>`` on the browser's console and waits
for ``body[data-oms-screenshot=<name>]``. The test's Chrome answers through the devtools
protocol: with ``OMS_SCREENSHOTS=<directory>`` in the environment it saves the page as
``<directory>/<name>.png`` first (docs/screenshots.md says how to refresh them), otherwise
it only answers, so the tour runs the same either way. The tour's JS side:
``static/tests/tours/oms_tour_screenshot.js``.
"""

import base64
import json
import logging
import os
from pathlib import Path
from unittest.mock import patch

from odoo import Command
from odoo.tests import HttpCase
from odoo.tests.common import ChromeBrowser

_logger = logging.getLogger(__name__)

SCREENSHOT_SIGNAL = "oms-screenshot "


class OmsTourCase(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.germany = cls.env.ref("base.de")
        euro = cls.env.ref("base.EUR")
        euro.active = True
        cls.company = cls.env["res.company"].create(
            {"name": "OMS Tour Retail", "country_id": cls.germany.id, "currency_id": euro.id}
        )
        cls.env.ref("base.user_admin").write(
            {"company_ids": [Command.link(cls.company.id)], "company_id": cls.company.id}
        )
        cls.env = cls.env(context=dict(cls.env.context, allowed_company_ids=[cls.company.id]))
        # Carriers of the whole database (no company) would serve this company too.
        cls.env["delivery.carrier"].search([]).write({"oms_routing_enabled": False})
        # The company's first warehouse (Odoo makes one): the orders' home, not a node.
        cls.env["stock.warehouse"].search([("company_id", "=", cls.company.id)]).write(
            {"oms_routing_enabled": False, "name": "Tour Home"}
        )
        cls.channel = cls.env["oms.channel"].create(
            {"name": "Tour web shop", "code": "tour-webshop", "kind": "webshop"}
        )

    @classmethod
    def _create_tour_carrier(cls, name, **vals):
        shipping = cls.env["product.product"].create(
            {"name": f"{name} shipping", "type": "service"}
        )
        return cls.env["delivery.carrier"].create(
            {
                "name": name,
                "product_id": shipping.id,
                "delivery_type": "fixed",
                "company_id": cls.company.id,
                **vals,
            }
        )

    @classmethod
    def _create_tour_node(cls, name, code, zip_code, **vals):
        partner = cls.env["res.partner"].create(
            {"name": name, "zip": zip_code, "country_id": cls.germany.id, "tz": "Europe/Berlin"}
        )
        return cls.env["stock.warehouse"].create(
            {"name": name, "code": code, "partner_id": partner.id, **vals}
        )

    @classmethod
    def _create_tour_product(cls, name, weight, stock, **vals):
        """A storable product with ``{warehouse: quantity}`` on hand."""
        product = cls.env["product.product"].create(
            {"name": name, "type": "consu", "is_storable": True, "weight": weight, **vals}
        )
        for warehouse, quantity in stock.items():
            cls.env["stock.quant"]._update_available_quantity(
                product, warehouse.lot_stock_id, quantity
            )
        return product

    @classmethod
    def _create_tour_order(cls, customer, lines, **vals):
        """A web shop order of ``[(product, quantity)]``, not confirmed."""
        return cls.env["sale.order"].create(
            {
                "partner_id": customer.id,
                "oms_channel_id": cls.channel.id,
                "order_line": [
                    Command.create({"product_id": product.id, "product_uom_qty": qty})
                    for product, qty in lines
                ],
                **vals,
            }
        )

    @staticmethod
    def _shipping_nodes(order):
        """Codes of the warehouses of the order's open deliveries."""
        pickings = order.picking_ids.filtered(
            lambda p: p.picking_type_code == "outgoing" and p.state != "cancel"
        )
        return set(pickings.picking_type_id.warehouse_id.mapped("code"))

    # ------------------------------------------------------------------ screenshots

    def start_tour_with_screenshots(self, url_path, tour_name, **kwargs):
        """``start_tour``, answering the tour's screenshot steps (see the module's doc)."""
        directory = os.environ.get("OMS_SCREENSHOTS")
        original = ChromeBrowser._handle_console

        def handle_console(browser, type, args=None, **kw):
            first = (args or [{}])[0].get("value")
            if type == "log" and isinstance(first, str) and first.startswith(SCREENSHOT_SIGNAL):
                name = first[len(SCREENSHOT_SIGNAL) :].strip()
                _answer_screenshot(browser, name, directory)
            return original(browser, type, args=args, **kw)

        with patch.object(ChromeBrowser, "_handle_console", handle_console):
            self.start_tour(url_path, tour_name, **kwargs)


def _answer_screenshot(browser, name, directory):
    """Save the page as ``<directory>/<name>.png`` (when a directory is given), then tell the
    tour it may go on. Runs in the thread that reads Chrome's messages, so it must not wait
    for an answer itself: the capture's answer calls back."""
    mark = f"document.body.dataset.omsScreenshot = {json.dumps(name)}"

    def go_on(_future=None):
        browser._websocket_send("Runtime.evaluate", params={"expression": mark})

    if not directory:
        go_on()
        return

    def save(future):
        try:
            data = base64.b64decode(future.result()["data"])
            path = Path(directory) / f"{name}.png"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            _logger.info("Screenshot saved: %s", path)
        finally:
            go_on()

    capture = browser._websocket_send(
        "Page.captureScreenshot", params={"format": "png"}, with_future=True
    )
    capture.add_done_callback(save)
