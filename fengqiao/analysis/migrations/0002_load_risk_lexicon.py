from django.db import migrations


def load(apps, schema_editor):
    from fengqiao.analysis.risk import LEXICON_FILE, load_lexicon

    load_lexicon(LEXICON_FILE, model=apps.get_model("analysis", "RiskRule"))


class Migration(migrations.Migration):
    dependencies = [("analysis", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
