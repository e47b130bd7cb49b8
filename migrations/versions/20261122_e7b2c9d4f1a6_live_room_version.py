"""Live session: room_version on the live state (the part of the join snapshot every tablet shares
is built once per version per process instead of once per join)."""
from alembic import op
import sqlalchemy as sa

revision = 'e7b2c9d4f1a6'
down_revision = 'd5e1f0a2b3c4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('live_states', schema=None) as batch_op:
        batch_op.add_column(sa.Column('room_version', sa.BigInteger(), nullable=False, server_default='0'))


def downgrade():
    with op.batch_alter_table('live_states', schema=None) as batch_op:
        batch_op.drop_column('room_version')
