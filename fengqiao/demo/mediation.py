"""泊镇's "1+8+N" mediation in the demo: the N rooms and contact points, the 刘某/张某 case of story 6 from its
repeat-call proposal to the thank-you banner, and village cases of story 7 in every stage.

Each case is a script replayed through the mediation domain functions with `at=` (open_case, move_case,
schedule_session, record_session, record_visit) and, for its matter's own steps after the case (the callback
that the banner answers), transition(), so it leaves exactly the rows real work would. A case is keyed by
its matter: when the matter's dispute already has a case, the script is not played again, which keeps the demo
idempotent. Times are counted back from the moment the demo is loaded, like the stories' repeat calls.
"""

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal

from fengqiao.demo.script import Cast, Story, accept, assign, days_before, start
from fengqiao.demo.stories import LIU_ZHANG_LAST_CALL
from fengqiao.matters.domain.actions import ActionInput, add_action
from fengqiao.matters.domain.registration import PartyInput, Registration
from fengqiao.matters.domain.transitions import Step, transition
from fengqiao.matters.models import ActionKind, Channel, Kind, Matter, PartyRole, Satisfaction, Stage
from fengqiao.mediation.domain.cases import CaseStep, Opening, move_case, open_case
from fengqiao.mediation.domain.fulfilment import record_visit
from fengqiao.mediation.domain.sessions import Booking, Record, record_session, schedule_session
from fengqiao.mediation.models import Case, FulfilmentVisit, Room
from fengqiao.staff.models import User
from fengqiao.stations.models import Community, Partner, Station

ROOM = Room.Kind.ROOM
POINT = Room.Kind.CONTACT_POINT


@dataclass(frozen=True)
class RoomSpec:
    name: str
    kind: str
    community: str  # name of the village or community, "" for a contact point of the township
    address: str
    hours: str
    people: tuple[str, ...]  # usernames


# The "N": one room per village or community of 泊镇, and contact points where the partners sit.
BOZHEN_ROOMS = (
    RoomSpec(
        "东港豪庭社区调解室", ROOM, "东港豪庭小区", "东港豪庭小区居委会二楼", "周一至周五 8:30-17:30", ("bz_zhu",)
    ),
    RoomSpec("东王庄村调解室", ROOM, "东王庄村", "东王庄村委会大院", "周一、周三、周五 9:00-16:00", ("bz_li",)),
    RoomSpec("西辛店村调解室", ROOM, "西辛店村", "西辛店村委会", "周二、周四 9:00-16:00", ("bz_li",)),
    RoomSpec("齐家务村调解室", ROOM, "齐家务村", "齐家务村委会", "周二、周五 9:00-16:00", ("bz_li",)),
    RoomSpec("泊镇法庭诉调对接联络点", POINT, "", "泊头市人民法院泊镇法庭立案大厅", "工作日 8:30-17:00", ("bz_wang",)),
    RoomSpec("泊镇司法所联络点", POINT, "", "泊镇司法所", "工作日 8:30-17:00", ("bz_li",)),
    RoomSpec("东港豪庭警务室联络点", POINT, "东港豪庭小区", "东港豪庭警务室", "每天 8:00-20:00", ("bz_chen",)),
)


@dataclass(frozen=True)
class When:
    """`days` before the demo is loaded (negative: after), at a local time."""

    days: int
    hour: int
    minute: int = 0

    def on(self, now: dt.datetime) -> dt.datetime:
        return days_before(now, self.days, self.hour, self.minute)


@dataclass(frozen=True)
class Go:
    """A stage change of the case (the step's `at` is filled from `when`)."""

    when: When
    by: str
    step: CaseStep
    fulfil_in: int | None = None  # to agree: the terms are to be fulfilled this many days later


@dataclass(frozen=True)
class Held:
    """A session booked and held, with its minutes; both sides and every booked mediator present."""

    when: When
    by: str
    minutes: str
    hours: int = 2
    next_in: int | None = None  # days to the next session


@dataclass(frozen=True)
class Booked:
    """A session booked for later."""

    when: When
    by: str
    hours: int = 2


@dataclass(frozen=True)
class Visited:
    """The next fulfilment visit due, recorded."""

    when: When
    by: str
    kept: bool
    note: str


@dataclass(frozen=True)
class Noted:
    """A follow-up action on the case's matter."""

    when: When
    by: str
    kind: str
    note: str


@dataclass(frozen=True)
class Stepped:
    """A step of the case's matter along the loop, through transition() (the step's `at` is filled from `when`)."""

    when: When
    by: str
    step: Step


