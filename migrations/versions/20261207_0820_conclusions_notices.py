"""Conclusions notices (thông báo kết luận): the notice, its numbered conclusions, its recipients.

Revision ID: 3c8f1a2e9d47
Revises: 3c8f1a6d2e94
Create Date: 2026-12-07 08:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3c8f1a2e9d47'
down_revision = '3c8f1a6d2e94'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('conclusions_notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'issued', name='noticestatus', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('summary', sa.String(length=500), nullable=False),
    sa.Column('opening', sa.Text(), nullable=False),
    sa.Column('closing', sa.Text(), nullable=False),
    sa.Column('recipients', sa.JSON(), nullable=False),
    sa.Column('authority_line', sa.String(length=200), nullable=False),
    sa.Column('signer_position', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.Column('pdf', sa.LargeBinary(), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_conclusions_notices_meeting_id_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_conclusions_notices_updated_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['issued_by_id'], ['users.id'], name=op.f('fk_conclusions_notices_issued_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conclusions_notices')),
    sa.UniqueConstraint('meeting_id', name=op.f('uq_conclusions_notices_meeting_id'))
    )
    op.create_table('notice_conclusions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('notice_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('agenda_item_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['notice_id'], ['conclusions_notices.id'], name=op.f('fk_notice_conclusions_notice_id_conclusions_notices'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['agenda_item_id'], ['agenda_items.id'], name=op.f('fk_notice_conclusions_agenda_item_id_agenda_items'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice_conclusions')),
    sa.UniqueConstraint('notice_id', 'number', name=op.f('uq_notice_conclusions_notice_id_number'))
    )
    with op.batch_alter_table('notice_conclusions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notice_conclusions_notice_id'), ['notice_id'], unique=False)
    op.create_table('notice_recipients',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('notice_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('emailed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['notice_id'], ['conclusions_notices.id'], name=op.f('fk_notice_recipients_notice_id_conclusions_notices'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notice_recipients_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice_recipients')),
    sa.UniqueConstraint('notice_id', 'user_id', name=op.f('uq_notice_recipients_notice_id_user_id'))
    )
    with op.batch_alter_table('notice_recipients', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notice_recipients_notice_id'), ['notice_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notice_recipients_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('notice_recipients', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notice_recipients_user_id'))
        batch_op.drop_index(batch_op.f('ix_notice_recipients_notice_id'))
    op.drop_table('notice_recipients')
    with op.batch_alter_table('notice_conclusions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notice_conclusions_notice_id'))
    op.drop_table('notice_conclusions')
    op.drop_table('conclusions_notices')
