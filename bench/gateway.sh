#!/usr/bin/env bash
# Gateway benchmark, all in one run on this machine: a trivial Kestrel backend called directly,
# through bare YARP with one route, and through the OpenApim gateway serving the reference service
# (20,000 operations, 200,000 subscription keys, a rate-limit and a set-header policy on every API).
# Reports throughput and p50/p99 per target (median of alternating rounds) and the ratios, then
# reloads the whole reference configuration (a restore) under load and counts failed requests.
#   bench/gateway.sh [seconds-per-run] [rounds] [warm-up seconds per target]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
source scripts/lib.sh
DURATION=${1:-10}
ROUNDS=${2:-3}
# Each target is warmed up alone first: the gateway has far more code to tier up than bare YARP, and a 3 s warm-up left
# its first round still compiling (6% of its CPU in the JIT in a profile taken 7-17 s into the load).
WARMUP=${3:-10}
CONNECTIONS=64
WORK=$(mktemp -d -t openapim-gwbench.XXXXXX)
add_cleanup "rm -rf $WORK"
trap run_cleanups EXIT
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }

dotnet build src/OpenApim.Server -c Release -nologo -clp:ErrorsOnly >/dev/null
dotnet build bench/OpenApim.Bench -c Release -nologo -clp:ErrorsOnly >/dev/null
SERVER="$ROOT/src/OpenApim.Server/bin/Release/net10.0/OpenApim.Server.dll"
BENCH="$ROOT/bench/OpenApim.Bench/bin/Release/net10.0/OpenApim.Bench.dll"

BACKEND_PORT=$(free_port); YARP_PORT=$(free_port)
dotnet "$BENCH" backend "$BACKEND_PORT" & BACKEND_PID=$!; add_cleanup "kill $BACKEND_PID"
dotnet "$BENCH" yarp "$YARP_PORT" "http://127.0.0.1:$BACKEND_PORT" & YARP_PID=$!; add_cleanup "kill $YARP_PID"

DATA="$WORK/data"
dotnet "$SERVER" seed --service ref --scale 1 --data-dir "$DATA" --backend-url "http://127.0.0.1:$BACKEND_PORT" >/dev/null
dotnet "$SERVER" --data-dir "$DATA" --management-port 0 --gateway-port 0 >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
add_cleanup "kill $SERVER_PID"
wait_for_line "$WORK/server.log" "OpenApim ready" "$SERVER_PID"
wait_for_line "$WORK/server.log" "Gateway loaded" "$SERVER_PID" 120
EP="$DATA/endpoints.json"
json() { node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{const o=JSON.parse(s);console.log($1)})"; }
MGMT=$(json o.managementUrl <"$EP"); GW=$(json o.gatewayUrl <"$EP"); CA=$(json o.certificatePath <"$EP")
CRED=$(json o.bootstrapCredentialsPath <"$EP"); METRICS=$(json o.metricsUrl <"$EP")
TOKEN=$(curl -s --cacert "$CA" "$(json o.tokenUrl <"$EP")" -d grant_type=client_credentials -d client_id="$(json o.clientId <"$CRED")" \
  --data-urlencode client_secret="$(json o.clientSecret <"$CRED")" --data-urlencode scope="$MGMT/.default" | json o.access_token)
SVC="$MGMT/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg1/providers/Microsoft.ApiManagement/service/ref"
KEY=$(curl -s --cacert "$CA" -H "Authorization: Bearer $TOKEN" -X POST "$SVC/subscriptions/sub-100077/listSecrets?api-version=2024-05-01" | json o.primaryKey)
PATH_OK="/svc0777/resource3/42"   # API 777 (in product-077, which sub-100077 holds), operation 12 of 20
check=$(curl -s -o /dev/null -w '%{http_code}' -H "Host: ref.localhost" -H "Ocp-Apim-Subscription-Key: $KEY" "$GW$PATH_OK")
[ "$check" = 200 ] || { echo "gateway answered $check"; tail -20 "$WORK/server.log"; exit 1; }

# CPU time (user + system, clock ticks) a process has used so far.
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# run NAME PID URL [wrk args]: one wrk run; appends "rps p50_ms p99_ms non2xx cpu_us_per_request" to $WORK/NAME, the last
# being the CPU the process PID (the target) spent per request served: less sensitive to a noisy neighbour than throughput.
run() {
  local name=$1 pid=$2 url=$3; shift 3
  local t0; t0=$(ticks "$pid")
  wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency "$@" "$url" >"$WORK/wrk.txt"
  local t1; t1=$(ticks "$pid")
  local n; n=$(awk '/requests in/ {print $1}' "$WORK/wrk.txt")
  local cpu; cpu=$(awk -v t="$((t1 - t0))" -v hz="$(getconf CLK_TCK)" -v n="$n" 'BEGIN { printf "%.1f", t / hz * 1e6 / n }')
  local rps p50 p99 bad
  rps=$(awk '/Requests\/sec/ {print $2}' "$WORK/wrk.txt")
  p50=$(awk '$1=="50%" {print $2}' "$WORK/wrk.txt"); p99=$(awk '$1=="99%" {print $2}' "$WORK/wrk.txt")
  bad=$(awk '/Non-2xx/ {print $5}' "$WORK/wrk.txt"); bad=${bad:-0}
  echo "$rps $(ms "$p50") $(ms "$p99") $bad $cpu" >>"$WORK/$name"
}
ms() { awk -v v="$1" 'BEGIN { if (v ~ /us$/) printf "%.3f", substr(v,1,length(v)-2)/1000; else if (v ~ /ms$/) printf "%.3f", substr(v,1,length(v)-2); else printf "%.3f", substr(v,1,length(v)-1)*1000 }'; }
median() { sort -n -k"$2" "$WORK/$1" | awk -v col="$2" '{a[NR]=$col} END {print a[int((NR+1)/2)]}'; }

