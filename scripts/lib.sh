# Shared helpers for scripts/test.sh and bench/*.sh: free ports, a throwaway PostgreSQL cluster, Azurite.
# Source it; every start_* registers its own cleanup through add_cleanup.

CLEANUPS=()
add_cleanup() { CLEANUPS+=("$1"); }
run_cleanups() {
  local i
  for ((i=${#CLEANUPS[@]}-1; i>=0; i--)); do eval "${CLEANUPS[$i]}" >/dev/null 2>&1 || true; done
  CLEANUPS=()
}

# wait_for_line FILE PATTERN PID [SECONDS]: waits until FILE contains PATTERN; fails (printing FILE)
# when PID exits first or SECONDS (default 60) pass.
wait_for_line() {
  local file=$1 pattern=$2 pid=$3 seconds=${4:-60} i
  for ((i = 0; i < seconds * 10; i++)); do
    grep -q "$pattern" "$file" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  grep -q "$pattern" "$file" 2>/dev/null && return 0
  cat "$file" >&2
  return 1
}

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close();})'
}

# start_postgres: starts PostgreSQL 15 on a free loopback port as the postgres user; exports PG_URL (key=value form).
start_postgres() {
  local pgbin
  pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -x "$pgbin/initdb" ] || { echo "PostgreSQL binaries not found under /usr/lib/postgresql" >&2; return 1; }
  PG_TMP=$(mktemp -d -t openapim-pg.XXXXXX)
  local port; port=$(free_port)
  local runas=postgres
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    chown postgres:postgres "$PG_TMP"
    RUN_PG=(runuser -u "$runas" --)
  else
    RUN_PG=()
  fi
  "${RUN_PG[@]}" "$pgbin/initdb" -D "$PG_TMP/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync >"$PG_TMP/initdb.log" 2>&1 \
    || { cat "$PG_TMP/initdb.log" >&2; return 1; }
  "${RUN_PG[@]}" "$pgbin/pg_ctl" -D "$PG_TMP/data" -l "$PG_TMP/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $PG_TMP -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" start >/dev/null \
    || { cat "$PG_TMP/server.log" >&2; return 1; }
  add_cleanup "${RUN_PG[*]} $pgbin/pg_ctl -D $PG_TMP/data -m immediate -w stop; rm -rf $PG_TMP"
  PG_PORT=$port
  PG_URL="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres;Pooling=true;Maximum Pool Size=40"
  PG_BIN=$pgbin
  export PG_URL PG_PORT PG_BIN
}

# start_azurite: starts the pinned Azurite (tests/conformance/node_modules) blob service; exports AZURITE_PORT and AZURITE_URL.
start_azurite() {
  local root="$1"
  local bin="$root/tests/conformance/node_modules/.bin/azurite-blob"
  [ -x "$bin" ] || { echo "Azurite is not installed: run npm ci in tests/conformance" >&2; return 1; }
  AZURITE_TMP=$(mktemp -d -t openapim-azurite.XXXXXX)
  "$bin" --blobHost 127.0.0.1 --blobPort 0 --inMemoryPersistence --extentMemoryLimit 2048 --skipApiVersionCheck --disableTelemetry --loose \
    >"$AZURITE_TMP/azurite.log" 2>&1 &
  local pid=$!
  add_cleanup "kill $pid; rm -rf $AZURITE_TMP"
  wait_for_line "$AZURITE_TMP/azurite.log" "successfully listens" "$pid" 20 || return 1
  AZURITE_PORT=$(grep -o 'listens on http://127.0.0.1:[0-9]*' "$AZURITE_TMP/azurite.log" | grep -o '[0-9]*$')
  [ -n "$AZURITE_PORT" ] || { cat "$AZURITE_TMP/azurite.log" >&2; return 1; }
  AZURITE_URL="http://127.0.0.1:$AZURITE_PORT"
  export AZURITE_PORT AZURITE_URL
}
