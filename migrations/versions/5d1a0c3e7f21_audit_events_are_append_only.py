"""audit events are append-only: on PostgreSQL a trigger refuses UPDATE and DELETE on audit_events

The one update let through is the foreign key's own ON DELETE SET NULL (a deleted user's events keep
everything but the actor). The ORM refuses both on every database (fundapp.core.audit). A retention purge, if
one is ever agreed, is done by the database owner with the trigger disabled for that statement (docs/operations.md).

Revision ID: 5d1a0c3e7f21
Revises: b8dc73c74eb5
Create Date: 2026-11-23 09:00:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "5d1a0c3e7f21"
down_revision = "b8dc73c74eb5"
branch_labels = None
depends_on = None


FUNCTION = """
CREATE FUNCTION audit_events_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND NEW.actor_id IS NULL AND OLD.actor_id IS NOT NULL
       AND NEW.id = OLD.id
       AND NEW.occurred_at IS NOT DISTINCT FROM OLD.occurred_at
       AND NEW.action IS NOT DISTINCT FROM OLD.action
       AND NEW.subject_type IS NOT DISTINCT FROM OLD.subject_type
       AND NEW.subject_id IS NOT DISTINCT FROM OLD.subject_id
       AND NEW.data::text IS NOT DISTINCT FROM OLD.data::text
       AND NEW.ip_address IS NOT DISTINCT FROM OLD.ip_address THEN
        RETURN NEW;  -- the foreign key's ON DELETE SET NULL when a user row is deleted
    END IF;
    RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql
"""

TRIGGER = """
CREATE TRIGGER audit_events_append_only
BEFORE UPDATE OR DELETE ON audit_events
FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()
"""


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(FUNCTION)
    op.execute(TRIGGER)


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events")
    op.execute("DROP FUNCTION IF EXISTS audit_events_append_only()")
