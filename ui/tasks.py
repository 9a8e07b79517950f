"""Tables, cards and charts of the tasks page and the dossier's task block.

Every builder takes :class:`ui.export.Words` (one language) rather than reading the session's
language: the same typed frame is shown on the page and written to .xlsx/.csv, and the download
runs in a thread of its own that has no session. Frames keep numbers as numbers and days as
``date`` so the register sorts by deadline and the league tables by share; the page shows days as
dd/mm/yyyy through :meth:`TaskTable.column_config`. The status is always a symbol *and* words
(never colour alone: projectors wash colours out, and some readers do not see them).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Protocol

import altair as alt
import pandas as pd
import streamlit as st

from common.spreadsheet import neutralise_formulas
from metrics.catalog import Catalog
from metrics.task_board import AGEING_BUCKETS, TaskBucket, TaskFilterOptions, TaskFilters
from ui.export import (
    ExportTable,
    NumberFormat,
    Words,
    chosen_filter_pairs,
    download_buttons,
    filtered_export,
)
from ui.selection import open_dossier

ALL = "all"  # the "no filter" choice of every filter
LATEST = "latest"  # the as-of choice "the newest day with data"
TASKS_PAGE = "app_pages/tasks.py"  # where the dossier's task block links to


@dataclass(frozen=True)
class BucketStyle:
    """How a bucket is shown: a Streamlit colour name (Markdown ``:green[…]``), the same colour
    for the charts, and a symbol that says the same without colour."""

    colour: str
    hex: str
    symbol: str


# Vietnam's usual reporting colours: green done on time, orange done late, blue open within the
# deadline, red overdue, grey not started.
BUCKET_STYLES: dict[TaskBucket, BucketStyle] = {
    TaskBucket.DONE_ON_TIME: BucketStyle("green", "#2e9d5b", "✓"),
    TaskBucket.DONE_LATE: BucketStyle("orange", "#e67e22", "◷"),
    TaskBucket.IN_PROGRESS: BucketStyle("blue", "#1f6fb5", "►"),
    TaskBucket.OVERDUE: BucketStyle("red", "#d9453b", "✕"),
    TaskBucket.NOT_STARTED: BucketStyle("gray", "#8a9099", "○"),
}
BUCKETS: tuple[TaskBucket, ...] = tuple(TaskBucket)

SHARE = NumberFormat(1, suffix="%")  # a 0–100 share, one decimal as the page writes shares
COUNT = NumberFormat(0)
PROGRESS = NumberFormat(0, suffix="%")


def status_text(bucket: str, words: Words) -> str:
    """ "✕ Chưa hoàn thành – quá hạn": the symbol and the words of a bucket."""
    member = TaskBucket(bucket)
    return f"{BUCKET_STYLES[member].symbol} {words.t(f'tasks.bucket.{member}')}"


def share_of(count: int, total: int) -> float | None:
    """``count`` as a percentage of ``total`` (None when there is nothing to share)."""
    return 100 * count / total if total else None


def share_text(value: float | None, words: Words) -> str:
    return "–" if _missing(value) else f"{words.num(value, 1)}%"


@dataclass(frozen=True)
class BucketCard:
    bucket: TaskBucket
    label: str  # the symbol and the words
    markdown: str  # the same in the bucket's colour (Markdown)
    count: str
    share: str


def bucket_cards(buckets: Mapping[TaskBucket, int], words: Words) -> list[BucketCard]:
    """The five headline cards in display order, each with its count and share of all."""
    total = sum(buckets.values())
    cards = []
    for bucket in BUCKETS:
        count = int(buckets.get(bucket, 0))
        style = BUCKET_STYLES[bucket]
        cards.append(
            BucketCard(
                bucket=bucket,
                label=status_text(bucket, words),
                markdown=f":{style.colour}[{status_text(bucket, words)}]",
                count=words.num(count),
                share=words.t(
                    "tasks.share_of_all", share=share_text(share_of(count, total), words)
                ),
            )
        )
    return cards


def show_bucket_cards(cards: Sequence[BucketCard]) -> None:
    """The five cards in a row. The words go above the figure as Markdown, which wraps: a
    metric's own label is cut at 1366 px ("Chưa hoàn thành –…"); it stays, hidden, for screen
    readers."""
    for column, card in zip(st.columns(len(cards)), cards, strict=True):
        with column.container(border=True, height="stretch"):
            st.markdown(f"**{card.markdown}**")
            st.metric(
                card.label,
                card.count,
                card.share,
                delta_color="off",
                delta_arrow="off",
                label_visibility="collapsed",
            )


# --- the tables: typed frames, headed in one language ------------------------------------------


@dataclass(frozen=True)
class TaskTable:
    """A headed, typed table: ``formats`` for the export's number columns, ``dates`` and
    ``shares`` (0–100) for how the page shows those columns."""

    frame: pd.DataFrame
    formats: dict[str, NumberFormat] = field(default_factory=dict)
    dates: tuple[str, ...] = ()
    shares: tuple[str, ...] = ()

    def column_config(self) -> dict[str, Any]:
        """Days as dd/mm/yyyy (both languages write day-first); shares as a bar with a whole
        percentage, which reads the same in both languages (a decimal would need the reader's
        separator, which the table cannot take from the page)."""
        config: dict[str, Any] = {
            heading: st.column_config.DateColumn(format="DD/MM/YYYY") for heading in self.dates
        }
        for heading in self.shares:
            config[heading] = st.column_config.ProgressColumn(
                format="%.0f%%", min_value=0, max_value=100
            )
        return config

    def __len__(self) -> int:
        return len(self.frame)


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def as_day(value: Any) -> date | None:
    """A date, a Timestamp or a datetime as a plain day; None when missing."""
    if _missing(value):
        return None
    if isinstance(value, pd.Timestamp | datetime):
        return value.date()
    return value if isinstance(value, date) else None


def _days(values: pd.Series) -> list[date | None]:
    return [as_day(v) for v in values]


def _whole(value: Any) -> int | None:
    return None if _missing(value) else int(value)


def _days_overdue(values: pd.Series) -> list[int]:
    """Days overdue, 0 for what is not overdue (a missing number would read "None")."""
    return [0 if _missing(v) else int(v) for v in values]


def _text(value: Any) -> str:
    """Text for a table cell; "" when missing (a table would write "None" for a missing one)."""
    return "" if _missing(value) else str(value)


def _localised(frame: pd.DataFrame, column: str, lang: str) -> pd.Series:
    """``<column>_en`` for an English reader, ``<column>_vi`` otherwise."""
    return frame[f"{column}_en" if lang == "en" else f"{column}_vi"]


def pillar_label(key: Any, catalog: Catalog, lang: str) -> str | None:
    if _missing(key) or key not in {p.key for p in catalog.pillars}:
        return None
    return catalog.pillar(str(key)).label.in_language(lang)


def unit_names(frame: pd.DataFrame, words: Words) -> list[str]:
    """The commune or ward concerned; a lead department's own assignment says so."""
    own = words.t("tasks.own_assignment")
    return [own if _missing(name) else str(name) for name in frame["unit_name"]]


