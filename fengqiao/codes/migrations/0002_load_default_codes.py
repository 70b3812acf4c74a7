from django.db import migrations


def load(apps, schema_editor):
    from fengqiao.codes.loader import load_defaults

    load_defaults(apps.get_model("codes", "Code"))


class Migration(migrations.Migration):
    dependencies = [("codes", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
