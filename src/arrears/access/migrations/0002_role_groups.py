"""The roles' groups. Their permissions are set after every migrate (arrears.access.sync), once
Django has created the permissions of every app."""

from django.db import migrations

ROLES = (
    "admin",
    "strategy_manager",
    "team_lead",
    "collector",
    "compliance_officer",
    "agency_manager",
    "agency_collector",
    "field_collector",
)


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("access", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