def _assignee(name: Any, title: Any) -> str:
    if _missing(name):
        return ""
    return f"{name} ({title})" if not _missing(title) and title else str(name)


def register_table(register: pd.DataFrame, catalog: Catalog, words: Words) -> TaskTable:
    """The register: one row per assignment, in the board's order (escalated, then the longest
    overdue, then by deadline)."""
    lang = words.lang
    h = words.t
    frame = pd.DataFrame(
        {
            h("tasks.col.code"): register["task_code"].astype(object).tolist(),
            h("tasks.col.plan_item"): register["plan_item"].astype(object).tolist(),
            h("tasks.col.pillar"): [
                pillar_label(k, catalog, lang) or "" for k in register["pillar"]
            ],
            h("tasks.col.task"): _localised(register, "title", lang).tolist(),
            h("tasks.col.lead"): _localised(register, "lead_short", lang).tolist(),
            h("tasks.col.leader"): [_text(v) for v in register["responsible_leader"]],
            h("tasks.col.coordinators"): [
                _text(v) for v in _localised(register, "coordinators", lang)
            ],
            h("tasks.col.unit"): unit_names(register, words),
            h("tasks.col.assignee"): [
                _assignee(n, ti)
                for n, ti in zip(
                    register["responsible_name"], register["responsible_title"], strict=True
                )
            ],
            h("tasks.col.deadline"): _days(register["deadline"]),
            h("tasks.col.extensions"): [_whole(v) for v in register["extensions"]],
            h("tasks.col.progress"): [_whole(v) for v in register["progress_pct"]],
            h("tasks.col.status"): [status_text(s, words) for s in register["status"]],
            h("tasks.col.days_overdue"): _days_overdue(register["days_overdue"]),
            h("tasks.col.escalated"): [
                h("common.yes") if bool(v) else "" for v in register["escalated"]
            ],
            h("tasks.col.last_checkin"): _days(register["last_checkin"]),
            h("tasks.col.evidence"): [_text(v) for v in register["evidence_ref"]],
        }
    )
    return TaskTable(
        frame,
        formats={
            h("tasks.col.extensions"): COUNT,
            h("tasks.col.progress"): PROGRESS,
            h("tasks.col.days_overdue"): COUNT,
        },
        dates=(h("tasks.col.deadline"), h("tasks.col.last_checkin")),
    )


def task_choice_label(row: pd.Series, words: Words) -> str:
    """ "✕ NV-I.2 · Xã Ea Súp · Ban hành Kế hoạch …": how the task picker names a row."""
    title = row["title_en"] if words.lang == "en" else row["title_vi"]
    unit = words.t("tasks.own_assignment") if _missing(row["unit_name"]) else row["unit_name"]
    symbol = BUCKET_STYLES[TaskBucket(row["status"])].symbol
    return f"{symbol} {row['task_code']} · {unit} · {title}"


