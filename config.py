"""Configuration from environment variables, with safe defaults for a developer's machine.

Config is the local default; TestConfig is what the test suite uses; ProductionConfig refuses to
start without the secrets a real deployment must set.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("FUNDAPP_INSTANCE_DIR", BASE_DIR / "instance"))


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _local_secret_key() -> str:
    """Generate a secret key once and keep it under instance/ so sessions survive restarts locally."""
    path = INSTANCE_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key


def _database_url(default: str) -> str:
    url = os.environ.get("DATABASE_URL", default)
    # Heroku-style URLs say postgres://; SQLAlchemy wants an explicit driver.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


class Config:
    """Local development: SQLite under instance/, emails written to instance/mail and the terminal."""

    ENV_NAME = "development"
    SECRET_KEY = os.environ.get("SECRET_KEY") or ""
    SQLALCHEMY_DATABASE_URI = _database_url(f"sqlite:///{INSTANCE_DIR / 'fundapp.db'}")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    REDIS_URL = os.environ.get("REDIS_URL") or None

    # Service identity shown in the header, emails and letters.
    SERVICE_NAME = os.environ.get("SERVICE_NAME", "Shared Endeavour Fund")
    SERVICE_URL = os.environ.get("SERVICE_URL", "http://127.0.0.1:5000")
    SUPPORT_EMAIL = os.environ.get("SUPPORT_EMAIL", "grants@example.org")

    # Funder identity for award letters and 360Giving (prefix registered with 360Giving).
    FUNDER_NAME = os.environ.get("FUNDER_NAME", "Mayor of London")
    FUNDER_ORG_ID = os.environ.get("FUNDER_ORG_ID", "GB-GOR-PC390")
    GRANT_ID_PREFIX = os.environ.get("GRANT_ID_PREFIX", "360G-example")
    # The letterhead of award letters: the funder's postal address, lines separated by commas.
    FUNDER_ADDRESS = os.environ.get("FUNDER_ADDRESS", "City Hall, Kamal Chunchie Way, London, E16 1ZE")

    # Email: "smtp" sends through an SMTP server; "file" writes .eml files and prints to the terminal.
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "file")
    MAIL_FILE_DIR = os.environ.get("MAIL_FILE_DIR", str(INSTANCE_DIR / "mail"))
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS", False)
    MAIL_USE_SSL = _env_bool("MAIL_USE_SSL", False)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_TIMEOUT = float(os.environ.get("MAIL_TIMEOUT", "10"))
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", f"{SERVICE_NAME} <no-reply@example.org>")
    MAIL_MAX_ATTEMPTS = int(os.environ.get("MAIL_MAX_ATTEMPTS", "6"))

    # Background jobs: huey on SQLite by default, Redis when REDIS_URL is set.
    # Locally jobs run inline unless HUEY_IMMEDIATE=0 and a consumer is running (`make worker`).
    HUEY_IMMEDIATE = _env_bool("HUEY_IMMEDIATE", True)
    HUEY_SQLITE_PATH = os.environ.get("HUEY_SQLITE_PATH", str(INSTANCE_DIR / "huey.db"))

    # Security.
    SESSION_COOKIE_NAME = "fundapp_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
    # A session ends after this long without activity, and this long after signing in whatever happens (ASVS
    # 7.3.1 and 7.3.2); the page warns this long before the idle end and offers "Stay signed in".
    SESSION_IDLE_TIMEOUT_SECONDS = int(os.environ.get("SESSION_IDLE_TIMEOUT_SECONDS", str(30 * 60)))
    SESSION_ABSOLUTE_TIMEOUT_SECONDS = int(os.environ.get("SESSION_ABSOLUTE_TIMEOUT_SECONDS", str(12 * 3600)))
    SESSION_TIMEOUT_WARNING_SECONDS = int(os.environ.get("SESSION_TIMEOUT_WARNING_SECONDS", str(2 * 60)))
    # The cookie itself lasts no longer than the absolute timeout.
    PERMANENT_SESSION_LIFETIME = SESSION_ABSOLUTE_TIMEOUT_SECONDS
    FORCE_HTTPS = _env_bool("FORCE_HTTPS", False)
    # A CSRF token lasts as long as the session, so a slow applicant never loses a page to it.
    WTF_CSRF_TIME_LIMIT = None
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", str(30 * 1024 * 1024)))
    MAX_FORM_MEMORY_SIZE = 1024 * 1024
    # Uploaded files and issued documents: outside the web root, never served as static files.
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR", str(INSTANCE_DIR / "files"))
    # ClamAV's daemon scans every upload when set: "tcp://127.0.0.1:3310" or "unix:///run/clamav/clamd.ctl".
    # Unset: no virus scanning. Set but unreachable: uploads are refused (fails closed).
    CLAMAV_URL = os.environ.get("CLAMAV_URL") or None
    CLAMAV_TIMEOUT_SECONDS = float(os.environ.get("CLAMAV_TIMEOUT_SECONDS", "10"))
    PASSWORD_RESET_TTL_SECONDS = int(os.environ.get("PASSWORD_RESET_TTL_SECONDS", "3600"))
    INVITATION_TTL_SECONDS = int(os.environ.get("INVITATION_TTL_SECONDS", str(14 * 24 * 3600)))
    # Personal data is kept this many years after an organisation's last award ended (or its last decision or
    # activity); after that an admin can remove it (reporting.anonymisation). Award figures are kept for good.
    PERSONAL_DATA_RETENTION_YEARS = int(os.environ.get("PERSONAL_DATA_RETENTION_YEARS", "7"))
    PROXY_FIX_HOPS = int(os.environ.get("PROXY_FIX_HOPS", "0"))

    # Rate limits (fundapp.core.limits; docs/operations.md "Rate limits"). Counted in Redis when REDIS_URL is set,
    # otherwise in each process's memory (fine for one process; several workers need Redis to share the counts).
    RATELIMIT_ENABLED = _env_bool("RATELIMIT_ENABLED", True)
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI") or REDIS_URL or "memory://"
    RATELIMIT_STRATEGY = os.environ.get("RATELIMIT_STRATEGY", "moving-window")
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "fundapp")
    # If Redis cannot be reached, count in memory until it can, rather than refuse every sign-in.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    # Each value is one or more limits, "20 per minute; 100 per hour". Per IP unless the name says otherwise.
    RATELIMIT_SIGN_IN = os.environ.get("RATELIMIT_SIGN_IN", "20 per minute; 100 per hour")
    RATELIMIT_SIGN_IN_PER_ACCOUNT = os.environ.get("RATELIMIT_SIGN_IN_PER_ACCOUNT", "10 per 15 minutes")
    RATELIMIT_TWO_FACTOR = os.environ.get("RATELIMIT_TWO_FACTOR", "20 per minute; 100 per hour")
    RATELIMIT_TWO_FACTOR_PER_ACCOUNT = os.environ.get("RATELIMIT_TWO_FACTOR_PER_ACCOUNT", "10 per 15 minutes")
    # Re-entering the password to change it or the email address: per person, so a stolen session cannot be used to
    # guess the password.
    RATELIMIT_REAUTHENTICATION_PER_ACCOUNT = os.environ.get(
        "RATELIMIT_REAUTHENTICATION_PER_ACCOUNT", "10 per 15 minutes"
    )
    RATELIMIT_PASSWORD_RESET_REQUEST = os.environ.get("RATELIMIT_PASSWORD_RESET_REQUEST", "10 per minute; 50 per hour")
    RATELIMIT_PASSWORD_RESET_REQUEST_PER_ACCOUNT = os.environ.get(
        "RATELIMIT_PASSWORD_RESET_REQUEST_PER_ACCOUNT", "5 per hour"
    )
    RATELIMIT_PASSWORD_RESET = os.environ.get("RATELIMIT_PASSWORD_RESET", "10 per minute; 50 per hour")
    RATELIMIT_INVITATION = os.environ.get("RATELIMIT_INVITATION", "10 per minute; 50 per hour")
    RATELIMIT_REGISTER = os.environ.get("RATELIMIT_REGISTER", "10 per minute; 50 per hour")
    RATELIMIT_VERIFY = os.environ.get("RATELIMIT_VERIFY", "30 per minute; 300 per hour")
    RATELIMIT_EXPORT_PER_USER = os.environ.get("RATELIMIT_EXPORT_PER_USER", "10 per minute; 60 per hour")
    RATELIMIT_LETTER_BATCH_PER_USER = os.environ.get("RATELIMIT_LETTER_BATCH_PER_USER", "5 per minute; 30 per hour")

    def __init__(self) -> None:
        if not self.SECRET_KEY:
            self.SECRET_KEY = _local_secret_key()


class TestConfig(Config):
    """The test suite: a database chosen by TEST_DATABASE_URL, jobs inline, mail over SMTP to loopback."""

    ENV_NAME = "test"
    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105 (tests only)
    SQLALCHEMY_DATABASE_URI = _database_url(os.environ.get("TEST_DATABASE_URL", "sqlite://"))
    HUEY_IMMEDIATE = True
    MAIL_BACKEND = "smtp"
    MAIL_SERVER = "127.0.0.1"
    MAIL_PORT = 0  # set by the SMTP fixture
    SERVICE_URL = "http://localhost"
    GRANT_ID_PREFIX = "360G-test"
    # Counted in this process, whatever REDIS_URL says; tests/conftest.py empties the counts before each test.
    RATELIMIT_STORAGE_URI = "memory://"

    def __init__(self) -> None:
        # Read when the app is built, not when this module is imported: the test suite sets TEST_DATABASE_URL (a
        # SQLite file by default, so separate connections really are separate) after importing the app.
        self.SQLALCHEMY_DATABASE_URI = _database_url(os.environ.get("TEST_DATABASE_URL", "sqlite://"))


class ProductionConfig(Config):
    """A real deployment: secrets must come from the environment, cookies only over HTTPS."""

    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-fundapp_session"
    FORCE_HTTPS = _env_bool("FORCE_HTTPS", True)
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "smtp")
    HUEY_IMMEDIATE = _env_bool("HUEY_IMMEDIATE", False)

    def __init__(self) -> None:
        if not os.environ.get("SECRET_KEY"):
            raise RuntimeError("SECRET_KEY must be set in the environment for production.")
        if len(os.environ["SECRET_KEY"]) < 32:
            raise RuntimeError("SECRET_KEY must be at least 32 characters long.")
        if "DATABASE_URL" not in os.environ:
            raise RuntimeError("DATABASE_URL must be set in the environment for production.")
        self.SECRET_KEY = os.environ["SECRET_KEY"]


CONFIGS: dict[str, type[Config]] = {
    "development": Config,
    "test": TestConfig,
    "production": ProductionConfig,
}


def load_config(name: str | None = None) -> Config:
    """Instantiate the configuration named by FUNDAPP_CONFIG (default: development)."""
    name = name or os.environ.get("FUNDAPP_CONFIG", "development")
    try:
        return CONFIGS[name]()
    except KeyError:
        raise RuntimeError(f"Unknown FUNDAPP_CONFIG {name!r}; use one of {', '.join(CONFIGS)}") from None
