"""The leaders of all 102 units open the heat map at the same moment: time to first render.

    .venv/bin/python -m bench.bench_viewers [--quick] [--viewers 102] [--database-url URL]

N viewers (default 102) start together against three setups on PostgreSQL (default database
``bench_scale_10``, ``bench_scale_1`` with ``--quick``; any SQLAlchemy URL the app accepts works,
e.g. ``sqlite+pysqlite:////abs/path.sqlite3`` for a quick try):

- ``1 process (direct)``: one ``streamlit run``, which also serves every static file;
- ``1 process (nginx)``: the same behind a local nginx (Debian's package) that serves the static
  files itself (Streamlit's content-hashed bundles, the map component, ./static) and proxies the
  page and the websocket, as a deployment would;
- ``2 processes (nginx)``: two app processes behind that nginx with cookie-sticky sessions.

Each setup gets fresh processes. Prints p50 / p95 / max time to first full render and to
``script_finished``, the failures, how the viewers split across the backends, where the time
went, CPU seconds per process during the burst, and each app process's VmRSS after warm-up,
with all N sessions open and some time after they all left. Figures only: nothing here passes
or fails.

Why not 102 browsers: 102 Chromium pages on this 2-core machine would measure the client, not
the server (each leader has a computer of his own). A viewer is a light client that loads the
server as a fresh browser does; what it does is taken from a real Chromium load of the same
page on the same server just before the timed run:

1. Chromium (Playwright, Debian's /usr/bin/chromium) opens the page once; every same-origin
   request is recorded as "before" (made before the websocket ``/_stcore/stream`` opened: the
   HTML, the JS bundles, ``/_stcore/health``, ``/_stcore/host-config``…) or "after" (the JS
   chunks the deltas pull in, the st_folium iframe, the local Leaflet files under
   /app/static/…), together with the first BackMsg Chromium sends. The page must draw 102
   ``path.leaflet-interactive`` in the map iframe, which also proves the websocket works
   through the proxy.
2. A viewer fetches the HTML page (behind nginx it sets the sticky cookie), then the other
   "before" requests over six keep-alive HTTP/1.1 connections (a browser's limit per host;
   ``/_stcore/health`` sets the ``_streamlit_xsrf`` cookie); opens the websocket with the
   cookies, the page's Origin and the subprotocol list ``streamlit, <xsrf cookie>``, exactly as
   the frontend does (``PLACEHOLDER_AUTH_TOKEN`` if no cookie came; Streamlit 1.67 serves it
   with Starlette/uvicorn, ``streamlit/web/server/starlette/starlette_websocket.py``); sends
   Chromium's recorded first BackMsg (``rerun_script`` with a ClientState: empty query string
   and page hash, no widget state, no ``cached_message_hashes``, so the server sends every
   element in full, never a ``ref_hash``); reads ForwardMsgs until ``script_finished`` =
   FINISHED_SUCCESSFULLY (FINISHED_EARLY_FOR_RERUN means another run follows); then fetches
   the "after" requests on six new connections. Time to first full render = from the viewer's
   start to the end of its "after" requests; the browser would start some of them while the
   deltas arrive, and then has to draw.
3. Failures: an HTTP status >= 400, a closed socket, a run that ends with a compile error or
   draws an ``exception`` element (an uncaught exception still ends FINISHED_SUCCESSFULLY), a
   run without the st_folium map element, a viewer behind nginx whose requests reached two
   backends (nginx names the backend in a response header), and a render slower than 60 s; a
   viewer still waiting at the give-up time (3 × 60 s) is stopped. Slow viewers keep their
   real time in the percentiles; a percentile that falls on a viewer that never rendered
   prints as "—".
4. All N viewers are created first and released at once (asyncio); their websockets stay open
   for the "N sessions open" memory reading, then all close. Streamlit keeps a closed
   session for ``server.disconnectedSessionTTL`` (120 s), so the last reading still holds them.

The viewer leaves out the browser's own work (running the JS, layout, drawing the map). The
sanity lines load the page one viewer at a time, in Chromium and simulated, on the same server:
the server CPU seconds per load should agree (the simulation loads the server as a browser
does), the wall times not (the difference is the browser's own work). Also printed: where a
viewer's time went (requests before the websocket, the run, requests after) and the CPU seconds
of each app process, nginx and this client during the burst; the client shares the 2 cores
with the server, so its share is load a real burst would not put on the server machine.

Scaling: one Streamlit process runs each session's script on its own thread and (without nginx)
serves the static files on its event loop, all under one GIL, so a process uses about one core
whatever the number of sessions; a burst of N page loads on one process takes about N × (one
load's server CPU time), and with all runs sharing that core, most viewers finish near the end
of the burst. N processes on N free cores (sticky sessions behind a proxy) divide the burst by
about N; on this 2-core machine, which also runs nginx, PostgreSQL and this client, two
processes are the most that can help, and less than twice.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import h11
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import WebSocketException
from websockets.typing import Origin, Subprotocol

from bench.bench_pages import (
    BOUNDARIES,
    MAP_IFRAME,
    READY_JS,
    free_port,
    machine,
    open_page,
    rss_mb,
    start_server,
)
from devtools.chromium import CHROMIUM, CHROMIUM_ARGS

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Request, Response, WebSocket

ROOT = Path(__file__).resolve().parent.parent
PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
DEFAULT_DATABASE_URL = f"{PG_SERVER}/bench_scale_10"  # the memory goal is stated at ×10
QUICK_DATABASE_URL = f"{PG_SERVER}/bench_scale_1"
NGINX = Path("/usr/sbin/nginx")
STREAM_PATH = "/_stcore/stream"
XSRF_COOKIE = "_streamlit_xsrf"
STICKY_COOKIE = "st_backend"
UPSTREAM_HEADER = "x-bench-upstream"  # nginx names the backend that answered
NGINX_ITSELF = "nginx"  # the upstream header's value on the static files nginx serves
CONNECTIONS_PER_HOST = 6  # what Chromium opens to one host over HTTP/1.1
UNITS = 102  # shapes on the heat map
SLOW_S = 60.0  # a render slower than this counts as a failure
SANITY_LOADS = 5
# Chromium's request headers, so the server does the same work (compression, cookies).
BROWSER_HEADERS = (
    ("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) bench-viewers"),
    ("Accept", "*/*"),
    ("Accept-Encoding", "gzip, deflate, br, zstd"),
    ("Accept-Language", "en-US,en;q=0.9"),
)
NGINX_CONF = """worker_processes 1;  # one is plenty for a few hundred connections

