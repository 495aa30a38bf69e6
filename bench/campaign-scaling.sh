#!/usr/bin/env bash
# Campaign scaling on one Redis: for 1, 2 and 3 worker processes on this machine, CPU seconds per
# checkpoint (user+sys of every worker process, threads included) and Redis commands per
# checkpoint (INFO commandstats, reset before the workers start). Fixed work: SHARDS x RUNS cases.
# Usage: bash bench/campaign-scaling.sh [SHARDS] [RUNS] [IMPLS]
set -euo pipefail
cd "$(dirname "$0")/.."
SHARDS=${1:-6}; RUNS=${2:-30}; IMPLS=${3:-ts,rust}
PORT=$(( 30000 + RANDOM % 20000 ))
redis-server --port "$PORT" --bind 127.0.0.1 --save '' --appendonly no >/dev/null &
RPID=$!
trap 'kill $RPID' EXIT
sleep 0.5
URL=redis://127.0.0.1:$PORT
DT=(node --import tsx cli/entry.ts)
for N in 1 2 3; do
  NAME=scale-$N-$$
  "${DT[@]}" campaign start --cluster "$URL" --campaign "$NAME" --shards "$SHARDS" --runs-per-shard "$RUNS" --seed 42 --impls "$IMPLS" >/dev/null
  redis-cli -p "$PORT" CONFIG RESETSTAT >/dev/null
  TMP=$(mktemp -d)
  for W in $(seq 1 "$N"); do
    /usr/bin/time -f '%U %S' -o "$TMP/cpu-$W" "${DT[@]}" fuzz --cluster "$URL" --campaign "$NAME" --quiet >/dev/null &
  done
  wait $(jobs -p | grep -v "^$RPID$") 2>/dev/null || true
  OPS=$(redis-cli -p "$PORT" INFO commandstats | sed -n 's/^cmdstat_\([a-z|]*\):calls=\([0-9]*\).*/\2/p' | paste -sd+ | bc)
  TOP=$(redis-cli -p "$PORT" INFO commandstats | sed -n 's/^cmdstat_\([a-z|]*\):calls=\([0-9]*\).*/\2 \1/p' | sort -rn | head -6 | awk '{printf "%s %s, ", $2, $1}')
  CPU=$(cat "$TMP"/cpu-* | awk '{s+=$1+$2} END {print s}')
  REPORT=$("${DT[@]}" campaign report --cluster "$URL" --campaign "$NAME" --out "$TMP/out" --report json 2>/dev/null || true)
  CP=$(echo "$REPORT" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).checkpoints))')
  WORKERS=$(echo "$REPORT" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).workers.map(w=>w.shards).join("+")))')
  USED=$(redis-cli -p "$PORT" INFO memory | sed -n 's/^used_memory_human:\(.*\)\r$/\1/p')
  echo "workers=$N checkpoints=$CP shards-per-worker=$WORKERS cpu_s=$CPU cpu_ms_per_checkpoint=$(echo "scale=2; $CPU*1000/$CP" | bc) redis_ops=$OPS redis_ops_per_checkpoint=$(echo "scale=3; $OPS/$CP" | bc) redis_mem=$USED top: $TOP"
  rm -rf "$TMP"
done
