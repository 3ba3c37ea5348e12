"""Configuration: production refuses unsafe settings, and `check --deploy` is clean there."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOOD_SECRET = "x" * 20 + "-production-secret-for-tests-only-" + "y" * 20


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DEBUG"))}
    clean.pop("SECRET_KEY", None)
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_the_development_secret_key():
    result = manage("check", DJANGO_ENV="production", ALLOWED_HOSTS="foi.example.org")
    assert result.returncode != 0
    assert "Production needs its own SECRET_KEY" in result.stderr


def test_production_refuses_debug_on():
    result = manage(
        "check",
        DJANGO_ENV="production",
        SECRET_KEY=GOOD_SECRET,
        DEBUG="True",
        ALLOWED_HOSTS="foi.example.org",
    )
    assert result.returncode != 0
    assert "refuses to start with DEBUG on" in result.stderr


def test_check_deploy_is_clean_in_production_mode():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_ENV="production",
        SECRET_KEY=GOOD_SECRET,
        ALLOWED_HOSTS="foi.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_a_malformed_boolean_is_an_error_not_a_guess():
    result = manage("check", DEBUG="yes")
    assert result.returncode != 0
    assert "DEBUG must be True or False" in result.stderr


@pytest.mark.parametrize(
    ("url", "engine"),
    [
        ("sqlite:////tmp/foia-test.sqlite3", "django.db.backends.sqlite3"),
        ("postgres://postgres@127.0.0.1:5432/foia", "django.db.backends.postgresql"),
    ],
)
def test_database_url_selects_the_engine(url, engine):
    code = "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"
    result = manage("shell", "-c", code, DATABASE_URL=url)
    assert result.stdout.strip().endswith(engine), result.stderr


def test_with_nothing_configured_the_database_is_sqlite_under_var():
    code = "from django.conf import settings; print(settings.DATABASES['default']['NAME'])"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.strip().endswith("var/foia.sqlite3"), result.stderr


def test_production_without_redis_uses_the_shared_database_cache():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])",
        DJANGO_ENV="production",
        SECRET_KEY=GOOD_SECRET,
        ALLOWED_HOSTS="foi.example.org",
        REDIS_URL="",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "django.core.cache.backends.db.DatabaseCache"


def test_every_authentication_path_goes_through_axes():
    from django.conf import settings

    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"
