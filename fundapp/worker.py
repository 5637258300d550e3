"""The background-job worker: `huey_consumer fundapp.worker.huey` (or `make worker`).

It builds the app once, binds it so every job runs in its context, and switches the queue out of
immediate mode whatever HUEY_IMMEDIATE says (a worker exists to consume the queue).
"""

import fundapp.assessment.jobs  # noqa: F401  (registers the periodic reminder)
from fundapp import create_app
from fundapp.core import jobs
from fundapp.extensions import huey

app = create_app()
huey.immediate = False
jobs.bind_worker_app(app)

__all__ = ["app", "huey"]
