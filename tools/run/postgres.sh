#!/usr/bin/env bash
# The cluster of `make run` in the foreground, for honcho (Procfile), as the cluster's OS user.
# When honcho stops the stack, it waits until Odoo has closed its connections, then asks for a
# fast shutdown (a clean checkpoint; PostgreSQL's own answer to SIGTERM, a "smart" shutdown,
# would refuse Odoo's cron a new connection while Odoo is still stopping).
set -uo pipefail
here="$(dirname "$0")"
source "$here/../lib.sh"
pg_as_prefix || exit 1
no_client="[[ \$('$PG_BINDIR/psql' -X -h '$OMS_RUN_DIR/pg' -U odoo -d postgres -Atc \"SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()\") == 0 ]]"
exec "$here/shielded.sh" --until "$no_client" INT -- \
    "${PG_AS[@]}" "$PG_BINDIR/postgres" -D "$OMS_RUN_DIR/pg/data" -k "$OMS_RUN_DIR/pg"
