"""Monthly indicator values of every unit: the raw material of the commune score.

:data:`DEMO_INDICATORS` lists the ~28 stored indicators across the 8 pillars with fixed keys
(the metrics catalog refers to them). Each value follows the unit's latent level (plus a
unit-and-indicator offset, so a unit can be good at e-payment and poor at training), with the
noise and shape the real series have: percentages that only grow, monthly counts, counts that
restart every January, yes/no milestones.

How values arrive matters as much as what they are. Automatically measured values land on the
1st of the next month; self-reported and verified ones come with the unit's monthly report a
few days into the next month — late reporters much later, or not at all — and verified values
wait for the department to check them. Nothing reported after the snapshot exists yet.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import numpy as np

from common.periods import add_months, month_range
from common.workcalendar import default_calendar
from data.demo.load import Rows
from data.demo.people import document_ref
from data.demo.world import SPAN_START, World, stream
from data.models import IndicatorValue

PILLARS = (
    "awareness",
    "institutions",
    "digital_infrastructure",
    "digital_human_resources",
    "cybersecurity",
    "digital_government",
    "digital_economy",
    "digital_society",
)


@dataclass(frozen=True)
class DemoIndicator:
    """A stored indicator: what the demo data holds a monthly value of, and how it is sourced."""

    key: str
    pillar: str
    source_type: str  # "auto" | "self_reported" | "verified"
    unit: str  # "percent" | "count" | "count_per_month" | "flag" (0/1)
    lower_is_better: bool = False
    verifier: str | None = None  # department code that verifies it (verified indicators only)


DEMO_INDICATORS: tuple[DemoIndicator, ...] = (
    # awareness
    DemoIndicator("dx_steering_meetings", "awareness", "self_reported", "count"),  # year to date
    DemoIndicator("dx_plan_issued", "awareness", "self_reported", "flag"),
    DemoIndicator("dx_communication_posts", "awareness", "self_reported", "count_per_month"),
    # institutions
    DemoIndicator("dx_budget_share_pct", "institutions", "self_reported", "percent"),
    DemoIndicator("dx_regulations_issued", "institutions", "self_reported", "count"),
    # digital infrastructure
    DemoIndicator("fibre_household_pct", "digital_infrastructure", "auto", "percent"),
    DemoIndicator(
        "mobile_broadband_village_pct",
        "digital_infrastructure",
        "verified",
        "percent",
        verifier="SKHCN",
    ),
    DemoIndicator("public_wifi_points", "digital_infrastructure", "self_reported", "count"),
    # digital human resources
    DemoIndicator(
        "officials_dx_trained_pct",
        "digital_human_resources",
        "verified",
        "percent",
        verifier="SNV",
    ),
    DemoIndicator(
        "community_tech_team_village_pct", "digital_human_resources", "self_reported", "percent"
    ),
    DemoIndicator(
        "leader_dx_certified", "digital_human_resources", "verified", "flag", verifier="SNV"
    ),
    # cybersecurity
    DemoIndicator("antimalware_device_pct", "cybersecurity", "auto", "percent"),
    DemoIndicator("security_incidents", "cybersecurity", "auto", "count_per_month", True),
    DemoIndicator("security_drill_done", "cybersecurity", "self_reported", "flag"),
    # digital government
    DemoIndicator("online_dossier_pct", "digital_government", "auto", "percent"),
    DemoIndicator("digitised_results_pct", "digital_government", "auto", "percent"),
    DemoIndicator("e_payment_pct", "digital_government", "auto", "percent"),
    DemoIndicator("e_document_signed_pct", "digital_government", "auto", "percent"),
    DemoIndicator("dossier_on_time_pct", "digital_government", "auto", "percent"),
    # digital economy
    DemoIndicator("kol_channel_active", "digital_economy", "verified", "flag", verifier="SCT"),
    DemoIndicator("kol_livestreams", "digital_economy", "self_reported", "count_per_month"),
    DemoIndicator("ocop_products_online", "digital_economy", "self_reported", "count"),
    DemoIndicator("cashless_merchant_pct", "digital_economy", "self_reported", "percent"),
    DemoIndicator("ecommerce_household_pct", "digital_economy", "self_reported", "percent"),
    # digital society
    DemoIndicator("vneid_level2_pct", "digital_society", "verified", "percent", verifier="CAT"),
    DemoIndicator("digital_literacy_trained_pct", "digital_society", "self_reported", "percent"),
    DemoIndicator("daklakso_app_user_pct", "digital_society", "auto", "percent"),
    DemoIndicator("payment_account_adult_pct", "digital_society", "self_reported", "percent"),
)
INDICATOR_KEYS = tuple(indicator.key for indicator in DEMO_INDICATORS)


# --- How each indicator's values behave --------------------------------------------------------


@dataclass(frozen=True)
class _Series:
    """What a shape needs: x = the unit's level for this indicator (units × months), and time."""

    x: np.ndarray
    months: list[date]
    elapsed: np.ndarray  # months since July 2025, per column
    population: np.ndarray
    highland_dak_lak: np.ndarray  # coffee and durian country: more OCOP products
    earlier: dict[str, np.ndarray]  # values already drawn, for indicators gated on another


