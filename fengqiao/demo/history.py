"""鹿城's everyday history for January–July of 2023 and 2024, from which the newspaper's figures come out.

The paper prints, for 1 Jan – 31 Jul 2024 against the same period of 2023: calls handled −23.3 %, administrative
cases −20 %, preventable cases −15 %, telecom-fraud incidence −50 %, warnings per 10,000 residents −85.71 %.
With 14,000 residents in both years these are the counts below (300 → 230 calls is −23.33 %, printed −23.3 %;
14 → 2 warnings is 10.0 → 1.43 per 10,000, −85.71 %). The stories already in the demo count too (李女士's warning
in January 2024 is one of the two), so the background only adds what is missing, KPI by KPI, under the station's
own KPI definitions (fengqiao/stats/data/kpis.json).

Matters are registered in one batch per year and closed through `transition()`, so every one has its event
rows; references `DEMO-lh-<year>-<n>` are stable, and a second run adds nothing. They happen at the residents'
homes, spread like the everyday matters' (fengqiao.demo.ordinary.Spread), never at a story's.
"""

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet

from fengqiao.demo.ordinary import Crew, Spread, crew_of
from fengqiao.demo.script import at
from fengqiao.matters.domain import registration
from fengqiao.matters.domain.registration import Registration
from fengqiao.matters.domain.transitions import Step, transition
from fengqiao.matters.models import Channel, Kind, Matter, Satisfaction, Stage
from fengqiao.staff.models import User
from fengqiao.stations.models import Station
from fengqiao.stats.domain.figures import Scope
from fengqiao.stats.domain.periods import Period
from fengqiao.stats.domain.raw import kpi_matters, matters_in
from fengqiao.stats.models import Kpi
from fengqiao.stats.refresh import mark_matters

STATION = "lucheng"
PREFIX = "DEMO-lh-"


@dataclass(frozen=True)
class Targets:
    calls: int
    administrative_cases: int
    preventable_cases: int
    telecom_fraud: int
    fraud_warnings: int
    invalid_calls: int  # 无效报警: registered and rejected, counted by no KPI


TARGETS = {
    2023: Targets(
        calls=300, administrative_cases=50, preventable_cases=40, telecom_fraud=8, fraud_warnings=14, invalid_calls=20
    ),
    2024: Targets(
        calls=230, administrative_cases=40, preventable_cases=34, telecom_fraud=4, fraud_warnings=2, invalid_calls=15
    ),
}


@dataclass(frozen=True)
class Sort:
    """A sort of background matter: category, kind, what residents say, and how the station closes it."""

    category: str
    kind: str
    texts: tuple[str, ...]
    outcome: str


TELECOM = (
    Sort(
        "010501",
        Kind.CASE,
        ("接到冒充客服电话，按对方要求转账后被骗。", "冒充“公检法”来电称涉嫌洗钱，转账至“安全账户”。"),
        "case_opened",
    ),
    Sort("010502", Kind.CASE, ("网上刷单返利被骗。", "网络投资理财平台无法提现，发现被骗。"), "case_opened"),
)
PREVENTABLE = (
    Sort("010401", Kind.CASE, ("家中被盗，门锁有撬压痕迹。",), "case_opened"),
    Sort("010403", Kind.CASE, ("停在路边的轿车车窗被砸，车内财物被盗。",), "case_opened"),
    Sort("010404", Kind.CASE, ("在集市上手机被扒窃。",), "case_opened"),
    Sort("010499", Kind.CASE, ("停放在楼下的电动自行车被盗。", "院内晾晒的衣物被盗。"), "case_opened"),
    Sort("0103", Kind.CASE, ("夜间步行回家时挎包被抢。",), "case_opened"),
    Sort("010599", Kind.CASE, ("以介绍工作为名收取费用后失联。",), "case_opened"),
)
ADMINISTRATIVE = (
    Sort("0201", Kind.CASE, ("饭后因琐事发生口角，继而相互推搡殴打。",), "case_opened"),
    Sort("0202", Kind.CASE, ("醉酒男子在商店门口无故滋事。",), "case_opened"),
    Sort("0204", Kind.CASE, ("举报某平房内有人聚众赌博。",), "case_opened"),
    Sort("0206", Kind.CASE, ("被人发短信威胁恐吓。",), "case_opened"),
)
OTHER_CALLS = (
    Sort("020501", Kind.DISPUTE, ("因楼道堆放杂物与邻居发生口角。", "因车位被占与邻居发生争执。"), "resolved"),
    Sort("020502", Kind.DISPUTE, ("夫妻因家务琐事发生争吵，一方报警。",), "resolved"),
    Sort("0203", Kind.DISPUTE, ("楼上住户深夜大声播放音乐，噪声扰民。",), "resolved"),
    Sort("0602", Kind.LOST_PROPERTY, ("在公交车上遗失钱包。", "钥匙串遗失，请求帮助查找。"), "helped"),
    Sort("0603", Kind.HELP, ("车辆在路上抛锚，请求帮助。",), "helped"),
    Sort("0604", Kind.HELP, ("独居老人家中停电，请求帮助联系电工。",), "helped"),
    Sort("060102", Kind.MISSING_PERSON, ("家中老人外出散步未归。",), "helped"),
    Sort("0401", Kind.TRAFFIC, ("两车在路口发生剐蹭，双方争执不下。",), "resolved"),
    Sort("0699", Kind.HELP, ("被锁在门外，请求帮助联系开锁。",), "helped"),
)
WARNING = Sort("0801", Kind.FRAUD_WARNING, ("反诈中心预警：辖区群众疑似正在被骗，请立即劝阻。",), "resolved")
INVALID = Sort("9901", Kind.HELP, ("报警人未说话即挂断，回拨无人接听。", "儿童拨打110玩耍。"), "")
CALL_CHANNELS = (Channel.CALL_110,) * 12 + (Channel.PHONE,) * 4 + (Channel.WALK_IN,) * 3 + (Channel.COMMUNITY_GROUP,)


