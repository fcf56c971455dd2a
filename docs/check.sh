#!/usr/bin/env bash
# Proves that docs/ tells the truth, for .ci/run (and for anyone, from any folder):
#
#   1. every `{{#include ...}}` / `{{#rustdoc_include ...}}` in docs/src names a file that
#      exists and, if it names an anchor, a file that has both `ANCHOR: name` and
#      `ANCHOR_END: name` (mdBook renders a missing anchor as an empty listing and exits 0);
#   2. what the README claims about the programs' defaults, and demo_executor_map's local clock,
#      hold for the programs themselves;
#   3. the book builds with mdBook, and its log has no `ERROR`;
#   4. the book's example programs (docs/examples) run, and every exercise is sound: its starter
#      and solution carry the same tests, both are `rustfmt`-clean, the starter compiles and
#      FAILS its tests, the solution PASSES them, is clippy-clean and its main() runs, and the
#      exercise has a hint in info.toml and a page in the book.
#
# Usage: docs/check.sh [includes|claims|book|exercises]...   (no argument: all four)
#
# Needs only bash, coreutils, grep, awk and a Rust toolchain; installs mdBook (pinned) into
# target/tools the first time, so later runs reuse it. Exercises build in the repository's
# target/ directory (override with CARGO_TARGET_DIR) so they reuse the main workspace's
# compiled dependencies instead of building tokio and axum a second time.
set -euo pipefail

DOCS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$DOCS")"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
export CARGO_TERM_COLOR=never
MDBOOK_VERSION=0.5.4
TOOLS="$ROOT/target/tools"

# `timeout` is GNU coreutils: on a Mac without it, run without a time limit.
with_timeout() {
    if command -v timeout >/dev/null; then timeout "$@"; else shift; "$@"; fi
}

failures=0
fail() { printf 'FAIL: %s\n' "$*" >&2; failures=$((failures + 1)); }
step() { printf '\n--- docs: %s (%s)\n' "$*" "$(date +%T)"; }

# ---------------------------------------------------------------------------------------------
check_includes() {
    step "includes and anchors"
    local count=0 md line spec path anchor file
    while IFS= read -r md; do
        # Every `{{#include X}}` or `{{#rustdoc_include X}}` on the page, one per line of output.
        while IFS= read -r spec; do
            count=$((count + 1))
            path="${spec%%:*}"
            anchor=""
            [[ "$spec" == *:* ]] && anchor="${spec#*:}"
            file="$(dirname "$md")/$path"
            if [[ ! -f "$file" ]]; then
                fail "${md#"$ROOT"/}: {{#include $spec}}: no file $path"
                continue
            fi
            [[ -z "$anchor" ]] && continue
            if [[ "$anchor" =~ ^[0-9:]+$ ]]; then
                fail "${md#"$ROOT"/}: {{#include $spec}}: line numbers drift; use an anchor"
                continue
            fi
            if ! grep -Eq "ANCHOR:[[:space:]]*${anchor}([^A-Za-z0-9_-]|\$)" "$file"; then
                fail "${md#"$ROOT"/}: {{#include $spec}}: no 'ANCHOR: $anchor' in $path"
            fi
            if ! grep -Eq "ANCHOR_END:[[:space:]]*${anchor}([^A-Za-z0-9_-]|\$)" "$file"; then
                fail "${md#"$ROOT"/}: {{#include $spec}}: no 'ANCHOR_END: $anchor' in $path"
            elif ! awk -v name="$anchor" '
                    $0 ~ "ANCHOR_END:[[:space:]]*" name "([^A-Za-z0-9_-]|$)" { inside = 0 }
                    inside && $0 !~ /ANCHOR(_END)?:/ && $0 ~ /[^[:space:]]/ { found = 1 }
                    $0 ~ "ANCHOR:[[:space:]]*" name "([^A-Za-z0-9_-]|$)" { inside = 1 }
                    END { exit !found }' "$file"; then
                fail "${md#"$ROOT"/}: {{#include $spec}}: anchor '$anchor' in $path is empty"
            fi
        # A backslash before the braces (`\{{#include x}}`) is mdBook's escape: prose, not a link.
        done < <(grep -oE '(^|[^\\])\{\{#(include|rustdoc_include) [^}]+\}\}' "$md" \
                    | sed -E 's/^[^{]?\{\{#(include|rustdoc_include) +//; s/ *\}\}$//')
    done < <(find "$DOCS/src" -name '*.md' | sort)
    echo "$count includes checked"
}

# ---------------------------------------------------------------------------------------------
mdbook_bin() {
    local bin="$TOOLS/bin/mdbook"
    if [[ ! -x "$bin" ]] || [[ "$("$bin" --version)" != "mdbook v$MDBOOK_VERSION" ]]; then
        echo "installing mdbook $MDBOOK_VERSION into $TOOLS" >&2
        # Only the `search` feature: `serve` and `watch` would pull in a web server we never run.
        # Its own target dir, so the exercises' CARGO_TARGET_DIR is not disturbed.
        cargo install mdbook --locked --version "$MDBOOK_VERSION" \
            --no-default-features --features search \
            --root "$TOOLS" --target-dir "$TOOLS/build" >&2
        # Only the binary is kept between runs; its 300 MB of build files are not needed again.
        rm -rf "$TOOLS/build"
    fi
    echo "$bin"
}

