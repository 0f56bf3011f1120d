"""End to end on a real Odoo 18: the sync service's health report reaches the control tower.

Same stack as test_e2e_odoo.py (odoo-bin on a fresh copy of its demo database, JSON-RPC as
the sync service's own user). That database has the core addon only, so Odoo first answers
that ``oms.sync.health`` does not exist - the service remembers it; then oms_control_tower is
installed into the copy and a Celery worker's beat delivers the report, which the cockpit's
sync section shows. Skipped, loudly, when Odoo 18 is not importable.
"""

from __future__ import annotations

import subprocess

import pytest

from sync_service import health_report
from sync_service.inbox import keys
from sync_service.odoo_client import JsonRpcOdoo
from tests.sync.processes import start_worker, wait_until
from tests.sync.test_e2e_odoo import _odoo_base, integration_settings, running_odoo

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_report_lands_in_the_control_tower_and_its_cockpit(redis_server, redis_client, tmp_path):
    with running_odoo(tmp_path) as odoo:
        settings, _currency = integration_settings(odoo, redis_server.url)
        dead = {
            "event_id": "webshop:77", "source": "webshop", "kind": "order",
            "topic": "orders/create", "attempts": "6", "last_error": "unknown product",
        }  # fmt: skip
        redis_client.xadd(keys.DEAD, dead)

        # Without the addon: Odoo's own answer is recognised and remembered, nothing raised.
        gateway = JsonRpcOdoo(settings)
        try:
            assert health_report.report(redis_client, gateway, settings) == "no_addon"
        finally:
            gateway.close()
        assert redis_client.ttl(health_report.NO_ADDON) > 0

        odoo.stop()
        install = subprocess.run(
            [*_odoo_base(odoo.db), "-i", "oms_control_tower", "--stop-after-init",
             "--http-port=0"], capture_output=True, text=True, timeout=1800,
        )  # fmt: skip
        assert install.returncode == 0, install.stderr[-3000:]
        odoo.start()
        redis_client.delete(health_report.NO_ADDON)  # as if its 10 minutes had passed

        worker = start_worker(settings, tmp_path, OMS_HEALTH_REPORT_INTERVAL_S="1",
                              OMS_ODOO_GATEWAY="sync_service.odoo_client:JsonRpcOdoo")  # fmt: skip
        try:
            wait_until(lambda: odoo.admin("oms.sync.health", "search_count", []) >= 1,
                       what="a report stored in Odoo", timeout=120, process=worker)  # fmt: skip
        finally:
            worker.stop()

        wanted = ["inbox_pending", "dead_letter_count", "dead_letter_ids"]
        [report] = odoo.admin("oms.sync.health", "search_read", [], limit=1, fields=wanted)
        assert (report["inbox_pending"], report["dead_letter_count"]) == (0, 1)
        [letter] = odoo.admin("oms.sync.dead.letter", "read", report["dead_letter_ids"],
                              fields=["channel_code", "topic", "error", "failed_at"])  # fmt: skip
        assert (letter["channel_code"], letter["topic"], letter["error"]) == (
            "webshop", "orders/create", "unknown product")  # fmt: skip
        assert letter["failed_at"]

        cockpit = odoo.admin("oms.tower.dashboard", "get_cockpit")
        [sync] = [section for section in cockpit["sections"] if section["key"] == "sync"]
        assert sync["warning"] == ""  # it has reported, and recently
        figures = {figure["key"]: figure for figure in sync["figures"]}
        assert figures["inbox_pending"]["value"] == 0
        assert figures["dead_letters"]["value"] == 1
        assert figures["dead_webshop"]["value"] == 1
