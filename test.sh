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

# Two processes (pytest-xdist); the tests of a module that share a module-wide fixture are
# grouped (xdist_group) and run in one. -n 0 as an argument runs in this process alone.
set +e
.venv/bin/python -m pytest -n 2 --dist loadgroup "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
  echo "[aixin] pytest collected no tests: that is a failure here" >&2
  status=1
fi
exit "$status"