def escalation_table(escalations: pd.DataFrame, as_of: date, words: Words) -> TaskTable:
    """What is beyond the units' authority: the task, the unit, who raised it, since when and
    for how many days (calendar days up to the day judged)."""
    h = words.t
    since = _days(escalations["escalated_at"])
    frame = pd.DataFrame(
        {
            h("tasks.col.code"): escalations["task_code"].astype(object).tolist(),
            h("tasks.col.task"): _localised(escalations, "title", words.lang).tolist(),
            h("tasks.col.unit"): unit_names(escalations, words),
            h("tasks.col.lead"): _localised(escalations, "lead_short", words.lang).tolist(),
            h("tasks.col.raised_by"): [_text(v) for v in escalations["escalated_by"]],
            h("tasks.col.since"): since,
            h("tasks.col.days"): [None if d is None else (as_of - d).days for d in since],
            h("tasks.col.note"): [_text(v) for v in escalations["escalation_note"]],
            h("tasks.col.status"): [status_text(s, words) for s in escalations["status"]],
        }
    )
    return TaskTable(frame, formats={h("tasks.col.days"): COUNT}, dates=(h("tasks.col.since"),))


def overdue_table(overdue: pd.DataFrame, words: Words) -> TaskTable:
    """A unit's overdue tasks (the dossier's block): task, lead, deadline, days, progress."""
    h = words.t
    frame = pd.DataFrame(
        {
            h("tasks.col.code"): overdue["task_code"].astype(object).tolist(),
            h("tasks.col.task"): _localised(overdue, "title", words.lang).tolist(),
            h("tasks.col.lead"): _localised(overdue, "lead_short", words.lang).tolist(),
            h("tasks.col.deadline"): _days(overdue["deadline"]),
            h("tasks.col.days_overdue"): _days_overdue(overdue["days_overdue"]),
            h("tasks.col.progress"): [_whole(v) for v in overdue["progress_pct"]],
        }
    )
    return TaskTable(
        frame,
        formats={h("tasks.col.days_overdue"): COUNT, h("tasks.col.progress"): PROGRESS},
        dates=(h("tasks.col.deadline"),),
    )


def _measure_columns(frame: pd.DataFrame, words: Words) -> dict[str, list[Any]]:
    """The league tables' shared measures, in the same order everywhere."""
    h = words.t
    return {
        h("tasks.col.assignments"): [_whole(v) for v in frame["assignments"]],
        h("tasks.col.due"): [_whole(v) for v in frame["due"]],
        h("tasks.col.on_time_share"): [
            None if _missing(v) else float(v) for v in frame["on_time_share"]
        ],
        h("tasks.col.overdue"): [_whole(v) for v in frame["overdue"]],
        h("tasks.col.longest_overdue"): _days_overdue(frame["longest_overdue_days"]),
    }


def _measure_formats(words: Words, *, escalations: bool) -> dict[str, NumberFormat]:
    h = words.t
    formats = {
        h("tasks.col.assignments"): COUNT,
        h("tasks.col.due"): COUNT,
        h("tasks.col.on_time_share"): SHARE,
        h("tasks.col.overdue"): COUNT,
        h("tasks.col.longest_overdue"): COUNT,
    }
    if escalations:
        formats[h("tasks.col.escalations")] = COUNT
    return formats


def department_table(by_department: pd.DataFrame, words: Words) -> TaskTable:
    h = words.t
    frame = pd.DataFrame(
        {
            h("tasks.col.lead"): _localised(by_department, "lead_short", words.lang).tolist(),
            **_measure_columns(by_department, words),
            h("tasks.col.escalations"): [_whole(v) for v in by_department["escalations"]],
        }
    )
    return TaskTable(
        frame,
        formats=_measure_formats(words, escalations=True),
        shares=(h("tasks.col.on_time_share"),),
    )


def unit_table(by_unit: pd.DataFrame, words: Words) -> TaskTable:
    h = words.t
    frame = pd.DataFrame(
        {
            h("tasks.col.unit_code"): by_unit["unit_code"].astype(object).tolist(),
            h("tasks.col.unit"): by_unit["unit_name"].astype(object).tolist(),
            **_measure_columns(by_unit, words),
            h("tasks.col.escalations"): [_whole(v) for v in by_unit["escalations"]],
        }
    )
    return TaskTable(
        frame,
        formats=_measure_formats(words, escalations=True),
        shares=(h("tasks.col.on_time_share"),),
    )


