#!/usr/bin/env bash
# Builds the Rust STF as a WebAssembly component of the world difftower:stf/stf-with-bench
# (wit/stf.wit: the `stf` world plus `poseidon2-hash-many`) and writes it to
#
#     impls/rust/dist/stf.wasm          (committed; the difftower host loads it from there)
#
# Usage (from anywhere; non-interactive; exits non-zero on any failure):
#   impls/rust/build-wasm.sh            build the component
#   impls/rust/build-wasm.sh --smoke    also transpile it with jco (npx, pinned) and replay the
#                                       checkpoint conformance vectors and Poseidon2 KATs through it
#   impls/rust/build-wasm.sh --verify   also rebuild from scratch in a temporary target directory
#                                       and fail unless the bytes are identical
#
# Reproducible: the same source gives the same bytes, whatever the checkout directory, CARGO_HOME,
# time of day or the caller's RUSTFLAGS. What makes it so:
#   - a pinned toolchain (TOOLCHAIN below, Rust 1.95.0; rustc's output differs between releases),
#     installed with rustup (minimal profile + the wasm32-unknown-unknown std) if missing;
#     DIFFTOWER_RUST_TOOLCHAIN=... overrides it, at the price of other bytes;
#   - Cargo.lock with --locked (wit-bindgen and its dependencies at fixed versions);
#   - the component crate (wasm/) and the library are members of one workspace (Cargo.toml):
#     cargo hashes a path dependency from outside the workspace by its absolute path, and those
#     hashes reach symbol names and with them the code layout;
#   - --remap-path-prefix for the repository and CARGO_HOME, so no absolute path of this machine
#     reaches the binary (panic locations name /difftower/... and /cargo/... instead);
#   - no debug info, symbols stripped (the `wasm-release` profile in Cargo.toml, and
#     -C debuginfo=0 here);
#   - the caller's RUSTFLAGS / wrappers / profile overrides are ignored (CARGO_ENCODED_RUSTFLAGS
#     takes precedence over every other rustflags source; the others are unset).
#   The flags also enable the wasm `simd128` feature (fixed-width 128-bit SIMD, a finished part of
#   the WebAssembly standard supported by every current engine, Node >= 16.4): the Poseidon2 field
#   of src/field_f64.rs works on two f64 lanes per instruction. It is deterministic: the component
#   uses only exact IEEE f64 arithmetic on integers below 2^53 and lane shuffles, no relaxed SIMD.
#   No tool in this pipeline embeds a time stamp; SOURCE_DATE_EPOCH is fixed anyway, defensively.
#
# Needs: bash, rustup (with network access to install the pinned toolchain on first use), a host C
# linker `cc` (Debian: gcc; for the wit-bindgen proc-macros), network access to crates.io on the
# first build. --smoke also needs Node.js >= 18 with npx (downloads @bytecodealliance/jco).
# Linker: the toolchain's own `wasm-component-ld`, which turns the core module into a component
# (no WASI imports, no adapter); no wasm-tools or Node needed to build.
set -euo pipefail

TOOLCHAIN="${DIFFTOWER_RUST_TOOLCHAIN:-1.95.0}"
TARGET=wasm32-unknown-unknown
JCO="@bytecodealliance/jco@1.35.0"

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
out="$here/dist/stf.wasm"
target_dir="$here/target/wasm"

fail() {
  echo "build-wasm.sh: $*" >&2
  exit 1
}

smoke=false
verify=false
for arg in "$@"; do
  case "$arg" in
    --smoke) smoke=true ;;
    --verify) verify=true ;;
    -h | --help)
      awk 'NR > 1 && /^set -euo/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"
      exit 0
      ;;
    *) fail "unknown argument $arg (see --help)" ;;
  esac
done

command -v rustup >/dev/null 2>&1 || fail "rustup not found (https://rustup.rs)"
if ! rustup run "$TOOLCHAIN" rustc --version >/dev/null 2>&1; then
  echo "build-wasm.sh: installing Rust $TOOLCHAIN (minimal profile, $TARGET)" >&2
  rustup toolchain install "$TOOLCHAIN" --profile minimal --target "$TARGET" --no-self-update ||
    fail "cannot install Rust $TOOLCHAIN with rustup"
