"""Live session: live state per meeting, floor requests, socket connections."""
from alembic import op
import sqlalchemy as sa

revision = 'ca041ccb1b1c'
down_revision = 'bb5b53388d7d'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('floor_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('granted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('withdrawn', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_floor_requests_meeting_id_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_floor_requests_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_floor_requests'))
    )
    with op.batch_alter_table('floor_requests', schema=None) as batch_op:
        batch_op.create_index('ix_floor_requests_meeting_open', ['meeting_id', 'ended_at'], unique=False)

    op.create_table('live_connections',
    sa.Column('sid', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('process_id', sa.String(length=100), nullable=False),
    sa.Column('is_display', sa.Boolean(), nullable=False),
    sa.Column('connected_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('joined_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('left_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_live_connections_meeting_id_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_live_connections_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('sid', name=op.f('pk_live_connections'))
    )
    with op.batch_alter_table('live_connections', schema=None) as batch_op:
        batch_op.create_index('ix_live_connections_meeting_user', ['meeting_id', 'user_id'], unique=False)
        batch_op.create_index('ix_live_connections_process_open', ['process_id', 'left_at'], unique=False)
        batch_op.create_index('ix_live_connections_user_open', ['user_id', 'left_at'], unique=False)

    op.create_table('live_states',
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('current_item_id', sa.Integer(), nullable=True),
    sa.Column('item_started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.Column('page', sa.Integer(), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('presenter_id', sa.Integer(), nullable=True),
    sa.Column('display_token_hash', sa.String(length=64), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['current_item_id'], ['agenda_items.id'], name=op.f('fk_live_states_current_item_id_agenda_items'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_live_states_meeting_id_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['presenter_id'], ['users.id'], name=op.f('fk_live_states_presenter_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('meeting_id', name=op.f('pk_live_states')),
    sa.UniqueConstraint('display_token_hash', name=op.f('uq_live_states_display_token_hash'))
    )
    sa.PrimaryKeyConstraint('meeting_id', name=op.f('pk_live_states')),
    sa.UniqueConstraint('display_token_hash', name=op.f('uq_live_states_display_token_hash'))


def downgrade():
    op.drop_table('live_states')
    with op.batch_alter_table('live_connections', schema=None) as batch_op:
        batch_op.drop_index('ix_live_connections_user_open')
        batch_op.drop_index('ix_live_connections_process_open')
        batch_op.drop_index('ix_live_connections_meeting_user')
    op.drop_table('live_connections')
    with op.batch_alter_table('floor_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_floor_requests_meeting_open')
    op.drop_table('floor_requests')
