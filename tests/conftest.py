"""Personas and places shared by the whole suite.

- 王晓建 (`chief`): chief of 鹿城派出所.
- 赵民警 (`officer`): a community officer of 鹿城.
- 孙辅警 (`auxiliary`): an auxiliary officer of 鹿城.
- 刘强 (`other_chief`): chief of 泊镇派出所 — another station, must see nothing of 鹿城.
- 周律师 (`mediator`): a partner mediator registered with 鹿城.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings

from fengqiao.matters.domain.registration import PartyInput, Registration, register
from fengqiao.matters.models import Matter
from fengqiao.staff.models import Role, User
from fengqiao.stations.models import Community, CommunityGrid, PoliceGrid, Station

PASSWORD = "correct horse battery staple"


def pytest_sessionstart(session: pytest.Session) -> None:
    """Drop the test databases of earlier runs whose process is gone (PostgreSQL databases, SQLite files).

    A run that was killed, or whose teardown found a connection still open (a killed import's server process can
    outlive its client for a moment), leaves `test_fengqiao_<pid>` behind; each run names its own, so they would
    otherwise pile up on the CI machine.
    """
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        _drop_stale_sqlite_files(Path(settings.VAR_DIR))
        return
    import psycopg

    params = {"host": database["HOST"] or None, "port": database["PORT"] or None, "user": database["USER"] or None}
    params["password"] = database["PASSWORD"] or None
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        names = admin.execute("SELECT datname FROM pg_database WHERE datname ~ '^test_fengqiao_[0-9]+$'").fetchall()
        for (name,) in names:
            if not _process_alive(int(name.rsplit("_", 1)[1])):
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _drop_stale_sqlite_files(var_dir: Path) -> None:
    # Django deletes a test database's file but not its WAL companions (-wal, -shm).
    for path in var_dir.glob("test-*.sqlite3*"):
        pid = path.name.removeprefix("test-").split(".", 1)[0]
        if pid.isdigit() and not _process_alive(int(pid)):
            path.unlink(missing_ok=True)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@pytest.fixture(autouse=True)
def _media_root(tmp_path, settings):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def station(db) -> Station:  # type: ignore[no-untyped-def]
    return Station.objects.create(code="lucheng", name="鹿城派出所")


@pytest.fixture
def other_station(db) -> Station:  # type: ignore[no-untyped-def]
    return Station.objects.create(code="bozhen", name="泊镇派出所")


@pytest.fixture
def grid(station: Station) -> CommunityGrid:
    community = Community.objects.create(station=station, name="华丽社区")
    police_grid = PoliceGrid.objects.create(station=station, code="PG1", name="华丽警格")
    return CommunityGrid.objects.create(
        station=station, police_grid=police_grid, community=community, code="G1", name="华丽一网格"
    )


def make_user(username: str, station: Station | None, role: str, full_name: str) -> User:
    return User.objects.create_user(
        username=username, password=PASSWORD, station=station, role=role, full_name=full_name
    )


@pytest.fixture
def chief(station: Station) -> User:
    return make_user("wangxiaojian", station, Role.CHIEF, "王晓建")


@pytest.fixture
def officer(station: Station) -> User:
    return make_user("zhao", station, Role.OFFICER, "赵民警")


@pytest.fixture
def auxiliary(station: Station) -> User:
    return make_user("sun", station, Role.AUXILIARY, "孙辅警")


@pytest.fixture
def other_chief(other_station: Station) -> User:
    return make_user("liuqiang", other_station, Role.CHIEF, "刘强")


@pytest.fixture
def mediator(station: Station) -> User:
    return make_user("zhoulawyer", station, Role.MEDIATOR, "周律师")


def a_registration(**overrides: object) -> Registration:
    values: dict[str, object] = {
        "kind": "help",
        "channel": "walk_in",
        "category": "0604",
        "description": "老李反映家中没水没电",
        "address": "华丽社区3号楼2单元501室",
        "parties": [PartyInput(name="老李", phone="13812345678", id_number="")],
    }
    values.update(overrides)
    return Registration(**values)  # type: ignore[arg-type]


@pytest.fixture
def matter(station: Station, officer: User) -> Matter:
    return register(station, officer, a_registration())


@pytest.fixture
def make_matter(station: Station, officer: User):  # type: ignore[no-untyped-def]
    def _make(**overrides: object) -> Matter:
        return register(station, officer, a_registration(**overrides))

    return _make


assert settings.LANGUAGE_CODE == "zh-hans"
