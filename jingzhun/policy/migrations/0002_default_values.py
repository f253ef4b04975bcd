from django.db import migrations


def seed(apps, schema_editor):
    from jingzhun.policy.services import seed_defaults

    seed_defaults(apps.get_model("policy", "PolicyValue"), schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("policy", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
