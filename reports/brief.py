"""The one-page A4 brief of one commune or ward: band, score and change, pillars, what pulls the
score down, overdue tasks, feedback past deadline, 5G at the centre, data-as-of and method.

Every figure comes from :func:`reports.facts.unit_facts` (the dossier's own functions). Lists are
cut to a fixed number of rows with "và N mục khác" and every text is cut to its box, so the
brief stays on one page whatever the data. A grey unit (not enough recent data) gets no score,
no change, no rank and no coloured bars: it says so in words, with what must be reported.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from datetime import datetime, timedelta

import pandas as pd
from sqlalchemy import Engine

from common.site_stages import BLOCKED
from common.workcalendar import VIETNAM_TZ
from geo.palette import BAND_STYLES
from metrics.bands import Band
from metrics.explain import display_decimals
from metrics.feedback_board import UnitFeedbackBlock
from metrics.task_board import TaskBucket
from reports.charts import PillarBar, pillar_chart_png
from reports.facts import UnitFacts, unit_facts
from reports.pdf import INK, MUTED, NAVY, PALE, RULE, Document, PageText, clean, hex_rgb
from reports.text import Words, missing

VIETNAM = VIETNAM_TZ
PDF_MIME = "application/pdf"
# Rows each list may take on the page; the rest is "và N mục khác". Chosen so that the longest
# version of every block still ends above the methodology box (checked by the tests with the
# most crowded unit of the demo data and with synthetic long lists).
DRAG_ROWS = 3
PLAN_ROWS = 2
TASK_ROWS = 3
CASE_ROWS = 3
REPORT_ROWS = 16
BUCKET_ORDER = (
    TaskBucket.DONE_ON_TIME,
    TaskBucket.DONE_LATE,
    TaskBucket.IN_PROGRESS,
    TaskBucket.OVERDUE,
    TaskBucket.NOT_STARTED,
)


def unit_brief_pdf(
    engine: Engine,
    unit_code: str,
    period: object = None,
    lang: str = "vi",
    *,
    now: datetime | None = None,
) -> bytes:
    """The brief of ``unit_code`` for ``period`` (a month's first day; None: the newest scored
    month) in ``lang`` ("vi" or "en"), as PDF bytes."""
    facts = unit_facts(engine, unit_code, period)  # type: ignore[arg-type]
    return render_brief(facts, Words(lang), now or datetime.now(VIETNAM))


def brief_file_name(unit_code: str, period: object) -> str:
    """``ban-tin-24505-2026-10.pdf``: ASCII only, so every browser and mail client keeps it."""
    return f"ban-tin-{unit_code}-{period:%Y-%m}.pdf"


def render_brief(facts: UnitFacts, words: Words, now: datetime) -> bytes:
    summary = facts.score.summary
    name = clean(summary["full_name"])
    pdf = Document(
        "portrait",
        PageText(
            words.t("report.footer", org=words.t("report.org_short"), when=words.when(now)),
            words.t("report.page"),
        ),
        words.t("report.brief.pdf_title", unit=name, period=words.month(facts.period)),
        words.lang,
    )
    pdf.add_page()
    _title_bar(pdf, facts, words)
    _unit_line(pdf, facts, words, name)
    grey = str(summary["band"]) == Band.GREY
    if grey:
        _grey_row(pdf, facts, words)
        _to_report(pdf, facts, words)
    else:
        _score_row(pdf, facts, words)
        _pillars_and_why(pdf, facts, words)
    _tasks(pdf, facts, words)
    _feedback_and_infra(pdf, facts, words)
    _method(pdf, facts, words)
    return bytes(pdf.output())


# --- the top of the page ------------------------------------------------------------------------

LEFT = 14.0
WIDTH = 182.0  # A4 portrait less the margins


def _title_bar(pdf: Document, facts: UnitFacts, words: Words) -> None:
    pdf.set_fill_color(*NAVY)
    pdf.rect(0, 0, pdf.w, 24, style="F")
    pdf.set_text_color(255, 255, 255)
    pdf.set_xy(LEFT, 4.5)
    pdf.line_of_text(words.t("report.org"), WIDTH, size=7.2, style="B")
    pdf.set_xy(LEFT, 9.5)
    title = words.t("report.brief.title", period=words.month(facts.period))
    pdf.line_of_text(title, WIDTH, size=12.5, style="B", height=7)
    pdf.set_xy(LEFT, 17)
    pdf.line_of_text(_figures_line(facts, words), WIDTH * 0.55, size=7.5)
    pdf.set_xy(LEFT + WIDTH * 0.55, 16.6)
    pdf.font(9, "B")
    as_of = words.t("report.data_as_of", date=words.day(facts.data_as_of))
    pdf.cell(WIDTH * 0.45, 5, pdf.fit(as_of, WIDTH * 0.45), align="R")
    pdf.set_text_color(*INK)


def _figures_line(facts: UnitFacts, words: Words) -> str:
    if facts.published_at is not None:
        return words.t("export.figures_provisional_newer", date=words.day(facts.published_at))
    return words.t("export.figures_provisional")


def _unit_line(pdf: Document, facts: UnitFacts, words: Words, name: str) -> None:
    summary = facts.score.summary
    pdf.set_xy(LEFT, 27)
    pdf.line_of_text(name, WIDTH, size=19, style="B", height=10)
    pdf.set_text_color(*MUTED)
    pdf.line_of_text(
        words.t(
            "report.brief.facts",
            code=facts.code,
            group=words.t(f"peer_group.{summary['peer_group']}"),
            population=words.num(summary["population"]),
        ),
        WIDTH,
        size=8.5,
    )
    pdf.set_text_color(*INK)


ROW_Y = 43.0
ROW_H = 22.0
BAND_W = 36.0
GAP = 3.0


def _band_patch(pdf: Document, band: str, words: Words, x: float, w: float) -> None:
    """The band's colour, its symbol and its word: colour is never the only carrier."""
    style = BAND_STYLES[band]
    pdf.set_fill_color(*hex_rgb(style.fill))
    pdf.set_draw_color(*hex_rgb(style.line))
    pdf.set_line_width(0.5)
    pdf.rect(x, ROW_Y, w, ROW_H, style="DF")
    pdf.set_xy(x + 2.5, ROW_Y + 2.2)
    pdf.line_of_text(words.t("report.brief.band"), w - 5, size=7.2)
    pdf.set_xy(x + 2.5, ROW_Y + 8)
    if band == Band.GREY:  # "Xám (thiếu số liệu)": the word on one line, the reason below
        pdf.paragraph(f"{style.symbol} {words.t('band.grey')}", w - 5, 9.5, "B", 2, height=5)
    else:
        pdf.line_of_text(f"{style.symbol} {words.t(f'band.{band}')}", w - 5, 15, "B", height=9)


