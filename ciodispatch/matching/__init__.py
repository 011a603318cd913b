"""Two-sided matching for dispatch rounds: a plain Python package, no Django.

Data in, data out::

    from ciodispatch.matching import load_instance, solve

    result = solve(load_instance(data))          # candidate-proposing deferred acceptance
    result.to_json()                             # the CLI's output object

See docs/matching.md for the mechanism, the caps, the checker and the explanation codes.
"""

from ciodispatch.matching.checks import Checks, check
from ciodispatch.matching.instance import Instance, InvalidInstance, load_instance
from ciodispatch.matching.mechanism import candidate_proposing, host_proposing
from ciodispatch.matching.solve import Proposing, Result, check_assignment, solve

__all__ = [
    "Checks",
    "Instance",
    "InvalidInstance",
    "Proposing",
    "Result",
    "candidate_proposing",
    "check",
    "check_assignment",
    "host_proposing",
    "load_instance",
    "solve",
]
