"""The signing order of the minutes, set per session: who signs besides the secretary and the chair,
and in which order; and the version that makes changing it and signing exclusive.

Revision ID: 3c8f1a6d2e94
Revises: 3c8f1e6a9d42
Create Date: 2026-12-07 08:15:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3c8f1a6d2e94'
down_revision = '3c8f1e6a9d42'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('minutes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signers_version', sa.Integer(), server_default='0', nullable=False))
    op.create_table('minutes_signers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('minutes_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('field', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=True),
    sa.Column('set_by_id', sa.Integer(), nullable=True),
    sa.Column('set_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['minutes_id'], ['minutes.id'], name=op.f('fk_minutes_signers_minutes_id_minutes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_minutes_signers_user_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['set_by_id'], ['users.id'], name=op.f('fk_minutes_signers_set_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_minutes_signers')),
    sa.UniqueConstraint('minutes_id', 'position', name=op.f('uq_minutes_signers_minutes_id_position')),
    sa.UniqueConstraint('minutes_id', 'field', name=op.f('uq_minutes_signers_minutes_id_field'))
    )
    with op.batch_alter_table('minutes_signers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_minutes_signers_minutes_id'), ['minutes_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_minutes_signers_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('minutes_signers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_minutes_signers_user_id'))
        batch_op.drop_index(batch_op.f('ix_minutes_signers_minutes_id'))
    op.drop_table('minutes_signers')
    with op.batch_alter_table('minutes', schema=None) as batch_op:
        batch_op.drop_column('signers_version')
