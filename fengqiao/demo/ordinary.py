"""Everyday matters so that the pages look like a working station's: open work, some overdue, a history.

For each station a seeded `random.Random` draws ~30–50 matters over the last four months, counted back from
now, in every stage of the loop. Each gets a stable reference (`DEMO-lucheng-0001` …), so a second run skips
the ones it loaded before; the draw does not depend on what exists, so the same references mean the same draws.

Each matter happens where its kind happens (a flat, a village house, an open place), spread over the station's
places of that sort (`Spread`): strangers' calls do not pile up at one flat, where the repeat-call analysis would
take them for one story.
"""

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from fengqiao.analysis.models import DEFAULT_WINDOW_DAYS
from fengqiao.demo.residents import random_id_number, random_name, random_phone
from fengqiao.demo.script import (
    Act,
    Move,
    Story,
    accept,
    archive,
    assign,
    call_back,
    reject,
    resolve,
    start,
    transfer,
)
from fengqiao.demo.stations import HIGHWAY_POINTS
from fengqiao.matters.domain.registration import PartyInput, Registration
from fengqiao.matters.models import ActionKind, Channel, Kind, PartyRole, Priority, Satisfaction, Stage
from fengqiao.staff.models import Role, User
from fengqiao.stations.models import Community, StandardAddress

HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
HISTORY_DAYS = 120
A = ActionKind


@dataclass(frozen=True)
class Template:
    kind: str
    category: str
    texts: tuple[str, ...]
    channels: tuple[str, ...] = (Channel.CALL_110, Channel.PHONE)
    outcome: str = "resolved"
    priority: str = Priority.NORMAL
    others: int = 0  # parties besides the reporter
    # home: a flat or a village house; flat: a flat of a residential community; village: a house in a village;
    # road: the flavour's open places
    where: str = "home"
    reject: str = ""  # matters of this template are rejected with this reason
    transfer: str = ""  # … or transferred to this agency


@dataclass(frozen=True)
class Flavour:
    count: int
    templates: tuple[Template, ...]
    regions: tuple[str, ...]  # region codes of the residents' ID numbers
    roads: tuple[str, ...] = ()


# What officers typically do, per kind of matter.
WORK: dict[str, tuple[tuple[str, str], ...]] = {
    Kind.DISPUTE: (
        (A.VISIT, "民警到场，分别做双方工作，讲明法律规定，双方情绪平稳。"),
        (A.COORDINATION, "联系社区网格员共同调解。"),
        (A.PHONE_CALL, "电话回访双方，暂无新的矛盾。"),
    ),
    Kind.CASE: (
        (A.VISIT, "到场勘查，调取周边监控。"),
        (A.INQUIRY_RECORD, "制作报案人询问笔录1份。"),
    ),
    Kind.HELP: ((A.VISIT, "到场了解情况，提供帮助。"), (A.PHONE_CALL, "电话联系求助人核实情况。")),
    Kind.HAZARD: ((A.VISIT, "到场检查，要求当场整改。"), (A.COORDINATION, "通知物业清理并加强巡查。")),
    Kind.FRAUD_WARNING: (
        (A.PHONE_CALL, "电话劝阻，提示诈骗风险。"),
        (A.VISIT, "会同社区工作人员上门劝阻，未造成损失。"),
    ),
    Kind.LOST_PROPERTY: ((A.NOTE, "调取公共视频查找。"), (A.PHONE_CALL, "联系失主领回失物。")),
    Kind.MISSING_PERSON: ((A.NOTE, "调取监控，组织警力和志愿者分头寻找。"), (A.VISIT, "找到走失人员，交还家属。")),
    Kind.TRAFFIC: ((A.VISIT, "到场设置警示、疏导交通。"), (A.NOTE, "拍照固定现场，当事双方协商处理。")),
    Kind.HOUSEHOLD: ((A.DOCUMENT, "审核材料，符合办理条件。"), (A.PHONE_CALL, "电话通知群众领取。")),
}

