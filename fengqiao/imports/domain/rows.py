"""One ledger row → one registration, or the reasons it cannot be one.

A row needs its call number, its reported time, and an address or a description; without them it is rejected.
Anything else that is wrong (an invalid phone or ID number, an unknown category, bad coordinates) only earns a
warning: the row is imported, the doubtful value is kept on the matter's extra fields under its column's name,
never on the person.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext, gettext_noop

from fengqiao.imports.domain.categories import Categories, Category
from fengqiao.imports.domain.columns import EXTRA, FIELDS, IGNORE, Header
from fengqiao.imports.models import Severity
from fengqiao.lib import normalize
from fengqiao.matters.domain.registration import PartyInput, Registration
from fengqiao.matters.models import Channel, Matter

CALL_NUMBER_MAX = Matter._meta.get_field("external_ref").max_length or 64
ADDRESS_MAX = Matter._meta.get_field("address_text").max_length or 255
_MICRODEGREE = Decimal("0.000001")
_RANGES = {"latitude": Decimal(90), "longitude": Decimal(180)}
# Recognised columns without a field on the matter: kept in extra under these stable keys.
EXTRA_FIELDS = ("dispatch_unit", "dispatch_officer", "result")


@dataclass(slots=True)
class Problem:
    row: int
    column: str
    problem: str  # the English message (a msgid): shown in the reader's language, whoever ran the import
    value: str
    severity: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return problem_text(self.problem, self.params)


def problem_text(message: str, params: dict[str, Any]) -> str:
    """The message in the active language (a message stored before messages were kept untranslated stays as it is)."""
    translated = gettext(message)
    return translated % params if params else translated


@dataclass(slots=True)
class Parsed:
    row: int
    registration: Registration | None  # None: rejected, or a blank row
    problems: list[Problem] = field(default_factory=list)
    blank: bool = False


class RowParser:
    def __init__(self, header: Header, categories: Categories, channel: str = Channel.CALL_110) -> None:
        self.names = header.names
        self.index = {f: i for i, f in enumerate(header.mapping) if f not in (EXTRA, IGNORE)}
        self.extras = [
            (i, name) for i, (name, f) in enumerate(zip(header.names, header.mapping, strict=True)) if f == EXTRA
        ]
        self.categories = categories
        self.channel = channel

    def column(self, name: str) -> str:
        """The header text of a field's column, as the user sees it in the file."""
        index = self.index.get(name)
        return self.names[index] if index is not None else str(FIELDS[name])

    def parse(self, number: int, values: Any) -> Parsed:
        cells = list(values)
        if not any(normalize.cell_text(value) for value in cells):
            return Parsed(number, None, blank=True)
        row = _RowState(self, number, cells)
        return Parsed(number, row.registration(), row.problems)


