"""Matters are now also found by their category's labels and their follow-up actions' notes: recompute the search
document of every matter (the FTS5 triggers or the GIN index follow the UPDATE)."""

from collections import defaultdict

from django.db import migrations

CHUNK = 2000


def reindex(apps, schema_editor):
    from fengqiao.lib.textsearch import document  # a pure function of the texts

    Matter = apps.get_model("matters", "Matter")
    Party = apps.get_model("matters", "Party")
    Action = apps.get_model("matters", "FollowUpAction")
    last = 0
    while True:
        chunk = list(Matter.objects.filter(pk__gt=last).select_related("category", "address").order_by("pk")[:CHUNK])
        if not chunk:
            return
        ids = [matter.pk for matter in chunk]
        names, notes = defaultdict(list), defaultdict(list)
        for matter_id, name in Party.objects.filter(matter_id__in=ids).values_list("matter_id", "person__name"):
            names[matter_id].append(name)
        for matter_id, note in Action.objects.filter(matter_id__in=ids).values_list("matter_id", "note"):
            notes[matter_id].append(note)
        for m in chunk:
            place = m.address.full_text if m.address_id else m.address_text
            m.search_doc = document(
                m.description, place, m.category.label_zh, m.category.label_en, m.reference or "", m.external_ref,
                *names[m.pk], *notes[m.pk],
            )  # fmt: skip
        Matter.objects.bulk_update(chunk, ["search_doc"])
        last = ids[-1]


class Migration(migrations.Migration):
    dependencies = [
        ("matters", "0003_default_sla_policies"),
        ("codes", "0004_alter_code_table"),
        ("people", "0002_initial"),
        ("stations", "0002_partner_force"),
    ]

    operations = [migrations.RunPython(reindex, migrations.RunPython.noop)]
