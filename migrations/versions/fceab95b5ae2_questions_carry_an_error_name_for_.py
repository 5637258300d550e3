"""questions carry an error name for specific error messages

Revision ID: fceab95b5ae2
Revises: ce0b21e2fda1
Create Date: 2026-11-22 16:34:46.275162

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'fceab95b5ae2'
down_revision = 'ce0b21e2fda1'
branch_labels = None
depends_on = None


def upgrade():
    # Existing questions get no error name (their messages stay generic); the model supplies it from now on.
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('error_name', sa.String(length=150), nullable=False, server_default=''))
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.alter_column('error_name', server_default=None)


def downgrade():
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.drop_column('error_name')