def load_history(homes: frozenset[str] = frozenset()) -> int:
    """Register what is missing of 鹿城's background history, away from `homes` (the stories'); returns how many
    matters were added."""
    station = Station.objects.filter(code=STATION).first()
    if station is None or not Kpi.objects.exists():
        return 0
    crew = crew_of(STATION, homes)
    users = {user.username: user for user in User.objects.filter(username__in=crew.police)}
    return sum(_load_year(station, year, targets, crew, users) for year, targets in TARGETS.items())


def _load_year(station: Station, year: int, targets: Targets, crew: Crew, users: dict[str, User]) -> int:
    period = Period(dt.date(year, 1, 1), dt.date(year, 7, 31))
    plan = _plan(_missing(station, period, targets), random.Random(f"fengqiao-history-{year}"), year, crew, Spread())
    present = set(
        Matter.objects.filter(station=station, external_ref__startswith=f"{PREFIX}{year}-").values_list(
            "external_ref", flat=True
        )
    )
    todo = [item for item in plan if item.registration.external_ref not in present]
    if not todo:
        return 0
    registrar = users[crew.chief]
    matters = _register(station, registrar, [item.registration for item in todo])
    mark_matters(matters)  # a batch saves without signals
    for matter, item in zip(matters, todo, strict=True):
        _close(matter, item, users, crew.chief)
    return len(matters)


def _missing(station: Station, period: Period, targets: Targets) -> dict[str, int]:
    """How many of each KPI the background must add to what the stories already count."""
    others = Matter.objects.filter(station=station).exclude(external_ref__startswith=PREFIX)
    counted: QuerySet[Matter] = matters_in(Scope((station.pk,)), period, others)
    have = {kpi.code: kpi_matters(kpi, counted).count() for kpi in Kpi.objects.filter(code__in=vars(targets))}
    missing = {code: getattr(targets, code) - have.get(code, 0) for code in vars(targets)}
    if min(missing.values()) < 0:
        raise ValueError(f"The demo's stories already exceed the newspaper's figures: {missing}")
    return missing


@dataclass(frozen=True)
class Planned:
    registration: Registration
    outcome: str
    took: dt.timedelta  # from the report to the resolution
    satisfaction: str


