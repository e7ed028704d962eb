#!/usr/bin/env bash
# Start Aixin on the embedded default (SQLite under ./var, no broker):
# http://127.0.0.1:8000 unless AIXIN_PORT says otherwise (/ leads to the console's login).
# Sets itself up first. `./run.sh --demo` (or AIXIN_DEMO=1) first fills an empty store with the
# demo county and prints its accounts, one per role, with their passwords (again on each run).
set -euo pipefail
cd "$(dirname "$0")"
scripts/bootstrap.sh
if [ "${1:-}" = "--demo" ]; then shift; AIXIN_DEMO=1; fi
if [ "${AIXIN_DEMO:-0}" != "0" ]; then  # fill an empty store with the demo county first
  # the demo's schools keep the homeroom teacher's duties (班主任职责), unless told otherwise
  export AIXIN_DUTY_SETS="${AIXIN_DUTY_SETS:-five_ones,school}"
  .venv/bin/aixin demo --if-empty
else
  echo "Aixin: console http://127.0.0.1:${AIXIN_PORT:-8000}/console, field app /app." \
       "No account yet? AIXIN_ADMIN_PASSWORD=... ./run.sh, or .venv/bin/aixin users create" \
       "(README.md, \"Accounts\"); ./run.sh --demo prints the demo's accounts." >&2
fi
exec .venv/bin/aixin serve "$@"