def _box(pdf: Document, x: float, w: float, caption: str, value: str, note: str) -> None:
    pdf.set_fill_color(*PALE)
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.2)
    pdf.rect(x, ROW_Y, w, ROW_H, style="DF")
    pdf.set_text_color(*MUTED)
    pdf.set_xy(x + 2.5, ROW_Y + 2.2)
    pdf.line_of_text(caption, w - 5, size=7.2)
    pdf.set_text_color(*INK)
    pdf.set_xy(x + 2.5, ROW_Y + 7.5)
    pdf.line_of_text(value, w - 5, size=15, style="B", height=8)
    pdf.set_text_color(*MUTED)
    pdf.set_xy(x + 2.5, ROW_Y + 16)
    pdf.line_of_text(note, w - 5, size=7)
    pdf.set_text_color(*INK)


def _score_row(pdf: Document, facts: UnitFacts, words: Words) -> None:
    summary = facts.score.summary
    w = (WIDTH - BAND_W - 4 * GAP) / 4
    _band_patch(pdf, str(summary["band"]), words, LEFT, BAND_W)
    xs = [LEFT + BAND_W + GAP + i * (w + GAP) for i in range(4)]
    composite = words.num(summary["composite"], 1)
    _box(
        pdf, xs[0], w, words.t("report.brief.composite"), composite, words.t("report.brief.out_of")
    )
    delta = summary["delta"]
    known = not missing(delta)
    _box(
        pdf,
        xs[1],
        w,
        words.t("report.brief.change"),
        words.signed(delta) if known else "–",
        words.t("report.brief.points" if known else "report.brief.no_change"),
    )
    _box(
        pdf,
        xs[2],
        w,
        words.t("report.brief.rank"),
        words.t(
            "report.brief.rank_value",
            rank=words.num(summary["rank_level"]),
            of=words.num(summary["rank_level_of"]),
        ),
        words.t(
            "report.brief.rank_peer",
            rank=words.num(summary["rank_peer"]),
            of=words.num(summary["rank_peer_of"]),
        ),
    )
    _coverage_box(pdf, facts, words, xs[3], w)


