"""The signatures given to the final minutes: each signed copy of the PDF, in signing order.

Revision ID: 7e4b9d2c1a60
Revises: 5a9e2c71d4b8
Create Date: 2026-11-30 14:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7e4b9d2c1a60'
down_revision = '5a9e2c71d4b8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('minutes_signatures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('minutes_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('signer_id', sa.Integer(), nullable=True),
    sa.Column('signed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('pdf', sa.LargeBinary(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['minutes_id'], ['minutes.id'], name=op.f('fk_minutes_signatures_minutes_id_minutes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['signer_id'], ['users.id'], name=op.f('fk_minutes_signatures_signer_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_minutes_signatures')),
    sa.UniqueConstraint('minutes_id', 'step', name=op.f('uq_minutes_signatures_minutes_id_step')),
    sa.UniqueConstraint('minutes_id', 'role', name=op.f('uq_minutes_signatures_minutes_id_role'))
    )
    with op.batch_alter_table('minutes_signatures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_minutes_signatures_minutes_id'), ['minutes_id'], unique=False)


def downgrade():
    with op.batch_alter_table('minutes_signatures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_minutes_signatures_minutes_id'))
    op.drop_table('minutes_signatures')
