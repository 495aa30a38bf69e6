#!/bin/sh
# Runs node for the implementation `aztec`: through Debian 13's loader and libraries where
# setup:aztec unpacked them (host glibc < 2.38), plainly otherwise. Nothing is set in the
# environment, so processes node starts use the system's libraries (bb goes through bb.sh).
HERE="$(cd "$(dirname "$0")" && pwd)"
LIB="$HERE/.runtime/root/usr/lib/x86_64-linux-gnu"
NODE="${DIFFTOWER_NODE:-$(command -v node)}"
if [ -x "$LIB/ld-linux-x86-64.so.2" ]; then
  exec "$LIB/ld-linux-x86-64.so.2" --library-path "$LIB" "$NODE" "$@"
fi
exec "$NODE" "$@"