def _coverage_box(pdf: Document, facts: UnitFacts, words: Words, x: float, w: float) -> None:
    summary = facts.score.summary
    _box(
        pdf,
        x,
        w,
        words.t("report.brief.coverage"),
        f"{words.num(summary['reported'])}/{words.num(summary['expected'])}",
        words.t("report.brief.last_update", date=words.day(summary["last_update"])),
    )


def _grey_row(pdf: Document, facts: UnitFacts, words: Words) -> None:
    """No score, no change, no rank: a sentence saying why, and the coverage that decides it."""
    bands = facts.catalog.bands
    summary = facts.score.summary
    cover_w = (WIDTH - BAND_W - 4 * GAP) / 4
    _band_patch(pdf, Band.GREY, words, LEFT, BAND_W)
    x, w = LEFT + BAND_W + GAP, WIDTH - BAND_W - cover_w - 2 * GAP
    pdf.set_fill_color(*PALE)
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.2)
    pdf.rect(x, ROW_Y, w, ROW_H, style="DF")
    pdf.set_xy(x + 2.5, ROW_Y + 2.2)
    pdf.line_of_text(words.t("report.brief.grey_title"), w - 5, size=10, style="B", height=6)
    needed = math.ceil(int(summary["expected"]) * bands.min_coverage)
    pdf.paragraph(
        words.t(
            "report.brief.grey_text",
            n=words.num(summary["reported"]),
            total=words.num(summary["expected"]),
            min=words.num(needed),
            days=words.num(bands.max_days_since_update),
        ),
        w - 5,
        size=7.6,
        max_lines=3,
    )
    _coverage_box(pdf, facts, words, x + w + GAP, cover_w)


# --- pillars and the explanation ----------------------------------------------------------------

BODY_Y = 69.0
CHART_W = 96.0
CHART_H = 48.0
NEXT_Y = 125.0


def _label(facts: UnitFacts, key: str, words: Words) -> str:
    return facts.catalog.indicator(key).label.in_language(words.lang)


def _score(frame: pd.DataFrame, key: str) -> float | None:
    value = frame.at[key, "score_pct"] if key in frame.index else None
    return None if missing(value) else float(value)  # type: ignore[arg-type]


def pillar_bars(facts: UnitFacts, lang: str) -> list[PillarBar]:
    """The unit's pillars in catalog order, for the chart."""
    frame = facts.score.pillars.set_index("pillar")
    return [
        PillarBar(
            pillar.label.in_language(lang),
            _score(frame, pillar.key),
            str(frame.at[pillar.key, "band"]) if pillar.key in frame.index else Band.GREY,
        )
        for pillar in facts.catalog.pillars
    ]


def _pillars_and_why(pdf: Document, facts: UnitFacts, words: Words) -> None:
    bands = facts.catalog.bands
    png = pillar_chart_png(
        pillar_bars(facts, words.lang),
        words.lang,
        green_at=bands.green_at_least,
        yellow_at=bands.yellow_at_least,
        size_in=(CHART_W / 25.4, CHART_H / 25.4),
    )
    pdf.set_xy(LEFT, BODY_Y)
    pdf.heading(words.t("report.brief.pillars"), CHART_W)
    pdf.image(io.BytesIO(png), x=LEFT, y=pdf.get_y(), w=CHART_W, h=CHART_H)
    right, width = LEFT + CHART_W + 6, WIDTH - CHART_W - 6
    pdf.set_xy(right, BODY_Y)
    pdf.heading(words.t("explain.drags"), width)
    _drag_lines(pdf, facts, words, width)
    pdf.set_xy(LEFT, NEXT_Y)
    pdf.heading(words.t("explain.next_band"))
    _plan_lines(pdf, facts, words, WIDTH)


