#!/usr/bin/env bash
# Backup/restore benchmark: the reference service (1,000 APIs, 20,000 operations, 100,000 users,
# 200,000 subscriptions, 100 products, 5,000 named values, a policy on every API) backed up to
# Azurite and restored into a standby, on SQLite and on PostgreSQL, against pg_dump/pg_restore of
# the same PostgreSQL database in the same run. Prints a markdown table; writes it to bench/results/.
#   bench/backup.sh [scale]      (scale 1 = the reference service; 0.1 for a quick look)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
source scripts/lib.sh
SCALE=${1:-1}
WORK=$(mktemp -d -t openapim-bench.XXXXXX)
add_cleanup "rm -rf $WORK"
trap run_cleanups EXIT

(cd tests/conformance && [ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error)
dotnet build src/OpenApim.Server -c Release -nologo -clp:ErrorsOnly >/dev/null
SERVER="$ROOT/src/OpenApim.Server/bin/Release/net10.0/OpenApim.Server.dll"
start_postgres
start_azurite "$ROOT"
ACCOUNT=devstoreaccount1
KEY='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='
SUB=00000000-0000-0000-0000-000000000001
RESULTS=()

now_ms() { date +%s%3N; }
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }

# run_op PID URL BODY: POSTs a long-running action, polls it to the end while sampling the server's
# resident memory; prints "wall_ms peak_growth_mib final_status".
run_op() {
  local pid=$1 url=$2 body=$3
  local base peak rss start location code
  base=$(rss_kb "$pid"); peak=$base
  start=$(now_ms)
  location=$(curl -s -o /dev/null -D - --cacert "$CA" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -X POST "$url" -d "$body" | awk -F': ' 'tolower($1)=="location" {print $2}' | tr -d '\r')
  while :; do
    rss=$(rss_kb "$pid"); [ "$rss" -gt "$peak" ] && peak=$rss
    code=$(curl -s -o "$WORK/op.json" -w '%{http_code}' --cacert "$CA" -H "Authorization: Bearer $TOKEN" "$location")
    [ "$code" != 202 ] && break
    sleep 0.05
  done
  echo "$(( $(now_ms) - start )) $(( (peak - base) / 1024 )) $code"
}

