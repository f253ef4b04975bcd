from django.db import migrations


def install(apps, schema_editor):
    from jingzhun.workflows.defaults import install_defaults

    install_defaults(apps.get_model("workflows", "ProcedureTemplate"), apps.get_model("workflows", "StepTemplate"))


class Migration(migrations.Migration):
    dependencies = [("workflows", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
