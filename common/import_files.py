"""What the command-line imports share: a file that cannot be read at all, and the refusal
printed when some rows are wrong (the import then writes nothing)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar


class BadFile(Exception):
    """The file as a whole cannot be read: ``key`` names the translated message."""

    def __init__(self, key: str, **values: str) -> None:
        self.key = key
        self.values = values
        super().__init__(key)


class _NumberedProblem(Protocol):
    @property
    def row(self) -> int: ...


P = TypeVar("P", bound=_NumberedProblem)

REFUSED_EXIT_CODE = 2  # the shell's "wrong usage or input": nothing was written


def print_refusal(problems: Sequence[P], heading: str, describe: Callable[[P], str]) -> int:
    """Print ``heading``, then each problem in row order (stable: a row's fields keep their
    order), one line each; return the exit code of a refused import."""
    print(heading)
    for problem in sorted(problems, key=lambda p: p.row):
        print(describe(problem))
    return REFUSED_EXIT_CODE
