from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from arrears.audit.admin import RecordAdmin
from arrears.contact.models import ChannelOptOut, ContactAttempt


def _settle(queryset, kind: str, **fields) -> int:
    """A person's decision on attempts held for review, each logged with who made it."""
    from django.db import transaction

    from arrears.audit.events import attempt_changed

    with transaction.atomic():
        ids = list(queryset.filter(state=ContactAttempt.State.REVIEW).values_list("id", flat=True))
        moved = ContactAttempt.objects.filter(pk__in=ids).update(lease_owner="", lease_until=None, **fields)
        for attempt_id in ids:
            attempt_changed(attempt_id, kind)
    return moved


@admin.register(ContactAttempt)
class ContactAttemptAdmin(RecordAdmin):
    """Read-only: the record of a contact is never edited or deleted; only the two review decisions
    below move an attempt the worker could not settle, and each is logged."""

    list_display = ("idempotency_key", "channel", "state", "tries", "provider", "provider_message_id", "outcome", "sent_at")
    list_filter = ("state", "channel", "provider", "outcome")
    search_fields = ("idempotency_key", "provider_message_id")
    raw_id_fields = ("loan", "contact_point")
    actions = ["send_again", "mark_sent"]

    @admin.action(description=_("Send again (checked: it did not arrive)"))
    def send_again(self, request, queryset):
        # only an attempt held for review: a person has checked the provider or the mailbox
        moved = _settle(queryset, "contact.send_again", state=ContactAttempt.State.PLANNED, next_try_at=None)
        self.message_user(request, _("%(n)d attempts will be sent again.") % {"n": moved}, messages.SUCCESS)

    @admin.action(description=_("Mark as sent (checked: it arrived)"))
    def mark_sent(self, request, queryset):
        moved = _settle(queryset, "contact.marked_sent", state=ContactAttempt.State.SENT)
        self.message_user(request, _("%(n)d attempts marked as sent.") % {"n": moved}, messages.SUCCESS)


@admin.register(ChannelOptOut)
class ChannelOptOutAdmin(RecordAdmin):
    list_display = ("contact_point", "channel", "at", "source")
    list_filter = ("channel", "source")
    raw_id_fields = ("contact_point",)
