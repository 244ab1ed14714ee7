"""Teams: a team lead and the collectors who work the team's cases."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Team(models.Model):
    """A collection team. A case belongs to at most one team; its members see and work it."""

    name = models.CharField(_("name"), max_length=64, unique=True)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="teams_led",
        verbose_name=_("team lead"),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="teams", verbose_name=_("members")
    )

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]
        permissions = [
            ("view_all_cases", _("Can see every case, whatever its team")),
            ("assign_cases", _("Can assign cases to teams and collectors")),
            ("view_unmasked_contacts", _("Can see contact details unmasked")),
        ]

    def __str__(self) -> str:
        return self.name