def _bullet(pdf: Document, text: str, width: float, max_lines: int = 2, size: float = 8) -> None:
    x = pdf.get_x()
    pdf.font(size)
    pdf.cell(3.5, size * 0.52, "•")
    pdf.set_x(x + 3.5)
    pdf.paragraph(text.removeprefix("- "), width - 3.5, size=size, max_lines=max_lines)
    pdf.set_x(x)


def _more(pdf: Document, hidden: int, words: Words, width: float) -> None:
    if hidden > 0:
        pdf.set_text_color(*MUTED)
        pdf.line_of_text(words.t("report.more", n=words.num(hidden)), width, 7.2, "I", height=4)
        pdf.set_text_color(*INK)


def _drag_lines(pdf: Document, facts: UnitFacts, words: Words, width: float) -> None:
    drags = facts.explanation.drags
    if not drags:
        pdf.line_of_text(words.t("report.brief.no_drags"), width, size=8)
    for drag in drags[:DRAG_ROWS]:
        line = words.t(
            "explain.drag_line",
            indicator=_label(facts, drag.key, words),
            points=words.num(drag.points, 2),
            max=words.num(drag.max_points, 2),
            lost=words.num(drag.composite_points_lost, 2),
        )
        _bullet(pdf, line, width, max_lines=3)
        pdf.set_y(pdf.get_y() + 0.6)
        pdf.set_x(LEFT + CHART_W + 6)
    _more(pdf, len(drags) - DRAG_ROWS, words, width)


def _plan_lines(pdf: Document, facts: UnitFacts, words: Words, width: float) -> None:
    plan = facts.explanation.next_band
    if plan.band == Band.GREEN:
        pdf.paragraph(words.t("explain.already_green"), width, size=8)
        return
    target = words.t(f"band.{plan.target_band}")
    pdf.paragraph(words.t("explain.to_band", band=target), width, size=8, max_lines=1)
    for step in plan.improvements[:PLAN_ROWS]:
        unit = facts.catalog.indicator(step.key).unit
        line = words.t(
            "explain.improvement_line",
            indicator=_label(facts, step.key, words),
            value=_value(step.value, unit, words),
            needed=_value(step.needed_value, unit, words),
            gain=words.num(step.composite_gain, 2),
        )
        tagged = line if step.controllable else f"{line} {words.t('explain.others_tag')}"
        _bullet(pdf, tagged, width, max_lines=1)
    _more(pdf, len(plan.improvements) - PLAN_ROWS, words, width)
    if not plan.reached:
        pdf.paragraph(words.t("explain.unreachable", band=target), width, size=7.5, max_lines=1)


def _value(value: float | None, unit: str, words: Words) -> str:
    """An indicator value as the dossier writes it (``ui.dossier.format_value``)."""
    if missing(value):
        return "–"
    if unit == "flag":
        return words.t("common.yes") if (value or 0) >= 1 else words.t("common.no")
    text = words.num(value, display_decimals(unit))
    return f"{text}%" if unit == "percent" else text


