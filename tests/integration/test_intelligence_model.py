

def test_migrating_grants_the_strategy_manager_the_right_to_promote():
    """The roles are synced after the last app with models has migrated (not only by the demo)."""
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    Group.objects.all().delete()
    call_command("migrate", interactive=False, verbosity=0)
    manager = Group.objects.get(name="strategy_manager")
    assert manager.permissions.filter(content_type__app_label="intelligence", codename="promote_trainedmodel").exists()
    assert not Group.objects.get(name="collector").permissions.filter(codename="promote_trainedmodel").exists()