pid {home}/nginx.pid;
error_log {home}/error.log warn;
events {{ worker_connections 8192; }}
http {{
    access_log off;
    include /etc/nginx/mime.types;  # module scripts must come as JavaScript
    default_type application/octet-stream;
    # Started as root, nginx's workers run as "nobody" and cannot enter this private temp dir:
    # responses stream through memory buffers, never a temp file.
    proxy_max_temp_file_size 0;
    client_body_temp_path {home}/client_body;
    proxy_temp_path {home}/proxy;
    fastcgi_temp_path {home}/fastcgi;
    uwsgi_temp_path {home}/uwsgi;
    scgi_temp_path {home}/scgi;

    map $http_upgrade $connection_upgrade {{ default upgrade; "" close; }}
    # Every viewer comes from 127.0.0.1, so ip_hash would send them all to one backend: a
    # first request without the cookie is hashed on its (random) request id, and the cookie
    # set on that response carries the same id, so its later requests hash the same way.
    map $cookie_{cookie} $sticky_key {{ "" $request_id; default $cookie_{cookie}; }}
    # Set the cookie only when it was absent: add_header skips a header whose value is empty.
    map $cookie_{cookie} $sticky_set_cookie {{
        "" "{cookie}=$request_id; Path=/; HttpOnly; SameSite=Lax";
        default "";
    }}
    upstream streamlit {{
        hash $sticky_key consistent;
{servers}
    }}
    server {{
        listen 127.0.0.1:{port};
        # What never changes between runs is served by nginx, as a deployment would: Streamlit's
        # content-hashed bundles, the map component's frontend, the app's ./static (Leaflet,
        # geometry). In Python each fresh viewer's ~5 MB of files cost most of its server CPU.
{static_locations}
        location / {{
            proxy_pass http://streamlit;
            proxy_http_version 1.1;
            # The browser's Host, so Streamlit sees the websocket's Origin as same-origin
            # (else it compares the Origin with the machine's addresses, and finding the
            # external one asks an outside host).
            proxy_set_header Host $http_host;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_read_timeout 1d;
            proxy_send_timeout 1d;
            # "always": also on the websocket's 101 answer and on errors.
            add_header Set-Cookie $sticky_set_cookie always;
            add_header X-Bench-Upstream $upstream_addr always;
        }}
    }}
}}
"""


class ViewerFailure(Exception):
    """Something a leader would see as a broken page."""


@dataclass(frozen=True)
class Target:
    """Where viewers go: an app process directly, or nginx in front of several."""

    label: str
    origin: str  # http://127.0.0.1:port
    pids: tuple[int, ...]  # the app processes
    proxy_pid: int | None = None  # nginx's master, behind a proxy

    @property
    def behind_proxy(self) -> bool:
        return self.proxy_pid is not None

    @property
    def address(self) -> tuple[str, int]:
        parts = urlsplit(self.origin)
        return str(parts.hostname), int(parts.port or 80)


@dataclass(frozen=True)
class Recording:
    """What one real Chromium did to load the page (same-origin requests, in order)."""

    before: tuple[str, ...]  # path?query, before the websocket opened; the HTML page first
    after: tuple[str, ...]
    first_back_msg: bytes
    back_msgs_sent: int
    other_origin_requests: int
    browser_backends: int  # behind nginx: how many backends Chromium's requests reached
    # Seconds from goto: the websocket opened, the first BackMsg went, script_finished
    # arrived, the map was drawn.
    stream_s: float
    sent_s: float
    finished_s: float
    ready_s: float


@dataclass
class ViewerOutcome:
    stream_s: float | None = None
    sent_s: float | None = None
    render_s: float | None = None
    finished_s: float | None = None
    failure: str | None = None
    backends: set[str] = field(default_factory=set)
    http_bytes: int = 0
    stream_bytes: int = 0
    websocket: ClientConnection | None = None


@dataclass
class Burst:
    outcomes: list[ViewerOutcome]
    wall_s: float  # release until the last viewer was done
    server_cpu_s: list[float]  # per app process, during wall_s
    proxy_cpu_s: float | None
    client_cpu_s: float  # this process: the viewers share the machine with the server
    machine_busy_s: float  # all cores: busy, idle and stolen by the hypervisor, in core-seconds
    machine_idle_s: float
    machine_steal_s: float
    rss_open: list[float]
    rss_after: list[float]


@dataclass
class SetupFigures:
    label: str
    recording: Recording
    rss_warm: list[float]
    burst: Burst
    backend_names: tuple[str, ...] = ()

    @property
    def outcomes(self) -> list[ViewerOutcome]:
        return self.burst.outcomes


STARTED = time.monotonic()


def progress(message: str) -> None:
    print(f"  … {time.monotonic() - STARTED:5.0f} s  {message}", file=sys.stderr, flush=True)


# --- the app and the proxy ----------------------------------------------------------------------


def app_environment(database_url: str, cache_dir: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DASHBOARD_BOUNDARIES": str(BOUNDARIES),
        "DASHBOARD_CACHE_DIR": str(cache_dir),
    }
    env.pop("DASHBOARD_DB_PATH", None)  # DATABASE_URL alone names the database
    return env


@contextlib.contextmanager
def app_processes(count: int, database_url: str, home: Path) -> Iterator[list[tuple]]:
    """``count`` app processes, started one after the other (the first may prepare the data)."""
    home.mkdir(parents=True, exist_ok=True)
    started: list[tuple] = []
    try:
        for index in range(count):
            env = app_environment(database_url, home / f"cache-{index}")
            started.append(start_server("app.py", ROOT, env, home / f"app-{index}.log"))
        yield started
    finally:
        for process, _ in started:
            process.terminate()
        for process, _ in started:
            process.wait(timeout=30)


def static_directories() -> dict[str, Path]:
    """URL prefix → directory of the files nginx serves itself."""
    import streamlit
    import streamlit_folium

    return {
        "/static/": Path(streamlit.__file__).parent / "static" / "static",
        "/component/streamlit_folium.st_folium/": Path(streamlit_folium.__file__).parent
        / "frontend"
        / "build",
        "/app/static/": ROOT / "static",
    }


def nginx_config(home: Path, port: int, backends: Sequence[str]) -> str:
    servers = "\n".join(f"        server {urlsplit(url).netloc};" for url in backends)
    static_locations = "\n".join(
        f"        location {prefix} {{ alias {folder}/; expires 1h; "
        f'add_header X-Bench-Upstream "{NGINX_ITSELF}" always; }}'
        for prefix, folder in static_directories().items()
    )
    return NGINX_CONF.format(
        home=home,
        port=port,
        servers=servers,
        cookie=STICKY_COOKIE,
        static_locations=static_locations,
    )


@contextlib.contextmanager
def nginx_proxy(backends: Sequence[str], home: Path) -> Iterator[tuple[str, int]]:
    """A local nginx in front of ``backends``; its pid, logs and temp files stay in ``home``."""
    home.mkdir()
    port = free_port()
    (home / "nginx.conf").write_text(nginx_config(home, port, backends))
    command = [str(NGINX), "-p", str(home), "-c", str(home / "nginx.conf"), "-g", "daemon off;"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port, process, home / "error.log")
        yield f"http://127.0.0.1:{port}", process.pid
    finally:
        process.terminate()
        process.wait(timeout=20)


def wait_for_port(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"nginx exited with {process.returncode}; see {log}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
            return
        time.sleep(0.1)
    raise RuntimeError(f"nginx did not listen on {port}; see {log}")


# --- the real browser ---------------------------------------------------------------------------


@contextlib.contextmanager
def chromium() -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def record_page_load(browser: Browser, origin: str) -> Recording:
    """Load the home page once in a fresh context and note what the browser asked for."""
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    before: list[str] = []
    after: list[str] = []
    back_msgs: list[bytes] = []
    other_origin: list[str] = []
    backends: set[str] = set()
    marks: dict[str, float] = {}  # seconds from goto (see Recording)
    started = time.perf_counter()

    def on_request(request: Request) -> None:
        url = request.url
        if url.startswith(origin + "/"):
            (after if "stream" in marks else before).append(url[len(origin) :])
        elif not url.startswith(("data:", "blob:", "about:")):
            other_origin.append(url)

    def on_frame_received(payload: bytes | str) -> None:
        if "finished" not in marks and isinstance(payload, bytes):
            message = ForwardMsg()
            message.ParseFromString(payload)
            if (
                message.WhichOneof("type") == "script_finished"
                and message.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY
            ):
                marks["finished"] = time.perf_counter() - started

    def on_frame_sent(payload: bytes | str) -> None:
        marks.setdefault("sent", time.perf_counter() - started)
        back_msgs.append(payload if isinstance(payload, bytes) else payload.encode())

    def on_websocket(websocket: WebSocket) -> None:
        if websocket.url.endswith(STREAM_PATH):
            marks["stream"] = time.perf_counter() - started
            websocket.on("framesent", on_frame_sent)
            websocket.on("framereceived", on_frame_received)

    def on_response(response: Response) -> None:
        upstream = response.headers.get(UPSTREAM_HEADER)
        if upstream and upstream != NGINX_ITSELF:
            backends.add(upstream)

    page.on("request", on_request)
    page.on("response", on_response)
    page.on("websocket", on_websocket)
    page.goto(origin + "/")
    page.wait_for_function(READY_JS, arg="map", timeout=120_000, polling=20)
    ready_s = time.perf_counter() - started
    shapes = page.frame_locator(MAP_IFRAME).locator("path.leaflet-interactive").count()
    context.close()
    if shapes != UNITS or not back_msgs or not before or before[0] != "/":
        raise RuntimeError(f"unexpected page load at {origin}: {shapes} shapes, {before[:1]}")
    if first_back_msg_kind(back_msgs[0]) != "rerun_script":
        raise RuntimeError(f"Chromium's first BackMsg is {first_back_msg_kind(back_msgs[0])}")
    return Recording(
        before=tuple(before),
        after=tuple(after),
        first_back_msg=back_msgs[0],
        back_msgs_sent=len(back_msgs),
        other_origin_requests=len(other_origin),
        browser_backends=len(backends),
        stream_s=marks["stream"],
        sent_s=marks["sent"],
        finished_s=marks.get("finished", math.nan),
        ready_s=ready_s,
    )


def first_back_msg_kind(payload: bytes) -> str | None:
    message = BackMsg()
    message.ParseFromString(payload)
    return message.WhichOneof("type")


def chromium_loads(origin: str, loads: int, pid: int) -> list[tuple[Recording, float]]:
    """Page loads one after the other, each with the server CPU seconds it cost."""
    with chromium() as browser:
        measured = []
        for _ in range(loads):
            cpu_before = cpu_seconds(pid)
            recording = record_page_load(browser, origin)
            measured.append((recording, cpu_seconds(pid) - cpu_before))
        return measured


# --- the light viewer ---------------------------------------------------------------------------


Headers = list[tuple[str, str]]  # lower-case names in answers


class CookieJar(dict[str, str]):
    def take(self, headers: Headers) -> None:
        for name, value in headers:
            if name == "set-cookie":
                key, _, rest = value.partition("=")
                self[key.strip()] = rest.split(";", 1)[0]

    def header(self) -> Headers:
        return [("Cookie", "; ".join(f"{k}={v}" for k, v in self.items()))] if self else []


class HttpConnection:
    """One keep-alive HTTP/1.1 connection, as a browser keeps up to six per host."""

    def __init__(self, address: tuple[str, int]) -> None:
        self._address = address
        self._protocol = h11.Connection(h11.CLIENT)
        self._streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def get(self, target: str, headers: Headers) -> tuple[int, Headers, int]:
        """(status, lower-case headers, body bytes); retried once if a reused socket closed."""
        reused = self._streams is not None
        try:
            return await self._exchange(target, headers)
        except (ConnectionError, h11.RemoteProtocolError):
            if not reused:
                raise
            await self.close()  # the server dropped an idle keep-alive socket: a browser retries
            return await self._exchange(target, headers)

    async def _exchange(self, target: str, headers: Headers) -> tuple[int, Headers, int]:
        reader, writer = await self._ready_streams()
        request = h11.Request(method="GET", target=target, headers=headers)
        writer.write(self._protocol.send(request) + self._protocol.send(h11.EndOfMessage()))
        await writer.drain()
        status, response_headers, size = 0, Headers(), 0
        while True:
            event = self._protocol.next_event()
            if event is h11.NEED_DATA:
                self._protocol.receive_data(await reader.read(1 << 16))
            elif isinstance(event, h11.Response):
                status = event.status_code
                response_headers = [(k.decode(), v.decode("latin-1")) for k, v in event.headers]
            elif isinstance(event, h11.Data):
                size += len(event.data)
            elif isinstance(event, h11.EndOfMessage):
                return status, response_headers, size
            elif isinstance(event, h11.ConnectionClosed):
                raise ConnectionError(f"closed before the answer to {target}")

    async def _ready_streams(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        if self._protocol.our_state is h11.DONE and self._protocol.their_state is h11.DONE:
            self._protocol.start_next_cycle()  # keep-alive: the next request on this socket
        if self._streams is None or self._protocol.our_state is not h11.IDLE:
            await self.close()
            self._protocol = h11.Connection(h11.CLIENT)
            self._streams = await asyncio.open_connection(*self._address)
        return self._streams

    async def close(self) -> None:
        if self._streams is not None:
            writer = self._streams[1]
            self._streams = None
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()


async def fetch(
    connection: HttpConnection, target: Target, path: str, jar: CookieJar, outcome: ViewerOutcome
) -> None:
    host, port = target.address
    headers = [("Host", f"{host}:{port}"), *BROWSER_HEADERS, *jar.header()]
    status, response_headers, size = await connection.get(path, headers)
    outcome.http_bytes += size
    jar.take(response_headers)
    note_backend(dict(response_headers).get(UPSTREAM_HEADER), target, outcome)
    if status >= 400:
        raise ViewerFailure(f"HTTP {status} {path.split('?')[0]}")


def note_backend(upstream: str | None, target: Target, outcome: ViewerOutcome) -> None:
    if not target.behind_proxy:
        return
    if not upstream:
        raise ViewerFailure("a response without the upstream header")
    if upstream != NGINX_ITSELF:  # not a static file nginx served itself
        outcome.backends.add(upstream)


async def fetch_in_parallel(
    paths: Sequence[str], target: Target, jar: CookieJar, outcome: ViewerOutcome
) -> None:
    """Fetch ``paths`` over six new keep-alive connections, as the browser would."""
    queue: asyncio.Queue[str] = asyncio.Queue()
    for path in paths:
        queue.put_nowait(path)

    async def worker() -> None:
        connection = HttpConnection(target.address)
        try:
            while not queue.empty():
                await fetch(connection, target, queue.get_nowait(), jar, outcome)
        finally:
            await connection.close()

    try:
        # A task group, unlike gather, stops the other connections when one request fails.
        async with asyncio.TaskGroup() as group:
            for _ in range(min(CONNECTIONS_PER_HOST, len(paths))):
                group.create_task(worker())
    except ExceptionGroup as failures:
        raise failures.exceptions[0] from None


async def open_stream(target: Target, jar: CookieJar, outcome: ViewerOutcome) -> ClientConnection:
    # The frontend's subprotocol list: "streamlit", then the XSRF cookie as the auth token.
    token = jar.get(XSRF_COOKIE, "PLACEHOLDER_AUTH_TOKEN")
    websocket = await connect(
        "ws" + target.origin.removeprefix("http") + STREAM_PATH,
        origin=Origin(target.origin),
        subprotocols=[Subprotocol("streamlit"), Subprotocol(token)],
        additional_headers=jar.header(),
        user_agent_header=BROWSER_HEADERS[0][1],
        proxy=None,  # never a proxy from the environment: everything stays on this machine
        open_timeout=None,  # the viewer's own deadline applies
        ping_interval=None,  # the browser does not ping; the server does
        max_size=None,  # an element can pass the 1 MiB default (a map with inline geometry)
        max_queue=None,
    )
    note_backend(websocket.response.headers.get(UPSTREAM_HEADER), target, outcome)
    return websocket


async def read_until_finished(websocket: ClientConnection, outcome: ViewerOutcome) -> None:
    """ForwardMsgs until the run that the first BackMsg started has ended successfully."""
    saw_map = False
    while True:
        payload = await websocket.recv(decode=False)
        outcome.stream_bytes += len(payload)
        message = ForwardMsg()
        message.ParseFromString(payload)
        kind = message.WhichOneof("type")
        if kind == "delta" and message.delta.WhichOneof("type") == "new_element":
            element = message.delta.new_element
            if element.WhichOneof("type") == "exception":
                problem = f"{element.exception.type}: {element.exception.message}"
                raise ViewerFailure(f"exception element ({problem[:80]})")
            if element.WhichOneof("type") == "component_instance":
                saw_map |= "st_folium" in element.component_instance.component_name
        elif kind == "ref_hash":
            raise ViewerFailure("a cached-message reference, which a fresh browser cannot resolve")
        elif kind == "session_event" and message.session_event.HasField(
            "script_compilation_exception"
        ):
            raise ViewerFailure("script compilation error")
        elif kind == "page_not_found":
            raise ViewerFailure("page not found")
        elif kind == "script_finished":
            status = message.script_finished
            if status == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                continue  # st.rerun() or a page switch: the next run follows
            if status != ForwardMsg.FINISHED_SUCCESSFULLY:
                raise ViewerFailure(f"script_finished status {status}")
            if not saw_map:
                raise ViewerFailure("the run drew no st_folium map")
            return


async def load_page(target: Target, recording: Recording, outcome: ViewerOutcome) -> None:
    started = time.perf_counter()
    jar = CookieJar()
    first = HttpConnection(target.address)
    try:
        # The HTML alone first: behind nginx, its answer sets the sticky cookie.
        await fetch(first, target, recording.before[0], jar, outcome)
    finally:
        await first.close()
    await fetch_in_parallel(recording.before[1:], target, jar, outcome)
    outcome.websocket = await open_stream(target, jar, outcome)
    outcome.stream_s = time.perf_counter() - started
    await outcome.websocket.send(recording.first_back_msg)
    outcome.sent_s = time.perf_counter() - started
    await read_until_finished(outcome.websocket, outcome)
    outcome.finished_s = time.perf_counter() - started
    await fetch_in_parallel(recording.after, target, jar, outcome)
    outcome.render_s = time.perf_counter() - started
    if target.behind_proxy and len(outcome.backends) != 1:
        raise ViewerFailure(f"not sticky: {sorted(outcome.backends)}")
    if outcome.render_s > SLOW_S:
        raise ViewerFailure(f"slower than {SLOW_S:.0f} s")


async def run_viewer(
    target: Target, recording: Recording, release: asyncio.Event, give_up_s: float
) -> ViewerOutcome:
    outcome = ViewerOutcome()
    await release.wait()
    try:
        async with asyncio.timeout(give_up_s):
            await load_page(target, recording, outcome)
    except ViewerFailure as exc:
        outcome.failure = str(exc)
    except TimeoutError:
        outcome.failure = f"no render within {give_up_s:.0f} s"
    except (OSError, WebSocketException, h11.ProtocolError) as exc:
        outcome.failure = f"{type(exc).__name__}: {str(exc)[:60]}"
    return outcome


async def close_streams(outcomes: Sequence[ViewerOutcome]) -> None:
    streams = [o.websocket for o in outcomes if o.websocket is not None]
    await asyncio.gather(*(s.close() for s in streams), return_exceptions=True)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (fields 14 and 15 of /proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def with_children(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children")
    return [pid, *(int(c) for c in children.read_text().split())] if children.exists() else [pid]


def machine_cpu_seconds() -> tuple[float, float, float]:
    """(busy, idle, steal) core-seconds since boot, from the "cpu" line of /proc/stat."""
    ticks = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    user, nice, system, idle, iowait, irq, softirq, steal = ticks
    per_second = os.sysconf("SC_CLK_TCK")
    busy = user + nice + system + irq + softirq
    return busy / per_second, (idle + iowait) / per_second, steal / per_second


def own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)  # Playwright's driver is another process
    return usage.ru_utime + usage.ru_stime


async def burst(
    target: Target, recording: Recording, viewers: int, give_up_s: float, settle_s: float
) -> Burst:
    """All viewers released at once; RSS with their sessions open and ``settle_s`` after."""
    release = asyncio.Event()
    tasks = [
        asyncio.create_task(run_viewer(target, recording, release, give_up_s))
        for _ in range(viewers)
    ]
    await asyncio.sleep(0.5)  # every task is created and waits on the release
    proxy_pids = with_children(target.proxy_pid) if target.proxy_pid else []
    cpu_before = [cpu_seconds(pid) for pid in (*target.pids, *proxy_pids)]
    machine_before, client_before = machine_cpu_seconds(), own_cpu_seconds()
    started = time.perf_counter()
    release.set()
    outcomes = await asyncio.gather(*tasks)
    wall_s, client_cpu_s = time.perf_counter() - started, own_cpu_seconds() - client_before
    busy, idle, steal = (
        after - before for after, before in zip(machine_cpu_seconds(), machine_before, strict=True)
    )
    cpu_used = [
        cpu_seconds(pid) - before
        for pid, before in zip((*target.pids, *proxy_pids), cpu_before, strict=True)
    ]
    await asyncio.sleep(1)
    rss_open = [rss_mb(pid) for pid in target.pids]
    await close_streams(outcomes)
    await asyncio.sleep(settle_s)
    return Burst(
        outcomes=outcomes,
        wall_s=wall_s,
        server_cpu_s=cpu_used[: len(target.pids)],
        proxy_cpu_s=sum(cpu_used[len(target.pids) :]) if proxy_pids else None,
        client_cpu_s=client_cpu_s,
        machine_busy_s=busy,
        machine_idle_s=idle,
        machine_steal_s=steal,
        rss_open=rss_open,
        rss_after=[rss_mb(pid) for pid in target.pids],
    )


async def one_at_a_time(
    target: Target, recording: Recording, loads: int
) -> list[tuple[ViewerOutcome, float]]:
    """Simulated loads one after the other, each with the server CPU seconds it cost."""
    measured = []
    for _ in range(loads):
        release = asyncio.Event()
        release.set()
        cpu_before = cpu_seconds(target.pids[0])
        outcome = await run_viewer(target, recording, release, 120)
        measured.append((outcome, cpu_seconds(target.pids[0]) - cpu_before))
        await close_streams([outcome])
    return measured


# --- the two setups -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    viewers: int
    database_url: str
    give_up_s: float
    settle_s: float
    sanity_loads: int


def measure(target: Target, recording: Recording, plan: Plan) -> SetupFigures:
    rss_warm = [rss_mb(pid) for pid in target.pids]
    progress(f"{plan.viewers} viewers at once on {target.label}")
    figures = asyncio.run(burst(target, recording, plan.viewers, plan.give_up_s, plan.settle_s))
    return SetupFigures(target.label, recording, rss_warm, figures)


def measure_one_process(
    plan: Plan, home: Path
) -> tuple[SetupFigures, list[tuple[Recording, float]], list[tuple[ViewerOutcome, float]]]:
    with app_processes(1, plan.database_url, home / "one") as apps:
        ((process, url),) = apps
        target = Target("1 process (direct)", url, (process.pid,))
        with chromium() as browser:
            # The first load warms the process up (and may wait for the data to be prepared).
            progress(f"warm-up {url}")
            open_page(browser, url, "map", timeout_ms=400_000)[0].close()
            progress(f"recording a Chromium load of {url}")
            recording = record_page_load(browser, url)
        figures = measure(target, recording, plan)
        # After the burst, so the memory readings hold only the burst's sessions.
        progress(f"sanity: {plan.sanity_loads} loads one at a time, Chromium then simulated")
        browser_loads = chromium_loads(url, plan.sanity_loads, process.pid)
        simulated = asyncio.run(one_at_a_time(target, recording, plan.sanity_loads))
    return figures, browser_loads, simulated


def measure_behind_nginx(
    plan: Plan, home: Path, warm_up: Recording, processes: int
) -> SetupFigures:
    """``processes`` fresh app processes behind nginx (sticky sessions, static files)."""
    with app_processes(processes, plan.database_url, home / f"nginx-{processes}") as apps:
        urls = [url for _, url in apps]
        for process, url in apps:
            # A simulated load warms a process up as well as Chromium does, in less time.
            progress(f"warm-up {url}")
            direct = Target("warm-up", url, (process.pid,))
            ((outcome, _),) = asyncio.run(one_at_a_time(direct, warm_up, 1))
            if outcome.failure:
                raise RuntimeError(f"warm-up of {url} failed: {outcome.failure}")
        with nginx_proxy(urls, home / f"nginx-{processes}" / "nginx") as (entry, nginx_pid):
            pids = tuple(process.pid for process, _ in apps)
            label = f"{processes} process{'es' if processes > 1 else ''} (nginx)"
            target = Target(label, entry, pids, nginx_pid)
            # Chromium through nginx: the websocket works through the proxy, 102 shapes drawn.
            progress(f"recording a Chromium load of {entry}")
            with chromium() as browser:
                recording = record_page_load(browser, entry)
            figures = measure(target, recording, plan)
    figures.backend_names = tuple(urlsplit(url).netloc for url in urls)
    return figures


# --- the report ---------------------------------------------------------------------------------


def nearest_rank(values: Sequence[float | None], share: float) -> float | None:
    """The nearest-rank percentile; a viewer that never got there (None) ranks last."""
    ordered = sorted(values, key=lambda v: math.inf if v is None else v)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)] if ordered else None


def seconds(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def split_text(figures: SetupFigures) -> str:
    if not figures.backend_names:
        return "—"
    counts = Counter(next(iter(o.backends)) for o in figures.outcomes if len(o.backends) == 1)
    return "/".join(str(counts.get(name, 0)) for name in figures.backend_names)


def setup_row(figures: SetupFigures) -> str:
    render = [o.render_s for o in figures.outcomes]
    finished = [o.finished_s for o in figures.outcomes]
    failures = sum(o.failure is not None for o in figures.outcomes)
    finished_text = (
        f"{seconds(nearest_rank(finished, 0.5))}/{seconds(nearest_rank(finished, 0.95))}"
    )
    return (
        f"{figures.label:<28}{seconds(nearest_rank(render, 0.5)):>7}"
        f"{seconds(nearest_rank(render, 0.95)):>7}{seconds(nearest_rank(render, 1.0)):>7}"
        f"{finished_text:>25}{failures:>10}{split_text(figures):>9}"
    )


def failure_lines(figures: SetupFigures) -> list[str]:
    reasons = Counter(o.failure for o in figures.outcomes if o.failure)
    return [f"  {figures.label}: {n} × {reason}" for reason, n in reasons.most_common()]


def memory_lines(all_figures: Sequence[SetupFigures], viewers: int, settle_s: float) -> list[str]:
    lines = [
        f"server RSS MB: after warm-up / {viewers} sessions open / {settle_s:.0f} s after closing"
        " — per process (Streamlit keeps a closed session 120 s for a reconnect)"
    ]
    for figures in all_figures:
        readings = zip(
            figures.rss_warm, figures.burst.rss_open, figures.burst.rss_after, strict=True
        )
        for index, triple in enumerate(readings, start=1):
            figures_text = " / ".join(f"{value:.0f}" for value in triple)
            lines.append(f"  {figures.label}, process {index}: {figures_text}")
    return lines


def phase_line(figures: SetupFigures) -> str:
    """Where a viewer's time went (medians): HTTP before, the run, HTTP after."""
    done = [o for o in figures.outcomes if o.render_s is not None]
    if not done:
        return f"  {figures.label}: no viewer rendered"
    before = median_of([o.stream_s for o in done])
    run = median_of([o.finished_s - o.stream_s for o in done if o.finished_s and o.stream_s])
    after = median_of([o.render_s - o.finished_s for o in done if o.render_s and o.finished_s])
    return (
        f"  {figures.label}: requests + websocket open {before:.2f} s, websocket → "
        f"script_finished {run:.2f} s, requests after {after:.2f} s"
    )


