#!/usr/bin/env bash
# `make run`: the whole product on this machine, stopped by one Ctrl-C.
#
# With Docker (an engine that answers and compose): docker/compose.yaml, as it always was.
# Without: on the Odoo 18 this machine already has (tools/lib.sh, locate_odoo: the variables of
# docs/odoo.md, else /opt/odoo18 with /opt/odoo18-venv, else python3 importing odoo). It never
# downloads or builds Odoo. In $OMS_RUN_DIR (default .run/, ignored by git) it keeps
#   pg/          a PostgreSQL cluster of the machine's binaries (made on the first run; as root
#                it runs as the `postgres` account, PostgreSQL refuses root)
#   odoo-data/   Odoo's filestore and sessions;    redis/  Redis's append-only file
#   run.env      what the Procfile's processes read (ports, the sync service's settings)
#   sync-api-key the API key of the integration user oms_sync (made on the first run)
#   demo-db      the digest of the addon the demo database "oms" was last installed/upgraded with
# The first run installs the addon with its demo data into database "oms" (minutes); later runs
# reuse it (seconds), and upgrade it first when the addon's files changed. Then honcho starts
# the Procfile: postgres, redis, odoo, the sync service's api, worker and beat, and `ready`,
# which prints the URLs and the logins once Odoo and the api answer.
#
#   OMS_RUN_MODE        auto (default) | docker | local
#   OMS_RUN_DIR         where the state lives                            (default: .run)
#   OMS_RUN_HOST        the interface Odoo and the api listen on         (default: 127.0.0.1)
#   OMS_RUN_ODOO_PORT / OMS_RUN_API_PORT / OMS_RUN_REDIS_PORT            (8069 / 8000 / 6389)
#   OMS_PG_OS_USER      the account the cluster runs as when run as root (default: postgres)
#   OMS_LOG_LEVEL       the sync service's log level (default here: WARNING; INFO shows every
#                       task the worker runs, twice a second)
set -euo pipefail

REPO="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=tools/lib.sh
source "$REPO/tools/lib.sh"

die() {
    banner "make run: $1" "${@:2}" >&2
    exit 1
}

docker_answers() {
    command -v docker >/dev/null 2>&1 && timeout 20 docker info >/dev/null 2>&1 \
        && timeout 20 docker compose version >/dev/null 2>&1
}

mode="${OMS_RUN_MODE:-auto}"
case "$mode" in
    docker)
        docker_answers || die "OMS_RUN_MODE=docker, but no Docker engine with compose answers"
        exec docker compose -f "$REPO/docker/compose.yaml" up --build ;;
    auto)
        if docker_answers; then
            echo "A Docker engine answers: the compose stack (OMS_RUN_MODE=local runs without it)."
            exec docker compose -f "$REPO/docker/compose.yaml" up --build
        fi
        echo "No Docker engine answers: running on this machine's Odoo 18 (docs/odoo.md, \"make run without Docker\")." ;;
    local) ;;
    *) die "OMS_RUN_MODE must be auto, docker or local, not '$mode'" ;;
esac

# --- what it needs ------------------------------------------------------------------------------
locate_odoo || die "no Docker engine, and $ODOO_NOT_FOUND." \
    "Install Docker, or point ODOO_PYTHON / ODOO_HOME at an Odoo 18 (docs/odoo.md)."
echo "Odoo $("$ODOO_PYTHON" -c 'import odoo.release as r; print(r.version)') found through $ODOO_FOUND_BY: $ODOO_PYTHON, $ODOO_HOME"
# Every addon of the repository: the core and each capability (POS, returns, risk, payment,
# delays, the control tower) - the product as a retailer runs it.
ADDONS="$(product_addons "$REPO")"
IFS=',' read -r -a addon_names <<< "$ADDONS"
check_addon_python_deps "$REPO" "${addon_names[@]}" \
    || die "a Python dependency of the addon is missing in Odoo's venv" \
           "$ODOO_PYTHON -m pip install -e $REPO"
PG_BINDIR="$(pg_bindir)" || die "no PostgreSQL binaries (initdb, pg_ctl, postgres) on the PATH nor under /usr/lib/postgresql" \
    "Debian/Ubuntu: apt-get install postgresql (its service need not run)"
