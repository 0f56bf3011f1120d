#!/usr/bin/env bash
# Redis of `make run` in the foreground, for honcho (Procfile): durable like the compose stack's
# (append-only file, fsync on every write: a 2xx to a shop means the webhook is on disk). When
# honcho stops the stack, Redis goes last: once the api, worker and beat have disconnected.
set -uo pipefail
port="$OMS_RUN_REDIS_PORT"
only_us="redis-cli -p $port info clients | grep -q '^connected_clients:1[^0-9]'"
exec "$(dirname "$0")/shielded.sh" --until "$only_us" TERM -- \
    redis-server --bind 127.0.0.1 --port "$port" --dir "$OMS_RUN_DIR/redis" \
    --appendonly yes --appendfsync always --save ""
