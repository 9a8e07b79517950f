"""Charts as the pages draw them: axes and legend outside the plot's height, and numbers with
the reader's separators (Vietnamese 3.500 and 2,5; English 3,500 and 2.5)."""

from __future__ import annotations

import altair as alt
import pandas as pd
import pytest

from ui.charts import finished, number_locale


def small_chart() -> alt.Chart:
    data = pd.DataFrame({"week": ["01/06", "08/06"], "cases": [3500, 2800]})
    return alt.Chart(data).mark_line().encode(x="week:N", y="cases:Q").properties(height=240)


@pytest.mark.parametrize(
    ("lang", "thousands", "decimal"), [("vi", ".", ","), ("en", ",", ".")], ids=["vi", "en"]
)
def test_numbers_are_written_for_the_reader(lang: str, thousands: str, decimal: str) -> None:
    assert number_locale(lang)["thousands"] == thousands
    assert number_locale(lang)["decimal"] == decimal
    spec = finished(small_chart(), lang).to_dict()
    assert spec["config"]["locale"]["number"]["thousands"] == thousands
    assert spec["config"]["locale"]["number"]["decimal"] == decimal


def test_the_height_is_the_plots_and_the_axes_come_on_top_of_it() -> None:
    spec = finished(small_chart(), "vi").to_dict()
    assert spec["autosize"] == {"type": "fit-x", "contains": "padding"}
    assert spec["height"] == 240  # the plot's own height is left as the builder set it


def test_a_layered_chart_is_finished_as_a_whole() -> None:
    layered = alt.layer(small_chart(), small_chart().mark_point())
    spec = finished(layered, "en").to_dict()
    assert spec["autosize"]["contains"] == "padding"
    assert spec["config"]["locale"]["number"]["thousands"] == ","