@dataclass(frozen=True)
class Percent:
    """low → high as the level goes 0 → 1; campaigns start at ``start_reach`` of that and ramp."""

    low: float
    high: float
    curve: float = 1.0
    noise: float = 1.0
    monotone: bool = False  # stocks such as coverage or people trained do not shrink
    start_reach: float = 1.0
    ramp_months: float = 1.0
    decimals: int = 1
    ceiling: float = 100.0

    def draw(self, s: _Series, rng: np.random.Generator) -> np.ndarray:
        reach = 1.0 - (1.0 - self.start_reach) * np.exp(-s.elapsed / self.ramp_months)
        value = reach * (self.low + (self.high - self.low) * s.x**self.curve)
        value = value + rng.normal(0.0, self.noise, s.x.shape)
        if self.monotone:
            value = np.maximum.accumulate(value, axis=1)
        return np.round(np.clip(value, 0.0, self.ceiling), self.decimals)


@dataclass(frozen=True)
class MonthlyEvents:
    """Something that happens in a month with probability p(level): a meeting, a plan, …

    ``count`` is "year" (events so far this calendar year), "span" (since July 2025), "flag"
    (1 once it happened) or "flag_year" (1 once it happened this year).
    """

    p_low: float
    p_high: float
    count: str
    first_month_p: float | None = None  # e.g. the kick-off meeting of July 2025
    from_month: date = SPAN_START  # a programme that starts later (leader training)

    def draw(self, s: _Series, rng: np.random.Generator) -> np.ndarray:
        p = self.p_low + (self.p_high - self.p_low) * s.x
        if self.first_month_p is not None:
            p[:, 0] = self.first_month_p
        p[:, [m < self.from_month for m in s.months]] = 0.0
        happened = rng.random(s.x.shape) < p
        if self.count in {"span", "flag"}:
            total = np.cumsum(happened, axis=1)
        else:
            total = np.zeros(s.x.shape, dtype=np.int64)
            for year in sorted({m.year for m in s.months}):
                cols = [i for i, m in enumerate(s.months) if m.year == year]
                total[:, cols] = np.cumsum(happened[:, cols], axis=1)
        return (total > 0).astype(float) if self.count.startswith("flag") else total.astype(float)


@dataclass(frozen=True)
class MonthlyCount:
    """A count per month, Poisson around a rate that moves with the level (either way)."""

    rate_at_0: float
    rate_at_1: float
    gate: str | None = None  # only while this flag indicator is 1 (livestreams need a channel)

    def draw(self, s: _Series, rng: np.random.Generator) -> np.ndarray:
        rate = self.rate_at_0 + (self.rate_at_1 - self.rate_at_0) * s.x
        values = rng.poisson(np.maximum(rate, 0.0)).astype(float)
        if self.gate is not None:
            values *= s.earlier[self.gate]
        return values


