#!/usr/bin/env python3
"""Writes a starter exercise from its solution by replacing chosen function bodies with
`// TODO:` lines and `todo!()`, so the starter and its solution cannot drift apart elsewhere
(same statement, same helpers, same tests). `make_starters.sh` calls it for every exercise;
`docs/check.sh` then proves that each starter compiles and fails its tests.

    python3 docs/tools/make_starter.py SOLUTION STARTER fn_name="TODO text" [fn_name="..."]
    python3 docs/tools/make_starter.py --quiet STARTER...

The second form, run from docs/ once the starters are written, keeps them free of warnings: a
starter whose `todo!()`s leave imports, parameters or helpers unused would print a screenful of
warnings above its test results (in `rustlings`, the failed assertion scrolls out of sight). It
builds the starters, and gives each one that warns a crate-level `#![allow(...)]` naming exactly
the lints it set off, with a comment telling the student to delete it once their code compiles;
then it builds them again and fails if any warning is left. The solutions never get the line.
"""
import json
import os
import re
import subprocess
import sys


def stub(source: str, name: str, todo: str) -> str:
    match = re.search(r"^( *)(?:pub )?(?:async )?fn " + re.escape(name) + r"\b", source, re.M)
    if not match:
        sys.exit(f"no fn {name}")
    indent = match.group(1)
    # The body starts at the first `{` that ends a line after the signature.
    open_brace = re.compile(r"\{\n").search(source, match.end())
    depth, i = 0, open_brace.start()
    while True:
        if source[i] == "{":
            depth += 1
        elif source[i] == "}":
            depth -= 1
            if depth == 0:
                break
        i += 1
    first, *rest = todo.split("\n")
    lines = f"{indent}    // TODO: {first}\n" + "".join(f"{indent}    // {line}\n" for line in rest)
    return source[: open_brace.start()] + "{\n" + lines + f"{indent}    todo!()\n{indent}" + source[i:]


QUIET_COMMENT = (
    "// Only in the starter: keeps the compiler quiet about what the `todo!()`s leave unused, so\n"
    "// that the test results are the first thing you see. Delete it once your code compiles.\n"
)


def lints_by_starter(starters: list[str]) -> dict[str, set[str]]:
    """Builds the starters' binaries and returns, for each starter file, the lints it set off."""
    names = [os.path.splitext(os.path.basename(path))[0] for path in starters]
    command = ["cargo", "build", "--quiet", "--message-format=json"]
    for name in names:
        command += ["--bin", name]
    build = subprocess.run(command, capture_output=True, text=True)
    found: dict[str, set[str]] = {path: set() for path in starters}
    by_name = dict(zip(names, starters))
    for line in build.stdout.splitlines():
        message = json.loads(line)
        if message.get("reason") != "compiler-message":
            continue
        target = by_name.get(message["target"]["name"])
        diagnostic = message["message"]
        if target is None or diagnostic["level"] != "warning":
            continue
        if diagnostic.get("code") is None:
            # The summary line ("N warnings emitted") has no code; anything else has one.
            if not diagnostic["message"].endswith("emitted"):
                sys.exit(f"{target}: a warning that no lint names: {diagnostic['message']}")
            continue
        found[target].add(diagnostic["code"]["code"])
    if build.returncode != 0:
        sys.stderr.write(build.stderr)
        sys.exit("the starters do not build")
    return found


def quiet(starters: list[str]) -> None:
    for path, lints in lints_by_starter(starters).items():
        if not lints:
            continue
        with open(path) as f:
            source = f.read()
        # After the `//!` statement at the top: inner attributes must come before any item.
        header = re.match(r"(?://!.*\n)*\n?", source).end()
        line = f"#![allow({', '.join(sorted(lints))})]\n"
        with open(path, "w") as f:
            f.write(source[:header] + QUIET_COMMENT + line + "\n" + source[header:])
    still = {path: lints for path, lints in lints_by_starter(starters).items() if lints}
    if still:
        sys.exit(f"starters still warn after quieting: {still}")


def main() -> None:
    if sys.argv[1] == "--quiet":
        quiet(sys.argv[2:])
        return
    solution, starter, *stubs = sys.argv[1:]
    with open(solution) as f:
        source = f.read()
    for spec in stubs:
        name, todo = spec.split("=", 1)
        source = stub(source, name, todo)
    with open(starter, "w") as f:
        f.write(source)


if __name__ == "__main__":
    main()
