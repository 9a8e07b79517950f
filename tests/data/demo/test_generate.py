"""One generated data set, checked for the shape the dashboard relies on and for realism.

Generated once per database kind (scale 0.05, end date 16 March 2026: about 3,000 cases).
"""

from __future__ import annotations

import json
import math
from collections import Counter
from datetime import date, datetime

import pandas as pd
import pytest
from sqlalchemy import Engine, select

from common.workcalendar import default_calendar
from data.demo import DemoSummary, generate_into
from data.demo.indicators import DEMO_INDICATORS, PILLARS
from data.demo.task_catalog import plan_tasks
from data.demo.world import load_world
from data.models import OPERATIONAL_TABLES, ImportBatch, IndicatorValueRevision
from tests.data.demo.conftest import END_DATE, counts
from tests.reference import OPERATIONAL_KEYS, catalog_entries, catalog_keys, registry_count

SEED = 7
SCALE = 0.05


@pytest.fixture(scope="module")
def demo(module_engine: Engine) -> tuple[Engine, DemoSummary]:
    with module_engine.begin() as conn:
        summary = generate_into(conn, seed=SEED, scale=SCALE, end_date=END_DATE)
    return module_engine, summary


def frame(engine: Engine, sql_table: str) -> pd.DataFrame:
    table = next(t for t in OPERATIONAL_TABLES if t.name == sql_table)
    query = select(table).order_by(*table.primary_key.columns)
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(query).mappings().all())


def units(engine: Engine) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.read_sql("SELECT code, population, peer_group FROM units", conn)


# --- The batch and the summary -------------------------------------------------------------------


def test_summary_matches_what_is_in_the_tables(demo: tuple[Engine, DemoSummary]) -> None:
    engine, summary = demo
    assert summary.by_table() == counts(engine)
    assert summary.total == sum(counts(engine).values())


def test_one_demo_batch_describes_every_row(demo: tuple[Engine, DemoSummary]) -> None:
    engine, summary = demo
    batches = frame(engine, "import_batches")
    assert len(batches) == 1
    batch = batches.iloc[0]
    assert (batch.kind, batch.source_name, batch.imported_by) == (
        "demo",
        "demo generator",
        "system",
    )
    assert batch.row_count == summary.total - 1  # every row but the batch's own
    assert json.loads(batch.parameters) == {
        "seed": SEED,
        "scale": SCALE,
        "end_date": "2026-03-16",
        "generator_version": "2",
    }
    for table in OPERATIONAL_TABLES:
        if table is IndicatorValueRevision.__table__:
            # The generator writes first values; corrections come later, through data.indicators.
            assert frame(engine, table.name).empty
        elif "batch_id" in table.c:
            assert set(frame(engine, table.name)["batch_id"]) == {batch.id}, table.name


# --- Feedback ------------------------------------------------------------------------------------


def test_every_unit_gets_feedback_in_proportion_to_population(
    demo: tuple[Engine, DemoSummary],
) -> None:
    engine, _ = demo
    per_unit = frame(engine, "feedback_cases").groupby("unit_code").size()
    registry = units(engine).set_index("code")
    assert set(per_unit.index) == set(registry.index)  # all 102 units
    joined = registry.assign(cases=per_unit)
    # Buôn Ma Thuột (169,596 people) against Nam Ka (6,424): 26 times the population.
    assert joined.loc["24133", "cases"] > 5 * joined.loc["24607", "cases"]
    assert joined["cases"].rank().corr(joined["population"].rank()) > 0.8  # Spearman


def test_urban_wards_report_more_per_head_than_highland_communes(
    demo: tuple[Engine, DemoSummary],
) -> None:
    engine, _ = demo
    cases = frame(engine, "feedback_cases").merge(
        units(engine), left_on="unit_code", right_on="code"
    )
    by_group = cases.groupby("peer_group").size()
    people = units(engine).groupby("peer_group")["population"].sum()
    per_head = by_group / people
    assert per_head["phuong"] > per_head["xa_highland"]


