"""``python -m ciodispatch.matching solve INSTANCE.json [--proposing hosts]``.

Prints the result as JSON on stdout. Malformed input exits with status 2 and one line on
stderr naming the problem and where it is.

The instance is parsed and the result written with orjson (compiled; the standard
library's ``json.dump`` to a stream runs the pure-Python encoder, about 20x slower on a
large round); the standard library takes over for what orjson refuses (``NaN``, integers
beyond 64 bits), so the accepted input and the output stay as before.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
from typing import Any

from ciodispatch.matching.instance import InvalidInstance, load_instance
from ciodispatch.matching.solve import solve

try:
    import orjson
except ImportError:  # pragma: no cover - orjson is a dependency; the standard library works
    orjson = None  # type: ignore[assignment]


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = argparse.ArgumentParser(prog="python -m ciodispatch.matching")
    commands = parser.add_subparsers(dest="command", required=True)
    solve_cmd = commands.add_parser("solve", help="solve an instance and print the result")
    solve_cmd.add_argument("instance", help="instance JSON file ('-' for standard input)")
    solve_cmd.add_argument("--proposing", choices=["candidates", "hosts"], default="candidates")
    args = parser.parse_args(argv)

    # A short run over millions of acyclic objects: the cyclic collector would only rescan
    # them (the engine pauses it too; here it also covers parsing and writing).
    gc.disable()
    name = args.instance
    try:
        if name == "-":
            raw = sys.stdin.buffer.read()
        else:
            with open(name, "rb") as handle:
                raw = handle.read()
    except OSError as error:
        return _fail(f"{name}: cannot read: {error.strerror or error}")
    try:
        data = parse(raw)
    except UnicodeDecodeError as error:
        return _fail(f"{name}: cannot read: {error}")
    except json.JSONDecodeError as error:
        return _fail(f"{name}: not valid JSON: {error}")
    try:
        instance = load_instance(data)
    except InvalidInstance as error:
        return _fail(f"{name}: {error}")
    result = solve(instance, proposing=args.proposing)
    out = sys.stdout.buffer
    out.write(serialise(result.to_json()))
    out.write(b"\n")
    out.flush()
    return 0


def parse(raw: bytes) -> Any:
    """Parse a UTF-8 JSON document as the standard library would, with orjson when it can.

    orjson refuses ``NaN`` and reads integers beyond 64 bits as floats; where the instance
    has numbers (seed, capacities, targets, caps) a float sends the text to the standard
    library, so the values and the error messages are exactly as before.
    """
    if orjson is not None:
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError:
            pass  # the standard library decides, and words the error as before
        else:
            if not _has_float_numbers(data):
                return data
    return json.loads(raw.decode("utf-8"))


def _has_float_numbers(data: Any) -> bool:
    """Whether a number of the instance is a float (its exact value may have been lost)."""
    if not isinstance(data, dict):
        return False
    numbers = [data.get("seed")]
    hosts = data.get("hosts")
    if isinstance(hosts, list):
        for host in hosts:
            if isinstance(host, dict):
                numbers.append(host.get("capacity"))
                numbers.append(host.get("target"))
    caps = data.get("caps")
    if isinstance(caps, dict):
        numbers.append(caps.get("national"))
        for level in ("region", "prefecture"):
            table = caps.get(level)
            if isinstance(table, dict):
                numbers.extend(table.values())
    return any(type(n) is float for n in numbers)


def serialise(output: dict[str, Any]) -> bytes:
    """The result as compact UTF-8 JSON (orjson, or the standard library's C encoder)."""
    if orjson is not None:
        try:
            return orjson.dumps(output)
        except orjson.JSONEncodeError:
            pass  # an integer beyond 64 bits (a huge seed): the standard library writes it
    return json.dumps(output, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _fail(message: str) -> int:
    sys.stderr.write(" ".join(message.split()) + "\n")
    return 2


if __name__ == "__main__":
    status = main()
    sys.stdout.flush()
    sys.stderr.flush()
    # Everything is written: leave without freeing the round's millions of objects one by one.
    os._exit(status)
