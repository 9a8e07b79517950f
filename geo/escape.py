"""The one escaping function for every string that reaches folium.

folium inserts text into HTML *and* into JavaScript template literals without escaping it:
``Tooltip`` and ``Popup`` run ``<img src=x onerror=…>`` and ``${…}`` payloads (verified in
Chromium, see ARCHITECTURE.md). HTML escaping alone is not enough: inside a template literal a
backtick ends the string, ``${`` starts code, and a backslash makes escapes such as ``\\x3c``
(``<``) that HTML escaping never sees. Replacing those three with HTML character references too
makes the text inert in both places while the browser still *displays* the original characters.
"""

from __future__ import annotations

import html

# html.escape(quote=True) covers & < > " '; these three matter inside JavaScript template literals.
_TEMPLATE_LITERAL = str.maketrans({"`": "&#96;", "$": "&#36;", "\\": "&#92;"})


def escape_for_map(text: str) -> str:
    """``text`` made safe to place inside HTML or a JavaScript template literal in a folium map.

    Call it exactly once per string (twice shows ``&amp;`` to the user), on names, labels and
    values alike, and hand the result to ``folium.Tooltip`` or to the properties and aliases a
    ``folium.GeoJsonTooltip`` shows. (``folium.Popup`` needs jQuery, which the locally served
    assets leave out; with ``parse_html=True`` it would escape a second time.) Non-string values
    such as numbers are converted with ``str`` first.
    """
    return html.escape(str(text), quote=True).translate(_TEMPLATE_LITERAL)
