#!/usr/bin/env bash
# Runs the Odoo addon tests on a real Odoo 18 when one is importable; says loudly when not.
#
# It never installs Odoo (docs/odoo.md says how a developer gets one). It looks for an Odoo 18
# through the variables ODOO_PYTHON / ODOO_HOME, then at the default location /opt/odoo18 (with
# /opt/odoo18-venv), then through `python3 -c "import odoo"` (tools/lib.sh, locate_odoo), and
# says which one it uses. The variables:
#
#   ODOO_PYTHON       interpreter of Odoo's venv            (default: see above)
#   ODOO_HOME         Odoo source tree (holds odoo-bin)     (default: where `odoo` imports from)
#   ODOO_ADDONS_PATH  extra addons directories, comma-separated
#   ODOO_DB_HOST / ODOO_DB_PORT / ODOO_DB_USER / ODOO_DB_PASSWORD   PostgreSQL (user != postgres);
#                     when none answers, a throwaway cluster of the machine's PostgreSQL
#                     binaries is started for the run and stopped at its end
#   ODOO_DB_TEMPLATE  database to copy for a fast start (e.g. base, sale_stock, stock_delivery)
#   ODOO_DATA_DIR     Odoo data_dir, so the template's filestore is copied too
#   ODOO_TEST_ADDONS  addons to test, comma-separated      (default: every addon in addons/)
#   ODOO_DB_TEMPLATE_DEMO  same, with demo data, for the demo install check
#   ODOO_KEEP_DB=1    keep the test databases afterwards
#   ODOO_TEST_QUICK=1 only steps 1 and 2 (for a quick loop while developing)
#
# Steps: a fresh database -> 1. install the addons with --test-enable, running their browser
# tours (HttpCase, tagged post_install) with Odoo's own runner -> 2. every other test of the
# addons through pytest-odoo on that database -> 3. upgrade (-u) -> 4. uninstall, which must
# leave no table or column behind -> 5. install with demo data on another fresh database, the
# browser tours again, and every pytest-odoo test again on that demo database (OCA's CI tests
# with demo data too).
# It fails when a test fails, when nothing ran, when a tour was skipped (Odoo skips HttpCase
# silently without websocket-client or Chrome) and when a step logs an error.
set -uo pipefail

REPO="$(cd "$(dirname "$0")/.." && pwd)"
ADDONS_DIR="$REPO/addons"

fail() {
    banner "ADDON TESTS FAILED: $1" "${@:2}"
    exit 1
}

# --- find an Odoo 18 ------------------------------------------------------------------------
# shellcheck source=tools/lib.sh
source "$REPO/tools/lib.sh"
if ! locate_odoo; then
    banner "ADDON TESTS SKIPPED: $ODOO_NOT_FOUND." \
        "Nothing of the addon was tested." \
        "See docs/odoo.md to get an Odoo 18 and the variables this runner reads."
    exit 0
fi
# The working tree's engine wins over any installed copy.
export PYTHONPATH="$REPO:$ODOO_HOME${PYTHONPATH:+:$PYTHONPATH}"
ODOO_BIN="$ODOO_HOME/odoo-bin"
[[ -f "$ODOO_BIN" ]] || fail "Odoo 18 imports but $ODOO_BIN does not exist; set ODOO_HOME to the source tree"
odoo_version="$("$ODOO_PYTHON" -c 'import odoo.release as r; print(r.version)')"
echo "Odoo $odoo_version found through $ODOO_FOUND_BY: $ODOO_PYTHON, $ODOO_HOME"

# --- what to test, and what it needs ------------------------------------------------------
if [[ -n "${ODOO_TEST_ADDONS:-}" ]]; then
    IFS=',' read -r -a addons <<< "$ODOO_TEST_ADDONS"