def test_nothing_happens_on_or_after_the_end_date(demo: tuple[Engine, DemoSummary]) -> None:
    engine, _ = demo
    end = datetime(2026, 3, 16)
    instants = {
        "feedback_cases": ["received_at", "accepted_at", "resolved_at"],
        "feedback_status_history": ["changed_at"],
        "indicator_values": ["reported_at", "verified_at"],
    }
    for table, columns in instants.items():
        data = frame(engine, table)
        for column in columns:
            assert data[column].dropna().max() < end, (table, column)
    days = {
        "task_checkins": ["checked_at"],
        "task_assignments": ["completed_at", "confirmed_at"],
        "task_extensions": ["requested_at", "decided_at"],
        "tasks": ["start_date"],
        "infra_sites": ["planned_at", "on_air_at"],
        "infra_site_status_history": ["changed_at"],
    }
    for table, columns in days.items():
        data = frame(engine, table)
        for column in columns:
            assert data[column].dropna().max() < END_DATE, (table, column)


def test_due_dates_follow_the_working_calendar(demo: tuple[Engine, DemoSummary]) -> None:
    engine, _ = demo
    cases = frame(engine, "feedback_cases")
    history = frame(engine, "feedback_status_history")
    # Cases whose deadline a pause or a reopening moved are checked against the rules in
    # tests/data/test_demo_feedback_deadlines.py; here the plain ones, from the declared times.
    moved = history.loc[history["to_status"].isin(["on_hold", "reopened"]), "case_id"]
    accepted = cases[cases["accepted_at"].notna() & ~cases["id"].isin(moved)]
    # Every branch below is exercised: each severity has accepted cases.
    assert set(accepted["severity"]) == {"urgent", "normal", "complex"}
    calendar = default_calendar()
    for row in accepted.itertuples():
        start = row.accepted_at.to_pydatetime()
        question = row.category_group == "Hỏi đáp, hướng dẫn"
        # metrics/feedback_deadlines.yaml: 4 h, 5 days, 15 days; questions 3 (normal) and 10
        # (complex) days; a fallen tree (normal) 2 days.
        normal_days = 3 if question else 2 if row.category == "Cây xanh gãy đổ, nguy hiểm" else 5
        expected = {
            "urgent": calendar.add_working_hours(start, 4),
            "normal": calendar.add_working_days(start, normal_days),
            "complex": calendar.add_working_days(start, 10 if question else 15),
        }[row.severity]
        assert row.due_at.to_pydatetime() == expected, row.case_code
    # Rejected and duplicate cases are never accepted, so they have no deadline.
    assert cases.loc[cases["accepted_at"].isna(), "due_at"].isna().all()


def test_status_history_tells_each_case_s_story(demo: tuple[Engine, DemoSummary]) -> None:
    engine, _ = demo
    cases = frame(engine, "feedback_cases").set_index("id")
    history = frame(engine, "feedback_status_history").sort_values("id")
    assert set(history["case_id"]) == set(cases.index)
    by_case = history.groupby("case_id")
    first = by_case.head(1)
    assert (first["to_status"] == "received").all() and first["from_status"].isna().all()
    assert (first.set_index("case_id")["changed_at"] == cases["received_at"]).all()
    # Each step starts from where the previous one ended, never earlier in time.
    later = history[history["case_id"] == history["case_id"].shift()]
    previous = history.shift().loc[later.index]
    assert (later["from_status"] == previous["to_status"]).all()
    assert (later["changed_at"] >= previous["changed_at"]).all()
    assert (by_case["to_status"].last() == cases["status"]).all()
    reopened = history[history["to_status"] == "reopened"].groupby("case_id").size()
    assert (reopened.reindex(cases.index, fill_value=0) == cases["reopen_count"]).all()


