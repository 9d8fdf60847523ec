#!/usr/bin/env bash
# Installs whatever the tests and the demo need that this Debian machine
# lacks; safe to run again (it skips what is already there). Everything
# comes from Debian, crates.io or npm: nothing else is downloaded.
set -euo pipefail
cd "$(dirname "$0")/.."

# wasm-pack's own version; wasm-bindgen-cli must match Cargo.lock exactly.
WASM_PACK_VERSION=0.15.1
BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3 }' Cargo.lock)

say() { printf '\033[1msetup:\033[0m %s\n' "$*"; }

# Debian packages: Chromium and its driver for the browser tests, Mesa's
# Vulkan drivers (lavapipe, a CPU Vulkan device) for the native GPU tests.
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
compgen -G '/usr/share/vulkan/icd.d/lvp_icd*.json' >/dev/null || missing+=(mesa-vulkan-drivers)
command -v npm >/dev/null || missing+=(npm)
if ((${#missing[@]})); then
    if [ "$(id -u)" = 0 ]; then
        sudo=()
    elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
        sudo=(sudo)
    else
        echo "Missing Debian packages: ${missing[*]}" >&2
        echo "Install them with:  sudo apt-get install ${missing[*]}" >&2
        exit 1
    fi
    say "apt-get install ${missing[*]}"
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "rustup target add wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown
fi

if ! wasm-pack --version 2>/dev/null | grep -qF "$WASM_PACK_VERSION"; then
    say "cargo install wasm-pack $WASM_PACK_VERSION (a few minutes, once)"
    cargo install wasm-pack --version "$WASM_PACK_VERSION" --locked
fi

# wasm-pack would try to download this from GitHub; installing the exact
# version from crates.io first means it finds it on PATH instead.
if ! wasm-bindgen --version 2>/dev/null | grep -qF "$BINDGEN_VERSION"; then
    say "cargo install wasm-bindgen-cli $BINDGEN_VERSION (a few minutes, once)"
    # Its own lock file can name a version the registry no longer offers;
    # then let cargo resolve compatible versions instead.
    cargo install wasm-bindgen-cli --version "$BINDGEN_VERSION" --locked ||
        cargo install wasm-bindgen-cli --version "$BINDGEN_VERSION"
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "npm ci"
    npm ci --no-audit --no-fund --loglevel=error
fi
