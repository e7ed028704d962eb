#!/usr/bin/env bash
# Set up what Aixin needs on a fresh Debian/Ubuntu machine: system packages that are
# missing, a virtual environment in .venv/, and the Python packages (reinstalled only
# when pyproject.toml changes). Usage: scripts/bootstrap.sh [--with-services]
set -euo pipefail
cd "$(dirname "$0")/.."

with_services=0
[ "${1:-}" = "--with-services" ] && with_services=1

say() { printf '[aixin] %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

apt_updated=0
apt_install() {
  command -v apt-get >/dev/null 2>&1 || { say "no apt-get: install $* by hand"; return 1; }
  if [ "$apt_updated" -eq 0 ]; then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    apt_updated=1
  fi
  say "installing system packages: $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2
}

need_pkgs=()
PYTHON=${PYTHON:-python3}
if ! command -v "$PYTHON" >/dev/null 2>&1; then need_pkgs+=(python3); fi
[ -e /usr/share/zoneinfo/Asia/Shanghai ] || need_pkgs+=(tzdata)
if [ "$with_services" -eq 1 ]; then
  compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || need_pkgs+=(postgresql)
  command -v redis-server >/dev/null 2>&1 || need_pkgs+=(redis-server)
fi
[ ${#need_pkgs[@]} -eq 0 ] || apt_install "${need_pkgs[@]}"

"$PYTHON" - <<'PY' || { say "Python 3.11 or newer is required"; exit 1; }
import sys
sys.exit(0 if sys.version_info >= (3, 11) else 1)
PY

if [ ! -x .venv/bin/python ]; then
  say "creating .venv"
  if ! "$PYTHON" -m venv .venv 2>/dev/null; then
    rm -rf .venv
    ver=$("$PYTHON" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
    apt_install "python${ver}-venv" || apt_install python3-venv
    "$PYTHON" -m venv .venv
  fi
fi

stamp=.venv/.aixin-installed
want=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  say "installing Python packages into .venv"
  .venv/bin/python -m pip install -q --upgrade pip >&2
  .venv/bin/python -m pip install -q -e '.[test]' >&2
  echo "$want" > "$stamp"
fi
