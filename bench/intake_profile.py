"""Profile `oms.intake.ingest_orders` on a real Odoo 18 (a tool, not a benchmark run by
`make bench`):

    python -m bench.intake_profile --db=NAME [--old=REV] [--batches=1,10,50] [--rounds=6]
                                   [--same-customer] [--profile=N] [--sections=N]

NAME is a database with the addon and its demo data (`odoo-bin -d NAME -i oms_omnichannel`;
it must have the demo channel `webshop` and the products TSHIRT-BLK-M and MUG-STONE). Every
batch is the sync bench's 2-line order, each order with its own new customer unless
`--same-customer`, run in a savepoint that is rolled back, so the database does not change.

Reported per batch size: Odoo CPU ms per order (`time.process_time` of this process, which
runs Odoo; PostgreSQL's CPU is not in it) and SQL queries per order. With `--old=REV` the
intake of that git revision (its `oms_intake.py`, loaded beside the working tree's) and the
working tree's take turns in the same process, and the ratio old/new is printed: CPU time
measured against a baseline in the same run, as the machine's load changes. `--profile=N`
prints cProfile of one batch of N; `--sections=N` CPU and queries per step of batches of N.

`ODOO_RC` names the Odoo configuration file; when this Python cannot import `odoo`,
`ODOO_PYTHON` runs the tool instead.
"""

from __future__ import annotations

import argparse
import collections
import copy
import cProfile
import io
import os
import pstats
import subprocess
import sys
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
INTAKE = "addons/oms_omnichannel/models/oms_intake.py"
ORDER = {
    "channel": "webshop", "external_id": "", "external_version": 1, "status": "open",
    "name": "", "placed_at": "2026-11-26T09:12:00Z", "currency": None,
    "customer": {"external_id": "77", "email": "ana@example.com", "name": "Ana Silva",
                 "phone": "+351912345678"},
    "shipping_address": {"name": "Jonas Weber", "street": "Sendlinger Str. 12", "street2": "",
                         "city": "München", "zip": "80331", "country_code": "DE",
                         "state_code": "", "phone": "+351 912 345 678"},
    "lines": [
        {"external_id": "1", "sku": "TSHIRT-BLK-M", "quantity": "1", "unit_price": "19.90",
         "discount_percent": "0.00"},
        {"external_id": "2", "sku": "MUG-STONE", "quantity": "1", "unit_price": "12.50",
         "discount_percent": "0.00"},
    ],
    "service_level": "standard", "shipping_price": "4.90", "delivery_mode": "ship",
    "pickup_store": None, "allow_split": True,
    "payment": {"status": "paid", "method": "shopify_payments", "amount": "44.70",
                "reference": ""},
    "reservation_id": None,
}  # fmt: skip
ORDER["billing_address"] = dict(ORDER["shipping_address"])
SECTIONS = ["_prefetch", "_plan_new_order", "_customers_of", "_addresses_of", "_create_orders"]


def _parse(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.intake_profile")
    parser.add_argument("--db", required=True)
    parser.add_argument("--old", help="git revision whose intake is the baseline")
    parser.add_argument("--batches", default="1,10,50")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--same-customer", action="store_true")
    parser.add_argument("--profile", type=int, default=0)
    parser.add_argument("--sections", type=int, default=0)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        import odoo  # noqa: F401
    except ImportError:
        python = os.environ.get("ODOO_PYTHON")
        if not python:
            print("no Odoo 18 importable: set ODOO_PYTHON (and ODOO_RC)")
            return 2
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(
            filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))  # fmt: skip
        return subprocess.run([python, "-m", "bench.intake_profile", *argv], cwd=ROOT,
                              env=env, check=False).returncode  # fmt: skip
    return run(_parse(argv))


def _old_methods(rev: str) -> dict:
    """The methods of the intake at ``rev``, to set on the registry's class in turn."""
    source = subprocess.run(["git", "-C", str(ROOT), "show", f"{rev}:{INTAKE}"],
                            capture_output=True, text=True, check=True).stdout  # fmt: skip
    package = "odoo.addons.oms_omnichannel.models"
    source = source.replace("from .", f"from {package}.")
    source = source.replace('_name = "oms.intake"', '_name = "oms.intake"\n    _register = False')
    module = types.ModuleType(f"{package}.oms_intake_at_{rev}")
    sys.modules[module.__name__] = module  # dataclasses look their module up
    exec(compile(source, f"{rev}:{INTAKE}", "exec"), module.__dict__)
    return {name: value for name, value in vars(module.OmsIntake).items()
            if callable(value) and not name.startswith("__")}  # fmt: skip


