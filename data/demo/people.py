"""Invented but realistic people, phone numbers, addresses and document numbers.

Names follow the province's make-up: mostly Kinh (family name, middle name, given name), and in
the highland communes of old Đắk Lắk many Ê Đê and J'rai names ("Y" for men and "H’" for women
before the given name, the clan name last, e.g. "Y Kông Niê", "H’Linh Mlô"). Every name is
drawn at random: any likeness to a real person is chance.
"""

from __future__ import annotations

from datetime import date

import numpy as np


def _words(text: str) -> tuple[str, ...]:
    """Name lists are kept as text to stay readable: words apart, or comma-separated entries
    when an entry has several words."""
    if "," in text:
        return tuple(item.strip() for item in text.split(","))
    return tuple(text.split())


# Family names with their rough national share in %: Nguyễn alone is about a third.
_KINH_FAMILY = tuple(
    (entry.rsplit(" ", 1)[0], float(entry.rsplit(" ", 1)[1]))
    for entry in _words(
        "Nguyễn 31.5, Trần 10.9, Lê 9.5, Phạm 7, Huỳnh 5.1, Hoàng 3, Võ 3.9, Phan 4.5, Vũ "
        "2, Đặng 2.1, Bùi 2, Đỗ 1.4, Hồ 1.3, Ngô 1.3, Dương 1, Lý 0.5, Đinh 0.8, Đoàn 0.6, "
        "Trương 0.9, Lương 0.4, Cao 0.4, Mai 0.4, Tạ 0.3, Châu 0.3"
    )
)
# Repeated entries make the commonest middle names (Văn, Thị) more likely.
_KINH_MIDDLE_MALE = _words("Văn Văn Văn Hữu Minh Đức Quốc Thanh Công Ngọc Xuân Đình")
_KINH_MIDDLE_FEMALE = _words("Thị Thị Thị Thị Ngọc Thu Thanh Kim Mỹ Hồng Bích Minh")
_KINH_GIVEN_MALE = _words(
    "Anh Bình Cường Dũng Đạt Hải Hùng Huy Khánh Long Lộc Minh Nam Nghĩa Phong Phúc Quang "
    "Sơn Tài Thắng Thành Toàn Trung Tuấn Việt Vinh Hiếu Tâm Thịnh Hoàng Khoa Lâm Nhân Tú"
)
_KINH_GIVEN_FEMALE = _words(
    "Anh Châu Dung Giang Hà Hạnh Hằng Hoa Hương Lan Liên Linh Loan Mai My Nga Ngân Nhung "
    "Oanh Phương Quyên Thảo Thu Thủy Trang Trinh Tuyết Uyên Vân Yến Hiền Diễm Ly Nhi"
)
# Ê Đê and J'rai clan names, written last.
_HIGHLAND_CLANS = _words(
    "Niê, Êban, Mlô, Byă, Ksơr, Adrơng, Buôn Yă, Knul, Êya, Hwing, Ayŭn, Kbuôr, Hdơk, "
    "Êñuôl, Mlô Duôn Du, Buôn Krông, Siu, Rơ Châm, Rah Lan, Nay, Kpă, Rơ Mah, Puih"
)
_HIGHLAND_GIVEN_MALE = _words(
    "Kông Bhin Ngông Jut Thuốt Blô Moan Wai Hoan Sinh Thông Dhăm Bliêng Krăk Sơn Khoa Lang "
    "Hin Nuê Phai Dlin Tlang"
)
_HIGHLAND_GIVEN_FEMALE = _words(
    "Nhi Linh Zuê Ju Yam Bla Mai Hen Xíu Loan Nier Duin Rin Lan Hương Thiên Bi Ngơm Jen Drah"
)
# Mobile prefixes in use (Viettel, VinaPhone, MobiFone, Vietnamobile): 10 digits in all.
_MOBILE_PREFIXES = _words(
    "086 096 097 098 032 033 034 035 036 037 038 039 088 091 094 081 082 083 084 085 089 "
    "090 093 070 076 077 078 079 092 056 058"
)
_PREFIX_WEIGHTS = np.array([5.0] * 12 + [3.0] * 8 + [2.0] * 8 + [0.7] * 3)
# Ê Đê village (buôn) names of the kind found around Buôn Ma Thuột, Cư M’gar, Krông Pắc.
BUON_NAMES = _words(
    "Buôn Tơng Jú, Buôn Ko Tam, Buôn Cuôr Knia, Buôn Trí, Buôn Ea Bông, Buôn Kô Đung, Buôn "
    "Ea Sar, Buôn Hra, Buôn Mblớt, Buôn Ea Kmar, Buôn Pốk, Buôn Kniết, Buôn Jù, Buôn Drai, "
    "Buôn Ea Mar, Buôn Cuăh, Buôn Dhă Prông, Buôn Ea Ngai"
)
# Street names found in both Buôn Ma Thuột and Tuy Hòa; the Ê Đê heroes' streets only in the
# former Đắk Lắk (a "đường Y Jút" in Tuy Hòa would give the demo away).
STREETS = _words(
    "Lê Duẩn, Nguyễn Tất Thành, Phan Bội Châu, Hùng Vương, Trần Hưng Đạo, Lê Thánh Tông, "
    "Nguyễn Huệ, Phan Chu Trinh, Hai Bà Trưng, Lý Thường Kiệt, Ngô Quyền, Trần Phú, "
    "Nguyễn Văn Cừ, Lê Lợi, Độc Lập"
)
STREETS_DAK_LAK = (*STREETS, "Y Jút", "Y Ngông", "Mai Hắc Đế", "Y Bih Alê Ô")


