"""The project's promises outside any one app: settings, database durability, the console script."""

import os
import subprocess
import sys

import pytest
from django.db import connection


def run_python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"FENGQIAO_DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE"}}
    return subprocess.run(
        [sys.executable, "-c", code], env={**clean, **env}, capture_output=True, text=True, timeout=60, check=False
    )


def test_production_mode_refuses_the_development_secret_key() -> None:
    result = run_python("import fengqiao.settings")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_mode_starts_with_a_real_secret_key() -> None:
    result = run_python("import fengqiao.settings as s; print(s.DEBUG)", SECRET_KEY="a-real-secret-" + "x" * 40)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_the_console_script_runs_management_commands() -> None:
    result = run_python(
        "import sys; sys.argv = ['fengqiao', 'help']; from fengqiao.cli import main; main()", FENGQIAO_DEBUG="1"
    )
    assert result.returncode == 0, result.stderr
    assert "migrate" in result.stdout


@pytest.mark.django_db
def test_sqlite_commits_survive_a_power_cut() -> None:
    if connection.vendor != "sqlite":
        # On PostgreSQL durability is the server's (fsync, synchronous_commit): check it is not switched off.
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            assert cursor.fetchone()[0] != "off"
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA synchronous")
        assert cursor.fetchone()[0] == 2  # FULL


def test_commands_are_spelled_with_hyphens_on_the_command_line() -> None:
    result = run_python(
        "import sys; sys.argv = ['fengqiao', 'import-calls', '--help']; from fengqiao.cli import main; main()",
        FENGQIAO_DEBUG="1",
    )
    assert result.returncode == 0, result.stderr
    assert "--station" in result.stdout
