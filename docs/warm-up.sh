#!/usr/bin/env bash
# Builds, before class, everything a lesson runs, so that no student waits for the compiler and
# nothing after this needs the network. Run it the day before on the machine you project from and
# on every laptop, from any folder:
#
#   bash docs/warm-up.sh
#
# It builds, in this order:
#
#   1. every `cargo run` the book's pages show (grepped from docs/src), as `cargo build` with the
#      same arguments: `cargo run -p flags-sequential` becomes `cargo build -p flags-sequential`,
#      `cargo run --release -p flags-race` a release build of the race. Not one
#      `cargo build --workspace`: Cargo turns on a dependency's features for the packages one
#      command selects, so `cargo run -p flags-sequential` compiles hyper, serde, tower and more
#      with other features than a workspace-wide build does, and would start compiling in class;
#   2. every test of the workspace (`cargo test --workspace` then only runs them, except the
#      doc-tests, which rustdoc compiles as it runs them);
#   3. docs/, a Cargo workspace of its own: every exercise's and solution's tests and binaries,
#      and the `cargo run --bin`/`--example` commands of the pages (exercise 7 and the process
#      pool example run in release);
#   4. the book, through `docs/check.sh book`, which installs mdBook 0.5.4 into target/tools the
#      first time (that install fetches mdBook's own crates from crates.io).
#
# A step that fails does not stop the others: the script carries on, lists what failed at the end
# and exits 1. It prints how long it took and where the book is. Builds go where a student's
# `cargo run` will look for them: the repository's target/ (docs/.cargo/config.toml sends
# docs/'s builds there too), or $CARGO_TARGET_DIR if you set it for both.
set -euo pipefail

DOCS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$DOCS")"
started=$SECONDS
failed=()

step() { printf '\n=== warm-up: %s (%s)\n' "$*" "$(date +%T)"; }

# Runs one cargo command in a folder, echoing it first; a failure is noted, not fatal.
run_in() { # DIR CARGO-ARGS...
    local dir=$1 shown
    shift
    shown="${dir#"$ROOT"}"
    shown="${shown#/}"
    printf '+ (cd %s && cargo %s)\n' "${shown:-.}" "$*"
    (cd "$dir" && cargo "$@") || failed+=("(in ${shown:-the root}) cargo $*")
}

# The `cargo run` commands of the book's pages, up to the program's own arguments, one per line
# and each once: `cargo run --release -p flags-race`, `cargo run --bin ex01_map`, ...
book_runs() {
    grep -rhoE --include='*.md' \
        'cargo run( --release)?( -p [A-Za-z0-9_-]+)?( --(bin|example) [A-Za-z0-9_-]+)?( --release)?' \
        "$DOCS/src" | sort -u
}

main_builds=()
docs_builds=()
while IFS= read -r command; do
    read -ra words <<<"$command"
    args=("${words[@]:2}")                       # drop `cargo run`
    (( ${#args[@]} )) || continue                # a bare `cargo run` names no program
    # A `-p PACKAGE` is the main workspace's; the exercises and examples of docs/ are named alone.
    if [[ " ${args[*]} " == *" -p "* ]]; then
        main_builds+=("${args[*]}")
    else
        docs_builds+=("${args[*]}")
    fi
done < <(book_runs)
if (( ${#main_builds[@]} == 0 || ${#docs_builds[@]} == 0 )); then
    echo "warm-up: found no \`cargo run\` command in $DOCS/src; has the book moved?" >&2
    exit 1
fi

step "the programs the book runs (${#main_builds[@]} commands)"
for build in "${main_builds[@]}"; do
    read -ra args <<<"$build"
    run_in "$ROOT" build "${args[@]}"
done

step "the workspace's tests"
run_in "$ROOT" test --workspace --no-run

step "docs/: the exercises, their solutions, the book's examples"
# `cargo test --bin exNN` for every exercise and solution, then `cargo run --bin exNN` for each.
run_in "$DOCS" test --no-run
run_in "$DOCS" build --bins
for build in "${docs_builds[@]}"; do
    [[ "$build" == "--bin "* ]] && continue      # a debug binary: built just above
    read -ra args <<<"$build"
    run_in "$DOCS" build "${args[@]}"
done

step "the book"
"$DOCS/check.sh" book || failed+=("docs/check.sh book")

elapsed=$((SECONDS - started))
step "done in $((elapsed / 60)) min $((elapsed % 60)) s"
# book.toml sets the book's place: the repository's target/book, whatever CARGO_TARGET_DIR says.
echo "the book: $ROOT/target/book/index.html (open it in a browser; no server needed)"
if (( ${#failed[@]} )); then
    echo "these steps failed (scroll up for the compiler's messages):" >&2
    printf '  %s\n' "${failed[@]}" >&2
    exit 1
fi
echo "everything is built: \`cargo run\` and \`cargo test\` in class will start at once"