WALK_IN = (Channel.WALK_IN,)
COMMUNITY_TEMPLATES = (
    Template(
        Kind.DISPUTE,
        "0203",
        (
            "楼上住户深夜大声播放音乐，噪声扰民，报警人要求处理。",
            "邻居在家中打麻将至凌晨，声音很大，影响休息。",
            "楼下商铺音响声音过大，噪声扰民。",
        ),
        (Channel.CALL_110, Channel.COMMUNITY_GROUP),
        others=1,
        where="flat",
    ),
    Template(
        Kind.DISPUTE,
        "020501",
        (
            "因楼道堆放杂物与邻居发生口角。",
            "因车位被占与邻居发生争执。",
            "因空调外机滴水与楼下邻居发生纠纷。",
            "因宠物狗吠叫与邻居发生争吵。",
        ),
        others=1,
        where="flat",
    ),
    Template(Kind.DISPUTE, "020502", ("夫妻因家务琐事发生争吵，一方报警。", "兄弟因赡养老人问题发生争执。"), others=1),
    Template(
        Kind.DISPUTE,
        "020504",
        ("业主因物业费与物业公司发生争执。", "业主因停车管理与物业保安发生口角。"),
        others=1,
        where="flat",
    ),
    Template(
        Kind.CASE,
        "010499",
        ("停放在楼下的电动自行车被盗。", "停放在超市门口的电动自行车被盗。"),
        (Channel.CALL_110, Channel.WALK_IN),
        "case_opened",
    ),
    Template(
        Kind.CASE,
        "010501",
        ("网上刷单返利被骗，已转账3000元。", "接到冒充快递客服电话，按对方要求操作后被骗。"),
        (Channel.CALL_110, Channel.WALK_IN),
        "case_opened",
    ),
    Template(
        Kind.MISSING_PERSON,
        "060102",
        ("家中八旬老人外出散步未归，患有阿尔茨海默病。", "老人早上去赶集后未回家，手机关机。"),
        (Channel.CALL_110,),
        "helped",
        Priority.URGENT,
    ),
    Template(
        Kind.HELP,
        "0699",
        ("钥匙锁在屋内，家中有小孩，求助开锁。", "独居老人家门反锁，敲门无人应答，邻居求助。"),
        (Channel.CALL_110, Channel.PHONE),
        "helped",
        Priority.HIGH,
    ),
    Template(
        Kind.LOST_PROPERTY,
        "0602",
        ("在菜市场附近丢失钱包，内有身份证和银行卡。", "在公交车上丢失手机。"),
        WALK_IN,
        "helped",
    ),
    Template(
        Kind.HAZARD,
        "050201",
        ("楼道内私拉电线给电动自行车充电。", "电动自行车停放在楼道安全出口，堵塞通道。"),
        (Channel.PATROL, Channel.COMMUNITY_GROUP),
        where="flat",
    ),
    Template(
        Kind.HELP, "0604", ("网格员反映：独居老人生活困难，需要帮扶。",), (Channel.PARTNER,), "helped", Priority.LOW
    ),
    Template(
        Kind.HOUSEHOLD,
        "0605",
        ("群众来所咨询办理户口迁入。", "为新生儿办理出生登记。"),
        WALK_IN,
        "helped",
        Priority.LOW,
    ),
    Template(Kind.TRAFFIC, "0401", ("小区内两车剐蹭，双方对责任有争议。",), others=1, where="flat"),
    Template(
        Kind.HELP,
        "9901",
        ("报警人称误拨110，无警情。", "儿童拨打110玩耍。"),
        (Channel.CALL_110,),
        reject="无效报警：经回拨核实无警情",
    ),
    Template(
        Kind.DISPUTE,
        "020503",
        ("务工人员反映被拖欠工资，要求帮助讨薪。",),
        WALK_IN,
        others=1,
        transfer="劳动保障监察大队",
    ),
)

LUCHENG = Flavour(
    count=48,
    regions=("130181", "130183", "130128"),
    templates=(
        *COMMUNITY_TEMPLATES,
        Template(
            Kind.HAZARD,
            "0902",
            ("电梯阻止系统报警：居民推电动自行车进入轿厢，电梯停止运行。",),
            (Channel.DEVICE_ALARM,),
            where="road",
        ),
        Template(
            Kind.FRAUD_WARNING,
            "0801",
            ("局反诈中心预警指令：辖区居民疑似正遭遇刷单返利诈骗。", "预警指令：辖区居民疑似遭遇冒充客服退款诈骗。"),
            (Channel.ANTI_FRAUD,),
            priority=Priority.URGENT,
        ),
    ),
    # The lifts of 采五东区: every alarm names its building.
    roads=tuple(f"采五东区{building}号楼" for building in range(1, 30)),
)

