"""Seed the measure catalogue and the cause → measure mapping (reference data, admin-extendable)."""

from django.db import migrations


def seed(apps, schema_editor):
    from jingzhun.assistance.catalog import seed_catalog

    seed_catalog(apps.get_model("assistance", "MeasureType"), apps.get_model("assistance", "CauseMeasure"))


class Migration(migrations.Migration):
    dependencies = [("assistance", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
