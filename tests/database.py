"""Build the test schema with the real Alembic migrations (so every run tests them), and drop it after."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask


def build_schema(app: Flask) -> None:
    from flask_migrate import upgrade

    from fundapp.extensions import db

    drop_schema(app)
    upgrade(directory=app.extensions["migrate"].directory)
    db.session.remove()


def drop_schema(app: Flask) -> None:
    from fundapp.extensions import db

    db.session.remove()
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
        else:
            db.metadata.drop_all(conn)
            conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
