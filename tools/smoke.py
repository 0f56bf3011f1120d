"""`make smoke`: the product, started the way `make run` starts it without Docker, takes one order.

1. starts ``tools/run.sh`` (OMS_RUN_MODE=local, free ports) in its own process group and waits
   until Odoo and the sync service's api answer (the first run installs the demo database: minutes);
2. signs a Shopify ``orders/create`` webhook with the channel's secret and posts it to the api;
3. logs in to Odoo over JSON-RPC with odoorpc as the demo's customer-service user and waits for
   the order: confirmed, routed, with its routing decision and deliveries; the operator command
   `tools/oms_odoo.py order` shows it with the decision's explanation;
4. cancels the order again (as admin: repeated runs must not use up the demo stock), stops
   everything with SIGINT to the process group (what Ctrl-C does) and checks that nothing is
   left: the cluster shut down, the ports free.

Exits non-zero with the end of the run's log when a step fails. Needs an Odoo 18 that
tools/run.sh finds (docs/odoo.md) and the PostgreSQL binaries; never Docker.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import odoorpc
import redis

from sync_service import dead_letters

ROOT = Path(__file__).resolve().parent.parent
RUN_DIR = Path(os.environ.get("OMS_RUN_DIR") or ROOT / ".run").resolve()
LOG = RUN_DIR / "logs" / "smoke.log"
# tools/run.sh's first run installs the addon with its demo data; a busy CI machine is slow.
READY_TIMEOUT_S = float(os.environ.get("OMS_SMOKE_READY_TIMEOUT_S", 1800))
ORDER_TIMEOUT_S = 180


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listening(port: int) -> bool:
    """Something accepts connections on the port (a bind test would also fail on TIME_WAIT)."""
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


class Stack:
    """tools/run.sh in its own process group; its output goes to LOG, the important lines also
    to our stdout (the run's preamble, honcho's own lines, the ready banner)."""

    def __init__(self) -> None:
        self.ports = {"ODOO": free_port(), "API": free_port(), "REDIS": free_port()}
        ports = {f"OMS_RUN_{name}_PORT": str(port) for name, port in self.ports.items()}
        env = dict(os.environ, OMS_RUN_MODE="local", OMS_RUN_DIR=str(RUN_DIR), **ports)
        LOG.parent.mkdir(parents=True, exist_ok=True)
        self.log = LOG.open("w")
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            ["bash", str(ROOT / "tools" / "run.sh")], cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
        )  # fmt: skip
        self.reader = threading.Thread(target=self._copy, daemon=True)
        self.reader.start()

    def _copy(self) -> None:
        honcho = False
        for line in self.process.stdout:
            self.log.write(line)
            self.log.flush()
            # honcho prefixes "HH:MM:SS name.1 | "; its own lines are "system | ...".
            prefixed = len(line) > 9 and line[2] == ":" and line[5] == ":" and "|" in line
            honcho = honcho or prefixed
            if not honcho or " system " in line[:30] or " ready" in line[:20]:
                sys.stdout.write(f"  run | {line.split('| ', 1)[-1] if prefixed else line}")
                sys.stdout.flush()

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> float:
        """SIGINT to the whole group, as a terminal's Ctrl-C; the seconds it took to stop."""
        began = time.monotonic()
        if self.alive():
            os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(timeout=90)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
                raise SmokeError("make run did not stop within 90 s of Ctrl-C") from None
        self.reader.join(timeout=5)
        self.log.close()
        return time.monotonic() - began


class SmokeError(Exception):
    pass


def wait_for(what: str, check, timeout: float, stack: Stack) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        if not stack.alive():
            raise SmokeError(f"make run ended (rc {stack.process.returncode}) before {what}")
        time.sleep(0.5)
    raise SmokeError(f"no {what} after {timeout:.0f} s")


def answers(method: str, url: str, **kwargs) -> bool:
    try:
        return httpx.request(method, url, timeout=5, **kwargs).is_success
    except httpx.HTTPError:
        return False


def run_env() -> dict[str, str]:
    """run.env as honcho reads it (KEY='value' lines)."""
    values = {}
    for line in (RUN_DIR / "run.env").read_text().splitlines():
        if "=" in line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key] = "".join(shlex.split(value))
    return values


