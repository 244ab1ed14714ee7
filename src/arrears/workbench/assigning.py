"""Giving a case to a team and a collector (team leads and administrators)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from arrears.access.models import Team
from arrears.access.scope import Action, _is_admin, require, teams_led_by
from arrears.cases.editing import edit_case
from arrears.errors import InputError


def assign_case(user, *, case_id: int, version: int, team_id: int | None, assignee_id: int | None) -> int:
    """Set the case's team and assignee; returns the case's new version.

    A team lead assigns only within the teams they lead, and only to members of that team;
    the case must be in one of their teams already (or unassigned to a team, for an administrator).
    """
    from arrears.cases.models import CollectionCase

    case = CollectionCase.objects.filter(pk=case_id).first()
    if case is None:
        raise InputError(f"没有编号为 {case_id} 的案件", f"No case with id {case_id}")
    require(user, Action.ASSIGN, case)
    team = None
    if team_id is not None:
        team = Team.objects.filter(pk=team_id).first()
        if team is None:
            raise InputError(f"没有编号为 {team_id} 的团队", f"No team with id {team_id}")
        if not _is_admin(user) and team.pk not in teams_led_by(user):
            raise InputError("只能分配给您带领的团队", "You can assign only to a team you lead")
    if assignee_id is not None:
        assignee = get_user_model().objects.filter(pk=assignee_id, is_active=True).first()
        if assignee is None:
            raise InputError(f"没有编号为 {assignee_id} 的用户", f"No active user with id {assignee_id}")
        if team is None:
            raise InputError("分配给催收员时须同时选择团队", "Choose the team when you assign a collector")
        if not (team.members.filter(pk=assignee_id).exists() or team.lead_id == assignee_id):
            raise InputError(
                f"{assignee.get_username()} 不是团队 {team.name} 的成员",
                f"{assignee.get_username()} is not a member of team {team.name}",
            )
    with transaction.atomic():
        return edit_case(case_id=case.pk, version=version, team=team, assignee_id=assignee_id)
