"""Helpers for the import tests: the fixture files, and the command run the way an operator runs it."""

import io
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation

from tests.matters.conftest import reference_data  # noqa: F401  (reloads code tables after a transactional test)

DATA = Path(__file__).resolve().parent.parent / "data" / "imports"
RunImport = Callable[..., str]


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages and report headings are asserted in English, the source language."""
    with translation.override("en"):
        yield


@pytest.fixture
def ledger(tmp_path: Path) -> Callable[[str], Path]:
    """A copy of a fixture file in a scratch directory, so that the report written next to it goes there."""

    def _copy(name: str) -> Path:
        return Path(shutil.copy(DATA / name, tmp_path / name))

    return _copy


@pytest.fixture
def run_import(station) -> RunImport:  # type: ignore[no-untyped-def]
    """`fengqiao import_calls FILE --station lucheng …`; returns what it printed."""

    def _run(path: Path, *args: str) -> str:
        out = io.StringIO()
        call_command("import_calls", str(path), "--station", station.code, *args, stdout=out, stderr=io.StringIO())
        return out.getvalue()

    return _run