check_book() {
    step "mdbook build"
    local mdbook log
    mdbook="$(mdbook_bin)"
    log="$(mktemp)"
    if ! "$mdbook" build "$DOCS" >"$log" 2>&1; then
        cat "$log"
        fail "mdbook build exited with an error"
    elif grep -q 'ERROR' "$log"; then
        cat "$log"
        fail "mdbook build logged an ERROR"
    else
        cat "$log"
        # mdBook's output works from the disk, search included: no server needed.
        echo "the book: file://$ROOT/target/book/index.html"
    fi
    rm -f "$log"
}

# ---------------------------------------------------------------------------------------------
# The exercise names, in order, from the `bin` list of docs/Cargo.toml (starters only).
exercise_names() {
    grep -oE '\{ name = "[a-z0-9_]+", path = "exercises/' "$DOCS/Cargo.toml" \
        | sed -E 's/.*name = "([a-z0-9_]+)".*/\1/'
}

# The `[[example]]` names of docs/Cargo.toml: the book's small complete programs.
example_names() {
    awk '/^\[\[example\]\]/ { getline; print }' "$DOCS/Cargo.toml" \
        | sed -nE 's/^name = "([a-z0-9_]+)"$/\1/p'
}

exercise_path() { # NAME TREE -> exercises/DIR/NAME.rs (or solutions/...)
    grep -oE "\{ name = \"$1\", path = \"exercises/[^\"]+\"" "$DOCS/Cargo.toml" \
        | sed -E 's/.*path = "exercises\/([^"]+)"/\1/; s/^/'"$2"'\//'
}

tests_of() { # the `#[cfg(test)]` module to the end of the file
    awk '/^#\[cfg\(test\)\]/ { found = 1 } found' "$1"
}

