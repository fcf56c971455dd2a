#!/usr/bin/env python3
"""Writes a starter exercise from its solution by replacing chosen function bodies with
`// TODO:` lines and `todo!()`, so the starter and its solution cannot drift apart elsewhere
(same statement, same helpers, same tests). `make_starters.sh` calls it for every exercise;
`docs/check.sh` then proves that each starter compiles and fails its tests.

    python3 docs/tools/make_starter.py SOLUTION STARTER fn_name="TODO text" [fn_name="..."]
"""
import re
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


def main() -> None:
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
