"""Joins the documents and live-session branches (they were written in parallel).

Revision ID: af72012bbf67
Revises: 73731dc7f2b7, ca041ccb1b1c
Create Date: 2026-11-22 02:00:39.858249

"""
# revision identifiers, used by Alembic.
revision = 'af72012bbf67'
down_revision = ('73731dc7f2b7', 'ca041ccb1b1c')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
