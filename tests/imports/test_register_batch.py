"""register_batch leaves each matter exactly as register() would: the import takes no shortcut on the loop."""

import datetime as dt
import re

import pytest

from fengqiao.analysis.models import RiskAssessment, RiskLevel
from fengqiao.lib.errors import DomainError
from fengqiao.lib.normalize import SHANGHAI
from fengqiao.matters.domain.registration import PartyInput, register, register_batch
from fengqiao.matters.models import Matter, MatterEvent, Priority
from fengqiao.notifications.models import Notification
from fengqiao.people.models import Person
from tests.conftest import a_registration
from tests.data.imports.generate import VALID_ID

REPORTED = dt.datetime(2024, 7, 6, 20, 5, tzinfo=SHANGHAI)
THREAT = "邻居扬言要杀了他，手里拿着刀在楼道里"


def shape(matter: Matter) -> dict[str, object]:
    """Everything of a registered matter that does not depend on its id or call number."""
    event = MatterEvent.objects.get(matter=matter)
    risk = RiskAssessment.objects.get(matter=matter)
    doc = set(matter.search_doc.split()) - {f"{matter.pk:06d}", matter.external_ref.lower()}
    return {
        "kind": matter.kind, "priority": matter.priority, "category": matter.category_id, "stage": matter.stage,
        "due": matter.due_at - matter.reported_at, "step_due": matter.step_due_at - matter.reported_at,  # type: ignore[operator]
        "reference": matter.reference.rsplit("-", 1)[0], "registered_by": matter.registered_by_id,  # type: ignore[union-attr]
        "event": (event.from_stage, event.to_stage, event.at, event.actor_id, event.data),
        "parties": [(p.person.name, p.person.phone, p.role) for p in matter.parties.select_related("person")],
        "search_doc": doc, "risk": (risk.level, risk.score), "extra": matter.extra,
    }  # fmt: skip


@pytest.mark.parametrize("description", ["老李反映家中没水没电", THREAT])
def test_a_batch_registers_each_matter_as_register_does(station, officer, chief, description):  # type: ignore[no-untyped-def]
    single = register(
        station, officer, a_registration(description=description, reported_at=REPORTED, external_ref="A1")
    )
    batched, = register_batch(station, officer, [
        a_registration(description=description, reported_at=REPORTED, external_ref="A2", extra={"天气": "雨"})
    ])  # fmt: skip

    expected = shape(single) | {"extra": {"天气": "雨"}}
    assert shape(Matter.objects.get(pk=batched.pk)) == expected
    assert Matter.objects.get(pk=batched.pk).reference == f"LUCHENG-2024-{batched.pk:06d}"


def test_a_threat_in_a_batch_raises_the_priority_and_tells_the_chief(  # type: ignore[no-untyped-def]
    station, officer, chief, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        matter, = register_batch(station, officer, [a_registration(description=THREAT, external_ref="T1")])  # fmt: skip

    assert RiskAssessment.objects.get(matter=matter).level == RiskLevel.HIGH
    assert Matter.objects.get(pk=matter.pk).priority == Priority.HIGH
    assert list(Notification.objects.values_list("recipient__username", "matter_id")) == [(chief.username, matter.pk)]


def test_one_valid_id_number_is_one_person_within_a_batch_and_with_earlier_matters(station, officer):  # type: ignore[no-untyped-def]
    earlier = register(station, officer, a_registration(parties=[PartyInput("刘强", id_number=VALID_ID)]))
    first, second, other = register_batch(station, officer, [
        a_registration(external_ref="B1", parties=[PartyInput("刘强", id_number=VALID_ID.lower())]),
        a_registration(external_ref="B2", parties=[PartyInput("刘强", id_number=VALID_ID)]),
        a_registration(external_ref="B3", parties=[PartyInput("刘强", phone="13812345678")]),
    ])  # fmt: skip

    person = earlier.parties.get().person
    assert first.parties.get().person == second.parties.get().person == person
    assert other.parties.get().person != person
    assert Person.objects.count() == 2


def test_a_batch_with_a_bad_category_writes_nothing_and_names_it(station, officer):  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError, match=re.escape("“0000” is not a category code.")):
        register_batch(station, officer, [a_registration(external_ref="C1"), a_registration(category="0000")])

    assert Matter.objects.count() == 0
