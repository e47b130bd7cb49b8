"""Live session: participants_version on the live state (the tablets' participant directory is
fetched once per version instead of riding in every join snapshot)."""
from alembic import op
import sqlalchemy as sa

revision = 'd5e1f0a2b3c4'
down_revision = 'af72012bbf67'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('live_states', schema=None) as batch_op:
        batch_op.add_column(sa.Column('participants_version', sa.BigInteger(), nullable=False,
                                      server_default='0'))


def downgrade():
    with op.batch_alter_table('live_states', schema=None) as batch_op:
        batch_op.drop_column('participants_version')