@dataclass(frozen=True)
class Mediation:
    matter: str  # external reference of the dispute matter
    opened: When
    opened_by: str
    dispute_type: str
    sides: tuple[str, str]  # names of the parties on side A and side B
    lead: str
    mediators: tuple[str, ...]
    partners: tuple[str, ...]
    room: str
    facts: str
    script: tuple[Go | Held | Booked | Visited | Noted | Stepped, ...]
    from_proposal: bool = False
    amount: Decimal | None = None
    risk_level: str = "low"


def liu_zhang_mediation() -> Mediation:
    """Story 6: the community head, a judge and a lawyer; three sessions; reinforcing the structure together."""
    opened = LIU_ZHANG_LAST_CALL - 2  # two days after the fourth call
    chief, head, judge, lawyer = "liuqiang", "bz_zhu", "bz_wang", "bz_ma"
    agreed = When(opened - 19, 11, 40)
    return Mediation(
        matter="DEMO-liuzhang-4",
        from_proposal=True,
        opened=When(opened, 9, 30),
        opened_by=chief,
        dispute_type="neighbours",
        sides=("刘某", "张某"),
        lead=chief,
        mediators=("bz_chen", head, judge, lawyer),
        partners=("东港豪庭社区居委会", "泊头市人民法院泊镇法庭", "泊头市正平律师事务所", "东港豪庭小区物业"),
        room="东港豪庭社区调解室",
        risk_level="high",
        facts=(
            "东港豪庭小区12号楼1单元402室业主张某装修时拆改墙体，楼下302室业主刘某认为拆改损害承重结构、"
            "危及房屋安全。一个月内双方四次报警，互相滋扰，险些发生肢体冲突。"
        ),
        script=(
            Go(
                When(opened - 2, 16),
                head,
                CaseStep("accepted", consent=True, note="社区主任分别上门，刘某、张某均同意由“1+8+N”联合调解。"),
            ),
            Held(
                When(opened - 5, 14),
                head,
                "双方陈述。刘某：楼上拆墙后自家顶板出现裂缝，担心塌顶。张某：只拆了非承重隔墙。"
                "律师讲解《民法典》相邻关系规定；约定请有资质的机构鉴定。",
                next_in=7,
            ),
            Held(
                When(opened - 12, 14, 30),
                judge,
                "鉴定意见：拆改部位涉及承重构件，需加固。法官释法：诉讼耗时长、成本高，协商加固对双方最有利。"
                "双方同意共同加固，费用比例下次商定。",
                next_in=7,
            ),
            Held(
                When(opened - 19, 9, 30),
                lawyer,
                "物业提供加固施工方案和报价。双方商定：张某承担七成、刘某承担三成，三十日内完工；"
                "施工时间避开午休和夜间。双方握手言和。",
            ),
            Go(
                agreed,
                chief,
                CaseStep(
                    "agreed",
                    terms=(
                        "一、由具备资质的施工单位按物业确认的方案对12号楼1单元402室拆改部位进行加固，双方共同加固；"
                        "二、加固费用张某承担70%，刘某承担30%；三、施工期间每日12时至14时、18时以后不施工；"
                        "四、双方今后遇事协商解决，不再互相滋扰。"
                    ),
                    fulfilment="协议签订后三十日内完成加固，由物业和社区共同验收；派出所与社区回访履行情况。",
                ),
                fulfil_in=30,
            ),
            Go(When(opened - 19, 15), chief, CaseStep("fulfilment_check", visit_days=(30,))),
            Visited(
                When(opened - 49, 10),
                head,
                kept=True,
                note="加固工程已完工，经物业、社区验收合格；刘某家顶板裂缝已修复，双方见面互相打招呼。",
            ),
            Go(
                When(opened - 50, 9),
                chief,
                CaseStep("closed", note="协议履行完毕，调解成功。刘某送来锦旗“在家安心了”。"),
            ),
            Noted(
                When(opened - 50, 10),
                chief,
                ActionKind.NOTE,
                "刘某来到派出所送来锦旗，上书“在家安心了”，感谢民警和调解员帮助化解邻里矛盾。",
            ),
            # The banner is the resident's answer to the callback: the matter ends its loop.
            Stepped(
                When(opened - 50, 10, 30),
                "bz_chen",
                Step(
                    to=Stage.CALLED_BACK,
                    satisfaction=Satisfaction.SATISFIED,
                    note="回访刘某：对调解结果满意，送来锦旗“在家安心了”。",
                ),
            ),
            Stepped(When(opened - 51, 9), chief, Step(to=Stage.ARCHIVED)),
        ),
    )


