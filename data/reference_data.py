"""Write the reference data (the 102 units, the departments) from ``data/reference/`` to the
database.

Its own module, below both ``data.bootstrap`` (first start) and ``data.demo`` (regeneration):
each needs it, and neither may import the other's side of the cycle (bootstrap starts the demo
generator; the generator must not reach back into bootstrap).
"""

from __future__ import annotations

from sqlalchemy import Connection, insert, select, update

from data.models import Department, Unit
from data.registry import load_departments, load_units


def sync_reference_data(conn: Connection) -> None:
    """Insert or update the 102 units and the departments from ``data/reference/``."""
    existing_units = {u.code: u for u in conn.execute(select(Unit.__table__)).all()}
    for record in load_units():
        values = record.__dict__
        if record.code not in existing_units:
            conn.execute(insert(Unit).values(**values))
        elif existing_units[record.code]._asdict() != values:
            conn.execute(update(Unit).where(Unit.code == record.code).values(**values))
    existing_departments = set(conn.execute(select(Department.code)).scalars())
    for department in load_departments():
        values = department.__dict__
        if department.code in existing_departments:
            conn.execute(
                update(Department).where(Department.code == department.code).values(**values)
            )
        else:
            conn.execute(insert(Department).values(**values))
