"""Citizens' personal data and text in a real browser: on the feedback page and in the case view
no unmasked reporter name or phone reaches the browser — not in the page, not in any frame (the
map's), not in any websocket message — and HTML or script a citizen typed is shown as text and
never runs.

The server runs on a database of this module's own: small demo data plus three cases written
here — one with a known name, phone and address and payloads in its description, one with the
payloads in its reporter name, address and category, and one that no unit could be given.
They are the oldest open cases, so they head the page's "oldest open" list.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, select

from data.models import FeedbackCase, FeedbackStatusChange, FeedbackUnrouted, ImportBatch
from i18n import translate
from tests.conftest import sqlite_engine
from tests.e2e.conftest import (
    ROOT,
    SCREENSHOTS,
    dashboard_env,
    recorded_page,
    require_browser_and_boundaries,
    running_dashboard,
)
from tests.e2e.test_heat_map import non_local_requests

SCRIPT = "<script>window.__xss=1</script>"
IMG = '<img src=x onerror="window.__xss=1">'
NAME = "Hđơk Thị Zrâm Blơng"  # invented: no demo text holds these words
PHONE = "+84 987 654 321"
ADDRESS = "Số 45 đường Zrâm Blơng, thôn Hđơk, xã Ea Kar"
SECOND_PHONE = "0912 888 777"
# What must never reach the browser: the name, its distinctive words, the phone in any writing,
# the street and hamlet of the address.
SECRETS = (
    NAME,
    "Hđơk",
    "Zrâm",
    "Blơng",
    "987654321",
    "987 654 321",
    "0912888777",
    "0912 888 777",
    "888 777",
    "đường Zrâm",
    "thôn Hđơk",
)
# What the masking shows instead (common.masking's rules, worked out by hand): "Hđơk" keeps two
# letters, "Thị" and "Zrâm" one, "Blơng" one; +84 987 654 321 is 0987654321.
MASKED_NAME = "Hđ*** T** Z** B"
MASKED_PHONE = "09******21"
X1, X2, UNROUTED = "PRIV-X1", "PRIV-X2", "PRIV-U1"
UNIT = "24373"  # Xã Ea Kar; the cases sit beside its centre (12.8031, 108.4733)
MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
PREPARATION_S = 300  # first start: demo data, scores and the stored feedback counts


def _case(code: str, **extra: Any) -> dict[str, Any]:
    return {
        "case_code": code,
        "channel": "app",
        "category_group": "Hạ tầng kỹ thuật",
        "category": "Hư hỏng chiếu sáng công cộng",
        "is_question": False,
        "severity": "normal",
        "description": "Đèn đường hỏng",
        "lat": 12.8041,
        "lon": 108.4743,
        "unit_code": UNIT,
        "received_at": datetime(2025, 7, 3, 8),
        "accepted_at": datetime(2025, 7, 3, 9),
        "due_at": datetime(2025, 7, 10, 9),
        "status": "in_progress",
        "reopen_count": 0,
        **extra,
    }


HOSTILE_CASES = [
    _case(
        X1,
        description=f"Đèn hỏng cả tháng {SCRIPT} {IMG}",
        reporter_name=NAME,
        reporter_phone=PHONE,
        reporter_address=ADDRESS,
    ),
    _case(
        X2,
        category=f"Đèn {IMG}",
        description="Cột điện nghiêng",
        reporter_name=f"{IMG} {NAME}",
        reporter_phone=SECOND_PHONE,
        reporter_address=f"Thôn 2, xã {IMG}",
        received_at=datetime(2025, 7, 3, 10),
        accepted_at=datetime(2025, 7, 3, 11),
        lat=12.8021,
        lon=108.4723,
    ),
]


def _add_hostile_cases(database: Path) -> None:
    engine = sqlite_engine(database)
    with engine.begin() as conn:
        batch = conn.execute(
            insert(ImportBatch).returning(ImportBatch.id),
            [
                {
                    "kind": "feedback",
                    "source_name": "test_feedback_privacy.py",
                    "imported_by": "e2e",
                    "imported_at": datetime(2025, 7, 4, 8),
                    "row_count": len(HOSTILE_CASES) + 1,
                }
            ],
        ).scalar_one()
        conn.execute(insert(FeedbackCase), [{**row, "batch_id": batch} for row in HOSTILE_CASES])
        ids = dict(conn.execute(select(FeedbackCase.case_code, FeedbackCase.id)).all())
        conn.execute(
            insert(FeedbackStatusChange),
            [
                {"case_id": ids[row["case_code"]], "changed_at": at, "to_status": to}
                for row in HOSTILE_CASES
                for at, to in (
                    (row["received_at"], "received"),
                    (row["accepted_at"], "accepted"),
                    (datetime(2025, 7, 4, 9), "in_progress"),
                )
            ],
        )
        conn.execute(
            insert(FeedbackUnrouted),
            [
                {
                    "case_code": UNROUTED,
                    "reason": "outside_province",
                    "lat": 10.77,
                    "lon": 106.70,
                    "received_at": datetime(2025, 7, 3, 12),
                    "channel": "app",
                    "category_group": "Hạ tầng kỹ thuật",
                    "category": "Hư hỏng chiếu sáng công cộng",
                    "severity": "normal",
                    "description": f"Ngoài tỉnh {SCRIPT}",
                    "reporter_name": NAME,
                    "reporter_phone": PHONE,
                    "reporter_address": ADDRESS,
                    "batch_id": batch,
                }
            ],
        )
    engine.dispose()


@pytest.fixture(scope="module")
def privacy_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A dashboard on its own database: demo data at a small scale, then the hostile cases."""
    require_browser_and_boundaries()
    home = tmp_path_factory.mktemp("privacy")
    database = home / "dashboard.sqlite3"
    env = dashboard_env(home, database, "0.02")
    # Schema, registry and demo data first, as a first start does; the cases go in after them.
    prepare = "from data.bootstrap import ensure_ready; ensure_ready()"
    subprocess.run([sys.executable, "-c", prepare], cwd=ROOT, env=env, check=True, timeout=600)
    _add_hostile_cases(database)
    with running_dashboard(env, home / "server.log") as url:
        yield url