@dataclass(frozen=True)
class VillageDispute:
    ref: str
    place: str
    category: str
    text: str
    parties: tuple[PartyInput, PartyInput]
    reported: When


def _party(name: str, phone: str, role: str = PartyRole.REPORTER) -> PartyInput:
    return PartyInput(name, role, phone)


VILLAGE_DISPUTES = (
    VillageDispute(
        "DEMO-bozhen-tj-1",
        "东王庄村后街16号",
        "020505",
        "东王庄村村民王某与邻居赵某因宅基地边界发生争执，王某翻建院墙时被赵某阻拦，双方争吵。",
        (_party("王某", "13931700112"), _party("赵某", "13931700235", PartyRole.PARTY)),
        When(82, 10),
    ),
    VillageDispute(
        "DEMO-bozhen-tj-2",
        "西辛店村二组11号",
        "020503",
        "西辛店村村民孙某称为邻村齐某提供秋收农机作业，合同约定的作业款8600元至今未付，双方发生纠纷。",
        (_party("孙某", "15831700318"), _party("齐某", "15831700427", PartyRole.PARTY)),
        When(47, 15),
    ),
    VillageDispute(
        "DEMO-bozhen-tj-3",
        "齐家务村东头25号",
        "020503",
        "齐家务村村民周某称借给同村吴某3万元，约定一年归还，到期多次催要未还，双方多次争吵。",
        (_party("周某", "18731700516"), _party("吴某", "18731700624", PartyRole.PARTY)),
        When(32, 9),
    ),
    VillageDispute(
        "DEMO-bozhen-tj-4",
        "东王庄村中街4号",
        "020501",
        "东王庄村村民郑某与邻居冯某因排水沟堵塞、雨水倒灌院内发生口角。",
        (_party("郑某", "13731700713"), _party("冯某", "13731700821", PartyRole.PARTY)),
        When(14, 8),
    ),
    VillageDispute(
        "DEMO-bozhen-tj-5",
        "齐家务村西头8号",
        "020505",
        "齐家务村村民陈某与褚某因承包地地界不清，春耕时互相指责对方多占地。",
        (_party("陈某", "15931700914"), _party("褚某", "15931701027", PartyRole.PARTY)),
        When(7, 16),
    ),
    VillageDispute(
        "DEMO-bozhen-tj-6",
        "西辛店村一组3号",
        "020501",
        "西辛店村村民卫某称邻居蒋某院内大树遮挡其房屋采光，要求砍伐，双方争执不下。",
        (_party("卫某", "13831701116"), _party("蒋某", "13831701228", PartyRole.PARTY)),
        When(22, 11),
    ),
)


def village_stories(now: dt.datetime) -> list[Story]:
    """The village disputes as matters, registered and taken on by the village officer (杨帆)."""
    officer = "bz_yang"
    stories = []
    for dispute in VILLAGE_DISPUTES:
        reported = dispute.reported.on(now)
        minute = dt.timedelta(minutes=1)
        stories.append(
            Story(
                ref=dispute.ref,
                station="bozhen",
                registered_by="bz_he",
                registration=Registration(
                    kind=Kind.DISPUTE,
                    channel=Channel.WALK_IN,
                    category=dispute.category,
                    description=dispute.text,
                    address=dispute.place,
                    reported_at=reported,
                    parties=list(dispute.parties),
                ),
                script=(
                    accept("bz_he", reported + 5 * minute),
                    assign("liuqiang", reported + 20 * minute, officer, "一村一警：转村调解室“1+8+N”调解"),
                    start(officer, reported + 60 * minute),
                ),
            )
        )
    return stories


