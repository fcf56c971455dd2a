# Where the Windows lane keeps its things, and how it calls Wine. Sourced by the scripts beside it
# (after they set $repo), not run.

# shellcheck shell=bash
# shellcheck disable=SC2034,SC2154 # $repo comes from, and the variables are for, the script that sources it

# target/windows is a target dir of its own, so the Linux build's cache in target/ is untouched.
WIN_OUT="$repo/target/windows"
export WINEPREFIX="$WIN_OUT/wineprefix"
# Debian's wine64 package installs the loader here and puts nothing on PATH without `wine`.
WINE=/usr/lib/wine/wine64
WINESERVER=/usr/lib/wine/wineserver64
# Wine's own fixme/err chatter would bury the test output.
export WINEDEBUG="${WINEDEBUG:--all}"
