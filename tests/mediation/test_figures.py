"""The mediation figures equal a hand count on a small set of cases built through the domain functions.

鹿城, the period: the last 60 days.
- A 邻里 (neighbours), room 东港, court invited and 陈法官 from the court: opened −50, agreed −40 (10 days);
  刘某 calls again at −30 → the agreement did not hold.
- B 土地 (land), room 华丽, from a repeat-call proposal made at −45, 居委会 invited: opened −40, agreed −20
  (25 days from the proposal); no new call, but −20 is within 90 days → held, still being watched.
- C 土地, room 华丽: opened −30, failed −25, referred −24.
- D 邻里, no room: opened −20, declined −19.
- E 土地, room 东港: opened −15, partly agreed −10 (5 days).
- F 邻里: opened −100 and agreed −70, before the period: in no figure.

By hand: opened 5; agreed 2 (A, B), partly 1 (E), failed 1 (C), referred 1, declined 1; success 2 ÷ 4 = 50 %;
days to agreement 10, 25, 5 (each 7 hours more: opened
at 09:00, agreed at 16:00) → median 10.3; held: 1 of 2 agreements (50 %), 1 still watched.
"""

import datetime as dt
from collections.abc import Iterator

import pytest
from django.test import Client
from django.utils import timezone, translation

from fengqiao.analysis.hotspots import Period
from fengqiao.analysis.mediation_proposals import propose
from fengqiao.analysis.models import RepeatGroup, RepeatReason
from fengqiao.matters.domain.registration import PartyInput
from fengqiao.matters.models import Matter, Party, PartyRole
from fengqiao.mediation.domain.cases import CaseStep, move_case, open_case
from fengqiao.mediation.domain.sessions import Booking, Record, record_session, schedule_session
from fengqiao.mediation.figures import MediationFigures, Row, mediation_figures
from fengqiao.mediation.models import Case, Room
from fengqiao.people.models import Person
from fengqiao.staff.models import User
from fengqiao.stations.models import Partner, Station
from tests.conftest import PASSWORD
from tests.mediation.conftest import an_opening, at

TODAY = timezone.localdate()
PERIOD = Period(TODAY - dt.timedelta(days=60), TODAY)


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


class Builder:
    def __init__(self, officer: User, make_matter, room: Room) -> None:  # type: ignore[no-untyped-def]
        self.officer, self.make_matter, self.room = officer, make_matter, room
        self.names = iter(range(1, 100))

    def dispute(self, days: int) -> tuple[Matter, Person, Person]:
        n = next(self.names)
        matter = self.make_matter(
            kind="dispute",
            category="020501",
            description=f"纠纷{n}",
            reported_at=at(days - 1),
            parties=[
                PartyInput(name=f"甲{n}", phone=f"1390000{n:04d}"),
                PartyInput(name=f"乙{n}", role=PartyRole.PARTY, phone=f"1380000{n:04d}"),
            ],
        )
        a, b = (party.person for party in matter.parties.order_by("id"))
        return matter, a, b

    def open(self, days: int, dispute_type: str, room: Room | None) -> Case:
        matter, a, b = self.dispute(days)
        opening = an_opening(a, b, self.officer, dispute_type=dispute_type, room=room.pk if room else None, at=at(days))
        return open_case(self.officer, opening, matter_id=matter.pk)

    def step(self, case: Case, days: int, to: str, **fields: object) -> None:
        move_case(case.pk, self.officer, CaseStep(to, at=at(days, 16), **fields))  # type: ignore[arg-type]

    def held(self, case: Case, days: int) -> None:
        start = at(days, 9 + case.pk % 5)
        session = schedule_session(
            case, self.officer, Booking(starts_at=start, ends_at=start + dt.timedelta(minutes=50), place="村委会")
        )
        persons = tuple(case.dispute.sides.values_list("person_id", flat=True))
        record = Record(minutes="双方陈述。", parties_present=persons, mediators_present=(self.officer.pk,), at=start)
        record_session(session.pk, self.officer, record)

    def agree(self, case: Case, accepted: int, days: int, partly: bool = False) -> None:
        self.step(case, accepted, "accepted", consent=True)
        self.held(case, days)
        extra = {"unresolved": "赔偿数额另行协商"} if partly else {}
        self.step(case, days, "partly_agreed" if partly else "agreed", terms="条款", fulfilment="十日内", **extra)


