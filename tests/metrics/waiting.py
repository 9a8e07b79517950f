"""Refreshing the stored scores in a test that may share the PostgreSQL server with another run.

The score lock on PostgreSQL is an advisory lock of the server's database, not of a schema: two
test runs on one server (each in its own schema) can find it held by the other, and a refresh
then returns ``busy`` having stored nothing. Tests that need the scores wait for it instead.
"""

from __future__ import annotations

import time

from sqlalchemy import Engine

from metrics.catalog import Catalog
from metrics.snapshots import RefreshResult, refresh_snapshots

WAIT_S = 180.0


def refresh_when_free(
    engine: Engine, catalog: Catalog | None = None, *, force: bool = False
) -> RefreshResult:
    deadline = time.monotonic() + WAIT_S
    while (result := refresh_snapshots(engine, catalog, force=force)).busy:
        assert time.monotonic() < deadline, f"the score lock stayed held for {WAIT_S:.0f} s"
        time.sleep(0.2)
    return result
