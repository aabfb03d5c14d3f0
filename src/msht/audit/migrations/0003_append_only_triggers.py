"""The database itself refuses UPDATE and DELETE (and TRUNCATE) on the audit trail.

Triggers for SQLite and PostgreSQL. The one way through is a row in
``audit_maintenance_window``, a table no model maps (so a flush never empties it) and that
only ``msht.audit.append_only.maintenance_window`` writes, inside the transaction of a
deliberate wipe (``msht flush``, the test suite's flush), removing it before that
transaction commits. docs/security.md explains the escape hatch.
"""

from __future__ import annotations

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

# The refusal text is written into each statement: no SQL is built from variables.
SQLITE_FORWARD = [
    "CREATE TABLE audit_maintenance_window (reason varchar(100) NOT NULL)",
    """CREATE TRIGGER audit_auditevent_refuse_update BEFORE UPDATE ON audit_auditevent
    WHEN NOT EXISTS (SELECT 1 FROM audit_maintenance_window)
    BEGIN SELECT RAISE(ABORT, 'audit events are append-only: they cannot be changed or deleted'); END""",
    """CREATE TRIGGER audit_auditevent_refuse_delete BEFORE DELETE ON audit_auditevent
    WHEN NOT EXISTS (SELECT 1 FROM audit_maintenance_window)
    BEGIN SELECT RAISE(ABORT, 'audit events are append-only: they cannot be changed or deleted'); END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS audit_auditevent_refuse_update",
    "DROP TRIGGER IF EXISTS audit_auditevent_refuse_delete",
    "DROP TABLE IF EXISTS audit_maintenance_window",
]

POSTGRESQL_FORWARD = [
    "CREATE TABLE audit_maintenance_window (reason varchar(100) NOT NULL)",
    """CREATE FUNCTION audit_auditevent_refuse_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF EXISTS (SELECT 1 FROM audit_maintenance_window) THEN
            IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
            RETURN NEW;
        END IF;
        RAISE EXCEPTION 'audit events are append-only: they cannot be changed or deleted (% refused)', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END;
    $$""",
    """CREATE TRIGGER audit_auditevent_refuse_update_delete
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_auditevent_refuse_change()""",
    # Row triggers do not fire on TRUNCATE: a statement trigger refuses it too.
    """CREATE TRIGGER audit_auditevent_refuse_truncate
    BEFORE TRUNCATE ON audit_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION audit_auditevent_refuse_change()""",
]
POSTGRESQL_BACKWARD = [
    "DROP TRIGGER IF EXISTS audit_auditevent_refuse_truncate ON audit_auditevent",
    "DROP TRIGGER IF EXISTS audit_auditevent_refuse_update_delete ON audit_auditevent",
    "DROP FUNCTION IF EXISTS audit_auditevent_refuse_change()",
    "DROP TABLE IF EXISTS audit_maintenance_window",
]

STATEMENTS = {
    "sqlite": (SQLITE_FORWARD, SQLITE_BACKWARD),
    "postgresql": (POSTGRESQL_FORWARD, POSTGRESQL_BACKWARD),
}


def _run(schema_editor: BaseDatabaseSchemaEditor, *, forward: bool) -> None:
    vendor = schema_editor.connection.vendor
    if vendor not in STATEMENTS:
        raise NotImplementedError(f"no append-only triggers for {vendor}")
    for statement in STATEMENTS[vendor][0 if forward else 1]:
        schema_editor.execute(statement, params=None)


def create_triggers(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, forward=True)


def drop_triggers(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, forward=False)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_more_event_types")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
