#!/usr/bin/env bash
# Continuous-protection benchmark (issue 12), all in one run on this machine, on SQLite and on PostgreSQL:
#  1. a primary with the reference service (1,000 APIs, 200,000 subscriptions) ships to Azurite; a standby server (its own
#     data directory or database) follows it; RATE writes/s for SECONDS: RPO (commit -> segment in storage), standby lag
#     (commit -> the standby's gateway accepts a new key), bytes per change, what an idle primary ships, promote time;
#  2. a new base against pg_dump of the same database (PostgreSQL), a full restore of the reference service against a
#     point-in-time restore of it from the stream, and the undelete of one API.
# Prints a markdown report and writes it to bench/results/.
#   bench/replication.sh [scale] [seconds] [rate]      (scale 1 = the reference service)
#   STORES="sqlite postgres" (default) picks the stores; KEEP_WORK=1 keeps the servers' logs in the work directory.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
source scripts/lib.sh
SCALE=${1:-1}
SECONDS_=${2:-60}
RATE=${3:-50}
WORK=$(mktemp -d -t openapim-replication.XXXXXX)
[ "${KEEP_WORK:-}" = 1 ] && echo "work directory: $WORK" || add_cleanup "rm -rf $WORK"
trap run_cleanups EXIT

(cd tests/conformance && [ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error)
dotnet build src/OpenApim.Server -c Release -nologo -clp:ErrorsOnly >/dev/null
dotnet build bench/OpenApim.Bench -c Release -nologo -clp:ErrorsOnly >/dev/null
SERVER="$ROOT/src/OpenApim.Server/bin/Release/net10.0/OpenApim.Server.dll"
BENCH="$ROOT/bench/OpenApim.Bench/bin/Release/net10.0/OpenApim.Bench.dll"
start_postgres
start_azurite "$ROOT"
psql() { "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -qtAc "$1"; }
ACCOUNT=devstoreaccount1
STORAGE_KEY='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='
SUB=00000000-0000-0000-0000-000000000001
API_PATH=/svc0007/resource3/42   # API 7, in product-007, which sub-000007 holds
json() { node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{const o=JSON.parse(s);console.log($1)})"; }
field() { echo "$1" | tr ' ' '\n' | awk -F= -v k="$2" '$1==k {print $2}'; }
BACKEND_PORT=$(free_port)
dotnet "$BENCH" backend "$BACKEND_PORT" & add_cleanup "kill $!"
REPORT=()
EXTRA=()

# start NAME [flags...]: a server on its own data directory; sets PID_<NAME>.
start() {
  local name=$1; shift
  rm -f "$WORK/$name.log"   # the previous store's log says "ready" too: wait for this server's own line
  OPENAPIM_BLOB_ENDPOINT_TEMPLATE="$AZURITE_URL/{account}" dotnet "$SERVER" --data-dir "$WORK/$name" --management-port 0 --gateway-port 0 "$@" >"$WORK/$name.log" 2>&1 &
  local pid=$!
  add_cleanup "kill $pid 2>/dev/null"
  wait_for_line "$WORK/$name.log" "OpenApim ready" "$pid"
  eval "PID_$name=$pid"
}

# login NAME: sets MGMT, CA and TOKEN for server NAME's bootstrap administrator.
login() {
  local ep="$WORK/$1/endpoints.json" cred
  MGMT=$(json o.managementUrl <"$ep"); CA=$(json o.certificatePath <"$ep"); cred=$(json o.bootstrapCredentialsPath <"$ep")
  TOKEN=$(curl -s --cacert "$CA" "$(json o.tokenUrl <"$ep")" -d grant_type=client_credentials -d client_id="$(json o.clientId <"$cred")" \
    --data-urlencode client_secret="$(json o.clientSecret <"$cred")" --data-urlencode scope="$MGMT/.default" | json o.access_token)
}

# arm NAME METHOD PATH [BODY]: one management call to server NAME as its bootstrap administrator.
arm() {
  login "$1"
  local mgmt=$MGMT ca=$CA token=$TOKEN
  local match=(); [ "$2" = PATCH ] || [ "$2" = DELETE ] && match=(-H 'If-Match: *')
  curl -s --cacert "$ca" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' "${match[@]}" -X "$2" \
    "$mgmt/subscriptions/$SUB/resourceGroups/rg1/providers/Microsoft.ApiManagement/service/$3?api-version=2024-05-01" ${4:+-d "$4"} -D "$WORK/headers"
}

# create_service NODE NAME: PUT a Developer service and wait until it is provisioned.
create_service() {
  arm "$1" PUT "$2" '{"location":"North Europe","sku":{"name":"Developer","capacity":1},"properties":{"publisherEmail":"a@b.c","publisherName":"Bench"}}' >/dev/null
  local i
  for i in $(seq 1 300); do
    [ "$(arm "$1" GET "$2" | json 'o.properties?.provisioningState')" = Succeeded ] && return 0
    sleep 0.2
  done
  echo "service $2 on $1 was not provisioned" >&2; return 1
}

# run_op NAME PATH BODY: POST a long-running action, poll it; prints the final body.
run_op() {
  arm "$1" POST "$2" "$3" >/dev/null
  local location; location=$(awk -F': ' 'tolower($1)=="location" {print $2}' "$WORK/headers" | tr -d '\r')
  login "$1"
  while [ "$(curl -s -o "$WORK/op.json" -w '%{http_code}' --cacert "$CA" -H "Authorization: Bearer $TOKEN" "$location")" = 202 ]; do sleep 0.1; done
  curl -s --cacert "$CA" -H "Authorization: Bearer $TOKEN" "$location&asyncResponse=1"
}

bench_store() {
  local store=$1; shift
  rm -rf "$WORK/primary" "$WORK/standby"
  dotnet "$SERVER" seed --service ref --scale "$SCALE" --data-dir "$WORK/primary" --backend-url "http://127.0.0.1:$BACKEND_PORT" "$@" >/dev/null
  local standby_args=("$@")
  if [ "$store" = postgres ]; then psql "CREATE DATABASE standby_$RANDOM_DB" >/dev/null; standby_args=(--postgres "Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=standby_$RANDOM_DB"); fi
  start primary "$@"
  wait_for_line "$WORK/primary.log" "Gateway loaded" "$PID_primary" 180
  start standby "${standby_args[@]}"
  create_service standby standby
  local container="repl-$store-$RANDOM"
  dotnet "$BENCH" replication "$WORK/primary/endpoints.json" "$WORK/standby/endpoints.json" "$AZURITE_URL" "$container" "$SECONDS_" "$RATE" "$API_PATH" | tee "$WORK/$store.txt"
  local rpo lag load promote first
  rpo=$(grep "metric=rpo" "$WORK/$store.txt"); lag=$(grep "metric=standby_lag" "$WORK/$store.txt")
  load=$(grep "metric=load" "$WORK/$store.txt"); promote=$(grep "metric=promote" "$WORK/$store.txt"); first=$(grep "phase=first_follow" "$WORK/$store.txt")
  local base_ms; base_ms=$(grep -o "base 0 at journal position [0-9]* ([0-9]* entities) in [0-9]* ms" "$WORK/primary.log" | grep -o 'in [0-9]* ms' | grep -o '[0-9]*' || echo "?")

  # 2. Full restore against point-in-time restore of the same service, undelete of one API.
  local storage="\"storageAccount\":\"$ACCOUNT\",\"containerName\":\"$container\",\"accessKey\":\"$STORAGE_KEY\""
  run_op primary ref/backup "{$storage,\"backupName\":\"ref.apimbackup\"}" >/dev/null
  create_service primary full
  create_service primary pitr
  local full pitr undelete undelete_busy
  full=$(run_op primary full/restore "{$storage,\"backupName\":\"ref.apimbackup\"}" | json 'o.properties?.durationMs ?? JSON.stringify(o)')
  local moment; moment=$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)
  sleep 1
  pitr=$(run_op primary pitr/restore "{$storage,\"replication\":\"ref/r1\",\"pointInTime\":\"$moment\"}" | json 'o.properties?.durationMs ?? JSON.stringify(o)')
  arm primary DELETE ref/apis/api-0003 >/dev/null
  sleep 1
  undelete_busy=$(run_op primary ref/restore "{$storage,\"replication\":\"ref/r1\",\"pointInTime\":\"$moment\",\"entities\":[\"apis/api-0003\"]}" | json 'o.properties?.durationMs ?? JSON.stringify(o)')
  # That undelete competes with the gateway compiling the two services just restored (200,000 keys each, seconds of CPU on
  # two cores). Timed again once the gateway has loaded them, the undelete is measured on its own.
  wait_for_line "$WORK/primary.log" "service/pitr: [1-9]" "$PID_primary" 180
  sleep 2
  arm primary DELETE ref/apis/api-0003 >/dev/null
  sleep 1
  local undelete_body
  undelete_body=$(run_op primary ref/restore "{$storage,\"replication\":\"ref/r1\",\"pointInTime\":\"$moment\",\"entities\":[\"apis/api-0003\"]}")
  echo "undelete summary ($store): $undelete_body"
  undelete=$(echo "$undelete_body" | json 'o.properties?.durationMs ?? JSON.stringify(o)')
  local dump_ms="n/a"
  if [ "$store" = postgres ]; then
    local t0; t0=$(date +%s%3N)
    "$PG_BIN/pg_dump" -h 127.0.0.1 -p "$PG_PORT" -U postgres -Fc -f "$WORK/dump.pgc" replication_primary
    dump_ms=$(( $(date +%s%3N) - t0 ))
  fi
  kill "$PID_primary" "$PID_standby"; wait "$PID_primary" "$PID_standby" 2>/dev/null || true

  REPORT+=("| $store | $(field "$rpo" p50_ms) / $(field "$rpo" p99_ms) / $(field "$rpo" max_ms) | $(field "$lag" p50_ms) / $(field "$lag" p99_ms) / $(field "$lag" max_ms) | $(field "$load" writes_per_s) | $(field "$load" bytes_per_change) | $(field "$load" idle_segments) | $(field "$promote" done_ms) / $(field "$promote" writable_ms) | $(field "$first" seconds) |")
  EXTRA+=("| $store | $full | $pitr | $(awk -v a="$pitr" -v b="$full" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "?" }') | $undelete_busy / $undelete | $base_ms | $dump_ms |")
}

RANDOM_DB=$RANDOM
for store in ${STORES:-sqlite postgres}; do
  if [ "$store" = postgres ]; then
    psql "CREATE DATABASE replication_primary" >/dev/null
    bench_store postgres --postgres "Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=replication_primary"
  else
    bench_store sqlite
  fi
done

mkdir -p bench/results
OUT="bench/results/replication-$(date -u +%Y%m%dT%H%M%SZ).md"
{
  echo "# Continuous-protection benchmark ($(date -u +%Y-%m-%dT%H:%MZ), scale $SCALE, $RATE writes/s for $SECONDS_ s)"
  echo
  echo "Machine: $(nproc) vCPU, .NET $(dotnet --list-runtimes | grep -m1 NETCore.App | awk '{print $2}'), Release builds; primary, standby, backend, Azurite and the driver share the machine."
  echo
  echo "| store | RPO ms p50 / p99 / max (goal p99 <= 1000) | standby lag ms p50 / p99 / max (goal p99 <= 2000) | writes/s achieved | bytes per change (gzip segment) | segments shipped while idle 5 s | promote ms: done / writable (goal <= 2000) | first follow (base applied, serving) s |"
  echo "|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${REPORT[@]}"
  echo
  echo "| store | full restore ms | point-in-time restore ms | ratio (goal <= 1.5) | undelete one API ms (goal <= 1000): right after the restores / gateway settled | first base ms | pg_dump ms (goal: base <= 1x) |"
  echo "|---|---|---|---|---|---|---|"
  printf '%s\n' "${EXTRA[@]}"
} | tee "$OUT"
