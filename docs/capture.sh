#!/usr/bin/env bash
# Regenerates the sample runs the book shows (docs/src/runs/*.txt) by running the real programs.
#
#   docs/capture.sh            # every program that exists in this checkout
#   docs/capture.sh flags-async demo_executor_map   # only these runs (names as in the files)
#
# Each file starts with the command a student types, then what the program printed (stdout and
# stderr, in order). Programs run in a fresh temporary folder, so their `downloaded/` folders
# never touch the repository, and against the built-in server with the default seed (or the
# seed given below), so the *outcomes* repeat from run to run. The *timings* do not: they
# belong to the machine that ran this script, and the pages say so.
set -euo pipefail

DOCS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$DOCS")"
RUNS="$DOCS/src/runs"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
export CARGO_TERM_COLOR=never
mkdir -p "$RUNS"

wanted=("$@")
want() { (( ${#wanted[@]} == 0 )) || [[ " ${wanted[*]} " == *" $1 "* ]]; }

# True if package $1 declares a binary or example named $2 (so pages for work in progress can
# be captured as soon as the program lands, and skipped until then).
has_target() {
    local manifest="$ROOT/$1/Cargo.toml"
    [[ -f "$manifest" ]] || return 1
    grep -q "name = \"$2\"" "$manifest" && return 0
    [[ -f "$ROOT/$1/src/bin/$2.rs" || -f "$ROOT/$1/examples/$2.rs" ]] && return 0
    # The package's default binary is named after the package.
    [[ "$1" == "$2" && -f "$ROOT/$1/src/main.rs" ]]
}

# capture NAME PACKAGE KIND(bin|example) TARGET [ARGS...]
# With RELEASE=1 in its environment, the release build runs (and the command shows --release),
# for the pages whose figures mean something only optimised: the race and the CPU-bound examples.
capture() {
    local name=$1 package=$2 kind=$3 target=$4
    shift 4
    want "$name" || return 0
    if ! has_target "$package" "$target"; then
        echo "skip  $name ($package has no $kind $target yet)"
        return 0
    fi
    local profile=debug shown="cargo run"
    if [[ ${RELEASE:-0} == 1 ]]; then
        profile=release
        shown+=" --release"
    fi
    shown+=" -p $package"
    local program="$CARGO_TARGET_DIR/$profile/$target"
    if [[ $kind == example ]]; then
        shown+=" --example $target"
        program="$CARGO_TARGET_DIR/$profile/examples/$target"
    elif [[ $target != "$package" ]]; then
        shown+=" --bin $target"
    fi
    (( $# )) && shown+=" -- $*"
    echo "run   $name: $shown"
    local work status=0
    work="$(mktemp -d)"
    {
        echo "\$ $shown"
        if [[ ${TTY:-0} == 1 ]]; then
            # A full-screen program needs a terminal: util-linux's `script` lends it one of
            # 80x24, and only what it printed after leaving the full screen is kept.
            local command
            command="stty cols 80 rows 24 && exec $(printf '%q ' "$program" "$@")"
            (cd "$work" && script -qec "$command" /dev/null </dev/null 2>&1) |
                perl -0777 -pe 's/.*\e\[\?1049l//s; s/\e\[[0-9;?]*[a-zA-Z]//g; s/\r//g' || status=$?
        else
            (cd "$work" && "$program" "$@" 2>&1) || status=$?
        fi
        (( status == 0 )) || echo "[exit status $status]"
    } >"$RUNS/$name.txt"
    # Charts a program drew (the race writes race/*.svg) are kept beside the run, for the pages.
    local chart
    for chart in "$work"/race/*.svg; do
        [[ -f "$chart" ]] && cp "$chart" "$RUNS/$name-$(basename "$chart")"
    done
    rm -rf "$work"
}

# One build for every program, with the workspace's feature set (the one `cargo run` and the
# tests use), so nothing is compiled twice; then the binaries run directly, and compiler output
# never lands in a sample.
only_examples=1
for name in "${wanted[@]+"${wanted[@]}"}"; do
    [[ " two_futures no_gil threads_vs_processes " == *" $name "* ]] || only_examples=0
done
if (( ${#wanted[@]} == 0 || ! only_examples )); then
    echo "build the workspace's programs"
    cargo build --quiet --manifest-path "$ROOT/Cargo.toml" --workspace --bins --example demo_executor_map
    if want race || want race-sweep || want race-scale || want race-live; then
        cargo build --quiet --release --manifest-path "$ROOT/Cargo.toml" -p flags-race
    fi
fi

# The first-generation programs (flags.py, flags_threadpool.py, ...): default server profile
# (0.1-0.3 s per request), default seed.
capture flags-sequential          flags-sequential bin flags-sequential
capture flags-threadpool          flags-threadpool bin flags-threadpool
capture flags-threadpool-futures  flags-threadpool bin flags-threadpool-futures
capture flags-async               flags-async      bin flags-async
# Errors end the first-generation programs: a quarter of the requests fail on this server.
capture flags-sequential-error    flags-sequential bin flags-sequential -s ERROR
# Overhead only: no delay at all.
capture flags-threadpool-local    flags-threadpool bin flags-threadpool -s LOCAL
# map in slow motion (about 5 s).
capture demo_executor_map         executor-core    example demo_executor_map

# The flags2 programs (progress, error handling, --max-req): captured once they exist.
capture flags2-sequential         flags-sequential bin flags2-sequential -s ERROR --seed 7
capture flags2-threadpool         flags-threadpool bin flags2-threadpool -s ERROR --seed 7 -v
capture flags2-async              flags-async      bin flags2-async      -s ERROR --seed 7
capture flags2-async-executor     flags-async      bin flags2-async-executor -s ERROR --seed 7
capture flags3-async              flags-async      bin flags3-async      -s ERROR --seed 7 -v

# The race (flags-race): the three styles side by side against a fixed 0.1 s delay, with the
# timeline of the last round; then the sweep over -m. Release builds, as the race page says.
RELEASE=1 capture race            flags-race       bin race --rounds 3 --timeline
RELEASE=1 capture race-sweep      flags-race       bin race --sweep --rounds 1
# The scale sweep: threads against async from 10 to 10,000 downloads in flight.
RELEASE=1 capture race-scale      flags-race       bin race --scale
# The live view's picture at the end of a race (OUT/live.svg), with delays that vary and errors,
# so that the lanes show overlap and every colour; it needs a terminal, lent by `script`.
RELEASE=1 TTY=1 capture race-live flags-race       bin race --live --hold 0 --screenshot \
    --delay 0.05:0.4 --error-rate 0.2 -a -m 10 --styles threadpool,async

# The book's own small programs in docs/examples (a separate workspace, like the exercises).
for example in two_futures no_gil threads_vs_processes; do
    want "$example" || continue
    # The CPU-bound one runs optimised, as its page tells students to run it.
    profile=debug release=()
    if [[ $example == threads_vs_processes ]]; then
        profile=release release=(--release)
    fi
    echo "run   $example: cargo run ${release[*]} --example $example (in docs/)"
    cargo build --quiet "${release[@]}" --manifest-path "$DOCS/Cargo.toml" --example "$example"
    {
        echo "\$ cargo run ${release[*]+"${release[*]} "}--example $example"
        if [[ $example == threads_vs_processes ]]; then
            # CPU-bound timings mean little without the machine's size and how busy it was.
            echo "[captured on $(nproc 2>/dev/null || echo '?') cores, load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown), release build]"
        fi
        "$CARGO_TARGET_DIR/$profile/examples/$example" 2>&1
    } >"$RUNS/$example.txt"
done

echo "sample runs written to ${RUNS#"$ROOT"/}"
