#!/usr/bin/env bash
# shielded.sh [--until CHECK] SIGNAL [LATER_SIGNAL] -- COMMAND...
#
# Runs COMMAND for honcho (Procfile) in a process group of its own. honcho stops a process by
# sending SIGTERM to its whole group, at once for every process: PostgreSQL and Redis would then
# go while Odoo and the worker still use them, and Celery's pool children would be killed under
# their tasks. Shielded, COMMAND gets only what this script sends when honcho stops it:
#   --until CHECK  first waits (10 s at most) until the shell command CHECK succeeds three times
#                  in a row, e.g. until no client is connected any more (a stopping Odoo closes
#                  its pool, then a request still finishing may open one more connection);
#   SIGNAL         then the signal that stops COMMAND best;
#   LATER_SIGNAL   if COMMAND still runs 6 s later, this one.
# honcho kills what still runs 15 s after the first process stopped (tools/run/honcho_start.py);
# these waits stay inside that.
set -uo pipefail
until_check=""
if [[ "${1:-}" == "--until" ]]; then
    until_check="$2"
    shift 2
fi
signal="$1" later=""
shift
if [[ "${1:-}" != "--" ]]; then
    later="$1"
    shift
fi
[[ "${1:-}" == "--" ]] && shift

set -m  # job control: the background job below gets its own process group
"$@" &
pid=$!

stopping=0
stop() {
    stopping=1
    trap '' TERM INT  # a second Ctrl-C changes nothing: the stop is under way
    if [[ -n "$until_check" ]]; then
        local held=0
        for _ in $(seq 50); do
            if bash -c "$until_check" >/dev/null 2>&1; then
                held=$((held + 1))
                [[ $held -ge 3 ]] && break
            else
                held=0
            fi
            sleep 0.2
        done
    fi
    kill "-$signal" "$pid" 2>/dev/null
    if [[ -n "$later" ]]; then
        for _ in $(seq 60); do
            kill -0 "$pid" 2>/dev/null || return 0
            sleep 0.1
        done
        kill "-$later" "$pid" 2>/dev/null
    fi
}
trap stop TERM INT
wait "$pid"
rc=$?
# A trapped signal ends the first wait early (rc 128 + signal); this one gets COMMAND's own
# exit status, which bash keeps once it has ended.
[[ $stopping -eq 1 ]] && { wait "$pid"; rc=$?; }
exit "$rc"
