#!/usr/bin/env bash
# Builds the Rust STF as a WebAssembly component exporting the world difftower:stf/stf
# (wit/stf.wit): impls/rust/dist/difftower_stf.wasm.
#
#   impls/rust/build-wasm.sh           build the component
#   impls/rust/build-wasm.sh --smoke   also transpile it with jco (npx, pinned) and replay the
#                                      checkpoint conformance vectors through it in Node
#
# Recipe: rustup's wasm32-unknown-unknown std (rustup target add works on these machines now),
# wit-bindgen for the canonical-ABI glue, and the toolchain's own `wasm-component-ld` as the
# linker, which turns the core module into a component (no WASI imports, no adapter). No Node
# is needed to build; Node + npm only for --smoke.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/dist"
target=wasm32-unknown-unknown

if ! rustup target list --installed | grep -qx "$target"; then
  rustup target add "$target" || {
    echo "build-wasm.sh: cannot install the $target std with rustup." >&2
    echo "  Fallback (see /work/shared/TOOLCHAIN.md): Debian's rustc-web/cargo-web/rust-web-src with" >&2
    echo "  RUSTC_BOOTSTRAP=1 cargo build -Zbuild-std=std,panic_abort and rust-lld as the linker." >&2
    exit 1
  }
fi

host="$(rustc -vV | sed -n 's/^host: //p')"
bindir="$(rustc --print sysroot)/lib/rustlib/$host/bin"
[ -x "$bindir/wasm-component-ld" ] || { echo "build-wasm.sh: no wasm-component-ld in $bindir" >&2; exit 1; }

export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER="$bindir/wasm-component-ld"
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-C link-arg=--wasi-adapter=none -C link-arg=--wasm-ld-path=$bindir/gcc-ld/wasm-ld"
cargo build --release --locked --target "$target" \
  --manifest-path "$here/wasm/Cargo.toml" --target-dir "$here/target/wasm"

mkdir -p "$out"
cp "$here/target/wasm/$target/release/difftower_stf_wasm.wasm" "$out/difftower_stf.wasm"
# A component starts with the preamble 00 61 73 6d 0d 00 01 00 (a core module has 01 00 00 00).
if [ "$(head -c 8 "$out/difftower_stf.wasm" | od -An -tx1 | tr -d ' \n')" != "0061736d0d000100" ]; then
  echo "build-wasm.sh: output is not a component" >&2
  exit 1
fi
echo "component: $out/difftower_stf.wasm ($(wc -c < "$out/difftower_stf.wasm") bytes)"

if [ "${1:-}" = "--smoke" ]; then
  jco="npx --yes @bytecodealliance/jco@1.35.0"
  rm -rf "$out/js"
  $jco transpile "$out/difftower_stf.wasm" -o "$out/js" --name stf >/dev/null
  echo '{"type":"module"}' > "$out/js/package.json"
  node "$here/wasm/smoke.mjs" "$out/js/stf.js"
fi
