from django.db import migrations


def load(apps, schema_editor):
    from fengqiao.stats.kpis import load_kpis

    load_kpis(model=apps.get_model("stats", "Kpi"))


class Migration(migrations.Migration):
    dependencies = [("stats", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
