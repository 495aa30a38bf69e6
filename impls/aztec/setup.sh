#!/usr/bin/env bash
# `npm run setup:aztec`: makes the implementation `aztec` runnable, without touching the system.
#  1. installs the pinned @aztec 4.1.2 packages into impls/aztec/node_modules (own package.json and
#     lock file, outside difftower's default install, like conformance/);
#  2. only where the system glibc is older than 2.38 (Debian 12 has 2.36; the native world state
#     module and bb need 2.38 and GLIBCXX_3.4.32), fetches Debian 13's libc6, libstdc++6 and
#     libgcc-s1 with `apt-get download` under a private apt configuration and unpacks them with
#     `dpkg-deb -x` into impls/aztec/.runtime (the launcher runs node through its loader);
#  3. checks that Aztec's world state starts and reproduces GENESIS_ARCHIVE_ROOT.
# Idempotent: a second run finds everything in place and only re-checks. Exit 4 (environment) with
# one line when it cannot be done.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
RUNTIME="$HERE/.runtime"
fail() { echo "setup:aztec: $*" >&2; exit 4; }

# --- 1. packages
if [ ! -f "$HERE/node_modules/.difftower-installed" ] || [ "$HERE/package-lock.json" -nt "$HERE/node_modules/.difftower-installed" ]; then
  echo "setup:aztec: installing @aztec 4.1.2 packages into impls/aztec/node_modules (about 600 MB)"
  # `npm install`, not `npm ci`: npm 11 leaves optional platform packages out of the lock file and
  # `npm ci` then refuses it; `install` still installs exactly what the lock pins. No install
  # scripts: everything native ships prebuilt (bb.js, lmdb, node-eth-kzg).
  (cd "$HERE" && npm install --no-audit --no-fund --ignore-scripts --loglevel=error >/dev/null 2>"$HERE/npm-install.log") \
    || fail "npm install of the @aztec packages failed (see impls/aztec/npm-install.log; is the npm registry reachable?)"
  touch "$HERE/node_modules/.difftower-installed"
fi

# --- 2. glibc
glibc_ok() { # the system glibc is >= 2.38
  local v; v=$(getconf GNU_LIBC_VERSION 2>/dev/null | awk '{print $2}') || return 1
  [ -n "$v" ] && [ "$(printf '%s\n2.38\n' "$v" | sort -V | head -1)" = "2.38" ]
}
if glibc_ok; then
  rm -rf "$RUNTIME"
elif [ ! -x "$RUNTIME/root/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" ]; then
  command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null \
    || fail "glibc $(getconf GNU_LIBC_VERSION | awk '{print $2}') < 2.38 and no apt-get/dpkg-deb to fetch Debian 13's runtime: run on a host with glibc >= 2.38"
  [ "$(uname -m)" = x86_64 ] || fail "the native world state ships for x86_64 linux only (this is $(uname -m))"
  echo "setup:aztec: glibc < 2.38: fetching Debian 13 libc6, libstdc++6, libgcc-s1 into impls/aztec/.runtime"
  apt="$RUNTIME/apt"
  rm -rf "$RUNTIME"; mkdir -p "$apt/sources" "$apt/lists/partial" "$apt/cache/archives/partial" "$RUNTIME/debs" "$RUNTIME/root"
  keyring=/usr/share/keyrings/debian-archive-keyring.gpg
  [ -f "$keyring" ] || fail "no Debian archive keyring at $keyring: run on a host with glibc >= 2.38"
  printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: trixie\nComponents: main\nSigned-By: %s\n' "$keyring" > "$apt/sources/trixie.sources"
  opts=(-o "Dir::Etc::sourcelist=/dev/null" -o "Dir::Etc::sourceparts=$apt/sources" -o "Dir::State::lists=$apt/lists"
        -o "Dir::Cache=$apt/cache" -o "Dir::State::status=/dev/null" -o "Debug::NoLocking=1" -o "APT::Architecture=amd64" -o "APT::Sandbox::User=root")
  apt-get "${opts[@]}" -qq update >/dev/null 2>"$RUNTIME/apt.log" || fail "apt-get update for Debian 13 failed (see impls/aztec/.runtime/apt.log)"
  (cd "$RUNTIME/debs" && apt-get "${opts[@]}" -qq download libc6 libstdc++6 libgcc-s1 >/dev/null 2>>"$RUNTIME/apt.log") \
    || fail "apt-get download of Debian 13's libc6 libstdc++6 libgcc-s1 failed (see impls/aztec/.runtime/apt.log)"
  for d in "$RUNTIME"/debs/*.deb; do dpkg-deb -x "$d" "$RUNTIME/root"; done
  rm -rf "$apt/lists" "$apt/cache"
fi

# --- 3. check
LOG_LEVEL="${LOG_LEVEL:-warn}" "$HERE/node.sh" "$HERE/scripts/check.mjs" || fail "Aztec's world state did not start here (see the message above)"
