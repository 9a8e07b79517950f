"""The dossier's "next band" block says which part of a plan needs others' action."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _next_band_block() -> None:
    """A yellow unit whose plan needs an operator's 5G (run by AppTest in its own script)."""
    from datetime import date

    from metrics import UnitExplanation
    from metrics.catalog import Direction, default_catalog
    from metrics.explain import Improvement, NextBand
    from ui.explain import explanation_blocks

    def step(key: str, value: float, needed: float, controllable: bool) -> Improvement:
        return Improvement(key, "x", Direction.HIGHER, value, needed, 0, 1, 1, 1.5, controllable)

    plan = NextBand(
        unit_code="22111",
        band="yellow",
        target_band="green",
        composite=72.44,
        improvements=(
            step("task_on_time_pct", 56.67, 67.7, True),
            step("population_5g_pct", 0, 56.5, False),
        ),
        composite_after=80.053,
        band_after="green",
        to_report=(),
        reports_needed=0,
        stale=False,
        needs_others=("population_5g_pct",),
    )
    explanation_blocks(UnitExplanation(date(2026, 10, 1), [], [], plan), default_catalog())


def test_plan_names_the_part_that_needs_others() -> None:
    at = AppTest.from_function(_next_band_block, default_timeout=60).run()
    assert not at.exception
    lines = [m.value for m in at.markdown]
    # The targets as the dossier writes them (vi: one decimal, decimal comma).
    on_time = next(line for line in lines if "67,7%" in line)
    assert "56,7%" in on_time and "cần đơn vị khác" not in on_time
    five_g = next(line for line in lines if "56,5%" in line)
    assert five_g.endswith("(cần đơn vị khác thực hiện)")
    assert len(at.warning) == 1
    assert "doanh nghiệp viễn thông" in at.warning[0].value
    assert "5G" in at.warning[0].value  # the indicator named
    assert "80,05" in at.caption[0].value and "0,05" in at.caption[0].value
