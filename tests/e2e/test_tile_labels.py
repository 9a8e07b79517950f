"""The tile map's texts as Plotly draws them in a real browser: shown exactly as written."""

from __future__ import annotations

import pandas as pd
import plotly.io as pio

from geo.tilemap import tile_figure

NAMES = ['Ea "A"', "Cu M'gar", "Ea H’Leo", "<b>x</b>", "a & b"]


def test_quotes_apostrophes_and_markup_are_shown_as_written(browser: object) -> None:
    cells = pd.DataFrame(
        {
            "code": [f"9900{i}" for i in range(len(NAMES))],
            "col": range(len(NAMES)),
            "row": [0] * len(NAMES),
            "band": ["yellow"] * len(NAMES),
            "label": NAMES,
            "hover": [f"{name} · 70,0" for name in NAMES],
            "in_view": [True] * len(NAMES),
            "legend": ["Vàng"] * len(NAMES),
        }
    )
    # Plotly's own bundle inline: the page needs nothing from any server.
    html = pio.to_html(tile_figure(cells, height=300), include_plotlyjs=True, full_html=True)
    page = browser.new_page(viewport={"width": 1000, "height": 400})  # type: ignore[attr-defined]
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.set_content(html)
    labels = page.locator("g.textpoint text")
    labels.first.wait_for(timeout=30_000)
    # The yellow band's symbol "!" comes first on each label, then the name.
    assert labels.evaluate_all("els => els.map((e) => e.textContent)") == [
        f"!{name}" for name in NAMES
    ]
    point = page.locator("path.point").nth(0).bounding_box()
    page.mouse.move(point["x"] + point["width"] / 2, point["y"] + point["height"] / 2)
    hover = page.locator("g.hovertext text")
    hover.first.wait_for(timeout=10_000)
    assert hover.first.text_content() == 'Ea "A" · 70,0'
    assert [url for url in requests if url.startswith(("http", "ws"))] == []
    page.close()