def test_statuses_and_their_details_agree(demo: tuple[Engine, DemoSummary]) -> None:
    engine, _ = demo
    cases = frame(engine, "feedback_cases")
    seen = Counter(cases["status"])
    for status in ("received", "resolved", "rejected", "duplicate", "in_progress"):
        assert seen[status] > 0, status
    resolved = cases[cases["status"] == "resolved"]
    assert resolved["resolved_at"].notna().all() and resolved["response_text"].notna().all()
    others = cases[cases["status"] != "resolved"]
    assert others["resolved_at"].isna().all() and others["satisfaction"].isna().all()
    # Some resolved cases carry photo or document evidence, some do not.
    assert 0.2 < resolved["response_evidence_ref"].notna().mean() < 0.95
    # The generator rates each resolved case with probability 0.6: the share must lie within
    # four binomial standard deviations of it, sqrt(0.6 × 0.4 / n) for the n resolved cases.
    rated = resolved["satisfaction"].notna().mean()
    assert abs(rated - 0.6) < 4 * math.sqrt(0.6 * 0.4 / len(resolved))
    assert cases.loc[cases["status"].isin(["rejected", "on_hold"]), "status_reason"].notna().all()
    assert cases["is_question"].any() and (~cases["is_question"]).any()


def test_duplicates_point_to_an_earlier_case_of_the_same_unit(
    demo: tuple[Engine, DemoSummary],
) -> None:
    engine, _ = demo
    cases = frame(engine, "feedback_cases").set_index("id")
    duplicates = cases[cases["status"] == "duplicate"]
    assert len(duplicates) > 0
    originals = cases.loc[duplicates["duplicate_of_id"].astype(int)]
    assert (originals["unit_code"].to_numpy() == duplicates["unit_code"].to_numpy()).all()
    assert (originals["received_at"].to_numpy() <= duplicates["received_at"].to_numpy()).all()
    assert (originals["category"].to_numpy() == duplicates["category"].to_numpy()).all()


def test_stronger_units_handle_feedback_on_time_more_often(
    demo: tuple[Engine, DemoSummary],
) -> None:
    engine, _ = demo
    cases = frame(engine, "feedback_cases").merge(
        units(engine), left_on="unit_code", right_on="code"
    )
    resolved = cases[cases["status"] == "resolved"]
    on_time = (resolved["resolved_at"] <= resolved["due_at"]).groupby(resolved["peer_group"]).mean()
    assert on_time["phuong"] > on_time["xa_highland"]


def test_personal_data_looks_vietnamese(demo: tuple[Engine, DemoSummary]) -> None:
    engine, _ = demo
    cases = frame(engine, "feedback_cases")
    phones = cases["reporter_phone"].dropna()
    assert phones.str.fullmatch(r"0[35789]\d{8}").all()
    assert 0.05 < cases["reporter_name"].isna().mean() < 0.4  # some report anonymously
    addresses = cases["reporter_address"].dropna()
    assert addresses.str.contains(r", (?:xã|phường) ").all()


# --- Infrastructure ------------------------------------------------------------------------------


def test_every_unit_has_a_centre_5g_site(demo: tuple[Engine, DemoSummary]) -> None:
    engine, _ = demo
    sites = frame(engine, "infra_sites")
    centre = sites[sites["serves_centre"] & (sites["technology"] == "5G")]
    assert set(centre["unit_code"]) == set(units(engine)["code"])
    assert sites["site_code"].is_unique


def test_site_history_reaches_the_site_status(demo: tuple[Engine, DemoSummary]) -> None:
    engine, _ = demo
    sites = frame(engine, "infra_sites").set_index("id")
    history = frame(engine, "infra_site_status_history").sort_values("id")
    last = history.groupby("site_id")["to_status"].last()
    assert (last == sites.loc[last.index, "status"]).all()
    on_air = sites[sites["status"] == "on_air"]
    assert on_air["on_air_at"].notna().all()
    assert sites.loc[sites["status"] != "on_air", "on_air_at"].isna().all()
    assert sites.loc[sites["status"] == "blocked", "blocked_reason"].notna().all()


# --- Indicators ----------------------------------------------------------------------------------