BOZHEN = Flavour(
    count=44,
    regions=("130981",),
    templates=(
        *COMMUNITY_TEMPLATES,
        Template(
            Kind.DISPUTE,
            "020505",
            ("两户村民因宅基地边界发生争执。", "村民因承包地地界发生纠纷。"),
            others=1,
            where="village",
        ),
        Template(
            Kind.DISPUTE,
            "020503",
            ("村民之间因民间借贷还款发生纠纷。", "因合同款结算发生纠纷。"),
            WALK_IN,
            others=1,
            where="village",
        ),
    ),
)

JIZHOU = Flavour(
    count=30,
    regions=("131103", "130181", "130502", "131102"),
    templates=(
        Template(
            Kind.TRAFFIC,
            "0401",
            ("两车追尾，无人员受伤，车辆占用行车道。", "车辆撞击护栏，驾驶人轻微受伤。"),
            (Channel.CALL_110,),
            priority=Priority.HIGH,
            others=1,
            where="road",
        ),
        Template(
            Kind.HELP,
            "0603",
            ("货车爆胎停在应急车道，驾驶人求助。", "小客车没油停在应急车道，请求帮助。"),
            (Channel.CALL_110, Channel.PATROL),
            "helped",
            where="road",
        ),
        Template(
            Kind.TRAFFIC,
            "040201",
            ("行人在高速公路上行走。", "电动自行车误入高速公路。"),
            (Channel.VIDEO_PATROL,),
            "helped",
            Priority.URGENT,
            where="road",
        ),
        Template(Kind.TRAFFIC, "0403", ("收费站出口车辆排队拥堵。",), (Channel.VIDEO_PATROL,), where="road"),
        Template(
            Kind.HAZARD,
            "0901",
            ("路面有抛洒物（轮胎碎片），影响通行。", "护栏被撞损，存在安全隐患。"),
            (Channel.VIDEO_PATROL, Channel.PATROL),
            where="road",
        ),
        Template(
            Kind.TRAFFIC, "0402", ("应急车道违法停车。", "大货车违法占用超车道行驶。"), (Channel.PATROL,), where="road"
        ),
    ),
    roads=(*(point for point, _grid in HIGHWAY_POINTS), "冀州西收费站"),
)

LINGANG = Flavour(
    count=40,
    regions=("130302", "110105", "120101", "130102", "210202"),
    templates=(
        Template(
            Kind.LOST_PROPERTY,
            "0602",
            ("游客在景区游玩时丢失手机。", "游客丢失钱包，内有身份证。", "游客丢失背包，内有相机。"),
            (Channel.CALL_110, Channel.WALK_IN),
            "helped",
            where="road",
        ),
        Template(
            Kind.MISSING_PERSON,
            "060101",
            ("游客与孩子在人群中走散。", "孩子在海滨浴场与家长走散。"),
            (Channel.WALK_IN, Channel.CALL_110),
            "helped",
            Priority.URGENT,
            where="road",
        ),
        Template(
            Kind.HELP,
            "0603",
            ("车辆电瓶亏电无法启动，驾驶人求助。", "车辆爆胎停在路边求助。"),
            (Channel.PATROL, Channel.CALL_110),
            "helped",
            where="road",
        ),
        Template(
            Kind.DISPUTE,
            "020503",
            ("游客与商户因商品价格发生纠纷。", "游客与出租车司机因车费发生争执。"),
            (Channel.CALL_110, Channel.WALK_IN),
            others=1,
            where="road",
        ),
        Template(
            Kind.HELP,
            "0699",
            ("游客中暑，求助。", "老人在景区摔倒，求助。"),
            (Channel.WALK_IN,),
            "helped",
            Priority.HIGH,
            where="road",
        ),
        Template(Kind.CASE, "010404", ("游客手机在人群中被扒窃。",), (Channel.CALL_110,), "case_opened", where="road"),
        Template(
            Kind.DISPUTE, "0203", ("夜间烧烤摊噪声扰民。", "楼上住户深夜噪声扰民。"), (Channel.CALL_110,), others=1
        ),
        Template(Kind.DISPUTE, "020501", ("因楼道堆放杂物与邻居发生口角。", "因车位被占与邻居发生争执。"), others=1),
        Template(
            Kind.HELP, "9901", ("报警人称误拨110，无警情。",), (Channel.CALL_110,), reject="无效报警：经回拨核实无警情"
        ),
    ),
    roads=(
        "国际旅游港熊猫欢乐王国",
        "国际旅游港游艇码头",
        "国际旅游港港口医院",
        "东干路",
        "海滨浴场",
        "国际旅游港客运站",
    ),
)