@dataclass(frozen=True)
class Stock:
    """A count that only grows: a share (moving with the level) of what the unit could have.

    ``per_10k_people`` sizes the potential by population (Wi-Fi points); otherwise each unit
    gets a drawn potential around ``potential_mean`` (OCOP products; more in coffee country).
    """

    share_low: float
    share_high: float
    per_10k_people: float | None = None
    potential_mean: float = 0.0

    def draw(self, s: _Series, rng: np.random.Generator) -> np.ndarray:
        potential: np.ndarray
        if self.per_10k_people is not None:
            potential = self.per_10k_people * s.population / 10_000
        else:
            potential = 1 + rng.poisson(self.potential_mean + 3.0 * s.highland_dak_lak)
        share = self.share_low + (self.share_high - self.share_low) * s.x
        values = np.round(potential[:, None] * share)
        return np.maximum.accumulate(values, axis=1)


_SHAPES: dict[str, Percent | MonthlyEvents | MonthlyCount | Stock] = {
    "dx_steering_meetings": MonthlyEvents(0.15, 0.75, "year", first_month_p=0.85),
    "dx_plan_issued": MonthlyEvents(0.12, 0.65, "flag_year"),
    "dx_communication_posts": MonthlyCount(2.0, 24.0),
    # Province target ≥ 3 % of the budget; strong units reach it, weak ones stay near 1 %.
    "dx_budget_share_pct": Percent(0.6, 4.2, noise=0.25, decimals=2, ceiling=8.0),
    "dx_regulations_issued": MonthlyEvents(0.04, 0.25, "span"),
    "fibre_household_pct": Percent(45, 98, curve=0.7, noise=0.8, monotone=True),
    "mobile_broadband_village_pct": Percent(80, 101, curve=0.5, noise=1.0, monotone=True),
    "public_wifi_points": Stock(0.3, 1.3, per_10k_people=2.5),
    "officials_dx_trained_pct": Percent(
        20, 102, noise=2.0, monotone=True, start_reach=0.35, ramp_months=5
    ),
    "community_tech_team_village_pct": Percent(
        55, 102, curve=0.6, noise=2.0, monotone=True, start_reach=0.7, ramp_months=4
    ),
    "leader_dx_certified": MonthlyEvents(0.02, 0.22, "flag", from_month=date(2025, 9, 1)),
    "antimalware_device_pct": Percent(
        55, 101, noise=1.5, monotone=True, start_reach=0.8, ramp_months=6
    ),
    "security_incidents": MonthlyCount(1.6, 0.1),
    "security_drill_done": MonthlyEvents(0.01, 0.12, "flag_year"),
    "online_dossier_pct": Percent(25, 92, noise=3.0),
    "digitised_results_pct": Percent(
        40, 101, noise=1.5, monotone=True, start_reach=0.75, ramp_months=8
    ),
    "e_payment_pct": Percent(15, 85, noise=3.0),
    "e_document_signed_pct": Percent(80, 100, curve=0.6, noise=1.5),
    "dossier_on_time_pct": Percent(82, 99.7, curve=0.6, noise=1.5),
    "kol_channel_active": MonthlyEvents(0.03, 0.35, "flag", from_month=date(2025, 8, 1)),
    "kol_livestreams": MonthlyCount(0.5, 7.0, gate="kol_channel_active"),
    "ocop_products_online": Stock(0.2, 1.0, potential_mean=3.0),
    "cashless_merchant_pct": Percent(
        8, 75, noise=2.0, monotone=True, start_reach=0.7, ramp_months=10
    ),
    "ecommerce_household_pct": Percent(1.5, 28, curve=1.3, noise=1.0),
    "vneid_level2_pct": Percent(55, 96, curve=0.6, noise=1.0, monotone=True),
    # The 100-day "Bình dân học vụ số" movement (from September 2025) drives this one up fast.
    "digital_literacy_trained_pct": Percent(
        5, 85, noise=1.5, monotone=True, start_reach=0.1, ramp_months=6
    ),
    # The Đắk Lắk Số app launched on 10 July 2025 and spreads month by month.
    "daklakso_app_user_pct": Percent(
        3, 55, noise=1.0, monotone=True, start_reach=0.15, ramp_months=8
    ),
    "payment_account_adult_pct": Percent(48, 93, curve=0.7, noise=1.0, monotone=True),
}


# --- When values arrive ------------------------------------------------------------------------


def indicator_months(end_date: date) -> list[date]:
    """Months from July 2025 to the last month that is complete before ``end_date``."""
    return month_range(SPAN_START, add_months(end_date, -1))