else
    addons=()
    for manifest in "$ADDONS_DIR"/*/__manifest__.py; do
        [[ -f "$manifest" ]] && addons+=("$(basename "$(dirname "$manifest")")")
    done
fi
[[ ${#addons[@]} -gt 0 ]] || fail "no addon found in $ADDONS_DIR"
addon_list="$(IFS=,; echo "${addons[*]}")"
echo "Addons: $addon_list"

# Python dependencies declared by the manifests must import in Odoo's interpreter.
check_addon_python_deps "$REPO" "${addons[@]}" \
    || fail "a Python dependency of the addons is missing in Odoo's venv" "pip install -e $REPO (and the packages above) into it"
"$ODOO_PYTHON" -c 'import pytest_odoo' 2>/dev/null \
    || fail "pytest-odoo is not installed in Odoo's venv ($ODOO_PYTHON -m pip install pytest-odoo)"

# The tour files are tests/test_tour*.py: Odoo's runner plays them at install (step 1) and
# pytest-odoo leaves them out (step 2). A browser test in a file named otherwise would run in
# neither the way it should, and one named so that plays no tour would never run: both refused.
tour_files=()
for addon in "${addons[@]}"; do
    for f in "$ADDONS_DIR/$addon"/tests/test_*.py; do
        [[ -f "$f" ]] || continue
        plays=0
        grep -q "start_tour\|start_pos_tour\|browser_js" "$f" && plays=1
        case "$(basename "$f")" in
            test_tour*.py)
                [[ $plays -eq 1 ]] || fail "$f is named as a browser tour but plays none" \
                    "rename it (pytest-odoo skips test_tour*.py) or call start_tour / browser_js"
                tour_files+=("$f") ;;
            *)
                [[ $plays -eq 0 ]] || fail "$f plays a browser tour but is not named tests/test_tour*.py" \
                    "rename it test_tour_<what>.py: the runner plays those at install" ;;
        esac
    done
done
# Odoo's runner only sees test modules that tests/__init__.py imports: a tour file left out
# would never run, silently.
imported_by_init() {  # the module names tests/__init__.py imports, whatever its layout
    "$ODOO_PYTHON" - "$1" <<'PY'
import ast, sys
tree = ast.parse(open(sys.argv[1]).read())
for node in ast.walk(tree):
    if isinstance(node, ast.ImportFrom) and node.level == 1 and not node.module:
        print("\n".join(alias.name for alias in node.names))
    elif isinstance(node, ast.ImportFrom) and node.level == 1:
        print(node.module.split(".")[0])
PY
}
for f in "${tour_files[@]}"; do
    module="$(basename "$f" .py)"
    imported="$(imported_by_init "$(dirname "$f")/__init__.py")"
    grep -qx "$module" <<< "$imported" \
        || fail "$f is not imported by $(dirname "$f")/__init__.py: Odoo would never run it" \
                "add: from . import $module"
done
# Odoo skips browser tests without a word of failure: refuse to start instead.
if [[ ${#tour_files[@]} -gt 0 ]]; then
    "$ODOO_PYTHON" -c 'import websocket' 2>/dev/null \
        || fail "websocket-client is not installed in Odoo's venv: the browser tours would be skipped" \
                "$ODOO_PYTHON -m pip install websocket-client"
    chrome=""
    for bin in google-chrome chromium chromium-browser google-chrome-stable; do
        chrome="$(command -v "$bin" || true)"
        [[ -n "$chrome" ]] && break
    done
    [[ -n "$chrome" ]] || fail "no Chrome/Chromium on the PATH: the browser tours would be skipped" \
        "install chromium (Debian: apt-get install chromium)"
    echo "Browser tours: ${#tour_files[@]} file(s), Chrome: $chrome"
fi

# --- a fresh database -----------------------------------------------------------------------
WORK="$(mktemp -d -t oms-addon-tests.XXXXXX)"
PG_DIR=""
DB="${ODOO_DB_NAME:-oms_test_$(date +%Y%m%d%H%M%S)_$$}"
HTTP_PORT="$("$ODOO_PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
DATA_DIR="${ODOO_DATA_DIR:-$WORK/data}"
addons_path="$ODOO_HOME/addons,$ODOO_HOME/odoo/addons,$ADDONS_DIR${ODOO_ADDONS_PATH:+,$ODOO_ADDONS_PATH}"

db_admin() {
    "$ODOO_PYTHON" - "$@" <<'PY'
import os, sys, psycopg2
from psycopg2 import sql
action, db, template = sys.argv[1], sys.argv[2], (sys.argv[3] if len(sys.argv) > 3 else "")
params = {k: v for k, v in {
    "host": os.environ.get("ODOO_DB_HOST"), "port": os.environ.get("ODOO_DB_PORT"),
    "user": os.environ.get("ODOO_DB_USER"), "password": os.environ.get("ODOO_DB_PASSWORD"),
}.items() if v}
conn = psycopg2.connect(dbname=db if action == "schema" else "postgres", **params)
conn.autocommit = True
with conn.cursor() as cr:
    if action == "schema":
        # Tables and columns, and the triggers and functions of plain SQL beside them: a
        # trigger left on one of Odoo's tables would break its writes once the addon is gone.
        cr.execute("""SELECT table_name || '.' || column_name FROM information_schema.columns
                       WHERE table_schema = 'public'
                      UNION ALL
                      SELECT 'trigger ' || tgname || ' on ' || tgrelid::regclass::text
                        FROM pg_trigger WHERE NOT tgisinternal
                      UNION ALL
                      SELECT 'function ' || p.proname || '()' FROM pg_proc p
                        JOIN pg_namespace n ON n.oid = p.pronamespace
                       WHERE n.nspname = 'public'
                      ORDER BY 1""")
        print("\n".join(row[0] for row in cr.fetchall()))
    elif action == "create":
        query = sql.SQL("CREATE DATABASE {} ENCODING 'unicode'").format(sql.Identifier(db))
        if template:
            query = sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(db), sql.Identifier(template))
        cr.execute(query)
    else:
        cr.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(db)))
PY
}
DEMO_DB="${DB}_demo"
cleanup() {
    if [[ "${ODOO_KEEP_DB:-0}" != "1" ]]; then
        db_admin drop "$DB" >/dev/null 2>&1
        db_admin drop "$DEMO_DB" >/dev/null 2>&1
        rm -rf "$DATA_DIR/filestore/$DB" "$DATA_DIR/filestore/$DEMO_DB"
        rm -rf "$WORK"
    else
        echo "Kept database $DB and $WORK (ODOO_KEEP_DB=1)"
    fi
    if [[ -n "$PG_DIR" ]]; then
        pg_cluster_stop "$PG_DIR"
        if [[ "${ODOO_KEEP_DB:-0}" == "1" ]]; then
            echo "Throwaway cluster stopped, kept in $PG_DIR; to look at the databases again:" \
                 "(source tools/lib.sh; pg_cluster_start $PG_DIR) and ODOO_DB_HOST=$PG_DIR ODOO_DB_USER=odoo"
        else
            rm -rf "$PG_DIR"
        fi
    fi
}
trap cleanup EXIT

# PostgreSQL: the one the variables name, else a throwaway cluster.
PG_DIR=""
if pg_reachable; then
    echo "PostgreSQL: ${ODOO_DB_HOST:-libpq default host}${ODOO_DB_PORT:+:$ODOO_DB_PORT} as ${ODOO_DB_USER:-$(id -un)}"
else
    what="${ODOO_DB_HOST:-libpq default host}${ODOO_DB_PORT:+:$ODOO_DB_PORT} as ${ODOO_DB_USER:-$(id -un)}"
    pg_bindir >/dev/null || fail "no PostgreSQL answers ($what) and no PostgreSQL binaries to start one" \
        "set ODOO_DB_HOST / ODOO_DB_PORT / ODOO_DB_USER (docs/odoo.md) or install PostgreSQL"
    # Under /tmp, not $WORK (mktemp's 0700): as root the cluster runs as another account.
    PG_DIR="$(mktemp -d -t oms-pg.XXXXXX)"
    pg_cluster_init "$PG_DIR" throwaway && pg_cluster_start "$PG_DIR" \
        || fail "no PostgreSQL answers ($what) and a throwaway cluster in $PG_DIR did not start"
    export ODOO_DB_HOST="$PG_DIR" ODOO_DB_USER=odoo
    unset ODOO_DB_PORT ODOO_DB_PASSWORD
    if [[ -n "${ODOO_DB_TEMPLATE:-}${ODOO_DB_TEMPLATE_DEMO:-}" ]]; then
        echo "(ODOO_DB_TEMPLATE / ODOO_DB_TEMPLATE_DEMO ignored: they live on the server that does not answer)"
        unset ODOO_DB_TEMPLATE ODOO_DB_TEMPLATE_DEMO
    fi
    echo "PostgreSQL: none answers ($what); throwaway cluster of $(pg_bindir) in $PG_DIR," \
         "stopped at exit"
fi

CONF="$WORK/odoo.conf"
cat > "$CONF" <<EOF
[options]
addons_path = $addons_path
data_dir = $DATA_DIR
db_name = $DB
db_host = ${ODOO_DB_HOST:-False}
db_port = ${ODOO_DB_PORT:-False}
db_user = ${ODOO_DB_USER:-False}
db_password = ${ODOO_DB_PASSWORD:-False}
http_interface = 127.0.0.1
http_port = $HTTP_PORT
without_demo = all
max_cron_threads = 0
EOF

db_admin create "$DB" "${ODOO_DB_TEMPLATE:-}" || fail "cannot create database $DB (is PostgreSQL up? see docs/odoo.md)"
if [[ -n "${ODOO_DB_TEMPLATE:-}" && -d "$DATA_DIR/filestore/$ODOO_DB_TEMPLATE" ]]; then
    mkdir -p "$DATA_DIR/filestore" && cp -a "$DATA_DIR/filestore/$ODOO_DB_TEMPLATE" "$DATA_DIR/filestore/$DB"
fi
echo "Database: $DB${ODOO_DB_TEMPLATE:+ (from template $ODOO_DB_TEMPLATE)}, HTTP 127.0.0.1:$HTTP_PORT"
steps=5
[[ "${ODOO_TEST_QUICK:-0}" == "1" ]] && steps=2

odoo_bin() {
    "$ODOO_PYTHON" "$ODOO_BIN" -c "$CONF" --log-level=info "$@"
}
# Problems of an odoo-bin run: its exit code, and errors in its log.
log_problems() {
    local rc=$1 log=$2
    [[ $rc -eq 0 ]] || echo "odoo-bin exited with $rc"
    grep -qE " (ERROR|CRITICAL) " "$log" && echo "errors in $log"
    grep -qE " (ERROR|CRITICAL) " "$log" && grep -E " (ERROR|CRITICAL) " "$log" | head -n 5 >&2
    return 0
}

# Without a template, install the dependencies first: the uninstall check compares the
# schema before our addons with the schema after, and the dependencies stay installed.
if [[ -z "${ODOO_DB_TEMPLATE:-}" ]]; then
    deps="$("$ODOO_PYTHON" - "$ADDONS_DIR" "${addons[@]}" <<'PY'
import ast, sys
base, names = sys.argv[1], sys.argv[2:]
deps = set()
for name in names:
    deps |= set(ast.literal_eval(open(f"{base}/{name}/__manifest__.py").read()).get("depends", []))
print(",".join(sorted(deps - set(names)) or ["base"]))
PY
)"
    echo "== 0 install the dependencies ($deps) on the empty database"
    odoo_bin -d "$DB" -i "$deps" --stop-after-init > "$WORK/deps.log" 2>&1
    rc=$?
    mapfile -t problems < <(log_problems $rc "$WORK/deps.log")
    [[ ${#problems[@]} -eq 0 ]] || fail "installing the dependencies: ${problems[*]}" "log: $WORK/deps.log"
fi
db_admin schema "$DB" > "$WORK/schema_before.txt"

# --- 1. install with --test-enable; Odoo's runner plays the browser tours ------------------
# Exactly the classes of the tour files: /<addon>:<Class> (a spec is tag/module:class.method).
tour_tags=""
for f in "${tour_files[@]}"; do
    addon="$(basename "$(dirname "$(dirname "$f")")")"
    for cls in $(grep -oE '^class [A-Za-z0-9_]+' "$f" | cut -d' ' -f2); do
        tour_tags+="/$addon:$cls,"
    done
done
# Without tours, a tag that matches nothing: the step is then only the install.
tour_tags="${tour_tags:-/no_tour_in_these_addons,}"

# install_with_tours CONF DB LOG: installs the addons with Odoo's runner playing the tours; sets
# tours_run, fails the run on any problem.
install_with_tours() {
    local conf=$1 db=$2 log=$3 rc problems=()
    "$ODOO_PYTHON" "$ODOO_BIN" -c "$conf" --log-level=info -d "$db" -i "$addon_list" \
        --stop-after-init --test-enable --test-tags "${tour_tags%,}" > "$log" 2>&1
    rc=$?
    grep -E " (ERROR|CRITICAL) | odoo\.tests\.(result|stats): |post-tests in | skipped " "$log" | tail -n 40
    [[ $rc -eq 0 ]] || problems+=("odoo-bin exited with $rc")
    grep -qE " (ERROR|CRITICAL) " "$log" && problems+=("errors in the install log")
    grep -q "Modules loaded" "$log" || problems+=("the registry never finished loading")
    tours_run="$(grep -oE '[0-9]+ post-tests in' "$log" | tail -n1 | grep -oE '^[0-9]+' || echo 0)"
    if [[ ${#tour_files[@]} -gt 0 ]]; then
        [[ "${tours_run:-0}" -gt 0 ]] || problems+=("zero browser tours ran")
        # Odoo logs a skipped test at INFO and carries on; a skipped tour is a failed run here.
        if grep -qE " skipped .* : |websocket-client module is not installed|Error during Chrome headless|chrome devtools port|Chrome crashed" "$log"; then
            problems+=("a browser tour was SKIPPED (Chrome or websocket-client problem)")
        fi
    fi
    if [[ ${#problems[@]} -gt 0 ]]; then
        echo "---- last 60 lines of $log"; tail -n 60 "$log"
        ODOO_KEEP_DB=1
        fail "install / browser tours on $db: $(IFS=';'; echo "${problems[*]}")" "full log: $log"
    fi
}

echo "== 1/$steps install $addon_list with --test-enable (tours: ${tour_tags%,})"
install_with_tours "$CONF" "$DB" "$WORK/install.log"
echo "Install OK; browser tours run: $tours_run"
summary="browser tours: $tours_run (Odoo runner, Chrome)"

# --- 2. every other test through pytest-odoo on the installed database --------------------
test_dirs=()
for addon in "${addons[@]}"; do
    [[ -d "$ADDONS_DIR/$addon/tests" ]] && test_dirs+=("$addon/tests")
done
[[ ${#test_dirs[@]} -gt 0 ]] || fail "the addons have no tests/ directory"

# pytest_odoo CONF DB JUNIT: every test but the tour files on DB; sets p_tests, fails the run
# on a failure, an error, a skip or zero tests.
pytest_odoo() {
    local conf=$1 db=$2 junit=$3 rc problems=()
    (cd "$ADDONS_DIR" && "$ODOO_PYTHON" -m pytest -p no:cacheprovider \
        --odoo-config="$conf" --odoo-database="$db" --odoo-http \
        -p no:warnings --ignore-glob='*/tests/test_tour*.py' --junitxml="$junit" -q -rfEs \
        "${test_dirs[@]}")
    rc=$?
    read -r p_tests p_failures p_errors p_skipped < <("$ODOO_PYTHON" - "$junit" <<'PY'
import sys, xml.etree.ElementTree as ET
try:
    root = ET.parse(sys.argv[1]).getroot()
except Exception:
    print(0, 0, 1, 0); sys.exit()
suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
tot = [sum(int(s.get(k, 0)) for s in suites) for k in ("tests", "failures", "errors", "skipped")]
print(*tot)
PY
)
    echo "pytest-odoo on $db: $p_tests tests, $p_failures failed, $p_errors errors, $p_skipped skipped (rc $rc)"
    [[ $rc -eq 0 ]] || problems+=("pytest exited with $rc")
    [[ "$p_tests" -gt 0 ]] || problems+=("zero tests ran")
    [[ "$p_skipped" -eq 0 ]] || problems+=("$p_skipped test(s) skipped")
    if [[ ${#problems[@]} -gt 0 ]]; then
        ODOO_KEEP_DB=1
        fail "pytest-odoo on $db: $(IFS=';'; echo "${problems[*]}")"
    fi
}

echo "== 2/$steps pytest-odoo on ${test_dirs[*]} (tours already ran in step 1)"
pytest_odoo "$CONF" "$DB" "$WORK/pytest.xml"
summary+=", tests: $p_tests (pytest-odoo), 0 failed, 0 skipped"
if [[ $steps -eq 2 ]]; then
    banner "ADDON TESTS PASSED on Odoo $odoo_version: $addon_list (QUICK: no upgrade/uninstall/demo checks)" \
        "without demo data: $summary"
    exit 0
fi

# --- 3. upgrade -----------------------------------------------------------------------------
echo "== 3/$steps upgrade (-u $addon_list)"
odoo_bin -d "$DB" -u "$addon_list" --stop-after-init > "$WORK/upgrade.log" 2>&1
rc=$?
mapfile -t problems < <(log_problems $rc "$WORK/upgrade.log")
[[ ${#problems[@]} -eq 0 ]] || fail "upgrade: ${problems[*]}" "log: $WORK/upgrade.log"

# --- 4. uninstall: Odoo drops what its models created; anything else is left behind --------
echo "== 4/$steps uninstall"
"$ODOO_PYTHON" "$ODOO_BIN" shell -c "$CONF" -d "$DB" --no-http > "$WORK/uninstall.log" 2>&1 <<PY
names = "$addon_list".split(",")
env["ir.module.module"].search([("name", "in", names)]).button_immediate_uninstall()
env.cr.commit()
states = env["ir.module.module"].search([("name", "in", names)]).mapped("state")
print("OMS-UNINSTALL-STATES", sorted(set(states)))
PY
uninstall_rc=$?
mapfile -t problems < <(log_problems $uninstall_rc "$WORK/uninstall.log")
grep -q "OMS-UNINSTALL-STATES \['uninstalled'\]" "$WORK/uninstall.log" || problems+=("the addons are not uninstalled")
db_admin schema "$DB" > "$WORK/schema_after.txt"
leftovers="$(comm -13 "$WORK/schema_before.txt" "$WORK/schema_after.txt")"
[[ -z "$leftovers" ]] || problems+=("left behind: $(echo "$leftovers" | cut -d. -f1 | sort -u | tr '\n' ' ')")
[[ ${#problems[@]} -eq 0 ]] || fail "uninstall: ${problems[*]}" "log: $WORK/uninstall.log"
echo "Uninstall OK: no table, column, trigger or function left behind"

# --- 5. with demo data: install, tours, every test again --------------------------------------
echo "== 5/$steps install with demo data on $DEMO_DB${ODOO_DB_TEMPLATE_DEMO:+ (from $ODOO_DB_TEMPLATE_DEMO)}, with the tours, then pytest-odoo there"
db_admin create "$DEMO_DB" "${ODOO_DB_TEMPLATE_DEMO:-}" || fail "cannot create database $DEMO_DB"
if [[ -n "${ODOO_DB_TEMPLATE_DEMO:-}" && -d "$DATA_DIR/filestore/$ODOO_DB_TEMPLATE_DEMO" ]]; then
    cp -a "$DATA_DIR/filestore/$ODOO_DB_TEMPLATE_DEMO" "$DATA_DIR/filestore/$DEMO_DB"
fi
DEMO_CONF="$WORK/odoo-demo.conf"
grep -v '^without_demo' "$CONF" | sed "s/^db_name = .*/db_name = $DEMO_DB/" > "$DEMO_CONF"
install_with_tours "$DEMO_CONF" "$DEMO_DB" "$WORK/demo.log"
grep -qE "loading [a-z_]+/demo/" "$WORK/demo.log" \
    || fail "install with demo data: no demo file was loaded" "log: $WORK/demo.log"
echo "Demo install OK; browser tours run: $tours_run"
demo_summary="browser tours: $tours_run"
pytest_odoo "$DEMO_CONF" "$DEMO_DB" "$WORK/pytest-demo.xml"
demo_summary+=", tests: $p_tests (pytest-odoo), 0 failed, 0 skipped"

banner "ADDON TESTS PASSED on Odoo $odoo_version ($ODOO_HOME, found through $ODOO_FOUND_BY): $addon_list" \
    "without demo data: $summary" \
    "with demo data:    $demo_summary" \
    "install, upgrade, uninstall (nothing left behind), install with demo data: OK"
