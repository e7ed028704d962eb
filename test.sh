#!/usr/bin/env bash
# The whole test suite: sets itself up (scripts/bootstrap.sh), finds or starts PostgreSQL and
# Redis (scripts/services.sh), checks the code with ruff and mypy, then runs pytest.
# Extra arguments go to pytest, e.g. ./test.sh tests/unit -x
set -euo pipefail
cd "$(dirname "$0")"
scripts/bootstrap.sh --with-services
# shellcheck source=scripts/services.sh
source scripts/services.sh

echo "[aixin] ruff check ." >&2
.venv/bin/ruff check .
echo "[aixin] mypy (strict on domain; pyproject.toml's [tool.mypy])" >&2
.venv/bin/mypy

set +e
.venv/bin/python -m pytest "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
  echo "[aixin] pytest collected no tests: that is a failure here" >&2
  status=1
fi
exit "$status"