def _to_report(pdf: Document, facts: UnitFacts, words: Words) -> None:
    """A grey unit's body: what it must report to be scored, in two columns."""
    plan = facts.explanation.next_band
    pdf.set_xy(LEFT, BODY_Y)
    pdf.heading(words.t("report.brief.to_report"))
    pdf.paragraph(words.t("explain.grey", needed=words.num(plan.reports_needed)), WIDTH, size=8.5)
    keys = list(plan.to_report)
    shown = keys[:REPORT_ROWS]
    top, half = pdf.get_y() + 1.5, (WIDTH - 6) / 2
    per_column = max(1, (len(shown) + 1) // 2)
    for index, key in enumerate(shown):
        column, row = divmod(index, per_column)
        pdf.set_xy(LEFT + column * (half + 6), top + row * 5)
        _bullet(pdf, _label(facts, key, words), half, max_lines=1)
    pdf.set_xy(LEFT, top + per_column * 5)
    _more(pdf, len(keys) - REPORT_ROWS, words, WIDTH)
    if plan.stale:
        pdf.paragraph(words.t("explain.stale"), WIDTH, size=8)


# --- tasks ----------------------------------------------------------------------------------------

TASKS_Y = 155.0
# The usual colours of Vietnamese task reports (DOMAIN.md): green done on time, orange done
# late, blue open within deadline, red overdue, grey not started.
BUCKET_COLOURS = {
    TaskBucket.DONE_ON_TIME: "#2e9d5b",
    TaskBucket.DONE_LATE: "#e8891c",
    TaskBucket.IN_PROGRESS: "#2f6fb5",
    TaskBucket.OVERDUE: "#d9453b",
    TaskBucket.NOT_STARTED: "#9aa1a9",
}
TASK_COLUMNS = (  # (header key, width mm, alignment)
    ("report.col.code", 17.0, "L"),
    ("report.col.task", 83.0, "L"),
    ("report.col.lead", 28.0, "L"),
    ("report.col.deadline", 20.0, "C"),
    ("report.col.days_overdue", 19.0, "R"),
    ("report.col.progress", 15.0, "R"),
)


def _tasks(pdf: Document, facts: UnitFacts, words: Words) -> None:
    block = facts.tasks
    pdf.set_xy(LEFT, TASKS_Y)
    pdf.heading(words.t("tasks.block.title", date=words.day(facts.tasks_day)))
    _bucket_cards(pdf, facts, words)
    overdue = block.overdue
    pdf.set_xy(LEFT, pdf.get_y() + 1.5)
    pdf.line_of_text(words.t("tasks.block.overdue", n=words.num(len(overdue))), WIDTH, 8.5, "B")
    if overdue.empty:
        pdf.line_of_text(words.t("tasks.block.overdue_none"), WIDTH, size=8)
        return
    _table_header(pdf, TASK_COLUMNS, words)
    for row in overdue.head(TASK_ROWS).itertuples(index=False):
        _table_row(pdf, TASK_COLUMNS, _task_cells(row, words))
    _more(pdf, len(overdue) - TASK_ROWS, words, WIDTH)


def _bucket_cards(pdf: Document, facts: UnitFacts, words: Words) -> None:
    """The four-way split (and not started) and the escalations, as small counted cards."""
    block = facts.tasks
    cards = [
        (words.t(f"tasks.bucket.{b}"), block.buckets.get(b, 0), BUCKET_COLOURS[b])
        for b in BUCKET_ORDER
    ]
    cards.append((words.t("report.brief.escalated"), len(block.escalations), "#0b335e"))
    top, w = pdf.get_y(), (WIDTH - 5 * 2) / 6
    for index, (label, count, colour) in enumerate(cards):
        x = LEFT + index * (w + 2)
        pdf.set_fill_color(*PALE)
        pdf.rect(x, top, w, 12, style="F")
        pdf.set_fill_color(*hex_rgb(colour))
        pdf.rect(x, top, 1.2, 12, style="F")
        pdf.set_xy(x + 2.5, top + 1)
        pdf.line_of_text(words.num(count), w - 3.5, size=11, style="B", height=5.5)
        pdf.set_x(x + 2.5)
        pdf.paragraph(label, w - 3.5, size=6.2, max_lines=2, height=2.8)
    pdf.set_xy(LEFT, top + 12)


def _task_cells(row: object, words: Words) -> list[str]:
    get = row.__getattribute__
    return [
        str(get("task_code")),
        str(get(f"title_{words.lang}") or get("title_vi")),
        str(get(f"lead_short_{words.lang}") or get("lead_short_vi")),
        words.day(get("deadline")),
        words.t("report.days", n=words.num(get("days_overdue"))),
        f"{words.num(get('progress_pct'))}%",
    ]


def _table_header(pdf: Document, columns: Sequence[tuple[str, float, str]], words: Words) -> None:
    pdf.set_fill_color(*PALE)
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.2)
    pdf.font(7.2, "B")
    pdf.set_text_color(*MUTED)
    x = pdf.get_x()
    for key, width, align in columns:
        pdf.cell(width, 5, pdf.fit(words.t(key), width - 1), border="B", align=align, fill=True)
    pdf.set_text_color(*INK)
    pdf.set_xy(x, pdf.get_y() + 5)


