import hashlib

from django import forms
from django.contrib import admin, messages
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_lazy as _

from . import look, words
from .models import (
    ApiToken, Branch, Counter, Feedback, Logo, NoteWord, Operation, Service, StaffMembership, Ticket, Transfer,
)


class ServiceInline(admin.TabularInline):
    model = Service
    extra = 0


class MembershipInline(admin.TabularInline):
    model = StaffMembership
    extra = 0
    autocomplete_fields = ["user"]


class BranchForm(forms.ModelForm):
    """The branch, and the bank's logo for its screens: uploaded here, checked (tickets/look.py: logo_type)."""

    logo_file = forms.FileField(required=False, label=_("Logo"), help_text=_("PNG, JPEG or SVG, at most 200 KB."))
    remove_logo = forms.BooleanField(required=False, label=_("Remove the logo"))

    class Meta:
        model = Branch
        fields = "__all__"

    def clean_logo_file(self):
        upload = self.cleaned_data.get("logo_file")
        if upload:
            data = upload.read(look.LOGO_MAX_BYTES + 1)
            return data, look.logo_type(data)
        return None


@admin.register(Branch)
class BranchAdmin(admin.ModelAdmin):
    form = BranchForm
    list_display = ["name", "slug", "time_zone", "languages", "speak_calls"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ServiceInline, MembershipInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if form.cleaned_data.get("remove_logo"):
            Logo.objects.filter(branch=obj).delete()
        elif form.cleaned_data.get("logo_file"):
            data, content_type = form.cleaned_data["logo_file"]
            Logo.objects.update_or_create(branch=obj, defaults={
                "image": data, "content_type": content_type, "version": hashlib.sha256(data).hexdigest()[:16]})


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "branch", "target_wait_minutes", "active", "called_at"]
    list_filter = ["branch", "active"]
    search_fields = ["name", "code"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("counters")

    @admin.display(description=_("Called at"))
    def called_at(self, service):
        # A service no counter calls still takes tickets at the kiosk, and they would wait all day.
        names = sorted(counter.name for counter in service.counters.all())
        if not names:
            return gettext("No counter: its tickets are never called")
        return ", ".join(words.say("counter", name=name) for name in names)


@admin.register(Counter)
class CounterAdmin(admin.ModelAdmin):
    list_display = ["name", "branch", "status"]
    list_filter = ["branch", "status"]
    search_fields = ["name"]
    filter_horizontal = ["services"]
    # A counter's status is changed by its teller (pause, resume, close), so that screens hear of it.
    readonly_fields = ["status"]


class TransferInline(admin.TabularInline):
    model = Transfer
    extra = 0
    can_delete = False
    readonly_fields = ["from_service", "to_service", "counter", "called_at", "transferred_at", "transferred_by"]

    def has_add_permission(self, request, obj=None):
        return False


def outcome_label(status):
    """A ticket's status as the dashboard and its CSV say it (tickets/words.py), not the model's choice label."""
    return capfirst(words.WORDS["outcome"][status])


class OutcomeFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [(status.value, outcome_label(status.value)) for status in Ticket.Status]

    def queryset(self, request, queryset):
        return queryset.filter(status=self.value()) if self.value() else queryset


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    """Tickets are the record the statistics are made from: readable here, changed only by the operations."""

    list_display = ["number", "day", "branch", "service", "outcome", "priority", "issued_at", "counter"]
    list_filter = ["branch", OutcomeFilter, "priority", "service", "day"]
    search_fields = ["number", "token"]
    date_hierarchy = "issued_at"
    inlines = [TransferInline]

    @admin.display(description=_("Status"), ordering="status")
    def outcome(self, ticket):
        return outcome_label(ticket.status)

    def get_fields(self, request, obj=None):
        # The status as people read it, in the place the model's field had.
        names = ["outcome" if name == "status" else name for name in super().get_fields(request, obj)]
        return list(dict.fromkeys(names))

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "outcome"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ["ticket", "rating", "perceived_wait", "note", "held_back", "created_at"]
    list_filter = ["rating", "held_back", "perceived_wait", "ticket__branch"]
    search_fields = ["note", "ticket__number"]
    # The shield is decided on the dashboard (actions.hold_back_note), which stamps who decided.
    readonly_fields = ["ticket", "rating", "perceived_wait", "note", "created_at", "held_back", "note_thanks",
                       "flagged_by", "flagged_at"]

    def has_add_permission(self, request):
        return False


@admin.register(StaffMembership)
class StaffMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "branch", "role"]
    list_filter = ["branch", "role"]
    search_fields = ["user__username"]
    autocomplete_fields = ["user"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at"]
    search_fields = ["name", "user__username"]
    fields = ["user", "name", "prefix", "created_at", "last_used_at"]
    readonly_fields = ["prefix", "created_at", "last_used_at"]
    autocomplete_fields = ["user"]

    def has_change_permission(self, request, obj=None):
        return False if obj else super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        token, raw_key = ApiToken.objects.create_token(obj.user, obj.name)
        obj.pk = token.pk
        obj.refresh_from_db()
        messages.warning(request, gettext("The key of %(name)s, shown only this once: %(key)s") % {
            "name": token.name, "key": raw_key})


def manages_a_branch(user):
    return user.is_active and user.is_staff and (
        user.is_superuser or StaffMembership.objects.filter(user=user, role=StaffMembership.Role.MANAGER).exists()
    )


@admin.register(NoteWord)
class NoteWordAdmin(admin.ModelAdmin):
    """The feedback shield's word lists (tickets/shield.py): any branch manager with admin access edits them,
    without being given model permissions one by one. A change applies to notes that arrive from then on."""

    list_display = ["word", "language", "kind"]
    list_filter = ["kind", "language"]
    search_fields = ["word"]

    def has_module_permission(self, request):
        return manages_a_branch(request.user)

    def has_view_permission(self, request, obj=None):
        return manages_a_branch(request.user)

    has_add_permission = has_module_permission
    has_change_permission = has_view_permission
    has_delete_permission = has_view_permission


@admin.register(Operation)
class OperationAdmin(admin.ModelAdmin):
    """The audit trail, every branch's: readable by superusers, changed by nobody (a branch's managers read theirs
    on /b/<branch>/audit/)."""

    list_display = ["at", "branch", "counter_name", "ticket_number", "by_name", "kind", "summary", "undone_at"]
    list_filter = ["branch", "kind", "at"]
    search_fields = ["summary", "by_name", "ticket_number", "counter_name"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
