from django.db import migrations


def seed(apps, schema_editor):
    # seed_defaults writes only the keys that have no row yet: here the evaluation_* sample design keys.
    from jingzhun.policy.services import seed_defaults

    seed_defaults(apps.get_model("policy", "PolicyValue"), schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("policy", "0003_water_short_days_max")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
