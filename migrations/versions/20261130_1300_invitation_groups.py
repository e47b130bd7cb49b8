"""A body's saved invitation groups ("Lãnh đạo UBND", "Thủ trưởng các sở"), invited to a session in one action.

Revision ID: 5b7e2f1a9c3d
Revises: 6b600af5a01a
Create Date: 2026-11-30 13:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b7e2f1a9c3d'
down_revision = '6b600af5a01a'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('invitation_groups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('body_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_key', sa.String(length=400), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['body_id'], ['bodies.id'], name=op.f('fk_invitation_groups_body_id_bodies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitation_groups')),
    sa.UniqueConstraint('body_id', 'name_key', name=op.f('uq_invitation_groups_body_id_name_key'))
    )
    with op.batch_alter_table('invitation_groups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invitation_groups_body_id'), ['body_id'], unique=False)

    op.create_table('invitation_group_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['invitation_groups.id'], name=op.f('fk_invitation_group_members_group_id_invitation_groups'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_invitation_group_members_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitation_group_members')),
    sa.UniqueConstraint('group_id', 'user_id', name=op.f('uq_invitation_group_members_group_id_user_id'))
    )
    with op.batch_alter_table('invitation_group_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invitation_group_members_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_invitation_group_members_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('invitation_group_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invitation_group_members_user_id'))
        batch_op.drop_index(batch_op.f('ix_invitation_group_members_group_id'))
    op.drop_table('invitation_group_members')
    with op.batch_alter_table('invitation_groups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invitation_groups_body_id'))
    op.drop_table('invitation_groups')
