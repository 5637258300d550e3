"""Test fixtures: one app and schema per run (built by the real migrations), one rolled-back transaction per test.

TEST_DATABASE_URL picks the database (default: a SQLite file in a temporary folder); .ci/run also runs the
whole suite against a throwaway PostgreSQL database.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask_sqlalchemy.session import Session

from tests.helpers import IsolatedClient, isolated_client
from tests.smtp import SMTPSink


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--e2e", action="store_true", help="also run the browser journeys in tests/e2e (make test-e2e)")


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """`make test` stays fast: the browser suite is collected only with --e2e (or when named on the command line)."""
    e2e = Path(__file__).parent / "e2e"
    if collection_path == e2e and not config.getoption("--e2e"):
        named = any(Path(arg.split("::")[0]).resolve().is_relative_to(e2e) for arg in config.args)
        return not named
    return None


_TMP = tempfile.TemporaryDirectory(prefix="fundapp-tests-")
os.environ.setdefault("TEST_DATABASE_URL", f"sqlite:///{Path(_TMP.name) / 'test.db'}")
os.environ.setdefault("FUNDAPP_INSTANCE_DIR", _TMP.name)


@pytest.fixture(scope="session")
def smtp_sink() -> Iterator[SMTPSink]:
    """A real SMTP server on loopback that keeps every message it receives."""
    sink = SMTPSink()
    sink.start()
    yield sink
    sink.stop()


@pytest.fixture(scope="session")
def app(smtp_sink: SMTPSink) -> Iterator[Flask]:
    from config import TestConfig
    from fundapp import create_app
    from tests.database import build_schema, drop_schema

    config = TestConfig()
    config.MAIL_PORT = smtp_sink.port  # type: ignore[misc]
    config.MAIL_FILE_DIR = str(Path(_TMP.name) / "mail")  # type: ignore[misc]
    config.UPLOAD_DIR = str(Path(_TMP.name) / "files")  # type: ignore[misc]
    application = create_app(config)
    with application.app_context():
        build_schema(application)
    yield application
    from fundapp.extensions import db

    with application.app_context():
        drop_schema(application)
        db.engine.dispose()


class _ConnectionBoundSession(Session):
    """Honours the connection it was given. Flask-SQLAlchemy 3's Session.get_bind ignores a session-level
    bind (pallets-eco/flask-sqlalchemy#1167) and would go to the engine, making every commit in a test real."""

    def get_bind(self, mapper: Any = None, clause: Any = None, bind: Any = None, **kwargs: Any) -> Any:
        return bind or self.bind or super().get_bind(mapper=mapper, clause=clause, **kwargs)


@pytest.fixture()
def db_session(app: Flask) -> Iterator[Any]:
    """Each test runs in a transaction that is rolled back; commits inside it (views, jobs) become savepoints."""
    with rolled_back_session(app) as session:
        yield session


@contextmanager
def rolled_back_session(app: Flask) -> Iterator[Any]:
    """An app context whose database session, and every request's, works inside one transaction rolled back at the
    end (db_session's, and a module's shared world in tests/integration/security)."""
    from fundapp.extensions import db

    with app.app_context():
        connection = db.engine.connect()
        transaction = connection.begin()
        original = db.session
        db.session = db._make_scoped_session(  # type: ignore[method-assign]
            {"class_": _ConnectionBoundSession, "bind": connection, "join_transaction_mode": "create_savepoint"}
        )
        try:
            yield db.session
        finally:
            db.session.remove()
            db.session = original  # type: ignore[method-assign]
            if transaction.is_active:
                transaction.rollback()
            connection.close()


@pytest.fixture()
def client(app: Flask, db_session: Any) -> IsolatedClient:
    """A browser: each request runs in its own app context and database session, as in production."""
    return isolated_client(app)


@pytest.fixture()
def mail(smtp_sink: SMTPSink) -> SMTPSink:
    """The SMTP sink, emptied for this test."""
    smtp_sink.clear()
    return smtp_sink


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    """Every test starts with no attempts counted: the suite signs in from 127.0.0.1 all day long."""
    from fundapp.extensions import limiter

    if getattr(limiter, "initialized", False) and limiter.enabled:
        limiter.reset()