def shopify_order(order_id: int, currency: str) -> dict:
    """An ``orders/create`` payload as Shopify documents it, for two demo products whose stock
    lives in different places (the power bank ships only from the dangerous-goods DC)."""
    now = datetime.now(UTC).isoformat(timespec="seconds")
    address = {"first_name": "Jonas", "last_name": "Weber", "name": "Jonas Weber",
               "address1": "Sendlinger Str. 12", "city": "München", "zip": "80331",
               "country": "Germany", "country_code": "DE", "phone": "+49 89 1234567"}  # fmt: skip
    lines = [("SNEAK-WHT-42", "59.00"), ("PBANK-20K", "39.00")]
    return {
        "id": order_id, "name": f"#SMOKE{order_id % 100000}", "email": "jonas.weber@example.com",
        "created_at": now, "updated_at": now, "currency": currency, "financial_status": "paid",
        "gateway": "shopify_payments", "payment_gateway_names": ["shopify_payments"],
        "total_price": "102.90",
        "customer": {"id": 4711, "email": "jonas.weber@example.com", "first_name": "Jonas",
                     "last_name": "Weber"},
        "shipping_address": address, "billing_address": dict(address),
        "line_items": [{"id": n, "sku": sku, "quantity": 1, "price": price, "title": sku,
                        "total_discount": "0.00"} for n, (sku, price) in enumerate(lines, 1)],
        "shipping_lines": [{"code": "Standard", "title": "Standard", "price": "4.90"}],
    }  # fmt: skip


def post_webhook(api: str, secret: str, order: dict) -> None:
    body = json.dumps(order).encode()
    headers = {
        "Content-Type": "application/json",
        "X-Shopify-Topic": "orders/create",
        "X-Shopify-Hmac-Sha256": base64.b64encode(
            hmac.new(secret.encode(), body, hashlib.sha256).digest()
        ).decode(),
        "X-Shopify-Shop-Domain": "smoke-test.myshopify.com",
        "X-Shopify-Webhook-Id": f"smoke-{order['id']}",
        "X-Shopify-API-Version": "2024-10",
    }
    reply = httpx.post(f"{api}/webhooks/webshop", content=body, headers=headers, timeout=30)
    if reply.status_code != 202:
        raise SmokeError(f"the api answered {reply.status_code} to the webhook: {reply.text[:300]}")


def dead_letter(client: redis.Redis, event_id: str) -> None:
    """Fails at once when the sync service gave up on the order (it says why)."""
    for row in dead_letters.list_dead(client):
        if row["event_id"] == event_id:
            raise SmokeError(f"the sync service gave up on the order: {row['last_error']}")


def routed_order(odoo: odoorpc.ODOO, external_id: str) -> dict | None:
    found = odoo.env["sale.order"].search_read(
        [("oms_external_id", "=", external_id)],
        ["name", "state", "oms_routing_state", "oms_decision_id", "picking_ids"],
    )
    return found[0] if found else None