def _table_row(
    pdf: Document, columns: Sequence[tuple[str, float, str]], cells: Sequence[str]
) -> None:
    pdf.font(7.8)
    pdf.set_draw_color(*RULE)
    x = pdf.get_x()
    for (_key, width, align), text in zip(columns, cells, strict=True):
        pdf.cell(width, 4.8, pdf.fit(text, width - 1.5), border="B", align=align)
    pdf.set_xy(x, pdf.get_y() + 4.8)


# --- feedback and infrastructure, side by side --------------------------------------------------

SIDE_Y = 206.5
SIDE_W = (WIDTH - 8) / 2


def _feedback_and_infra(pdf: Document, facts: UnitFacts, words: Words) -> None:
    pdf.set_xy(LEFT, SIDE_Y)
    _feedback(pdf, facts, words, SIDE_W)
    pdf.set_xy(LEFT + SIDE_W + 8, SIDE_Y)
    _infrastructure(pdf, facts, words, SIDE_W)


def _instant(block: UnitFeedbackBlock, words: Words) -> str:
    """ "đến 18:09 15/11/2026" for now, "cuối tháng 10/2026" for a past month, as the dossier's
    block writes it (``ui.feedback.instant_text``, the same keys)."""
    if block.is_latest:
        return words.t("feedback.instant.latest", when=words.when(block.as_of))
    last_day = (block.as_of - timedelta(microseconds=1)).date()
    return words.t("feedback.instant.month_end", month=words.month(last_day))


def _feedback(pdf: Document, facts: UnitFacts, words: Words, width: float) -> None:
    pdf.heading(words.t("feedback.block.heading"), width)
    block = facts.feedback
    if block is None:
        pdf.paragraph(words.t("feedback.block.no_data", period=words.month(facts.period)), width)
        return
    head = block.headline
    pdf.set_text_color(*MUTED)
    pdf.line_of_text(words.t("report.brief.at", instant=_instant(block, words)), width, 7.2)
    pdf.set_text_color(*INK)
    opened = words.t(
        "report.brief.feedback_open",
        open=words.num(head.open),
        within=words.num(head.open_within),
        overdue=words.num(head.open_overdue),
        paused=words.num(head.paused),
    )
    _bullet(pdf, opened, width, max_lines=2, size=7.8)
    shares = words.t(
        "report.brief.feedback_shares",
        received=words.num(head.received),
        on_time=words.pct(head.on_time_share),
        satisfied=words.pct(head.satisfaction_share),
        no_evidence=words.pct(head.without_evidence_share),
    )
    _bullet(pdf, shares, width, max_lines=2, size=7.8)
    _overdue_cases(pdf, block, words, width)


def _overdue_cases(pdf: Document, block: UnitFeedbackBlock, words: Words, width: float) -> None:
    overdue = block.overdue
    when = words.when(block.data_as_of)
    pdf.set_y(pdf.get_y() + 1)
    pdf.set_x(LEFT)
    title = words.t("report.brief.cases_overdue", n=words.num(len(overdue)), when=when)
    pdf.line_of_text(title, width, size=7.8, style="B")
    if overdue.empty:
        pdf.line_of_text(words.t("feedback.block.overdue_none"), width, size=7.8)
        return
    for row in overdue.head(CASE_ROWS).itertuples(index=False):
        line = words.t(
            "report.brief.case_line",
            code=row.case_code,
            category=row.category,
            due=words.day(row.due_at),
        )
        _bullet(pdf, line, width, max_lines=1, size=7.8)
    _more(pdf, len(overdue) - CASE_ROWS, words, width)


