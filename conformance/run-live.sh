#!/usr/bin/env bash
# Live cross-check against Aztec 4.1.2: installs the @aztec packages in conformance/ (about
# 470 MB, not part of difftower's default install), regenerates every vector with Aztec's own code
# and fails if they differ from the committed ones; then the test suite replays them.
set -euo pipefail
cd "$(dirname "$0")"
npm install --no-audit --no-fund --no-package-lock
out=$(mktemp -d)
node generate.mjs "$out"
for f in vectors/*.json; do
  if ! cmp -s "$f" "$out/$(basename "$f")"; then
    echo "conformance: $(basename "$f") differs from what @aztec 4.1.2 generates now (fresh copy in $out)" >&2
    exit 1
  fi
done
echo "conformance: committed vectors match @aztec 4.1.2"
cd .. && npx vitest run impls
