"""The four demo units of the seed page: their territory, staff and partners, loaded idempotently.

Data first (`STATIONS`), then short loaders that turn each spec into rows with get_or_create/update_or_create,
so that a second run finds everything in place and adds nothing.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import make_password

from fengqiao.codes.models import Code, CodeTable
from fengqiao.staff.models import Role, User
from fengqiao.stations.models import (
    Branch,
    Community,
    CommunityGrid,
    GridPopulation,
    Partner,
    PoliceGrid,
    PolicePost,
    StandardAddress,
    Station,
)

POPULATION_YEARS = (2023, 2024, 2025, 2026)
BASE_YEAR = 2024  # the year the newspaper reports on; 2023 keeps the same figures, later years grow a little
GROWTH_PER_YEAR = 0.01
VILLAGE = Community.Kind.VILLAGE
COMMUNITY = Community.Kind.COMMUNITY
P = Partner.Kind


@dataclass(frozen=True)
class StaffSpec:
    username: str
    full_name: str
    role: str
    post: str = ""
    partner: str = ""


@dataclass(frozen=True)
class PoliceGridSpec:
    code: str
    name: str
    officer: str = ""
    post: str = ""


@dataclass(frozen=True)
class AddressSpec:
    building: str = ""
    unit: str = ""
    room: str = ""
    remainder: str = ""
    estate: str = ""
    grid: str = ""  # for places outside any community: the grid that answers for them


@dataclass(frozen=True)
class GridSpec:
    code: str
    name: str
    community: str
    police_grid: str
    residents: int  # in BASE_YEAR
    worker: str = ""
    addresses: tuple[AddressSpec, ...] = ()


@dataclass(frozen=True)
class StationSpec:
    code: str
    name: str
    branch: tuple[str, str]  # code, name
    area: str
    posts: tuple[str, ...]
    communities: tuple[tuple[str, str, str], ...]  # name, kind, township
    police_grids: tuple[PoliceGridSpec, ...]
    grids: tuple[GridSpec, ...]
    partners: tuple[tuple[str, str], ...]  # name, kind
    staff: tuple[StaffSpec, ...]
    places: tuple[AddressSpec, ...] = ()  # standard addresses outside any community (roads, sites)
    forces: tuple[tuple[str, str], ...] = ()  # partner name, code of its force of the "8" (table mediation_forces)


# Kilometre points of 邢衡高速 in both directions: the highway's standard addresses, split between two grids.
HIGHWAY_POINTS = tuple(
    (f"邢衡高速{direction}方向{km}公里", "JZ-G01" if km < 140 else "JZ-G02")
    for direction in ("邢台", "衡水")
    for km in (112, 119, 126, 130, 133, 140, 147, 154, 161, 168)
)


def rooms(*specs: str) -> tuple[AddressSpec, ...]:
    """Addresses written as 'building-unit-room' (e.g. '3-2-501'); a bare number is a whole building."""
    result = []
    for spec in specs:
        parts = [*spec.split("-"), "", ""]
        result.append(AddressSpec(building=parts[0], unit=parts[1], room=parts[2]))
    return tuple(result)


def lots(*remainders: str) -> tuple[AddressSpec, ...]:
    """Village addresses: group and house number as free text after the village's name."""
    return tuple(AddressSpec(remainder=remainder) for remainder in remainders)


# More of the residents' homes than the stories need, so that everyday matters spread over many flats
# (fengqiao.demo.ordinary.Spread). None in the buildings the places tests expect to be missing (华丽社区12号楼,
# 采四社区9号楼) or in 采五东区, whose buildings are the blockers'.
LC_G01_HOMES = (
    "1-2-302",
    "1-1-601",
    "2-1-501",
    "2-2-102",
    "3-1-202",
    "4-1-301",
    "4-2-602",
    "5-2-101",
    "6-1-402",
    "6-2-201",
)
LC_G02_HOMES = ("7-2-401", "7-1-501", "8-1-102", "8-2-602", "9-2-302", "9-1-201", "10-1-201", "10-2-502", "11-1-601")
LC_G05_HOMES = (
    "1-1-201",
    "1-2-402",
    "2-2-101",
    "3-1-101",
    "3-2-301",
    "4-1-202",
    "5-1-502",
    "5-2-202",
    "6-2-302",
    "7-1-301",
)
BZ_G01_HOMES = (
    "1-1-201",
    "2-2-301",
    "3-1-402",
    "4-1-502",
    "5-2-102",
    "6-1-401",
    "7-2-602",
    "8-2-302",
    "9-1-302",
    "10-2-201",
    "11-1-101",
)
BZ_G02_HOMES = (
    "13-1-301",
    "14-2-402",
    "16-1-102",
    "18-2-201",
    "20-1-502",
    "21-2-301",
    "22-1-601",
    "23-2-102",
    "24-1-401",
)

