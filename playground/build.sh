#!/usr/bin/env bash
# Builds the playground into playground/dist/index.html: one self-contained
# page (inline CSS and JS, the WebAssembly module as base64) that works offline
# from file://. Needs cargo with the wasm32-unknown-unknown target (added here
# through rustup when missing) and node.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"

if ! command -v cargo >/dev/null 2>&1 && [ -x "$HOME/.cargo/bin/cargo" ]; then
  export PATH="$HOME/.cargo/bin:$PATH"
fi
if command -v rustup >/dev/null 2>&1 && ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown
fi
command -v node >/dev/null 2>&1 || { echo "build.sh: node is needed to assemble the page; install nodejs" >&2; exit 1; }

# Its own target folder: a wasm release build shares nothing with the native one.
export CARGO_TARGET_DIR="$here/target"
(cd "$here/wasm" && cargo build --release --target wasm32-unknown-unknown)
node "$here/assemble.mjs" "$CARGO_TARGET_DIR/wasm32-unknown-unknown/release/sixpoint_playground.wasm" \
  "$root" "$here/dist/index.html"