command -v redis-server >/dev/null || die "no redis-server on the PATH" "Debian/Ubuntu: apt-get install redis-server"
# The sync service and honcho live in .venv (the Docker path above does not need it).
[[ -f "$REPO/.venv/.installed" ]] || echo "Creating .venv (make setup: the sync service, honcho; a minute)"
make -C "$REPO" --no-print-directory setup >/dev/null || die "make setup failed: run it to see why"

RUN_DIR="${OMS_RUN_DIR:-$REPO/.run}"
mkdir -p "$RUN_DIR"
RUN_DIR="$(cd "$RUN_DIR" && pwd)"
HOST="${OMS_RUN_HOST:-127.0.0.1}"
ODOO_PORT="${OMS_RUN_ODOO_PORT:-8069}"
API_PORT="${OMS_RUN_API_PORT:-8000}"
REDIS_PORT="${OMS_RUN_REDIS_PORT:-6389}"
PG="$RUN_DIR/pg"

if [[ -f "$PG/data/postmaster.pid" ]] && as_pg_user "$PG_BINDIR/pg_ctl" -D "$PG/data" status >/dev/null 2>&1; then
    die "the cluster in $PG is already running: is another make run using $RUN_DIR?" \
        "Stop it (Ctrl-C there), or give this one its own OMS_RUN_DIR."
fi
for port_var in ODOO_PORT API_PORT REDIS_PORT; do
    port="${!port_var}"
    # Something accepts connections there (a bind test would also fail on a TIME_WAIT).
    if "$REPO/.venv/bin/python" -c 'import socket, sys; sys.exit(socket.socket().connect_ex((sys.argv[1], int(sys.argv[2]))) != 0)' \
            "$([[ $HOST == 0.0.0.0 ]] && echo 127.0.0.1 || echo "$HOST")" "$port"; then
        die "port $port on $HOST is taken (another Odoo, api or Redis?)" "set OMS_RUN_${port_var} to a free one"
    fi
done

# --- first run: the cluster; the demo database; the integration user's key --------------------
if [[ ! -f "$PG/data/PG_VERSION" ]]; then
    echo "First run: a PostgreSQL cluster ($PG_BINDIR) in $PG"
    rm -rf "$PG"
    pg_cluster_init "$PG" || die "could not create the PostgreSQL cluster in $PG"
fi
mkdir -p "$RUN_DIR/odoo-data" "$RUN_DIR/redis" "$RUN_DIR/logs"
addons_path="$ODOO_HOME/addons,$ODOO_HOME/odoo/addons,$REPO/addons${ODOO_ADDONS_PATH:+,$ODOO_ADDONS_PATH}"
# Written each run: the repository or the Odoo may have moved since the last one.
cat > "$RUN_DIR/odoo.conf" <<EOF
; Written by tools/run.sh on each make run; edit that script, not this file.
[options]
addons_path = $addons_path
data_dir = $RUN_DIR/odoo-data
db_host = $PG
db_user = odoo
db_name = oms
dbfilter = ^oms\$
list_db = False
http_interface = $HOST
http_port = $ODOO_PORT
; Threaded: one process serves HTTP, the websocket (bus) and a cron thread.
workers = 0
max_cron_threads = 1
log_level = info
log_handler = :INFO,werkzeug:WARNING
EOF

odoo_bin() {  # odoo_bin [shell] OPTION...: odoo-bin on the run's configuration
    local command=()
    [[ "${1:-}" == shell ]] && command=(shell) && shift
    PYTHONPATH="$REPO${PYTHONPATH:+:$PYTHONPATH}" \
        "$ODOO_PYTHON" "$ODOO_HOME/odoo-bin" "${command[@]}" -c "$RUN_DIR/odoo.conf" "$@"
}
# What an upgrade would change: the addon's files (tests excluded; the engine is read at run time).
digest="$(cd "$REPO" && find addons -type f ! -path '*/__pycache__/*' ! -path '*/tests/*' -print0 \
          | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)"