LUCHENG = StationSpec(
    code="lucheng",
    name="鹿城派出所",
    branch=("xinbei", "辛北分局"),
    area="辛集、晋州、深泽",
    posts=("华丽社区警务室", "采五东区警务室"),
    communities=(
        ("华丽社区", COMMUNITY, "辛集市"),
        ("采五东区", COMMUNITY, "辛集矿区"),
        ("采四社区", COMMUNITY, "辛集矿区"),
        ("东卓宿村", VILLAGE, "晋州市"),
        ("西河头村", VILLAGE, "深泽县"),
    ),
    police_grids=(
        PoliceGridSpec("LC-PG1", "华丽警格", "lc_zhao", "华丽社区警务室"),
        PoliceGridSpec("LC-PG2", "矿区警格", "lc_qian", "采五东区警务室"),
        PoliceGridSpec("LC-PG3", "晋州深泽警格", "lc_wu"),
    ),
    # 2,600 + 2,400 + 2,300 + 2,100 + 1,900 + 1,500 + 1,200 = 14,000 residents, as the newspaper says.
    grids=(
        GridSpec(
            "LC-G01",
            "华丽一网格",
            "华丽社区",
            "LC-PG1",
            2600,
            "lc_li",
            rooms("3-2-501", "1-1-101", "2-3-602", "5-1-401", *LC_G01_HOMES),
        ),
        GridSpec(
            "LC-G02",
            "华丽二网格",
            "华丽社区",
            "LC-PG1",
            2400,
            "lc_li",
            rooms("7-1-302", "8-2-201", "9-1-502", "11-2-301", *LC_G02_HOMES),
        ),
        # The e-bike campaign is tracked per building: every one of the 29 high-rise buildings has an address.
        GridSpec(
            "LC-G03",
            "采五东区一网格",
            "采五东区",
            "LC-PG2",
            2300,
            "",
            (AddressSpec(), *rooms(*map(str, range(1, 16)), "6-1-1201")),
        ),
        GridSpec(
            "LC-G04", "采五东区二网格", "采五东区", "LC-PG2", 2100, "", rooms(*map(str, range(16, 30)), "21-2-903")
        ),
        GridSpec(
            "LC-G05",
            "采四社区网格",
            "采四社区",
            "LC-PG2",
            1900,
            "",
            rooms("2-1-302", "4-2-501", "6-1-202", *LC_G05_HOMES),
        ),
        GridSpec(
            "LC-G06",
            "东卓宿村网格",
            "东卓宿村",
            "LC-PG3",
            1500,
            "",
            lots(
                "一组12号", "二组7号", "三组21号", "一组5号", "一组30号", "二组16号", "三组8号", "四组2号", "四组19号"
            ),
        ),
        GridSpec(
            "LC-G07",
            "西河头村网格",
            "西河头村",
            "LC-PG3",
            1200,
            "",
            lots("东街18号", "西街5号", "南街33号", "东街7号", "西街22号", "南街12号", "北街3号", "北街26号"),
        ),
    ),
    partners=(
        ("华丽社区居委会", P.RESIDENTS_COMMITTEE),
        ("采四社区居委会", P.RESIDENTS_COMMITTEE),
        ("辛集市供水公司", P.UTILITY),
        ("国网辛集市供电公司", P.UTILITY),
        ("采五东区物业", P.PROPERTY),
        ("辛北分局消防大队", P.FIRE_BRIGADE),
        ("冀中公安局反诈中心", P.OTHER),
        ("中国农业银行辛集支行", P.BANK),
        ("辛集农商银行", P.BANK),
        ("中国移动辛集分公司", P.TELECOM),
        ("辛集市第二医院", P.HOSPITAL),
        ("华北油田采油五厂", P.ENTERPRISE),
    ),
    staff=(
        StaffSpec("wangxiaojian", "王晓建", Role.CHIEF),
        StaffSpec("lc_zhao", "赵志刚", Role.OFFICER, post="华丽社区警务室"),
        StaffSpec("lc_qian", "钱卫东", Role.OFFICER, post="采五东区警务室"),
        StaffSpec("lc_wu", "吴立新", Role.OFFICER),
        StaffSpec("lc_sun", "孙浩", Role.AUXILIARY, post="华丽社区警务室"),
        StaffSpec("lc_li", "李娟", Role.GRID_WORKER),
        StaffSpec("lc_zhou", "周建国", Role.VOLUNTEER),  # 联防队员 of one of the eight joint-defence teams
    ),
)

