# shellcheck shell=bash
# Sourced by test.sh (after scripts/bootstrap.sh): make sure a PostgreSQL and a Redis answer
# for the tests, and export where they are in AIXIN_TEST_POSTGRES_* / AIXIN_TEST_REDIS_URL.
#
# The servers those variables name (default 127.0.0.1:5432 db `test`, redis://127.0.0.1:6379/0)
# are used when they answer; a missing `test` database on an answering server is created.
# Otherwise a throwaway server is started in a temporary folder on a free port (PostgreSQL:
# initdb + pg_ctl as the `postgres` OS user when we are root, trust auth, 127.0.0.1 only;
# Redis: no persistence) and is stopped, and its folder deleted, when the shell exits.

export AIXIN_TEST_POSTGRES_HOST=${AIXIN_TEST_POSTGRES_HOST:-127.0.0.1}
export AIXIN_TEST_POSTGRES_PORT=${AIXIN_TEST_POSTGRES_PORT:-5432}
export AIXIN_TEST_POSTGRES_USER=${AIXIN_TEST_POSTGRES_USER:-postgres}
export AIXIN_TEST_POSTGRES_DBNAME=${AIXIN_TEST_POSTGRES_DBNAME:-test}
export AIXIN_TEST_REDIS_URL=${AIXIN_TEST_REDIS_URL:-redis://127.0.0.1:6379/0}

_aixin_say() { printf '[aixin] %s\n' "$*" >&2; }
_aixin_py=${AIXIN_PYTHON:-.venv/bin/python}

_aixin_tmp=""
_aixin_pg_ctl=""
_aixin_pg_data=""
_aixin_redis_pid=""

_aixin_cleanup() {
  local status=$?  # keep the test run's exit status whatever cleanup returns
  trap - EXIT INT TERM
  if [ -n "$_aixin_pg_data" ] && [ -e "$_aixin_pg_data/postmaster.pid" ]; then
    _aixin_as_pg "$_aixin_pg_ctl" -D "$_aixin_pg_data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  if [ -n "$_aixin_redis_pid" ]; then
    kill "$_aixin_redis_pid" 2>/dev/null || true
    wait "$_aixin_redis_pid" 2>/dev/null || true
  fi
  if [ -n "$_aixin_tmp" ]; then rm -rf "$_aixin_tmp"; fi
  return "$status"
}
trap _aixin_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# PostgreSQL refuses to run as root: as root, run its tools as the `postgres` OS user.
_aixin_as_pg() {
  if [ "$(id -u)" -ne 0 ]; then
    "$@"
  elif command -v runuser >/dev/null 2>&1; then
    runuser -u postgres -- "$@"
  else
    setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"
  fi
}

_aixin_tmpdir() {
  if [ -z "$_aixin_tmp" ]; then
    # Under /tmp (not $TMPDIR) so that the `postgres` user can reach it; short for the socket.
    _aixin_tmp=$(mktemp -d /tmp/aixin-test-XXXXXX) || return 1
    chmod 755 "$_aixin_tmp"
  fi
}

_aixin_free_port() {
  "$_aixin_py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Prints "ok" when the test database answers, "created" when the server answered and the
# database had to be created, and "down" otherwise.
_aixin_pg_probe() {
  "$_aixin_py" - <<'PY' 2>/dev/null || echo down
import os

import psycopg
from psycopg import sql

env = os.environ
server = dict(host=env["AIXIN_TEST_POSTGRES_HOST"], port=int(env["AIXIN_TEST_POSTGRES_PORT"]),
              user=env["AIXIN_TEST_POSTGRES_USER"], connect_timeout=3)
dbname = env["AIXIN_TEST_POSTGRES_DBNAME"]
try:
    psycopg.connect(dbname=dbname, **server).close()
    print("ok")
except psycopg.OperationalError:
    try:
        conn = psycopg.connect(dbname="postgres", autocommit=True, **server)
    except psycopg.OperationalError:
        print("down")
    else:
        with conn:
            if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (dbname,)).fetchone():
                print("down")  # it exists but we may not connect to it
            else:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))
                print("created")
PY
}

_aixin_redis_answers() {
  "$_aixin_py" - <<'PY' 2>/dev/null
import os

import redis

redis.Redis.from_url(os.environ["AIXIN_TEST_REDIS_URL"], socket_connect_timeout=3).ping()
PY
}

