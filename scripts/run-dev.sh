#!/usr/bin/env bash
# `make run`: serve the app on http://127.0.0.1:5000 with a background-job worker beside it, so bulk award letters
# and email run as they do in production (queued by the web process, done by the worker on both cores).
# Ctrl-C stops the server, and the worker with it.
set -euo pipefail

BIN="${BIN:-.venv/bin}"
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-5000}"
export FLASK_APP="${FLASK_APP:-wsgi.py}"
# Both processes must agree: the web process queues jobs, the worker does them (queue: instance/huey.db).
export HUEY_IMMEDIATE=0

"$BIN/huey_consumer" fundapp.worker.huey -k process -w 2 &
worker=$!

stop_worker() {
  if kill -0 "$worker" 2>/dev/null; then
    kill -TERM "$worker" 2>/dev/null || true
    wait "$worker" 2>/dev/null || true
  fi
}
trap stop_worker EXIT

echo "Job worker started (pid $worker): bulk letters and email are done in the background."
"$BIN/flask" run --host "$HOST" --port "$PORT"
