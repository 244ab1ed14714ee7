from django.db import migrations

DEFAULT_WEIGHTS = {"recovery": 3500, "experience": 1000, "compliance": 2000, "complaints": 2000, "feedback": 1500}


def seed(apps, schema_editor):
    ScoreWeight = apps.get_model("agencies", "ScoreWeight")
    for criterion, weight in DEFAULT_WEIGHTS.items():
        ScoreWeight.objects.get_or_create(criterion=criterion, defaults={"weight_bp": weight})


class Migration(migrations.Migration):
    dependencies = [("agencies", "0002_scoreweight_contract_feedback_placement_dataaccess_and_more")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
