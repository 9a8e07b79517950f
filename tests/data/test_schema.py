"""The schema, built by the Alembic migrations, on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import IntegrityError

from data.bootstrap import sync_reference_data
from data.migrate import current_revision, head_revision, upgrade_to_head
from data.models import Base
from tests.reference import registry_count, registry_population, registry_types

EXPECTED_TABLES = {
    "score_snapshots",
    "score_pillar_snapshots",
    "score_indicator_snapshots",
    "units",
    "departments",
    "indicator_values",
    "indicator_value_revisions",
    "tasks",
    "task_coordinators",
    "task_assignments",
    "task_checkins",
    "task_extensions",
    "feedback_cases",
    "feedback_status_history",
    "feedback_stats",
    "feedback_weekly",
    "feedback_stats_state",
    "feedback_open_cases",
    "feedback_unrouted",
    "infra_sites",
    "infra_site_status_history",
    "infra_fibre_monthly",
    "infra_sites_unchecked",
    "import_batches",
    "publications",
    "published_unit_scores",
    "published_pillar_scores",
    "published_indicator_scores",
    "published_inputs",
    "meetings",
    "meeting_items",
    "meeting_conclusions",
}


def test_migrations_create_every_table(empty_engine: Engine) -> None:
    upgrade_to_head(empty_engine)
    tables = set(inspect(empty_engine).get_table_names())
    assert tables - {"alembic_version"} == EXPECTED_TABLES
    assert current_revision(empty_engine) == head_revision()


def test_migrated_schema_matches_the_models(empty_engine: Engine) -> None:
    # If someone changes a model without a migration, this lists the difference.
    upgrade_to_head(empty_engine)
    with empty_engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_upgrade_twice_is_a_no_op(empty_engine: Engine) -> None:
    upgrade_to_head(empty_engine)
    upgrade_to_head(empty_engine)
    assert current_revision(empty_engine) == head_revision()


def test_reference_sync_is_idempotent(migrated_engine: Engine) -> None:
    with migrated_engine.begin() as conn:
        sync_reference_data(conn)
    # Synced twice, the table holds the file's rows once: counted from units.csv itself.
    with migrated_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM units")).scalar_one() == registry_count()
        phuong = conn.execute(
            text("SELECT count(*) FROM units WHERE unit_type = 'phuong'")
        ).scalar_one()
        assert phuong == registry_types()["phuong"]
        total = conn.execute(text("SELECT sum(population) FROM units")).scalar_one()
        assert total == registry_population()


def test_check_constraints_refuse_unknown_values(migrated_engine: Engine) -> None:
    with pytest.raises(IntegrityError), migrated_engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO import_batches (kind, source_name, imported_by, imported_at,"
                " row_count) VALUES ('guesswork', 'x', 'y', '2026-01-01 00:00:00', 0)"
            )
        )


def test_unit_codes_are_strings_keeping_leading_digits(migrated_engine: Engine) -> None:
    with migrated_engine.connect() as conn:
        codes = conn.execute(text("SELECT code FROM units ORDER BY code")).scalars().all()
    assert all(isinstance(c, str) and len(c) == 5 for c in codes)