def main() -> int:
    order_id = int(time.time() * 1000)
    external_id = str(order_id)
    print(f"smoke: make run without Docker, state in {RUN_DIR}, log {LOG}")
    stack = Stack()
    failure = None
    try:
        wait_for("Odoo and the api answering",
                 lambda: answers("POST", f"{stack.url('ODOO')}/web/webclient/version_info",
                                 json={}) and answers("GET", f"{stack.url('API')}/health"),
                 READY_TIMEOUT_S, stack)  # fmt: skip
        ready_s = time.monotonic() - stack.started
        print(f"smoke: Odoo and the api answer {ready_s:.1f} s after make run started")

        # Customer service sees every order (docs/odoo.md, "Who sees what"); not admin.
        odoo = odoorpc.ODOO("127.0.0.1", port=stack.ports["ODOO"], timeout=60)
        odoo.login("oms", "oms_service", "oms_service")
        currency = odoo.env.user.company_id.currency_id.name

        settings = run_env()
        secret = json.loads(settings["OMS_CHANNELS"])["webshop"]["secret"]
        post_webhook(stack.url("API"), secret, shopify_order(order_id, currency))
        posted = time.monotonic()
        print(f"smoke: signed Shopify order {order_id} ({currency}) accepted by the api (202)")

        inbox = redis.Redis.from_url(settings["OMS_REDIS_URL"])
        event_id = f"webshop:smoke-{order_id}"
        wait_for("order in Odoo",
                 lambda: dead_letter(inbox, event_id) or routed_order(odoo, external_id),
                 ORDER_TIMEOUT_S, stack)  # fmt: skip
        wait_for("routed order",
                 lambda: routed_order(odoo, external_id)["oms_routing_state"] != "none",
                 ORDER_TIMEOUT_S, stack)  # fmt: skip
        order = routed_order(odoo, external_id)
        pickings = odoo.env["stock.picking"].read(order["picking_ids"], ["name", "location_id"])
        print(f"smoke: {order['name']} in Odoo {time.monotonic() - posted:.1f} s after the "
              f"webhook: state {order['state']}, routing {order['oms_routing_state']}, "
              f"decision {order['oms_decision_id'] and order['oms_decision_id'][1]}, deliveries "
              + ", ".join(f"{p['name']} from {p['location_id'][1]}" for p in pickings))  # fmt: skip
        problems = []
        if order["state"] != "sale":
            problems.append(f"state {order['state']!r}, not confirmed")
        if order["oms_routing_state"] != "routed" or not order["oms_decision_id"]:
            problems.append(f"routing {order['oms_routing_state']!r}, decision "
                            f"{order['oms_decision_id']}")  # fmt: skip
        if not pickings:
            problems.append("no delivery")
        if problems:
            raise SmokeError("the order is in Odoo but " + "; ".join(problems))
        # The operator command shows the same order, as customer service (odoorpc too).
        shown = subprocess.run(
            [sys.executable, str(ROOT / "tools" / "oms_odoo.py"), "--url", stack.url("ODOO"),
             "order", external_id],
            env=dict(os.environ, OMS_ODOO_PASSWORD="oms_service"), capture_output=True,
            text=True, timeout=120, check=False,
        )  # fmt: skip
        if shown.returncode or order["name"] not in shown.stdout or "Why:" not in shown.stdout:
            raise SmokeError(f"tools/oms_odoo.py order {external_id}: rc {shown.returncode}, "
                             f"{(shown.stdout + shown.stderr)[-500:]}")  # fmt: skip
        print("smoke: tools/oms_odoo.py order " + external_id + " says:\n  "
              + "\n  ".join(shown.stdout.splitlines()[:8]))  # fmt: skip
        # Give the demo stock back: repeated smoke runs on one database must not use it up.
        admin = odoorpc.ODOO("127.0.0.1", port=stack.ports["ODOO"], timeout=60)
        admin.login("oms", "admin", "admin")
        orders = admin.env["sale.order"].with_context(disable_cancel_warning=True)
        orders.browse(order["id"]).action_cancel()
        print(f"smoke: {order['name']} cancelled again, its stock released")
        inbox.close()  # Redis stops last, once its clients are gone (tools/run/shielded.sh)
    except Exception as exc:  # any failure: say it, stop everything, show the log
        failure = exc
    finally:
        try:
            stop_s = stack.stop()
        except SmokeError as exc:
            failure = failure or exc
            stop_s = None
    left = [f"port {port} ({name})" for name, port in stack.ports.items() if listening(port)]
    if (RUN_DIR / "pg" / "data" / "postmaster.pid").exists():
        left.append("the PostgreSQL cluster (postmaster.pid)")
    if not failure and left:
        failure = SmokeError("still running after Ctrl-C: " + ", ".join(left))
    if failure:
        print(f"smoke: ---- last 40 lines of {LOG}")
        print("".join(LOG.read_text().splitlines(keepends=True)[-40:]))
        print(f"SMOKE TEST FAILED: {type(failure).__name__}: {failure}")
        return 1
    print(f"smoke: everything stopped {stop_s:.1f} s after Ctrl-C (rc {stack.process.returncode})")
    print("SMOKE TEST PASSED: make run without Docker, a signed Shopify webhook, the routed order "
          "in Odoo over odoorpc, one Ctrl-C")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
