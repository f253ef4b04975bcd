"""Seed the data set types of procedures.md §6 (and the department alerts of §4). Admins add more."""

from django.db import migrations


def seed(apps, schema_editor):
    from jingzhun.comparison.choices import DEFAULT_TYPES

    DatasetType = apps.get_model("comparison", "DatasetType")
    for sort, (code, name, department, fact, fields, relatives, suspect, risk) in enumerate(DEFAULT_TYPES):
        DatasetType.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "department": department,
                "fact": str(fact),
                "fields": [{"code": c, "label": label, "kind": k, "aliases": a} for c, label, k, a in fields],
                "cover_relatives": relatives,
                "raises_suspect": suspect,
                "alert_risk": risk,
                "sort": sort,
                "builtin": True,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("comparison", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