@pytest.fixture
def built(officer: User, make_matter, room: Room, other_room: Room, judge: User, station: Station, court) -> dict:  # type: ignore[no-untyped-def]
    build = Builder(officer, make_matter, room)
    committee = Partner.objects.create(station=station, name="华丽社区居委会", kind=Partner.Kind.RESIDENTS_COMMITTEE)
    # A: invited the court, and the judge (of the court) mediates: the court is counted once.
    matter, a, b = build.dispute(-50)
    opening = an_opening(
        a, b, officer, judge, dispute_type="neighbours", room=room.pk, partners=(court.pk,), at=at(-50)
    )
    case_a = open_case(officer, opening, matter_id=matter.pk)
    build.agree(case_a, -49, -40)
    again = make_matter(kind="dispute", category="020501", description="又吵起来了", reported_at=at(-30), parties=[])
    Party.objects.create(matter=again, person=a, role=PartyRole.REPORTER)
    # B: from a proposal made five days before the case was opened.
    matter, a, b = build.dispute(-45)
    group = RepeatGroup.objects.create(
        station=station,
        key_kind=RepeatReason.SAME_PARTIES,
        key_value=f"{a.pk}-{b.pk}",
        label="B",
        window_days=30,
        count=3,
        first_at=at(-46),
        last_at=at(-45),
    )
    proposal = propose(group, [matter.pk], at=at(-45))
    opening = an_opening(a, b, officer, dispute_type="land", room=other_room.pk, partners=(committee.pk,), at=at(-40))
    case_b = open_case(officer, opening, proposal_id=proposal.pk)
    build.agree(case_b, -39, -20)
    # A call by a stranger, and one by B's party before its agreement: neither breaks an agreement.
    make_matter(kind="dispute", category="020501", description="陌生人", reported_at=at(-10))
    before = make_matter(kind="dispute", category="020501", description="协议前", reported_at=at(-25), parties=[])
    Party.objects.create(matter=before, person=a, role=PartyRole.PARTY)
    # C, D, E, F
    case_c = build.open(-30, "land", other_room)
    build.step(case_c, -29, "accepted", consent=True)
    build.held(case_c, -26)
    build.step(case_c, -25, "failed", note="双方分歧太大")
    build.step(case_c, -24, "referred", referral="litigation")
    case_d = build.open(-20, "neighbours", None)
    build.step(case_d, -19, "declined", note="乙方不同意调解")
    case_e = build.open(-15, "land", room)
    build.agree(case_e, -14, -10, partly=True)
    case_f = build.open(-100, "neighbours", room)
    build.agree(case_f, -99, -70)
    return {"A": case_a, "B": case_b, "C": case_c, "D": case_d, "E": case_e, "F": case_f}


def figures(now: dt.datetime | None = None) -> MediationFigures:
    station = Station.objects.get(code="lucheng")
    return mediation_figures(station.pk, PERIOD, now or timezone.now())


def counts(row: Row) -> tuple[object, ...]:
    return (
        row.opened,
        row.agreed,
        row.partly_agreed,
        row.failed,
        row.referred,
        row.declined,
        row.outcomes,
        row.success_pct,
        row.median_days_to_agreement,
    )


@pytest.mark.django_db
def test_the_station_figures_equal_the_hand_count(built: dict) -> None:  # type: ignore[type-arg]
    total = figures().total
    assert counts(total) == (5, 2, 1, 1, 1, 1, 4, 50.0, 10.3)


