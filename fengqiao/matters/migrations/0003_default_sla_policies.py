from django.db import migrations


def install(apps, schema_editor):
    from fengqiao.matters.domain.deadlines import DEFAULT_POLICIES, LONG_KINDS
    from fengqiao.matters.models import Kind

    SlaPolicy = apps.get_model("matters", "SlaPolicy")
    for kind in Kind:
        for priority, minutes in DEFAULT_POLICIES.items():
            accept, assign, start, resolve, callback, archive = minutes
            SlaPolicy.objects.get_or_create(
                kind=kind, priority=priority,
                defaults=dict(
                    accept_minutes=accept, assign_minutes=assign, start_minutes=start,
                    resolve_minutes=max(resolve, LONG_KINDS.get(kind, 0)), callback_minutes=callback,
                    archive_minutes=archive,
                ),
            )


class Migration(migrations.Migration):
    dependencies = [("matters", "0002_initial")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
