#!/usr/bin/env bash
# Runs every test suite on a fresh machine and ends with "N passed, N failed".
#  1. installs the pinned Node tools (npm ci: Azurite, the Azure SDKs) and builds the solution;
#  2. starts a throwaway PostgreSQL cluster and Azurite on free loopback ports;
#  3. runs the xunit suite (integration tests on SQLite and PostgreSQL);
#  4. starts OpenApim as a real process (SQLite, then PostgreSQL) and runs the conformance
#     suites against it: node --test with the official JS SDKs, then the Azure CLI (Debian's azure-cli)
#     and the Python SDK (Debian's python3-azure), installed here with apt when missing;
#  5. the console's browser tests: Debian's Chromium (apt) driven by playwright-core (npm ci) against a server process.
# Everything it starts is stopped and removed on exit, also on failure.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
source scripts/lib.sh
WORK=$(mktemp -d -t openapim-test.XXXXXX)
add_cleanup "rm -rf $WORK"
trap 'run_cleanups' EXIT
trap 'exit 130' INT TERM

PASSED=0
FAILED=0
step() { printf '\n==> %s\n' "$*"; }
fail_setup() { echo "SETUP FAILED: $*" >&2; echo "0 passed, 1 failed"; exit 1; }

step "Installing Node test tools (npm ci)"
(cd tests/conformance && npm ci --no-audit --no-fund --loglevel=error) || fail_setup "npm ci"
(cd tests/browser && npm ci --no-audit --no-fund --loglevel=error) || fail_setup "npm ci (browser)"

step "Installing the Azure CLI, the Python SDK and Chromium (apt: azure-cli python3-azure chromium)"
if ! command -v az >/dev/null || ! command -v chromium >/dev/null || ! /usr/bin/python3 -c "import azure.mgmt.apimanagement, azure.identity, azure.storage.blob" 2>/dev/null; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  ($SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq azure-cli python3-azure chromium >/dev/null) || fail_setup "apt-get install azure-cli python3-azure chromium"
fi
chromium --version 2>/dev/null
az version --query '"azure-cli"' -o tsv 2>/dev/null | sed 's/^/az /'

step "Building"
dotnet build OpenApim.slnx -c Debug -nologo -clp:ErrorsOnly || fail_setup "dotnet build"

step "Starting PostgreSQL and Azurite"
start_postgres || fail_setup "PostgreSQL"
start_azurite "$ROOT" || fail_setup "Azurite"
echo "PostgreSQL on port $PG_PORT, Azurite on $AZURITE_URL"

step "xunit: integration tests (SQLite and PostgreSQL)"
OPENAPIM_TEST_POSTGRES="$PG_URL" OPENAPIM_TEST_AZURITE="$AZURITE_URL" \
  dotnet test tests/OpenApim.Tests --no-build -nologo --logger "trx;LogFileName=$WORK/xunit.trx" --logger "console;verbosity=minimal"
if [ -f "$WORK/xunit.trx" ]; then
  counters=$(grep -o '<Counters [^>]*>' "$WORK/xunit.trx")
  x_passed=$(sed -E 's/.* passed="([0-9]+)".*/\1/' <<<"$counters")
  x_total=$(sed -E 's/.* total="([0-9]+)".*/\1/' <<<"$counters")
  PASSED=$((PASSED + x_passed))
  FAILED=$((FAILED + x_total - x_passed))
  echo "xunit: $x_passed passed, $((x_total - x_passed)) failed"
else
  echo "xunit produced no results" >&2
  FAILED=$((FAILED + 1))
fi

# start_server NAME LIFETIME [server flags...]: one OpenApim process (backups to Azurite); sets SERVER_PID and SERVER_DATA.
start_server() {
  local name=$1 lifetime=$2; shift 2
  SERVER_DATA="$WORK/server-$name"
  mkdir -p "$SERVER_DATA"
  OPENAPIM_BLOB_ENDPOINT_TEMPLATE="$AZURITE_URL/{account}" OPENAPIM_BACKUP_LIFETIME="$lifetime" \
    dotnet src/OpenApim.Server/bin/Debug/net10.0/OpenApim.Server.dll --data-dir "$SERVER_DATA" --management-port 0 --gateway-port 0 "$@" \
    >"$WORK/server-$name.log" 2>&1 &
  SERVER_PID=$!
  add_cleanup "kill $SERVER_PID"
  wait_for_line "$WORK/server-$name.log" "OpenApim ready" "$SERVER_PID" 30
}