BOZHEN = StationSpec(
    code="bozhen",
    name="泊镇派出所",
    branch=("botou", "泊头市公安局"),
    area="泊头市泊镇",
    posts=("东港豪庭警务室",),
    communities=(
        ("东港豪庭小区", COMMUNITY, "泊镇"),
        ("东王庄村", VILLAGE, "泊镇"),
        ("西辛店村", VILLAGE, "泊镇"),
        ("齐家务村", VILLAGE, "泊镇"),
    ),
    police_grids=(
        PoliceGridSpec("BZ-PG1", "镇区警格", "bz_chen", "东港豪庭警务室"),
        PoliceGridSpec("BZ-PG2", "东片村警格", "bz_yang"),
    ),
    grids=(
        GridSpec(
            "BZ-G01",
            "东港豪庭一网格",
            "东港豪庭小区",
            "BZ-PG1",
            3200,
            "bz_gao",
            rooms("12-1-302", "12-1-402", "3-2-101", "8-1-601", *BZ_G01_HOMES),
        ),
        GridSpec(
            "BZ-G02",
            "东港豪庭二网格",
            "东港豪庭小区",
            "BZ-PG1",
            2800,
            "bz_gao",
            rooms("15-1-201", "17-2-502", "19-1-301", *BZ_G02_HOMES),
        ),
        GridSpec(
            "BZ-G03",
            "东王庄村网格",
            "东王庄村",
            "BZ-PG2",
            1800,
            "",
            lots("前街9号", "后街16号", "中街4号", "前街21号", "后街3号", "中街17号", "北街8号"),
        ),
        GridSpec(
            "BZ-G04",
            "西辛店村网格",
            "西辛店村",
            "BZ-PG2",
            1500,
            "",
            lots("一组3号", "二组11号", "一组14号", "二组5号", "三组9号"),
        ),
        GridSpec(
            "BZ-G05",
            "齐家务村网格",
            "齐家务村",
            "BZ-PG2",
            1300,
            "",
            lots("东头25号", "西头8号", "东头11号", "西头20号", "南头6号"),
        ),
    ),
    # The eight forces of 1+8+N, and the village committees for the N mediation points.
    partners=(
        ("泊镇人民政府", P.GOVERNMENT),
        ("泊头市人民法院泊镇法庭", P.COURT),
        ("泊头市正平律师事务所", P.LAW_FIRM),
        ("东港豪庭小区物业", P.PROPERTY),
        ("泊镇治安积极分子队", P.OTHER),
        ("泊镇司法所", P.JUDICIAL_OFFICE),
        ("泊镇综合执法队", P.ENFORCEMENT),
        ("东港豪庭社区居委会", P.RESIDENTS_COMMITTEE),
        ("东王庄村委会", P.RESIDENTS_COMMITTEE),
        ("西辛店村委会", P.RESIDENTS_COMMITTEE),
        ("齐家务村委会", P.RESIDENTS_COMMITTEE),
        ("泊头市公安局物证鉴定室", P.OTHER),
    ),
    forces=(
        ("泊镇人民政府", "cadres"),
        ("泊头市人民法院泊镇法庭", "court"),
        ("泊头市正平律师事务所", "lawyers"),
        ("东港豪庭小区物业", "property"),
        ("泊镇治安积极分子队", "activists"),
        ("泊镇司法所", "judicial_office"),
        ("泊镇综合执法队", "enforcement"),
        ("东港豪庭社区居委会", "residents"),
        ("东王庄村委会", "residents"),
        ("西辛店村委会", "residents"),
        ("齐家务村委会", "residents"),
    ),
    staff=(
        StaffSpec("liuqiang", "刘强", Role.CHIEF),
        StaffSpec("bz_chen", "陈立军", Role.OFFICER, post="东港豪庭警务室"),
        StaffSpec("bz_yang", "杨帆", Role.OFFICER),
        StaffSpec("bz_he", "何磊", Role.AUXILIARY),
        StaffSpec("bz_gao", "高敏", Role.GRID_WORKER),
        # Partner mediators of 1+8+N: the lawyer, the community head, a judge, the judicial office's mediator.
        StaffSpec("bz_ma", "马文静", Role.MEDIATOR, partner="泊头市正平律师事务所"),
        StaffSpec("bz_zhu", "朱桂芳", Role.MEDIATOR, partner="东港豪庭社区居委会"),
        StaffSpec("bz_wang", "王振华", Role.MEDIATOR, partner="泊头市人民法院泊镇法庭"),
        StaffSpec("bz_li", "李秀兰", Role.MEDIATOR, partner="泊镇司法所"),
    ),
)