class _RowState:
    """The work on one row: raw values in, a registration and its problems out."""

    def __init__(self, parser: RowParser, number: int, cells: list[object]) -> None:
        self.parser, self.number, self.cells = parser, number, cells
        self.problems: list[Problem] = []
        self.extra: dict[str, Any] = {}

    def raw(self, name: str) -> object:
        index = self.parser.index.get(name)
        return self.cells[index] if index is not None and index < len(self.cells) else None

    def text(self, name: str) -> str:
        return normalize.cell_text(self.raw(name))

    def report(self, name: str, problem: str, value: object, severity: str = Severity.WARNING, **params: Any) -> None:
        column = self.parser.column(name)
        self.problems.append(Problem(self.number, column, problem, normalize.cell_text(value), severity, params))

    def reject(self, name: str, problem: str, value: object = "", **params: Any) -> None:
        self.report(name, problem, value, Severity.ERROR, **params)

    def keep_original(self, name: str, value: object) -> None:
        self.extra[self.parser.column(name)] = normalize.cell_text(value)

    def registration(self) -> Registration | None:
        call_number, reported_at = self.call_number(), self.reported_at()
        address = normalize.halfwidth_alnum(self.text("address"))
        description = self.text("description")
        if not address and not description:
            self.reject("address", gettext_noop("Neither an address nor a description: one of them is required."))
        if call_number is None or reported_at is None or not (address or description):
            return None
        parties = self.parties()  # before the category: problems are reported in the order of the columns
        category = self.category()
        self.keep_extras()
        return Registration(
            kind=category.kind,
            channel=self.parser.channel,
            category=category.code,
            description=description or category.label,
            address=self.address(address),
            reported_at=reported_at,
            parties=parties,
            latitude=self.coordinate("latitude"),
            longitude=self.coordinate("longitude"),
            external_ref=call_number,
            extra=self.extra,
        )

    def call_number(self) -> str | None:
        value = normalize.halfwidth(self.text("call_number")).strip()
        if not value:
            self.reject("call_number", gettext_noop("The call number is missing."))
            return None
        if len(value) > CALL_NUMBER_MAX:
            self.reject(
                "call_number",
                gettext_noop("The call number is longer than %(max)d characters."),
                value,
                max=CALL_NUMBER_MAX,
            )
            return None
        return value

    def reported_at(self) -> Any:
        raw = self.raw("reported_at")
        if not normalize.cell_text(raw):
            self.reject("reported_at", gettext_noop("The reported time is missing."))
            return None
        value = normalize.datetime(raw)
        if value is None:
            self.reject("reported_at", gettext_noop("This is not a date and time."), raw)
        return value

    def category(self) -> Category:
        text = self.text("category")
        found = self.parser.categories.find(text) if text else None
        if found is not None:
            return found
        fallback = self.parser.categories.fallback
        if "category" not in self.parser.index:
            return fallback  # a ledger without the column: every row is "other", no need to say it per row
        label = f"{fallback.code} {fallback.label}"
        if text:
            self.report("category", gettext_noop("Unknown category, filed as %(fallback)s."), text, fallback=label)
        else:
            self.report("category", gettext_noop("No category, filed as %(fallback)s."), "", fallback=label)
        return fallback

    def address(self, address: str) -> str:
        if len(address) > ADDRESS_MAX:
            self.report("address", gettext_noop("The address was cut to %(max)d characters."), address, max=ADDRESS_MAX)
            self.keep_original("address", address)
            return address[:ADDRESS_MAX]
        return address

    def parties(self) -> list[PartyInput]:
        name, phone, id_number = self.text("reporter_name"), self.phone(), self.id_number()
        if not name:
            if phone or id_number:
                self.extra.update(
                    {self.parser.column(f): v for f, v in (("phone", phone), ("id_number", id_number)) if v}
                )
                self.report(
                    "reporter_name",
                    gettext_noop("No reporter name: the phone and ID number are kept with the matter."),
                    "",
                )
            return []
        return [PartyInput(name=name, phone=phone, id_number=id_number)]

    def phone(self) -> str:
        raw = self.text("phone")
        value = normalize.phone(raw)
        if value and not normalize.is_valid_phone(value):
            self.report(
                "phone", gettext_noop("Not a valid phone number: kept with the matter, not on the person."), raw
            )
            self.keep_original("phone", raw)
            return ""
        return value

    def id_number(self) -> str:
        raw = self.text("id_number")
        value = normalize.id_number(raw)
        if value and not normalize.is_valid_id_number(value):
            self.report(
                "id_number", gettext_noop("Not a valid ID number: kept with the matter, not on the person."), raw
            )
            self.keep_original("id_number", raw)
            return ""
        return value

    def coordinate(self, name: str) -> Decimal | None:
        raw = self.raw(name)
        if not normalize.cell_text(raw):
            return None
        value = normalize.decimal(raw)
        if value is None or abs(value) > _RANGES[name]:
            self.report(name, gettext_noop("Not a valid coordinate: kept with the matter only."), raw)
            self.keep_original(name, raw)
            return None
        return value.quantize(_MICRODEGREE)

    def keep_extras(self) -> None:
        for name in EXTRA_FIELDS:
            if value := self.text(name):
                self.extra[name] = value
        for index, header in self.parser.extras:
            if index < len(self.cells) and (value := normalize.cell_text(self.cells[index])):
                self.extra[header or f"#{index + 1}"] = value