def cpu_line(figures: SetupFigures) -> str:
    burst = figures.burst
    servers = ", ".join(
        f"process {index} {value:.1f}" for index, value in enumerate(burst.server_cpu_s, start=1)
    )
    proxy = "" if burst.proxy_cpu_s is None else f", nginx {burst.proxy_cpu_s:.1f}"
    return (
        f"  {figures.label}: wall {burst.wall_s:.1f} s; CPU s: {servers}{proxy}, "
        f"viewers' client {burst.client_cpu_s:.1f}; all cores busy {burst.machine_busy_s:.1f}, "
        f"idle {burst.machine_idle_s:.1f}, stolen by the host {burst.machine_steal_s:.1f}"
    )


def traffic_line(figures: SetupFigures) -> str:
    done = [o for o in figures.outcomes if o.render_s is not None] or figures.outcomes
    http_mb = sum(o.http_bytes for o in done) / len(done) / 1e6
    stream_mb = sum(o.stream_bytes for o in done) / len(done) / 1e6
    recording = figures.recording
    line = (
        f"{figures.label}: per viewer {len(recording.before)} requests before the websocket, "
        f"{len(recording.after)} after, {http_mb:.1f} MB over HTTP, {stream_mb:.1f} MB of "
        f"ForwardMsgs; Chromium sent {recording.back_msgs_sent} BackMsg(s) until ready"
    )
    if figures.backend_names:
        line += f", its requests reached {recording.browser_backends} backend(s)"
    if recording.other_origin_requests:
        line += f", {recording.other_origin_requests} request(s) to other origins"
    return line