def leader_table(by_leader: pd.DataFrame, words: Words) -> TaskTable:
    """Accountability: each named responsible person, where they answer for, their measures."""
    h = words.t
    frame = pd.DataFrame(
        {
            h("tasks.col.person"): by_leader["responsible_name"].astype(object).tolist(),
            h("tasks.col.title"): [_text(v) for v in by_leader["responsible_title"]],
            h("tasks.col.unit"): unit_names(by_leader, words),
            # Blank for a commune's leader: they answer for all its tasks, whoever leads them.
            h("tasks.col.lead"): [
                _text(v) for v in _localised(by_leader, "lead_short", words.lang)
            ],
            **_measure_columns(by_leader, words),
        }
    )
    return TaskTable(
        frame,
        formats=_measure_formats(words, escalations=False),
        shares=(h("tasks.col.on_time_share"),),
    )


MISSING_PARTS = ("deadline", "leader")


def missing_text(missing: Any, words: Words) -> str:
    """ "deadline,leader" → "Chưa có hạn hoàn thành; chưa có lãnh đạo phụ trách"."""
    parts = [p for p in str(missing).split(",") if p in MISSING_PARTS]
    texts = [words.t(f"tasks.missing.{p}") for p in parts]
    return "; ".join(texts) if texts else str(missing)


def incomplete_table(incomplete: pd.DataFrame, words: Words) -> TaskTable:
    h = words.t
    frame = pd.DataFrame(
        {
            h("tasks.col.code"): incomplete["task_code"].astype(object).tolist(),
            h("tasks.col.task"): _localised(incomplete, "title", words.lang).tolist(),
            h("tasks.col.lead"): _localised(incomplete, "lead_short", words.lang).tolist(),
            h("tasks.col.unit"): unit_names(incomplete, words),
            h("tasks.col.missing"): [missing_text(m, words) for m in incomplete["missing"]],
        }
    )
    return TaskTable(frame)


def ageing_table(ageing: pd.DataFrame, words: Words) -> TaskTable:
    """Overdue assignments by days overdue, in the buckets' order (every bucket, zeros too)."""
    counts = dict(zip(ageing["bucket"], ageing["count"], strict=True))
    h = words.t
    frame = pd.DataFrame(
        {
            h("tasks.col.ageing"): [h(f"tasks.ageing.{b}") for b in AGEING_BUCKETS],
            h("tasks.col.overdue"): [int(counts.get(b, 0)) for b in AGEING_BUCKETS],
        }
    )
    return TaskTable(frame, formats={h("tasks.col.overdue"): COUNT})


def trend_table(trend: pd.DataFrame, words: Words) -> TaskTable:
    h = words.t
    frame = pd.DataFrame(
        {
            h("tasks.col.month"): [words.month(as_day(m)) for m in trend["month"]],
            h("tasks.col.due"): [_whole(v) for v in trend["due"]],
            h("tasks.col.overdue"): [_whole(v) for v in trend["overdue"]],
            h("tasks.col.overdue_share"): [
                None if _missing(v) else float(v) for v in trend["overdue_share"]
            ],
        }
    )
    return TaskTable(
        frame,
        formats={
            h("tasks.col.due"): COUNT,
            h("tasks.col.overdue"): COUNT,
            h("tasks.col.overdue_share"): SHARE,
        },
    )


def checkin_table(checkins: pd.DataFrame, words: Words) -> TaskTable:
    h = words.t
    frame = pd.DataFrame(
        {
            h("tasks.col.checked_at"): _days(checkins["checked_at"]),
            h("tasks.col.progress"): [_whole(v) for v in checkins["progress_pct"]],
            h("tasks.col.note"): [_text(v) for v in checkins["note"]],
            h("tasks.col.reported_by"): [_text(v) for v in checkins["reported_by"]],
        }
    )
    return TaskTable(
        frame, formats={h("tasks.col.progress"): PROGRESS}, dates=(h("tasks.col.checked_at"),)
    )


EXTENSION_STATES = ("pending", "approved", "rejected")


def extension_table(extensions: pd.DataFrame, words: Words) -> TaskTable:
    """Every request: asked, why, the deadline it asked to move (old → new), and the decision."""
    h = words.t
    frame = pd.DataFrame(
        {
            h("tasks.col.requested_at"): [words.day(as_day(v)) for v in extensions["requested_at"]],
            h("tasks.col.reason"): [_text(v) for v in extensions["reason"]],
            h("tasks.col.deadline_change"): [
                h(
                    "tasks.deadline_change",
                    old=words.day(as_day(old)),
                    new=words.day(as_day(new)),
                )
                for old, new in zip(
                    extensions["old_deadline"], extensions["new_deadline"], strict=True
                )
            ],
            h("tasks.col.decision"): [
                h(f"tasks.extension.{s}") if s in EXTENSION_STATES else str(s)
                for s in extensions["state"]
            ],
            h("tasks.col.decided_by"): [_text(v) for v in extensions["decided_by"]],
            # A pending request has no decision day: a few rows, written as text ("–").
            h("tasks.col.decided_at"): [words.day(as_day(v)) for v in extensions["decided_at"]],
        }
    )
    return TaskTable(frame)


# --- facts of one task (the drill-down) ---------------------------------------------------------


