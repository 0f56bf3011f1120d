"""``python -m sync_service api|worker|beat|replay-dead-letters|dead-letters``."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile

import orjson


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sync_service")
    commands = parser.add_subparsers(dest="command", required=True)
    api = commands.add_parser("api", help="serve the webhook and checkout API (uvicorn)")
    api.add_argument("--host", default="0.0.0.0")
    api.add_argument("--port", type=int, default=8000)
    api.add_argument("--workers", type=int, default=1)
    worker = commands.add_parser("worker", help="run a Celery worker (ingest, outbox, reconcile)")
    worker.add_argument("--concurrency", type=int, default=2)
    beat = commands.add_parser("beat", help="run Celery beat (the schedule of the drains)")
    beat.add_argument("--schedule", default=os.path.join(tempfile.gettempdir(), "oms-beat"),
                      help="file where beat remembers the last runs")  # fmt: skip
    replay = commands.add_parser("replay-dead-letters", help="put dead letters back in the inbox")
    replay.add_argument("--id", action="append", dest="ids", help="a dead letter id (repeatable)")
    replay.add_argument("--outbox", action="store_true",
                        help="replay dead pushes to shops, not inbox events")  # fmt: skip
    commands.add_parser("dead-letters", help="list dead letters as JSON lines")
    args = parser.parse_args(argv)

    from sync_service.config import get_settings

    settings = get_settings()  # validated here: a bad configuration stops every command
    if args.command == "api":
        import uvicorn

        from sync_service.logs import configure_logging

        configure_logging(settings.log_level)
        if args.workers > 1:
            # Each worker counts in its own process; /metrics adds them up from files here.
            from sync_service.metrics import MULTIPROCESS_DIR, prepare_multiprocess

            prepare_multiprocess(
                os.environ.get(MULTIPROCESS_DIR) or tempfile.mkdtemp(prefix="oms-api-metrics-")
            )
        uvicorn.run("sync_service.main:create_app", factory=True, host=args.host,
                    port=args.port, workers=args.workers, log_config=None,
                    # Per-request work that buys nothing here: access lines (the webhook
                    # logs its own line with ids), forwarded-for rewriting, server header.
                    access_log=False, proxy_headers=False, server_header=False)  # fmt: skip
        return 0
    if args.command in ("worker", "beat"):
        from sync_service.worker.celery_app import app

        if args.command == "worker":
            app.worker_main(["worker", "--loglevel", settings.log_level,
                             "--concurrency", str(args.concurrency)])  # fmt: skip
        else:
            app.start(["beat", "--loglevel", settings.log_level, "--schedule", args.schedule])
        return 0

    from sync_service import dead_letters
    from sync_service.redis import make_sync_redis

    client = make_sync_redis(settings)
    if args.command == "dead-letters":
        for row in dead_letters.list_dead(client):
            sys.stdout.write(orjson.dumps(row).decode() + "\n")
        return 0
    if args.outbox:
        moved = dead_letters.replay_outbox(client, args.ids)
        sys.stdout.write(f"replayed {len(moved)} dead push(es) to the shops' retry set\n")
    else:
        moved = dead_letters.replay(client, args.ids)
        sys.stdout.write(f"replayed {len(moved)} dead letter(s) into the inbox\n")
    for entry_id in moved:
        sys.stdout.write(f"  {entry_id}\n")
    return 0 if moved or not args.ids else 1


if __name__ == "__main__":
    sys.exit(main())