class Watched:
    """A page whose every websocket message from the server is kept (text and binary alike)."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.messages: list[bytes] = []
        page.on("websocket", self._watch)

    def _watch(self, socket: Any) -> None:
        socket.on("framereceived", self._keep)

    def _keep(self, payload: str | bytes) -> None:
        self.messages.append(payload.encode("utf-8") if isinstance(payload, str) else payload)

    def received(self, text: str) -> bool:
        needle = text.encode("utf-8")
        return any(needle in message for message in self.messages)


def open_feedback(watched: Watched, server: str, query: str = "") -> None:
    """Open the feedback page and wait until it shows the backlog: on a first start the server
    still computes the scores and the stored feedback counts, and the page says so until then."""
    page = watched.page
    deadline = time.monotonic() + PREPARATION_S
    page.goto(f"{server}/feedback{query}")
    while True:
        page.get_by_role("heading", name=translate("page.feedback", "vi")).first.wait_for(
            timeout=PREPARATION_S * 1000
        )
        page.wait_for_selector(
            '[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=120_000
        )
        if not page.get_by_text(translate("feedback.no_data", "vi")).count():
            break
        if time.monotonic() > deadline:
            pytest.fail(f"the feedback page shows no stored counts after {PREPARATION_S} s")
        time.sleep(5)
        page.reload()
    if page.locator(MAP_IFRAME).count():
        map_frame = page.frame_locator(MAP_IFRAME).first
        map_frame.locator(".leaflet-container").wait_for(timeout=60_000)
        map_frame.locator(".leaflet-interactive").first.wait_for(timeout=60_000)


def show_case_view(page: Any, code: str) -> None:
    """Wait until the case view shows ``code`` and the run is over; bring it into view."""
    # The code is also a cell of the (canvas-drawn) case list's hidden accessibility table.
    shown = page.get_by_text(code, exact=True).filter(visible=True).first
    shown.wait_for(timeout=60_000)
    page.wait_for_selector(
        '[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=120_000
    )
    shown.scroll_into_view_if_needed()


def wait_for_run(page: Any) -> None:
    """Until the rerun a click started is over (it may not have begun when first looked at)."""
    for _ in range(2):
        page.wait_for_timeout(400)
        page.wait_for_selector(
            '[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=120_000
        )


def click_middle(page: Any, target: Any) -> None:
    """A person's click: the mouse moved onto the middle of ``target`` and pressed."""
    target.scroll_into_view_if_needed()
    box = target.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y, steps=5)
    page.mouse.click(x, y)
    wait_for_run(page)


