"""The real app for browser tests: gunicorn on a free loopback port, serving a fresh copy of the demo data.

The demo is built once per run (`flask db upgrade` then `flask demo load`, into an instance folder that holds the
SQLite database, the secret key, uploaded files and the mail folder). Each server gets its own copy of that folder,
so a journey that decides applications or pays grants never changes what another journey starts from.
"""

from __future__ import annotations

import email
import email.policy
import http.client
import os
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _environment(instance: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("FUNDAPP_", "DATABASE_", "TEST_"))}
    env.update(
        FLASK_APP="wsgi.py",
        FUNDAPP_CONFIG="development",
        FUNDAPP_INSTANCE_DIR=str(instance),
        DATABASE_URL=f"sqlite:///{instance / 'fundapp.db'}",
        MAIL_BACKEND="file",
        MAIL_FILE_DIR=str(instance / "mail"),
        UPLOAD_DIR=str(instance / "files"),
        HUEY_IMMEDIATE="1",
        HUEY_SQLITE_PATH=str(instance / "huey.db"),
        PYTHONUNBUFFERED="1",
    )
    env.pop("REDIS_URL", None)
    env.update(extra or {})
    return env


def build_demo_instance(instance: Path) -> Path:
    """Migrate a new SQLite database and load the demo fund into it; returns the folder."""
    instance.mkdir(parents=True, exist_ok=True)
    env = _environment(instance)
    for command in (["db", "upgrade"], ["demo", "load"]):
        result = subprocess.run(
            [str(BIN / "flask"), *command], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
        )
        if result.returncode != 0:
            raise RuntimeError(f"flask {' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")
    return instance


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    """One gunicorn serving one copy of the demo instance folder."""

    instance: Path
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    log_path: Path = field(init=False)
    # Settings for this server only (a module's SERVER_ENV, e.g. short session timeouts).
    env: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_template(cls, template: Path, instance: Path, env: dict[str, str] | None = None) -> LiveServer:
        shutil.copytree(template, instance)
        return cls(instance=instance, env=dict(env or {}))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def run_python(self, module: str, *args: str) -> str:
        """Run `python -m module args` against this instance (before the server starts); returns what it printed."""
        result = subprocess.run(
            [sys.executable, "-m", module, *args],
            cwd=ROOT,
            env=_environment(self.instance, self.env),
            capture_output=True,
            text=True,
            timeout=300,
        )
        if result.returncode != 0:
            raise RuntimeError(f"python -m {module} {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def start(self) -> LiveServer:
        self.log_path = self.instance / "server.log"
        for _attempt in range(3):  # another process may take the free port between choosing it and binding it
            self.port = _free_port()
            with self.log_path.open("ab") as log:
                self.process = subprocess.Popen(
                    [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{self.port}", "--workers", "1", "--threads", "4"]
                    + ["--timeout", "120", "--access-logfile", "-", "wsgi:app"],
                    cwd=ROOT,
                    env=_environment(self.instance, self.env),
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            if self._wait_until_healthy():
                return self
            self.stop()
        raise RuntimeError(f"the app did not start; see {self.log_path}:\n{self.log_path.read_text()[-3000:]}")

    def _wait_until_healthy(self, timeout: float = 30.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                return False
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
            try:
                connection.request("GET", "/healthcheck")
                if connection.getresponse().status == 200:
                    return True
            except OSError:
                time.sleep(0.2)
            finally:
                connection.close()
        return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def emails_to(self, address: str) -> list[EmailMessage]:
        """Every email the app has written to its mail folder for this address, oldest first."""
        folder = self.instance / "mail"
        messages = []
        for path in sorted(folder.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns) if folder.exists() else []:
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            assert isinstance(message, EmailMessage)
            if address.lower() in str(message["To"]).lower():
                messages.append(message)
        return messages
