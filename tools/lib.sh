# Shared by tools/test_addons.sh, tools/run.sh and .ci/run (sourced, not run): where the Odoo 18
# and the PostgreSQL binaries of this machine are, and a PostgreSQL cluster of our own.
# docs/odoo.md ("Where the tools look for Odoo") documents the search order below.

banner() {
    echo "############################################################################"
    for line in "$@"; do echo "# $line"; done
    echo "############################################################################"
}

# The documented default location: an Odoo 18 source tree and its venv beside it.
OMS_DEFAULT_ODOO_HOME="${OMS_DEFAULT_ODOO_HOME:-/opt/odoo18}"

# odoo_major PYTHON [HOME]: the major version of the Odoo that PYTHON imports (HOME first on
# its path), or nothing.
odoo_major() {
    PYTHONPATH="${2:+$2${PYTHONPATH:+:$PYTHONPATH}}${2:-${PYTHONPATH:-}}" \
        "$1" -c 'import odoo.release as r; print(r.version_info[0])' 2>/dev/null || true
}

# locate_odoo: sets ODOO_PYTHON, ODOO_HOME and ODOO_FOUND_BY (how it was found) for an Odoo 18,
# or returns 1 with ODOO_NOT_FOUND saying what was tried. In this order:
#   1. the variables ODOO_PYTHON / ODOO_HOME (either set: only they are tried);
#   2. the default location: $OMS_DEFAULT_ODOO_HOME (/opt/odoo18) with the interpreter of
#      /opt/odoo18-venv, /opt/odoo18/venv or /opt/odoo18/.venv;
#   3. python3 on the PATH, if it imports an Odoo 18.
locate_odoo() {
    local python home major tried=()
    if [[ -n "${ODOO_PYTHON:-}" || -n "${ODOO_HOME:-}" ]]; then
        python="${ODOO_PYTHON:-python3}"
        major="$(odoo_major "$python" "${ODOO_HOME:-}")"
        if [[ "$major" != "18" ]]; then
            ODOO_NOT_FOUND="no Odoo 18 importable with ODOO_PYTHON=$python${ODOO_HOME:+, ODOO_HOME=$ODOO_HOME} (found: ${major:-nothing})"
            return 1
        fi
        ODOO_PYTHON="$python"
        # A caller that found it (e.g. .ci/run at the default location) passes on how.
        ODOO_FOUND_BY="${ODOO_FOUND_BY:-the variables ODOO_PYTHON / ODOO_HOME}"
    else
        ODOO_FOUND_BY=""
        home="$OMS_DEFAULT_ODOO_HOME"
        for python in "${home}-venv/bin/python" "$home/venv/bin/python" "$home/.venv/bin/python"; do
            [[ -f "$home/odoo-bin" && -x "$python" ]] || continue
            tried+=("$python with $home")
            if [[ "$(odoo_major "$python" "$home")" == "18" ]]; then
                ODOO_PYTHON="$python" ODOO_HOME="$home"
                ODOO_FOUND_BY="the default location $home"
                break
            fi
        done
        if [[ -z "$ODOO_FOUND_BY" ]]; then
            tried+=("python3 on the PATH")
            if [[ "$(odoo_major python3)" == "18" ]]; then
                ODOO_PYTHON="python3"
                ODOO_FOUND_BY="python3 on the PATH"
            else
                ODOO_NOT_FOUND="no Odoo 18: ODOO_PYTHON / ODOO_HOME unset; tried ${tried[*]}"
                ODOO_NOT_FOUND+=" (default location: $OMS_DEFAULT_ODOO_HOME + ${OMS_DEFAULT_ODOO_HOME}-venv)"
                return 1
            fi
        fi
    fi
    if [[ -z "${ODOO_HOME:-}" ]]; then
        ODOO_HOME="$("$ODOO_PYTHON" -c 'import os, odoo; print(os.path.dirname(os.path.dirname(odoo.__file__)))')"
    fi
    export ODOO_PYTHON ODOO_HOME ODOO_FOUND_BY
}

# check_addon_python_deps REPO ADDON...: the Python dependencies the manifests declare must import
# in Odoo's interpreter (Odoo's own check); prints what is missing and returns 1.
check_addon_python_deps() {
    local repo="$1"
    shift
    PYTHONPATH="$repo:$ODOO_HOME${PYTHONPATH:+:$PYTHONPATH}" "$ODOO_PYTHON" - "$repo/addons" "$@" <<'PY'
import ast, sys
from odoo.modules.module import check_python_external_dependency
base, names = sys.argv[1], sys.argv[2:]
missing = []
for name in names:
    manifest = ast.literal_eval(open(f"{base}/{name}/__manifest__.py").read())
    for dep in manifest.get("external_dependencies", {}).get("python", []):
        try:  # the very check Odoo makes before installing
            check_python_external_dependency(dep)
        except Exception as exc:
            missing.append(f"{name}: {exc}")
for m in missing:
    print("missing:", m)
sys.exit(1 if missing else 0)
PY
}

