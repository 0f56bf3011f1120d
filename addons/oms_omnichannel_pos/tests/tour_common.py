# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What the POS tours share: store A's till (not yet opened: the tour opens the register as
the store's staff does), store A's staff as the user, and screenshots.

Screenshots: a tour step logs ``oms-pos-screenshot <name>`` and waits for
``body[data-oms-screenshot=<name>]``. The test's Chrome answers through the devtools
protocol: with ``OMS_SCREENSHOTS=<directory>`` in the environment it first saves the page as
``<directory>/<name>.png``; otherwise it only answers, so the tour runs the same either way.
"""

import base64
import json
import logging
import os
from pathlib import Path
from unittest.mock import patch

from odoo.tests import HttpCase
from odoo.tests.common import ChromeBrowser

from .pos_common import OmsStoreTillCase

_logger = logging.getLogger(__name__)
SIGNAL = "oms-pos-screenshot"


class OmsStorePosTourCase(OmsStoreTillCase, HttpCase):
    open_session = False

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.staff_a.password = cls.staff_a.login
        cls.customer.name = "Ana Silva"
        # Routing is deterministic: store A first (see common.py), whatever the hour.
        cls.store_a.write({"oms_opening_hour": 0.0, "oms_closing_hour": 24.0})

    def start_pos_tour(self, tour_name):
        directory = os.environ.get("OMS_SCREENSHOTS")
        original = ChromeBrowser._handle_console

        def handle_console(browser, type, args=None, **kw):  # noqa: A002 - Chrome's name
            first = (args or [{}])[0].get("value")
            if type == "log" and isinstance(first, str) and first.startswith(SIGNAL):
                _answer_screenshot(browser, first[len(SIGNAL) :].strip(), directory)
            return original(browser, type, args=args, **kw)

        with patch.object(ChromeBrowser, "_handle_console", handle_console):
            self.start_tour(f"/pos/ui?config_id={self.till.id}", tour_name, login=self.staff_a.login, timeout=180)


def _answer_screenshot(browser, name, directory):
    """Save the page as ``<directory>/<name>.png`` (with a directory), then let the tour go
    on. Runs in the thread reading Chrome's messages: it must not wait for an answer."""
    mark = f"document.body.dataset.omsScreenshot = {json.dumps(name)}"

    def go_on(_future=None):
        browser._websocket_send("Runtime.evaluate", params={"expression": mark})

    if not directory:
        go_on()
        return

    def save(future):
        try:
            path = Path(directory) / f"{name}.png"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(base64.b64decode(future.result()["data"]))
            _logger.info("Screenshot saved: %s", path)
        finally:
            go_on()

    browser._websocket_send(
        "Page.captureScreenshot", params={"format": "png"}, with_future=True
    ).add_done_callback(save)
