from django.contrib import admin, messages
from django.db import models
from django.db.models import Count, Q
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_lazy as _, ngettext

from .delivery import send_again
from .models import Delivery, Endpoint


def _secret_page(request, endpoints):
    """The secrets, once: the admin never shows them again (a lost one is replaced, not read back)."""
    return TemplateResponse(request, "admin/webhooks/secret.html", {
        **admin.site.each_context(request), "title": _("Webhook secret"), "endpoints": endpoints,
        "back": reverse("admin:webhooks_endpoint_changelist"),
    })


@admin.register(Endpoint)
class EndpointAdmin(admin.ModelAdmin):
    list_display = ["name", "url", "branch_or_bank", "active", "include_notes", "delivery_log"]
    list_filter = ["active", "branch"]
    search_fields = ["name", "url"]
    fields = ["name", "url", "branch", "active", "include_notes", "delivery_log"]
    readonly_fields = ["delivery_log"]
    actions = ["new_secret"]
    # Receivers are reached over HTTPS: an address typed without its scheme means https.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_queryset(self, request):
        failing = Count("deliveries", filter=Q(deliveries__status=Delivery.Status.FAILED))
        return super().get_queryset(request).select_related("branch").annotate(failed=failing)

    @admin.display(description=_("branch"))
    def branch_or_bank(self, endpoint):
        return endpoint.branch or _("every branch")

    @admin.display(description=_("delivery log"))
    def delivery_log(self, endpoint):
        if not endpoint.pk:
            return "–"
        url = reverse("admin:webhooks_delivery_changelist") + f"?endpoint__id__exact={endpoint.pk}"
        failed = getattr(endpoint, "failed", 0)
        return format_html('<a href="{}">{}</a>', url, gettext("deliveries (%(failed)d failed)") % {"failed": failed} if failed else gettext("deliveries"))

    def response_add(self, request, endpoint, post_url_continue=None):
        return _secret_page(request, [endpoint])

    @admin.action(description=_("Give the selected endpoints a new secret (the old one stops working)"))
    def new_secret(self, request, endpoints):
        changed = list(endpoints)
        for endpoint in changed:
            endpoint.secret = Endpoint.new_secret()
            endpoint.save(update_fields=["secret"])
        return _secret_page(request, changed)


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """The delivery log: what went where, how many tries, what the receiver answered."""

    list_display = ["event_type", "event_id", "endpoint", "status", "attempts", "last_status_code",
                    "last_attempt_at", "next_attempt_at", "last_error"]
    list_filter = ["status", "endpoint", "event__type"]
    list_select_related = ["event", "endpoint"]
    search_fields = ["event__message_id"]
    actions = ["send_again"]
    readonly_fields = ["endpoint", "event_type", "event_id", "event_data", "status", "attempts", "next_attempt_at",
                       "retrying_since", "last_attempt_at", "last_status_code", "last_error", "delivered_at"]
    exclude = ["event", "order_key", "leased_until"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # a log: read, and sent again, never edited

    @admin.display(description=_("event"), ordering="event__type")
    def event_type(self, delivery):
        return delivery.event.type

    @admin.display(description="webhook-id")
    def event_id(self, delivery):
        return delivery.event.message_id

    @admin.display(description=_("data"))
    def event_data(self, delivery):
        return delivery.event.data

    @admin.action(description=_("Send again"), permissions=["view"])
    def send_again(self, request, deliveries):
        count = send_again(deliveries)
        self.message_user(request, ngettext("%d delivery will be sent again.", "%d deliveries will be sent again.",
                                            count) % count, messages.SUCCESS)
