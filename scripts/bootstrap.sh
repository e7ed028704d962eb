#!/usr/bin/env bash
# Set up what Aixin needs on a fresh Debian/Ubuntu machine: the system packages that are
# missing, a virtual environment in .venv/, and the Python packages (reinstalled only when
# pyproject.toml changes). Usage: scripts/bootstrap.sh [--with-services]
#   --with-services  also make sure PostgreSQL and Redis are installed (for the tests); a
#                    failure to install them is only a warning, since scripts/services.sh
#                    needs them only when no running server answers.
set -euo pipefail
cd "$(dirname "$0")/.."

with_services=0
[ "${1:-}" = "--with-services" ] && with_services=1

say() { printf '[aixin] %s\n' "$*" >&2; }
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else say "not root and no sudo: cannot run $*"; return 1
  fi
}

apt_updated=0
apt_install() {
  command -v apt-get >/dev/null 2>&1 || { say "no apt-get here: install $* by hand"; return 1; }
  if [ "$apt_updated" -eq 0 ]; then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || return 1
    apt_updated=1
  fi
  say "installing system packages: $*"
  as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "$@" >&2
}

dpkg_has() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

# A Python that is 3.11 or newer: $PYTHON if given, else the first that fits.
py_ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; }
find_python() {
  local candidate
  for candidate in ${PYTHON:-python3 python3.13 python3.12 python3.11}; do
    if command -v "$candidate" >/dev/null 2>&1 && py_ok "$candidate"; then
      command -v "$candidate"
      return 0
    fi
  done
  return 1
}

# System packages the service needs.
need=()
PY=$(find_python) || need+=(python3)
if [ ! -e /usr/share/zoneinfo/Asia/Shanghai ] && ! dpkg_has tzdata; then need+=(tzdata); fi
[ ${#need[@]} -eq 0 ] || apt_install "${need[@]}"
if [ -z "${PY:-}" ]; then
  PY=$(find_python) || { say "Python 3.11 or newer is required (set PYTHON=...)"; exit 1; }
fi

# System packages only the tests need: PostgreSQL and Redis servers, Chromium.
if [ "$with_services" -eq 1 ]; then
  optional=()
  compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || optional+=(postgresql)
  command -v redis-server >/dev/null 2>&1 || optional+=(redis-server)
  # The console's browser tests: Debian's Chromium (driven by Playwright) and a Chinese font.
  [ -x /usr/bin/chromium ] || optional+=(chromium)
  fc-list :lang=zh 2>/dev/null | grep -q . || optional+=(fonts-wqy-microhei)
  if [ ${#optional[@]} -gt 0 ] && ! apt_install "${optional[@]}"; then
    say "warning: could not install ${optional[*]}; the tests need running servers then"
  fi
fi

# The virtual environment (recreated when it is broken or too old).
if [ -x .venv/bin/python ] && ! py_ok .venv/bin/python; then
  say ".venv is broken or older than Python 3.11: recreating it"
  rm -rf .venv
fi
if [ ! -x .venv/bin/python ]; then
  say "creating .venv with $PY ($("$PY" -c 'import sys; print(sys.version.split()[0])'))"
  if ! "$PY" -m venv .venv >/dev/null 2>&1; then
    # Debian's python3 has no ensurepip without python3-venv (python3.X-venv).
    rm -rf .venv
    ver=$("$PY" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
    apt_install "python${ver}-venv" || apt_install python3-venv
    "$PY" -m venv .venv
  fi
fi

# Python packages: only when pyproject.toml changed since the last successful install.
stamp=.venv/.aixin-installed
want=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]; then
  say "installing Python packages into .venv"
  rm -f "$stamp"
  .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip >&2
  .venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]' >&2
  echo "$want" > "$stamp"
fi
