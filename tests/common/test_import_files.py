"""The refusal a command-line import prints: the heading, then one line per problem in row
order, a row's problems kept in the order found; exit code 2."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from common.import_files import print_refusal


@dataclass(frozen=True)
class Problem:
    row: int
    field: str


def test_problems_are_printed_in_row_order(capsys: pytest.CaptureFixture[str]) -> None:
    problems = [Problem(7, "value"), Problem(3, "period"), Problem(7, "unit_code")]
    code = print_refusal(problems, "Không nhập tệp a.csv: 3 lỗi", lambda p: f"{p.row}: {p.field}")
    assert code == 2
    assert capsys.readouterr().out.splitlines() == [
        "Không nhập tệp a.csv: 3 lỗi",
        "3: period",
        "7: value",  # row 7's two problems in the order found
        "7: unit_code",
    ]
