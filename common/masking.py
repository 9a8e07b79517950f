"""Masking of citizens' personal data (Decree 13/2023/NĐ-CP), applied on the server.

INTERFACE: :func:`mask_name`, :func:`mask_phone`, :func:`mask_address` — each takes the raw
value (or None) and returns the masked text (or None).

The rules (each one a sentence a reader can check against the screen):

* **name** — the first word keeps its first two letters, each middle word its first letter, the
  last word its first letter only; the hidden rest of a word is always ``***`` (first word) or
  ``**`` (middle words) whatever its real length, so the mask tells nothing about the length:
  "Nguyễn Văn An" → "Ng*** V** A". A one-word name keeps its first letter ("An" → "A***"), and
  a first word of one or two letters keeps one ("Lê Văn Tám" → "L*** V** T"), so that no word
  is ever shown whole;
* **phone** — read as digits (spaces, dots, dashes, brackets dropped; ``+84``/``0084`` written
  as the national ``0``): the first two and the last two digits are kept, every digit between
  is a ``*``: "+84 912 345 612" → "09******12". A number of fewer than eight digits (no
  subscriber number) and a value with no digit at all are hidden whole: ``***``;
* **address** — only the administrative tail is kept: from the first word naming a level
  (xã, phường, thị trấn, đặc khu, huyện, quận, thị xã, thành phố, tỉnh, and the written
  abbreviations TP., TX., TT., P., X.) to the end; what comes before — house number, street,
  hamlet (thôn, buôn, tổ dân phố) — becomes ``***``: "12 Lê Duẩn, phường Tân Lợi, Đắk Lắk" →
  "***, phường Tân Lợi, Đắk Lắk". A part of the tail that names a place inside a commune (it
  starts with thôn, buôn, tổ, đường, số, … or holds a digit: an address written the other way
  round, "xã Ea Kar, thôn 3") is hidden too. An address naming no level is hidden whole: ``***``.

A "letter" is a user-perceived character (a base character with its combining marks): a name
typed in decomposed form (NFD, as some phones send it) is masked exactly like the composed one,
and no accent is left dangling on a star. Results are in composed form (NFC). Empty text stays
empty; None stays None.
"""

from __future__ import annotations

import re
import unicodedata

HIDDEN = "***"  # a value hidden whole, and the hidden rest of a name's first word
_MIDDLE_HIDDEN = "**"
_MIN_PHONE_DIGITS = 8  # shorter: a switchboard or short code, not a subscriber's number

# The administrative levels an address names (lower case, composed). The abbreviations need
# their dot: "P" alone could be the start of a street or hamlet name.
_LEVEL_WORDS = (
    "thành phố",
    "thị trấn",
    "thị xã",
    "đặc khu",
    "phường",
    "huyện",
    "quận",
    "tỉnh",
    "xã",
)
_LEVEL_ABBREVIATIONS = ("tp.", "tx.", "tt.", "p.", "x.")
# Places inside a commune or ward (their first word): hidden wherever they stand.
_INSIDE_WORDS = frozenset(
    ("thôn", "buôn", "bon", "plei", "làng", "bản", "xóm", "ấp", "tổ", "khu", "khối", "số",
     "đường", "phố", "hẻm", "ngõ", "ngách", "kiệt", "lô", "căn", "nhà")
)  # fmt: skip
_LEVEL = re.compile(
    r"(?<!\w)(?:"
    + "|".join(re.escape(word) + r"(?!\w)" for word in _LEVEL_WORDS)
    + "|"
    + "|".join(re.escape(abbreviation) for abbreviation in _LEVEL_ABBREVIATIONS)
    + ")",
    re.IGNORECASE,
)


def _letters(word: str) -> list[str]:
    """``word`` split into user-perceived characters: a base with its combining marks."""
    clusters: list[str] = []
    for char in word:
        if clusters and unicodedata.combining(char):
            clusters[-1] += char
        else:
            clusters.append(char)
    return clusters


def _keep(word: str, count: int) -> str:
    return "".join(_letters(word)[:count])


def mask_name(name: str | None) -> str | None:
    """The name as "Ng*** V** A" for "Nguyễn Văn An" (see the module's rules)."""
    if name is None:
        return None
    words = unicodedata.normalize("NFC", name).split()
    if not words:
        return ""
    if len(words) == 1:
        return _keep(words[0], 1) + HIDDEN
    first = _keep(words[0], 2 if len(_letters(words[0])) > 2 else 1) + HIDDEN
    middle = [_keep(word, 1) + _MIDDLE_HIDDEN for word in words[1:-1]]
    return " ".join([first, *middle, _keep(words[-1], 1)])


def _national_digits(phone: str) -> str:
    """The number's digits in national form: an international prefix 84 becomes 0."""
    text = unicodedata.normalize("NFKC", phone).strip()
    digits = "".join(char for char in text if char.isascii() and char.isdigit())
    if text.startswith("+84"):
        national = digits[2:]
    elif digits.startswith("0084"):
        national = digits[4:]
    elif digits.startswith("84") and len(digits) in (11, 12):
        # 84 then a 9- or 10-digit national number without its 0, typed without the plus.
        national = digits[2:]
    else:
        return digits
    # "+84 (0)912 …": the national 0 is sometimes written after the country code too.
    return national if national.startswith("0") else "0" + national


def mask_phone(phone: str | None) -> str | None:
    """The phone as "09******12" for "0912345612" or "+84 912 345 612" (see the rules)."""
    if phone is None:
        return None
    if not phone.strip():
        return ""
    digits = _national_digits(phone)
    if len(digits) < _MIN_PHONE_DIGITS:
        return HIDDEN
    return digits[:2] + "*" * (len(digits) - 4) + digits[-2:]


def _hidden_part(part: str) -> str:
    """A part of the tail after the commune, hidden when it names a place inside a commune."""
    words = part.split()
    if not words or _LEVEL.match(part):
        return part
    inside = any(char.isdigit() for char in part) or words[0].casefold() in _INSIDE_WORDS
    return HIDDEN if inside else part


def mask_address(address: str | None) -> str | None:
    """The address's administrative tail: "Thôn 3, xã Ea Kar" → "***, xã Ea Kar"."""
    if address is None:
        return None
    text = " ".join(unicodedata.normalize("NFC", address).split())
    if not text:
        return ""
    level = _LEVEL.search(text)
    if level is None:
        return HIDDEN
    before, tail = text[: level.start()], text[level.start() :]
    # Written the other way round ("xã Ea Kar, thôn 3"), the hamlet comes after the commune.
    tail = ", ".join(_hidden_part(part.strip()) for part in tail.split(","))
    if not before.strip(" ,;-"):
        return tail
    separator = ", " if before.rstrip().endswith((",", ";", "-")) else " "
    return HIDDEN + separator + tail
