"""Install the common exclusion rules of procedures.md §7 as national rows."""

from django.db import migrations


def install(apps, schema_editor):
    from jingzhun.identification.defaults import install_default_rules

    install_default_rules(apps.get_model("identification", "ExclusionRule"))


def remove(apps, schema_editor):
    apps.get_model("identification", "ExclusionRule").objects.filter(area_key="").delete()


class Migration(migrations.Migration):
    dependencies = [("identification", "0001_initial")]

    operations = [migrations.RunPython(install, remove)]
