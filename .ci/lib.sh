# Shared helpers for the platform lanes (.ci/windows, .ci/macos). Sourced, not run.
#
# Both lanes build with Debian's Rust (rustc-web, cargo-web) rather than rustup's: rustup cannot
# add targets on a machine without its network, but Debian ships the standard library's source
# (rust-web-src), so `-Zbuild-std` compiles std for any target offline.

# shellcheck shell=bash
# shellcheck disable=SC2034 # its variables are for the scripts that source it

# The Debian toolchain. ~/.cargo/bin (rustup's proxies) comes first on a CI machine's PATH, so
# name every tool by its full path, and put /usr/bin first so that cargo's subcommands
# (`cargo clippy` finds `cargo-clippy` on PATH) are Debian's too, of the same version as rustc.
# RUSTC_BOOTSTRAP=1 lets this stable toolchain accept `-Zbuild-std`.
use_debian_rust() {
    export PATH="/usr/bin:$PATH"
    export RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc RUSTC_BOOTSTRAP=1
    unset RUSTC_WRAPPER RUSTC_WORKSPACE_WRAPPER RUSTUP_TOOLCHAIN
    debian_cargo=/usr/bin/cargo
}

# Installs the Debian packages named that are not installed yet (apt-get update only if needed),
# so a second run on the same machine costs one dpkg-query.
need_packages() {
    local missing=() pkg
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' ||
            missing+=("$pkg")
    done
    ((${#missing[@]} == 0)) && return 0
    echo "installing: ${missing[*]}"
    local sudo=()
    ((EUID == 0)) || sudo=(sudo)
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >/dev/null
}

# Prints "=== what (time)" like .ci/run's steps, so the lanes read as part of the same log.
step() { printf '\n=== %s (%s)\n' "$*" "$(date +%T)"; }