def unfold_everything(page: Any) -> None:
    """Open every panel the page draws only on request: the other tabs, the unrouted list."""
    for key in (
        "feedback.by_category",
        "feedback.neglected_title",
        "feedback.weekly_title",
        "feedback.trend_title",
    ):
        tab = page.get_by_role("tab", name=translate(key, "vi"))
        click_middle(page, tab)
        assert tab.get_attribute("aria-selected") == "true", key
    click_middle(page, page.get_by_text(translate("feedback.unrouted_open", "vi")).first)


def frame_texts(page: Any) -> list[str]:
    """Each frame's markup and visible text (attributes, scripts and what a person reads)."""
    return [
        frame.evaluate(
            "() => document.documentElement.outerHTML + '\\n' +"
            " (document.body ? document.body.innerText : '')"
        )
        for frame in page.frames
    ]


def assert_nothing_unmasked(watched: Watched) -> None:
    texts = frame_texts(watched.page)
    assert len(texts) >= 1
    for secret in SECRETS:
        assert not [i for i, text in enumerate(texts) if secret in text], secret
        assert not watched.received(secret), secret


def assert_nothing_ran(page: Any) -> None:
    for frame in page.frames:
        assert frame.evaluate("() => window.__xss === undefined"), frame.url


def test_the_feedback_page_sends_no_personal_data(privacy_server: str, browser: Any) -> None:
    with recorded_page(browser, 1920, 1080) as recorded:
        watched = Watched(recorded.page)
        open_feedback(watched, privacy_server)
        # The hostile cases are the oldest open ones: their codes reach the page (the list).
        assert watched.received(X1) and watched.received(X2)
        assert_nothing_unmasked(watched)
        assert_nothing_ran(recorded.page)
        # What is drawn only when asked for: the category with a payload, the unrouted case.
        unfold_everything(recorded.page)
        assert watched.received(UNROUTED) and watched.received(f"Đèn {IMG}")
        assert_nothing_unmasked(watched)
        assert_nothing_ran(recorded.page)
        assert recorded.page.locator("img[src='x']").count() == 0
        recorded.page.screenshot(path=str(SCREENSHOTS / "feedback-privacy.png"), full_page=True)
        assert non_local_requests(recorded) == []


def test_the_case_view_masks_the_reporter_and_shows_payloads_as_text(
    privacy_server: str, browser: Any
) -> None:
    with recorded_page(browser, 1920, 1080) as recorded:
        watched = Watched(recorded.page)
        open_feedback(watched, privacy_server, f"?case={X1}")
        page = recorded.page
        show_case_view(page, X1)
        assert_nothing_unmasked(watched)
        # The masked forms did reach the browser: the check above was not vacuous.
        assert watched.received(MASKED_NAME) and watched.received(MASKED_PHONE)
        assert_nothing_ran(page)
        # The description as the citizen typed it, markup included, shown as text.
        visible = page.evaluate("() => document.body.innerText")
        assert SCRIPT in visible and IMG in visible
        page.screenshot(path=str(SCREENSHOTS / "feedback-case-privacy.png"), full_page=True)


def test_payloads_in_the_reporter_and_category_never_run(privacy_server: str, browser: Any) -> None:
    with recorded_page(browser, 1920, 1080) as recorded:
        watched = Watched(recorded.page)
        open_feedback(watched, privacy_server, f"?case={X2}")
        page = recorded.page
        show_case_view(page, X2)
        assert_nothing_unmasked(watched)
        # The name is masked word by word ("<img", "src=x", "onerror=…", then the four words of
        # the name), the address to its tail — which keeps the payload typed there, to be shown
        # as text — and the category travels as written.
        assert watched.received("<i*** s** o** H** T** Z** B")
        assert watched.received(f"***, xã {IMG}")
        assert watched.received(f"Đèn {IMG}")
        assert page.locator("img[src='x']").count() == 0
        assert_nothing_ran(page)
