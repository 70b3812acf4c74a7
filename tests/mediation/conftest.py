"""A neighbours' dispute at 鹿城, as in story 6: 刘某 downstairs, 张某 upstairs, and the people who mediate it.

- 周律师 (`mediator`, from tests/conftest.py): a partner mediator (lawyer) — on the case.
- 陈法官 (`judge`): a partner mediator from the court — on the case.
- 吴主任 (`outsider`): a partner mediator of the same station who is NOT on the case.
"""

import datetime as dt

import pytest
from django.utils import timezone

from fengqiao.analysis.mediation_proposals import propose
from fengqiao.analysis.models import MediationProposal, RepeatGroup, RepeatReason
from fengqiao.codes.models import Code, CodeTable
from fengqiao.matters.domain.registration import PartyInput
from fengqiao.matters.models import Matter, PartyRole
from fengqiao.mediation.domain.cases import Opening, open_case
from fengqiao.mediation.models import Case, Room
from fengqiao.people.models import Person
from fengqiao.staff.models import Role, User
from fengqiao.stations.models import Partner, Station
from tests.conftest import make_user


@pytest.fixture
def dispute_matter(make_matter) -> Matter:  # type: ignore[no-untyped-def]
    return make_matter(  # type: ignore[no-any-return]
        kind="dispute",
        category="020501",
        description="刘某称楼上张某装修拆改承重墙，双方争吵险些动手",
        address="东港豪庭小区12号楼1单元302室",
        parties=[
            PartyInput(name="刘某", phone="13900001111", role=PartyRole.REPORTER),
            PartyInput(name="张某", phone="13900002222", role=PartyRole.PARTY),
        ],
    )


@pytest.fixture
def liu(dispute_matter: Matter) -> Person:
    return dispute_matter.parties.get(person__name="刘某").person


@pytest.fixture
def zhang(dispute_matter: Matter) -> Person:
    return dispute_matter.parties.get(person__name="张某").person


@pytest.fixture
def court(station: Station) -> Partner:
    force = Code.objects.get(table=CodeTable.MEDIATION_FORCES, code="court")
    return Partner.objects.create(station=station, name="辛集市人民法院", kind=Partner.Kind.COURT, force=force)


@pytest.fixture
def judge(station: Station, court: Partner) -> User:
    user = make_user("chenjudge", station, Role.MEDIATOR, "陈法官")
    user.partner = court
    user.save(update_fields=["partner"])
    return user


@pytest.fixture
def outsider(station: Station) -> User:
    return make_user("wudirector", station, Role.MEDIATOR, "吴主任")


@pytest.fixture
def room(station: Station) -> Room:
    return Room.objects.create(station=station, name="东港社区调解室", opening_hours="周一至周五 9:00-17:00")


@pytest.fixture
def other_room(station: Station) -> Room:
    return Room.objects.create(station=station, name="华丽社区联络点", kind=Room.Kind.CONTACT_POINT)


def an_opening(liu: Person, zhang: Person, lead: User, *mediators: User, **overrides: object) -> Opening:
    values: dict[str, object] = {
        "dispute_type": "neighbours",
        "sides": {liu.pk: "a", zhang.pk: "b"},
        "lead": lead.pk,
        "mediators": tuple(m.pk for m in mediators),
        "facts": "张某装修拆改承重结构，楼下刘某担心房屋安全，多次报警。",
    }
    values.update(overrides)
    return Opening(**values)  # type: ignore[arg-type]


@pytest.fixture
def case(  # type: ignore[no-untyped-def]
    officer: User, dispute_matter: Matter, liu: Person, zhang: Person, mediator: User, judge: User, room: Room, court
) -> Case:
    opening = an_opening(liu, zhang, officer, mediator, judge, room=room.pk, partners=(court.pk,))
    return open_case(officer, opening, matter_id=dispute_matter.pk)


@pytest.fixture
def second_case(officer: User, make_matter, outsider: User) -> Case:  # type: ignore[no-untyped-def]
    """Another dispute at 鹿城, mediated by 吴主任 alone: shares the rooms, not the mediators, of `case`."""
    matter = make_matter(
        kind="dispute",
        category="020503",
        description="王某与李某借款纠纷",
        parties=[PartyInput(name="王某", phone="13700001111"), PartyInput(name="李某", phone="13700002222")],
    )
    wang, li = (party.person for party in matter.parties.order_by("id"))
    return open_case(officer, an_opening(wang, li, outsider, dispute_type="private_lending"), matter_id=matter.pk)


@pytest.fixture
def proposal(dispute_matter: Matter, liu: Person, zhang: Person) -> MediationProposal:
    """The repeat calls about 刘某 and 张某 have led to a proposal to mediate."""
    group = RepeatGroup.objects.create(
        station=dispute_matter.station,
        key_kind=RepeatReason.SAME_PARTIES,
        key_value=f"{liu.pk}-{zhang.pk}",
        label="刘某 / 张某",
        window_days=30,
        count=3,
        first_at=dispute_matter.reported_at,
        last_at=dispute_matter.reported_at,
    )
    found = propose(group, [dispute_matter.pk])
    found.parties.set([liu, zhang])
    return found


def at(days: int, hour: int = 9) -> dt.datetime:
    """A time `days` from today at `hour` local time."""
    today = timezone.localdate()
    return timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=days), dt.time(hour)))