JIZHOU = StationSpec(
    code="jizhou",
    name="高速交警冀州大队",
    branch=("gaosu", "高速交警"),
    area="邢衡高速冀州段",
    posts=("冀州西收费站执勤点",),
    communities=(("小寨村", VILLAGE, "冀州区"), ("北漳淮村", VILLAGE, "冀州区")),
    police_grids=(
        PoliceGridSpec("JZ-PG1", "邢衡高速K110–K140", "jz_li", "冀州西收费站执勤点"),
        PoliceGridSpec("JZ-PG2", "邢衡高速K140–K170", "jz_wu"),
    ),
    grids=(
        GridSpec("JZ-G01", "小寨村沿线网格", "小寨村", "JZ-PG1", 900, "jz_cui", lots("村东12号", "村西3号")),
        GridSpec("JZ-G02", "北漳淮村沿线网格", "北漳淮村", "JZ-PG2", 700, "jz_cui", lots("南街6号")),
    ),
    partners=(
        ("冀州西收费站", P.ENTERPRISE),
        ("高速路政冀州中队", P.OTHER),
        ("冀州区120急救中心", P.HOSPITAL),
    ),
    staff=(
        StaffSpec("jz_zhang", "张建军", Role.CHIEF),
        StaffSpec("jz_li", "李明", Role.OFFICER, post="冀州西收费站执勤点"),
        StaffSpec("jz_wu", "武志强", Role.OFFICER),
        StaffSpec("jz_fu", "付亮", Role.AUXILIARY),
        StaffSpec("jz_cui", "崔丽", Role.GRID_WORKER),
    ),
    places=(
        AddressSpec(remainder="冀州西收费站", grid="JZ-G01"),
        *(AddressSpec(remainder=point, grid=grid) for point, grid in HIGHWAY_POINTS),
    ),
)

LINGANG = StationSpec(
    code="lingang",
    name="临港治安派出所",
    branch=("ganghang", "秦皇岛港航公安局"),
    area="秦皇岛港临港片区",
    posts=("国际旅游港警务站",),
    communities=(("国际旅游港", COMMUNITY, "海港区"), ("临港花园小区", COMMUNITY, "海港区")),
    police_grids=(
        PoliceGridSpec("LG-PG1", "国际旅游港警格", "lg_wu", "国际旅游港警务站"),
        PoliceGridSpec("LG-PG2", "东干路警格", "lg_zheng"),
    ),
    grids=(
        GridSpec(
            "LG-G01",
            "旅游港网格",
            "国际旅游港",
            "LG-PG1",
            600,
            "lg_tang",
            lots("游艇码头", "熊猫欢乐王国", "港口医院", "客运站"),
        ),
        GridSpec(
            "LG-G02",
            "临港花园一网格",
            "临港花园小区",
            "LG-PG2",
            2200,
            "lg_tang",
            rooms("2-1-402", "5-2-301", "1-1-201", "3-2-502", "4-1-101", "6-2-302", "7-1-401"),
        ),
        GridSpec(
            "LG-G03",
            "临港花园二网格",
            "临港花园小区",
            "LG-PG2",
            1900,
            "",
            rooms("9-1-602", "11-3-101", "8-2-201", "10-1-502", "12-3-301", "13-1-102"),
        ),
    ),
    partners=(
        ("熊猫欢乐王国景区", P.ENTERPRISE),
        ("港口医院", P.HOSPITAL),
        ("国际旅游港管理处", P.PROPERTY),
        ("秦皇岛站派出所", P.OTHER),
    ),
    staff=(
        StaffSpec("lg_zhou", "周海波", Role.CHIEF),
        StaffSpec("lg_wu", "吴刚", Role.OFFICER, post="国际旅游港警务站"),
        StaffSpec("lg_zheng", "郑凯", Role.OFFICER),
        StaffSpec("lg_feng", "冯晓东", Role.AUXILIARY, post="国际旅游港警务站"),
        StaffSpec("lg_tang", "唐颖", Role.GRID_WORKER),
        StaffSpec("lg_han", "韩涛", Role.VOLUNTEER, post="国际旅游港警务站"),  # 港航义警
    ),
    places=(AddressSpec(remainder="东干路", grid="LG-G02"), AddressSpec(remainder="海滨浴场", grid="LG-G01")),
)

