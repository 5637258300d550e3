"""WSGI entry point: `gunicorn wsgi:app`."""

from fundapp import create_app

app = create_app()