def _infrastructure(pdf: Document, facts: UnitFacts, words: Words, width: float) -> None:
    x = pdf.get_x()
    block = facts.infra
    pdf.heading(words.t("report.brief.infra_heading"), width)
    pdf.set_x(x)
    pdf.set_text_color(*MUTED)
    pdf.line_of_text(
        words.t("report.brief.end_of_day", date=words.day(facts.infra_day)), width, 7.2
    )
    pdf.set_text_color(*INK)
    pdf.set_x(x)
    pdf.paragraph(_forecast_text(facts, words), width, size=8.2, style="B", max_lines=3)
    pdf.set_y(pdf.get_y() + 0.8)
    counts = block.stage_counts
    lines = [
        words.t(
            "report.brief.sites",
            on_air=words.num(int(counts.get("on_air", 0))),
            sites=words.num(int(sum(counts.values()))),
            blocked=words.num(int(counts.get(BLOCKED, 0))),
        ),
        words.t("report.brief.population_5g", share=words.pct(block.population_5g_pct)),
        words.t(
            "report.brief.fibre",
            connected=words.pct(block.fibre_connected_pct),
            passed=words.pct(block.fibre_passed_pct),
        ),
    ]
    if not block.regressions.empty:
        lines.append(
            words.t("infrastructure.block.regressions", n=words.num(len(block.regressions)))
        )
    for line in lines:  # each on one line: the column must end above the method
        pdf.set_x(x)
        _bullet(pdf, line, width, max_lines=1, size=7.8)


def _forecast_text(facts: UnitFacts, words: Words) -> str:
    """The centre in one sentence, as the dossier's block writes it
    (``ui.infrastructure.forecast_text``, with the same keys)."""
    forecast = facts.infra.forecast
    stage = "" if forecast.stage is None else words.t(f"infrastructure.stage.{forecast.stage}")
    why = (
        "" if forecast.why_none is None else words.t(f"infrastructure.why_none.{forecast.why_none}")
    )
    if forecast.covered:
        return words.t("infrastructure.block.covered")
    if forecast.middle is not None:
        key = "forecast_late" if forecast.will_miss else "forecast"
        return words.t(
            f"infrastructure.block.{key}",
            middle=words.day(forecast.middle),
            low=words.day(forecast.low),
            high=words.day(forecast.high),
            stage=stage,
            since=words.day(forecast.since),
        )
    if forecast.stage == BLOCKED and forecast.since is not None:
        return words.t(
            "infrastructure.block.no_forecast_blocked", why=why, since=words.day(forecast.since)
        )
    return words.t(
        "infrastructure.block.no_forecast",
        why=why,
        stage=stage or "–",
        since=words.day(forecast.since) if forecast.since else "–",
    )


# --- the method ---------------------------------------------------------------------------------

METHOD_Y = 258.0


def _method(pdf: Document, facts: UnitFacts, words: Words) -> None:
    catalog, summary = facts.catalog, facts.score.summary
    pdf.set_xy(LEFT, METHOD_Y)
    pdf.heading(words.t("report.brief.method_heading"))
    pdf.paragraph(
        words.t(
            "report.brief.method",
            version=catalog.version,
            indicators=words.num(len(catalog.indicators)),
            pillars=words.num(len(catalog.pillars)),
            green=words.num(catalog.bands.green_at_least),
            yellow=words.num(catalog.bands.yellow_at_least),
            coverage=words.pct(catalog.bands.min_coverage * 100, 0),
            days=words.num(catalog.bands.max_days_since_update),
        ),
        WIDTH,
        size=6.9,
        max_lines=3,
        height=3.5,
    )
    pdf.set_text_color(*MUTED)
    source = " · ".join(
        (
            words.t("report.data_as_of", date=words.day(facts.data_as_of)),
            words.t("export.catalog", version=str(summary["catalog_version"])),
            words.t(
                "export.data",
                load=words.num(summary["data_version"]),
                when=words.when(summary["computed_at"]),
            ),
        )
    )
    pdf.line_of_text(source, WIDTH, size=6.9, height=4)
    pdf.set_text_color(*INK)


def unit_pillar_chart_png(
    engine: Engine, unit_code: str, period: object = None, lang: str = "vi"
) -> bytes:
    """The brief's pillar chart alone, as PNG (a grey unit's bars are all grey: its pillar
    scores rest on too little data to be coloured)."""
    facts = unit_facts(engine, unit_code, period)  # type: ignore[arg-type]
    bars = pillar_bars(facts, Words(lang).lang)
    if str(facts.score.summary["band"]) == Band.GREY:
        bars = [PillarBar(bar.label, bar.score, Band.GREY) for bar in bars]
    bands = facts.catalog.bands
    return pillar_chart_png(
        bars, lang, green_at=bands.green_at_least, yellow_at=bands.yellow_at_least
    )
