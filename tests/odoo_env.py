"""Where the real Odoo 18 for the integration tests is.

Read from the same variables as tools/test_addons.sh (docs/odoo.md), else from the documented
default location /opt/odoo18 + /opt/odoo18-venv: a test that needs Odoo runs wherever those
name an importable Odoo 18, and is skipped with a loud banner everywhere else.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from functools import cache
from pathlib import Path

if not (os.environ.get("ODOO_PYTHON") or os.environ.get("ODOO_HOME")) and all(
    Path(p).exists() for p in ("/opt/odoo18/odoo-bin", "/opt/odoo18-venv/bin/python")
):  # the documented default location (docs/odoo.md; tools/lib.sh's locate_odoo)
    os.environ.update(ODOO_HOME="/opt/odoo18", ODOO_PYTHON="/opt/odoo18-venv/bin/python")
ODOO_PYTHON = os.environ.get("ODOO_PYTHON", "python3")
DATA_DIR = Path(os.environ.get("ODOO_DATA_DIR") or Path(tempfile.gettempdir()) / "oms-odoo-data")
DB_TEMPLATE = os.environ.get("ODOO_DB_TEMPLATE") or None


def db_args() -> list[str]:
    """odoo-bin's PostgreSQL options, from ODOO_DB_HOST/PORT/USER/PASSWORD."""
    pairs = [("--db_host", "ODOO_DB_HOST"), ("--db_port", "ODOO_DB_PORT"),
             ("--db_user", "ODOO_DB_USER"), ("--db_password", "ODOO_DB_PASSWORD")]  # fmt: skip
    return [f"{option}={os.environ[var]}" for option, var in pairs if os.environ.get(var)]


def pg_env() -> dict[str, str]:
    """The environment for PostgreSQL's client tools (createdb, dropdb, psql, pg_isready)."""
    env = dict(os.environ)
    for libpq, var in (("PGHOST", "ODOO_DB_HOST"), ("PGPORT", "ODOO_DB_PORT"),
                       ("PGUSER", "ODOO_DB_USER"), ("PGPASSWORD", "ODOO_DB_PASSWORD")):  # fmt: skip
        if os.environ.get(var):
            env[libpq] = os.environ[var]
    return env


def pg_bin(name: str) -> str:
    """A PostgreSQL client tool: on the PATH, else the newest under /usr/lib/postgresql."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    return str(candidates[-1]) if candidates else name


@cache
def odoo_home() -> Path | None:
    """ODOO_HOME, else the source tree `odoo` imports from with ODOO_PYTHON; None if no Odoo 18."""
    env = dict(os.environ)
    if os.environ.get("ODOO_HOME"):
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [os.environ["ODOO_HOME"],
                                                          env.get("PYTHONPATH")]))  # fmt: skip
    try:
        probe = subprocess.run(
            [ODOO_PYTHON, "-c", "import os, odoo.release as r; "
             "print(r.version_info[0], os.path.dirname(os.path.dirname(r.__file__)))"],
            capture_output=True, text=True, env=env, timeout=60, check=False,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired):
        return None
    major, _, home = probe.stdout.strip().partition(" ")
    if probe.returncode or major != "18":
        return None
    return Path(os.environ.get("ODOO_HOME") or home)


def why_no_odoo() -> str | None:
    """Why these tests cannot run on a real Odoo 18 here, or None when they can."""
    home = odoo_home()
    if home is None:
        return f"no Odoo 18 importable with ODOO_PYTHON={ODOO_PYTHON} (see docs/odoo.md)"
    if not (home / "odoo-bin").exists():
        return f"{home}/odoo-bin does not exist; set ODOO_HOME to the Odoo source tree"
    ready = subprocess.run([pg_bin("pg_isready")], env=pg_env(), capture_output=True, check=False)
    if ready.returncode:
        return "PostgreSQL is not accepting connections (ODOO_DB_HOST / ODOO_DB_PORT)"
    return None


def odoo_command(db: str, root: Path) -> list[str]:
    """odoo-bin on database `db` with Odoo's addons and this repository's."""
    home = odoo_home()
    addons = [str(home / "addons"), str(home / "odoo" / "addons"), str(root / "addons")]
    if os.environ.get("ODOO_ADDONS_PATH"):
        addons.append(os.environ["ODOO_ADDONS_PATH"])
    return [ODOO_PYTHON, str(home / "odoo-bin"), f"--addons-path={','.join(addons)}",
            *db_args(), f"--data-dir={DATA_DIR}", "-d", db]  # fmt: skip
