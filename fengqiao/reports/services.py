"""What residents may report online: a public subset of the 110 call categories.

The label comes from the code table (so a station that renames a category renames the service). Criminal
cases, fraud warnings and anything that needs an officer at once stay with 110: the form says so. Where a
service's detail may be published (Open311 GET) is decided here: hazards are about places and are shown like a
city shows potholes; anything about people (disputes, help, lost property, reports of crimes, complaints) is
published without its description and with no more than the grid as its place.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from fengqiao.codes.models import Code, CodeTable
from fengqiao.lib.errors import DomainError
from fengqiao.matters.models import Kind


@dataclass(frozen=True)
class Service:
    code: str  # category code
    kind: str
    public_detail: bool  # description and exact place may be published


PUBLIC_SERVICES: tuple[Service, ...] = (
    Service("0502", Kind.HAZARD, True),  # 消防隐患
    Service("050201", Kind.HAZARD, True),  # 电动自行车违规充电停放
    Service("0901", Kind.HAZARD, True),  # 设施隐患
    Service("0403", Kind.TRAFFIC, True),  # 交通拥堵
    Service("0203", Kind.DISPUTE, False),  # 噪声扰民
    Service("0205", Kind.DISPUTE, False),  # 纠纷
    Service("0604", Kind.HELP, False),  # 生活困难求助
    Service("0699", Kind.HELP, False),  # 其它求助
    Service("0602", Kind.LOST_PROPERTY, False),  # 物品遗失
    Service("0701", Kind.CASE, False),  # 举报违法犯罪
    Service("0702", Kind.HELP, False),  # 投诉
)
_BY_CODE = {service.code: service for service in PUBLIC_SERVICES}


@dataclass(frozen=True)
class Offered:
    """A service with its code-table row and the label of its top-level group (安全隐患, 群众求助 …)."""

    service: Service
    category: Code
    group: str

    @property
    def code(self) -> str:
        return self.service.code


def offered_services() -> list[Offered]:
    """The public services whose category is active in the code table, in the order above."""
    rows = {c.code: c for c in Code.objects.active(CodeTable.CATEGORIES).filter(code__in=list(_BY_CODE))}
    tops = {c.code: c.label for c in Code.objects.active(CodeTable.CATEGORIES).filter(parent__isnull=True)}
    return [
        Offered(service, rows[service.code], tops.get(service.code[:2], ""))
        for service in PUBLIC_SERVICES
        if service.code in rows
    ]


def offered(code: str) -> Offered:
    """One public service, or a DomainError naming the code (404: the service does not exist for the public)."""
    for item in offered_services():
        if item.code == code:
            return item
    raise DomainError(
        "unknown_service", _("“%(code)s” is not a service residents can report.") % {"code": code}, "category", 404
    )


def service_of(category_code: str) -> Service | None:
    return _BY_CODE.get(category_code)