def test_the_indicator_catalog() -> None:
    # The demo stores a monthly value of every catalog indicator except the eight operational
    # measures, which metrics computes from the task, feedback and 5G records: the catalog
    # file's entries, in its order, minus those — each described as the catalog describes it.
    entries = {e["key"]: e for e in catalog_entries()}
    keys = [i.key for i in DEMO_INDICATORS]
    assert keys == [k for k in catalog_keys() if k not in OPERATIONAL_KEYS]
    for indicator in DEMO_INDICATORS:
        entry = entries[indicator.key]
        assert indicator.pillar == entry["pillar"], indicator.key
        assert indicator.source_type == entry["source_type"], indicator.key
        assert indicator.unit == entry["unit"], indicator.key
        assert indicator.lower_is_better == (entry["direction"] == "lower"), indicator.key
    assert {i.pillar for i in DEMO_INDICATORS} == set(PILLARS)
    assert {i.source_type for i in DEMO_INDICATORS} == {"auto", "self_reported", "verified"}
    assert all(i.verifier for i in DEMO_INDICATORS if i.source_type == "verified")


def test_indicator_values_are_monthly_in_range_and_sourced(
    demo: tuple[Engine, DemoSummary],
) -> None:
    engine, _ = demo
    values = frame(engine, "indicator_values")
    catalog = {i.key: i for i in DEMO_INDICATORS}
    assert set(values["indicator_key"]) == set(catalog)
    # July 2025 … February 2026: the last month complete before 16 March 2026.
    periods = sorted(set(values["period"]))
    assert periods[0] == date(2025, 7, 1) and periods[-1] == date(2026, 2, 1)
    assert all(p.day == 1 for p in periods) and len(periods) == 8
    for key, rows in values.groupby("indicator_key"):
        indicator = catalog[key]
        assert set(rows["source_type"]) == {indicator.source_type}, key
        if indicator.unit == "percent" and key != "dx_budget_share_pct":
            assert rows["value"].between(0, 100).all(), key
        if indicator.unit == "flag":
            assert set(rows["value"]) <= {0.0, 1.0}, key
    verified = values[values["verified_at"].notna()]
    assert (verified["source_type"] == "verified").all() and verified["verified_by"].notna().all()
    assert values["evidence_ref"].dropna().str.match(r"Báo cáo số \d+/BC-UBND ngày").all()
    # Reports arrive in the month after the one they describe.
    next_month = pd.to_datetime(values["period"]) + pd.offsets.MonthBegin(1)
    assert (values["reported_at"] >= next_month).all()


def test_late_reporters_leave_gaps(demo: tuple[Engine, DemoSummary]) -> None:
    engine, _ = demo
    values = frame(engine, "indicator_values")
    with engine.connect() as conn:
        world = load_world(conn, seed=SEED, scale=SCALE, end_date=END_DATE).units
    late = pd.Series(world.late_reporter, index=world.code)
    barely = pd.Series(world.barely_reports, index=world.code)
    assert late.any() and barely.any() and (~late).any()  # every class below has units
    reported = values[values["source_type"] != "auto"]
    months_per_unit = (
        reported.groupby("unit_code")["period"].nunique().reindex(world.code, fill_value=0)
    )
    # A late reporter files 8 + Poisson(22) days after the month: February's report would have
    # to come by 15 March, i.e. Poisson(22) ≤ 6 (p ≈ 10⁻⁴). So every late reporter has a gap.
    assert (months_per_unit[late] < 8).all()
    # July–January: every report that is sent has arrived by 16 March, so what is missing was
    # skipped — 80 % of a barely-reporting unit's months, 1 % of an ordinary unit's (7 months
    # × 92 ordinary units = 644 chances, mean 6.4, sd 2.5: under 3 % even 4 sd high).
    early = reported[pd.to_datetime(reported["period"]) < pd.Timestamp(2026, 2, 1)]
    early_months = early.groupby("unit_code")["period"].nunique().reindex(world.code, fill_value=0)
    missed = 1 - early_months / 7
    assert missed[barely].mean() > 0.5
    assert missed[~late].mean() < 0.03
    # Automatically measured values arrive for everyone, every month.
    auto = values[values["source_type"] == "auto"]
    assert auto.groupby("unit_code")["period"].nunique().eq(8).all()


