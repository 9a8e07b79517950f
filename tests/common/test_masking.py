"""Masking of the reporter's name, phone and address: each expected value is worked out from the
module's rules by hand (first word 2 letters + ***, middle words 1 + **, last word 1; phone
first 2 and last 2 digits; address from the first administrative level on)."""

from __future__ import annotations

import unicodedata

import pytest

from common.masking import mask_address, mask_name, mask_phone


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("Nguyễn Văn An", "Ng*** V** A"),  # the example
        ("Trần Thị Bích Ngọc", "Tr*** T** B** N"),  # two middle words: one letter each
        ("Phạm Hùng", "Ph*** H"),  # no middle word
        # A short first word is never shown whole: "Lê" keeps one letter, not two.
        ("Lê Văn Tám", "L*** V** T"),
        ("Y Sinh Byă", "Y*** S** B"),  # Ê Đê name: the one-letter prefix stays one letter
        ("H'Hen Niê", "H'*** N"),  # the apostrophe of the H' prefix is a character like others
        ("An", "A***"),  # one word: its first letter only
        ("  Đỗ   Mỹ\tLinh  ", "Đ*** M** L"),  # runs of spaces or tabs separate words; "Đỗ" is short
    ],
)
def test_name(name: str, masked: str) -> None:
    assert mask_name(name) == masked


def test_the_stars_do_not_tell_the_length_of_a_word() -> None:
    # "Nguyễn" (6 letters) and "Ngô" (3) show the same: the first two letters and ***.
    assert mask_name("Nguyễn An") == mask_name("Ngô An") == "Ng*** A"


def test_decomposed_text_is_masked_like_composed_text() -> None:
    # NFD: "ễ" arrives as e + circumflex + tilde; masking must not cut its marks off.
    decomposed = unicodedata.normalize("NFD", "Nguyễn Văn Ễ")
    assert decomposed != "Nguyễn Văn Ễ"
    assert mask_name(decomposed) == "Ng*** V** Ễ"
    # M + combining grave has no composed form: it stays one letter with its mark.
    assert mask_name("M\u0300ai Anh") == "M\u0300a*** A"


@pytest.mark.parametrize(("empty", "masked"), [(None, None), ("", ""), ("   ", "")])
def test_missing_values_stay_missing(empty: str | None, masked: str | None) -> None:
    assert mask_name(empty) == masked
    assert mask_address(empty) == masked
    assert mask_phone(empty) == masked


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("0912345612", "09******12"),  # the example: 10 digits, 6 hidden
        ("0912 345 612", "09******12"),
        ("091.234.5612", "09******12"),
        ("+84 912 345 612", "09******12"),  # +84 is the national 0
        ("+84912345612", "09******12"),
        ("+84 (0)912-345-612", "09******12"),  # the 0 written after the country code too
        ("(+84) 912.345.612", "09******12"),
        ("84912345612", "09******12"),  # the country code without its plus
        ("0084912345612", "09******12"),
        ("02623 812 345", "02*******45"),  # a landline: 11 digits, 7 hidden
        ("０９１２３４５６１２", "09******12"),  # full-width digits from a phone keyboard
        ("1022", "***"),  # a short code: nothing of it shown
        ("không có", "***"),  # no digit at all: hidden whole
    ],
)
def test_phone(phone: str, masked: str) -> None:
    assert mask_phone(phone) == masked


@pytest.mark.parametrize(
    ("address", "masked"),
    [
        ("Thôn 3, xã Ea Kar", "***, xã Ea Kar"),
        ("Tổ dân phố 16, phường Sông Cầu", "***, phường Sông Cầu"),
        ("Buôn Kniết, xã Ea Kar, tỉnh Đắk Lắk", "***, xã Ea Kar, tỉnh Đắk Lắk"),
        ("12 Lê Duẩn, phường Tân Lợi, Đắk Lắk", "***, phường Tân Lợi, Đắk Lắk"),
        # A district (abolished in 2025, still written) belongs to the tail like the province.
        ("Thôn 5, xã Ea Tu, TP. Buôn Ma Thuột", "***, xã Ea Tu, TP. Buôn Ma Thuột"),
        ("Số 7 hẻm 12 Lê Duẩn P. Tân Lợi", "*** P. Tân Lợi"),  # no comma: a space is kept
        ("THÔN 3, XÃ EA KAR", "***, XÃ EA KAR"),  # the level word in capitals
        ("phường Tân Lợi, Đắk Lắk", "phường Tân Lợi, Đắk Lắk"),  # nothing before the tail
        # Written the other way round: the hamlet or street after the commune is hidden too.
        ("xã Ea Kar, thôn 3", "xã Ea Kar, ***"),
        ("Xã Ea Kar, Buôn Kniết, Đắk Lắk", "Xã Ea Kar, ***, Đắk Lắk"),
        ("phường Tân Lợi, 12 Lê Duẩn", "phường Tân Lợi, ***"),  # a digit: a house number
        # "phố" of "tổ dân phố" and the "P" of a name are not levels: all hidden.
        ("Tổ dân phố 5", "***"),
        ("Buôn Pơng Drang", "***"),
    ],
)
def test_address(address: str, masked: str) -> None:
    assert mask_address(address) == masked


def test_the_address_tail_is_kept_as_typed_and_the_rest_hidden() -> None:
    # A payload in the hamlet part disappears; one in the tail stays text for the page to show
    # as text (masking is not escaping).
    assert mask_address("<img src=x onerror=alert(1)>, xã Ea Kar") == "***, xã Ea Kar"
    assert mask_address("Thôn 1, xã <b>Ea</b>") == "***, xã <b>Ea</b>"