FLAVOURS = {"lucheng": LUCHENG, "bozhen": BOZHEN, "jizhou": JIZHOU, "lingang": LINGANG}


@dataclass(frozen=True)
class Crew:
    """Who works the station's matters, and which officer answers for which address."""

    chief: str
    police: tuple[str, ...]  # everyone who may own a matter: chief, officers, auxiliaries
    homes: tuple[str, ...]  # standard addresses: flats and village houses
    flats: tuple[str, ...]  # standard addresses of flats in residential communities
    villages: tuple[str, ...]  # standard addresses in villages
    officer_of: dict[str, str]  # address → community officer of its police grid


def crew_of(station_code: str, exclude: frozenset[str] = frozenset()) -> Crew:
    """The station's people and places; `exclude`: addresses the stories live at, which draws never pick."""
    staff = User.objects.filter(station__code=station_code, role__in=[Role.CHIEF, Role.OFFICER, Role.AUXILIARY])
    police = tuple(sorted(user.username for user in staff))
    chief = next(user.username for user in staff if user.role == Role.CHIEF)
    addresses = [
        address
        for address in StandardAddress.objects.filter(station__code=station_code, community__isnull=False)
        .select_related("community", "grid__police_grid__officer")
        .order_by("full_text")
        if address.full_text not in exclude
    ]
    officer_of = {
        a.full_text: a.grid.police_grid.officer.username
        for a in addresses
        if a.grid and a.grid.police_grid.officer is not None
    }
    villages = tuple(a.full_text for a in addresses if a.community and a.community.kind == Community.Kind.VILLAGE)
    # Homes are flats, or houses in a village; whole buildings and sites are for alarms and open places.
    flats = tuple(a.full_text for a in addresses if a.room)
    return Crew(chief, police, flats + villages, flats, villages, officer_of)


class Spread:
    """Hands out places so that unrelated calls do not pile up at one address.

    Each call goes to a place with the fewest other calls within the repeat-call window around it (before or after:
    the draws are not in time order). With enough places that is none, so no home reaches the analysis's three
    calls in a window and the repeat groups are the stories' own.
    """

    def __init__(self, window: dt.timedelta = dt.timedelta(days=DEFAULT_WINDOW_DAYS)) -> None:
        self.window = window
        self.calls: dict[str, list[dt.datetime]] = defaultdict(list)

    def pick(self, places: Sequence[str], moment: dt.datetime, rng: random.Random) -> str:
        near = {place: sum(1 for t in self.calls[place] if abs(t - moment) < self.window) for place in places}
        fewest = min(near.values())
        place = rng.choice([place for place in places if near[place] == fewest])
        self.calls[place].append(moment)
        return place


def ordinary_stories(station_code: str, now: dt.datetime, homes: frozenset[str] = frozenset()) -> list[Story]:
    flavour = FLAVOURS[station_code]
    crew = crew_of(station_code, homes)
    rng = random.Random(f"fengqiao-demo-{station_code}")
    spread = Spread()
    return [_story(station_code, index, flavour, crew, rng, now, spread) for index in range(1, flavour.count + 1)]


def _story(
    code: str, index: int, flavour: Flavour, crew: Crew, rng: random.Random, now: dt.datetime, spread: Spread
) -> Story:
    template = rng.choice(flavour.templates)
    # The first few are fresh, so that the station always has new matters waiting to be accepted.
    age = rng.uniform(0.3, 5) * HOUR if index <= 3 else rng.random() ** 2 * HISTORY_DAYS * DAY
    reported = now - age
    place = _place(template, flavour, crew, rng, reported, spread)
    owner = crew.officer_of.get(place) if rng.random() < 0.7 else None
    registration = Registration(
        kind=template.kind,
        channel=rng.choice(template.channels),
        category=template.category,
        priority=template.priority,
        description=rng.choice(template.texts),
        address=place,
        reported_at=reported,
        parties=_parties(template, flavour, rng),
    )
    # The first one waits to be accepted, so that every station has a new call to pick up.
    script = [] if index == 1 else _script(template, crew, owner or rng.choice(crew.police), rng, reported, now)
    registrar = rng.choice(crew.police)
    return Story(f"DEMO-{code}-{index:04d}", code, registrar, registration, tuple(script))


