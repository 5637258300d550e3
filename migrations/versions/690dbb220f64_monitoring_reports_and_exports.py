"""Monitoring reports (their submissions and evidence), finance exports, and each call's metrics and report
schedule

Revision ID: 690dbb220f64
Revises: e62b5b29ad7d
Create Date: 2026-11-22 20:49:52.521951

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '690dbb220f64'
down_revision = 'e62b5b29ad7d'
branch_labels = None
depends_on = None


DEFAULT_METRICS = [{'key': 'londoners_reached',
  'label': 'Londoners reached',
  'hint': 'People who took part in at least one activity, counted once each',
  'target_question': 'londoners_reached'},
 {'key': 'sessions_delivered',
  'label': 'Sessions delivered',
  'hint': 'Workshops, sessions or events you ran',
  'target_question': 'sessions_planned'},
 {'key': 'volunteers_involved',
  'label': 'Volunteers involved',
  'hint': 'Volunteers who helped run the project',
  'target_question': 'volunteers_involved'},
 {'key': 'participants_reporting_change',
  'label': 'Participants reporting a change',
  'hint': 'People who said the project changed their attitudes or made them more confident',
  'target_question': 'participants_reporting_change'}]
DEFAULT_REPORTS = [{'kind': 'interim', 'label': 'Interim report', 'due': 'midpoint', 'weeks': 0},
 {'kind': 'final', 'label': 'Final report', 'due': 'after_end', 'weeks': 8}]


def upgrade():
    op.create_table('exports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('format', sa.Enum('csv', 'xlsx', '360giving-json', '360giving-csv', '360giving-xlsx', name='export_format', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('scope', sa.Enum('round', 'fund', 'dates', name='export_scope', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=True),
    sa.Column('fund_id', sa.Integer(), nullable=True),
    sa.Column('date_from', sa.Date(), nullable=True),
    sa.Column('date_to', sa.Date(), nullable=True),
    sa.Column('round_ids', sa.JSON(), nullable=False),
    sa.Column('status', sa.Enum('queued', 'running', 'done', 'invalid', 'failed', name='export_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('problems', sa.JSON(), nullable=False),
    sa.Column('problem_count', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('file_name', sa.String(length=120), nullable=True),
    sa.Column('storage_key', sa.String(length=80), nullable=True),
    sa.Column('size_bytes', sa.BigInteger(), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint('done <= total', name=op.f('ck_exports_done_within_total')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_exports_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['fund_id'], ['funds.id'], name=op.f('fk_exports_fund_id_funds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_exports_round_id_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exports'))
    )
    with op.batch_alter_table('exports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exports_created_by_id'), ['created_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_exports_fund_id'), ['fund_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_exports_round_id'), ['round_id'], unique=False)

    op.create_table('reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('award_id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('interim', 'final', name='report_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('label', sa.String(length=100), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('due', 'draft', 'submitted', 'changes_requested', 'approved', name='report_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('raw', sa.JSON(), nullable=False),
    sa.Column('values', sa.JSON(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('approved_at', sa.DateTime(), nullable=True),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('due_reminder_sent_at', sa.DateTime(), nullable=True),
    sa.Column('overdue_reminder_sent_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['approved_by_id'], ['users.id'], name=op.f('fk_reports_approved_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['award_id'], ['awards.id'], name=op.f('fk_reports_award_id_awards'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_reports_round_id_rounds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_reports_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reports')),
    sa.UniqueConstraint('award_id', 'position', name=op.f('uq_reports_award_id_position'))
    )
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reports_award_id'), ['award_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reports_due_on'), ['due_on'], unique=False)
        batch_op.create_index('ix_reports_round_status', ['round_id', 'status'], unique=False)

    op.create_table('report_evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('storage_key', sa.String(length=80), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('file_type', sa.String(length=10), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size_bytes', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('size_bytes > 0', name=op.f('ck_report_evidence_size_positive')),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_report_evidence_report_id_reports'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_report_evidence_uploaded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_evidence')),
    sa.UniqueConstraint('storage_key', name=op.f('uq_report_evidence_storage_key'))
    )
    with op.batch_alter_table('report_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_evidence_report_id'), ['report_id'], unique=False)

    op.create_table('report_submissions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=False),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.Enum('approved', 'changes_requested', name='review_outcome', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('comments', sa.Text(), nullable=False),
    sa.Column('reviewed_at', sa.DateTime(), nullable=True),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_report_submissions_report_id_reports'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], name=op.f('fk_report_submissions_reviewed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_report_submissions_submitted_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_submissions')),
    sa.UniqueConstraint('report_id', 'number', name=op.f('uq_report_submissions_report_id_number'))
    )
    with op.batch_alter_table('report_submissions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_submissions_report_id'), ['report_id'], unique=False)

    # Existing calls get the Shared Endeavour Fund's defaults (the four metrics; interim at the mid-point, final
    # 8 weeks after the end), then the columns are required. The values are written out here, not imported, so this
    # revision keeps meaning what it meant when it was written.
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('report_metrics', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('report_schedule', sa.JSON(), nullable=True))
    rounds = sa.table('rounds', sa.column('report_metrics', sa.JSON()), sa.column('report_schedule', sa.JSON()))
    op.execute(rounds.update().values(report_metrics=DEFAULT_METRICS, report_schedule=DEFAULT_REPORTS))
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.alter_column('report_metrics', existing_type=sa.JSON(), nullable=False)
        batch_op.alter_column('report_schedule', existing_type=sa.JSON(), nullable=False)
    _schedule_reports_for_accepted_awards()


def _schedule_reports_for_accepted_awards():
    """Awards accepted before this revision owe the default reports too: interim at the project's mid-point, final
    8 weeks after its end (a year from acceptance when an award has no project dates), as the service would."""
    import datetime as dt

    bind = op.get_bind()
    awards = bind.execute(sa.text(
        "SELECT id, round_id, project_start, project_end, accepted_at FROM awards "
        "WHERE status IN ('accepted', 'active', 'completed') ORDER BY id"
    )).all()
    reports = sa.table(
        'reports', sa.column('award_id'), sa.column('round_id'), sa.column('position'), sa.column('kind'),
        sa.column('label'), sa.column('due_on', sa.Date()), sa.column('status'), sa.column('raw', sa.JSON()),
        sa.column('values', sa.JSON()), sa.column('version'), sa.column('created_at', sa.DateTime()),
    )

    def as_date(value):
        if value is None or isinstance(value, dt.date):
            return value
        return dt.date.fromisoformat(str(value)[:10])

    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    rows = []
    for award_id, round_id, start, end, accepted_at in awards:
        start = as_date(start) or as_date(accepted_at) or now.date()
        end = max(start, as_date(end) or start + dt.timedelta(days=365))
        for position, kind, label, due_on in (
            (1, 'interim', 'Interim report', start + (end - start) / 2),
            (2, 'final', 'Final report', end + dt.timedelta(weeks=8)),
        ):
            rows.append({
                'award_id': award_id, 'round_id': round_id, 'position': position, 'kind': kind, 'label': label,
                'due_on': due_on, 'status': 'due', 'raw': {}, 'values': {}, 'version': 0, 'created_at': now,
            })
    if rows:
        op.bulk_insert(reports, rows)



def downgrade():
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.drop_column('report_schedule')
        batch_op.drop_column('report_metrics')

    with op.batch_alter_table('report_submissions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_submissions_report_id'))

    op.drop_table('report_submissions')
    with op.batch_alter_table('report_evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_evidence_report_id'))

    op.drop_table('report_evidence')
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_index('ix_reports_round_status')
        batch_op.drop_index(batch_op.f('ix_reports_due_on'))
        batch_op.drop_index(batch_op.f('ix_reports_award_id'))

    op.drop_table('reports')
    with op.batch_alter_table('exports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exports_round_id'))
        batch_op.drop_index(batch_op.f('ix_exports_fund_id'))
        batch_op.drop_index(batch_op.f('ix_exports_created_by_id'))

    op.drop_table('exports')