fi
if ! rustup target list --installed --toolchain "$TOOLCHAIN" | grep -qx "$TARGET"; then
  rustup target add --toolchain "$TOOLCHAIN" "$TARGET" || fail "cannot add the $TARGET std to Rust $TOOLCHAIN"
fi

host="$(rustup run "$TOOLCHAIN" rustc -vV | sed -n 's/^host: //p')"
bindir="$(rustup run "$TOOLCHAIN" rustc --print sysroot)/lib/rustlib/$host/bin"
[ -x "$bindir/wasm-component-ld" ] || fail "no wasm-component-ld in $bindir"
[ -x "$bindir/gcc-ld/wasm-ld" ] || fail "no gcc-ld/wasm-ld in $bindir"
cargo_home="${CARGO_HOME:-$HOME/.cargo}"
cargo_home="$(mkdir -p "$cargo_home" && cd "$cargo_home" && pwd)"

# Everything that could change the bytes comes from here, not from the caller's environment.
unset RUSTFLAGS CARGO_BUILD_RUSTFLAGS CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS \
  RUSTC_WRAPPER CARGO_BUILD_RUSTC_WRAPPER RUSTC_WORKSPACE_WRAPPER CARGO_BUILD_RUSTC_WORKSPACE_WRAPPER \
  CARGO_BUILD_TARGET_DIR CARGO_TARGET_DIR CARGO_INCREMENTAL
for v in $(env | sed -n 's/^\(CARGO_PROFILE_[A-Z0-9_]*\)=.*/\1/p'); do unset "$v"; done
export SOURCE_DATE_EPOCH=0
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER="$bindir/wasm-component-ld"
flags=(
  -Ctarget-feature=+simd128
  "--remap-path-prefix=$repo=/difftower"
  "--remap-path-prefix=$cargo_home=/cargo"
  -Cdebuginfo=0
  -Clink-arg=--wasi-adapter=none
  "-Clink-arg=--wasm-ld-path=$bindir/gcc-ld/wasm-ld"
)
CARGO_ENCODED_RUSTFLAGS="$(IFS=$'\x1f'; echo "${flags[*]}")"
export CARGO_ENCODED_RUSTFLAGS

build() { # build TARGET_DIR: builds the component there, prints its path
  rustup run "$TOOLCHAIN" cargo build --locked --quiet --profile wasm-release --target "$TARGET" \
    --manifest-path "$here/Cargo.toml" --package difftower-stf-wasm --target-dir "$1" >&2 ||
    fail "cargo build failed"
  echo "$1/$TARGET/wasm-release/difftower_stf_wasm.wasm"
}

built="$(build "$target_dir")"
# A component starts with the preamble 00 61 73 6d 0d 00 01 00 (a core module has 01 00 00 00).
[ "$(head -c 8 "$built" | od -An -tx1 | tr -d ' \n')" = "0061736d0d000100" ] || fail "$built is not a component"
mkdir -p "$(dirname "$out")"
cp "$built" "$out.tmp"
mv "$out.tmp" "$out"
sha() { sha256sum "$1" | cut -d' ' -f1; }
echo "component: $out ($(wc -c <"$out") bytes, sha256 $(sha "$out"), Rust $TOOLCHAIN)"

if $verify; then
  scratch="$(mktemp -d)"
  trap 'rm -rf "$scratch"' EXIT
  again="$(build "$scratch")"
  [ "$(sha "$again")" = "$(sha "$out")" ] || fail "not reproducible: a clean rebuild gave sha256 $(sha "$again")"
  echo "verify: a clean rebuild in another target directory gives the same bytes"
fi

if $smoke; then
  command -v node >/dev/null 2>&1 || fail "--smoke needs Node.js"
  js="$target_dir/js"
  rm -rf "$js"
  npx --yes "$JCO" transpile "$out" -o "$js" --name stf >/dev/null || fail "jco transpile failed"
  echo '{"type":"module"}' >"$js/package.json"
  node "$here/wasm/smoke.mjs" "$js/stf.js" || fail "smoke test failed"
fi