def protocol_line(recording: Recording) -> str:
    message = BackMsg()
    message.ParseFromString(recording.first_back_msg)
    state, context = message.rerun_script, message.rerun_script.context_info
    return (
        "protocol: websocket subprotocols 'streamlit, <_streamlit_xsrf cookie>'; Chromium's "
        f"first BackMsg: rerun_script(query_string={state.query_string!r}, page_script_hash="
        f"{state.page_script_hash!r}, {len(state.widget_states.widgets)} widget states, "
        f"{len(state.cached_message_hashes)} cached message hashes, context {context.timezone} "
        f"{context.locale} {context.color_scheme}); end: script_finished FINISHED_SUCCESSFULLY"
    )


def median_of(values: Sequence[float | None]) -> float:
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else math.nan


def sanity_lines(
    browser_loads: Sequence[tuple[Recording, float]],
    simulated_loads: Sequence[tuple[ViewerOutcome, float]],
) -> list[str]:
    """One at a time: the viewer's phases and server CPU next to Chromium's."""
    browser = [recording for recording, _ in browser_loads]
    simulated = [outcome for outcome, _ in simulated_loads]
    failed = sum(o.failure is not None for o in simulated)
    rows = [
        ("websocket opened", [r.stream_s for r in browser], [o.stream_s for o in simulated]),
        (
            "BackMsg → finished",
            [r.finished_s - r.sent_s for r in browser],
            [o.finished_s - o.sent_s for o in simulated if o.finished_s and o.sent_s],
        ),
        ("script_finished", [r.finished_s for r in browser], [o.finished_s for o in simulated]),
        ("map drawn / render", [r.ready_s for r in browser], [o.render_s for o in simulated]),
        ("server CPU per load", [c for _, c in browser_loads], [c for _, c in simulated_loads]),
    ]
    viewer_s, browser_s = median_of(rows[3][2]), median_of(rows[3][1])
    lines = [
        f"sanity: simulated viewer vs Chromium page-ready (N={len(browser)}, one at a time, "
        f"1 process, medians): {viewer_s:.2f} s vs {browser_s:.2f} s"
        + (f" ({failed} simulated failure(s))" if failed else "")
    ]
    lines += [
        f"  {name:<20} viewer {median_of(mine):5.2f} s   Chromium {median_of(theirs):5.2f} s"
        for name, theirs, mine in rows
    ]
    return lines