bench_store() {
  local store=$1; shift
  local data="$WORK/$store"
  dotnet "$SERVER" seed --service ref --scale "$SCALE" --data-dir "$data" "$@" >/dev/null
  OPENAPIM_BLOB_ENDPOINT_TEMPLATE="$AZURITE_URL/{account}" dotnet "$SERVER" --data-dir "$data" --management-port 0 --gateway-port 0 "$@" >"$WORK/$store.log" 2>&1 &
  local pid=$!
  add_cleanup "kill $pid"
  wait_for_line "$WORK/$store.log" "OpenApim ready" "$pid"
  # Measure the backup, not start-up: wait until the gateway has loaded the seeded service.
  wait_for_line "$WORK/$store.log" "Gateway loaded" "$pid" 120
  local ep="$data/endpoints.json"
  MGMT=$(node -e "console.log(require('$ep').managementUrl)"); CA=$(node -e "console.log(require('$ep').certificatePath)")
  local cred; cred=$(node -e "console.log(require('$ep').bootstrapCredentialsPath)")
  TOKEN=$(curl -s --cacert "$CA" "$MGMT/$(node -e "console.log(require('$ep').tenantId)")/oauth2/v2.0/token" -d grant_type=client_credentials \
    -d client_id="$(node -e "console.log(require('$cred').clientId)")" --data-urlencode client_secret="$(node -e "console.log(require('$cred').clientSecret)")" \
    --data-urlencode scope="$MGMT/.default" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).access_token))')
  local svc="$MGMT/subscriptions/$SUB/resourceGroups/rg1/providers/Microsoft.ApiManagement/service"
  local container="bench-$store-$RANDOM"
  node -e "const {BlobServiceClient,StorageSharedKeyCredential}=require('$ROOT/tests/conformance/node_modules/@azure/storage-blob');
    new BlobServiceClient('$AZURITE_URL/$ACCOUNT',new StorageSharedKeyCredential('$ACCOUNT','$KEY')).createContainer('$container').then(()=>{})"
  local body="{\"storageAccount\":\"$ACCOUNT\",\"containerName\":\"$container\",\"backupName\":\"ref.apimbackup\",\"accessKey\":\"$KEY\"}"

  read -r b_ms b_mem b_code < <(run_op "$pid" "$svc/ref/backup?api-version=2024-05-01" "$body")
  local entities size
  entities=$(curl -s --cacert "$CA" -H "Authorization: Bearer $TOKEN" "$svc/ref/operations?api-version=2024-05-01" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).value.find(o=>o.kind=="backup").properties.entities))')
  size=$(curl -s --cacert "$CA" -H "Authorization: Bearer $TOKEN" "$svc/ref/operations?api-version=2024-05-01" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).value.find(o=>o.kind=="backup").properties.archiveBytes))')
  curl -s -o /dev/null --cacert "$CA" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -X PUT "$svc/standby?api-version=2024-05-01" \
    -d '{"location":"North Europe","sku":{"name":"Developer","capacity":1},"properties":{"publisherEmail":"a@b.c","publisherName":"Standby"}}'
  read -r r_ms r_mem r_code < <(run_op "$pid" "$svc/standby/restore?api-version=2024-05-01" "$body")
  kill "$pid"; wait "$pid" 2>/dev/null || true
  RESULTS+=("| $store | $entities | $b_ms ms | $b_mem MiB | $(( size / 1024 / 1024 )).$(( size * 10 / 1024 / 1024 % 10 )) MiB | $r_ms ms | $r_mem MiB | $b_code/$r_code |")
  [ "$store" = postgres ] && { PG_BACKUP_MS=$b_ms; PG_RESTORE_MS=$r_ms; }
  return 0
}

bench_store sqlite
"$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "CREATE DATABASE bench" >/dev/null
bench_store postgres --postgres "Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=bench"

# The reference: pg_dump / pg_restore of the same database (custom format, compressed) in the same run.
start=$(now_ms); "$PG_BIN/pg_dump" -h 127.0.0.1 -p "$PG_PORT" -U postgres -Fc -f "$WORK/bench.dump" bench; dump_ms=$(( $(now_ms) - start ))
"$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "CREATE DATABASE bench_restore" >/dev/null
start=$(now_ms); "$PG_BIN/pg_restore" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d bench_restore "$WORK/bench.dump"; restore_ms=$(( $(now_ms) - start ))
dump_size=$(stat -c %s "$WORK/bench.dump")

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
mkdir -p bench/results
OUT="bench/results/backup-$(date -u +%Y%m%dT%H%M%SZ).md"
{
  echo "# Backup/restore benchmark ($(date -u +%Y-%m-%dT%H:%MZ), scale $SCALE)"
  echo
  echo "Machine: $(nproc) vCPU $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), .NET $(dotnet --list-runtimes | grep -m1 NETCore.App | awk '{print $2}'), Release build, Azurite 3.35.0 on loopback."
  echo
  echo "| store | entities | backup wall | backup memory growth | archive | restore wall | restore memory growth | HTTP |"
  echo "|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${RESULTS[@]}"
  echo
  echo "pg_dump -Fc of the PostgreSQL database (both services): ${dump_ms} ms, $(( dump_size / 1024 / 1024 )) MiB; pg_restore into an empty database: ${restore_ms} ms."
  echo
  echo "Ratios on PostgreSQL (same run): backup / pg_dump = $(ratio "$PG_BACKUP_MS" "$dump_ms"); restore / pg_restore = $(ratio "$PG_RESTORE_MS" "$restore_ms")."
  echo "Goals: backup <= 5 s, restore <= 10 s, memory growth <= 256 MiB, archive <= 25 MiB, within 2x of pg_dump."
} | tee "$OUT"
