"""Bodies (provincial and commune People's Committees), their rosters and working rules, the
working-day calendar's exceptions; every session belongs to a body; the session format; the rules a
live session froze. The users' global "secretariat" flag becomes a place on a body's roster.

Existing data moves into one body: every session belongs to it and every user who had the flag
becomes its secretariat, so a deployment with one body works as before.

Revision ID: c08bd3403967
Revises: 0f3a1c2d5e6b
Create Date: 2026-11-30 10:19:12.647076

"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c08bd3403967'
down_revision = '0f3a1c2d5e6b'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('bodies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('parent_name', sa.String(length=200), nullable=True),
    sa.Column('kind', sa.Enum('provincial', 'commune', 'other', name='bodykind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('short_name', sa.String(length=50), nullable=True),
    sa.Column('place_name', sa.String(length=100), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('quorum_numerator', sa.Integer(), nullable=False),
    sa.Column('quorum_denominator', sa.Integer(), nullable=False),
    sa.Column('decision_rule', sa.Enum('majority_of_members', 'majority_of_present', 'two_thirds_of_members', name='decisionrule', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('tie', sa.Enum('fails', 'chair_decides', name='tierule', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('stand_ins_count', sa.Boolean(), nullable=False),
    sa.Column('poll_days', sa.Integer(), nullable=False),
    sa.Column('poll_silence_counts_as', sa.Enum('none', 'yes', name='silencerule', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('lead_days_regular', sa.Integer(), nullable=False),
    sa.Column('lead_days_special', sa.Integer(), nullable=False),
    sa.Column('legal_basis', sa.Text(), nullable=True),
    sa.Column('rules_updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bodies')),
    sa.UniqueConstraint('name', name=op.f('uq_bodies_name'))
    )
    op.create_table('calendar_days',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('working', sa.Boolean(), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=True),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_calendar_days'))
    )
    op.create_table('body_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('body_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('chair', 'member', 'secretariat', name='rosterrole', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('position', sa.String(length=100), nullable=True),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['body_id'], ['bodies.id'], name=op.f('fk_body_members_body_id_bodies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_body_members_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_body_members')),
    sa.UniqueConstraint('body_id', 'user_id', name=op.f('uq_body_members_body_id_user_id'))
    )
    with op.batch_alter_table('body_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_body_members_body_id'), ['body_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_body_members_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('body_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('format', sa.Enum('in_person', 'online', 'hybrid', name='meetingformat', native_enum=False, create_constraint=True, length=32), nullable=False, server_default='in_person'))
        batch_op.add_column(sa.Column('rules', sa.JSON(), nullable=True))

    _move_existing_data_into_one_body()

    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.alter_column('body_id', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('format', server_default=None)
        batch_op.create_index(batch_op.f('ix_meetings_body_id'), ['body_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_meetings_body_id_bodies'), 'bodies', ['body_id'], ['id'])

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('is_secretariat')


def _move_existing_data_into_one_body():
    conn = op.get_bind()
    if not conn.execute(sa.text("SELECT 1 FROM users UNION SELECT 1 FROM meetings LIMIT 1")).first():
        return  # a new installation: the first body is created on first use
    now = datetime.now(timezone.utc)
    conn.execute(sa.text(
        "INSERT INTO bodies (name, kind, created_at, quorum_numerator, quorum_denominator, decision_rule, tie,"
        " stand_ins_count, poll_days, poll_silence_counts_as, lead_days_regular, lead_days_special)"
        " VALUES (:name, 'provincial', :now, 2, 3, 'majority_of_members', 'fails', :false, 5, 'none', 3, 1)"),
        {"name": "Ủy ban nhân dân tỉnh", "now": now, "false": False})
    body_id = conn.execute(sa.text("SELECT min(id) FROM bodies")).scalar()
    conn.execute(sa.text("UPDATE meetings SET body_id = :body"), {"body": body_id})
    conn.execute(sa.text(
        "INSERT INTO body_members (body_id, user_id, role, rank, created_at)"
        " SELECT :body, id, 'secretariat', 1000, :now FROM users WHERE is_secretariat = :true"),
        {"body": body_id, "now": now, "true": True})



def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_secretariat', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.execute("UPDATE users SET is_secretariat = true WHERE id IN"
               " (SELECT user_id FROM body_members WHERE role = 'secretariat')")

    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_meetings_body_id_bodies'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_meetings_body_id'))
        batch_op.drop_constraint(batch_op.f('ck_meetings_meetingformat'), type_='check')
        batch_op.drop_column('rules')
        batch_op.drop_column('format')
        batch_op.drop_column('body_id')

    with op.batch_alter_table('body_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_body_members_user_id'))
        batch_op.drop_index(batch_op.f('ix_body_members_body_id'))

    op.drop_table('body_members')
    op.drop_table('calendar_days')
    op.drop_table('bodies')
