"""recovery codes stored as salted Argon2id hashes

Revision ID: 7d380cbbc3bf
Revises: 5d1a0c3e7f21
Create Date: 2026-11-23 03:39:21.158364

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7d380cbbc3bf'
down_revision = '5d1a0c3e7f21'
branch_labels = None
depends_on = None


def upgrade():
    # Codes hashed with plain SHA-256 cannot be checked against salted hashes; none were issued outside development
    # (two-factor arrived in the same release), and anyone affected gets new codes from Your account.
    op.execute("DELETE FROM recovery_codes")
    with op.batch_alter_table('recovery_codes', schema=None) as batch_op:
        batch_op.alter_column('code_hash',
               existing_type=sa.VARCHAR(length=64),
               type_=sa.String(length=255),
               existing_nullable=False)
        batch_op.drop_constraint(batch_op.f('uq_recovery_codes_code_hash'), type_='unique')


def downgrade():
    # Salted hashes do not fit the old column and the old code cannot check them: people get new codes.
    op.execute("DELETE FROM recovery_codes")
    with op.batch_alter_table('recovery_codes', schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f('uq_recovery_codes_code_hash'), ['code_hash'])
        batch_op.alter_column('code_hash',
               existing_type=sa.String(length=255),
               type_=sa.VARCHAR(length=64),
               existing_nullable=False)

