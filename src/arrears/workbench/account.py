"""What the account page shows of the work on an account: the case, contacts, notes, promises, holds.

The contact history holds the contacts made and the attempts the guard blocked (an outbox message
stopped, a case passed over at the workbench): a blocked attempt was never a contact, and shows when
it was to be made and why it was not."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.db.models.functions import Coalesce

from arrears.access.models import Team
from arrears.access.scope import Action, _is_admin, can, teams_led_by

CONTACT_HISTORY_LIMIT = 50
NOTES_LIMIT = 50


@dataclass(frozen=True, slots=True)
class WorkSection:
    case: object | None
    contact_history: list
    notes: list
    promises: list
    holds: list  # cases.hold_lines.HoldLine, newest first, judged now
    hold_kinds: tuple[str, ...]  # the kinds of hold this user may place here
    may_work: bool
    may_assign: bool
    teams: list  # the teams this user may assign to, each with its members


def work_section(user, loan) -> WorkSection:
    from arrears.cases.hold_lines import hold_lines, placeable_kinds
    from arrears.cases.models import CollectionCase
    from arrears.contact.models import ContactAttempt
    from arrears.promises.models import Promise
    from arrears.workbench.models import Note

    cases = CollectionCase.objects.filter(loan=loan).select_related("team", "assignee")
    case = cases.filter(closed_on__isnull=True).first() or cases.order_by("-opened_on", "-pk").first()
    history = list(
        ContactAttempt.objects.filter(Q(attempted_at__isnull=False) | Q(state=ContactAttempt.State.BLOCKED), loan=loan)
        .annotate(happened_at=Coalesce("attempted_at", "planned_for", "created_at"))
        .select_related("contact_point", "record__recorded_by")
        .order_by("-happened_at", "-pk")[:CONTACT_HISTORY_LIMIT]
    )
    notes = list(Note.objects.filter(loan=loan).select_related("author")[:NOTES_LIMIT])
    promises = list(Promise.objects.filter(loan=loan).select_related("made_by"))
    holds = hold_lines(loan.pk, user=user)
    open_case = case if case is not None and case.closed_on is None else None
    may_assign = open_case is not None and can(user, Action.ASSIGN, open_case)
    teams = []
    if may_assign:
        led = Team.objects.all() if _is_admin(user) else Team.objects.filter(pk__in=teams_led_by(user))
        teams = list(led.prefetch_related("members").select_related("lead"))
    return WorkSection(
        case=case,
        contact_history=history,
        notes=notes,
        promises=promises,
        holds=holds,
        hold_kinds=placeable_kinds(user),
        may_work=open_case is not None and can(user, Action.RECORD_CONTACT, open_case),
        may_assign=may_assign,
        teams=teams,
    )