def scaling_line(behind_nginx: SetupFigures, viewers: int) -> str:
    per_load = sum(behind_nginx.burst.server_cpu_s) / viewers
    return (
        "scaling: one Streamlit process runs its sessions' reruns on threads under one GIL, "
        f"≈ one core; behind nginx a load cost it {per_load:.3f} CPU s, so a burst of {viewers} "
        f"needs ≈ {per_load * viewers:.1f} s of one core: N processes on N free cores divide it "
        f"(≈ {per_load * viewers / 4:.1f} s on 4, {per_load * viewers / 8:.1f} s on 8)"
    )


def load_text() -> str:
    return "/".join(f"{v:.2f}" for v in os.getloadavg())


def print_report(
    plan: Plan,
    all_figures: Sequence[SetupFigures],
    sanity: Sequence[str],
    load_before: str,
) -> None:
    print(f"{machine()}; load (1/5/15 min) before {load_before}, after {load_text()}")
    print(f"viewers: {plan.viewers}, database: {plan.database_url}")
    print(
        f"{'setup':<28}{'p50 s':>7}{'p95 s':>7}{'max s':>7}{'script_finished p50/p95':>25}"
        f"{'failures':>10}{'split':>9}"
    )
    for figures in all_figures:
        print(setup_row(figures))
    problems = [line for figures in all_figures for line in failure_lines(figures)]
    if problems:
        print("failures:")
        print("\n".join(problems))
    print("phases (medians of the viewers that rendered):")
    print("\n".join(phase_line(figures) for figures in all_figures))
    print("during the burst:")
    print("\n".join(cpu_line(figures) for figures in all_figures))
    print("\n".join(memory_lines(all_figures, plan.viewers, plan.settle_s)))
    for figures in all_figures:
        print(traffic_line(figures))
    print(protocol_line(all_figures[0].recording))
    print("\n".join(sanity))
    behind_nginx = [f for f in all_figures if f.backend_names]
    print(scaling_line((behind_nginx or all_figures)[0], plan.viewers))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20 viewers, shorter waits")
    parser.add_argument("--viewers", type=int, default=None, help="default 102 (20 with --quick)")
    parser.add_argument(
        "--database-url", default=None, help="default bench_scale_10 (bench_scale_1 with --quick)"
    )
    args = parser.parse_args()
    plan = Plan(
        viewers=args.viewers or (20 if args.quick else 102),
        database_url=args.database_url
        or (QUICK_DATABASE_URL if args.quick else DEFAULT_DATABASE_URL),
        give_up_s=SLOW_S if args.quick else 3 * SLOW_S,
        settle_s=5 if args.quick else 30,
        sanity_loads=1 if args.quick else SANITY_LOADS,
    )
    if subprocess.run([str(ROOT / "scripts" / "ensure-nginx")], check=False).returncode != 0:
        raise SystemExit("bench_viewers needs Debian's nginx (/usr/sbin/nginx)")
    load_before = load_text()
    with tempfile.TemporaryDirectory(prefix="bench-viewers-") as temp:
        home = Path(temp)
        one, browser_loads, simulated = measure_one_process(plan, home)
        proxied = [
            measure_behind_nginx(plan, home, one.recording, processes)
            for processes in ((2,) if args.quick else (1, 2))
        ]
    print_report(plan, [one, *proxied], sanity_lines(browser_loads, simulated), load_before)


if __name__ == "__main__":
    main()
