#!/usr/bin/env bash
# Change-journal benchmark (issue 11), all in one run on this machine:
#  1. management writes through the store with and without the journal (SQLite and PostgreSQL, alternating rounds):
#     the ratio and the journal's growth per write;
#  2. propagation on the reference service (1,000 APIs, 200,000 subscriptions) while wrk loads its gateway: a subscription
#     create, suspend, key regeneration and delete, from the management API's answer to the gateway enforcing it;
#  3. restore-to-serving: from POST restore of the reference service into an empty standby to the standby's gateway
#     answering a restored key, with the restore operation's own duration as the first part (OpenApim.Bench
#     restore-to-serving polls both every 20 ms on kept-alive connections; a curl loop here cost a seventh of the CPU).
# Steps 2 and 3 run on SQLite and on PostgreSQL. Prints a markdown report and writes it to bench/results/.
#   bench/journal.sh [scale] [rounds]      (scale 1 = the reference service; rounds of the propagation probe)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
source scripts/lib.sh
SCALE=${1:-1}
ROUNDS=${2:-50}
WORK=$(mktemp -d -t openapim-journal.XXXXXX)
add_cleanup "rm -rf $WORK"
trap run_cleanups EXIT
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }

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

# 1. Writes with and without the journal.
psql "CREATE DATABASE writes" >/dev/null
W_SQLITE=$(dotnet "$BENCH" writes sqlite 4000 3 | tee "$WORK/writes-sqlite.txt" | grep RESULT)
W_PG=$(dotnet "$BENCH" writes "Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=writes" 4000 3 | tee "$WORK/writes-pg.txt" | grep RESULT)
field() { echo "$1" | tr ' ' '\n' | awk -F= -v k="$2" '$1==k {print $2}'; }

BACKEND_PORT=$(free_port)
dotnet "$BENCH" backend "$BACKEND_PORT" & add_cleanup "kill $!"
REPORT=()