installed="$(cat "$RUN_DIR/demo-db" 2>/dev/null || true)"
key_file="$RUN_DIR/sync-api-key"
if [[ "$installed" != "$digest" || ! -s "$key_file" ]]; then
    pg_cluster_start "$PG" || die "the PostgreSQL cluster in $PG did not start" "log: $PG/server.log"
    trap 'pg_cluster_stop "$PG"' EXIT
    started=$SECONDS
    if [[ -z "$installed" ]]; then
        # A half-made database (an interrupted first run) is made again from scratch.
        PGOPTIONS="-c client_min_messages=warning" "$PG_BINDIR/dropdb" -h "$PG" -U odoo --if-exists --force oms
        rm -rf "$RUN_DIR/odoo-data/filestore/oms" "$key_file"
        echo "First run: installing the addons ($ADDONS) with their demo data into database \"oms\" (a few minutes; log: $RUN_DIR/logs/install.log)"
        odoo_bin -i "$ADDONS" --stop-after-init --no-http > "$RUN_DIR/logs/install.log" 2>&1 \
            || die "installing the addon failed" "$(grep -E ' (ERROR|CRITICAL) ' "$RUN_DIR/logs/install.log" | head -n 3)" \
                   "log: $RUN_DIR/logs/install.log"
    elif [[ "$installed" != "$digest" ]]; then
        echo "The addons changed since the demo database was made: upgrading them (log: $RUN_DIR/logs/upgrade.log)"
        # -i installs an addon new to the repository; -u upgrades the ones installed.
        odoo_bin -i "$ADDONS" -u "$ADDONS" --stop-after-init --no-http > "$RUN_DIR/logs/upgrade.log" 2>&1 \
            || die "upgrading the addon failed" "log: $RUN_DIR/logs/upgrade.log"
    fi
    echo "$digest" > "$RUN_DIR/demo-db"
    if [[ ! -s "$key_file" ]]; then
        odoo_bin shell --no-http < "$REPO/tools/run/sync_user.py" > "$RUN_DIR/logs/sync_user.log" 2>&1 || true
        key="$(sed -n 's/^OMS-SYNC-API-KEY //p' "$RUN_DIR/logs/sync_user.log")"
        [[ -n "$key" ]] || die "could not give the integration user oms_sync an API key" \
            "$(grep -vE '^[0-9-]+ [0-9:,]+ [0-9]+ INFO ' "$RUN_DIR/logs/sync_user.log" | tail -n 3)"
        (umask 077 && echo "$key" > "$key_file")
    fi
    pg_cluster_stop "$PG"
    trap - EXIT
    echo "Demo database ready in $((SECONDS - started)) s."
fi

# --- the processes --------------------------------------------------------------------------------
sq() { printf "'%s'" "${1//\'/\'\"\'\"\'}"; }  # one value, quoted for honcho's .env parser (shlex)
channels="{\"webshop\": {\"provider\": \"shopify\", \"secret\": \"${OMS_SHOPIFY_SECRET:-demo-shopify-secret}\"},
 \"marketplace\": {\"provider\": \"generic\", \"secret\": \"${OMS_GENERIC_SECRET:-whsec_ZGVtby1nZW5lcmljLWNoYW5uZWwtc2VjcmV0}\"}}"
carriers="{\"dhl\": {\"format\": \"easypost\", \"secret\": \"${OMS_EASYPOST_SECRET:-demo-easypost-secret}\"}}"
{
    echo "# Written by tools/run.sh on each make run: what the Procfile's processes read."
    for pair in \
        "OMS_RUN_DIR=$RUN_DIR" "OMS_RUN_HOST=$HOST" "OMS_RUN_ODOO_PORT=$ODOO_PORT" \
        "OMS_RUN_API_PORT=$API_PORT" "OMS_RUN_REDIS_PORT=$REDIS_PORT" \
        "ODOO_PYTHON=$ODOO_PYTHON" "ODOO_HOME=$ODOO_HOME" "PG_BINDIR=$PG_BINDIR" \
        "PYTHONPATH=$REPO" "PYTHONUNBUFFERED=1" \
        "OMS_ENVIRONMENT=dev" "OMS_LOG_LEVEL=${OMS_LOG_LEVEL:-WARNING}" \
        "OMS_REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0" \
        "OMS_ODOO_URL=http://127.0.0.1:$ODOO_PORT" "OMS_ODOO_DB=oms" "OMS_ODOO_LOGIN=oms_sync" \
        "OMS_ODOO_API_KEY=$(cat "$key_file")" \
        "OMS_CHANNELS=$(tr -d '\n' <<< "$channels")" "OMS_CARRIERS=$carriers"; do
        echo "${pair%%=*}=$(sq "${pair#*=}")"
    done
} > "$RUN_DIR/run.env"
chmod 600 "$RUN_DIR/run.env"

cd "$REPO"
exec "$REPO/.venv/bin/python" "$REPO/tools/run/honcho_start.py" --app-root "$REPO" -f "$REPO/Procfile" \
    -e "$RUN_DIR/run.env"