# count LOG SUITE: adds the '# pass N' / '# fail N' lines of LOG to the totals (a suite that printed none failed).
count() {
  local c_pass c_fail
  c_pass=$(grep -E '^# pass ' "$1" | tail -1 | awk '{print $3}')
  c_fail=$(grep -E '^# fail ' "$1" | tail -1 | awk '{print $3}')
  c_pass=${c_pass:-0}; c_fail=${c_fail:-1}
  PASSED=$((PASSED + c_pass))
  FAILED=$((FAILED + c_fail))
  echo "$2: $c_pass passed, $c_fail failed"
  [ "$c_fail" = 0 ]
}

# run_conformance NAME [server flags...]: the node suite (official JS SDKs) against its own server.
run_conformance() {
  local name=$1; shift
  # A short backup lifetime lets the suite check expiry; every other restore happens within seconds of its backup.
  if ! start_server "js-$name" "00:00:08" "$@"; then FAILED=$((FAILED + 1)); return; fi
  (cd tests/conformance && OPENAPIM_ENDPOINTS="$SERVER_DATA/endpoints.json" AZURITE_URL="$AZURITE_URL" OPENAPIM_TEST_BACKUP_LIFETIME_MS=8000 \
    NODE_EXTRA_CA_CERTS="$(node -e "console.log(require('$SERVER_DATA/endpoints.json').certificatePath)")" \
    node --test --test-concurrency=1 --test-reporter=spec --test-reporter-destination=stdout \
      --test-reporter=tap --test-reporter-destination="$WORK/conformance-$name.tap")
  count "$WORK/conformance-$name.tap" "conformance JS SDKs ($name)" || tail -50 "$WORK/server-js-$name.log"
  kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null
}

# run_clients NAME [server flags...]: the Azure CLI and the Python SDK, as Debian packages them, against their own server.
run_clients() {
  local name=$1; shift
  if ! start_server "clients-$name" "30.00:00:00" "$@"; then FAILED=$((FAILED + 1)); return; fi
  local client
  for client in test_azure_cli test_python_sdk; do
    (cd tests/clients && TMPDIR="$WORK" OPENAPIM_ENDPOINTS="$SERVER_DATA/endpoints.json" AZURITE_URL="$AZURITE_URL" /usr/bin/python3 openapim.py "$client") \
      >"$WORK/$client-$name.log" 2>&1
    cat "$WORK/$client-$name.log"
    count "$WORK/$client-$name.log" "$client ($name)" || tail -50 "$WORK/server-clients-$name.log"
  done
  kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null
}

# run_browser NAME [server flags...]: the console in Chromium against its own server on the embedded storage defaults
# (the local-folder account devstoreaccount1 and its backups container), as `dotnet run` starts it.
run_browser() {
  local name=$1; shift
  SERVER_DATA="$WORK/server-browser-$name"
  mkdir -p "$SERVER_DATA"
  dotnet src/OpenApim.Server/bin/Debug/net10.0/OpenApim.Server.dll --data-dir "$SERVER_DATA" --management-port 0 --gateway-port 0 "$@" \
    >"$WORK/server-browser-$name.log" 2>&1 &
  SERVER_PID=$!
  add_cleanup "kill $SERVER_PID"
  if ! wait_for_line "$WORK/server-browser-$name.log" "OpenApim ready" "$SERVER_PID" 30; then FAILED=$((FAILED + 1)); return; fi
  (cd tests/browser && OPENAPIM_ENDPOINTS="$SERVER_DATA/endpoints.json" OPENAPIM_SCREENSHOTS="$WORK/screenshots-$name" \
    NODE_EXTRA_CA_CERTS="$(node -e "console.log(require('$SERVER_DATA/endpoints.json').certificatePath)")" \
    node --test --test-concurrency=1 --test-reporter=spec --test-reporter-destination=stdout \
      --test-reporter=tap --test-reporter-destination="$WORK/browser-$name.tap")
  count "$WORK/browser-$name.tap" "browser: console in Chromium ($name)" || tail -50 "$WORK/server-browser-$name.log"
  kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null
}

new_database() {
  local db="openapim_$1_$$"
  "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "CREATE DATABASE $db" >/dev/null || FAILED=$((FAILED + 1))
  echo "Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=$db"
}

step "Conformance: official JS SDKs against OpenApim on SQLite"
run_conformance sqlite

step "Conformance: official JS SDKs against OpenApim on PostgreSQL"
run_conformance postgres --postgres "$(new_database conformance)"

step "Clients: Azure CLI and Python SDK against OpenApim on SQLite"
run_clients sqlite

step "Clients: Azure CLI and Python SDK against OpenApim on PostgreSQL"
run_clients postgres --postgres "$(new_database clients)"

step "Browser: the operator console in Chromium against OpenApim on SQLite"
run_browser sqlite

step "Browser: the operator console in Chromium against OpenApim on PostgreSQL"
run_browser postgres --postgres "$(new_database browser)"

echo
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]
