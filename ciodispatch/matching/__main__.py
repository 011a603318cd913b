"""``python -m ciodispatch.matching solve INSTANCE.json [--proposing hosts]``.

Prints the result as JSON on stdout. Malformed input exits with status 2 and one line on
stderr naming the problem and where it is.
"""

from __future__ import annotations

import argparse
import json
import sys

from ciodispatch.matching.instance import InvalidInstance, load_instance
from ciodispatch.matching.solve import solve


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = argparse.ArgumentParser(prog="python -m ciodispatch.matching")
    commands = parser.add_subparsers(dest="command", required=True)
    solve_cmd = commands.add_parser("solve", help="solve an instance and print the result")
    solve_cmd.add_argument("instance", help="instance JSON file ('-' for standard input)")
    solve_cmd.add_argument("--proposing", choices=["candidates", "hosts"], default="candidates")
    args = parser.parse_args(argv)

    name = args.instance
    try:
        if name == "-":
            text = sys.stdin.read()
        else:
            with open(name, encoding="utf-8") as handle:
                text = handle.read()
    except (OSError, UnicodeDecodeError) as error:
        return _fail(f"{name}: cannot read: {getattr(error, 'strerror', None) or error}")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        return _fail(f"{name}: not valid JSON: {error}")
    try:
        instance = load_instance(data)
    except InvalidInstance as error:
        return _fail(f"{name}: {error}")
    result = solve(instance, proposing=args.proposing)
    json.dump(result.to_json(), sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


def _fail(message: str) -> int:
    sys.stderr.write(" ".join(message.split()) + "\n")
    return 2


if __name__ == "__main__":
    sys.exit(main())