def test_wards_score_higher_than_highland_communes(demo: tuple[Engine, DemoSummary]) -> None:
    engine, _ = demo
    values = frame(engine, "indicator_values").merge(
        units(engine), left_on="unit_code", right_on="code"
    )
    online = values[values["indicator_key"] == "online_dossier_pct"]
    means = online.groupby("peer_group")["value"].mean()
    assert means["phuong"] > means["xa_lowland"] > means["xa_highland"]


# --- Tasks ---------------------------------------------------------------------------------------


def test_tasks_and_their_assignments(demo: tuple[Engine, DemoSummary]) -> None:
    engine, _ = demo
    tasks = frame(engine, "tasks").set_index("id")
    issued = [t for t in plan_tasks() if t.start < END_DATE]
    assert sorted(tasks["plan_item"]) == sorted(t.item for t in issued)
    assert {"province", "all"} <= {t.scope for t in issued}  # both branches below run
    assignments = frame(engine, "task_assignments")
    per_task = assignments.groupby("task_id")
    for task_id, task in tasks.iterrows():
        spec = next(t for t in issued if t.item == task.plan_item)
        rows = per_task.get_group(task_id)
        if spec.scope == "province":
            assert len(rows) == 1 and rows["unit_code"].isna().all()
        elif spec.scope == "all":
            assert len(rows) == registry_count() and rows["unit_code"].notna().all()
        keys = [k for k in task.indicator_keys.split(",") if k]
        assert set(keys) <= {i.key for i in DEMO_INDICATORS}
    chairs = assignments[assignments["unit_code"].notna()]["responsible_title"]
    assert set(chairs) == {"Chủ tịch UBND xã", "Chủ tịch UBND phường"}


def test_assignment_states_agree_with_their_dates(demo: tuple[Engine, DemoSummary]) -> None:
    engine, _ = demo
    a = frame(engine, "task_assignments")
    done = a[a["state"] == "done"]
    assert (done["progress_pct"] == 100).all() and done["completed_at"].notna().all()
    open_ = a[a["state"] != "done"]
    assert open_["completed_at"].isna().all() and open_["confirmed_at"].isna().all()
    confirmed = done[done["confirmed_at"].notna()]
    assert (confirmed["confirmed_at"] >= confirmed["completed_at"]).all()
    # The four reporting classes all occur.
    late = done["completed_at"] > done["deadline"]
    overdue = open_["deadline"] < END_DATE
    assert late.any() and (~late).any() and overdue.any() and (~overdue).any()
    assert a["escalated"].any() and a.loc[a["escalated"], "escalation_note"].notna().all()


def test_approved_extensions_move_the_deadline(demo: tuple[Engine, DemoSummary]) -> None:
    engine, _ = demo
    extensions = frame(engine, "task_extensions")
    assert {"approved", "rejected"} <= set(extensions["state"])
    deadlines = frame(engine, "task_assignments").set_index("id")["deadline"]
    for row in extensions.itertuples():
        current = deadlines.loc[row.assignment_id]
        if row.state == "approved":
            assert current == row.new_deadline
        else:
            assert current == row.old_deadline
        assert (row.decided_at is None or pd.isna(row.decided_at)) == (row.state == "pending")


def test_check_ins_never_go_backwards(demo: tuple[Engine, DemoSummary]) -> None:
    engine, _ = demo
    checkins = frame(engine, "task_checkins").sort_values("id")
    same = checkins["assignment_id"] == checkins["assignment_id"].shift()
    previous = checkins.shift()[same]
    assert (checkins.loc[same, "progress_pct"] >= previous["progress_pct"]).all()
    assert (checkins.loc[same, "checked_at"] >= previous["checked_at"]).all()
    progress = frame(engine, "task_assignments").set_index("id")["progress_pct"]
    last = checkins.groupby("assignment_id")["progress_pct"].last()
    assert (progress.loc[last.index] == last).all()


def test_batch_row_is_the_only_import(demo: tuple[Engine, DemoSummary]) -> None:
    engine, summary = demo
    with engine.connect() as conn:
        ids = conn.execute(select(ImportBatch.id)).scalars().all()
    assert ids == [summary.batch_id]
    assert summary.import_batches == len(ids)  # the summary counts the one batch it wrote
