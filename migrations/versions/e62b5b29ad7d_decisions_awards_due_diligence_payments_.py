"""decisions, awards, due diligence, payments and letter batches

Revision ID: e62b5b29ad7d
Revises: 91e57b54b3af
Create Date: 2026-11-22 18:31:55.111228

The budget guard itself is the CHECK (committed_pence <= budget_pence) the rounds table already has.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e62b5b29ad7d'
down_revision = '91e57b54b3af'
branch_labels = None
depends_on = None

# A copy of fundapp.programmes.payment_schedule.DEFAULT_TEMPLATE as it was when this revision was written
# (a migration never imports the app: the app changes, the migration must not).
DEFAULT_PAYMENT_TEMPLATE = [
    {"label": "First payment", "percent": 50, "trigger": "acceptance"},
    {"label": "Second payment", "percent": 40, "trigger": "interim_report"},
    {"label": "Final payment", "percent": 10, "trigger": "final_report"},
]


def upgrade():
    op.create_table('letter_batches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('queued', 'running', 'done', 'failed', name='batch_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('award_ids', sa.JSON(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('failed', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('zip_storage_key', sa.String(length=80), nullable=True),
    sa.Column('zip_size_bytes', sa.BigInteger(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint('done <= total', name=op.f('ck_letter_batches_done_within_total')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_letter_batches_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_letter_batches_round_id_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_letter_batches'))
    )
    with op.batch_alter_table('letter_batches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_letter_batches_round_id'), ['round_id'], unique=False)

    op.create_table('awards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=40), nullable=False),
    sa.Column('status', sa.Enum('offered', 'letter_issued', 'accepted', 'declined', 'active', 'completed', 'withdrawn', name='award_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('amount_pence', sa.BigInteger(), nullable=False),
    sa.Column('conditions', sa.Text(), nullable=False),
    sa.Column('verification_code', sa.String(length=20), nullable=False),
    sa.Column('project_start', sa.Date(), nullable=True),
    sa.Column('project_end', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('letter_issued_at', sa.DateTime(), nullable=True),
    sa.Column('letter_issued_by_id', sa.Integer(), nullable=True),
    sa.Column('accepted_at', sa.DateTime(), nullable=True),
    sa.Column('accepted_by_id', sa.Integer(), nullable=True),
    sa.Column('accepted_name', sa.String(length=200), nullable=True),
    sa.Column('accepted_position', sa.String(length=200), nullable=True),
    sa.Column('accepted_ip', sa.String(length=45), nullable=True),
    sa.Column('accepted_letter_version', sa.Integer(), nullable=True),
    sa.Column('accepted_letter_sha256', sa.String(length=64), nullable=True),
    sa.Column('declined_at', sa.DateTime(), nullable=True),
    sa.Column('declined_by_id', sa.Integer(), nullable=True),
    sa.Column('decline_reason', sa.Text(), nullable=True),
    sa.Column('activated_at', sa.DateTime(), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(), nullable=True),
    sa.Column('withdrawn_by_id', sa.Integer(), nullable=True),
    sa.Column('withdrawal_reason', sa.Text(), nullable=True),
    sa.CheckConstraint('amount_pence > 0', name=op.f('ck_awards_amount_positive')),
    sa.ForeignKeyConstraint(['accepted_by_id'], ['users.id'], name=op.f('fk_awards_accepted_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_awards_application_id_applications'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_awards_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['declined_by_id'], ['users.id'], name=op.f('fk_awards_declined_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['letter_issued_by_id'], ['users.id'], name=op.f('fk_awards_letter_issued_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_awards_organisation_id_organisations'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_awards_round_id_rounds'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['withdrawn_by_id'], ['users.id'], name=op.f('fk_awards_withdrawn_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_awards')),
    sa.UniqueConstraint('application_id', name=op.f('uq_awards_application_id')),
    sa.UniqueConstraint('reference', name=op.f('uq_awards_reference')),
    sa.UniqueConstraint('verification_code', name=op.f('uq_awards_verification_code'))
    )
    with op.batch_alter_table('awards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_awards_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_awards_round_id'), ['round_id'], unique=False)

    op.create_table('decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.Enum('approved', 'rejected', 'reserve', name='decision_outcome', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('feedback', sa.Text(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_decisions_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_decisions_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_decisions_round_id_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decisions')),
    sa.UniqueConstraint('application_id', name=op.f('uq_decisions_application_id'))
    )
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decisions_round_id'), ['round_id'], unique=False)

    op.create_table('due_diligence_checks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('award_id', sa.Integer(), nullable=False),
    sa.Column('item', sa.Enum('registration', 'bank_details', 'safeguarding_policy', 'governing_document', 'conditions', name='due_diligence_item', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('register', sa.Enum('charity_commission', 'oscr', 'ccni', 'companies_house', 'fca_mutuals', 'none', name='register', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('registration_number', sa.String(length=20), nullable=True),
    sa.Column('completed_at', sa.DateTime(), nullable=False),
    sa.Column('completed_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['award_id'], ['awards.id'], name=op.f('fk_due_diligence_checks_award_id_awards'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['completed_by_id'], ['users.id'], name=op.f('fk_due_diligence_checks_completed_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_due_diligence_checks')),
    sa.UniqueConstraint('award_id', 'item', name=op.f('uq_due_diligence_checks_award_id_item'))
    )
    with op.batch_alter_table('due_diligence_checks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_due_diligence_checks_award_id'), ['award_id'], unique=False)

    op.create_table('payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('award_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=100), nullable=False),
    sa.Column('trigger', sa.Enum('acceptance', 'interim_report', 'final_report', name='payment_trigger', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('percent', sa.Integer(), nullable=False),
    sa.Column('amount_pence', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.Enum('scheduled', 'approved', 'paid', 'failed', name='payment_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('due_at', sa.DateTime(), nullable=True),
    sa.Column('approved_at', sa.DateTime(), nullable=True),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('paid_on', sa.Date(), nullable=True),
    sa.Column('payment_reference', sa.String(length=60), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('failure_reason', sa.Text(), nullable=True),
    sa.CheckConstraint('amount_pence >= 0', name=op.f('ck_payments_amount_not_negative')),
    sa.CheckConstraint('percent > 0 AND percent <= 100', name=op.f('ck_payments_percent_in_range')),
    sa.ForeignKeyConstraint(['approved_by_id'], ['users.id'], name=op.f('fk_payments_approved_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['award_id'], ['awards.id'], name=op.f('fk_payments_award_id_awards'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_payments_recorded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payments')),
    sa.UniqueConstraint('award_id', 'position', name=op.f('uq_payments_award_id_position'))
    )
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payments_award_id'), ['award_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payments_due_at'), ['due_at'], unique=False)

    # Existing calls get the default schedule (50% on acceptance, 40% interim, 10% final), then it is required.
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('payment_template', sa.JSON(), nullable=True))
    rounds = sa.table('rounds', sa.column('payment_template', sa.JSON()))
    op.execute(rounds.update().values(payment_template=DEFAULT_PAYMENT_TEMPLATE))
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.alter_column('payment_template', existing_type=sa.JSON(), nullable=False)
        batch_op.add_column(sa.Column('outcomes_published_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('outcomes_published_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_rounds_outcomes_published_by_id_users'), 'users', ['outcomes_published_by_id'], ['id'], ondelete='SET NULL')



def downgrade():
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_rounds_outcomes_published_by_id_users'), type_='foreignkey')
        batch_op.drop_column('outcomes_published_by_id')
        batch_op.drop_column('outcomes_published_at')
        batch_op.drop_column('payment_template')

    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payments_due_at'))
        batch_op.drop_index(batch_op.f('ix_payments_award_id'))

    op.drop_table('payments')
    with op.batch_alter_table('due_diligence_checks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_due_diligence_checks_award_id'))

    op.drop_table('due_diligence_checks')
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decisions_round_id'))

    op.drop_table('decisions')
    with op.batch_alter_table('awards', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_awards_round_id'))
        batch_op.drop_index(batch_op.f('ix_awards_organisation_id'))

    op.drop_table('awards')
    with op.batch_alter_table('letter_batches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_letter_batches_round_id'))

    op.drop_table('letter_batches')
