from django.db import migrations


def load(apps, schema_editor):
    from fengqiao.codes.loader import load_defaults

    load_defaults(apps.get_model("codes", "Code"))


class Migration(migrations.Migration):
    """Loads the dispute types and mediation partner forces added for the mediation app."""

    dependencies = [("codes", "0002_load_default_codes")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
