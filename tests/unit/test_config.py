"""Configuration comes from the environment; production refuses to start without its secrets."""

from __future__ import annotations

import pytest

import config


def test_production_refuses_to_start_without_a_secret_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgresql://db.example/fundapp")
    with pytest.raises(RuntimeError, match="SECRET_KEY must be set"):
        config.ProductionConfig()


def test_production_refuses_a_short_secret_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECRET_KEY", "too-short")
    monkeypatch.setenv("DATABASE_URL", "postgresql://db.example/fundapp")
    with pytest.raises(RuntimeError, match="at least 32"):
        config.ProductionConfig()


def test_production_requires_a_database_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(RuntimeError, match="DATABASE_URL"):
        config.ProductionConfig()


def test_production_uses_the_secret_key_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    monkeypatch.setenv("DATABASE_URL", "postgresql://db.example/fundapp")
    production = config.ProductionConfig()
    assert production.SECRET_KEY == "s" * 40
    assert production.SESSION_COOKIE_SECURE is True


def test_local_secret_key_is_generated_once_and_kept(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(config, "INSTANCE_DIR", tmp_path)
    monkeypatch.setattr(config.Config, "SECRET_KEY", "")
    first = config.Config().SECRET_KEY
    second = config.Config().SECRET_KEY
    assert first == second and len(first) == 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_database_urls_get_the_psycopg_driver(monkeypatch: pytest.MonkeyPatch, given: str, expected: str) -> None:
    monkeypatch.setenv("DATABASE_URL", given)
    assert config._database_url("sqlite://") == expected


def test_unknown_config_name_is_a_clear_error() -> None:
    with pytest.raises(RuntimeError, match="Unknown FUNDAPP_CONFIG"):
        config.load_config("staging")
