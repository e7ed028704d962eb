#!/usr/bin/env bash
# Start Aixin on the embedded default (SQLite under ./var, no broker):
# http://127.0.0.1:8000 unless AIXIN_PORT says otherwise. Sets itself up first.
# `./run.sh --demo` (or AIXIN_DEMO=1) first fills an empty store with the demo county.
set -euo pipefail
cd "$(dirname "$0")"
scripts/bootstrap.sh
if [ "${1:-}" = "--demo" ]; then shift; AIXIN_DEMO=1; fi
if [ "${AIXIN_DEMO:-0}" != "0" ]; then  # fill an empty store with the demo county first
  # the demo's schools keep the homeroom teacher's duties (班主任职责), unless told otherwise
  export AIXIN_DUTY_SETS="${AIXIN_DUTY_SETS:-five_ones,school}"
  .venv/bin/aixin demo --if-empty
fi
exec .venv/bin/aixin serve "$@"