# --- PostgreSQL ---------------------------------------------------------------------------------
# pg_bindir: the directory of initdb / pg_ctl / postgres: the PATH's, else the newest under
# /usr/lib/postgresql (Debian and Ubuntu keep them there, off the PATH).
product_addons() {  # product_addons REPO: the repository's addons, comma-separated (what make run installs)
    local manifest names=()
    for manifest in "$1"/addons/*/__manifest__.py; do
        [[ -f "$manifest" ]] && names+=("$(basename "$(dirname "$manifest")")")
    done
    (IFS=,; echo "${names[*]}")
}

pg_bindir() {
    local found
    found="$(command -v pg_ctl 2>/dev/null || true)"
    if [[ -n "$found" && -x "$(dirname "$(readlink -f "$found")")/initdb" ]]; then
        dirname "$(readlink -f "$found")"
        return 0
    fi
    found="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
    [[ -n "$found" && -x "$found/initdb" ]] || return 1
    echo "$found"
}

# PostgreSQL refuses to run as root: as root, our clusters run as OMS_PG_OS_USER, else as the
# `postgres` account the distribution's packages create.
pg_os_user() {
    if [[ $EUID -ne 0 ]]; then
        id -un
    elif [[ -n "${OMS_PG_OS_USER:-}" ]]; then
        echo "$OMS_PG_OS_USER"
    elif id postgres >/dev/null 2>&1; then
        echo postgres
    else
        return 1
    fi
}

# pg_as_prefix: sets PG_AS to the command prefix that runs a program as the cluster's OS user
# (setpriv execs it in place, so the program keeps the pid and gets signals directly).
pg_as_prefix() {
    PG_AS=()
    [[ $EUID -eq 0 ]] || return 0
    local user
    user="$(pg_os_user)" || { echo "running as root and no 'postgres' account: set OMS_PG_OS_USER" >&2; return 1; }
    PG_AS=(setpriv --reuid="$user" --regid="$(id -g "$user")" --init-groups --)
}

as_pg_user() {  # as_pg_user CMD...: CMD as the cluster's OS user
    pg_as_prefix || return 1
    "${PG_AS[@]}" "$@"
}

# pg_cluster_init DIR [throwaway]: a new cluster in DIR/data, its socket in DIR, superuser role
# `odoo` (Odoo refuses to connect as `postgres`), trust authentication on the socket only: it
# listens on no TCP port, so it never collides with another PostgreSQL of the machine.
pg_cluster_init() {
    local dir kind="${2:-}" bindir user
    mkdir -p "$1" && dir="$(cd "$1" && pwd)"
    bindir="$(pg_bindir)" || { echo "no PostgreSQL binaries (initdb) on the PATH nor under /usr/lib/postgresql" >&2; return 1; }
    user="$(pg_os_user)" || { echo "running as root and no 'postgres' account: set OMS_PG_OS_USER" >&2; return 1; }
    # The socket's path has to fit in a sockaddr_un (107 bytes).
    if [[ ${#dir} -gt 90 ]]; then
        echo "$dir is too long a path for PostgreSQL's socket: set OMS_RUN_DIR to a shorter one" >&2
        return 1
    fi
    mkdir -p "$dir"
    [[ $EUID -eq 0 ]] && chown "$user" "$dir"
    if ! as_pg_user test -w "$dir"; then
        echo "the PostgreSQL account '$user' cannot write to $dir (a parent folder is closed to it):" \
             "set OMS_RUN_DIR to a folder it can reach, or OMS_PG_OS_USER" >&2
        return 1
    fi
    as_pg_user "$bindir/initdb" -D "$dir/data" -U odoo --auth=trust -E UTF8 --locale=C \
        > "$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; return 1; }
    {
        echo "listen_addresses = ''"
        echo "unix_socket_directories = '$dir'"
        echo "max_connections = 200"
        # A commit returns before its WAL is flushed: an OS crash may lose the last transactions
        # of a demo database, never corrupt it.
        echo "synchronous_commit = off"
        if [[ "$kind" == "throwaway" ]]; then
            echo "fsync = off"
            echo "full_page_writes = off"
        fi
    } | as_pg_user tee -a "$dir/data/postgresql.conf" >/dev/null
}

pg_ready() {  # pg_ready DIR: the cluster in DIR accepts connections
    "$(pg_bindir)/pg_isready" -q -h "$1" -U odoo -d postgres
}

pg_cluster_start() {  # pg_cluster_start DIR: in the background, returns once it accepts connections
    local dir
    dir="$(cd "$1" && pwd)"  # the server runs elsewhere: a relative socket path would not do
    as_pg_user "$(pg_bindir)/pg_ctl" -D "$dir/data" -o "-k $dir" -l "$dir/server.log" -w -t 60 start >/dev/null \
        || { tail -n 20 "$dir/server.log" >&2; return 1; }
}

pg_cluster_stop() {  # pg_cluster_stop DIR: fast shutdown (clients are disconnected), if running
    [[ -f "$1/data/postmaster.pid" ]] || return 0
    as_pg_user "$(pg_bindir)/pg_ctl" -D "$1/data" -m fast -w -t 60 stop >/dev/null
}

# pg_reachable: a session opens on the server ODOO_DB_HOST/PORT/USER/PASSWORD name (libpq's
# defaults where unset). pg_isready alone would also say yes to a server without our role.
pg_reachable() {
    local bindir psql
    bindir="$(pg_bindir)" && psql="$bindir/psql" || psql="$(command -v psql)" || return 1
    PGCONNECT_TIMEOUT=5 PGPASSWORD="${ODOO_DB_PASSWORD:-}" "$psql" -X -q -At \
        ${ODOO_DB_HOST:+-h "$ODOO_DB_HOST"} ${ODOO_DB_PORT:+-p "$ODOO_DB_PORT"} \
        ${ODOO_DB_USER:+-U "$ODOO_DB_USER"} -d postgres -c 'SELECT 1' >/dev/null 2>&1
}
