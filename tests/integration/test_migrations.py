"""The Alembic history builds the whole schema from empty, matches the models, and downgrades cleanly."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.config import Config as AlembicConfig
from alembic.script import ScriptDirectory
from flask import Flask
from flask_migrate import check


def test_models_and_migrations_do_not_drift(app: Flask) -> None:
    # The session fixture built this database with `upgrade`; `flask db check` must find nothing to add.
    with app.app_context():
        check(directory=app.extensions["migrate"].directory)


def test_migration_history_is_linear(app: Flask) -> None:
    config = AlembicConfig()
    config.set_main_option("script_location", app.extensions["migrate"].directory)
    heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1


def test_upgrade_and_downgrade_on_an_empty_sqlite_file(tmp_path, app: Flask) -> None:  # type: ignore[no-untyped-def]
    from config import TestConfig
    from fundapp import create_app

    config = TestConfig()
    config.SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'empty.db'}"  # type: ignore[misc]
    fresh = create_app(config)
    directory = fresh.extensions["migrate"].directory
    with fresh.app_context():
        from flask_migrate import downgrade, upgrade

        from fundapp.extensions import db

        upgrade(directory=directory)
        tables = set(sa.inspect(db.engine).get_table_names())
        assert {"users", "organisations", "rounds", "questions", "audit_events", "outbox_messages"} <= tables
        check(directory=directory)
        downgrade(directory=directory, revision="base")
        assert set(sa.inspect(db.engine).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()
