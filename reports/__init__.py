"""Printable exports: the one-page PDF brief per unit, the province pack and the PNG charts.

No Streamlit here: each builder takes an engine (or the figures) and arguments and returns
bytes, so a download button, a test or a command line can call it alike. The figures come from
the same metrics functions the pages and the dossier call, so a brief and the page it stands
for cannot disagree. Fonts are the DejaVu Sans files matplotlib ships (every Vietnamese
diacritic, no system font, no network); the PowerPoint pack names Arial, which Office on
Windows has with every Vietnamese diacritic, and embeds no font.

INTERFACE:

* :func:`reports.brief.unit_brief_pdf(engine, unit_code, period, lang)` → bytes;
* :func:`reports.pack.province_pack_pdf(engine, filters, lang, geojson=None)` → bytes;
* :func:`reports.pack_pptx.province_pack_pptx(engine, filters, lang, geojson=None)` → bytes, the
  same pack as 16:9 slides (both lay out :mod:`reports.pack_content`, so they cannot disagree);
* :mod:`reports.charts`: ``pillar_chart_png``, ``heat_map_png``, ``coverage_chart_png`` → bytes.
"""