def _place(
    template: Template, flavour: Flavour, crew: Crew, rng: random.Random, reported: dt.datetime, spread: Spread
) -> str:
    if template.where == "road" and flavour.roads:
        return spread.pick(flavour.roads, reported, rng)
    homes = {"flat": crew.flats, "village": crew.villages}.get(template.where) or crew.homes
    return spread.pick(homes, reported, rng)


def _parties(template: Template, flavour: Flavour, rng: random.Random) -> list[PartyInput]:
    roles = [PartyRole.REPORTER] + [PartyRole.PARTY] * template.others
    return [
        PartyInput(
            random_name(rng),
            role,
            random_phone(rng),
            random_id_number(rng, rng.choice(flavour.regions)) if rng.random() < 0.7 else "",
        )
        for role in roles
    ]


def _target(rng: random.Random, age: dt.timedelta) -> str:
    """How far along the loop a matter of this age has come."""
    if age < 6 * HOUR:
        choices = [Stage.REGISTERED, Stage.ACCEPTED, Stage.ASSIGNED, Stage.IN_PROGRESS]
    elif age < 3 * DAY:
        choices = [Stage.ASSIGNED, Stage.IN_PROGRESS, Stage.IN_PROGRESS, Stage.RESOLVED, Stage.CALLED_BACK]
    elif age < 21 * DAY:
        choices = [Stage.IN_PROGRESS, Stage.RESOLVED, Stage.CALLED_BACK, Stage.ARCHIVED, Stage.ARCHIVED]
    else:  # old matters are archived, but a few are still open: the overdue list of a real station
        choices = [Stage.ARCHIVED] * 8 + [Stage.IN_PROGRESS, Stage.CALLED_BACK]
    return rng.choice(choices)


class _Clock:
    """Step times after the report: each step a plausible while later, all of them before now."""

    def __init__(self, rng: random.Random, reported: dt.datetime, now: dt.datetime) -> None:
        self.rng, self.time, self.now = rng, reported, now

    def after(self, low: dt.timedelta, high: dt.timedelta) -> dt.datetime:
        wanted = low + (high - low) * self.rng.random()
        self.time += min(wanted, (self.now - self.time) / 3)
        return self.time


def _script(
    template: Template, crew: Crew, owner: str, rng: random.Random, reported: dt.datetime, now: dt.datetime
) -> list[Move | Act]:
    target = _target(rng, now - reported)
    clock = _Clock(rng, reported, now)
    minute = dt.timedelta(minutes=1)
    script: list[Move | Act] = []
    if target == Stage.REGISTERED:
        return script
    script.append(accept(rng.choice(crew.police), clock.after(2 * minute, 30 * minute)))
    if template.reject:
        return [*script, reject(crew.chief, clock.after(5 * minute, HOUR), template.reject)]
    if target == Stage.ACCEPTED:
        return script
    assigner = crew.chief if rng.random() < 0.6 else owner  # dispatched by the chief, or taken by the officer
    script.append(assign(assigner, clock.after(2 * minute, HOUR), owner))
    if target == Stage.ASSIGNED:
        return script
    script.append(start(owner, clock.after(10 * minute, 3 * HOUR)))
    for kind, note in rng.sample(WORK[template.kind], k=rng.randint(1, 2)):
        script.append(Act(owner, kind, note, clock.after(20 * minute, 2 * DAY)))
    if template.transfer:
        return [*script, transfer(crew.chief, clock.after(HOUR, DAY), template.transfer)]
    if target == Stage.IN_PROGRESS:
        return script
    return script + _closing(template, crew, owner, target, clock, rng)


def _closing(
    template: Template, crew: Crew, owner: str, target: str, clock: _Clock, rng: random.Random
) -> list[Move | Act]:
    steps: list[Move | Act] = [resolve(owner, clock.after(HOUR, 3 * DAY), template.outcome)]
    if target == Stage.RESOLVED:
        return steps
    # One callback in twenty finds the resident unsatisfied, which reopens the matter.
    satisfaction = rng.choices(
        [Satisfaction.SATISFIED, Satisfaction.BASICALLY_SATISFIED, Satisfaction.UNSATISFIED], [14, 5, 1]
    )[0]
    steps.append(call_back(rng.choice(crew.police), clock.after(6 * HOUR, 3 * DAY), satisfaction))
    if target == Stage.ARCHIVED and satisfaction != Satisfaction.UNSATISFIED:
        steps.append(archive(crew.chief, clock.after(HOUR, 5 * DAY)))
    return steps