STATIONS = (LUCHENG, BOZHEN, JIZHOU, LINGANG)
DEMO_USERNAMES = tuple(staff.username for spec in STATIONS for staff in spec.staff)


def load_stations() -> None:
    # One hash for every demo login: the password is public, so a shared salt hides nothing, and hashing once
    # keeps the demo fast with the production hasher.
    password = make_password(settings.DEMO_PASSWORD)
    for spec in STATIONS:
        load_station(spec, password)


def load_station(spec: StationSpec, password: str) -> Station:
    branch, _ = Branch.objects.update_or_create(code=spec.branch[0], defaults={"name": spec.branch[1]})
    station, _ = Station.objects.update_or_create(
        code=spec.code, defaults={"name": spec.name, "branch": branch, "area": spec.area}
    )
    posts = {name: PolicePost.objects.get_or_create(station=station, name=name)[0] for name in spec.posts}
    forces = dict(spec.forces)
    partners = {name: _partner(station, name, kind, forces.get(name, "")) for name, kind in spec.partners}
    users = {staff.username: _user(station, staff, posts, partners, password) for staff in spec.staff}
    communities = {
        name: Community.objects.update_or_create(
            station=station, name=name, defaults={"kind": kind, "township": township}
        )[0]
        for name, kind, township in spec.communities
    }
    police_grids = {pg.code: _police_grid(station, pg, users, posts) for pg in spec.police_grids}
    grids = {}
    for grid_spec in spec.grids:
        grid = grids[grid_spec.code] = _grid(station, grid_spec, communities, police_grids, users)
        for address in grid_spec.addresses:
            _address(station, address, communities[grid_spec.community], grid)
    for place in spec.places:
        _address(station, place, None, grids.get(place.grid))
    return station


def _partner(station: Station, name: str, kind: str, force: str) -> Partner:
    force_code = Code.objects.get(table=CodeTable.MEDIATION_FORCES, code=force) if force else None
    return Partner.objects.update_or_create(station=station, name=name, defaults={"kind": kind, "force": force_code})[0]


def _user(
    station: Station, staff: StaffSpec, posts: dict[str, PolicePost], partners: dict[str, Partner], password: str
) -> User:
    """Create or refresh a demo login; the password is set only when the user is created."""
    user, _ = User.objects.update_or_create(
        username=staff.username,
        defaults={
            "full_name": staff.full_name,
            "station": station,
            "role": staff.role,
            "post": posts.get(staff.post),
            "partner": partners.get(staff.partner),
            "is_active": True,
        },
        create_defaults={
            "full_name": staff.full_name,
            "station": station,
            "role": staff.role,
            "post": posts.get(staff.post),
            "partner": partners.get(staff.partner),
            "password": password,
        },
    )
    return user


def _police_grid(
    station: Station, spec: PoliceGridSpec, users: dict[str, User], posts: dict[str, PolicePost]
) -> PoliceGrid:
    return PoliceGrid.objects.update_or_create(
        station=station,
        code=spec.code,
        defaults={"name": spec.name, "officer": users.get(spec.officer), "post": posts.get(spec.post)},
    )[0]


def _grid(
    station: Station,
    spec: GridSpec,
    communities: dict[str, Community],
    police_grids: dict[str, PoliceGrid],
    users: dict[str, User],
) -> CommunityGrid:
    grid, _ = CommunityGrid.objects.update_or_create(
        station=station,
        code=spec.code,
        defaults={
            "name": spec.name,
            "community": communities[spec.community],
            "police_grid": police_grids[spec.police_grid],
            "grid_worker": users.get(spec.worker),
        },
    )
    for year in POPULATION_YEARS:
        GridPopulation.objects.update_or_create(
            grid=grid, year=year, defaults={"residents": residents_in(spec.residents, year)}
        )
    return grid


def residents_in(base: int, year: int) -> int:
    """The grid's population in a year: the base figure up to BASE_YEAR, then about one per cent a year more."""
    return round(base * (1 + GROWTH_PER_YEAR) ** max(0, year - BASE_YEAR))


def _address(
    station: Station, spec: AddressSpec, community: Community | None, grid: CommunityGrid | None
) -> StandardAddress:
    address, _ = StandardAddress.objects.update_or_create(
        station=station,
        community=community,
        estate=spec.estate,
        building=spec.building,
        unit=spec.unit,
        room=spec.room,
        remainder=spec.remainder,
        defaults={"grid": grid},
    )
    return address