def village_mediations() -> list[Mediation]:
    """Story 7: land, contract, private lending and neighbours, in every stage from proposed to closed."""
    officer, judicial, judge = "bz_yang", "bz_li", "bz_wang"
    return [
        Mediation(
            matter="DEMO-bozhen-tj-1",
            opened=When(81, 9),
            dispute_type="land",
            sides=("王某", "赵某"),
            mediators=(judicial,),
            partners=("东王庄村委会", "泊镇司法所"),
            room="东王庄村调解室",
            facts="双方宅基地相邻，王某翻建院墙，赵某认为院墙越过原地界约半米。",
            script=(
                Go(When(80, 10), judicial, CaseStep("accepted", consent=True)),
                Held(When(76, 9), judicial, "村委会调出1992年宅基地登记图，现场丈量；院墙确越界0.3米。"),
                Go(
                    When(76, 11),
                    officer,
                    CaseStep(
                        "agreed",
                        terms="王某将新建院墙后移0.3米，按登记图地界重建；赵某不再阻拦施工。",
                        fulfilment="王某于二十日内完成院墙后移，村委会现场确认。",
                    ),
                    fulfil_in=20,
                ),
                Go(When(76, 12), officer, CaseStep("fulfilment_check", visit_days=(20,))),
                Visited(When(56, 10), judicial, kept=True, note="院墙已按地界重建，双方无异议。"),
                Go(When(55, 9), officer, CaseStep("closed")),
            ),
            opened_by=officer,
            lead=officer,
        ),
        Mediation(
            matter="DEMO-bozhen-tj-2",
            opened=When(46, 9),
            dispute_type="contract",
            sides=("孙某", "齐某"),
            mediators=(judicial,),
            partners=("西辛店村委会", "泊镇司法所"),
            room="西辛店村调解室",
            amount=Decimal("8600.00"),
            facts="孙某为齐某提供秋收农机作业，约定作业款8600元；齐某以作业质量差为由拒付。",
            script=(
                Go(When(45, 10), judicial, CaseStep("accepted", consent=True)),
                Held(When(40, 9), judicial, "双方核对作业亩数；齐某认可作业款，但主张部分地块漏收造成减产。"),
                Go(
                    When(40, 11),
                    officer,
                    CaseStep(
                        "partly_agreed",
                        terms="齐某于十五日内支付作业款7000元。",
                        fulfilment="齐某现场转账或于十五日内付清，村委会见证。",
                        unresolved="漏收地块减产损失1600元，双方各执一词，另行协商或诉讼。",
                    ),
                    fulfil_in=15,
                ),
                Go(When(40, 12), officer, CaseStep("fulfilment_check", visit_days=(15, 45))),
                Visited(When(25, 10), judicial, kept=True, note="齐某已支付7000元，孙某确认收到。"),
            ),
            opened_by=officer,
            lead=officer,
        ),
        Mediation(
            matter="DEMO-bozhen-tj-3",
            opened=When(31, 9),
            dispute_type="private_lending",
            sides=("周某", "吴某"),
            mediators=(judicial, judge),
            partners=("齐家务村委会", "泊头市人民法院泊镇法庭"),
            room="齐家务村调解室",
            amount=Decimal("30000.00"),
            risk_level="medium",
            facts="周某称借给吴某3万元，有微信转账记录，无借条；吴某称该款为合伙做生意的投资款。",
            script=(
                Go(When(30, 10), judicial, CaseStep("accepted", consent=True)),
                Held(When(26, 14), judge, "吴某否认借贷关系，双方对款项性质分歧大，无法达成一致。"),
                Go(When(26, 16), judge, CaseStep("failed", note="双方对款项性质各执一词")),
                Go(
                    When(25, 9),
                    officer,
                    CaseStep("referred", referral="court_pre_litigation", note="引导周某到泊镇法庭诉前调解"),
                ),
            ),
            opened_by=officer,
            lead=officer,
        ),
        Mediation(
            matter="DEMO-bozhen-tj-4",
            opened=When(13, 9),
            dispute_type="neighbours",
            sides=("郑某", "冯某"),
            mediators=(judicial,),
            partners=("东王庄村委会",),
            room="东王庄村调解室",
            facts="两户共用的排水沟被冯某堆放的柴草堵塞，雨水倒灌郑某院内。",
            script=(
                Go(When(12, 10), judicial, CaseStep("accepted", consent=True)),
                Booked(When(-3, 9), judicial),
            ),
            opened_by=officer,
            lead=officer,
        ),
        Mediation(
            matter="DEMO-bozhen-tj-5",
            opened=When(6, 9),
            dispute_type="land",
            sides=("陈某", "褚某"),
            mediators=(judicial,),
            partners=("齐家务村委会",),
            room="齐家务村调解室",
            facts="两户承包地相邻，地界石丢失，春耕时互相指责多占地。",
            script=(),
            opened_by=officer,
            lead=officer,
        ),
        Mediation(
            matter="DEMO-bozhen-tj-6",
            opened=When(21, 9),
            dispute_type="neighbours",
            sides=("卫某", "蒋某"),
            mediators=(judicial,),
            partners=("西辛店村委会",),
            room="西辛店村调解室",
            facts="蒋某院内杨树遮挡卫某房屋采光，卫某要求砍伐。",
            script=(Go(When(19, 10), judicial, CaseStep("declined", note="蒋某不同意调解，表示等待村委会规划")),),
            opened_by=officer,
            lead=officer,
        ),
    ]


