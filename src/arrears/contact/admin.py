from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from arrears.contact.models import ChannelOptOut, ContactAttempt


@admin.register(ContactAttempt)
class ContactAttemptAdmin(admin.ModelAdmin):
    list_display = ("idempotency_key", "channel", "state", "tries", "provider", "provider_message_id", "outcome", "sent_at")
    list_filter = ("state", "channel", "provider", "outcome")
    search_fields = ("idempotency_key", "provider_message_id")
    raw_id_fields = ("loan", "contact_point")
    actions = ["send_again", "mark_sent"]

    @admin.action(description=_("Send again (checked: it did not arrive)"))
    def send_again(self, request, queryset):
        # only an attempt held for review: a person has checked the provider or the mailbox
        moved = queryset.filter(state=ContactAttempt.State.REVIEW).update(
            state=ContactAttempt.State.PLANNED, next_try_at=None, lease_owner="", lease_until=None
        )
        self.message_user(request, _("%(n)d attempts will be sent again.") % {"n": moved}, messages.SUCCESS)

    @admin.action(description=_("Mark as sent (checked: it arrived)"))
    def mark_sent(self, request, queryset):
        moved = queryset.filter(state=ContactAttempt.State.REVIEW).update(
            state=ContactAttempt.State.SENT, lease_owner="", lease_until=None
        )
        self.message_user(request, _("%(n)d attempts marked as sent.") % {"n": moved}, messages.SUCCESS)


@admin.register(ChannelOptOut)
class ChannelOptOutAdmin(admin.ModelAdmin):
    list_display = ("contact_point", "channel", "at", "source")
    list_filter = ("channel", "source")
    raw_id_fields = ("contact_point",)
