#!/usr/bin/env bash
# Runs every test suite on a fresh machine and ends with "N passed, N failed".
#  1. installs the pinned Node tools (npm ci: Azurite, the Azure SDKs) and builds the solution;
#  2. starts a throwaway PostgreSQL cluster and Azurite on free loopback ports;
#  3. runs the xunit suite (integration tests on SQLite and PostgreSQL);
#  4. starts OpenApim as a real process (SQLite, then PostgreSQL) and runs the conformance
#     suite (node --test with the official Azure SDKs) against it.
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

# run_conformance NAME [server flags...]: one OpenApim process and the node suite against it.
run_conformance() {
  local name=$1; shift
  local data="$WORK/server-$name"
  mkdir -p "$data"
  # A short backup lifetime lets the suite check expiry; every other restore happens within seconds of its backup.
  OPENAPIM_BLOB_ENDPOINT_TEMPLATE="$AZURITE_URL/{account}" OPENAPIM_BACKUP_LIFETIME="00:00:08" \
    dotnet src/OpenApim.Server/bin/Debug/net10.0/OpenApim.Server.dll --data-dir "$data" --management-port 0 --gateway-port 0 "$@" \
    >"$WORK/server-$name.log" 2>&1 &
  local pid=$!
  add_cleanup "kill $pid"
  if ! wait_for_line "$WORK/server-$name.log" "OpenApim ready" "$pid" 30; then
    FAILED=$((FAILED + 1))
    return
  fi

  (cd tests/conformance && OPENAPIM_ENDPOINTS="$data/endpoints.json" AZURITE_URL="$AZURITE_URL" OPENAPIM_TEST_BACKUP_LIFETIME_MS=8000 \
    NODE_EXTRA_CA_CERTS="$(node -e "console.log(require('$data/endpoints.json').certificatePath)")" \
    node --test --test-concurrency=1 --test-reporter=spec --test-reporter-destination=stdout \
      --test-reporter=tap --test-reporter-destination="$WORK/conformance-$name.tap")
  local c_pass c_fail
  c_pass=$(grep -E '^# pass ' "$WORK/conformance-$name.tap" | awk '{print $3}')
  c_fail=$(grep -E '^# fail ' "$WORK/conformance-$name.tap" | awk '{print $3}')
  c_pass=${c_pass:-0}; c_fail=${c_fail:-1}
  PASSED=$((PASSED + c_pass))
  FAILED=$((FAILED + c_fail))
  echo "conformance ($name): $c_pass passed, $c_fail failed"
  kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
  if [ "$c_fail" != 0 ]; then tail -50 "$WORK/server-$name.log"; fi
}

step "Conformance: official Azure SDKs against OpenApim on SQLite"
run_conformance sqlite

step "Conformance: official Azure SDKs against OpenApim on PostgreSQL"
PGDB="openapim_conformance_$$"
"$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "CREATE DATABASE $PGDB" >/dev/null || FAILED=$((FAILED + 1))
run_conformance postgres --postgres "Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=$PGDB"

echo
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]