def confirmation_text(row: pd.Series, words: Words) -> str:
    """Done counts once the assigning unit confirms it: say which of the three it is."""
    completed, confirmed = as_day(row["completed_at"]), as_day(row["confirmed_at"])
    if confirmed is not None:
        return words.t(
            "tasks.confirmed",
            completed=words.day(completed),
            confirmed=words.day(confirmed),
        )
    if completed is not None:
        return words.t("tasks.completed_unconfirmed", completed=words.day(completed))
    return words.t("tasks.not_completed")


def deadline_text(row: pd.Series, words: Words) -> str:
    """The deadline in force, and the original one when an approved extension moved it."""
    deadline, original = as_day(row["deadline"]), as_day(row["original_deadline"])
    if original is not None and deadline is not None and original != deadline:
        return words.t(
            "tasks.deadline_moved",
            deadline=words.day(deadline),
            original=words.day(original),
            n=words.num(_whole(row["extensions"]) or 0),
        )
    return words.day(deadline)


def task_facts(row: pd.Series, catalog: Catalog, words: Words) -> list[tuple[str, str]]:
    """(label, value) pairs for the drill-down's header."""
    h = words.t
    lang = words.lang
    unit = h("tasks.own_assignment") if _missing(row["unit_name"]) else str(row["unit_name"])
    return [
        (h("tasks.col.status"), status_text(row["status"], words)),
        (h("tasks.col.plan_item"), str(row["plan_item"])),
        (h("tasks.col.pillar"), pillar_label(row["pillar"], catalog, lang) or "–"),
        (h("tasks.col.lead"), str(row["lead_short_en" if lang == "en" else "lead_short_vi"])),
        (h("tasks.col.leader"), _text(row["responsible_leader"]) or "–"),
        (h("tasks.col.coordinators"), _text(row[f"coordinators_{lang}"]) or "–"),
        (h("tasks.col.unit"), unit),
        (
            h("tasks.col.assignee"),
            _assignee(row["responsible_name"], row["responsible_title"]) or "–",
        ),
        (h("tasks.col.start"), words.day(as_day(row["start_date"]))),
        (h("tasks.col.deadline"), deadline_text(row, words)),
        (h("tasks.col.progress"), f"{words.num(_whole(row['progress_pct']) or 0)}%"),
        (h("tasks.col.confirmation"), confirmation_text(row, words)),
        (h("tasks.col.evidence"), _text(row["evidence_ref"]) or h("tasks.no_evidence")),
    ]


def not_moving_text(keys: Sequence[str], catalog: Catalog, words: Words) -> str | None:
    """The flag "done but the indicator is not moving", naming the indicators; None if none."""
    if not keys:
        return None
    known = {i.key for i in catalog.indicators}
    labels = [catalog.indicator(k).label.in_language(words.lang) if k in known else k for k in keys]
    return words.t("tasks.not_moving", indicators="; ".join(labels))


# --- charts (Vega-Lite through Altair, drawn by Streamlit's own bundle: no outside request) --

# The charts are Vega-Lite (Altair), not Plotly: Streamlit's Plotly bundle
# (4.7 MB) cost the page about 0.6 s of its ready time in Chromium (measured with
# bench.bench_pages: 2.53 s with Plotly, 1.87 s without, floor 1.53 s). Labels and tooltips are
# formatted here, so they follow the reader's language.


def trend_data(trend: pd.DataFrame, words: Words) -> pd.DataFrame:
    """The trend chart's rows: month label, share (NaN draws no point) and the tooltip text."""
    shares = [None if _missing(v) else float(v) for v in trend["overdue_share"]]
    return pd.DataFrame(
        {
            "month": [f"{as_day(m):%m/%Y}" for m in trend["month"]],
            "share": shares,
            "tooltip": [
                words.t(
                    "tasks.trend_hover",
                    month=words.month(as_day(m)),
                    share=share_text(s, words),
                    overdue=words.num(_whole(o) or 0),
                    due=words.num(_whole(d) or 0),
                )
                for m, s, o, d in zip(
                    trend["month"], shares, trend["overdue"], trend["due"], strict=True
                )
            ],
        }
    )


def trend_figure(trend: pd.DataFrame, words: Words) -> alt.LayerChart:
    """The overdue share month by month (of the assignments due by each month's end)."""
    data = trend_data(trend, words)
    colour = BUCKET_STYLES[TaskBucket.OVERDUE].hex
    x = alt.X("month:N", sort=list(data["month"]), title=None, axis=alt.Axis(labelAngle=-45))
    y = alt.Y(
        "share:Q",
        title=words.t("tasks.col.overdue_share"),
        scale=alt.Scale(zero=True),
        axis=alt.Axis(labelExpr="datum.value + '%'"),
    )
    tooltip = [alt.Tooltip("tooltip:N", title=words.t("tasks.col.overdue_share"))]
    line = alt.Chart(data).mark_line(color=colour, strokeWidth=2).encode(x=x, y=y)
    points = (
        alt.Chart(data)
        .mark_point(shape="cross", angle=45, filled=True, size=80, color=colour)
        .encode(x=x, y=y, tooltip=tooltip)
    )
    return alt.layer(line, points).properties(height=260)