# Warm up every target, then alternate rounds so drift on a shared machine hits all alike.
wrk -t1 -c"$CONNECTIONS" -d"${WARMUP}s" "http://127.0.0.1:$BACKEND_PORT/" >/dev/null
wrk -t1 -c"$CONNECTIONS" -d"${WARMUP}s" "http://127.0.0.1:$YARP_PORT/" >/dev/null
wrk -t1 -c"$CONNECTIONS" -d"${WARMUP}s" -H "Host: ref.localhost" -H "Ocp-Apim-Subscription-Key: $KEY" "$GW$PATH_OK" >/dev/null
wrk -t1 -c"$CONNECTIONS" -d"$((WARMUP / 2 + 1))s" -H "Host: ref.localhost" -H "Ocp-Apim-Subscription-Key: not-a-key" "$GW$PATH_OK" >/dev/null
for round in $(seq 1 "$ROUNDS"); do
  run direct "$BACKEND_PID" "http://127.0.0.1:$BACKEND_PORT/"
  run yarp "$YARP_PID" "http://127.0.0.1:$YARP_PORT/"
  run gateway "$SERVER_PID" "$GW$PATH_OK" -H "Host: ref.localhost" -H "Ocp-Apim-Subscription-Key: $KEY"
  run rejected "$SERVER_PID" "$GW$PATH_OK" -H "Host: ref.localhost" -H "Ocp-Apim-Subscription-Key: not-a-key"
done

# Managed allocations per request: the bytes a process allocates during one run, less what it allocates idle for as
# long (the gateway's from its Prometheus endpoint, the runtime's dotnet.gc.heap.total_allocated; YARP's from a bench route).
allocated_gateway() { curl -s --cacert "$CA" "$METRICS" | awk '/^dotnet_gc_heap_total_allocated_bytes_total/ {print $2}'; }
allocated_yarp() { curl -s "http://127.0.0.1:$YARP_PORT/__bench/allocated"; }
per_request() { # GETTER URL [wrk args]: prints bytes per request
  local getter=$1 url=$2; shift 2
  local a0 a1 a2
  a0=$($getter); sleep "$DURATION"; a1=$($getter)
  wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" "$@" "$url" >"$WORK/alloc.txt"; a2=$($getter)
  awk -v a0="$a0" -v a1="$a1" -v a2="$a2" -v n="$(awk '/requests in/ {print $1}' "$WORK/alloc.txt")" 'BEGIN { printf "%.0f", ((a2 - a1) - (a1 - a0)) / n }'
}
Y_ALLOC=$(per_request allocated_yarp "http://127.0.0.1:$YARP_PORT/")
G_ALLOC=$(per_request allocated_gateway "$GW$PATH_OK" -H "Host: ref.localhost" -H "Ocp-Apim-Subscription-Key: $KEY")
R_ALLOC=$(per_request allocated_gateway "$GW$PATH_OK" -H "Host: ref.localhost" -H "Ocp-Apim-Subscription-Key: not-a-key")
G_MEM=$(curl -s --cacert "$CA" "$METRICS" | awk '/^dotnet_process_memory_working_set_bytes/ && !seen {print $2; seen=1}')
[ -n "$G_MEM" ] || G_MEM=$(awk '/VmRSS/ {print $2 * 1024}' "/proc/$SERVER_PID/status")

# A full reload under load: back the service up and restore it into itself while the gateway serves it.
curl -s -o /dev/null --cacert "$CA" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -X POST "$SVC/backup?api-version=2024-05-01" \
  -d '{"storageAccount":"devstoreaccount1","containerName":"backups","backupName":"ref.apimbackup","accessKey":"Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="}'
until curl -s --cacert "$CA" -H "Authorization: Bearer $TOKEN" "$SVC/operations?api-version=2024-05-01" | grep -q '"kind":"backup".*"status":"Succeeded"\|"status":"Succeeded".*"kind":"backup"'; do sleep 0.5; done
loads_before=$(grep -c "Gateway loaded" "$WORK/server.log")
( sleep 2; curl -s -o /dev/null --cacert "$CA" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -X POST "$SVC/restore?api-version=2024-05-01" \
  -d '{"storageAccount":"devstoreaccount1","containerName":"backups","backupName":"ref.apimbackup","accessKey":"Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="}' ) &
