"""The `ready` process of the Procfile: waits until Odoo and the sync service's api answer, then
prints where they are and how to log in, and stays (honcho stops everything when one process
ends). Reads what tools/run.sh wrote into run.env.
"""

from __future__ import annotations

import os
import signal
import sys
import time

import httpx

env = os.environ
host = env["OMS_RUN_HOST"]
local = host in ("127.0.0.1", "0.0.0.0")  # the interfaces that 127.0.0.1 reaches
odoo = f"http://{'127.0.0.1' if local else host}:{env['OMS_RUN_ODOO_PORT']}"
api = f"http://{'127.0.0.1' if local else host}:{env['OMS_RUN_API_PORT']}"


def answers(method: str, url: str, **kwargs) -> bool:
    try:
        return httpx.request(method, url, timeout=5, **kwargs).is_success
    except httpx.HTTPError:
        return False


def main() -> int:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    started = time.monotonic()
    warned = False
    while not (answers("POST", f"{odoo}/web/webclient/version_info", json={})
               and answers("GET", f"{api}/health")):  # fmt: skip
        if not warned and time.monotonic() - started > 120:
            print("still waiting for Odoo and the api after 2 minutes: see their lines above")
            warned = True
        time.sleep(0.5)
    run_dir = env["OMS_RUN_DIR"]
    shown_odoo = odoo.replace("127.0.0.1", "localhost")
    shown_api = api.replace("127.0.0.1", "localhost")
    lines = [
        f"Ready in {time.monotonic() - started:.1f} s. Ctrl-C stops everything.",
        "",
        f"Odoo 18 (database oms, demo data)  {shown_odoo}",
        "  admin / admin                      settings, everything",
        "  oms_manager / oms_manager          OMS Manager: network, carriers, channels, policies",
        "  oms_service / oms_service          Customer Service: every order, re-routing",
        "  oms_store_cologne / oms_store_cologne   Store Staff: Store Cologne and its till",
        "  oms_store_berlin / oms_store_berlin     Store Staff: Store Berlin Mitte and its till",
        "  supplier@example.com / supplier    a drop-ship supplier in the portal (/my/dropship)",
        "  oms_sync                           the sync service's user (API key: see below)",
        f"Sync service api                   {shown_api}/docs   (/health, /metrics)",
        f"  Shopify webhooks, channel webshop  POST {shown_api}/webhooks/webshop",
        "                                     (its secret: OMS_CHANNELS in run.env, below)",
        f"Redis                              redis://127.0.0.1:{env['OMS_RUN_REDIS_PORT']}/0",
        f"State and logs                     {run_dir} (delete it to start afresh)",
        "                                     run.env: the settings; sync-api-key; logs/",
    ]
    width = max(len(line) for line in lines) + 2
    print("#" * (width + 2))
    for line in lines:
        print(f"# {line}")
    print("#" * (width + 2), flush=True)
    while True:
        signal.pause()


if __name__ == "__main__":
    sys.exit(main())