def bucket_bar_chart(
    table: TaskTable, *, x_title: str, y_title: str, colour: str, words: Words, height: int = 260
) -> alt.LayerChart:
    """Counts by bucket (the table's first two columns), each bar labelled with its count in
    the reader's number format: the ageing charts of the tasks and feedback pages."""
    frame = table.frame
    data = pd.DataFrame(
        {
            "bucket": frame.iloc[:, 0].tolist(),
            "count": frame.iloc[:, 1].astype(int).tolist(),
            "label": [words.num(int(c)) for c in frame.iloc[:, 1]],
        }
    )
    x = alt.X("bucket:N", sort=list(data["bucket"]), title=x_title, axis=alt.Axis(labelAngle=0))
    y = alt.Y("count:Q", title=y_title, scale=alt.Scale(zero=True))
    tooltip = [alt.Tooltip("label:N", title=y_title)]
    bars = alt.Chart(data).mark_bar(color=colour).encode(x=x, y=y, tooltip=tooltip)
    labels = alt.Chart(data).mark_text(dy=-8, color="#333").encode(x=x, y=y, text="label:N")
    return alt.layer(bars, labels).properties(height=height)


def ageing_figure(ageing: TaskTable, words: Words) -> alt.LayerChart:
    """Overdue assignments by days overdue, each bar labelled with its count."""
    return bucket_bar_chart(
        ageing,
        x_title=words.t("tasks.col.ageing"),
        y_title=words.t("tasks.col.overdue"),
        colour=BUCKET_STYLES[TaskBucket.OVERDUE].hex,
        words=words,
    )


TIMELINE_ROWS = 40  # more bars than this are unreadable on a 768 px screen


def timeline_rows(register: pd.DataFrame, limit: int = TIMELINE_ROWS) -> pd.DataFrame:
    """The rows the timeline draws: the register's first ``limit`` (the most urgent first)."""
    dated = register[register["start_date"].notna() & register["deadline"].notna()]
    return dated.head(limit)


def timeline_data(rows: pd.DataFrame, as_of: date, words: Words) -> pd.DataFrame:
    """One bar per task: from its start to its completion (or to the day judged, when open; at
    least one day), its deadline in force, its bucket's words and colour, and its row label
    (which carries the bucket's symbol, so the chart does not rely on colour)."""
    records = []
    for _, row in rows.iterrows():
        start = as_day(row["start_date"])
        if start is None:
            continue
        end = max(as_day(row["completed_at"]) or as_of, start + timedelta(days=1))
        bucket = TaskBucket(row["status"])
        deadline = as_day(row["deadline"])
        records.append(
            {
                "label": _timeline_label(row, words),
                "start": pd.Timestamp(start),
                "end": pd.Timestamp(end),
                "deadline": pd.Timestamp(deadline) if deadline else pd.NaT,
                "status": status_text(bucket, words),
                "colour": BUCKET_STYLES[bucket].hex,
                "tooltip": words.t(
                    "tasks.timeline_hover",
                    status=status_text(bucket, words),
                    start=words.day(start),
                    deadline=words.day(deadline),
                    end=words.day(end),
                ),
            }
        )
    return pd.DataFrame(
        records,
        columns=["label", "start", "end", "deadline", "status", "colour", "tooltip"],
    )


def timeline_figure(rows: pd.DataFrame, as_of: date, words: Words) -> alt.LayerChart:
    """Each task as a bar coloured and named by its bucket, its deadline in force a black tick,
    the day judged a dotted rule; rows in the register's order (most urgent on top)."""
    data = timeline_data(rows, as_of, words)
    order = list(dict.fromkeys(data["label"]))
    y = alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=320))
    styles = [BUCKET_STYLES[b] for b in BUCKETS]
    colour = alt.Color(
        "status:N",
        scale=alt.Scale(
            domain=[status_text(b, words) for b in BUCKETS], range=[s.hex for s in styles]
        ),
        legend=alt.Legend(orient="bottom", title=None),
    )
    time_axis = alt.Axis(format="%m/%Y", title=None)
    bars = (
        alt.Chart(data)
        .mark_bar(height=14)
        .encode(
            x=alt.X("start:T", axis=time_axis),
            x2="end:T",
            y=y,
            color=colour,
            tooltip=[alt.Tooltip("tooltip:N", title=words.t("tasks.col.status"))],
        )
    )
    ticks = (
        alt.Chart(data).mark_tick(color="black", thickness=2, size=18).encode(x="deadline:T", y=y)
    )
    today = (
        alt.Chart(pd.DataFrame({"day": [pd.Timestamp(as_of)]}))
        .mark_rule(strokeDash=[2, 3], color="#555")
        .encode(x="day:T")
    )
    return alt.layer(bars, ticks, today).properties(height=max(240, 26 * len(order) + 60))