def _plan(missing: dict[str, int], rng: random.Random, year: int, crew: Crew, spread: Spread) -> list[Planned]:
    """The year's background matters in a fixed order (the same draws on every run, so the same references)."""
    telecom = missing["telecom_fraud"]
    preventable = missing["preventable_cases"] - telecom
    administrative = missing["administrative_cases"]
    other_calls = missing["calls"] - telecom - preventable - administrative
    if min(preventable, other_calls) < 0:
        raise ValueError(f"The demo's stories do not leave room for the newspaper's figures: {missing}")
    sorts: list[Sort] = [
        *(TELECOM[i % len(TELECOM)] for i in range(telecom)),
        *(PREVENTABLE[i % len(PREVENTABLE)] for i in range(preventable)),
        *(ADMINISTRATIVE[i % len(ADMINISTRATIVE)] for i in range(administrative)),
        *(rng.choice(OTHER_CALLS) for _ in range(other_calls)),
        *(WARNING for _ in range(missing["fraud_warnings"])),
        *(INVALID for _ in range(missing["invalid_calls"])),
    ]
    return [_planned(sort, index, rng, year, crew, spread) for index, sort in enumerate(sorts, start=1)]


def _planned(sort: Sort, index: int, rng: random.Random, year: int, crew: Crew, spread: Spread) -> Planned:
    first, last = dt.date(year, 1, 1), dt.date(year, 7, 31)
    day = first + dt.timedelta(days=rng.randrange((last - first).days + 1))
    reported = at(day.year, day.month, day.day, rng.randrange(7, 23), rng.randrange(60))
    channel = Channel.ANTI_FRAUD if sort is WARNING else rng.choice(CALL_CHANNELS)
    registration = Registration(
        kind=sort.kind,
        channel=channel,
        category=sort.category,
        description=rng.choice(sort.texts),
        address=spread.pick(crew.homes, reported, rng),
        reported_at=reported,
        external_ref=f"{PREFIX}{year}-{index:04d}",
    )
    # Most within a day or two; one in twenty-five late, past the week a normal matter has.
    hours = rng.uniform(8 * 24, 10 * 24) if rng.random() < 0.04 else rng.uniform(0.5, 48)
    answer = rng.random()
    satisfaction = (
        Satisfaction.UNSATISFIED
        if answer < 0.03
        else Satisfaction.BASICALLY_SATISFIED
        if answer < 0.11
        else Satisfaction.SATISFIED
    )
    # Not every dispute ends in full agreement (部分化解).
    outcome = "partly_resolved" if sort.kind == Kind.DISPUTE and rng.random() < 0.15 else sort.outcome
    return Planned(registration, outcome, dt.timedelta(hours=hours), satisfaction)


def _register(station: Station, registrar: User, regs: list[Registration]) -> list[Matter]:
    batch: Callable[[Station, User, list[Registration]], list[Matter]] | None = getattr(
        registration, "register_batch", None
    )
    if batch is not None:
        return batch(station, registrar, regs)
    return [registration.register(station, registrar, reg) for reg in regs]


def _close(matter: Matter, item: Planned, users: dict[str, User], chief: str) -> None:
    """Through the loop like any matter: an invalid call is rejected, the rest resolved, called back, archived."""
    boss, start = users[chief], matter.reported_at
    if not item.outcome:
        transition(matter.pk, boss, Step(to=Stage.REJECTED, reason="无效报警", at=start + dt.timedelta(minutes=5)))
        return
    owner = users[sorted(users)[matter.pk % len(users)]]
    steps = [
        (boss, Step(to=Stage.ACCEPTED, at=start + dt.timedelta(minutes=3))),
        (boss, Step(to=Stage.ASSIGNED, owner=owner.username, at=start + dt.timedelta(minutes=5))),
        (owner, Step(to=Stage.IN_PROGRESS, at=start + dt.timedelta(minutes=20))),
        (owner, Step(to=Stage.RESOLVED, outcome=item.outcome, at=start + item.took)),
        (
            owner,
            Step(to=Stage.CALLED_BACK, satisfaction=item.satisfaction, at=start + item.took + dt.timedelta(days=1)),
        ),
        (boss, Step(to=Stage.ARCHIVED, at=start + item.took + dt.timedelta(days=3))),
    ]
    if item.satisfaction == Satisfaction.UNSATISFIED:
        # 不满意 reopens the matter (transition() does that itself); the owner goes back and settles it.
        done = start + item.took + dt.timedelta(days=2)
        steps[-1:] = [
            (owner, Step(to=Stage.RESOLVED, outcome=item.outcome, at=done)),
            (owner, Step(to=Stage.CALLED_BACK, satisfaction=Satisfaction.SATISFIED, at=done + dt.timedelta(days=1))),
            (boss, Step(to=Stage.ARCHIVED, at=done + dt.timedelta(days=2))),
        ]
    for actor, step in steps:
        transition(matter.pk, actor, step)