check_exercises() {
    step "exercises: layout, hints, pages, formatting"
    local cargo=(cargo --quiet)
    local names name starter solution
    names=()
    while IFS= read -r name; do names+=("$name"); done < <(exercise_names)
    if (( ${#names[@]} < 10 )); then fail "only ${#names[@]} exercises (at least 10 promised)"; fi
    for name in "${names[@]}"; do
        starter="$DOCS/$(exercise_path "$name" exercises)"
        solution="$DOCS/$(exercise_path "$name" solutions)"
        [[ -f "$starter" ]] || { fail "$name: no starter $starter"; continue; }
        [[ -f "$solution" ]] || { fail "$name: no solution $solution"; continue; }
        grep -q "name = \"${name}_sol\", path = \"solutions/" "$DOCS/Cargo.toml" \
            || fail "$name: no ${name}_sol binary in docs/Cargo.toml"
        [[ -n "$(tests_of "$solution")" ]] || fail "$name: the solution has no tests"
        diff -u <(tests_of "$starter") <(tests_of "$solution") >/dev/null \
            || fail "$name: starter and solution carry different tests (run docs/tools/make_starters.sh)"
        grep -q 'TODO:' "$starter" || fail "$name: the starter has no TODO: mark"
        grep -q 'todo!()' "$starter" || fail "$name: the starter has no todo!() hole"
        grep -q 'todo!()' "$solution" && fail "$name: the solution still has a todo!()"
        grep -q "^name = \"$name\"" "$DOCS/info.toml" || fail "$name: no entry in info.toml"
        grep -rq "cargo test --bin $name\b" "$DOCS/src/exercises" \
            || fail "$name: no page in docs/src/exercises shows 'cargo test --bin $name'"
        rustfmt --edition 2024 --check "$solution" "$starter" >/dev/null \
            || fail "$name: not rustfmt-clean (rustfmt --edition 2024 $solution $starter)"
    done

    # The exercises depend on the workspace's crates by path: when those gain a dependency,
    # docs/Cargo.lock must follow, or every `--locked` build below fails with a vaguer message.
    if ! (cd "$DOCS" && cargo metadata --locked --format-version 1 >/dev/null 2>&1); then
        fail "docs/Cargo.lock is out of date: run 'cargo metadata --format-version 1 >/dev/null' in docs/ (it adds only what is missing) and commit docs/Cargo.lock"
        return
    fi

    rustfmt --edition 2024 --check "$DOCS"/examples/*.rs >/dev/null \
        || fail "docs/examples is not rustfmt-clean (rustfmt --edition 2024 docs/examples/*.rs)"

    step "exercises: every starter and solution compiles (cargo test --no-run)"
    (cd "$DOCS" && "${cargo[@]}" test --locked --bins --no-run) || { fail "the exercises do not compile"; return; }

    step "exercises: solutions and examples are clippy-clean"
    local sol_bins=() example
    for name in "${names[@]}"; do sol_bins+=(--bin "${name}_sol"); done
    for example in $(example_names); do sol_bins+=(--example "$example"); done
    (cd "$DOCS" && "${cargo[@]}" clippy --locked "${sol_bins[@]}" -- -D warnings) \
        || fail "a solution or example has clippy warnings"

    step "exercises: every solution's main runs (the pages' \`cargo run --bin\` commands)"
    (cd "$DOCS" && "${cargo[@]}" build --locked --bins) || fail "the exercise binaries do not build"
    local scratch
    scratch="$(mktemp -d)"
    for name in "${names[@]}"; do
        if (cd "$scratch" && with_timeout 300 "$CARGO_TARGET_DIR/debug/${name}_sol" >/dev/null 2>&1); then
            echo "ok    ${name}_sol runs"
        else
            fail "${name}_sol: its main() failed (cargo run --bin ${name}_sol in docs/ to see why)"
        fi
    done
    rm -rf "$scratch"

    step "the book's example programs run"
    for example in $(example_names); do
        (cd "$DOCS" && "${cargo[@]}" run --locked --example "$example" >/dev/null) \
            && echo "ok    example $example" || fail "example $example does not run"
    done

    step "exercises: every solution passes, every starter fails"
    local out
    for name in "${names[@]}"; do
        if out="$(cd "$DOCS" && with_timeout 600 "${cargo[@]}" test --locked --bin "${name}_sol" 2>&1)"; then
            printf 'ok    %-28s solution passes (%s)\n' "$name" "$(grep -o 'test result: .*' <<<"$out" | cut -d';' -f1-2)"
        else
            printf '%s\n' "$out"
            fail "$name: the solution fails its tests"
        fi
        if out="$(cd "$DOCS" && with_timeout 600 "${cargo[@]}" test --locked --bin "$name" 2>&1)"; then
            fail "$name: the starter passes its tests; it should fail until solved"
        elif grep -q 'test result: FAILED' <<<"$out"; then
            printf 'ok    %-28s starter fails as it should (%s)\n' "$name" "$(grep -o 'test result: .*' <<<"$out" | cut -d';' -f2-3)"
        else
            printf '%s\n' "$out"
            fail "$name: the starter did not fail through its tests (crash or timeout?)"
        fi
    done
}

# ---------------------------------------------------------------------------------------------
# What the README and the pages claim about the programs' behaviour, checked against the
# programs themselves (each claim was once untrue).
check_claims() {
    step "claims: the README's defaults, demo_executor_map's clock"
    local readme="$ROOT/README.md" bin="$CARGO_TARGET_DIR/debug"
    cargo build --quiet --manifest-path "$ROOT/Cargo.toml" -p flags-sequential \
        -p executor-core --bins --example demo_executor_map
    # The first programs default to the 0.1-0.3 s profile, the flags2 ones to LOCAL.
    grep -q 'give that server 0.1-0.3 s of latency' "$readme" ||
        fail "README.md no longer states the first programs' default latency"
    grep -q 'the flags2 and flags3 programs default to `-s LOCAL`' "$readme" ||
        fail "README.md no longer states the flags2 programs' default server"
    "$bin/flags-sequential" --help | grep -q 'Default: the built-in server with 0.1-0.3 s latency' ||
        fail "flags-sequential's default server is not what README.md says (0.1-0.3 s)"
    "$bin/flags2-sequential" --help | grep -q '\[default: LOCAL\]' ||
        fail "flags2-sequential's default server is not what README.md says (LOCAL)"
    # Local time, as demo_executor_map.py prints it: Tokyo is never on UTC's hour.
    local before after shown
    before="$(TZ=Asia/Tokyo date +%H)"
    shown="$(TZ=Asia/Tokyo "$bin/examples/demo_executor_map" | head -n1 | cut -c2-3)"
    after="$(TZ=Asia/Tokyo date +%H)"
    if [[ "$shown" != "$before" && "$shown" != "$after" ]]; then
        fail "demo_executor_map printed hour $shown under TZ=Asia/Tokyo, where it is $after: not local time"
    else
        echo "ok    demo_executor_map prints local time ($shown h in Tokyo)"
    fi
}

# ---------------------------------------------------------------------------------------------
started=$SECONDS
parts=("$@")
(( ${#parts[@]} )) || parts=(includes claims book exercises)
for part in "${parts[@]}"; do
    case "$part" in
        includes) check_includes ;;
        claims) check_claims ;;
        book) check_book ;;
        exercises) check_exercises ;;
        *) echo "unknown part '$part': use includes, claims, book or exercises" >&2; exit 2 ;;
    esac
done
step "done in $((SECONDS - started)) s"
if (( failures )); then
    echo "$failures check(s) failed" >&2
    exit 1
fi
echo "all docs checks passed"