RESTORE_PID=$!
# wrk runs until the gateway has loaded the restored service (or two minutes pass), so the reload happens under load.
wrk -t1 -c"$CONNECTIONS" -d120s --latency -H "Host: ref.localhost" -H "Ocp-Apim-Subscription-Key: $KEY" "$GW$PATH_OK" >"$WORK/wrk.txt" &
WRK_PID=$!
wait "$RESTORE_PID"
for ((i = 0; i < 1100; i++)); do
  [ "$(grep -c "Gateway loaded" "$WORK/server.log")" -gt "$loads_before" ] && break
  sleep 0.1
done
sleep 2
kill -INT "$WRK_PID"; wait "$WRK_PID" 2>/dev/null || true
reload_bad=$(awk '/Non-2xx/ {print $5}' "$WORK/wrk.txt"); echo "0 0 0 ${reload_bad:-0}" >"$WORK/reload"
reloads=$(( $(grep -c "Gateway loaded" "$WORK/server.log") - loads_before ))
# The last full load's time only when the restore caused one (otherwise the last line is the start-up load's).
reload_ms=$([ "$reloads" -gt 0 ] && grep "Gateway loaded" "$WORK/server.log" | tail -1 | grep -o 'in [0-9]* ms' | grep -o '[0-9]*' || echo "none")
reload_errors=$(awk '{print $4}' "$WORK/reload"); reload_socket=$(grep -o 'Socket errors.*' "$WORK/wrk.txt" || echo "Socket errors: none")

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
D_RPS=$(median direct 1); Y_RPS=$(median yarp 1); G_RPS=$(median gateway 1); R_RPS=$(median rejected 1)
Y_CPU=$(median yarp 5); G_CPU=$(median gateway 5)
Y_P50=$(median yarp 2); G_P50=$(median gateway 2); Y_P99=$(median yarp 3); G_P99=$(median gateway 3)
mkdir -p bench/results
OUT="bench/results/gateway-$(date -u +%Y%m%dT%H%M%SZ).md"
{
  echo "# Gateway benchmark ($(date -u +%Y-%m-%dT%H:%MZ))"
  echo
  echo "Machine: $(nproc) vCPU $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), .NET $(dotnet --list-runtimes | grep -m1 NETCore.App | awk '{print $2}'), Release builds, wrk 4.1 (1 thread, $CONNECTIONS connections, ${DURATION}s runs, median of $ROUNDS alternating rounds). Load generator, proxies and backend share the machine."
  echo
  echo "| target | requests/s | p50 ms | p99 ms | CPU µs per request (the target process) |"
  echo "|---|---|---|---|---|"
  echo "| Kestrel backend direct | $D_RPS | $(median direct 2) | $(median direct 3) | $(median direct 5) |"
  echo "| bare YARP, one route | $Y_RPS | $Y_P50 | $Y_P99 | $Y_CPU |"
  echo "| OpenApim gateway, reference service (valid key, rate-limit + set-header) | $G_RPS | $G_P50 | $G_P99 | $G_CPU |"
  echo "| OpenApim gateway, invalid key (rejected) | $R_RPS | $(median rejected 2) | $(median rejected 3) | $(median rejected 5) |"
  echo
  echo "- gateway / bare YARP throughput: $(ratio "$G_RPS" "$Y_RPS") (goal >= 1.0); per round (yarp and gateway runs back to back): $(paste -d' ' "$WORK/gateway" "$WORK/yarp" | awk '{printf "%s%.2f", (NR > 1 ? ", " : ""), $1 / $6}')"
  echo "- CPU per request, bare YARP / gateway: $(ratio "$Y_CPU" "$G_CPU") (1.0 = the gateway costs what YARP does)"
  echo "- added latency over bare YARP: p50 $(awk -v a="$G_P50" -v b="$Y_P50" 'BEGIN{printf "%.3f", a-b}') ms, p99 $(awk -v a="$G_P99" -v b="$Y_P99" 'BEGIN{printf "%.3f", a-b}') ms (goal p99 <= 1 ms)"
  echo "- rejected / bare YARP throughput: $(ratio "$R_RPS" "$Y_RPS") (goal >= 2)"
  echo "- managed allocations per request, less idle: gateway valid key $G_ALLOC B, rejected $R_ALLOC B; bare YARP $Y_ALLOC B (ratio $(ratio "$G_ALLOC" "$Y_ALLOC"))"
  echo "- gateway server memory with the reference service loaded: $(awk -v b="$G_MEM" 'BEGIN { printf "%.0f", b / 1048576 }') MiB resident"
  echo "- full reload (restore of the reference service into itself) under load: $reloads full load(s) logged (last: ${reload_ms} ms); non-2xx responses while it ran: $reload_errors; $reload_socket (goal: zero failed requests)"
} | tee "$OUT"
