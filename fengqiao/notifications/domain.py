from django.db import transaction

from fengqiao.notifications.models import Notification


def notify_after_commit(recipient_id: int, matter_id: int | None, verb: str, text: str = "") -> None:
    """Queue a notification that is written only if the surrounding transaction commits."""
    transaction.on_commit(
        lambda: Notification.objects.create(recipient_id=recipient_id, matter_id=matter_id, verb=verb, text=text)
    )
