"""Audit events are append-only in the database too (PostgreSQL trigger).

Revision ID: 0002_audit_append_only
Revises: 0001_initial
"""
from alembic import op

from grants.models.audit import APPEND_ONLY_FUNCTION, APPEND_ONLY_TRIGGER

revision = "0002_audit_append_only"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(APPEND_ONLY_FUNCTION)
    op.execute(APPEND_ONLY_TRIGGER)


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events")
    op.execute("DROP FUNCTION IF EXISTS audit_events_append_only()")