def _timeline_label(row: pd.Series, words: Words) -> str:
    symbol = BUCKET_STYLES[TaskBucket(row["status"])].symbol
    unit = words.t("tasks.own_assignment") if _missing(row["unit_name"]) else row["unit_name"]
    return f"{symbol} {row['task_code']} · {unit}"


def indicator_figure(indicators: pd.DataFrame, words: Words) -> alt.Chart:
    """Each indicator the task should move, month by month."""
    label_column = "label_en" if words.lang == "en" else "label_vi"
    data = pd.DataFrame(
        {
            "month": [f"{as_day(m):%m/%Y}" for m in indicators["month"]],
            "order": [as_day(m) for m in indicators["month"]],
            "value": indicators["value"].astype(float),
            "indicator": indicators[label_column].astype(str),
            "value_text": [words.num(float(v), 1) for v in indicators["value"]],
        }
    ).sort_values("order")
    months = list(dict.fromkeys(data["month"]))
    return (
        alt.Chart(data.drop(columns="order"))
        .mark_line(point=True)
        .encode(
            x=alt.X("month:N", sort=months, title=None, axis=alt.Axis(labelAngle=-45)),
            y=alt.Y("value:Q", title=None),
            color=alt.Color("indicator:N", legend=alt.Legend(orient="bottom", title=None)),
            tooltip=["indicator:N", "month:N", alt.Tooltip("value_text:N", title=None)],
        )
        .properties(height=240)
    )


# --- filters -------------------------------------------------------------------------------------


class DaySpan(Protocol):
    """The days a board's data covers (the tasks' and the infrastructure's filter options)."""

    @property
    def first_day(self) -> date: ...

    @property
    def last_day(self) -> date: ...


def month_end(month: date) -> date:
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return following - timedelta(days=1)


def as_of_choices(options: DaySpan) -> dict[str, date]:
    """URL value → the day judged: the newest day with data first, then the end of every
    month the data covers completely, newest first ("10/2026", as the period is written)."""
    choices = {LATEST: options.last_day}
    month = date(options.last_day.year, options.last_day.month, 1)
    first = date(options.first_day.year, options.first_day.month, 1)
    while month >= first:
        if month_end(month) <= options.last_day:
            choices[f"{month:%m/%Y}"] = month_end(month)
        month = date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)
    return choices


def as_of_labels(choices: Mapping[str, date], words: Words) -> dict[str, str]:
    return {
        value: words.t("tasks.as_of.latest", date=words.day(day))
        if value == LATEST
        else words.t("tasks.as_of.month_end", month=value)
        for value, day in choices.items()
    }


def as_of_for_period(period: date, options: DaySpan) -> tuple[date, str]:
    """The day the dossier's task block judges a month by (its last day, or the newest day with
    data while the month is not over) and the tasks page's as-of value for it."""
    end = month_end(date(period.year, period.month, 1))
    if end <= options.last_day:
        return end, f"{period:%m/%Y}"
    return options.last_day, LATEST


def department_labels(options: TaskFilterOptions, words: Words) -> dict[str, str]:
    frame = options.departments
    names = _localised(frame, "short", words.lang)
    return dict(zip(frame["code"].astype(str), names.astype(str), strict=True))


def status_labels(words: Words) -> dict[str, str]:
    return {str(b): status_text(b, words) for b in BUCKETS}


def filter_lines(
    filters: TaskFilters,
    *,
    departments: Mapping[str, str],
    pillars: Mapping[str, str],
    units: Mapping[str, str],
    words: Words,
) -> list[tuple[str, str]]:
    """The active filters as (name, value) pairs for an export's title block: the day judged
    always, the others when chosen."""
    h = words.t
    pairs = [(h("tasks.filter.as_of"), h("tasks.end_of_day", date=words.day(filters.as_of)))]
    chosen: tuple[tuple[str, object, Mapping[str, str]], ...] = (
        ("tasks.filter.dept", filters.department, departments),
        ("tasks.filter.pillar", filters.pillar, pillars),
        ("tasks.filter.unit", filters.unit, units),
        ("tasks.filter.status", filters.status, status_labels(words)),
    )
    return pairs + chosen_filter_pairs(chosen, words)


def task_export(
    table: TaskTable,
    name: str,
    stem: str,
    filters: Sequence[tuple[str, str]],
    data_as_of: date | None,
    words: Words,
) -> ExportTable:
    """The file of one table (the feedback page's too): ``name``, the active filters and the
    data-as-of day above the rows."""
    return filtered_export(
        words,
        name=name,
        filters=filters,
        data_as_of=data_as_of,
        frame=table.frame,
        stem=stem,
        formats=table.formats,
    )