def _working_days(months: list[date]) -> np.ndarray:
    """The working days from the first month to the end of the year after the last one."""
    calendar = default_calendar()
    first, last = months[0], date(months[-1].year + 2, 1, 1)
    days = np.arange(np.datetime64(first, "D"), np.datetime64(last, "D"))
    return days[[calendar.is_working_day(d) for d in days.astype(object)]]


def _report_times(
    world: World, months: list[date], rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """When each unit sends each month's report (units × months, datetime64[s]; NaT = never),
    and the report's number in the unit's register (which restarts every January)."""
    units = world.units
    level = units.level_at(np.arange(len(months)) + 1.0)
    delay = 2 + rng.poisson(1.0 + 6.0 * (1.0 - level))
    late = units.late_reporter[:, None]
    delay = np.where(late, 8 + rng.poisson(22.0, level.shape), delay)
    skipped = rng.random(level.shape) < np.where(
        units.barely_reports[:, None], 0.8, np.where(late, 0.2, 0.01)
    )
    first_of_next = np.array([add_months(m, 1) for m in months], dtype="datetime64[D]")
    day = first_of_next[None, :] + delay.astype("timedelta64[D]")
    # Reports are filed on working days (the first one on or after that day), in office hours.
    working = _working_days(months)
    day = working[np.searchsorted(working, day, side="left")]
    seconds = rng.integers(8 * 3600, 17 * 3600, level.shape).astype("timedelta64[s]")
    times = day.astype("datetime64[s]") + seconds
    times[skipped] = np.datetime64("NaT")
    month_of_year = np.array([m.month for m in months])
    numbers = 10 + 18 * (month_of_year[None, :] - 1) + rng.integers(0, 15, level.shape)
    return times, numbers


def _auto_times(months: list[date], n_units: int, rng: np.random.Generator) -> np.ndarray:
    """Measured values are synced from the provincial systems in the night to the 1st."""
    first_of_next = np.array([add_months(m, 1) for m in months], dtype="datetime64[s]")
    night = rng.integers(3600, 4 * 3600, (n_units, len(months))).astype("timedelta64[s]")
    return first_of_next[None, :] + night


def _series_input(world: World, months: list[date]) -> _Series:
    units = world.units
    elapsed = np.arange(len(months), dtype=float) + 0.5
    return _Series(
        x=units.level_at(elapsed),
        months=months,
        elapsed=elapsed,
        population=units.population.astype(float),
        highland_dak_lak=(units.is_highland & (units.former_province == "Đắk Lắk")).astype(float),
        earlier={},
    )


def _draw_values(
    key: str, base: _Series, earlier: dict[str, np.ndarray], rng: np.random.Generator
) -> tuple[_Series, np.ndarray]:
    """One indicator's values (units × months), from its own stream ``rng``."""
    offset = rng.normal(0.0, 0.08, (base.x.shape[0], 1))
    series = _Series(
        np.clip(base.x + offset, 0.0, 1.0),
        base.months,
        base.elapsed,
        base.population,
        base.highland_dak_lak,
        earlier,
    )
    return series, _SHAPES[key].draw(series, rng)


def fibre_household_values(world: World) -> tuple[list[date], np.ndarray]:
    """The months and the ``fibre_household_pct`` values (units × months) the generator writes,
    drawn again from the indicator's own stream, so the fibre counts (``data.demo.fibre``) agree
    with the score's indicator. The indicator is measured ("auto"): every value of a month
    that ended before the snapshot is written."""
    months = indicator_months(world.end_date)
    if not months:
        return [], np.zeros((len(world.units), 0))
    rng = stream(world.seed, "indicators", "fibre_household_pct")
    _, values = _draw_values("fibre_household_pct", _series_input(world, months), {}, rng)
    return months, values


def generate(world: World, batch_id: int) -> Iterator[Rows]:
    """Rows of ``indicator_values`` for every unit, indicator and complete month."""
    months = indicator_months(world.end_date)
    if not months:
        return
    rng = stream(world.seed, "indicators", "reports")
    reported, report_numbers = _report_times(world, months, rng)
    auto_reported = _auto_times(months, len(world.units), rng)
    base = _series_input(world, months)
    as_of = np.datetime64(world.as_of, "s")
    earlier: dict[str, np.ndarray] = {}
    pieces: list[dict[str, np.ndarray]] = []
    for position, indicator in enumerate(DEMO_INDICATORS):
        values_rng = stream(world.seed, "indicators", indicator.key)
        series, values = _draw_values(indicator.key, base, earlier, values_rng)
        earlier[indicator.key] = values
        times = auto_reported if indicator.source_type == "auto" else reported
        # Now and then a single figure is left blank in an otherwise complete report.
        blank = (values_rng.random(values.shape) < 0.015) & (indicator.source_type != "auto")
        keep = ~np.isnat(times) & (times < as_of) & ~blank
        unit_index, month_index = np.nonzero(keep)
        pieces.append(
            _value_columns(
                world,
                indicator,
                position,
                unit_index,
                month_index,
                values,
                times,
                series.x,
                report_numbers,
                values_rng,
            )
        )
    yield _assemble(pieces, months, world.units.code, batch_id)


def _value_columns(
    world: World,
    indicator: DemoIndicator,
    position: int,
    unit_index: np.ndarray,
    month_index: np.ndarray,
    values: np.ndarray,
    times: np.ndarray,
    x: np.ndarray,
    report_numbers: np.ndarray,
    rng: np.random.Generator,
) -> dict[str, np.ndarray]:
    n = len(unit_index)
    reported_at = times[unit_index, month_index]
    evidence = np.full(n, None, dtype=object)
    verified_by = np.full(n, None, dtype=object)
    verified_at = np.full(n, np.datetime64("NaT"), dtype="datetime64[s]")
    if indicator.source_type == "self_reported":
        # A self-reported value without its evidence reference scores nothing, so most units
        # attach the report they filed; weaker units forget more often (≈ 25 % at the bottom,
        # ≈ 3 % at the top).
        cites = rng.random(n) < 0.75 + 0.22 * x[unit_index, month_index]
        numbers = report_numbers[unit_index, month_index]
        for i in np.flatnonzero(cites):
            day = reported_at[i].astype("datetime64[D]").item()
            evidence[i] = document_ref("BC", int(numbers[i]), "UBND", day)
    elif indicator.source_type == "verified":
        checked = reported_at + rng.integers(2, 16, n).astype("timedelta64[D]")
        checked = checked + rng.integers(0, 6 * 3600, n).astype("timedelta64[s]")
        done = checked < np.datetime64(world.as_of, "s")  # still waiting for the department
        verifier = world.departments.short_vi[world.departments.index_of(indicator.verifier or "")]
        verified_by[done] = verifier
        verified_at[done] = checked[done]
    return {
        "position": np.full(n, position),
        "unit_index": unit_index,
        "month_index": month_index,
        "value": values[unit_index, month_index],
        "reported_at": reported_at,
        "evidence_ref": evidence,
        "verified_by": verified_by,
        "verified_at": verified_at,
    }


def _assemble(
    pieces: list[dict[str, np.ndarray]], months: list[date], codes: np.ndarray, batch_id: int
) -> Rows:
    merged = {k: np.concatenate([p[k] for p in pieces]) for k in pieces[0]}
    # Rows in the order a monthly load would bring them: month, unit (code order), indicator.
    order = np.lexsort((merged["position"], merged["unit_index"], merged["month_index"]))
    merged = {k: v[order] for k, v in merged.items()}
    n = len(order)
    month_array = np.array(months, dtype="datetime64[D]")
    return Rows(
        IndicatorValue.__table__,
        {
            "id": np.arange(1, n + 1),
            "unit_code": codes[merged["unit_index"]],
            "indicator_key": np.array(INDICATOR_KEYS)[merged["position"]],
            "period": month_array[merged["month_index"]],
            "value": merged["value"],
            "source_type": np.array([i.source_type for i in DEMO_INDICATORS])[merged["position"]],
            "reported_at": merged["reported_at"],
            "evidence_ref": merged["evidence_ref"],
            "verified_by": merged["verified_by"],
            "verified_at": merged["verified_at"],
            "batch_id": np.full(n, batch_id),
        },
    )