bench_store() {
  local store=$1; shift
  local data="$WORK/$store"
  dotnet "$SERVER" seed --service ref --scale "$SCALE" --data-dir "$data" --backend-url "http://127.0.0.1:$BACKEND_PORT" "$@" >/dev/null
  OPENAPIM_BLOB_ENDPOINT_TEMPLATE="$AZURITE_URL/{account}" dotnet "$SERVER" --data-dir "$data" --management-port 0 --gateway-port 0 "$@" >"$WORK/$store.log" 2>&1 &
  local pid=$!
  add_cleanup "kill $pid 2>/dev/null"
  wait_for_line "$WORK/$store.log" "OpenApim ready" "$pid"
  wait_for_line "$WORK/$store.log" "Gateway loaded" "$pid" 180
  local ep="$data/endpoints.json"
  local mgmt gw ca cred token svc key
  mgmt=$(json o.managementUrl <"$ep"); gw=$(json o.gatewayUrl <"$ep"); ca=$(json o.certificatePath <"$ep"); cred=$(json o.bootstrapCredentialsPath <"$ep")
  token=$(curl -s --cacert "$ca" "$(json o.tokenUrl <"$ep")" -d grant_type=client_credentials -d client_id="$(json o.clientId <"$cred")" \
    --data-urlencode client_secret="$(json o.clientSecret <"$cred")" --data-urlencode scope="$mgmt/.default" | json o.access_token)
  svc="$mgmt/subscriptions/$SUB/resourceGroups/rg1/providers/Microsoft.ApiManagement/service"
  key=$(curl -s --cacert "$ca" -H "Authorization: Bearer $token" -X POST "$svc/ref/subscriptions/sub-000007/listSecrets?api-version=2024-05-01" | json o.primaryKey)
  local rss_loaded; rss_loaded=$(awk '/VmRSS/ {print int($2/1024)}' "/proc/$pid/status")

  # 2. Propagation while wrk keeps the gateway busy with a valid key.
  wrk -t1 -c64 -d600s -H "Host: ref.localhost" -H "Ocp-Apim-Subscription-Key: $key" "$gw$API_PATH" >"$WORK/$store-wrk.txt" 2>&1 &
  local wrk_pid=$!
  sleep 2
  dotnet "$BENCH" propagation "$ep" ref "$ROUNDS" "$API_PATH" | tee "$WORK/$store-propagation.txt"
  kill -INT "$wrk_pid"; wait "$wrk_pid" 2>/dev/null || true
  local loads; loads=$(grep -c "Gateway loaded .*/service/ref:" "$WORK/$store.log")

  # 3. Restore-to-serving into an empty standby.
  local container="journal-$store-$RANDOM"
  node -e "const {BlobServiceClient,StorageSharedKeyCredential}=require('$ROOT/tests/conformance/node_modules/@azure/storage-blob');
    new BlobServiceClient('$AZURITE_URL/$ACCOUNT',new StorageSharedKeyCredential('$ACCOUNT','$STORAGE_KEY')).createContainer('$container').then(()=>{})"
  local body="{\"storageAccount\":\"$ACCOUNT\",\"containerName\":\"$container\",\"backupName\":\"ref.apimbackup\",\"accessKey\":\"$STORAGE_KEY\"}"
  local location
  location=$(curl -s -o /dev/null -D - --cacert "$ca" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -X POST "$svc/ref/backup?api-version=2024-05-01" -d "$body" \
    | awk -F': ' 'tolower($1)=="location" {print $2}' | tr -d '\r')
  until [ "$(curl -s -o /dev/null -w '%{http_code}' --cacert "$ca" -H "Authorization: Bearer $token" "$location")" = 200 ]; do sleep 0.2; done
  curl -s -o /dev/null --cacert "$ca" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -X PUT "$svc/standby?api-version=2024-05-01" \
    -d '{"location":"North Europe","sku":{"name":"Developer","capacity":1},"properties":{"publisherEmail":"a@b.c","publisherName":"Standby"}}'
  sleep 2
  local probe restored serving
  probe=$(dotnet "$BENCH" restore-to-serving "$ep" standby "$body" "$API_PATH" "$key" | tee "$WORK/$store-restore-probe.txt" | grep RESULT) \
    || { echo "restore-to-serving failed"; tail -20 "$WORK/$store.log"; exit 1; }
  restored=$(field "$probe" restored_ms); serving=$(field "$probe" serving_ms)
  # The restore's own phases (download, verify, replace), from its summary in the standby's operation list.
  curl -s --cacert "$ca" -H "Authorization: Bearer $token" "$svc/standby/operations?api-version=2024-05-01" >"$WORK/$store-restore.json"
  local phases; phases=$(node -e "const f=o=>o&&typeof o==='object'?(o.phasesMs??Object.values(o).map(f).find(Boolean)):undefined;
    const p=f(JSON.parse(require('fs').readFileSync('$WORK/$store-restore.json','utf8')))||{};console.log(Object.entries(p).map(([k,v])=>k+' '+v).join(', ')||'?')")
  local reload_ms; reload_ms=$(grep -E "Gateway loaded .*/service/standby( from the rows its restore wrote)?:" "$WORK/$store.log" | tail -1 | grep -o 'in [0-9]* ms' | grep -o '[0-9]*')
  local rss_end; rss_end=$(awk '/VmRSS/ {print int($2/1024)}' "/proc/$pid/status")
  kill "$pid"; wait "$pid" 2>/dev/null || true

  local all; all=$(grep "RESULT change=all" "$WORK/$store-propagation.txt")
  REPORT+=("| $store | $(field "$all" p50_ms) | $(field "$all" p99_ms) | $(field "$all" max_ms) | $(awk '/Requests\/sec/ {print $2}' "$WORK/$store-wrk.txt") | $loads | $restored ($phases) | $serving | ${reload_ms:-?} | $rss_loaded / $rss_end |")
  for change in create suspend regenerate delete; do
    local line; line=$(grep "RESULT change=$change " "$WORK/$store-propagation.txt")
    REPORT+=("| $store: $change | $(field "$line" p50_ms) | $(field "$line" p99_ms) | $(field "$line" max_ms) | | | | | | |")
  done
}

bench_store sqlite
psql "CREATE DATABASE journal" >/dev/null
bench_store postgres --postgres "Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=journal"

mkdir -p bench/results
OUT="bench/results/journal-$(date -u +%Y%m%dT%H%M%SZ).md"
{
  echo "# Change-journal benchmark ($(date -u +%Y-%m-%dT%H:%MZ), scale $SCALE, $ROUNDS propagation rounds)"
  echo
  echo "Machine: $(nproc) vCPU $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), .NET $(dotnet --list-runtimes | grep -m1 NETCore.App | awk '{print $2}'), Release builds; wrk, server, backend and Azurite share the machine."
  echo
  echo "## Writes with and without the journal (4 writers, 4,000 subscription upserts per round, median of 3 alternating rounds)"
  echo
  echo "| store | with journal (writes/s) | without (writes/s) | ratio (goal >= 0.90) | journal growth per write |"
  echo "|---|---|---|---|---|"
  echo "| SQLite | $(field "$W_SQLITE" with) | $(field "$W_SQLITE" without) | $(field "$W_SQLITE" ratio) | $(field "$W_SQLITE" journal_bytes_per_write) B of record text |"
  echo "| PostgreSQL | $(field "$W_PG" with) | $(field "$W_PG" without) | $(field "$W_PG" ratio) | $(field "$W_PG" journal_bytes_per_write) B of table + indexes |"
  echo
  echo "## Propagation under gateway load, restore-to-serving"
  echo
  echo "| store | propagation p50 ms (goal <= 20) | p99 ms (goal <= 100) | max ms | gateway rps under probe | full loads of ref | restore done ms (its phases) | standby serving ms (goal <= 6000) | standby gateway load ms | server RSS MiB loaded / end |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${REPORT[@]}"
} | tee "$OUT"
