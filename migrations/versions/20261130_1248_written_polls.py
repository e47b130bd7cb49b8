"""Written polls (phiếu lấy ý kiến): polls, questions, documents, recipients frozen at send, answers
(one per member and question, a unique constraint the answers upsert against).

Revision ID: 8c6e68f8ff0b
Revises: c08bd3403967
Create Date: 2026-11-30 12:48:15.911993

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8c6e68f8ff0b'
down_revision = 'c08bd3403967'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('polls',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('body_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('status', sa.Enum('draft', 'open', 'closed', name='pollstatus', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('deadline', sa.DateTime(timezone=True), nullable=True),
    sa.Column('silence_counts_as', sa.Enum('none', 'yes', name='silencerule', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('decision_rule', sa.Enum('majority_of_members', 'majority_of_present', 'two_thirds_of_members', name='decisionrule', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('tie', sa.Enum('fails', 'chair_decides', name='tierule', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('member_total', sa.Integer(), nullable=True),
    sa.Column('remind_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_answer_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sent_by_id', sa.Integer(), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('close_reason', sa.Enum('deadline', 'chair', name='closereason', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.ForeignKeyConstraint(['body_id'], ['bodies.id'], name=op.f('fk_polls_body_id_bodies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['closed_by_id'], ['users.id'], name=op.f('fk_polls_closed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_polls_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['sent_by_id'], ['users.id'], name=op.f('fk_polls_sent_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_polls'))
    )
    with op.batch_alter_table('polls', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_polls_body_id'), ['body_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_polls_deadline'), ['deadline'], unique=False)
        batch_op.create_index(batch_op.f('ix_polls_status'), ['status'], unique=False)

    op.create_table('poll_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('poll_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('page_count', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=300), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['poll_id'], ['polls.id'], name=op.f('fk_poll_documents_poll_id_polls'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_poll_documents_uploaded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_poll_documents'))
    )
    with op.batch_alter_table('poll_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_poll_documents_poll_id'), ['poll_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_poll_documents_sha256'), ['sha256'], unique=False)

    op.create_table('poll_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('poll_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('count_yes', sa.Integer(), nullable=True),
    sa.Column('count_no', sa.Integer(), nullable=True),
    sa.Column('count_abstain', sa.Integer(), nullable=True),
    sa.Column('count_no_reply', sa.Integer(), nullable=True),
    sa.Column('result', sa.String(length=16), nullable=True),
    sa.ForeignKeyConstraint(['poll_id'], ['polls.id'], name=op.f('fk_poll_questions_poll_id_polls'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_poll_questions'))
    )
    with op.batch_alter_table('poll_questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_poll_questions_poll_id'), ['poll_id'], unique=False)

    op.create_table('poll_recipients',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('poll_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('is_chair', sa.Boolean(), nullable=False),
    sa.Column('position', sa.String(length=100), nullable=True),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('reminder_sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['poll_id'], ['polls.id'], name=op.f('fk_poll_recipients_poll_id_polls'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_poll_recipients_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_poll_recipients')),
    sa.UniqueConstraint('poll_id', 'user_id', name=op.f('uq_poll_recipients_poll_id_user_id'))
    )
    with op.batch_alter_table('poll_recipients', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_poll_recipients_poll_id'), ['poll_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_poll_recipients_user_id'), ['user_id'], unique=False)

    op.create_table('poll_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('poll_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('choice', sa.Enum('yes', 'no', 'abstain', name='pollchoice', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['poll_id'], ['polls.id'], name=op.f('fk_poll_answers_poll_id_polls'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['poll_questions.id'], name=op.f('fk_poll_answers_question_id_poll_questions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_poll_answers_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_poll_answers')),
    sa.UniqueConstraint('question_id', 'user_id', name=op.f('uq_poll_answers_question_id_user_id'))
    )
    with op.batch_alter_table('poll_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_poll_answers_poll_id'), ['poll_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_poll_answers_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('poll_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_poll_answers_user_id'))
        batch_op.drop_index(batch_op.f('ix_poll_answers_poll_id'))

    op.drop_table('poll_answers')
    with op.batch_alter_table('poll_recipients', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_poll_recipients_user_id'))
        batch_op.drop_index(batch_op.f('ix_poll_recipients_poll_id'))

    op.drop_table('poll_recipients')
    with op.batch_alter_table('poll_questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_poll_questions_poll_id'))

    op.drop_table('poll_questions')
    with op.batch_alter_table('poll_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_poll_documents_sha256'))
        batch_op.drop_index(batch_op.f('ix_poll_documents_poll_id'))

    op.drop_table('poll_documents')
    with op.batch_alter_table('polls', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_polls_status'))
        batch_op.drop_index(batch_op.f('ix_polls_deadline'))
        batch_op.drop_index(batch_op.f('ix_polls_body_id'))

    op.drop_table('polls')
