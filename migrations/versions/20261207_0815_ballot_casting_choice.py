"""A tied secret ballot whose body lets the chair decide: the deciding choice the chair gave when
closing it (the chair's own vote cannot be read from a secret ballot).

Revision ID: 3c8f1e6a9d42
Revises: 7e4b9d2c1a60
Create Date: 2026-12-07 08:15:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3c8f1e6a9d42'
down_revision = '7e4b9d2c1a60'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('ballots', schema=None) as batch_op:
        batch_op.add_column(sa.Column('casting_choice', sa.Enum('yes', 'no', 'abstain', name='casting_choice', native_enum=False, create_constraint=True, length=32), nullable=True))


def downgrade():
    with op.batch_alter_table('ballots', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_ballots_casting_choice'), type_='check')
        batch_op.drop_column('casting_choice')