def run(args) -> int:
    import odoo
    from odoo.tools import config

    cli = ["--log-level=warn"] + (
        ["-c", os.environ["ODOO_RC"]] if os.environ.get("ODOO_RC") else []
    )
    config.parse_config(cli, setup_logging=True)
    addons = str(ROOT / "addons")
    if addons not in (config["addons_path"] or ""):
        config["addons_path"] = ",".join(filter(None, [config["addons_path"], addons]))
        odoo.addons.__path__.append(addons)
    registry = odoo.modules.registry.Registry(args.db)
    counter = [0]
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        user = env["res.users"].search([("login", "=", "oms_sync")])
        env = odoo.api.Environment(cr, user.id or odoo.SUPERUSER_ID, {})
        channel = env["oms.channel"].search([("code", "=", ORDER["channel"])])
        template = dict(ORDER, currency=channel.company_id.currency_id.name)
        intake_class = type(env["oms.intake"])
        old = _old_methods(args.old) if args.old else {}

        def use(which: str) -> None:
            for name, method in old.items():
                if which == "old":
                    setattr(intake_class, name, method)
                elif name in vars(intake_class):
                    delattr(intake_class, name)

        def orders(count: int) -> list[dict]:
            out = []
            for _ in range(count):
                counter[0] += 1
                order = copy.deepcopy(template)
                order.update(external_id=f"profile-{time.time_ns()}-{counter[0]}",
                             name=f"#P{counter[0]}")  # fmt: skip
                if not args.same_customer:
                    order["customer"].update(email=f"c{time.time_ns()}.{counter[0]}@example.com",
                                             name=f"Customer {counter[0]}")  # fmt: skip
                out.append(order)
            return out

        def one(count: int, which: str, profiler=None) -> tuple[float, float]:
            use(which)
            payload = orders(count)
            env.invalidate_all()  # each RPC call starts with an empty record cache
            cr.execute("SAVEPOINT intake_profile")
            queries, started = cr.sql_log_count, time.process_time()
            if profiler:
                profiler.enable()
            results = env["oms.intake"].ingest_orders(payload)
            env.flush_all()
            if profiler:
                profiler.disable()
            cpu, queries = time.process_time() - started, cr.sql_log_count - queries
            cr.execute("ROLLBACK TO SAVEPOINT intake_profile")
            env.invalidate_all()
            failed = [r for r in results if r["status"] != "created"]
            if failed:
                raise RuntimeError(f"orders not created: {failed[:2]}")
            return cpu * 1000 / count, queries / count

        one(1, "new")  # warm the registry's caches for both
        if old:
            one(1, "old")
        if args.profile:
            _print_profile(lambda p: one(args.profile, "new", p))
        if args.sections:
            _print_sections(env, intake_class, lambda: one(args.sections, "new"), args.sections)
        modes = ["old", "new"] if old else ["new"]
        for count in (int(b) for b in args.batches.split(",")):
            measured = {mode: [] for mode in modes}
            for round_ in range(args.rounds):
                for mode in modes if round_ % 2 == 0 else modes[::-1]:
                    measured[mode].append(one(count, mode))
            line = [f"batch {count:3d}:"]
            median = {}
            for mode in modes:
                cpu = sorted(m[0] for m in measured[mode])
                median[mode] = cpu[len(cpu) // 2]
                line.append(f"{mode} {median[mode]:.1f} ms/order (min {cpu[0]:.1f}), "
                            f"{measured[mode][0][1]:.1f} queries/order")  # fmt: skip
            if old:
                line.append(f"old/new {median['old'] / median['new']:.2f}")
            print("  ".join(line), flush=True)
        use("new")
        cr.rollback()
    return 0


def _print_profile(run_one) -> None:
    profiler = cProfile.Profile()
    run_one(profiler)
    for order in ("cumtime", "tottime"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(40)
        print(out.getvalue())


def _print_sections(env, intake_class, run_one, count: int, repeat: int = 3) -> None:
    """CPU and queries per order inside each step (nested steps are also in their parent)."""
    spent = collections.defaultdict(lambda: [0.0, 0])
    patched = {}

    def wrap(cls, name):
        original = getattr(cls, name)

        def timed(self, *args, **kwargs):
            cr = self.env.cr
            queries, started = cr.sql_log_count, time.process_time()
            try:
                return original(self, *args, **kwargs)
            finally:
                spent[name][0] += time.process_time() - started
                spent[name][1] += cr.sql_log_count - queries

        patched[(cls, name)] = vars(cls).get(name)
        setattr(cls, name, timed)

    steps = [(intake_class, name) for name in SECTIONS]
    steps.append((type(env["sale.order"]), "action_confirm"))
    steps.append((type(env["oms.router"]), "_route_order"))
    for cls, name in steps:
        wrap(cls, name)
    try:
        for _ in range(repeat):
            run_one()
    finally:
        for (cls, name), own in patched.items():
            if own is None:
                delattr(cls, name)
            else:
                setattr(cls, name, own)
    orders = count * repeat
    for name, (cpu, queries) in spent.items():
        print(
            f"{name:20s} {cpu * 1000 / orders:7.1f} ms/order {queries / orders:7.1f} queries/order"
        )


if __name__ == "__main__":
    sys.exit(main())