@pytest.mark.django_db
def test_by_dispute_type_room_and_partner(built: dict, room: Room, other_room: Room, court: Partner) -> None:  # type: ignore[type-arg]
    result = figures()
    by_type = {row.key: counts(row) for row in result.by_type}
    by_room = {row.label: counts(row)[:6] for row in result.by_room}
    by_partner = {row.label: row.opened for row in result.by_partner}

    assert by_type == {
        "neighbours": (2, 1, 0, 0, 0, 1, 1, 100.0, 10.3),
        "land": (3, 1, 1, 1, 1, 0, 3, 33.3, 15.3),
    }
    assert by_room == {
        room.name: (2, 1, 1, 0, 0, 0),
        other_room.name: (2, 1, 0, 1, 1, 0),
        "No room": (1, 0, 0, 0, 0, 1),
    }
    assert by_partner == {court.name: 1, "华丽社区居委会": 1, "No partner": 3}
    assert [row.label for row in result.by_room][-1] == "No room"


@pytest.mark.django_db
def test_an_agreement_followed_by_a_call_of_its_party_within_90_days_did_not_hold(built: dict) -> None:  # type: ignore[type-arg]
    holding = figures().holding
    # One agreement broken by a call, the other still inside its 90 days: the only decided one did not hold.
    assert (holding.agreements, holding.with_repeat_call, holding.watching, holding.held_pct) == (2, 1, 1, 0.0)

    later = figures(now=timezone.now() + dt.timedelta(days=100)).holding
    assert (later.watching, later.held_pct) == (0, 50.0)  # the other one's 90 days are over without a call


@pytest.mark.django_db
def test_agreements_still_watched_have_no_hold_rate_yet(built: dict, officer: User) -> None:  # type: ignore[type-arg]
    Matter.objects.filter(description="又吵起来了").delete()  # A's breaking call: now nothing broke either agreement
    client = Client()
    client.login(username=officer.username, password=PASSWORD)

    holding = figures().holding
    page = client.get("/mediation/figures/", {"from": PERIOD.start.isoformat(), "to": PERIOD.end.isoformat()})

    assert (holding.agreements, holding.with_repeat_call, holding.watching, holding.held_pct) == (2, 0, 2, None)
    assert 'id="held"><strong>—</strong>' in page.content.decode()


@pytest.mark.django_db
def test_a_period_without_cases_has_no_rates(built: dict) -> None:  # type: ignore[type-arg]
    empty = mediation_figures(
        Station.objects.get(code="lucheng").pk, Period(dt.date(2020, 1, 1), dt.date(2020, 12, 31)), timezone.now()
    )
    assert counts(empty.total) == (0, 0, 0, 0, 0, 0, 0, None, None)
    assert (empty.by_type, empty.holding.held_pct) == ([], None)


@pytest.mark.django_db
def test_the_page_shows_the_figures_to_the_police_and_not_to_partners(
    built: dict,
    officer: User,
    mediator: User,  # type: ignore[type-arg]
) -> None:
    client = Client()
    client.login(username=officer.username, password=PASSWORD)
    query = {"from": PERIOD.start.isoformat(), "to": PERIOD.end.isoformat()}
    page = client.get("/mediation/figures/", query)
    bad = client.get("/mediation/figures/", {"from": "2024-13-01"})
    backwards = client.get("/mediation/figures/", {"from": "2024-12-01", "to": "2024-01-01"})
    partner = Client()
    partner.login(username=mediator.username, password=PASSWORD)

    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="success-rate"><strong>50.0 %' in html
    assert '<td class="num opened">5</td>' in html
    assert "邻里纠纷" in html and "土地纠纷" in html
    assert bad.status_code == 200 and 'role="alert"' in bad.content.decode()
    assert "开始日期不能晚于结束日期。" in backwards.content.decode()  # the page speaks zh-hans by default
    assert partner.get("/mediation/figures/").status_code == 404  # outside the partner portal, like any station page
