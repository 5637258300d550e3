"""The background-job worker: `huey_consumer fundapp.worker.huey -k process -w 2` (or `make worker`).

It builds the app once, binds it so every job runs in its context, and switches the queue out of
immediate mode whatever HUEY_IMMEDIATE says (a worker exists to consume the queue). With `-k process`
each worker is a forked process, so bulk letters render on both cores; each one drops the database
connections it inherited and opens its own.
"""

import fundapp.assessment.jobs  # noqa: F401  (registers the periodic reminder)
import fundapp.awards.jobs  # noqa: F401  (bulk award letters)
import fundapp.reporting.jobs  # noqa: F401  (report reminders, exports)
from fundapp import create_app
from fundapp.core import jobs
from fundapp.extensions import db, huey

app = create_app()
huey.immediate = False
jobs.bind_worker_app(app)


@huey.on_startup()
def _own_connections() -> None:
    """A forked worker must never share a connection with its parent: start with an empty pool."""
    with app.app_context():
        db.engine.dispose(close=False)


__all__ = ["app", "huey"]
