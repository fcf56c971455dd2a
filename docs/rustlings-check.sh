#!/usr/bin/env bash
# Runs `rustlings dev check` on the exercise set in docs/, for .ci/run (and for anyone, from any
# folder): Rustlings' own proof that the set is in its third-party format (the `bin` list of
# docs/Cargo.toml, a `// TODO` and a `#[test]` in every exercise, a hint for each), that no
# exercise is solved already, and that every solution builds, passes its tests, is clippy-clean
# with `-D warnings`, is formatted, and its `main` runs. docs/check.sh checks most of this with
# Cargo alone; this proves that the program students use accepts the set as it is.
#
# Usage: docs/rustlings-check.sh
#
# Installs Rustlings (pinned) into target/tools the first time, like check.sh does mdBook, so
# later runs reuse it. The exercises build in the repository's target/ (CARGO_TARGET_DIR
# overrides it). Needs no network once the dependencies are downloaded: Rustlings only runs
# cargo build, test and clippy, which then find everything in Cargo's cache.
set -euo pipefail

DOCS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$DOCS")"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
RUSTLINGS_VERSION=6.5.0
TOOLS="$ROOT/target/tools"
bin="$TOOLS/bin/rustlings"

if [[ ! -x "$bin" ]] || [[ "$("$bin" --version)" != "rustlings $RUSTLINGS_VERSION" ]]; then
    echo "installing rustlings $RUSTLINGS_VERSION into $TOOLS" >&2
    # Its own target dir, so the exercises' CARGO_TARGET_DIR is not disturbed; only the binary
    # is kept between runs.
    cargo install rustlings --locked --version "$RUSTLINGS_VERSION" \
        --root "$TOOLS" --target-dir "$TOOLS/build" >&2
    rm -rf "$TOOLS/build"
fi

started=$SECONDS
cd "$DOCS"
# Rustlings checks the exercises and solutions all at once (cargo build, test and clippy, then
# the binary, for each); it prints a progress line, then "Everything looks fine!" or the first
# problem it found.
"$bin" dev check
echo "rustlings dev check passed in $((SECONDS - started)) s"