def streets_of(former_province: str) -> tuple[str, ...]:
    return STREETS_DAK_LAK if former_province == "Đắk Lắk" else STREETS


def _weighted(options: tuple, rng: np.random.Generator, n: int) -> np.ndarray:
    names = np.array([name for name, _ in options])
    weights = np.array([w for _, w in options], dtype=float)
    return names[rng.choice(len(names), size=n, p=weights / weights.sum())]


def _pick(options: tuple[str, ...], rng: np.random.Generator, n: int) -> np.ndarray:
    return np.array(options)[rng.integers(0, len(options), n)]


def person_names(rng: np.random.Generator, highland_share: np.ndarray) -> list[str]:
    """One full name per element of ``highland_share`` (the chance of an Ê Đê/J'rai name)."""
    n = len(highland_share)
    female = rng.random(n) < 0.5
    highland = rng.random(n) < highland_share
    family = _weighted(_KINH_FAMILY, rng, n)
    middle = np.where(female, _pick(_KINH_MIDDLE_FEMALE, rng, n), _pick(_KINH_MIDDLE_MALE, rng, n))
    given = np.where(female, _pick(_KINH_GIVEN_FEMALE, rng, n), _pick(_KINH_GIVEN_MALE, rng, n))
    clan = _pick(_HIGHLAND_CLANS, rng, n)
    h_given = np.where(
        female, _pick(_HIGHLAND_GIVEN_FEMALE, rng, n), _pick(_HIGHLAND_GIVEN_MALE, rng, n)
    )
    return [
        (f"H’{hg} {c}" if f else f"Y {hg} {c}") if h else f"{fa} {m} {g}"
        for f, h, fa, m, g, c, hg in zip(
            female, highland, family, middle, given, clan, h_given, strict=True
        )
    ]


def highland_name_share(peer_group: np.ndarray, former_province: np.ndarray) -> np.ndarray:
    """Share of Ê Đê/J'rai names among a unit's people: high in old Đắk Lắk's highland xã."""
    share = np.full(len(peer_group), 0.03)
    share[(peer_group == "xa_highland") & (former_province == "Đắk Lắk")] = 0.35
    share[(peer_group == "phuong") & (former_province == "Đắk Lắk")] = 0.10
    return share


def phone_numbers(rng: np.random.Generator, n: int) -> list[str]:
    """Vietnamese mobile numbers: a 3-digit operator prefix and 7 more digits."""
    prefixes = np.array(_MOBILE_PREFIXES)[
        rng.choice(len(_MOBILE_PREFIXES), size=n, p=_PREFIX_WEIGHTS / _PREFIX_WEIGHTS.sum())
    ]
    subscriber = rng.integers(0, 10_000_000, n)
    return [f"{p}{s:07d}" for p, s in zip(prefixes, subscriber, strict=True)]


def addresses(
    rng: np.random.Generator,
    unit_label: np.ndarray,
    is_phuong: np.ndarray,
    former_province: np.ndarray,
    buon_share: np.ndarray,
    population: np.ndarray,
) -> list[str]:
    """A hamlet-level address in each person's unit: "Thôn 3, xã Ea Kar", "Tổ dân phố 5, …".

    Wards are divided into residential groups (tổ dân phố, roughly one per 800 people) and
    streets; communes into villages (thôn, roughly one per 1,500 people), and in Ê Đê areas
    into buôn.
    """
    n = len(unit_label)
    hamlets = np.maximum(np.where(is_phuong, population // 800, population // 1500), 3)
    number = rng.integers(1, hamlets + 1)
    street = rng.integers(0, len(STREETS_DAK_LAK), n)
    house = rng.integers(1, 400, n)
    buon = _pick(BUON_NAMES, rng, n)
    kind = rng.random(n)
    out = []
    for i in range(n):
        if is_phuong[i]:
            names = streets_of(former_province[i])
            road = names[street[i] % len(names)]
            place = f"{house[i]} {road}" if kind[i] < 0.4 else f"Tổ dân phố {number[i]}"
        elif kind[i] < buon_share[i]:
            place = str(buon[i])
        else:
            place = f"Thôn {number[i]}"
        out.append(f"{place}, {unit_label[i]}")
    return out


def vn_date(day: date) -> str:
    """dd/mm/yyyy, as Vietnamese documents write dates."""
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def document_ref(kind: str, number: int, issuer: str, day: date) -> str:
    """A document reference as it is cited: "Báo cáo số 45/BC-UBND ngày 05/03/2026"."""
    names = {
        "BC": "Báo cáo",
        "KH": "Kế hoạch",
        "QĐ": "Quyết định",
        "CV": "Công văn",
        "TB": "Thông báo",
        "BB": "Biên bản",
    }
    # Official letters (công văn) carry only the issuer's code: "số 245/UBND-VP".
    code = issuer if kind == "CV" else f"{kind}-{issuer}"
    return f"{names[kind]} số {number}/{code} ngày {vn_date(day)}"
