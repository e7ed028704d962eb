# Sourced by test.sh: make sure a PostgreSQL and a Redis answer for the tests.
# Uses the ones at AIXIN_TEST_POSTGRES_* / AIXIN_TEST_REDIS_URL when they answer,
# and otherwise starts throwaway instances in a temporary folder, stopped on exit.

export AIXIN_TEST_POSTGRES_HOST=${AIXIN_TEST_POSTGRES_HOST:-127.0.0.1}
export AIXIN_TEST_POSTGRES_PORT=${AIXIN_TEST_POSTGRES_PORT:-5432}
export AIXIN_TEST_POSTGRES_USER=${AIXIN_TEST_POSTGRES_USER:-postgres}
export AIXIN_TEST_POSTGRES_DBNAME=${AIXIN_TEST_POSTGRES_DBNAME:-test}
export AIXIN_TEST_REDIS_URL=${AIXIN_TEST_REDIS_URL:-redis://127.0.0.1:6379/0}

_aixin_tmp=""
_aixin_cleanup() {
  local status=$?  # keep the test run's exit status whatever cleanup returns
  if [ -n "${_aixin_pg_dir:-}" ] && [ -d "$_aixin_pg_dir" ]; then
    runuser -u postgres -- "$_aixin_pg_bin/pg_ctl" -D "$_aixin_pg_dir/data" -m immediate stop \
      >/dev/null 2>&1 || true
  fi
  if [ -n "${_aixin_redis_pid:-}" ]; then kill "$_aixin_redis_pid" 2>/dev/null || true; fi
  if [ -n "$_aixin_tmp" ]; then rm -rf "$_aixin_tmp"; fi
  return "$status"
}
trap _aixin_cleanup EXIT

_aixin_free_port() {
  .venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

_aixin_pg_answers() {
  .venv/bin/python - <<PY 2>/dev/null
import psycopg
psycopg.connect(host="$AIXIN_TEST_POSTGRES_HOST", port=$AIXIN_TEST_POSTGRES_PORT,
                user="$AIXIN_TEST_POSTGRES_USER", dbname="$AIXIN_TEST_POSTGRES_DBNAME",
                connect_timeout=3).close()
PY
}

_aixin_redis_answers() {
  .venv/bin/python - <<PY 2>/dev/null
import redis
redis.Redis.from_url("$AIXIN_TEST_REDIS_URL", socket_connect_timeout=3).ping()
PY
}

if _aixin_pg_answers; then
  echo "[aixin] tests use PostgreSQL at $AIXIN_TEST_POSTGRES_HOST:$AIXIN_TEST_POSTGRES_PORT" >&2
else
  _aixin_tmp=${_aixin_tmp:-$(mktemp -d /tmp/aixin-test-XXXXXX)}
  chmod 755 "$_aixin_tmp"
  _aixin_pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  _aixin_pg_dir="$_aixin_tmp/pg"
  mkdir -p "$_aixin_pg_dir"
  chown postgres "$_aixin_pg_dir"
  port=$(_aixin_free_port)
  runuser -u postgres -- "$_aixin_pg_bin/initdb" -D "$_aixin_pg_dir/data" -U postgres \
    --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  runuser -u postgres -- "$_aixin_pg_bin/pg_ctl" -D "$_aixin_pg_dir/data" -w -l "$_aixin_pg_dir/log" \
    -o "-h 127.0.0.1 -p $port -k $_aixin_pg_dir -c max_connections=300 -c fsync=off" start >/dev/null
  runuser -u postgres -- "$_aixin_pg_bin/createdb" -h 127.0.0.1 -p "$port" -U postgres test
  export AIXIN_TEST_POSTGRES_HOST=127.0.0.1 AIXIN_TEST_POSTGRES_PORT=$port
  export AIXIN_TEST_POSTGRES_USER=postgres AIXIN_TEST_POSTGRES_DBNAME=test
  echo "[aixin] no PostgreSQL answered; started a throwaway one on port $port" >&2
fi

if _aixin_redis_answers; then
  echo "[aixin] tests use Redis at $AIXIN_TEST_REDIS_URL" >&2
else
  _aixin_tmp=${_aixin_tmp:-$(mktemp -d /tmp/aixin-test-XXXXXX)}
  port=$(_aixin_free_port)
  mkdir -p "$_aixin_tmp/redis"
  redis-server --bind 127.0.0.1 --port "$port" --save '' --appendonly no \
    --dir "$_aixin_tmp/redis" --daemonize no >"$_aixin_tmp/redis/log" 2>&1 &
  _aixin_redis_pid=$!
  export AIXIN_TEST_REDIS_URL="redis://127.0.0.1:$port/0"
  for _ in $(seq 50); do _aixin_redis_answers && break; sleep 0.1; done
  echo "[aixin] no Redis answered; started a throwaway one on port $port" >&2
fi
