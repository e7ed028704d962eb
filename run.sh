#!/usr/bin/env bash
# Start Aixin on the embedded default (SQLite under ./var, no broker):
# http://127.0.0.1:8000 unless AIXIN_PORT says otherwise. Sets itself up first.
set -euo pipefail
cd "$(dirname "$0")"
scripts/bootstrap.sh
exec .venv/bin/aixin serve "$@"
