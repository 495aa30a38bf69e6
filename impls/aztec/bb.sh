#!/bin/sh
# bb.js runs Barretenberg's `bb` as a child process (Aztec's async Poseidon2, e.g. block header
# hashes). Where setup:aztec unpacked Debian 13's runtime (host glibc < 2.38), that child needs the
# same private loader as node: bb.js is given this script as its bb path.
HERE="$(cd "$(dirname "$0")" && pwd)"
LIB="$HERE/.runtime/root/usr/lib/x86_64-linux-gnu"
BB="$HERE/node_modules/@aztec/bb.js/build/amd64-linux/bb"
if [ -x "$LIB/ld-linux-x86-64.so.2" ]; then
  exec "$LIB/ld-linux-x86-64.so.2" --library-path "$LIB" "$BB" "$@"
fi
exec "$BB" "$@"
