"""Ballots of live sessions: the ballot with its frozen rule and stored result, its eligible voters
(random keys, WITHOUT ROWID on SQLite), open votes, and secret votes (choice and tracking code only).

Revision ID: 6b600af5a01a
Revises: 8c6e68f8ff0b
Create Date: 2026-11-30 12:51:56.767363

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6b600af5a01a'
down_revision = '8c6e68f8ff0b'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('ballots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('agenda_item_id', sa.Integer(), nullable=True),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('secret', sa.Boolean(), nullable=False),
    sa.Column('rule', sa.Enum('majority_of_members', 'majority_of_present', 'two_thirds_of_members', name='decisionrule', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('allow_change', sa.Boolean(), nullable=False),
    sa.Column('time_limit_s', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('draft', 'open', 'closed', name='ballotstatus', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('opened_by_id', sa.Integer(), nullable=True),
    sa.Column('closes_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('tie', sa.Enum('fails', 'chair_decides', name='tierule', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('member_total', sa.Integer(), nullable=True),
    sa.Column('present_total', sa.Integer(), nullable=True),
    sa.Column('eligible_count', sa.Integer(), nullable=True),
    sa.Column('quorum_met', sa.Boolean(), nullable=True),
    sa.Column('quorum_required', sa.Integer(), nullable=True),
    sa.Column('override_reason', sa.Text(), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('closed_by_time_limit', sa.Boolean(), nullable=False),
    sa.Column('count_yes', sa.Integer(), nullable=True),
    sa.Column('count_no', sa.Integer(), nullable=True),
    sa.Column('count_abstain', sa.Integer(), nullable=True),
    sa.Column('count_not_voted', sa.Integer(), nullable=True),
    sa.Column('count_by_hand', sa.Integer(), nullable=True),
    sa.Column('result', sa.Enum('passed', 'failed', name='outcome', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('tied', sa.Boolean(), nullable=True),
    sa.Column('decided_by_chair', sa.Boolean(), nullable=True),
    sa.ForeignKeyConstraint(['agenda_item_id'], ['agenda_items.id'], name=op.f('fk_ballots_agenda_item_id_agenda_items'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['closed_by_id'], ['users.id'], name=op.f('fk_ballots_closed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_ballots_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_ballots_meeting_id_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['opened_by_id'], ['users.id'], name=op.f('fk_ballots_opened_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ballots'))
    )
    with op.batch_alter_table('ballots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ballots_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index('ix_ballots_status_closes_at', ['status', 'closes_at'], unique=False)
        batch_op.create_index('uq_ballots_one_open_per_meeting', ['meeting_id'], unique=True, sqlite_where=sa.text("status = 'open'"), postgresql_where=sa.text("status = 'open'"))

    op.create_table('ballot_voters',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('ballot_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('for_user_id', sa.Integer(), nullable=True),
    sa.Column('voted', sa.Boolean(), nullable=False),
    sa.Column('by_hand', sa.Boolean(), nullable=False),
    sa.Column('sealed_receipt', sa.LargeBinary(length=64), nullable=True),
    sa.ForeignKeyConstraint(['ballot_id'], ['ballots.id'], name=op.f('fk_ballot_voters_ballot_id_ballots'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['for_user_id'], ['users.id'], name=op.f('fk_ballot_voters_for_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_ballot_voters_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ballot_voters')),
    sa.UniqueConstraint('ballot_id', 'user_id', name=op.f('uq_ballot_voters_ballot_id_user_id')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('ballot_voters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ballot_voters_user_id'), ['user_id'], unique=False)

    op.create_table('secret_votes',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('ballot_id', sa.Integer(), nullable=False),
    sa.Column('choice', sa.Enum('yes', 'no', 'abstain', name='choice', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('tracker', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['ballot_id'], ['ballots.id'], name=op.f('fk_secret_votes_ballot_id_ballots'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_secret_votes')),
    sa.UniqueConstraint('ballot_id', 'tracker', name=op.f('uq_secret_votes_ballot_id_tracker')),
    sqlite_with_rowid=False
    )
    op.create_table('votes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ballot_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('choice', sa.Enum('yes', 'no', 'abstain', name='choice', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('by_hand', sa.Boolean(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('cast_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['ballot_id'], ['ballots.id'], name=op.f('fk_votes_ballot_id_ballots'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_votes_recorded_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_votes_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_votes')),
    sa.UniqueConstraint('ballot_id', 'user_id', name=op.f('uq_votes_ballot_id_user_id'))
    )
    with op.batch_alter_table('votes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_votes_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('votes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_votes_user_id'))

    op.drop_table('votes')
    op.drop_table('secret_votes')
    with op.batch_alter_table('ballot_voters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ballot_voters_user_id'))

    op.drop_table('ballot_voters')
    with op.batch_alter_table('ballots', schema=None) as batch_op:
        batch_op.drop_index('uq_ballots_one_open_per_meeting', sqlite_where=sa.text("status = 'open'"), postgresql_where=sa.text("status = 'open'"))
        batch_op.drop_index('ix_ballots_status_closes_at')
        batch_op.drop_index(batch_op.f('ix_ballots_meeting_id'))

    op.drop_table('ballots')
