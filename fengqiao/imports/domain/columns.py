"""Which column is which: finding the header row under the titles, and mapping its names to fields.

Names are compared by `match_key` (half-width, simplified, lower-case, no spaces), so 報警時間, 报警时间 and
"报警 时间" are one name. The list of names is data: add the spelling a station uses to `ALIASES`.
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fengqiao.imports.domain.reading import Row, bad_file
from fengqiao.lib.normalize import cell_text, match_key

EXTRA = "extra"  # kept on the matter's extra fields under the column's own name
IGNORE = "ignore"

FIELDS = {
    "call_number": gettext_lazy("Call number"),
    "reported_at": gettext_lazy("Reported at"),
    "reporter_name": gettext_lazy("Reporter"),
    "phone": gettext_lazy("Phone"),
    "id_number": gettext_lazy("ID number"),
    "address": gettext_lazy("Address"),
    "category": gettext_lazy("Category"),
    "description": gettext_lazy("Description"),
    "dispatch_unit": gettext_lazy("Dispatched unit"),
    "dispatch_officer": gettext_lazy("Dispatched officer"),
    "result": gettext_lazy("Result"),
    "longitude": gettext_lazy("Longitude"),
    "latitude": gettext_lazy("Latitude"),
    EXTRA: gettext_lazy("Keep as an extra field"),
    IGNORE: gettext_lazy("Ignore"),
}

ALIASES: dict[str, tuple[str, ...]] = {
    "call_number": (
        "警情编号", "接警编号", "接警单编号", "警情单号", "接警单号", "报警编号", "事件编号", "编号",
        "call number", "call no", "call id", "incident number", "incident id", "case number",
    ),
    "reported_at": (
        "报警时间", "接警时间", "报案时间", "发生时间", "来电时间", "登记时间",
        "reported at", "report time", "call time", "time", "date",
    ),
    "reporter_name": (
        "报警人", "报警人姓名", "报案人", "求助人", "当事人", "姓名",
        "caller", "caller name", "reporter", "name",
    ),
    "phone": (
        "联系电话", "报警电话", "报警人电话", "来电号码", "手机号", "手机号码", "电话",
        "phone", "telephone", "phone number", "mobile", "contact",
    ),
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "证件号码", "id number", "id no", "id card"),
    "address": (
        "发生地址", "案发地址", "事发地址", "发生地点", "案发地点", "事发地点", "报警地址", "地址", "地点",
        "address", "location", "place",
    ),
    "category": (
        "警情类别", "警情类型", "报警类别", "报警类别代码", "警情类别代码", "类别", "类型",
        "category", "category code", "type", "incident type",
    ),
    "description": (
        "简要警情", "报警内容", "警情内容", "简要案情", "警情描述", "内容", "描述",
        "description", "content", "summary", "details",
    ),
    "dispatch_unit": ("处警单位", "管辖单位", "处警单位名称", "dispatch unit", "unit", "handling unit"),
    "dispatch_officer": ("处警民警", "处警人", "出警民警", "dispatch officer", "officer"),
    "result": ("处理结果", "处警结果", "处置结果", "result", "outcome"),
    "longitude": ("经度", "longitude", "lng", "lon"),
    "latitude": ("纬度", "latitude", "lat"),
}  # fmt: skip

# The ledger's own row counter (序号) says nothing about the call.
IGNORED_NAMES = ("序号", "行号", "no", "no.", "#")
_BY_KEY = {match_key(alias): field for field, aliases in ALIASES.items() for alias in aliases}
_BY_KEY |= {match_key(name): IGNORE for name in IGNORED_NAMES}
HEADER_SEARCH_ROWS = 20
MIN_RECOGNISED = 2


@dataclass(frozen=True)
class Header:
    row: int  # the spreadsheet's row number of the header
    names: list[str]
    mapping: list[str]  # a field, EXTRA or IGNORE per column


def field_for(name: str) -> str:
    """The field a header name stands for; EXTRA when it is not a known name."""
    return _BY_KEY.get(match_key(name), EXTRA) if name.strip() else IGNORE


def guess_mapping(names: Sequence[str]) -> list[str]:
    """A field per column; a field named twice keeps its first column, the later ones become extras."""
    seen: set[str] = set()
    mapping = []
    for name in names:
        field = field_for(name)
        if field in seen:
            field = EXTRA
        seen.add(field)
        mapping.append(field)
    return mapping


def find_header(rows: Iterator[Row]) -> Header:
    """The row among the first 20 that names the most known fields (titles and blank rows sit above it)."""
    best: Header | None = None
    best_score = 0
    for number, values in rows:
        names = [cell_text(value) for value in values]
        score = len({field_for(name) for name in names} - {EXTRA, IGNORE})
        if score > best_score:
            best, best_score = Header(number, names, guess_mapping(names)), score
        if number >= HEADER_SEARCH_ROWS:
            break
    if best is None or best_score < MIN_RECOGNISED:
        raise bad_file(
            _(
                "No header row found: none of the first %(count)d rows names at least two known columns "
                "(such as 警情编号, 报警时间, 发生地址)."
            )
            % {"count": HEADER_SEARCH_ROWS}
        )
    return best


def apply_overrides(header: Header, overrides: dict[str, str]) -> Header:
    """`--map 列名=field` or the page's selects: the named columns get the named fields."""
    mapping = list(header.mapping)
    for name, field in overrides.items():
        if field not in FIELDS:
            raise bad_file(_("“%(field)s” is not a field one can import into.") % {"field": field})
        columns = [index for index, header_name in enumerate(header.names) if header_name == name.strip()]
        if not columns:
            raise bad_file(_("The file has no column “%(name)s”.") % {"name": name})
        for index in columns:
            mapping[index] = field
    return Header(header.row, header.names, mapping)


def check_mapping(mapping: Sequence[str]) -> None:
    """The fields a row cannot do without must each have a column; a field may fill only one column."""
    for field in ("call_number", "reported_at"):
        if field not in mapping:
            raise bad_file(_("No column is mapped to “%(field)s”.") % {"field": FIELDS[field]})
    if "address" not in mapping and "description" not in mapping:
        raise bad_file(_("No column is mapped to the address or the description."))
    for field in set(mapping) - {EXTRA, IGNORE}:
        if mapping.count(field) > 1:
            raise bad_file(_("Two columns are mapped to “%(field)s”.") % {"field": FIELDS[field]})