def show_table(table: TaskTable, key: str | None = None, **selection: object) -> object:
    """A headed table as the pages draw it: its text cells neutralised (a cell starting with
    ``=`` is text, not a formula, when copied into a spreadsheet), typed columns, full width."""
    return st.dataframe(
        neutralise_formulas(table.frame),
        hide_index=True,
        width="stretch",
        column_config=table.column_config(),
        key=key,
        **selection,  # type: ignore[arg-type]
    )


def new_selection(key: str, rows: list[int]) -> bool:
    """Whether a table's selected rows changed since the last run: a table keeps reporting its
    selection, and only a new click should move a filter or a picker."""
    seen = f"_{key}_seen"
    if st.session_state.get(seen) == list(rows):
        return False
    st.session_state[seen] = list(rows)
    return True


def picked_rows(table: TaskTable, key: str) -> list[int]:
    """Draw ``table`` with single-row selection; the positions of the row a person clicked."""
    event = show_table(table, key=key, on_select="rerun", selection_mode="single-row")
    return list(event.selection.rows) if event else []  # type: ignore[attr-defined]


def rows_open_the_dossier(table: TaskTable, unit_codes: pd.Series, key: str) -> None:
    """Draw ``table`` of units; a click on a row opens that unit's dossier (``unit_codes`` in
    the table's row order)."""
    rows = picked_rows(table, key)
    if rows:
        open_dossier(str(unit_codes.iloc[rows[0]]))


def table_download(
    table: TaskTable,
    *,
    name: str,
    stem: str,
    key: str,
    filters: Sequence[tuple[str, str]],
    as_of: date,
    data_as_of: date | None,
    words: Words,
    page: str = "tasks",
) -> None:
    """The Excel and CSV buttons of one table, titled with ``name``, the active filters and the
    data-as-of day. Everything the file needs is taken now: the file is written in the
    download's own thread, which has no session to read the language from. ``page`` prefixes
    the widgets' keys and names the help text (``<page>.export_help``)."""
    download_buttons(
        lambda: task_export(table, name, stem, filters, data_as_of, words),
        f"{stem}-{as_of:%Y-%m-%d}",
        key=f"{page}_{key}",
        help_text=words.t(f"{page}.export_help"),
        folded=True,
    )


# --- the page's pieces that are not tables ----------------------------------------------------


@dataclass(frozen=True)
class ShareCard:
    label: str
    value: str
    delta: str | None


def overdue_share_card(trend: pd.DataFrame, words: Words) -> ShareCard:
    """The newest month's overdue share and its change on the month before, in points."""
    label = words.t("tasks.overdue_share")
    if trend.empty:
        return ShareCard(label, "–", None)
    last = trend.iloc[-1]
    label = words.t("tasks.overdue_share_in", month=words.month(as_day(last["month"])))
    value = None if _missing(last["overdue_share"]) else float(last["overdue_share"])
    delta = None
    if len(trend) > 1 and value is not None and not _missing(trend.iloc[-2]["overdue_share"]):
        change = value - float(trend.iloc[-2]["overdue_share"])
        sign = "+" if change > 0 else ""
        delta = words.t("tasks.points_change", change=sign + words.num(change, 1))
    return ShareCard(label, share_text(value, words), delta)


def facts_table(row: pd.Series, catalog: Catalog, words: Words) -> TaskTable:
    """The drill-down's facts as a two-column table (a table shows outside text as text)."""
    facts = task_facts(row, catalog, words)
    return TaskTable(
        pd.DataFrame(
            {
                words.t("tasks.col.fact"): [label for label, _ in facts],
                words.t("tasks.col.value"): [value for _, value in facts],
            }
        )
    )


PICKER_ROWS = 300  # the task picker lists the most urgent rows; the filters narrow the rest


def task_picker_options(
    register: pd.DataFrame, wanted: str | None, words: Words, limit: int = PICKER_ROWS
) -> tuple[list[str], dict[str, str], bool]:
    """The keyboard-friendly task picker's choices (assignment ids as text, most urgent first),
    their labels, and whether the list was cut; a chosen row beyond the cut stays listed."""
    ids = register["assignment_id"].astype(int).astype(str)
    shown = register.head(limit)
    cut = len(register) > limit
    if cut and wanted is not None and wanted in set(ids) and wanted not in set(ids.head(limit)):
        shown = pd.concat([shown, register[ids == wanted]])
    choices = shown["assignment_id"].astype(int).astype(str).tolist()
    labels = {
        choice: task_choice_label(row, words)
        for choice, (_, row) in zip(choices, shown.iterrows(), strict=True)
    }
    return choices, labels, cut


_MARKDOWN_PUNCTUATION = set("\\`*_{}[]()#+-.!|<>~$:")


def plain(text: str) -> str:
    """``text`` for Markdown, shown as written: every Markdown punctuation mark escaped (a task
    title from an import must not become a link, an image or an icon)."""
    return "".join(f"\\{ch}" if ch in _MARKDOWN_PUNCTUATION else ch for ch in text)
