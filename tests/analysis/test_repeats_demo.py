"""The demo's 刘某 and 张某: their calls form one repeat group with a mediation proposal when the demo loads.

The demo is loaded once for the module in a transaction rolled back at the end, as in tests/demo.
"""

from collections.abc import Iterator
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import TestCase
from django.utils import translation

from fengqiao.analysis.models import MediationProposal, RepeatGroup
from fengqiao.analysis.repeats import repeat_views
from fengqiao.matters.models import Matter
from fengqiao.notifications.models import Notification


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker) -> Iterator[None]:  # type: ignore[no-untyped-def]
    # The notices are written after commit, which a rolled-back module never reaches: run them when queued.
    with django_db_blocker.unblock(), transaction.atomic():
        with TestCase.captureOnCommitCallbacks(execute=True):
            call_command("demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def loaded(demo: None, db: None) -> None:
    return None


def liu_zhang() -> list[Matter]:
    return list(Matter.objects.filter(external_ref__startswith="DEMO-liuzhang-").order_by("reported_at"))


def test_the_calls_of_liu_and_zhang_are_one_group_about_the_pair(loaded: None) -> None:
    calls = liu_zhang()
    group = RepeatGroup.objects.get(members__matter=calls[-1])

    assert (group.station.code, group.key_kind, group.label) == ("bozhen", "same_parties", "刘某 & 张某")
    assert {m.pk for m in calls} <= set(group.members.values_list("matter_id", flat=True))
    assert RepeatGroup.objects.filter(members__matter__in=calls).distinct().count() == 1
    with translation.override("en"):
        third = repeat_views(calls[2])[0]
        assert third.headline == "3rd call in 30 days"
    assert third.reasons == ["same_parties", "same_person", "same_phone", "same_address"]


def test_their_dispute_has_a_mediation_proposal_between_the_two_of_them(loaded: None) -> None:
    calls = liu_zhang()
    proposal = MediationProposal.objects.get(group__members__matter=calls[-1])

    assert proposal.stage == "opened"  # the demo's mediation case (fengqiao/demo/mediation.py) came from it
    assert proposal.proposed_at == calls[2].reported_at  # the third call made it a repeat
    assert {m.pk for m in calls} <= set(proposal.matters.values_list("pk", flat=True))
    assert sorted(proposal.parties.values_list("name", flat=True)) == ["刘某", "张某"]


def test_the_chief_of_bozhen_was_told_once(loaded: None) -> None:
    calls = liu_zhang()
    group = RepeatGroup.objects.get(members__matter=calls[-1])
    notices = Notification.objects.filter(
        verb=Notification.Verb.REPEAT_CALLS, recipient__username="liuqiang", matter__repeat_memberships__group=group
    )

    assert list(notices.values_list("matter_id", flat=True)) == [calls[2].pk]
