#!/usr/bin/env bash
# Runs the test suite beside a CPU load, as a busy CI machine would: LOAD_PER_CORE busy processes
# per core (default 2) spin for the whole run. Every time limit in the tests must hold at ten
# times its idle duration, so this run must pass just like an idle one.
#
# Usage: scripts/test-under-load.sh [command...]     (default: npm test)
# Env:   LOAD_PER_CORE=N   busy processes per core (default 2)
set -euo pipefail
cd "$(dirname "$0")/.."

per_core="${LOAD_PER_CORE:-2}"
cores="$(nproc)"
pids=()
stop_load() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
}
trap stop_load EXIT INT TERM

for _ in $(seq 1 $((per_core * cores))); do
  # `nice` off: the load competes with the tests at the same priority, as other CI jobs would.
  bash -c 'while :; do :; done' &
  pids+=("$!")
done
echo "test-under-load: ${#pids[@]} busy processes on $cores cores; running: ${*:-npm test}" >&2

start=$(date +%s)
status=0
if [ "$#" -gt 0 ]; then "$@" || status=$?; else npm test || status=$?; fi
echo "test-under-load: exit $status after $(( $(date +%s) - start )) s" >&2
exit "$status"