def load_rooms(station: Station) -> dict[str, Room]:
    communities = {c.name: c for c in Community.objects.filter(station=station)}
    rooms = {}
    for spec in BOZHEN_ROOMS:
        room, _ = Room.objects.update_or_create(
            station=station,
            name=spec.name,
            defaults={
                "kind": spec.kind,
                "community": communities.get(spec.community),
                "address": spec.address,
                "opening_hours": spec.hours,
            },
        )
        room.people.set(list(User.objects.filter(station=station, username__in=spec.people)))
        rooms[spec.name] = room
    return rooms


def load_mediation(cast: Cast, now: dt.datetime) -> int:
    """Bozhen's rooms and cases; returns how many cases this run opened."""
    station = cast.stations["bozhen"]
    rooms = load_rooms(station)
    return sum(1 for spec in [liu_zhang_mediation(), *village_mediations()] if play_case(spec, cast, rooms, now))


def play_case(spec: Mediation, cast: Cast, rooms: dict[str, Room], now: dt.datetime) -> Case | None:
    """Open the case and replay its script; None when it was opened before (or its matter is missing)."""
    station = cast.stations["bozhen"]
    matter = Matter.objects.filter(station=station, external_ref=spec.matter).first()
    if matter is None or Case.objects.filter(dispute__matter=matter).exists():
        return None
    actor = cast.users[spec.opened_by]
    opening = _opening(spec, matter, cast, rooms, now)
    if spec.from_proposal:
        proposal = matter.mediation_proposals.order_by("-proposed_at").first()
        case = open_case(actor, opening, proposal_id=proposal.pk if proposal else None)
    else:
        case = open_case(actor, opening, matter_id=matter.pk)
    for item in spec.script:
        _play(item, case, cast, rooms[spec.room], now)
    return case


def _opening(spec: Mediation, matter: Matter, cast: Cast, rooms: dict[str, Room], now: dt.datetime) -> Opening:
    persons = {party.person.name: party.person_id for party in matter.parties.select_related("person")}
    partners = dict(Partner.objects.filter(station=matter.station_id).values_list("name", "pk"))
    return Opening(
        dispute_type=spec.dispute_type,
        sides={persons[spec.sides[0]]: "a", persons[spec.sides[1]]: "b"},
        lead=cast.users[spec.lead].pk,
        mediators=tuple(cast.users[name].pk for name in spec.mediators),
        partners=tuple(partners[name] for name in spec.partners),
        room=rooms[spec.room].pk,
        amount=spec.amount,
        risk_level=spec.risk_level,
        facts=spec.facts,
        at=spec.opened.on(now),
    )


def _play(
    item: Go | Held | Booked | Visited | Noted | Stepped, case: Case, cast: Cast, room: Room, now: dt.datetime
) -> None:
    when = item.when.on(now)
    actor = cast.users[item.by]
    if isinstance(item, Go):
        fulfil_by = when.date() + dt.timedelta(days=item.fulfil_in) if item.fulfil_in else None
        step = replace(item.step, at=when, fulfil_by=fulfil_by or item.step.fulfil_by)
        move_case(case.pk, actor, step)
    elif isinstance(item, Held | Booked):
        session = schedule_session(
            case, actor, Booking(starts_at=when, ends_at=when + dt.timedelta(hours=item.hours), room=room.pk)
        )
        if isinstance(item, Held):
            parties = tuple(case.dispute.sides.values_list("person_id", flat=True))
            mediators = tuple(session.mediators.values_list("pk", flat=True))
            next_date = when.date() + dt.timedelta(days=item.next_in) if item.next_in else None
            record = Record(item.minutes, parties, mediators, next_date, at=session.ends_at)
            record_session(session.pk, actor, record)
    elif isinstance(item, Stepped):
        transition(case.dispute.matter_id, actor, replace(item.step, at=when))
    elif isinstance(item, Visited):
        visit = FulfilmentVisit.objects.filter(case=case, done_at__isnull=True).order_by("due_on").first()
        if visit is not None:
            record_visit(visit.pk, actor, fulfilled=item.kept, note=item.note, at=when)
    else:
        add_action(Matter.objects.get(pk=case.dispute.matter_id), actor, ActionInput(item.kind, item.note, when))