_aixin_start_postgres() {
  local bindir dir port
  bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$bindir" ] || bindir=$(pg_config --bindir 2>/dev/null) || true
  if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
    _aixin_say "no PostgreSQL server binaries (apt-get install postgresql)"
    return 1
  fi
  _aixin_tmpdir || return 1
  dir="$_aixin_tmp/pg"
  mkdir -p "$dir" || return 1
  if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir" || return 1; fi
  port=$(_aixin_free_port) || return 1
  if ! _aixin_as_pg "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 \
      --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1; then
    # Without a C.UTF-8 locale: plain C, still UTF-8.
    rm -rf "$dir/data"
    if ! _aixin_as_pg "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 \
        --no-locale --no-sync >"$dir/initdb.log" 2>&1; then
      cat "$dir/initdb.log" >&2
      _aixin_say "initdb failed"
      return 1
    fi
  fi
  _aixin_pg_ctl="$bindir/pg_ctl"
  _aixin_pg_data="$dir/data"
  if ! _aixin_as_pg "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      start >/dev/null; then
    cat "$dir/server.log" >&2 || true
    _aixin_say "the throwaway PostgreSQL did not start"
    return 1
  fi
  if ! _aixin_as_pg "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres test; then
    _aixin_say "could not create the test database"
    return 1
  fi
  export AIXIN_TEST_POSTGRES_HOST=127.0.0.1 AIXIN_TEST_POSTGRES_PORT=$port
  export AIXIN_TEST_POSTGRES_USER=postgres AIXIN_TEST_POSTGRES_DBNAME=test
}

_aixin_start_redis() {
  local server dir port
  if ! server=$(command -v redis-server); then
    _aixin_say "no redis-server (apt-get install redis-server)"
    return 1
  fi
  _aixin_tmpdir || return 1
  dir="$_aixin_tmp/redis"
  mkdir -p "$dir" || return 1
  port=$(_aixin_free_port) || return 1
  "$server" --bind 127.0.0.1 --port "$port" --save '' --appendonly no --dir "$dir" \
    --daemonize no >"$dir/server.log" 2>&1 &
  _aixin_redis_pid=$!
  export AIXIN_TEST_REDIS_URL="redis://127.0.0.1:$port/0"
  local _
  for _ in $(seq 100); do
    if _aixin_redis_answers; then return 0; fi
    if ! kill -0 "$_aixin_redis_pid" 2>/dev/null; then break; fi
    sleep 0.1
  done
  cat "$dir/server.log" >&2 || true
  _aixin_say "the throwaway Redis did not start"
  return 1
}

case $(_aixin_pg_probe) in
  ok)
    _aixin_say "PostgreSQL: using the running server at" \
      "$AIXIN_TEST_POSTGRES_HOST:$AIXIN_TEST_POSTGRES_PORT, database $AIXIN_TEST_POSTGRES_DBNAME"
    ;;
  created)
    _aixin_say "PostgreSQL: using the running server at" \
      "$AIXIN_TEST_POSTGRES_HOST:$AIXIN_TEST_POSTGRES_PORT; created database $AIXIN_TEST_POSTGRES_DBNAME"
    ;;
  *)
    _aixin_say "PostgreSQL: nothing answers at" \
      "$AIXIN_TEST_POSTGRES_HOST:$AIXIN_TEST_POSTGRES_PORT/$AIXIN_TEST_POSTGRES_DBNAME; starting a throwaway one"
    _aixin_start_postgres || exit 1
    _aixin_say "PostgreSQL: using a throwaway server at 127.0.0.1:$AIXIN_TEST_POSTGRES_PORT" \
      "(in $_aixin_tmp/pg, deleted on exit)"
    ;;
esac

if _aixin_redis_answers; then
  _aixin_say "Redis: using the running server at $AIXIN_TEST_REDIS_URL"
else
  _aixin_say "Redis: nothing answers at $AIXIN_TEST_REDIS_URL; starting a throwaway one"
  _aixin_start_redis || exit 1
  _aixin_say "Redis: using a throwaway server at $AIXIN_TEST_REDIS_URL (deleted on exit)"
fi
