"""A real dropped PostgreSQL connection: the app's backend is terminated (pg_terminate_backend, from a separate
connection) in the middle of a request, or while its connection waits in the pool between requests. The person gets
the friendly 503 page, not a stack trace; the next request works again (pool_pre_ping, and the pool discards a
connection that died); what was committed before is all there.

The suite's app shares one rolled-back connection per test (conftest's db_session), so these tests start a second
app on the same database with its own pool, whose connections carry an application_name to find them by. Its rows
are committed for real and deleted afterwards. The kill waits until the backend has gone (pg_terminate_backend's
timeout), so nothing races.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import psycopg
import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy import event

from fundapp.extensions import db
from fundapp.programmes.models import Fund, Round
from tests.factories import RoundFactory
from tests.helpers import page_title

DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
APPLICATION_NAME = "fundapp-dropped-connection-test"

pytestmark = pytest.mark.skipif(
    not DATABASE_URL.startswith("postgresql"),
    reason="needs PostgreSQL: SQLite has no server connection to drop (run with TEST_DATABASE_URL=postgresql://...)",
)


@dataclass
class World:
    app: Flask
    admin: psycopg.Connection[Any]  # a separate connection, outside the app's pool
    call_name: str

    def app_backends(self) -> set[int]:
        rows = self.admin.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = %s AND datname = current_database()",
            [APPLICATION_NAME],
        )
        return {row[0] for row in rows}

    def terminate(self, pid: int) -> None:
        """Terminate the backend and wait (up to 5 s) until it has really gone."""
        terminated = self.admin.execute("SELECT pg_terminate_backend(%s, 5000)", [pid]).fetchone()
        assert terminated == (True,)


@pytest.fixture()
def world(app: Flask) -> Iterator[World]:
    from config import TestConfig
    from fundapp import create_app
    from fundapp.core.transactions import forget_unaudited_changes

    config = TestConfig()
    config.SQLALCHEMY_ENGINE_OPTIONS = {  # type: ignore[misc]
        **config.SQLALCHEMY_ENGINE_OPTIONS,
        "connect_args": {"application_name": APPLICATION_NAME},
    }
    own = create_app(config)
    assert own.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"] is True
    with own.app_context():
        call = RoundFactory(open=True, name="The Dropped Connection Fund call")
        forget_unaudited_changes(db.session)  # set-up, not a unit of work
        db.session.commit()  # committed for real, before any request
        round_id, fund_id, name = call.id, call.fund_id, call.name
    admin_url = sa.make_url(DATABASE_URL).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin_url, autocommit=True) as admin:
        try:
            yield World(app=own, admin=admin, call_name=name)
        finally:
            with own.app_context():
                db.session.execute(sa.delete(Round).where(Round.id == round_id))
                db.session.execute(sa.delete(Fund).where(Fund.id == fund_id))
                db.session.commit()
                db.engine.dispose()


def _assert_friendly_503(response: Any) -> None:
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert page_title(response).startswith("Sorry, the service is unavailable – ")
    assert "Anything you saved before this page is safe." in page
    assert "Traceback" not in page and "OperationalError" not in page and "terminating connection" not in page


def test_a_connection_dropped_mid_request_shows_the_friendly_page_and_the_next_request_works(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    browser = world.app.test_client()
    killed: list[int] = []

    def drop_this_connection(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not killed and "FROM rounds" in statement:  # the page's own query, after the checkout's ping
            pid = conn.connection.dbapi_connection.info.backend_pid
            world.terminate(pid)
            killed.append(pid)

    with world.app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", drop_this_connection)
    try:
        with caplog.at_level(logging.ERROR):
            response = browser.get("/calls")
    finally:
        event.remove(engine, "before_cursor_execute", drop_this_connection)

    assert killed, "the page never queried rounds"
    _assert_friendly_503(response)
    assert any("Database error during GET /calls" in r.getMessage() for r in caplog.records)
    assert killed[0] not in world.app_backends()

    again = browser.get("/calls")  # a fresh connection: nothing needed restarting
    assert again.status_code == 200
    assert world.call_name in again.get_data(as_text=True)  # what was committed before is all there


def test_a_connection_dropped_while_idle_in_the_pool_is_replaced_before_the_next_request(world: World) -> None:
    browser = world.app.test_client()
    assert browser.get("/calls").status_code == 200
    idle = world.app_backends()
    assert idle  # the pool kept the connection for the next request
    for pid in idle:
        world.terminate(pid)  # e.g. the database restarted, or a firewall cut idle connections

    response = browser.get("/calls")

    assert response.status_code == 200  # pool_pre_ping found the dead connection and opened another
    assert world.call_name in response.get_data(as_text=True)
    assert world.app_backends().isdisjoint(idle)
